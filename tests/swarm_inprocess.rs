//! Twenty class-swarm nodes in one process over loopback TCP (no mDNS): each joins through the
//! first, and every routing table fills with peers found through Kademlia — not only the peer it
//! joined through — while a node with another class code is turned away.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use netlens::swarm::node::{BOOTSTRAP_EVERY, Node, NodeConfig};
use netlens::swarm::{ClassCode, NodeState};

const PEERS: usize = 20;
/// A hang guard for a loaded machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(90);

fn config(name: &str, code: &str, join: Vec<libp2p::Multiaddr>) -> NodeConfig {
    NodeConfig {
        listen: "/ip4/127.0.0.1/tcp/0".parse().unwrap(),
        join,
        code: ClassCode::parse(code).unwrap(),
        name: name.into(),
        bucket_size: 3,
    }
}

/// Runs a node on the runtime, publishing its state after every event and every half second.
fn spawn(runtime: &tokio::runtime::Runtime, config: NodeConfig) -> Arc<Mutex<NodeState>> {
    let shared = Arc::new(Mutex::new(NodeState::default()));
    let out = shared.clone();
    runtime.spawn(async move {
        let mut node = Node::start(&config).expect("the node starts");
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        let mut since = Duration::ZERO;
        loop {
            tokio::select! {
                _ = node.next_event() => {}
                _ = tick.tick() => {
                    since += Duration::from_millis(500);
                    if since >= BOOTSTRAP_EVERY / 5 {
                        since = Duration::ZERO;
                        node.bootstrap();
                    }
                }
            }
            *out.lock().unwrap() = node.state();
        }
    });
    shared
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn twenty_peers_join_through_one_and_fill_their_routing_tables_and_a_wrong_code_is_refused() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let first = spawn(&runtime, config("teacher", "CHASE2", Vec::new()));
    wait_until("the first node listens", || !first.lock().unwrap().addr.is_empty());
    let join: libp2p::Multiaddr = first.lock().unwrap().addr.parse().unwrap();
    let others: Vec<_> =
        (1..PEERS).map(|i| spawn(&runtime, config(&format!("peer-{i}"), "CHASE2", vec![join.clone()]))).collect();
    let table = |s: &NodeState| s.routing_table.iter().map(|b| b.peers.len()).sum::<usize>();
    wait_until("every peer knows peers beyond the one it joined through", || {
        let teacher = first.lock().unwrap().clone();
        teacher.connected.len() == PEERS - 1
            && others.iter().all(|o| {
                let s = o.lock().unwrap();
                table(&s) >= 3 && s.routing_table.iter().flat_map(|b| &b.peers).any(|p| *p != teacher.peer_id)
            })
    });
    // Every bucket holds at most k = 3 peers, and a peer's buckets differ by XOR distance.
    for node in std::iter::once(&first).chain(&others) {
        let s = node.lock().unwrap();
        assert!(s.routing_table.iter().all(|b| b.peers.len() <= 3), "{:?}", s.routing_table);
        assert!(!s.routing_table.iter().any(|b| b.peers.contains(&s.peer_id)), "a node is not in its own table");
    }
    // Another class's code: refused at the handshake; the class is unchanged.
    let refused = runtime.block_on(async {
        let mut node = Node::start(&config("stranger", "QWERTY", vec![join.clone()])).unwrap();
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            if let Some(reason) = node.join_failure() {
                return reason.to_string();
            }
            assert!(tokio::time::Instant::now() < deadline, "the stranger neither joined nor failed");
            let _ = tokio::time::timeout(Duration::from_secs(1), node.next_event()).await;
        }
    });
    assert!(refused.contains("different class code"), "{refused}");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(first.lock().unwrap().connected.len(), PEERS - 1);
    runtime.shutdown_background();
}
