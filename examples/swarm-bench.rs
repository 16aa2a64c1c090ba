//! The class-swarm benchmark: N peers (default 200) in one process over loopback TCP, each
//! joining through one teacher node, one every 10 ms (a whole room at once). Prints how long the class took to join
//! (every routing table holding at least k peers), memory per peer (resident set growth / N),
//! connections and CPU of the settled class, traced-lookup rounds against ⌈log2 N⌉ + 2, and the
//! time to share and fetch a 4 MiB file. All N nodes share the runtime's two worker threads.
//! Run: scripts/bench-swarm.sh [PEERS]   (or cargo run --release --example swarm-bench -- 200)

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use netlens::swarm::lookup::{round_bound, traced_lookup};
use netlens::swarm::pieces::{parse_key, sha256};
use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::{ClassCode, NodeConfig, NodeEvent, share};

const K: usize = 3;
/// Students join one after another, not all in the same millisecond: 100 a second, faster than
/// a room of people can type a code.
const JOIN_GAP: Duration = Duration::from_millis(10);
/// How long each of the two windows after joining lasts (memory and lookups are measured after
/// both).
const SETTLE: Duration = Duration::from_secs(20);

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The heap the allocator has handed out and not had back, in KiB (glibc's count): what the
/// class holds, without the freed memory the allocator keeps for later.
fn heap_in_use_kib() -> u64 {
    // SAFETY: mallinfo2 only reads the allocator's counters.
    (unsafe { libc::mallinfo2() }.uordblks / 1024) as u64
}

/// CPU time this process has used, in seconds (user + system, from /proc/self/stat).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
    // SAFETY: sysconf only reads a system setting.
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
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

/// Connections opened and closed, and messages moved, over the whole class (counted from the
/// nodes' events): the churn that the settled class's CPU goes into.
static OPENED: AtomicU64 = AtomicU64::new(0);
static CLOSED: AtomicU64 = AtomicU64::new(0);
static MESSAGES: AtomicU64 = AtomicU64::new(0);

/// Starts a node and reads its events away, as the window's worker would, counting churn.
async fn start(config: NodeConfig) -> RunningNode {
    let mut node = runner::spawn(config).await.unwrap();
    let mut events = std::mem::replace(&mut node.events, tokio::sync::mpsc::unbounded_channel().1);
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let counter = match event {
                NodeEvent::Connected { .. } => &OPENED,
                NodeEvent::Disconnected { .. } => &CLOSED,
                NodeEvent::Message { .. } => &MESSAGES,
                _ => continue,
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    node
}

/// The churn counters now.
fn churn() -> [u64; 3] {
    [OPENED.load(Ordering::Relaxed), CLOSED.load(Ordering::Relaxed), MESSAGES.load(Ordering::Relaxed)]
}

fn main() {
    let peers: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    raise_file_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let before = rss_kib();
        let started = Instant::now();
        let teacher = start(config("teacher", Vec::new())).await;
        let join: libp2p::Multiaddr = teacher.address.parse().unwrap();
        let mut nodes: Vec<RunningNode> = vec![teacher];
        for i in 1..peers {
            nodes.push(start(config(&format!("peer-{i}"), vec![join.clone()])).await);
            tokio::time::sleep(JOIN_GAP).await;
            if i % 20 == 0 {
                eprintln!("{:.1} s: {i} nodes started, {} MiB", started.elapsed().as_secs_f64(), rss_kib() / 1024);
            }
        }
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut last_report = Instant::now();
        let last_started = Instant::now();
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
                let links: usize = nodes.iter().map(|n| n.state.borrow().connected.len()).sum();
                eprintln!(
                    "{:.0} s: {ready} of {peers} have {K} peers in their routing table, {} MiB, {:.1} connections per peer",
                    started.elapsed().as_secs_f64(),
                    rss_kib() / 1024,
                    links as f64 / nodes.len() as f64
                );
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        let joined = started.elapsed();
        let after_last_start = last_started.elapsed();
        // Two windows after joining: the first still has the last joiners' second bootstraps
        // (a lookup per bucket, 10 s after joining); the second is the settled class.
        let (cpu_before, churn_before) = (cpu_seconds(), churn());
        tokio::time::sleep(SETTLE).await;
        let first_cpu = (cpu_seconds() - cpu_before) / SETTLE.as_secs_f64();
        let first_churn: Vec<f64> =
            churn().iter().zip(churn_before).map(|(now, before)| (now - before) as f64 / SETTLE.as_secs_f64()).collect();
        let (cpu_before, churn_before) = (cpu_seconds(), churn());
        tokio::time::sleep(SETTLE).await;
        let settled_cpu = (cpu_seconds() - cpu_before) / SETTLE.as_secs_f64();
        let churned: Vec<f64> =
            churn().iter().zip(churn_before).map(|(now, before)| (now - before) as f64 / SETTLE.as_secs_f64()).collect();
        let connections = nodes.iter().map(|n| n.state.borrow().connected.len()).sum::<usize>() as f64 / peers as f64;
        let after = rss_kib();
        let heap = heap_in_use_kib();
        eprintln!("{:.1} s: joined; tracing 20 lookups", started.elapsed().as_secs_f64());
        let (mut rounds, mut lookup_times) = (Vec::new(), Vec::new());
        for i in 0..20 {
            let from = (i * 37 + 5) % nodes.len();
            let lookup_started = Instant::now();
            let Ok(trace) = traced_lookup(&nodes[from].client, sha256(format!("target-{i}").as_bytes()), K).await
            else {
                continue;
            };
            lookup_times.push(lookup_started.elapsed().as_secs_f64());
            rounds.push(trace.rounds.len());
        }
        let mean = rounds.iter().sum::<usize>() as f64 / rounds.len() as f64;
        let mean_time = lookup_times.iter().sum::<f64>() / lookup_times.len() as f64;
        // Each result as soon as it is measured: a large class may not get through them all.
        println!("peers: {peers} (k = {K}, one process, loopback TCP)");
        println!(
            "join: {:.1} s until every routing table held at least {K} peers ({:.1} s after the last peer started; peers started {} ms apart)",
            joined.as_secs_f64(),
            after_last_start.as_secs_f64(),
            JOIN_GAP.as_millis()
        );
        println!(
            "memory: {:.0} KiB per peer ({} MiB resident for the class; {:.0} KiB per peer of heap in use)",
            (after.saturating_sub(before)) as f64 / peers as f64,
            after / 1024,
            heap as f64 / peers as f64
        );
        println!(
            "settled class ({}–{} s after joining): {connections:.1} connections per peer, {:.0} % of one core for the whole class ({:.2} ms of CPU per peer per second)",
            SETTLE.as_secs(),
            2 * SETTLE.as_secs(),
            settled_cpu * 100.0,
            settled_cpu * 1000.0 / peers as f64
        );
        println!(
            "the {} s after joining: {:.0} % of one core; {:.1} connections opened and {:.1} closed a second",
            SETTLE.as_secs(),
            first_cpu * 100.0,
            first_churn[0],
            first_churn[1]
        );
        println!(
            "settled churn, whole class: {:.1} connections opened and {:.1} closed a second, {:.1} piece/lookup messages a second",
            churned[0], churned[1], churned[2]
        );
        println!(
            "lookup rounds over 20 traced lookups: mean {mean:.1}, max {}, bound ⌈log2 N⌉ + 2 = {}; {mean_time:.2} s each on average",
            rounds.iter().max().unwrap_or(&0),
            round_bound(peers)
        );
        let bytes: Vec<u8> = (0..4 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8).collect();
        eprintln!("{:.1} s: sharing a 4 MiB file", started.elapsed().as_secs_f64());
        let put_started = Instant::now();
        let report = match share::put(&nodes[1].client, "bench.bin", &bytes, false).await {
            Ok(report) => report,
            Err(e) => return println!("4 MiB file: put failed after {:.1} s: {e}", put_started.elapsed().as_secs_f64()),
        };
        let put_time = put_started.elapsed();
        let get_started = Instant::now();
        let Ok(id) = parse_key(&report.file_id) else { return println!("4 MiB file: put gave a bad id") };
        match share::get(&nodes[peers / 2].client, id, None).await {
            Ok((got, fetched)) => println!(
                "4 MiB file: put {:.2} s ({} pieces × r = 3), get {:.2} s from {} peers, {}",
                put_time.as_secs_f64(),
                report.pieces.len(),
                get_started.elapsed().as_secs_f64(),
                fetched.sources,
                if got == bytes { "the same bytes" } else { "DIFFERENT BYTES" }
            ),
            Err(e) => println!(
                "4 MiB file: put {:.2} s, get failed after {:.1} s: {e}",
                put_time.as_secs_f64(),
                get_started.elapsed().as_secs_f64()
            ),
        }
    });
    runtime.shutdown_background();
}
