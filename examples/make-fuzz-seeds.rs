//! Writes the fuzz targets' seed corpus (`fuzz/seeds/TARGET/`): small, valid examples of each
//! input, made by netlens's own writers and scenes, so the fuzzer starts from inputs that reach
//! deep into each parser. Deterministic; run again after a format changes:
//! `cargo run --example make-fuzz-seeds`.

use std::io::Write;
use std::path::Path;

use netlens::capture::{CaptureFormat, write_capture};
use netlens::netsim::{SceneKind, create_kind};
use netlens::sim::{Scene, Side, simulate};
use netlens::trace::Trace;

fn save(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

fn chunked(bytes: &[u8], size: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in bytes.chunks(size) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

fn main() {
    // Captures and packets: two small scenes, as sent and as captured at the client, in both
    // file formats; the packet stream as the `packets` target frames it.
    for name in ["handshake", "lossy-transfer", "duplicates", "fragmentation"] {
        let mut scene = Scene::named(name).unwrap();
        if let netlens::sim::Workload::Tcp { response, .. } = &mut scene.workload
            && response.len() > 6_000
        {
            *response = netlens::sim::Payload::Text("x".repeat(6_000));
        }
        let run = simulate(&scene);
        let trace = Trace::from_sim_at(&run, Side::Client);
        for (format, ext) in [(CaptureFormat::Pcap, "pcap"), (CaptureFormat::PcapNg, "pcapng")] {
            let mut bytes = Vec::new();
            write_capture(&trace, format, &mut bytes).unwrap();
            save("capture", &format!("{name}.{ext}"), &bytes);
        }
        let mut stream = Vec::new();
        let mut last = 0;
        for packet in &trace.packets {
            let bytes = trace.bytes(packet);
            let step_ms = ((packet.t_us.saturating_sub(last)) / 1_000).min(u64::from(u16::MAX)) as u16;
            last = packet.t_us;
            stream.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
            stream.extend_from_slice(&step_ms.to_be_bytes());
            stream.extend_from_slice(bytes);
        }
        save("packets", name, &stream);
    }

    // HTTP responses: plain, chunked, gzip, both, an HTML page with sub-resources, a redirect.
    let html = b"<html><head><link rel=stylesheet href=/a.css><script src=/b.js></script></head>\
                 <body><img src=/c.png><img src='http://127.0.0.1/d.png'></body></html>";
    let plain = [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: ".as_slice(),
        html.len().to_string().as_bytes(),
        b"\r\n\r\n",
        html,
    ]
    .concat();
    save("http_response", "plain", &plain);
    let chunk = [b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".as_slice(), &chunked(html, 17)].concat();
    save("http_response", "chunked", &chunk);
    let zipped = gzip(html);
    let gz = [
        format!("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n", zipped.len()).as_bytes(),
        &zipped,
    ]
    .concat();
    save("http_response", "gzip", &gz);
    let both = [
        b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n".as_slice(),
        &chunked(&zipped, 10),
    ]
    .concat();
    save("http_response", "gzip-chunked", &both);
    save("http_response", "redirect", b"HTTP/1.1 301 Moved Permanently\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n");
    save("http_response", "close-delimited", b"HTTP/1.0 404 Not Found\r\nConnection: close\r\n\r\nnot here");
    for (name, bytes) in [("plain", &plain), ("chunked", &chunk)] {
        save("http_head", name, bytes);
    }
    save("http_head", "request", b"GET /index.html HTTP/1.1\r\nHost: demo.test\r\nAccept: */*\r\n\r\n");

    // DNS: a query and the demo responder's answers to it (A and AAAA, and an unknown name).
    for (name, qtype) in [("a", 1u16), ("aaaa", 28)] {
        for host in ["demo.test", "nothing.test"] {
            let mut query = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
            for label in host.split('.') {
                query.push(label.len() as u8);
                query.extend_from_slice(label.as_bytes());
            }
            query.extend_from_slice(&[0]);
            query.extend_from_slice(&qtype.to_be_bytes());
            query.extend_from_slice(&[0, 1]);
            let answer = netlens::net::demo::dns_responder::answer(&query, Default::default()).unwrap();
            save("dns", &format!("query-{name}-{host}"), &query);
            save("dns", &format!("answer-{name}-{host}"), &answer);
        }
    }

    // TLS: a ClientHello-shaped handshake record, a change-cipher-spec, application data, an alert.
    let mut hello = vec![0x16, 3, 1, 0, 0x2f, 1, 0, 0, 0x2b, 3, 3];
    hello.extend_from_slice(&[7; 32]);
    hello.extend_from_slice(&[0, 0, 2, 0x13, 1, 1, 0, 0, 0]);
    let len = hello.len() - 5;
    hello[3..5].copy_from_slice(&(len as u16).to_be_bytes());
    let mut stream = hello.clone();
    stream.extend_from_slice(&[0x14, 3, 3, 0, 1, 1]);
    stream.extend_from_slice(&[0x17, 3, 3, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]);
    stream.extend_from_slice(&[0x15, 3, 3, 0, 2, 2, 40]);
    save("tls_records", "handshake", &stream);

    // Scene and lesson files: the built-in ones.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (dir, target) in [("assets/scenes", "scene_file"), ("assets/lessons", "lesson_file")] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            save(target, &path.file_name().unwrap().to_string_lossy(), &std::fs::read(&path).unwrap());
        }
    }

    // Live frames: the first frames each scene sends when it runs live.
    for kind in SceneKind::ALL {
        let mut scene = create_kind(kind, 1, None).unwrap();
        scene.live_world().go_live();
        for _ in 0..20 {
            scene.step();
        }
        for (i, frame) in scene.live_world().take_outbox().into_iter().take(4).enumerate() {
            save("live_frame", &format!("{}-{i}", kind.name()), &frame.bytes);
        }
    }

    // Actions and fetch addresses as a user types them.
    for (i, text) in
        ["kill 2", "restart 2", "clients 8", "http://demo.test/", "https://127.0.0.1:8443/a?b=c"].iter().enumerate()
    {
        save("cli_args", &format!("seed-{i}"), text.as_bytes());
    }

    // The class swarm's messages, each behind the byte that picks its decoder.
    use netlens::swarm::{pieces, telemetry, wire};
    let with = |kind: u8, body: &[u8]| [&[kind][..], body].concat();
    let peer: libp2p::PeerId = "12D3KooWLk6WMcdcs92xidZz127AapUZkiC8MCXAhNMwKxCtZczE".parse().unwrap();
    let requests = [
        wire::Request::Store { key: pieces::sha256(b"piece"), file: [7; 32], index: 0, data: b"piece".to_vec() },
        wire::Request::Has { key: [1; 32] },
        wire::Request::Fetch { key: [2; 32] },
        wire::Request::FindNode { target: [3; 32] },
    ];
    for (i, request) in requests.iter().enumerate() {
        save("swarm_message", &format!("request-{i}"), &with(0, &wire::encode_request(request)));
    }
    let responses = [
        wire::Response::Stored,
        wire::Response::Refused("full".into()),
        wire::Response::Have(true),
        wire::Response::Piece(b"piece".to_vec()),
        wire::Response::Closest(vec![(peer, vec!["/ip4/127.0.0.1/tcp/4001".parse().unwrap()])]),
    ];
    for (i, response) in responses.iter().enumerate() {
        save("swarm_message", &format!("response-{i}"), &with(1, &wire::encode_response(response)));
    }
    let file = pieces::split("notes.txt", &vec![5; 300_000]).unwrap();
    save("swarm_message", "manifest", &with(2, &file.manifest_bytes));
    let report = telemetry::Telemetry {
        name: "ada".into(),
        table_size: 4,
        pieces: 2,
        connections: 3,
        links: vec![peer.to_string()],
        held: vec!["0123456789abcdef".into()],
        files: vec![telemetry::FileNote {
            id: pieces::hex(&file.id),
            name: "notes.txt".into(),
            size: 300_000,
            pieces: file.pieces.len(),
        }],
    };
    save("swarm_message", "telemetry", &with(3, &serde_json::to_vec(&report).unwrap()));
    save(
        "swarm_message",
        "order",
        &with(4, &serde_json::to_vec(&telemetry::Order::Ban { peer: peer.to_string() }).unwrap()),
    );
    let sent = telemetry::SentReport {
        sent: vec![telemetry::Sent { to: peer.to_string(), kind: "store".into(), ago_ms: 120 }],
    };
    save("swarm_message", "sent", &with(5, &serde_json::to_vec(&sent).unwrap()));
}
