//! Live mode on loopback: real clients against the capacity-limited server over real TCP, and
//! `netlens load` as a user runs it. Only 127.0.0.1 is used.

use std::process::Command;
use std::time::Duration;

use netlens::net::live::load::measure;
use netlens::net::live::server::{ServerConfig, start};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap()
}

const CONFIG: ServerConfig = ServerConfig { capacity: 2, queue_limit: 2, service: Duration::from_millis(20) };

#[test]
fn beyond_capacity_requests_wait_then_are_refused() {
    runtime().block_on(async {
        let server = start(CONFIG, 0).await.unwrap();
        let one = measure(server.addr, 1, Duration::from_millis(600)).await;
        let many = measure(server.addr, 12, Duration::from_millis(600)).await;
        assert!(one.rps > 0.0 && one.refused == 0 && one.failed == 0, "{one:?}");
        assert!(many.refused > 0, "12 clients overflow 2 slots and 2 queue places: {many:?}");
        assert!(many.p50_ms > one.p50_ms * 1.5, "waiting in the queue adds latency: {one:?} vs {many:?}");
    });
}

#[test]
fn a_killed_server_fails_every_request_and_a_restarted_one_answers_again() {
    runtime().block_on(async {
        let server = start(CONFIG, 0).await.unwrap();
        let port = server.addr.port();
        let before = measure(server.addr, 2, Duration::from_millis(300)).await;
        assert!(before.rps > 0.0 && before.failed == 0);
        let addr = server.addr;
        drop(server); // kill: stop listening, drop connections
        // Dead once a new connection is refused (not after some sleep): until then a request
        // might still be answered by the listener's last moments.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            assert!(std::time::Instant::now() < deadline, "the killed server still accepts connections");
            tokio::task::yield_now().await;
        }
        let dead = measure(addr, 2, Duration::from_millis(300)).await;
        assert_eq!(dead.rps, 0.0, "nothing is answered: {dead:?}");
        assert!(dead.failed > 0);
        let server = start(CONFIG, port).await.unwrap();
        let after = measure(server.addr, 2, Duration::from_millis(300)).await;
        assert!(after.rps > 0.0 && after.failed == 0, "{after:?}");
    });
}

#[test]
fn load_cli_prints_rows_as_json() {
    let out = Command::new(env!("CARGO_BIN_EXE_netlens"))
        .args(["load", "--clients", "1,6", "--capacity", "2", "--seconds", "0.4", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for key in ["clients", "rps", "p50_ms", "p95_ms", "refused"] {
        assert!(rows[0].get(key).is_some(), "rows[].{key}");
    }
    assert_eq!(rows[1]["clients"], 6);
    let bad = Command::new(env!("CARGO_BIN_EXE_netlens")).args(["load", "--clients", "0"]).output().unwrap();
    assert!(!bad.status.success());
}
