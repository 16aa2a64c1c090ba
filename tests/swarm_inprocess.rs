//! Twenty class-swarm nodes in one process over loopback TCP (no mDNS), each joining through the
//! teacher's node: routing tables fill through Kademlia (at most k per bucket), traced lookups
//! find the truly closest peer within ⌈log2 N⌉ + 2 rounds, a shared file's pieces land on the
//! r closest peers, killing three holders is repaired back to r copies and the file downloads
//! with the same hash, the registry and telemetry see the class, and a wrong code cannot join.

use std::time::{Duration, Instant};

use libp2p::PeerId;
use netlens::swarm::lookup::{round_bound, traced_lookup};
use netlens::swarm::pieces::{hex, parse_key, sha256};
use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::share::{self, by_distance};
use netlens::swarm::{ClassCode, NodeConfig, NodeState};

const PEERS: usize = 20;
const K: usize = 3;
const R: usize = 3;
/// A hang guard for a loaded machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(120);

fn config(name: &str, code: &str, join: Vec<libp2p::Multiaddr>) -> NodeConfig {
    let mut config = NodeConfig::new(ClassCode::parse(code).unwrap(), name, join);
    config.bucket_size = K;
    config.replication = R;
    config.repair_every = Duration::from_secs(1);
    config
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn table(s: &NodeState) -> usize {
    s.routing_table.iter().map(|b| b.peers.len()).sum()
}

fn peer(node: &RunningNode) -> PeerId {
    node.client.local
}

/// Which live nodes hold the piece `hash`.
fn holders(nodes: &[RunningNode], hash: &str) -> Vec<PeerId> {
    nodes.iter().filter(|n| n.now().pieces_held.iter().any(|p| p.hash == hash)).map(peer).collect()
}

/// Every piece is held by each of the r live peers closest to its key.
fn on_r_closest(nodes: &[RunningNode], hashes: &[String]) -> bool {
    hashes.iter().all(|hash| {
        let key = parse_key(hash).unwrap();
        let mut all: Vec<PeerId> = nodes.iter().map(peer).collect();
        by_distance(&key, &mut all);
        let held = holders(nodes, hash);
        let ok = all[..R].iter().all(|p| held.contains(p));
        if !ok && std::env::var_os("SWARM_DEBUG").is_some() {
            let short = |p: &PeerId| p.to_string()[46..].to_string();
            eprintln!(
                "{}: closest {:?} held {:?}",
                &hash[..8],
                all[..R].iter().map(short).collect::<Vec<_>>(),
                held.iter().map(short).collect::<Vec<_>>()
            );
        }
        ok
    })
}

#[test]
fn a_class_of_twenty_joins_looks_up_stores_repairs_and_refuses_strangers() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let teacher = runner::spawn(config("teacher", "CHASE2", Vec::new())).await.unwrap();
        let join: libp2p::Multiaddr = teacher.address.parse().unwrap();
        let mut nodes = vec![teacher];
        for i in 1..PEERS {
            nodes.push(runner::spawn(config(&format!("peer-{i}"), "CHASE2", vec![join.clone()])).await.unwrap());
        }
        let teacher_id = peer(&nodes[0]).to_string();
        wait_until("every peer knows peers beyond the one it joined through", || {
            nodes[0].now().connected.len() >= PEERS - 1
                && nodes[1..].iter().all(|n| {
                    let s = n.now();
                    table(&s) >= K && s.routing_table.iter().flat_map(|b| &b.peers).any(|p| *p != teacher_id)
                })
        })
        .await;
        for node in &nodes {
            let s = node.now();
            assert!(s.routing_table.iter().all(|b| b.peers.len() <= K), "{:?}", s.routing_table);
            assert!(!s.routing_table.iter().any(|b| b.peers.contains(&s.peer_id)), "a node is not in its own table");
        }

        // The teacher's registry and telemetry see the whole class.
        wait_until("every student is logged in and reporting", || {
            let s = nodes[0].now();
            s.registry.as_ref().is_some_and(|r| r.len() == PEERS - 1) && s.class.len() == PEERS
        })
        .await;
        let names: Vec<String> = nodes[0].now().class.iter().map(|c| c.name.clone()).collect();
        assert!(names.contains(&"peer-7".to_string()), "{names:?}");

        // Traced lookups: the truly closest peer is found within ⌈log2 N⌉ + 2 rounds.
        let mut most_rounds = 0;
        for (from, text) in [(3, "alpha"), (8, "bravo"), (12, "charlie"), (15, "delta"), (19, "echo")] {
            let target = sha256(text.as_bytes());
            let trace = traced_lookup(&nodes[from].client, target, K).await.unwrap();
            let mut everyone: Vec<PeerId> = nodes.iter().map(peer).filter(|p| *p != peer(&nodes[from])).collect();
            by_distance(&target, &mut everyone);
            assert_eq!(trace.closest.first(), Some(&everyone[0].to_string()), "lookup for {text}: {trace:?}");
            assert!(trace.rounds.len() <= round_bound(PEERS), "{} rounds: {trace:?}", trace.rounds.len());
            most_rounds = most_rounds.max(trace.rounds.len());
        }
        assert!(most_rounds >= 1);

        // A file's pieces land on the r closest peers.
        let bytes: Vec<u8> = (0..900_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let report = share::put(&nodes[5].client, "lesson.bin", &bytes, false).await.unwrap();
        assert_eq!(report.sha256, hex(&sha256(&bytes)));
        let hashes: Vec<String> = report.pieces.iter().map(|p| p.hash.clone()).collect();
        assert_eq!(hashes.len(), 1 + bytes.len().div_ceil(256 * 1024));
        wait_until("every piece is on its r closest peers", || on_r_closest(&nodes, &hashes)).await;

        // Kill three holders (never the teacher, nor the node that will fetch), leaving every
        // piece at least one copy.
        let held: Vec<Vec<PeerId>> = hashes.iter().map(|h| holders(&nodes, h)).collect();
        let mut victims: Vec<PeerId> = Vec::new();
        for holder in held.iter().flatten() {
            let spared = |v: &[PeerId]| held.iter().all(|h| h.iter().any(|p| !v.contains(p)));
            let mut with = victims.clone();
            with.push(*holder);
            if victims.len() < 3
                && !victims.contains(holder)
                && *holder != peer(&nodes[0])
                && *holder != peer(&nodes[1])
                && spared(&with)
            {
                victims = with;
            }
        }
        assert_eq!(victims.len(), 3);
        nodes.retain(|n| !victims.contains(&peer(n)));
        assert_eq!(nodes.len(), PEERS - 3);
        wait_until("every piece is back on its r closest live peers", || on_r_closest(&nodes, &hashes)).await;
        for hash in &hashes {
            assert!(holders(&nodes, hash).len() >= R, "{hash} has fewer than {R} copies");
        }
        let (fetched, got) = share::get(&nodes[1].client, parse_key(&report.file_id).unwrap(), None).await.unwrap();
        assert_eq!(fetched, bytes);
        assert_eq!(got.sha256, report.sha256);

        wait_until("the registry forgets the killed", || {
            nodes[0].now().registry.as_ref().is_some_and(|r| r.len() == PEERS - 4)
        })
        .await;

        // Another class's code: refused at the handshake; the class is unchanged.
        let mut stranger = runner::spawn(config("stranger", "QWERTY", vec![join.clone()])).await.unwrap();
        let refused = stranger.joined(PATIENCE).await.unwrap_err();
        assert!(refused.contains("different class code"), "{refused}");
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(nodes[0].now().connected.len(), PEERS - 4);
        assert!(!nodes[0].now().class.iter().any(|c| c.name == "stranger"));

        // Every holder of one piece gone: the download names the lost piece. Preferably one the
        // teacher does not hold; rarely the teacher holds them all, and then it goes too.
        let victim = report.pieces[1..]
            .iter()
            .find(|p| !holders(&nodes, &p.hash).contains(&peer(&nodes[0])))
            .unwrap_or(&report.pieces[1]);
        for _ in 0..3 {
            let gone = holders(&nodes, &victim.hash);
            nodes.retain(|n| !gone.contains(&peer(n)));
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        assert!(holders(&nodes, &victim.hash).is_empty());
        let fetcher = nodes.last().unwrap();
        let error = share::get(&fetcher.client, parse_key(&report.file_id).unwrap(), None).await.unwrap_err();
        let index = victim.piece.unwrap();
        let named = [format!(" {index} "), format!(" {index},")].iter().any(|n| error.contains(n.as_str()));
        assert!(named && error.contains("lost"), "{error}");
    });
    runtime.shutdown_background();
}
