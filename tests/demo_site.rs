//! The demo site and DNS responder, spoken to with raw bytes over loopback, as curl or dig would.

mod common;

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv6Addr, TcpStream};
use std::time::Duration;

use hickory_proto::rr::RecordType;
use netlens::net::client::dns_wire;

/// Sends `request` as is on a new connection and returns everything the server sends back.
fn raw(addr: std::net::SocketAddr, request: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    String::from_utf8_lossy(&reply).into_owned()
}

fn get(addr: std::net::SocketAddr, target: &str, extra: &str) -> String {
    raw(addr, &format!("GET {target} HTTP/1.1\r\nHost: www.demo.test\r\n{extra}Connection: close\r\n\r\n"))
}

#[test]
fn responses_carry_the_textbook_headers_in_title_case() {
    let demo = common::start_demo();
    let reply = get(demo.addresses.http, "/", "");
    assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
    for header in [
        "\r\nDate: ",
        "\r\nServer: netlens-demo/",
        "\r\nLast-Modified: ",
        "\r\nContent-Type: text/html",
        "\r\nContent-Length: ",
    ] {
        assert!(reply.contains(header), "missing {header:?} in {reply}");
    }
}

#[test]
fn head_gets_the_headers_without_the_body() {
    let demo = common::start_demo();
    let reply = raw(demo.addresses.http, "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let (head, body) = reply.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"));
    assert!(head.contains("Content-Length: "));
    assert!(body.is_empty(), "no body after HEAD: {body:?}");
}

#[test]
fn other_methods_get_405_with_allow() {
    let demo = common::start_demo();
    let reply =
        raw(demo.addresses.http, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
    assert!(reply.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"), "{reply}");
    assert!(reply.contains("\r\nAllow: GET, HEAD\r\n"));
}

#[test]
fn dot_dot_in_a_raw_path_never_escapes() {
    let demo = common::start_demo();
    for target in ["/../Cargo.toml", "/img/../../src/main.rs", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd"] {
        let reply = get(demo.addresses.http, target, "");
        assert!(reply.starts_with("HTTP/1.1 404 Not Found\r\n"), "{target}: {reply}");
    }
}

#[test]
fn gzip_only_when_the_client_accepts_it() {
    let demo = common::start_demo();
    let plain = get(demo.addresses.http, "/gzip", "");
    let (head, _) = plain.split_once("\r\n\r\n").unwrap();
    assert!(!head.contains("Content-Encoding"), "{head}");
    assert!(plain.contains("A compressed answer"));
    let compressed = get(demo.addresses.http, "/gzip", "Accept-Encoding: gzip\r\n");
    assert!(compressed.contains("\r\nContent-Encoding: gzip\r\n"));
    assert!(!compressed.contains("A compressed answer"));
}

#[test]
fn chunked_and_bytes_frame_their_bodies_as_promised() {
    let demo = common::start_demo();
    let chunked = get(demo.addresses.http, "/chunked", "");
    assert!(chunked.contains("\r\nTransfer-Encoding: chunked\r\n"));
    assert!(chunked.ends_with("\r\n0\r\n\r\n"));
    let bytes = get(demo.addresses.http, "/bytes/12345", "");
    let (head, body) = bytes.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("\r\nContent-Length: 12345"));
    assert_eq!(body.len(), 12345);
    let too_big = get(demo.addresses.http, "/bytes/2000000000", "");
    assert!(too_big.starts_with("HTTP/1.1 400 Bad Request"));
}

#[test]
fn the_dns_responder_answers_its_zone_over_udp_and_nothing_else() {
    let demo = common::start_demo();
    let ask = |name: &str, rtype| {
        dns_wire::query(demo.addresses.dns, name, rtype, Duration::from_secs(5), &|| false).unwrap()
    };
    let a = ask("api.demo.test", RecordType::A);
    assert_eq!((a.response_code.as_str(), a.addresses.clone()), ("NOERROR", vec![IpAddr::from([127, 0, 0, 1])]));
    let aaaa = ask("img.demo.test", RecordType::AAAA);
    assert_eq!(aaaa.addresses, vec![IpAddr::V6(Ipv6Addr::LOCALHOST)]);
    let missing = ask("missing.demo.test", RecordType::A);
    assert_eq!(missing.response_code, "NXDOMAIN");
    assert!(dns_wire::is_nxdomain(&missing));
    let outside = ask("example.com", RecordType::A);
    assert_eq!(outside.response_code, "REFUSED");
}

#[test]
fn a_taken_preferred_port_gives_way_but_a_named_port_must_be_free() {
    use netlens::net::demo::{DemoConfig, DemoServices, PortChoice};
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let prefer = DemoConfig { http: PortChoice::Prefer(port), ..DemoConfig::ephemeral() };
        let services = DemoServices::start(&prefer).await.expect("falls back to a free port");
        assert_ne!(services.addresses.http.port(), port);

        let exactly = DemoConfig { http: PortChoice::Exactly(port), ..DemoConfig::ephemeral() };
        let error = DemoServices::start(&exactly).await.err().expect("a named port that is taken fails");
        assert!(
            error.contains(&format!("127.0.0.1:{port}")) && error.contains("another program uses that port"),
            "{error}"
        );
    });
}

