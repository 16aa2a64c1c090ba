//! Page loads through the library against the real demo site and DNS responder on loopback.

mod common;

use std::time::Duration;

use netlens::net::client::{PageLoader, PageResult};
use netlens::net::demo::bodies::generated_byte;
use netlens::record::{DnsSource, ErrorKind, ExchangeRole, FetchOptions, FetchRequest, Phase, ResourceKind};
use netlens::wire::dns_fields::dns_fields;

fn fetch(options: &FetchOptions, url: &str) -> PageResult {
    let loader = PageLoader::new(options).expect("loader");
    loader.run(&FetchRequest::parse(url).expect("valid url"), &mut |_| {})
}

#[test]
fn the_front_page_comes_with_its_images_stylesheet_and_script_over_one_kept_alive_connection() {
    let demo = common::start_demo();
    let result = fetch(&demo.options(), &demo.url("/"));
    assert!(result.error.is_none(), "{:?}", result.error);
    let page = &result.exchanges[0];
    assert_eq!(page.status(), Some(200));
    assert_eq!(page.role, ExchangeRole::Page);

    let subresources: Vec<_> =
        result.exchanges[1..].iter().map(|e| (e.url.rsplit('/').next().unwrap().to_string(), e.role)).collect();
    let images = subresources.iter().filter(|(_, r)| *r == ExchangeRole::Subresource(ResourceKind::Image)).count();
    assert!(images >= 3, "{subresources:?}");
    assert!(subresources.contains(&("style.css".into(), ExchangeRole::Subresource(ResourceKind::Stylesheet))));
    assert!(subresources.contains(&("app.js".into(), ExchangeRole::Subresource(ResourceKind::Script))));
    for sub in &result.exchanges[1..] {
        assert_eq!(sub.status(), Some(200), "{}", sub.url);
        assert_eq!(
            sub.initiator.as_deref(),
            Some(page.url.as_str()),
            "each sub-resource names the page as its initiator"
        );
        let connect = sub.connect.as_ref().unwrap();
        assert!(connect.reused, "keep-alive: {} reused connection #{}", sub.url, connect.connection);
        assert!(sub.timings.connect.is_none() && sub.timings.dns.is_none(), "no new connect or lookup on reuse");
        assert!(sub.dns.as_ref().unwrap().cached);
    }
    // Every byte on the wire is recorded: the response bytes are the head plus the body as sent.
    let body = page.body.as_ref().unwrap();
    let head = page.head.as_ref().unwrap();
    assert_eq!(page.response.total(), head.head_len as u64 + body.decoded.total());
    assert!(page.request.kept().starts_with(b"GET / HTTP/1.1\r\n"));
    let names: Vec<_> = head.headers.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in ["Date", "Server", "Last-Modified", "Content-Type", "Content-Length"] {
        assert!(names.contains(&wanted), "the textbook's headers are there: {names:?}");
    }
    // All phases of the first request were timed, in order.
    let t = &page.timings;
    let (dns, connect, send, wait, download) =
        (t.dns.unwrap(), t.connect.unwrap(), t.send.unwrap(), t.wait.unwrap(), t.download.unwrap());
    assert!(
        dns.end_us <= connect.start_us
            && connect.end_us <= send.start_us
            && send.end_us <= wait.end_us
            && wait.end_us <= download.end_us
    );
    assert!(page.tcp.is_some(), "TCP_INFO was read on Linux");
}

#[test]
fn the_demo_name_is_looked_up_with_a_real_udp_query_whose_bytes_are_kept() {
    let demo = common::start_demo();
    let result = fetch(&demo.options(), &demo.url("/missing"));
    let dns = result.exchanges[0].dns.as_ref().unwrap();
    assert_eq!(dns.source, DnsSource::Demo);
    assert_eq!(dns.server, Some(demo.addresses.dns));
    assert_eq!(dns.addresses, vec![std::net::IpAddr::from([127, 0, 0, 1])]);
    let (query, answer) = (dns.query.as_deref().unwrap(), dns.answer.as_deref().unwrap());
    assert_eq!(query[..2], answer[..2], "the answer carries the query's ID");
    let fields = dns_fields(answer).unwrap();
    assert!(fields.iter().any(|f| f.name == "RDATA" && f.value == "127.0.0.1"));
    assert_eq!(dns.response_code.as_deref(), Some("NOERROR"));
}

