//! The Network view's scenes in step mode: client/server and peer-to-peer systems as a
//! deterministic discrete-event simulation on a virtual clock (`world`). Each scene keeps its
//! own nodes' state and reacts to messages and timers; the runner applies timed actions (kill,
//! restart, number of clients) and reports the event log and the final state.

/// The `NetScene` methods that only pass through to the scene's `w: World<_>` field, written
/// once here instead of in every scene.
macro_rules! world_passthrough {
    () => {
        fn next_time(&self) -> Option<u64> {
            self.w.next_time()
        }

        fn now(&self) -> u64 {
            self.w.now
        }

        fn advance_to(&mut self, t_us: u64) {
            self.w.advance_to(t_us);
        }

        fn events(&self) -> &[crate::netsim::LogEvent] {
            &self.w.log
        }

        fn flights(&self) -> &[crate::netsim::InFlight] {
            &self.w.flights
        }

        fn set_logging(&mut self, on: bool) {
            self.w.logging = on;
        }

        fn messages_delivered(&self) -> u64 {
            self.w.messages_delivered
        }

        fn live_world(&mut self) -> &mut dyn crate::netsim::live_world::LiveWorld {
            &mut self.w
        }
    };
}
pub(crate) use world_passthrough;

pub mod admission;
pub mod live_world;
pub mod scenes;
pub mod world;

use serde::Serialize;

pub use world::{InFlight, LogEvent, World};

/// What a node is, for its shape and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Client,
    Server,
    Dns,
    Peer,
    Supernode,
}

#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub name: String,
    pub role: Role,
    pub alive: bool,
    /// Something is wrong here (a client whose last request failed): drawn in red.
    pub alarm: bool,
    /// What the view shows when the node is selected: (what, value) pairs.
    pub details: Vec<(String, String)>,
}

/// The nodes and links of a scene as it stands, for drawing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub links: Vec<(usize, usize)>,
    /// Nodes on the path being traced (routing), in order.
    pub highlight: Vec<usize>,
}

/// Something the teacher (or `--at T:ACTION`) does to a running scene.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Kill(String),
    Restart(String),
    Clients(usize),
}

impl Action {
    /// Parses `kill:NODE`, `restart:NODE` or `clients:N`.
    pub fn parse(text: &str) -> Result<Action, String> {
        match text.split_once(':') {
            Some(("kill", node)) if !node.is_empty() => Ok(Action::Kill(node.to_string())),
            Some(("restart", node)) if !node.is_empty() => Ok(Action::Restart(node.to_string())),
            Some(("clients", n)) => n
                .parse()
                .ok()
                .filter(|n| (1..=scenes::client_server::MAX_CLIENTS).contains(n))
                .map(Action::Clients)
                .ok_or_else(|| format!("clients:N needs N from 1 to {}", scenes::client_server::MAX_CLIENTS)),
            _ => Err(format!("{text:?} is not an action; use kill:NODE, restart:NODE or clients:N")),
        }
    }
}

/// A scene in step mode. Object-safe so the view and the CLI can hold any of them.
pub trait NetScene: Send {
    fn name(&self) -> &'static str;
    /// Runs the next event; false when nothing is left to happen.
    fn step(&mut self) -> bool;
    fn next_time(&self) -> Option<u64>;
    fn now(&self) -> u64;
    /// Moves the clock on (to apply an action at its time).
    fn advance_to(&mut self, t_us: u64);
    fn apply(&mut self, action: &Action) -> Result<(), String>;
    fn events(&self) -> &[LogEvent];
    fn state(&self) -> serde_json::Value;
    fn graph(&self) -> Graph;
    fn flights(&self) -> &[InFlight];
    fn set_logging(&mut self, on: bool);
    fn messages_delivered(&self) -> u64;
    /// The world, for live mode to carry its messages over real sockets.
    fn live_world(&mut self) -> &mut dyn live_world::LiveWorld;
}