/// Reads until the server closes the connection (or sends something); the deadline is a hang
/// guard: a server that kept the connection would fail the test there.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut buf = [0u8; 64];
    match stream.read(&mut buf) {
        Ok(0) => true,
        Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
        Ok(_) => false,
    }
}

#[test]
fn a_tls_client_that_never_finishes_its_handshake_is_closed() {
    let mut config = netlens::net::demo::DemoConfig::ephemeral();
    config.limits.tls_handshake = Duration::from_millis(300);
    let demo = common::start_demo_with(config);
    // Connected, and silent: no ClientHello ever comes.
    let mut silent = TcpStream::connect(demo.addresses.https.unwrap()).unwrap();
    assert!(closed_by_server(&mut silent), "the server kept a handshake that never started");
    // Half a ClientHello, then nothing.
    let mut half = TcpStream::connect(demo.addresses.https.unwrap()).unwrap();
    half.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc]).unwrap();
    assert!(closed_by_server(&mut half), "the server kept a handshake that never finished");
    // And the site still serves over http.
    assert!(get(demo.addresses.http, "/", "").starts_with("HTTP/1.1 200 OK\r\n"));
}

#[test]
fn connections_beyond_the_cap_are_closed_at_once_and_a_freed_place_serves_again() {
    let mut config = netlens::net::demo::DemoConfig::ephemeral();
    config.limits.max_connections = 4;
    let demo = common::start_demo_with(config);
    let http = demo.addresses.http;
    // Four connections that each got an answer (so the server surely holds them), kept open.
    let mut held: Vec<TcpStream> = (0..4)
        .map(|_| {
            let mut stream = TcpStream::connect(http).unwrap();
            stream.write_all(b"GET /missing HTTP/1.1\r\nHost: www.demo.test\r\n\r\n").unwrap();
            let mut buf = [0u8; 12];
            stream.read_exact(&mut buf).unwrap();
            assert_eq!(&buf, b"HTTP/1.1 404");
            stream
        })
        .collect();
    // A fifth is closed as soon as it is accepted, without an answer.
    let mut fifth = TcpStream::connect(http).unwrap();
    let _ = fifth.write_all(b"GET / HTTP/1.1\r\nHost: www.demo.test\r\n\r\n");
    assert!(closed_by_server(&mut fifth), "a fifth connection was served");
    // One leaves: once the server has seen it go, a new connection is served again.
    drop(held.remove(0));
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let mut stream = TcpStream::connect(http).unwrap();
        let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: www.demo.test\r\nConnection: close\r\n\r\n");
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        if reply.starts_with(b"HTTP/1.1 200 OK\r\n") {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the freed place was never taken again");
        std::thread::sleep(Duration::from_millis(20));
    }
}
