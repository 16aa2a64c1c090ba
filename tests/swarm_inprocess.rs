//! Twenty class-swarm nodes in one process over loopback TCP (no mDNS), each joining through the
//! teacher's node, one behaviour per test: routing tables fill through Kademlia (at most k per
//! bucket); the registry and telemetry see the class; traced lookups find the truly closest peer
//! within ⌈log2 N⌉ + 2 rounds; a shared file's pieces land on the r closest peers; killing three
//! holders is repaired back to r copies and the file downloads with the same hash; a wrong code
//! cannot join; a piece whose every holder died is named lost. Each test starts its own class;
//! they take turns (`ONE_CLASS_AT_A_TIME`), since twenty nodes keep two cores busy.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use libp2p::PeerId;
use netlens::swarm::lookup::{round_bound, traced_lookup};
use netlens::swarm::pieces::{hex, parse_key, sha256};
use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::share::{self, by_distance};
use netlens::swarm::{ClassCode, NodeConfig, NodeEvent, NodeState};

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

/// One class at a time: the tests of this file would otherwise run four classes at once.
static ONE_CLASS_AT_A_TIME: Mutex<()> = Mutex::new(());

/// A class of `PEERS` nodes that has joined: every peer knows peers beyond the teacher.
async fn class(code: &str) -> Vec<RunningNode> {
    let teacher = runner::spawn(config("teacher", code, Vec::new())).await.unwrap();
    let join: libp2p::Multiaddr = teacher.address.parse().unwrap();
    let mut nodes = vec![teacher];
    for i in 1..PEERS {
        nodes.push(runner::spawn(config(&format!("peer-{i}"), code, vec![join.clone()])).await.unwrap());
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
    nodes
}

/// Runs `test` on a class of its own, on a runtime of its own.
fn with_class<F: std::future::Future<Output = ()>>(code: &str, test: impl FnOnce(Vec<RunningNode>) -> F) {
    let _turn = ONE_CLASS_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let nodes = class(code).await;
        test(nodes).await;
    });
    runtime.shutdown_background();
}

