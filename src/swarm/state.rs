//! What a class swarm node knows, as `--state-file` keeps it and the Class swarm panel shows it:
//! its routing table, its connections, the class as telemetry tells it, the registry on the
//! teacher's node, the pieces it holds.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use super::follow::{LessonPosition, Teaching};
use super::lookup_trace::LookupTrace;
use super::pieces::PieceHeld;
use super::telemetry::{FileNote, Telemetry};

/// One k-bucket: peers at XOR distance in [2^bucket, 2^(bucket+1)).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Bucket {
    pub bucket: u32,
    pub peers: Vec<String>,
}

/// One peer of the class, as the telemetry shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassPeer {
    pub peer: String,
    pub name: String,
    pub table_size: usize,
    pub pieces: usize,
    pub connections: usize,
    /// Shared, not copied, by every snapshot of the state: a class of hundreds is copied often.
    pub links: Arc<[String]>,
    /// Short hashes of the pieces it holds.
    pub held: Arc<[String]>,
    /// The files whose manifests it holds.
    pub files: Arc<[FileNote]>,
    /// Seconds since it was last heard from.
    pub age: u64,
}

/// A student in the teacher's registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registered {
    pub peer: String,
    pub name: String,
    pub addrs: Vec<String>,
}

/// What the node knows, as `--state-file` keeps it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeState {
    pub peer_id: String,
    pub name: String,
    pub addr: String,
    pub code: String,
    pub teacher: Option<String>,
    pub bucket_size: usize,
    pub replication: usize,
    pub upload_limit: Option<u64>,
    /// Seconds between this node's telemetry messages (longer in a large class).
    pub telemetry_every: u64,
    pub routing_table: Vec<Bucket>,
    pub connected: Vec<String>,
    /// Display names of the peers that identified themselves (shared between snapshots).
    pub names: Arc<BTreeMap<String, String>>,
    pub pieces_held: Vec<PieceHeld>,
    /// On the teacher's node: who is logged in.
    pub registry: Option<Vec<Registered>>,
    /// Every peer the telemetry has told about, this node included (rebuilt once a second and
    /// shared between snapshots: in a class of 200, copying it four times a second for every
    /// node was a quarter of the benchmark's CPU).
    pub class: Arc<Vec<ClassPeer>>,
    pub banned: Vec<String>,
    pub last_lookup: Option<LookupTrace>,
    /// On the teacher's node: the lesson the class follows, and the votes on this step's question
    /// (counts only).
    pub teaching: Option<Teaching>,
    /// On a student's node: where the teacher's lesson stands.
    pub following: Option<LessonPosition>,
    /// Connected to the class (or started it).
    pub joined: bool,
    /// On a student's node: the teacher's registry has this laptop logged in.
    pub logged_in: bool,
    /// Why joining failed, once every address to join through has refused.
    pub join_failure: Option<String>,
    pub ended: bool,
}

pub fn class_peer(peer: String, t: Telemetry, age: Duration) -> ClassPeer {
    ClassPeer {
        peer,
        name: t.name,
        table_size: t.table_size,
        pieces: t.pieces,
        connections: t.connections,
        links: t.links.into(),
        held: t.held.into(),
        files: t.files.into(),
        age: age.as_secs(),
    }
}
