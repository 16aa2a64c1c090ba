//! What each Network scene reports about itself: plain data the views draw (plots, tables, side
//! panels), lesson checks read and `netlens scene run` prints. Each scene fills its own struct;
//! `SceneState` holds any of them.

use std::collections::BTreeMap;

use serde::Serialize;

/// A scene's state, typed per scene. The view reads its fields; the CLI serializes it, and the
/// JSON has no tag, so each scene's `state` object is exactly its own struct.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SceneState {
    ClientServer(ClientServerState),
    Capacity(CapacityState),
    Overlay(OverlayState),
    Supernodes(SupernodesState),
    Storage(StorageState),
}

impl SceneState {
    /// The state as the CLI prints it.
    pub fn to_json(&self) -> serde_json::Value {
        // Plain structs of numbers, strings and lists: serializing them cannot fail.
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}

// Client/server and modularity (S10, S16, S18, S19).

/// How a server finds its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Implementation {
    /// Looks the answer up in a table sieved at start-up; constant service time.
    Table,
    /// Computes every answer by trial division; service time grows with the work.
    Compute,
}

impl Implementation {
    pub fn describe(self) -> &'static str {
        match self {
            Implementation::Table => "looks the answer up in a table built at start",
            Implementation::Compute => "works out every answer by trial division",
        }
    }
}

/// One server as the state reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ServerState {
    pub name: String,
    pub implementation: Implementation,
    pub alive: bool,
    pub capacity: usize,
    pub queue_limit: usize,
    pub busy: usize,
    pub queued: usize,
    pub served: u64,
}

/// Whether the two implementations answered alike (modularity only).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Agreement {
    /// Values of n that both servers have answered.
    pub both_answered: usize,
    /// Every such answer was the same bytes from both.
    pub identical: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientServerState {
    pub clients: usize,
    pub servers: Vec<ServerState>,
    pub requests: u64,
    pub responses: u64,
    pub refusals: u64,
    pub failures: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agreement: Option<Agreement>,
    pub series: Vec<SeriesPoint>,
    pub latency_vs_clients: Vec<ClientsRow>,
}

/// One point of the time series, as the plots and the CLI's JSON have it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SeriesPoint {
    pub t_ms: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub queue: usize,
    pub refused: u64,
    pub failed: u64,
    pub clients: usize,
}

/// Latency at one number of clients.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClientsRow {
    pub clients: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub responses: u64,
}

// Capacity (S20).

/// Completion time with one server and with a swarm, for one number of nodes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparisonRow {
    pub nodes: usize,
    /// When the last node had the file, as measured in this run; None until it happens.
    pub client_server_ms: Option<u64>,
    pub p2p_ms: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapacityState {
    pub pieces: usize,
    pub round_ms: u64,
    pub comparison: Vec<ComparisonRow>,
    /// When the animated swarm finished, once it has.
    pub swarm_finished_ms: Option<u64>,
}

// Overlay and routing (S21, S22).

/// One routed message as the state reports it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoutedState {
    pub from: String,
    pub to: String,
    pub hops: usize,
    pub path: Vec<String>,
    pub delivered: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OverlayState {
    pub peers: usize,
    /// The most hops a message needs while every peer is alive (ceil log2 N).
    pub hop_bound: usize,
    /// Every peer's neighbour table, by name (what the peer was set up to know).
    pub neighbours: BTreeMap<String, Vec<String>>,
    /// Per peer, the peers whose hello it heard in this run, as they arrived.
    pub greetings: BTreeMap<String, Vec<String>>,
    pub messages: Vec<RoutedState>,
    pub messages_delivered: u64,
}

// Supernodes (S23).

/// One registry entry: a peer online, and the supernode it logged in through.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RegistryEntry {
    pub peer: String,
    pub supernode: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SupernodesState {
    pub supernodes: Vec<String>,
    /// The first supernode's copy of the registry.
    pub registry: Vec<RegistryEntry>,
    pub online: usize,
    pub registry_copies_agree: bool,
    pub neighbours: BTreeMap<String, Vec<String>>,
}

// Replicated storage (S24).

/// One piece and the live peers that hold its bytes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PieceState {
    pub id: usize,
    pub holders: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StorageState {
    pub replication: usize,
    pub pieces: Vec<PieceState>,
    pub hash_before: String,
    /// The hash of the file as it reads back from live peers now; none if a piece is missing.
    pub hash_after: Option<String>,
    pub lost_pieces: Vec<usize>,
    pub file_bytes: usize,
}

impl StorageState {
    /// Pieces that have all r copies now.
    pub fn full_pieces(&self) -> usize {
        self.pieces.iter().filter(|p| p.holders.len() >= self.replication).count()
    }

    /// True once any piece has reached a peer.
    pub fn placed(&self) -> bool {
        self.pieces.iter().any(|p| !p.holders.is_empty())
    }

    pub fn intact(&self) -> bool {
        self.hash_after.as_deref() == Some(self.hash_before.as_str())
    }
}