/// A file of 900 kB shared by node 5, once its pieces are on their r closest peers.
async fn shared_file(nodes: &[RunningNode]) -> (Vec<u8>, share::PutReport, Vec<String>) {
    let bytes: Vec<u8> = (0..900_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let report = share::put(&nodes[5].client, "lesson.bin", &bytes, false).await.unwrap();
    let hashes: Vec<String> = report.pieces.iter().map(|p| p.hash.clone()).collect();
    wait_until("every piece is on its r closest peers", || on_r_closest(nodes, &hashes)).await;
    (bytes, report, hashes)
}

#[test]
fn twenty_peers_join_through_the_teacher_and_fill_their_tables_at_most_k_per_bucket() {
    with_class("CHASE2", |nodes| async move {
        for node in &nodes {
            let s = node.now();
            assert!(table(&s) >= K, "{} knows only {} peers", s.name, table(&s));
            assert!(s.routing_table.iter().all(|b| b.peers.len() <= K), "{:?}", s.routing_table);
            assert!(!s.routing_table.iter().any(|b| b.peers.contains(&s.peer_id)), "a node is not in its own table");
        }
    });
}

#[test]
fn the_teachers_registry_and_telemetry_see_the_whole_class() {
    with_class("CHASE3", |nodes| async move {
        wait_until("every student is logged in and reporting", || {
            let s = nodes[0].now();
            s.registry.as_ref().is_some_and(|r| r.len() == PEERS - 1) && s.class.len() == PEERS
        })
        .await;
        let state = nodes[0].now();
        let names: Vec<String> = state.class.iter().map(|c| c.name.clone()).collect();
        for i in 1..PEERS {
            assert!(names.contains(&format!("peer-{i}")), "peer-{i} is missing from {names:?}");
        }
        let registered: Vec<&str> = state.registry.as_ref().unwrap().iter().map(|r| r.peer.as_str()).collect();
        for node in &nodes[1..] {
            assert!(registered.contains(&peer(node).to_string().as_str()), "a student is not in the registry");
        }
    });
}

#[test]
fn traced_lookups_find_the_closest_peer_within_the_round_bound() {
    with_class("CHASE4", |nodes| async move {
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
    });
}

#[test]
fn a_shared_files_pieces_land_on_the_r_closest_peers() {
    with_class("CHASE5", |nodes| async move {
        let (bytes, report, hashes) = shared_file(&nodes).await;
        assert_eq!(report.sha256, hex(&sha256(&bytes)));
        assert_eq!(hashes.len(), 1 + bytes.len().div_ceil(256 * 1024));
        for hash in &hashes {
            assert!(holders(&nodes, hash).len() >= R, "{hash} has fewer than {R} copies");
        }
    });
}

#[test]
fn killing_three_holders_is_repaired_back_to_r_copies_and_the_file_reads_back() {
    with_class("CHASE6", |mut nodes| async move {
        let (bytes, report, hashes) = shared_file(&nodes).await;
        wait_until("every student is logged in", || {
            nodes[0].now().registry.as_ref().is_some_and(|r| r.len() == PEERS - 1)
        })
        .await;
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
    });
}

#[test]
fn a_stranger_with_another_code_is_refused_and_the_class_is_unchanged() {
    with_class("CHASE7", |mut nodes| async move {
        let join: libp2p::Multiaddr = nodes[0].address.parse().unwrap();
        wait_until("the class is whole in the teacher's telemetry", || nodes[0].now().class.len() == PEERS).await;
        let connected_before = nodes[0].now().connected.len();
        while nodes[0].events.try_recv().is_ok() {}
        let mut stranger = runner::spawn(config("stranger", "QWERTY", vec![join])).await.unwrap();
        let refused = stranger.joined(PATIENCE).await.unwrap_err();
        assert!(refused.contains("different class code"), "{refused}");
        // The teacher's side of the same handshake: the event that says the stranger was turned
        // away (an accepted stranger would have been a connection instead).
        let deadline = Instant::now() + PATIENCE;
        loop {
            match tokio::time::timeout(Duration::from_millis(500), nodes[0].events.recv()).await {
                Ok(Some(NodeEvent::IncomingRefused { .. })) => break,
                Ok(Some(NodeEvent::Connected { peer })) => {
                    assert_ne!(peer, peer_of(&stranger), "the stranger got in");
                }
                Ok(Some(_)) | Err(_) => {}
                Ok(None) => panic!("the teacher's node stopped"),
            }
            assert!(Instant::now() < deadline, "the teacher never reported the refused handshake");
        }
        let state = nodes[0].now();
        assert!(!state.connected.contains(&peer_of(&stranger)), "the stranger is connected");
        assert!(state.connected.len() <= connected_before, "the class grew");
        assert!(!state.class.iter().any(|c| c.name == "stranger"));
        assert!(!state.names.values().any(|n| n == "stranger"), "the stranger identified itself");
    });
}

#[test]
fn a_piece_whose_every_holder_died_is_named_lost() {
    with_class("CHASE8", |mut nodes| async move {
        let (_, report, _) = shared_file(&nodes).await;
        // Every holder of one piece gone. Preferably one the teacher does not hold; rarely the
        // teacher holds them all, and then it goes too.
        let victim = report.pieces[1..]
            .iter()
            .find(|p| !holders(&nodes, &p.hash).contains(&peer(&nodes[0])))
            .unwrap_or(&report.pieces[1])
            .clone();
        // Kill its holders until every survivor has published two states in a row without it: a
        // copy a dying holder had already sent would show in the next state of its receiver.
        let deadline = Instant::now() + PATIENCE;
        loop {
            let gone = holders(&nodes, &victim.hash);
            nodes.retain(|n| !gone.contains(&peer(n)));
            for node in &mut nodes {
                for _ in 0..2 {
                    let changed = tokio::time::timeout(PATIENCE, node.state.changed()).await;
                    assert!(matches!(changed, Ok(Ok(()))), "a survivor stopped publishing its state");
                }
            }
            if gone.is_empty() && holders(&nodes, &victim.hash).is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "the piece kept coming back");
        }
        let fetcher = nodes.last().unwrap();
        let error = share::get(&fetcher.client, parse_key(&report.file_id).unwrap(), None).await.unwrap_err();
        let index = victim.piece.unwrap();
        let named = [format!(" {index} "), format!(" {index},")].iter().any(|n| error.contains(n.as_str()));
        assert!(named && error.contains("lost"), "{error}");
    });
}

fn peer_of(node: &RunningNode) -> String {
    peer(node).to_string()
}
