//! The teacher's registry (S23) forgets a laptop that closed without logging out: students log
//! in for a short time and renew it, so a student who is gone drops out of the registry's
//! records within that time and a newcomer is not handed it as a first neighbour, while a
//! student who stays is still handed out long after its first log-in would have expired. A
//! newcomer fills its routing table from the registry's answer, without dialling the class.

use std::time::{Duration, Instant};

use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::{ClassCode, NodeConfig, NodeEvent};

/// Short, so the test sees log-ins expire; the class default is a minute.
const TTL: Duration = Duration::from_secs(3);
/// A hang guard for a loaded machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(60);

fn config(name: &str, join: Vec<libp2p::Multiaddr>) -> NodeConfig {
    let mut config = NodeConfig::new(ClassCode::parse("REG234").unwrap(), name, join);
    config.registration_ttl = TTL;
    config
}

/// The first neighbours the registry handed this node.
async fn first_neighbours(node: &mut RunningNode) -> Vec<String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, node.events.recv()).await {
            Ok(Some(NodeEvent::Neighbours { peers })) => return peers,
            Ok(Some(_)) => {}
            _ => panic!("no neighbours from the registry"),
        }
    }
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many students the teacher's registry lists.
fn registered(state: &netlens::swarm::NodeState) -> usize {
    state.registry.as_ref().map_or(0, |r| r.len())
}

/// The teacher's node, and the address students join.
async fn start_teacher() -> (RunningNode, libp2p::Multiaddr) {
    let teacher = runner::spawn(config("teacher", Vec::new())).await.unwrap();
    let join = teacher.address.parse().unwrap();
    (teacher, join)
}

fn with_runtime(test: impl std::future::Future<Output = ()>) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(test);
    runtime.shutdown_background();
}

#[test]
fn a_closed_laptop_leaves_the_registry_and_a_staying_one_renews_its_log_in() {
    with_runtime(async {
        let (teacher, join) = start_teacher().await;
        let mut staying = runner::spawn(config("staying", vec![join.clone()])).await.unwrap();
        first_neighbours(&mut staying).await;
        let mut closing = runner::spawn(config("closing", vec![join.clone()])).await.unwrap();
        first_neighbours(&mut closing).await;
        let (staying_id, closing_id) = (staying.client.local.to_string(), closing.client.local.to_string());
        wait_until("both students are in the registry", || registered(&teacher.now()) == 2).await;

        // The laptop closes: no log-out goes out, its node simply stops.
        drop(closing);
        // Past the log-in's lifetime, twice over: the staying student has had to renew.
        tokio::time::sleep(TTL * 2 + Duration::from_secs(1)).await;
        wait_until("the teacher's registry lists only the staying student", || registered(&teacher.now()) == 1).await;

        let mut newcomer = runner::spawn(config("newcomer", vec![join])).await.unwrap();
        let neighbours = first_neighbours(&mut newcomer).await;
        assert!(neighbours.contains(&staying_id), "the staying student renewed its log-in: {neighbours:?}");
        assert!(!neighbours.contains(&closing_id), "the closed laptop is no longer handed out: {neighbours:?}");
        drop((teacher, staying, newcomer));
    });
}

/// The peers in a node's routing table.
fn table(state: &netlens::swarm::NodeState) -> Vec<String> {
    state.routing_table.iter().flat_map(|bucket| bucket.peers.clone()).collect()
}

#[test]
fn a_newcomer_fills_its_routing_table_from_the_registry_without_dialling_the_class() {
    with_runtime(async {
        let (teacher, join) = start_teacher().await;
        let mut class = Vec::new();
        for i in 0..16 {
            let mut student = runner::spawn(config(&format!("student-{i}"), vec![join.clone()])).await.unwrap();
            first_neighbours(&mut student).await;
            class.push(student);
        }
        wait_until("all sixteen are in the registry", || registered(&teacher.now()) == 16).await;

        let mut newcomer = runner::spawn(config("newcomer", vec![join])).await.unwrap();
        let neighbours = first_neighbours(&mut newcomer).await;
        assert!(!neighbours.is_empty(), "the registry's answer gave it neighbours");
        // Sixteen classmates over k = 3 buckets: the registry's answer alone fills several.
        wait_until("the newcomer's table holds more than one bucket's worth", || table(&newcomer.now()).len() > 3)
            .await;
        // Every peer the newcomer ever connected to, from its events so far and its links now.
        let mut met: Vec<String> = newcomer.now().connected;
        while let Ok(event) = newcomer.events.try_recv() {
            if let NodeEvent::Connected { peer } = event {
                met.push(peer);
            }
        }
        let state = newcomer.now();
        met.extend(state.connected.iter().cloned());
        let unmet: Vec<String> = table(&state).into_iter().filter(|peer| !met.contains(peer)).collect();
        assert!(
            !unmet.is_empty(),
            "its table holds classmates it never dialled, known from the registry alone: table {:?}, met {met:?}",
            table(&state)
        );
        drop((teacher, class, newcomer));
    });
}
