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

        fn events_logged(&self) -> u64 {
            self.w.log_pushed
        }

        fn flights(&self) -> &[crate::netsim::InFlight] {
            &self.w.flights
        }

        fn prune_flights(&mut self) {
            self.w.prune_flights();
        }

        fn set_logging(&mut self, on: bool) {
            self.w.logging = on;
        }

        fn set_history(&mut self, history: crate::netsim::History) {
            self.w.history = history;
        }

        fn messages_delivered(&self) -> u64 {
            self.w.messages_delivered
        }

        fn clone_box(&self) -> Box<dyn crate::netsim::NetScene> {
            Box::new(self.clone())
        }

        fn live_world(&mut self) -> &mut dyn crate::netsim::live_world::LiveWorld {
            &mut self.w
        }

        fn deliver(&mut self, frame: &crate::netsim::live_world::Frame) -> Result<(), String> {
            let msg = self.w.decode_message(frame)?;
            self.check(frame.from, frame.to, &msg)?;
            self.w.inject_delivery(frame.from, frame.to, msg);
            Ok(())
        }
    };
}
pub(crate) use world_passthrough;

pub mod admission;
pub mod kinds;
pub mod live_world;
pub mod scenes;
pub mod world;

use serde::Serialize;

pub use kinds::{EventKind, MessageKind, SceneKind};
pub use world::{History, InFlight, LogEvent, SceneMessage, World};

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

impl Role {
    pub const ALL: [Role; 5] = [Role::Client, Role::Server, Role::Dns, Role::Peer, Role::Supernode];

    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
            Role::Dns => "DNS server",
            Role::Peer => "peer",
            Role::Supernode => "supernode",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub name: String,
    pub role: Role,
    pub alive: bool,
    /// Something is wrong here (a client whose last request failed): drawn in red.
    pub alarm: bool,
    /// The teacher may kill and restart this node.
    pub can_fail: bool,
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

/// A scene's state, typed per scene. The view reads its fields; the CLI serializes it, and the
/// JSON has no tag, so each scene's `state` object is exactly its own struct.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SceneState {
    ClientServer(scenes::client_server::ClientServerState),
    Capacity(scenes::capacity::CapacityState),
    Overlay(scenes::overlay::OverlayState),
    Supernodes(scenes::supernodes::SupernodesState),
    Storage(scenes::storage::StorageState),
}

impl SceneState {
    /// The state as the CLI prints it.
    pub fn to_json(&self) -> serde_json::Value {
        // Plain structs of numbers, strings and lists: serializing them cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

/// A scene in step mode. Object-safe so the view and the CLI can hold any of them.
pub trait NetScene: Send {
    fn kind(&self) -> SceneKind;
    /// Runs the next event; false when nothing is left to happen.
    fn step(&mut self) -> bool;
    fn next_time(&self) -> Option<u64>;
    fn now(&self) -> u64;
    /// Moves the clock on (to apply an action at its time).
    fn advance_to(&mut self, t_us: u64);
    fn apply(&mut self, action: &Action) -> Result<(), String>;
    /// The log (all of it, or the newest lines of a bounded history).
    fn events(&self) -> &[LogEvent];
    /// How many lines were ever logged, so a reader can tell which of `events` are new.
    fn events_logged(&self) -> u64;
    fn state(&self) -> SceneState;
    fn graph(&self) -> Graph;
    fn flights(&self) -> &[InFlight];
    /// Forgets drawings of messages that have landed.
    fn prune_flights(&mut self);
    fn set_logging(&mut self, on: bool);
    /// Complete for reports; bounded for a window that may stay open for hours.
    fn set_history(&mut self, history: History);
    fn messages_delivered(&self) -> u64;
    /// A copy of the scene as it is now (a checkpoint for stepping back).
    fn clone_box(&self) -> Box<dyn NetScene>;
    /// The world, for live mode to carry its messages over real sockets.
    fn live_world(&mut self) -> &mut dyn live_world::LiveWorld;
    /// Hands a frame that arrived over a socket to the scene, at the current time, if it is a
    /// message this scene's protocol allows between those two nodes; the error says why not.
    fn deliver(&mut self, frame: &live_world::Frame) -> Result<(), String>;
}

/// Creates a scene with the given seed and number of clients or peers (its default if none).
pub fn create_kind(kind: SceneKind, seed: u64, nodes: Option<usize>) -> Result<Box<dyn NetScene>, String> {
    use scenes::*;
    let n = nodes.unwrap_or(kind.default_nodes());
    let scene: Box<dyn NetScene> = match kind {
        SceneKind::ClientServer => Box::new(client_server::ClientServer::new(seed, n, false)?),
        SceneKind::Modularity => Box::new(client_server::ClientServer::new(seed, n, true)?),
        SceneKind::Capacity => Box::new(capacity::Capacity::new(seed, n)?),
        SceneKind::Overlay => Box::new(overlay::Overlay::new(seed, n, overlay::Mode::Overlay)?),
        SceneKind::Routing => Box::new(overlay::Overlay::new(seed, n, overlay::Mode::Routing)?),
        SceneKind::Supernodes => Box::new(supernodes::Supernodes::new(seed, n)?),
        SceneKind::ReplicatedStorage => Box::new(storage::Storage::new(seed, n)?),
    };
    Ok(scene)
}

/// Creates a scene by name (as the CLI and tests give it).
pub fn create(name: &str, seed: u64, nodes: Option<usize>) -> Result<Box<dyn NetScene>, String> {
    create_kind(SceneKind::parse(name)?, seed, nodes)
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

pub use scenes::client_server::percentile;
