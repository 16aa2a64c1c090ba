//! `netlens scenes`, `simulate` and `inspect` as a user runs them: the JSON fields the issue
//! names, captures written and read back, and one-line reasons with a non-zero exit.

use std::process::{Command, Output};

use serde_json::Value;

const NETLENS: &str = env!("CARGO_BIN_EXE_netlens");

fn netlens(args: &[&str]) -> Output {
    Command::new(NETLENS).args(args).output().expect("run netlens")
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"))
}

fn one_line_failure(out: &Output) -> String {
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(text.trim_end().lines().count(), 1, "one line of reason: {text:?}");
    text
}

#[test]
fn scenes_lists_every_built_in_scene() {
    let out = netlens(&["scenes"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for name in [
        "handshake",
        "teardown",
        "http-exchange",
        "lossy-transfer",
        "reordering",
        "duplicates",
        "big-message",
        "fragmentation",
    ] {
        assert!(text.lines().any(|l| l.starts_with(name)), "{name} missing from:\n{text}");
    }
}

#[test]
fn simulate_json_has_the_named_fields() {
    let report = json(&netlens(&["simulate", "handshake", "--format", "json"]));
    let packets = report["packets"].as_array().unwrap();
    assert_eq!(packets.len(), 3);
    let syn = &packets[0];
    assert_eq!(syn["flags"], "SYN");
    assert_eq!(syn["from"], "192.0.2.1:49152");
    assert_eq!(syn["to"], "192.0.2.80:80");
    assert_eq!(syn["fate"], "delivered");
    assert_eq!(syn["label"], "SYN");
    assert_eq!(syn["len"], 0);
    assert!(syn["t_arrive_us"].as_u64().unwrap() > syn["t_send_us"].as_u64().unwrap());
    assert!(syn["bytes_hex"].as_str().unwrap().starts_with("45"), "an IPv4 header");
    assert_eq!(packets[1]["flags"], "SYN,ACK");
    // seq and ack are the raw header values: the SYN-ACK acknowledges ISN + 1.
    assert_eq!(packets[1]["ack"].as_u64().unwrap(), (syn["seq"].as_u64().unwrap() + 1) % (1 << 32));
    let summary = &report["summary"];
    for key in ["packets", "lost", "duplicated", "reordered", "retransmissions", "bytes_delivered", "completed_us"] {
        assert!(summary.get(key).is_some(), "summary.{key}");
    }
}

#[test]
fn loss_and_seed_change_the_run_and_a_lost_packet_has_no_arrival() {
    let report = json(&netlens(&["simulate", "lossy-transfer", "--format", "json", "--loss", "0.2", "--seed", "5"]));
    let lost: Vec<&Value> = report["packets"].as_array().unwrap().iter().filter(|p| p["fate"] == "lost").collect();
    assert!(!lost.is_empty());
    assert!(lost.iter().all(|p| p["t_arrive_us"].is_null()));
    assert_eq!(report["summary"]["lost"].as_u64().unwrap() as usize, lost.len());
    assert_eq!(report["summary"]["bytes_delivered"].as_u64().unwrap(), 40_000 + 43, "TCP delivers every byte anyway");
}

#[test]
fn simulate_saves_a_capture_that_inspect_reads_back_with_the_same_labels() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.pcapng");
    let path_text = path.to_str().unwrap();
    let simulated = json(&netlens(&["simulate", "lossy-transfer", "--format", "json", "--pcap", path_text]));
    let inspected = json(&netlens(&["inspect", path_text, "--format", "json"]));
    let (a, b) = (simulated["packets"].as_array().unwrap(), inspected["packets"].as_array().unwrap());
    assert_eq!(a.len(), b.len());
    for (s, i) in a.iter().zip(b) {
        for key in ["from", "to", "flags", "seq", "ack", "label"] {
            assert_eq!(s[key], i[key], "packet {} {key}", s["number"]);
        }
        assert_eq!(s["t_send_us"], i["t_us"]);
    }
    let summary = &inspected["summary"];
    assert_eq!(summary["packets"].as_u64().unwrap() as usize, a.len());
    assert_eq!(summary["conversations"], 1);
    assert_eq!(summary["retransmissions"], simulated["summary"]["retransmissions"]);

    let text = String::from_utf8(netlens(&["inspect", path_text, "--summary"]).stdout).unwrap();
    assert!(text.contains("packets in 1 conversations"), "{text}");
}

#[test]
fn bad_input_exits_non_zero_with_one_line() {
    assert!(one_line_failure(&netlens(&["simulate", "nonsense"])).contains("no scene called"));
    assert!(one_line_failure(&netlens(&["simulate", "handshake", "--loss", "1.5"])).contains("loss"));
    assert!(one_line_failure(&netlens(&["simulate", "handshake", "--mtu", "20"])).contains("MTU"));
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.pcap");
    std::fs::write(&junk, b"definitely not a capture").unwrap();
    assert!(one_line_failure(&netlens(&["inspect", junk.to_str().unwrap()])).contains("not a pcap"));
    assert!(one_line_failure(&netlens(&["inspect", "/nonexistent/file.pcap"])).contains("cannot read"));
    assert!(one_line_failure(&netlens(&["open", junk.to_str().unwrap()])).contains("not a pcap"));
}

#[test]
fn a_damaged_capture_still_prints_what_came_before_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.pcap");
    let path_text = path.to_str().unwrap();
    assert!(netlens(&["simulate", "http-exchange", "--pcap", path_text]).status.success());
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 30]).unwrap();
    let out = netlens(&["inspect", path_text, "--format", "json"]);
    let report = json(&out);
    assert_eq!(report["packets"].as_array().unwrap().len(), 8, "all but the cut last packet");
    assert!(report["summary"]["damage"].as_str().unwrap().contains("packet 9"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
}