/// The scenes, in teaching order: (name, title, teacher's explanation).
pub const SCENES: &[(&str, &str, &str)] = &[
    (
        "client-server",
        "Many clients, one server",
        "One server with a few worker slots and a short queue serves every client. Add clients: while the server has free slots each request is answered in its service time; beyond that requests wait in the queue (latency climbs) and when the queue is full they are refused. Kill the server and every client's requests fail; restart it and they succeed again.",
    ),
    (
        "modularity",
        "Two servers, one protocol",
        "Two different server programs answer the same protocol with the same bytes. The clients cannot tell which one served them: a protocol is a contract, and any implementation that keeps it can take part.",
    ),
    (
        "capacity",
        "One server against a swarm",
        "The same file goes to every node. A single server uploads one piece at a time, so the last node waits longer the more nodes there are. In peer-to-peer every node that has a piece uploads it too, so capacity grows with the number of nodes and completion time barely moves.",
    ),
    (
        "overlay",
        "An overlay of neighbours",
        "Each peer keeps the addresses of only a few neighbours. Together these neighbour tables form an overlay network on top of the internet: no peer knows everyone, yet everyone is connected through someone.",
    ),
    (
        "routing",
        "Routing through neighbours",
        "A message from one peer to another is handed from neighbour to neighbour, each choosing the neighbour closest to the destination, until it arrives (as Skype once relayed calls). Watch the path light up hop by hop and count the hops.",
    ),
    (
        "supernodes",
        "Supernodes",
        "A few well-connected supernodes keep the registry of who is online and where. Peers log in and out through them; a newcomer asks a supernode for neighbours and takes its place in the overlay; when peers leave, the ones that lost neighbours ask for new ones and the overlay restructures.",
    ),
    (
        "replicated-storage",
        "A file that survives a dead peer",
        "A file is split into pieces and each piece is stored on r different peers. When a peer dies, every piece it held is copied again from a surviving replica onto another peer, so each piece is back to r copies and the file still reads back intact. Only if every holder of a piece dies is that piece lost.",
    ),
];

/// Creates a scene by name with the given seed and, where it applies, number of nodes.
pub fn create(name: &str, seed: u64, nodes: Option<usize>) -> Result<Box<dyn NetScene>, String> {
    use scenes::*;
    let scene: Box<dyn NetScene> = match name {
        "client-server" => Box::new(client_server::ClientServer::new(seed, nodes.unwrap_or(4), false)?),
        "modularity" => Box::new(client_server::ClientServer::new(seed, nodes.unwrap_or(6), true)?),
        "capacity" => Box::new(capacity::Capacity::new(seed, nodes.unwrap_or(32))?),
        "overlay" => Box::new(overlay::Overlay::new(seed, nodes.unwrap_or(16), overlay::Mode::Overlay)?),
        "routing" => Box::new(overlay::Overlay::new(seed, nodes.unwrap_or(16), overlay::Mode::Routing)?),
        "supernodes" => Box::new(supernodes::Supernodes::new(seed, nodes.unwrap_or(12))?),
        "replicated-storage" => Box::new(storage::Storage::new(seed, nodes.unwrap_or(8))?),
        _ => {
            let names: Vec<&str> = SCENES.iter().map(|s| s.0).collect();
            return Err(format!("no scene called {name:?}; try one of: {}", names.join(", ")));
        }
    };
    Ok(scene)
}

/// Runs `scene` headless: actions at their times, until `max_events` events or `until_us`.
pub fn run(scene: &mut dyn NetScene, actions: &[(u64, Action)], max_events: u64, until_us: u64) -> Result<u64, String> {
    let mut actions: Vec<&(u64, Action)> = actions.iter().collect();
    actions.sort_by_key(|(t, _)| *t);
    let mut actions = actions.into_iter().peekable();
    let mut processed = 0;
    while processed < max_events {
        let next_event = scene.next_time();
        if let Some(&&(at, ref action)) = actions.peek()
            && next_event.is_none_or(|t| at <= t)
        {
            scene.advance_to(at);
            scene.apply(action)?;
            actions.next();
            continue;
        }
        match next_event {
            Some(t) if t <= until_us => {
                scene.step();
                processed += 1;
            }
            _ => break,
        }
    }
    Ok(processed)
}

/// Percentile of sorted values (nearest rank); 0 when empty.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
