//! Network scenes in live mode: every node a real TCP listener on 127.0.0.1, messages as
//! frames over real connections. A killed node's socket really closes.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use netlens::net::live::scene_runner::LiveConfig;
use netlens::net::live::scene_runner::handle::LiveHandle;
use netlens::netsim::live_world::Frame;
use netlens::netsim::{Action, MessageKind, create};
use netlens::worker_api::live::{LiveSnapshot, LiveUpdate, WireFrame};

/// A hang guard for a loaded machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(60);

/// What the test has seen of a live session so far.
#[derive(Default)]
struct Seen {
    listening: Vec<(String, SocketAddr)>,
    frames: Vec<WireFrame>,
    last: Option<LiveSnapshot>,
}

fn wait_until(
    live: &LiveHandle,
    seen: &mut Seen,
    what: &str,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match live.recv_timeout(Duration::from_millis(50)) {
            Some(LiveUpdate::Listening { node, addr }) => seen.listening.push((node, addr)),
            Some(LiveUpdate::Snapshot(snapshot)) => {
                seen.frames.extend(snapshot.new_frames.iter().cloned());
                let state = snapshot.state.to_json();
                seen.last = Some(*snapshot);
                if done(&state) {
                    return state;
                }
            }
            Some(LiveUpdate::Failed(reason)) => panic!("the live session failed: {reason}"),
            None => {}
        }
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
    }
}

#[test]
fn live_clients_and_server_over_real_tcp_fail_while_killed_and_recover() {
    let live = LiveHandle::start(create("client-server", 1, Some(3)).unwrap(), LiveConfig::default()).unwrap();
    let mut seen = Seen::default();
    let state = wait_until(&live, &mut seen, "responses arrive", |s| s["responses"].as_u64().unwrap() >= 5);
    assert_eq!(state["failures"], 0);
    assert_eq!(seen.listening.len(), 5, "a listener per node: server, dns and 3 clients");
    assert!(seen.listening.iter().all(|(_, a)| a.ip().is_loopback()));
    let frame = seen.frames.iter().find(|f| f.kind == MessageKind::Request).expect("a request went over the wire");
    let decoded = Frame::decode(&frame.bytes).unwrap();
    assert_eq!(decoded.kind, MessageKind::Request);
    assert!(String::from_utf8_lossy(decoded.payload()).contains("Request"));

    live.act(Action::Kill("server".into()));
    let killed = wait_until(&live, &mut seen, "requests fail", |s| s["failures"].as_u64().unwrap() >= 3);
    let responses_while_dead = killed["responses"].as_u64().unwrap();
    live.act(Action::Restart("server".into()));
    wait_until(&live, &mut seen, "responses again", |s| s["responses"].as_u64().unwrap() >= responses_while_dead + 5);
    let scene = live.stop().unwrap();
    assert!(scene.events().iter().any(|e| e.kind == "restart"));
}

#[test]
fn live_replicated_storage_repairs_after_a_peer_dies() {
    let live = LiveHandle::start(create("replicated-storage", 2, Some(6)).unwrap(), LiveConfig::default()).unwrap();
    let mut seen = Seen::default();
    let full = |s: &serde_json::Value| {
        s["pieces"].as_array().unwrap().iter().all(|p| p["holders"].as_array().unwrap().len() == 3)
    };
    wait_until(&live, &mut seen, "every piece is stored 3 times", full);
    live.act(Action::Kill("peer-2".into()));
    let state = wait_until(&live, &mut seen, "repair brings every piece back to 3 copies", |s| {
        full(s)
            && s["pieces"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| !p["holders"].as_array().unwrap().iter().any(|h| h == "peer-2"))
    });
    assert_eq!(state["hash_after"], state["hash_before"]);
}

#[test]
fn scene_run_live_prints_listeners_first_then_the_final_state() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_netlens"))
        .args(["scene", "run", "client-server", "--live", "--nodes", "2", "--seconds", "1.5", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let names = ["server", "dns", "client-1", "client-2"];
    for (line, name) in lines.iter().zip(names) {
        let rest = line.strip_prefix(&format!("listening {name} ")).unwrap_or_else(|| panic!("{line:?}"));
        let addr: SocketAddr = rest.parse().unwrap();
        assert!(addr.ip().is_loopback());
    }
    let json: serde_json::Value = serde_json::from_str(&lines[names.len()..].join("\n")).unwrap();
    assert_eq!(json["mode"], "live");
    assert_eq!(json["scene"], "client-server");
    assert!(json["state"]["responses"].as_u64().unwrap() > 0, "{}", json["state"]);
    assert!(json["events"].as_array().unwrap().iter().any(|e| e["kind"] == "response"));
}
