//! The class-swarm benchmark: N peers (default 200) in one process over loopback TCP, each
//! joining through one teacher node. Prints how long the class took to join (every routing table
//! holding at least k peers), memory per peer (resident set growth / N), traced-lookup rounds
//! against ⌈log2 N⌉ + 2, and the time to share and fetch a 4 MiB file.
//! Run: scripts/bench-swarm.sh [PEERS]   (or cargo run --release --example swarm-bench -- 200)

use std::time::{Duration, Instant};

use netlens::swarm::lookup::{round_bound, traced_lookup};
use netlens::swarm::pieces::{parse_key, sha256};
use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::{ClassCode, NodeConfig, share};

const K: usize = 3;

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Every peer holds two ends of each loopback connection: lift the open-file limit.
fn raise_file_limit() {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed to them.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

fn config(name: &str, join: Vec<libp2p::Multiaddr>) -> NodeConfig {
    let mut config = NodeConfig::new(ClassCode::parse("BENCH2").unwrap(), name, join);
    config.bucket_size = K;
    config
}

fn main() {
    let peers: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    raise_file_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let before = rss_kib();
        let started = Instant::now();
        let teacher = runner::spawn(config("teacher", Vec::new())).await.unwrap();
        let join: libp2p::Multiaddr = teacher.address.parse().unwrap();
        let mut nodes: Vec<RunningNode> = vec![teacher];
        for i in 1..peers {
            nodes.push(runner::spawn(config(&format!("peer-{i}"), vec![join.clone()])).await.unwrap());
            if i % 20 == 0 {
                eprintln!("{:.1} s: {i} nodes started, {} MiB", started.elapsed().as_secs_f64(), rss_kib() / 1024);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut last_report = Instant::now();
        eprintln!("{:.1} s: {peers} nodes started", started.elapsed().as_secs_f64());
        loop {
            // Borrowed, not cloned: a snapshot holds the whole class's telemetry.
            let ready = nodes
                .iter()
                .filter(|n| n.state.borrow().routing_table.iter().map(|b| b.peers.len()).sum::<usize>() >= K)
                .count();
            if ready == nodes.len() {
                break;
            }
            assert!(Instant::now() < deadline, "only {ready} of {peers} joined in ten minutes");
            if last_report.elapsed() >= Duration::from_secs(5) {
                last_report = Instant::now();
                eprintln!(
                    "{:.0} s: {ready} of {peers} have {K} peers in their routing table, {} MiB",
                    started.elapsed().as_secs_f64(),
                    rss_kib() / 1024
                );
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let joined = started.elapsed();
        // Let connections and tables settle before measuring memory.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let after = rss_kib();
        let mut rounds = Vec::new();
        for i in 0..20 {
            let from = (i * 37 + 5) % nodes.len();
            let trace = traced_lookup(&nodes[from].client, sha256(format!("target-{i}").as_bytes()), K).await.unwrap();
            rounds.push(trace.rounds.len());
        }
        let bytes: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
        let put_started = Instant::now();
        let report = share::put(&nodes[1].client, "bench.bin", &bytes, false).await.unwrap();
        let put_time = put_started.elapsed();
        let get_started = Instant::now();
        let (got, fetched) =
            share::get(&nodes[peers / 2].client, parse_key(&report.file_id).unwrap(), None).await.unwrap();
        let get_time = get_started.elapsed();
        assert_eq!(got, bytes);
        let mean = rounds.iter().sum::<usize>() as f64 / rounds.len() as f64;
        println!("peers: {peers} (k = {K}, one process, loopback TCP)");
        println!("join: {:.1} s until every routing table held at least {K} peers", joined.as_secs_f64());
        println!(
            "memory: {:.0} KiB per peer ({} MiB resident for the class)",
            (after.saturating_sub(before)) as f64 / peers as f64,
            after / 1024
        );
        println!(
            "lookup rounds over 20 traced lookups: mean {mean:.1}, max {}, bound ⌈log2 N⌉ + 2 = {}",
            rounds.iter().max().unwrap(),
            round_bound(peers)
        );
        println!(
            "4 MiB file: put {:.2} s ({} pieces × r = 3), get {:.2} s from {} peers",
            put_time.as_secs_f64(),
            report.pieces.len(),
            get_time.as_secs_f64(),
            fetched.sources
        );
    });
    runtime.shutdown_background();
}