#[test]
fn a_redirect_is_followed_as_its_own_exchange_and_can_be_turned_off() {
    let demo = common::start_demo();
    let options = FetchOptions { subresources: false, ..demo.options() };
    let result = fetch(&options, &demo.url("/moved"));
    let statuses: Vec<_> = result.exchanges.iter().map(|e| e.status()).collect();
    assert_eq!(statuses, [Some(301), Some(200)]);
    assert_eq!(result.exchanges[1].role, ExchangeRole::Redirect);
    assert_eq!(result.exchanges[1].initiator.as_deref(), Some(demo.url("/moved").as_str()));
    assert_eq!(result.exchanges[0].head.as_ref().unwrap().header("Location"), Some("/"));

    let no_follow = fetch(&FetchOptions { max_redirects: 0, ..options.clone() }, &demo.url("/moved"));
    assert_eq!(no_follow.exchanges.len(), 1);
    assert_eq!(no_follow.exchanges[0].status(), Some(301));
    assert!(no_follow.error.is_none());
}

#[test]
fn error_statuses_are_responses_not_failures() {
    let demo = common::start_demo();
    let options = FetchOptions { subresources: false, ..demo.options() };
    for (path, status, text) in
        [("/missing", 404, "404 Not Found"), ("/error", 500, "500 Internal Server Error"), ("/nope/../x", 404, "404")]
    {
        let result = fetch(&options, &demo.url(path));
        let page = &result.exchanges[0];
        assert_eq!(page.status(), Some(status), "{path}");
        assert!(page.error.is_none() && result.error.is_none());
        let body = String::from_utf8_lossy(page.body.as_ref().unwrap().decoded.kept()).into_owned();
        assert!(body.contains(text), "{path}: an HTML body explains the status");
    }
}

#[test]
fn chunked_bodies_show_their_framing_on_the_wire_and_arrive_whole() {
    let demo = common::start_demo();
    let result = fetch(&FetchOptions { subresources: false, ..demo.options() }, &demo.url("/chunked"));
    let page = &result.exchanges[0];
    let head = page.head.as_ref().unwrap();
    assert_eq!(head.header("Transfer-Encoding"), Some("chunked"));
    let wire = &page.response.kept()[head.head_len..];
    assert!(wire.ends_with(b"0\r\n\r\n"), "the last chunk has length 0");
    let decoded = page.body.as_ref().unwrap().decoded.kept();
    assert!(decoded.starts_with(b"<!DOCTYPE html>") && decoded.ends_with(b"</html>\n"));
    assert!(wire.len() > decoded.len(), "chunk lengths and CRLFs are on the wire, not in the body");
    // Five chunks separated by pauses: the download phase spans the pauses.
    assert!(page.timings.download.unwrap().micros() >= 4 * 100_000, "{:?}", page.timings.download);
}

#[test]
fn gzip_bodies_are_compressed_on_the_wire_and_decompressed_for_display() {
    let demo = common::start_demo();
    let result = fetch(&FetchOptions { subresources: false, ..demo.options() }, &demo.url("/gzip"));
    let page = &result.exchanges[0];
    let head = page.head.as_ref().unwrap();
    assert_eq!(head.header("Content-Encoding"), Some("gzip"));
    let wire = &page.response.kept()[head.head_len..];
    assert_eq!(&wire[..2], b"\x1f\x8b", "gzip magic on the wire");
    let decoded = page.body.as_ref().unwrap().decoded.kept();
    assert!(String::from_utf8_lossy(decoded).contains("A compressed answer"));
    assert!(decoded.len() > wire.len());
}

#[test]
fn fifty_megabytes_arrive_with_bounded_memory_for_the_record() {
    let demo = common::start_demo();
    let options = FetchOptions { subresources: false, preview_bytes: 1 << 20, ..demo.options() };
    let result = fetch(&options, &demo.url("/bytes/50000000"));
    let page = &result.exchanges[0];
    let body = page.body.as_ref().unwrap();
    assert!(body.complete);
    assert_eq!(body.decoded.total(), 50_000_000);
    assert_eq!(body.decoded.kept().len(), 1 << 20, "only the preview is kept");
    assert!(page.response.kept().len() <= 1 << 20);
    assert!(body.decoded.kept().iter().enumerate().all(|(i, &b)| b == generated_byte(i as u64)));
    // The hash covers all 50 MB: it equals the hash of the same bytes generated here.
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let block: Vec<u8> = (0..4096).map(generated_byte).collect();
    let mut left = 50_000_000usize;
    while left > 0 {
        let n = left.min(block.len());
        hasher.update(&block[..n]);
        left -= n;
    }
    assert_eq!(body.xxh3, format!("{:032x}", hasher.digest128()));
}

