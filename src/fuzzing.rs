//! Entry points for fuzzing every parser of outside bytes, one function per target.
//!
//! The fuzz crate (`fuzz/`, cargo-fuzz/libFuzzer) calls these with generated inputs, and
//! `tests/fuzz_corpus.rs` replays the seed corpus and every crash ever found through the same
//! functions, so a fixed crash stays fixed in `cargo test`. Each function feeds the bytes through
//! the same code path netlens uses on real input and goes on as far as that input allows (a file
//! that reads is also summarised and explained). The only rule a target checks is the one netlens
//! promises: an error is fine, a panic, a hang or unbounded memory is not.

use crate::capture::read_bytes;
use crate::netsim::{SceneKind, live_world::Frame};
use crate::packet::{TcpAnalyzer, decode_ip};

/// A fuzz target: takes any bytes, may reject them, must never panic.
pub type Target = fn(&[u8]);

/// Every target, by the name `scripts/fuzz.sh` and the corpus directories use.
pub const TARGETS: [(&str, Target); 11] = [
    ("capture", capture),
    ("packets", packets),
    ("http_response", http_response),
    ("http_head", http_head),
    ("dns", dns),
    ("tls_records", tls_records),
    ("scene_file", scene_file),
    ("lesson_file", lesson_file),
    ("live_frame", live_frame),
    ("cli_args", cli_args),
    ("swarm_message", swarm_message),
];

/// A capture file (pcap or pcapng, any damage), then everything the views derive from it.
pub fn capture(data: &[u8]) {
    let Ok(trace) = read_bytes(data, "fuzz") else { return };
    let _ = crate::trace::json::report(&trace);
    for packet in trace.packets.iter().take(64) {
        let (from, to) = trace.from_to(packet);
        let _ = crate::trace::explain::explain(packet, &from, &to);
        let _ = trace.decode(packet);
    }
}

/// Raw IP packets, each prefixed by a 2-byte length and a 2-byte time step in milliseconds,
/// decoded and labelled in order, as a capture's packets are.
pub fn packets(mut data: &[u8]) {
    let mut analyzer = TcpAnalyzer::default();
    let mut t_us = 0u64;
    let mut number = 0;
    while let Some((head, rest)) = data.split_first_chunk::<4>() {
        let len = usize::from(u16::from_be_bytes([head[0], head[1]])).min(rest.len());
        t_us += u64::from(u16::from_be_bytes([head[2], head[3]])) * 1_000;
        let (packet, rest) = rest.split_at(len);
        data = rest;
        number += 1;
        if let Ok(decoded) = decode_ip(packet) {
            let analysis = analyzer.analyze(number, t_us, &decoded);
            let _ = analysis.text(packet.len(), 0, false);
            let _ = (decoded.from_text(), decoded.to_text());
        }
    }
}

/// What a server sends back to the page loader's HTTP client (ureq, as netlens configures it):
/// the head, then a body that may be chunked and gzip-compressed, read to the end.
pub fn http_response(data: &[u8]) {
    let _ = crate::wire::http_head::parse_response_head(data);
    crate::net::client::fuzz_response(data);
}

/// An HTTP message head as the Raw view and the exchange recorder split it.
pub fn http_head(data: &[u8]) {
    let _ = crate::wire::http_head::head_end(data);
    let _ = crate::wire::http_head::parse_head(data);
    let _ = crate::wire::http_head::parse_response_head(data);
}

/// A DNS message: as the client reads an answer, as the demo name server reads a query, and as
/// the DNS view lists its fields.
pub fn dns(data: &[u8]) {
    let _ = crate::wire::dns_fields::dns_fields(data);
    let _ = hickory_proto::op::Message::from_vec(data);
    let _ = crate::net::demo::dns_responder::answer(data, Default::default());
}

/// Bytes from a TLS connection, cut into records and described.
pub fn tls_records(data: &[u8]) {
    let (records, _rest) = crate::wire::tls_records::split_records(data);
    for record in records.iter().take(256) {
        let _ = record.describe();
    }
}

/// A packet scene file (TOML), validated as the Packets view loads it; small ones are run.
pub fn scene_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(scene) = crate::sim::Scene::parse(text) else { return };
    // Running is the simulator's job, not the parser's; keep runs short so the fuzzer stays on
    // parsing, but do run what parses so a scene that validates cannot crash the run.
    let small = match &scene.workload {
        crate::sim::Workload::Tcp { request, response, .. } => request.len() + response.len() <= 4_096,
        crate::sim::Workload::Udp { size } => *size <= 4_096,
    };
    if small {
        let _ = crate::sim::simulate_cancellable(&scene, &|| false);
    }
}

/// A lesson file (TOML), parsed and validated as `netlens lesson FILE` and the window load it.
pub fn lesson_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = crate::lesson::file::parse("fuzz.toml", text);
}

/// A frame a stranger sends to a live listener, decoded strictly and handed to every scene kind.
pub fn live_frame(data: &[u8]) {
    let Ok(frame) = Frame::decode(data) else { return };
    for kind in SceneKind::ALL {
        let Ok(mut scene) = crate::netsim::create_kind(kind, 1, None) else { continue };
        scene.live_world().go_live();
        if scene.deliver(&frame).is_ok() {
            for _ in 0..32 {
                if !scene.step() {
                    break;
                }
            }
        }
    }
}

/// Words a user types after `netlens scene run --at` and in lesson actions: the action parser.
pub fn cli_args(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let _ = crate::netsim::Action::parse(text);
    let _ = crate::record::FetchRequest::parse(text);
}

/// What a stranger in the class swarm can send: a pieces-protocol request or response, a file's
/// manifest, telemetry, an order or a student's message report (the first byte picks which). A
/// message that decodes must encode back to the same message.
pub fn swarm_message(data: &[u8]) {
    use crate::swarm::{pieces, telemetry, wire};
    let Some((&kind, body)) = data.split_first() else { return };
    match kind % 6 {
        0 => {
            if let Ok(request) = wire::decode_request(body) {
                assert_eq!(wire::decode_request(&wire::encode_request(&request)), Ok(request));
            }
        }
        1 => {
            if let Ok(response) = wire::decode_response(body) {
                assert_eq!(wire::decode_response(&wire::encode_response(&response)), Ok(response));
            }
        }
        2 => {
            if let Ok(manifest) = pieces::Manifest::from_bytes(body) {
                let _ = manifest.piece_keys();
            }
        }
        3 => {
            let _ = telemetry::Telemetry::from_bytes(body);
        }
        4 => {
            let _ = telemetry::Order::from_bytes(body);
        }
        _ => {
            if let Ok(report) = telemetry::SentReport::from_bytes(body) {
                assert!(report.sent.len() <= telemetry::MAX_REPORTED_SENT);
            }
        }
    }
}
