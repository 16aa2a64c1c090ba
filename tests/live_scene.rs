//! Network scenes in live mode: every node a real TCP listener on 127.0.0.1, messages as
//! frames over real connections. A killed node's socket really closes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use netlens::net::live::scene_runner::LiveScene;
use netlens::netsim::live_world::Frame;
use netlens::netsim::{Action, create};

/// A hang guard for a loaded machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(60);

fn wait_until(live: &LiveScene, what: &str, done: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let state = {
            let s = live.shared.lock().unwrap();
            assert!(s.error.is_none(), "{:?}", s.error);
            s.scene.state()
        };
        if done(&state) {
            return state;
        }
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn live_clients_and_server_over_real_tcp_fail_while_killed_and_recover() {
    let live = LiveScene::start(create("client-server", 1, Some(3)).unwrap(), Arc::new(|| {})).unwrap();
    let state = wait_until(&live, "responses arrive", |s| s["responses"].as_u64().unwrap() >= 5);
    assert_eq!(state["failures"], 0);
    {
        let s = live.shared.lock().unwrap();
        assert_eq!(s.addresses.len(), 5, "a listener per node: server, dns and 3 clients");
        assert!(s.addresses.iter().all(|a| a.ip().is_loopback()));
        let frame = s.frames.iter().find(|f| f.kind == "request").expect("a request went over the wire");
        let decoded = Frame::decode(frame.bytes.clone()).unwrap();
        assert_eq!(decoded.kind, "request");
        assert!(String::from_utf8_lossy(decoded.payload()).contains("Request"));
    }
    live.act(Action::Kill("server".into()));
    let killed = wait_until(&live, "requests fail", |s| s["failures"].as_u64().unwrap() >= 3);
    let responses_while_dead = killed["responses"].as_u64().unwrap();
    live.act(Action::Restart("server".into()));
    wait_until(&live, "responses again", |s| s["responses"].as_u64().unwrap() >= responses_while_dead + 5);
}

#[test]
fn live_replicated_storage_repairs_after_a_peer_dies() {
    let live = LiveScene::start(create("replicated-storage", 2, Some(6)).unwrap(), Arc::new(|| {})).unwrap();
    let full = |s: &serde_json::Value| {
        s["pieces"].as_array().unwrap().iter().all(|p| p["holders"].as_array().unwrap().len() == 3)
    };
    wait_until(&live, "every piece is stored 3 times", full);
    live.act(Action::Kill("peer-2".into()));
    let state = wait_until(&live, "repair brings every piece back to 3 copies", |s| {
        full(s)
            && s["pieces"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| !p["holders"].as_array().unwrap().iter().any(|h| h == "peer-2"))
    });
    assert_eq!(state["hash_after"], state["hash_before"]);
}