#[test]
fn a_name_missing_from_the_demo_zone_fails_at_the_dns_step() {
    let demo = common::start_demo();
    let url = format!("http://nowhere.demo.test:{}/", demo.addresses.http.port());
    let result = fetch(&demo.options(), &url);
    let error = result.error.clone().unwrap();
    assert_eq!((error.kind, error.phase), (ErrorKind::Dns, Some(Phase::Dns)));
    assert!(error.message.contains("NXDOMAIN"), "{}", error.message);
    let dns = result.exchanges[0].dns.as_ref().unwrap();
    assert_eq!(dns.response_code.as_deref(), Some("NXDOMAIN"), "the failed lookup is still shown with its bytes");
    assert!(dns.answer.is_some());
    assert!(!result.got_response());
}

#[test]
fn a_refused_connection_fails_at_the_connect_step() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let result = fetch(&FetchOptions::default(), &format!("http://127.0.0.1:{closed}/"));
    let error = result.error.unwrap();
    assert_eq!((error.kind, error.phase), (ErrorKind::Connect, Some(Phase::Connect)));
    assert!(error.message.contains("refused"));
}

#[test]
fn a_slow_server_hits_the_total_timeout_in_the_wait_phase() {
    let demo = common::start_demo();
    let options = FetchOptions { total_timeout: Duration::from_millis(1500), subresources: false, ..demo.options() };
    let result = fetch(&options, &demo.url("/slow?ms=20000"));
    let error = result.error.unwrap();
    assert_eq!((error.kind, error.phase), (ErrorKind::Timeout, Some(Phase::Wait)), "{}", error.message);
    assert!(result.exchanges[0].head.is_none());
}

#[test]
fn a_malformed_url_is_refused_before_any_network_work() {
    for bad in ["http://exa mple.test/", "ftp://www.demo.test/", "", "http://"] {
        let error = FetchRequest::parse(bad).unwrap_err();
        assert_eq!(error.kind, ErrorKind::Url, "{bad:?}");
    }
}

#[test]
fn https_shows_the_tls_records_and_the_decrypted_http_and_the_certificate() {
    let demo = common::start_demo();
    let result = fetch(&FetchOptions { subresources: false, ..demo.options() }, &demo.https_url("/"));
    assert!(result.error.is_none(), "{:?}", result.error);
    let page = &result.exchanges[0];
    assert_eq!(page.status(), Some(200));
    let tls = page.tls.as_ref().unwrap();
    assert_eq!(tls.version, "TLS 1.3");
    assert_eq!(tls.alpn.as_deref(), Some("http/1.1"));
    let cert = tls.certificate.as_ref().unwrap();
    assert!(cert.subject.contains("www.demo.test") && cert.issuer.contains("netlens demo CA"));
    assert!(page.timings.tls.is_some());
    assert!(page.request.kept().starts_with(b"GET / HTTP/1.1\r\n"), "the HTTP layer is decrypted");
    let sent = page.tls_sent.as_ref().unwrap().kept();
    let (records, _) = netlens::wire::tls_records::split_records(sent);
    assert_eq!(records[0].describe().split(',').next(), Some("Handshake: ClientHello"));
    assert!(!sent.windows(14).any(|w| w == b"GET / HTTP/1.1"), "on the wire the request is encrypted");
}

#[test]
fn https_with_an_untrusted_certificate_fails_at_the_tls_step() {
    let demo = common::start_demo();
    let options = FetchOptions { extra_roots: Vec::new(), subresources: false, ..demo.options() };
    let result = fetch(&options, &demo.https_url("/"));
    let error = result.error.unwrap();
    assert_eq!((error.kind, error.phase), (ErrorKind::Tls, Some(Phase::Tls)));
    assert!(error.message.contains("not issued by an authority this client trusts"), "{}", error.message);
}

#[test]
fn stopping_a_load_from_another_thread_ends_it_before_the_server_answers_as_cancelled() {
    // A server that reads the request, says so, and never answers: the load is then surely
    // blocked waiting when the stop comes. (After 60 s it hangs up — a guard against a hang; a
    // load ended that way would not be "cancelled", so the test would fail, not wait forever.)
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (read_tx, read_rx) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = std::io::Read::read(&mut socket, &mut buf).unwrap();
            assert!(n > 0, "the client hung up before its request was whole");
            request.extend_from_slice(&buf[..n]);
        }
        read_tx.send(()).unwrap();
        // Wait for the client to hang up (the stop closes its socket), or the guard.
        socket.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        matches!(std::io::Read::read(&mut socket, &mut buf), Ok(0))
    });
    let loader = PageLoader::new(&FetchOptions { subresources: false, ..FetchOptions::default() }).unwrap();
    let stop = loader.stop_handle();
    let stopper = std::thread::spawn(move || {
        read_rx.recv().expect("the server read the request");
        stop.stop();
    });
    let result = loader.run(&FetchRequest::parse(&format!("http://{addr}/")).unwrap(), &mut |_| {});
    stopper.join().unwrap();
    assert_eq!(result.error.map(|e| e.kind), Some(ErrorKind::Cancelled));
    let exchange = &result.exchanges[0];
    assert!(exchange.request.kept().starts_with(b"GET / HTTP/1.1\r\n"), "the request went out");
    assert!(exchange.head.is_none() && exchange.response.is_empty(), "no answer was ever sent");
    assert!(server.join().unwrap(), "the stop closed the connection the load was waiting on");
}

