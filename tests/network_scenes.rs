//! Each Network scene's invariants in step mode, and `netlens scene run` as a user runs it.

use std::process::Command;

use netlens::netsim::scenes::overlay::{Mode, Overlay, hop_bound};
use netlens::netsim::scenes::storage::{REPLICATION, Storage};
use netlens::netsim::{Action, NetScene, create, run};
use serde_json::Value;

const NETLENS: &str = env!("CARGO_BIN_EXE_netlens");

fn run_scene(name: &str, nodes: Option<usize>, actions: &[(u64, &str)], until_ms: u64) -> (Box<dyn NetScene>, Value) {
    let mut scene = create(name, 7, nodes).unwrap();
    let actions: Vec<(u64, Action)> = actions.iter().map(|(t, a)| (*t, Action::parse(a).unwrap())).collect();
    run(scene.as_mut(), &actions, 10_000_000, until_ms * 1000).unwrap();
    let state = scene.state().to_json();
    (scene, state)
}

#[test]
fn routing_delivers_every_message_within_the_hop_bound() {
    let mut scene = Overlay::with_messages(3, 40, Mode::Routing, 50).unwrap();
    while scene.step() {}
    let bound = hop_bound(40);
    assert_eq!(bound, 6);
    let state = scene.state().to_json();
    let messages = state["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 50);
    for m in messages {
        assert_eq!(m["delivered"], true, "{m}");
        let hops = m["hops"].as_u64().unwrap() as usize;
        assert!(hops >= 1 && hops <= bound, "{hops} hops, more than log2 N = {bound}");
        // Each hop goes to a neighbour of the previous peer.
        let path: Vec<&str> = m["path"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        for pair in path.windows(2) {
            let knows = state["neighbours"][pair[0]].as_array().unwrap();
            assert!(knows.iter().any(|n| n == pair[1]), "{} is not a neighbour of {}", pair[1], pair[0]);
        }
    }
}

#[test]
fn routing_goes_around_a_dead_peer() {
    let (_, state) = run_scene("routing", Some(20), &[(0, "kill:peer-5")], 10_000);
    let messages = state["messages"].as_array().unwrap();
    assert!(!messages.is_empty());
    // The path each message would take with every peer alive: greedy along the ring through the
    // neighbour tables, as the scene routes.
    let tables = state["neighbours"].as_object().unwrap();
    let index = |name: &str| name.trim_start_matches("peer-").parse::<usize>().unwrap() - 1;
    let ahead = |from: usize, to: usize| (to + 20 - from) % 20;
    let greedy = |from: usize, to: usize| {
        let mut path = vec![from];
        let mut at = from;
        while at != to && path.len() < 25 {
            let next = tables[&format!("peer-{}", at + 1)]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| index(n.as_str().unwrap()))
                .filter(|&n| ahead(at, n) <= ahead(at, to))
                .max_by_key(|&n| ahead(at, n))
                .unwrap();
            path.push(next);
            at = next;
        }
        path
    };
    let mut detours = 0;
    for m in messages {
        let (from, to) = (index(m["from"].as_str().unwrap()), index(m["to"].as_str().unwrap()));
        if from == 4 || to == 4 {
            continue;
        }
        let path: Vec<usize> = m["path"].as_array().unwrap().iter().map(|p| index(p.as_str().unwrap())).collect();
        assert!(!path.contains(&4), "a message went through the dead peer: {m}");
        if greedy(from, to).contains(&4) {
            // It would have gone through peer-5: it still arrives, another way.
            assert_eq!(m["delivered"], true, "{m}");
            detours += 1;
        }
    }
    assert!(detours > 0, "no message would have crossed peer-5, so nothing was shown");
}

#[test]
fn every_peer_knows_only_a_few_neighbours_including_the_next_ones() {
    let (scene, state) = run_scene("overlay", Some(30), &[], 10_000);
    let tables = state["neighbours"].as_object().unwrap();
    assert_eq!(tables.len(), 30);
    for i in 1..=30 {
        let list: Vec<&str> =
            tables[&format!("peer-{i}")].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
        assert_eq!(list.len(), 5, "peer-{i}: 1, 2, 4, 8 and 16 places ahead");
        assert!(list.contains(&format!("peer-{}", i % 30 + 1).as_str()), "peer-{i} knows the next peer");
    }
    assert_eq!(scene.events().iter().filter(|e| e.kind == "hello").count(), 30 * 5, "every peer greets each neighbour");
}

#[test]
fn login_and_logout_update_the_registry_on_every_supernode() {
    let (scene, state) = run_scene("supernodes", Some(12), &[], 10_000);
    let registry: Vec<&str> =
        state["registry"].as_array().unwrap().iter().map(|r| r["peer"].as_str().unwrap()).collect();
    assert!(registry.contains(&"peer-12"), "the late newcomer logged in");
    assert!(!registry.contains(&"peer-2"), "peer-2 logged out");
    assert_eq!(registry.len(), 11);
    assert_eq!(state["registry_copies_agree"], true);
    // Nobody still counts the departed peer as a neighbour.
    let neighbours = state["neighbours"].as_object().unwrap();
    assert!(neighbours.len() >= 10, "{neighbours:?}");
    for (peer, list) in neighbours {
        if peer != "peer-2" {
            assert!(!list.as_array().unwrap().iter().any(|n| n == "peer-2"), "{peer} still lists peer-2");
        }
    }
    let kinds: Vec<&str> = scene.events().iter().map(|e| e.kind.name()).collect();
    assert!(kinds.contains(&"login") && kinds.contains(&"logout") && kinds.contains(&"lookup"));
    let newcomer = scene.events().iter().find(|e| e.kind == "welcome" && e.to == "peer-12").unwrap();
    assert!(newcomer.detail.contains("neighbours: peer-"), "the newcomer got neighbours: {}", newcomer.detail);
}

#[test]
fn a_dead_peer_is_noticed_and_removed_from_the_registry() {
    let listed = |state: &Value| state["registry"].as_array().unwrap().iter().any(|r| r["peer"] == "peer-5");
    // Just before it dies, peer-5 is logged in: otherwise its absence later would prove nothing.
    let (_, before) = run_scene("supernodes", Some(12), &[], 599);
    assert!(listed(&before), "peer-5 had logged in by 0.6 s: {}", before["registry"]);
    let (scene, state) = run_scene("supernodes", Some(12), &[(600_000, "kill:peer-5")], 10_000);
    assert!(!listed(&state), "{}", state["registry"]);
    let (_, alive) = run_scene("supernodes", Some(12), &[], 10_000);
    assert!(listed(&alive), "without the kill it would still be there");
    assert!(scene.events().iter().any(|e| e.kind == "kill" && e.from == "peer-5"));
}

#[test]
fn replication_restores_r_copies_and_the_file_hash_after_a_peer_dies() {
    let (_, placed) = run_scene("replicated-storage", Some(8), &[], 499);
    let held_by_3 = placed["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["holders"].as_array().unwrap().iter().any(|h| h == "peer-3"));
    assert!(held_by_3.count() > 0, "peer-3 held pieces before it died");
    let (_, state) = run_scene("replicated-storage", Some(8), &[(500_000, "kill:peer-3")], 10_000);
    assert_eq!(state["replication"], REPLICATION);
    assert_eq!(state["pieces"].as_array().unwrap().len(), 12);
    for piece in state["pieces"].as_array().unwrap() {
        let holders = piece["holders"].as_array().unwrap();
        assert_eq!(holders.len(), REPLICATION, "{piece}");
        assert!(!holders.iter().any(|h| h == "peer-3"));
    }
    assert_eq!(state["hash_after"], state["hash_before"]);
    assert!(state["lost_pieces"].as_array().unwrap().is_empty());
}

#[test]
fn killing_every_holder_of_a_piece_reports_it_lost() {
    // Learn who holds piece 0, then kill them all at once.
    let mut probe = Storage::new(7, 6).unwrap();
    while probe.step() {}
    let holders: Vec<String> = probe.state().to_json()["pieces"][0]["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap().to_string())
        .collect();
    let actions: Vec<(u64, String)> = holders.iter().map(|h| (500_000, format!("kill:{h}"))).collect();
    let actions: Vec<(u64, &str)> = actions.iter().map(|(t, a)| (*t, a.as_str())).collect();
    let (_, state) = run_scene("replicated-storage", Some(6), &actions, 10_000);
    let lost = state["lost_pieces"].as_array().unwrap();
    assert!(lost.iter().any(|p| p == 0), "piece 0 is reported lost: {lost:?}");
    assert!(state["hash_after"].is_null(), "the file cannot be read back");
    // Pieces that kept a survivor are back at r copies.
    let pieces = state["pieces"].as_array().unwrap();
    assert!(pieces.iter().filter(|p| !lost.contains(&p["id"])).count() > 0, "some pieces kept a survivor");
    for piece in pieces {
        if !lost.contains(&piece["id"]) {
            assert_eq!(piece["holders"].as_array().unwrap().len(), REPLICATION, "{piece}");
        }
    }
}

#[test]
fn every_request_fails_while_the_server_is_dead_and_succeeds_after_restart() {
    let (scene, state) =
        run_scene("client-server", Some(6), &[(1_000_000, "kill:server"), (2_000_000, "restart:server")], 3_000);
    let events = scene.events();
    let outcome = |e: &netlens::netsim::LogEvent| matches!(e.kind.name(), "response" | "failure" | "refused");
    // Requests answered between the kill (plus the latency of answers already on the way) and the restart.
    let dead: Vec<_> = events.iter().filter(|e| outcome(e) && e.t_us > 1_000_000 && e.t_us < 2_000_000).collect();
    assert!(!dead.is_empty());
    assert!(dead.iter().all(|e| e.kind == "failure"), "only failures while the server is dead");
    let after: Vec<_> = events.iter().filter(|e| outcome(e) && e.t_us > 2_100_000).collect();
    assert!(after.iter().any(|e| e.kind == "response"));
    assert!(after.iter().all(|e| e.kind != "failure"), "no failures once it is back");
    assert!(state["failures"].as_u64().unwrap() > 0);
}

#[test]
fn latency_grows_and_refusals_appear_once_clients_exceed_capacity() {
    let (_, state) = run_scene("client-server", Some(2), &[(1_000_000, "clients:40")], 2_000);
    let rows = state["latency_vs_clients"].as_array().unwrap();
    let p50 = |n: u64| rows.iter().find(|r| r["clients"] == n).unwrap()["p50_ms"].as_f64().unwrap();
    assert!(p50(40) > 2.0 * p50(2), "{} ms at 40 clients vs {} ms at 2", p50(40), p50(2));
    assert!(state["refusals"].as_u64().unwrap() > 0, "the full queue refuses requests");
}

#[test]
fn modularity_clients_get_identical_answers_from_both_implementations() {
    let (scene, state) = run_scene("modularity", Some(6), &[], 5_000);
    let servers = state["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 2);
    assert!(servers.iter().all(|s| s["served"].as_u64().unwrap() > 0), "both implementations answered");
    assert_eq!(servers[0]["implementation"], "table");
    assert_eq!(servers[1]["implementation"], "compute");
    // The scene compares the bytes each server sent for the same n.
    let agreement = &state["agreement"];
    assert!(agreement["both_answered"].as_u64().unwrap() >= 20, "{agreement}");
    assert_eq!(agreement["identical"], true);
    // And every answer is right: the n-th prime, checked here independently.
    let nth_prime =
        |n: u64| (2u64..).filter(|k| (2..*k).take_while(|d| d * d <= *k).all(|d| k % d != 0)).nth(n as usize - 1);
    let answers: Vec<_> = scene.events().iter().filter(|e| e.kind == "response").collect();
    assert!(answers.len() > 50);
    for e in answers {
        // "request 7: 200 OK, prime number 17 is 59 (from server-b, which …)"
        let words: Vec<&str> = e.detail.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "number").unwrap();
        let n: u64 = words[at + 1].parse().unwrap();
        let prime: u64 = words[at + 3].parse().unwrap();
        assert_eq!(Some(prime), nth_prime(n), "{}", e.detail);
    }
}

#[test]
fn the_computing_server_is_slower_for_larger_numbers() {
    // Same protocol, different insides: the table server's service time does not depend on n,
    // the computing server's does. Measured from the event log's request and response times.
    let (scene, _) = run_scene("modularity", Some(2), &[], 20_000);
    let mut sent = std::collections::HashMap::new();
    let mut by_server: std::collections::HashMap<String, Vec<(u64, u64)>> = Default::default();
    for e in scene.events() {
        let id = e.detail.split("request ").nth(1).and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next());
        match (e.kind.name(), id) {
            ("request", Some(id)) => {
                let n: u64 = e.detail.split("n=").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
                sent.insert(id.to_string(), (n, e.t_us));
            }
            ("response", Some(id)) => {
                let (n, at) = sent[id];
                by_server.entry(e.from.clone()).or_default().push((n, e.t_us - at));
            }
            _ => {}
        }
    }
    let slope = |points: &[(u64, u64)]| {
        let small: Vec<u64> = points.iter().filter(|(n, _)| *n < 100).map(|p| p.1).collect();
        let large: Vec<u64> = points.iter().filter(|(n, _)| *n > 400).map(|p| p.1).collect();
        let mean = |v: &[u64]| v.iter().sum::<u64>() as f64 / v.len().max(1) as f64;
        mean(&large) - mean(&small)
    };
    let table = slope(&by_server["server-a"]);
    let compute = slope(&by_server["server-b"]);
    assert!(compute > 2_000.0, "server-b takes longer for large n: {compute} µs more");
    assert!(table.abs() < 1_500.0, "server-a does not care about n: {table} µs");
}

#[test]
fn the_swarm_beats_the_server_as_nodes_grow() {
    // Measured from the run: at 1 s the swarm of 64 has finished and the server has not.
    let (_, early) = run_scene("capacity", Some(64), &[], 1_000);
    let last = early["comparison"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["nodes"], 64);
    assert!(last["p2p_ms"].as_u64().is_some_and(|ms| ms < 1_000), "{last}");
    assert!(last["client_server_ms"].is_null(), "the server is still sending at 1 s: {last}");
    let (_, state) = run_scene("capacity", Some(64), &[], 60_000);
    let rows = state["comparison"].as_array().unwrap();
    let last = rows.last().unwrap();
    assert_eq!(last["nodes"], 64);
    assert!(last["p2p_ms"].as_u64().unwrap() * 4 < last["client_server_ms"].as_u64().unwrap());
    // One upload of one piece a round: the server alone needs 64 × 8 rounds of 10 ms.
    assert_eq!(last["client_server_ms"], 64 * 8 * 10);
    assert_eq!(state["swarm_finished_ms"], last["p2p_ms"], "the animated swarm is its row");
    // Every race of the comparison finished in the run, the swarm sooner at every size above 2.
    for row in rows {
        let (p2p, server) = (row["p2p_ms"].as_u64().unwrap(), row["client_server_ms"].as_u64().unwrap());
        assert!(p2p <= server, "{row}");
        if row["nodes"].as_u64().unwrap() > 2 {
            assert!(p2p < server, "{row}");
        }
    }
}

#[test]
fn same_seed_same_story() {
    let a = run_scene("supernodes", None, &[(700_000, "kill:peer-4")], 5_000).1;
    let b = run_scene("supernodes", None, &[(700_000, "kill:peer-4")], 5_000).1;
    assert_eq!(a, b);
}

#[test]
fn scene_run_cli_prints_events_and_state_as_json_and_refuses_bad_actions() {
    let out = Command::new(NETLENS)
        .args(["scene", "run", "replicated-storage", "--at", "500000:kill:peer-2", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let event = &report["events"][0];
    for key in ["t_us", "kind", "from", "to", "detail"] {
        assert!(event.get(key).is_some(), "events[].{key}");
    }
    for key in ["replication", "pieces", "hash_before", "hash_after", "lost_pieces"] {
        assert!(report["state"].get(key).is_some(), "state.{key}");
    }
    let bad = Command::new(NETLENS).args(["scene", "run", "routing", "--at", "5:explode:peer-1"]).output().unwrap();
    assert!(!bad.status.success());
    assert_eq!(String::from_utf8_lossy(&bad.stderr).trim_end().lines().count(), 1);
    let unknown = Command::new(NETLENS).args(["scene", "run", "nope"]).output().unwrap();
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no scene called"));
}