#[test]
fn wire_mode_sends_its_own_query_to_the_nameserver_and_keeps_the_bytes() {
    // The demo responder stands in for "the system's nameserver": it refuses names outside its
    // zone, so the lookup fails, but the query and the REFUSED answer crossed the wire.
    let demo = common::start_demo();
    let options = FetchOptions {
        dns_mode: netlens::record::DnsMode::Wire,
        nameserver: Some(demo.addresses.dns),
        subresources: false,
        ..demo.options()
    };
    let result = fetch(&options, "http://www.example.com/");
    let error = result.error.unwrap();
    assert_eq!((error.kind, error.phase), (ErrorKind::Dns, Some(Phase::Dns)));
    assert!(error.message.contains("REFUSED"), "{}", error.message);
    let dns = result.exchanges[0].dns.as_ref().expect("the lookup is recorded");
    assert_eq!(dns.source, DnsSource::Wire);
    assert_eq!(dns.server, Some(demo.addresses.dns));
    assert!(dns.query.is_some() && dns.answer.is_some());
}

#[test]
fn a_reply_that_is_not_http_is_a_malformed_response() {
    let addr = common::misbehaving_server(b"SSH-2.0-OpenSSH_9.2\r\nnot http at all\r\n\r\n".to_vec());
    let result = fetch(&FetchOptions::default(), &format!("http://{addr}/"));
    let error = result.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Http, "{}", error.message);
    assert!(error.message.contains("not valid HTTP"), "{}", error.message);
    assert!(result.exchanges[0].response.kept().starts_with(b"SSH-2.0"), "the bytes that came are still shown");
}

#[test]
fn an_endless_response_head_is_refused_not_buffered_forever() {
    let mut reply = b"HTTP/1.1 200 OK\r\n".to_vec();
    while reply.len() < 200_000 {
        reply.extend_from_slice(
            b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n",
        );
    }
    let addr = common::misbehaving_server(reply);
    let result = fetch(&FetchOptions::default(), &format!("http://{addr}/"));
    let error = result.error.unwrap();
    assert_eq!(error.kind, ErrorKind::Http, "{}", error.message);
}

#[test]
fn a_server_that_hangs_up_without_answering_is_explained() {
    let addr = common::misbehaving_server(Vec::new());
    let result = fetch(&FetchOptions::default(), &format!("http://{addr}/"));
    let error = result.error.unwrap();
    assert_eq!(error.phase, Some(Phase::Wait), "{error:?}");
    assert!(error.message.contains("closed the connection without answering"), "{}", error.message);
}

#[test]
fn a_body_shorter_than_its_content_length_is_incomplete() {
    let addr = common::misbehaving_server(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this".to_vec());
    let result = fetch(&FetchOptions::default(), &format!("http://{addr}/"));
    let page = &result.exchanges[0];
    assert_eq!(page.status(), Some(200), "the head arrived");
    let body = page.body.as_ref().unwrap();
    assert!(!body.complete);
    assert_eq!(body.decoded.kept(), b"only this");
    let error = result.error.clone().unwrap();
    assert_eq!(error.phase, Some(Phase::Download));
    assert!(error.message.contains("before the whole body arrived"), "{}", error.message);
    assert!(result.got_response(), "the CLI exits 0: a response did arrive");
}

#[test]
fn a_redirect_loop_stops_at_the_limit_with_every_hop_shown() {
    let addr = common::misbehaving_server(
        b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    );
    let options = FetchOptions { max_redirects: 3, ..FetchOptions::default() };
    let result = fetch(&options, &format!("http://{addr}/"));
    assert_eq!(result.exchanges.len(), 4, "the page and three redirects");
    assert!(result.exchanges.iter().all(|e| e.status() == Some(302)));
    let error = result.error.clone().unwrap();
    assert_eq!(error.kind, ErrorKind::TooManyRedirects);
    assert!(result.got_response(), "responses did arrive, so the CLI exits 0");
}
