//! What a class swarm node reports as it happens, as `netlens swarm node` prints it: one JSON
//! object per line.

use serde::Serialize;

use super::follow::{LessonPosition, Tally};
use super::lookup_trace::LookupTrace;
use super::share::Repair;
use super::telemetry::Sent;

/// Something that happened, as `netlens swarm node` prints it (one JSON object per line).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum NodeEvent {
    Listening {
        addr: String,
    },
    Connected {
        peer: String,
    },
    Disconnected {
        peer: String,
    },
    /// A peer said who it is (its display name, cleaned).
    Identified {
        peer: String,
        name: String,
    },
    RoutingUpdated {
        peer: String,
        bucket: Option<u32>,
    },
    /// A peer that is not of this class (another protocol version) was turned away.
    Refused {
        peer: String,
        reason: String,
    },
    DialFailed {
        addr: String,
        reason: String,
    },
    /// Someone dialled this node and was turned away before joining (another class code, or
    /// not a netlens swarm at all).
    IncomingRefused {
        addr: String,
        reason: String,
    },
    /// mDNS saw a peer on the local network.
    Discovered {
        peer: String,
    },
    /// This node logged in at the teacher's registry, and got its first neighbours.
    Registered {
        teacher: String,
    },
    Neighbours {
        peers: Vec<String>,
    },
    /// On the teacher's node: a student logged in or out of the registry.
    LoggedIn {
        peer: String,
    },
    LoggedOut {
        peer: String,
    },
    /// A piece or manifest arrived to keep (`piece` None: a manifest).
    PieceStored {
        file: String,
        piece: Option<u32>,
        hash: String,
        from: String,
    },
    /// A piece went to a peer (`kind` "store", "fetch" or "find_node", as asked or answered).
    Message {
        peer: String,
        kind: String,
        outgoing: bool,
        bytes: usize,
    },
    Repaired {
        repairs: Vec<Repair>,
    },
    /// On the teacher's node: the messages a student sent in its last second, for the live graph.
    ClassMessages {
        from: String,
        sent: Vec<Sent>,
    },
    /// A stranger sent something malformed or too much: its connection was closed.
    Misbehaved {
        peer: String,
        reason: String,
    },
    Banned {
        peer: String,
    },
    NameRejected {
        peer: String,
    },
    /// The teacher ended the session (or this node left).
    SessionEnded {
        by_teacher: bool,
    },
    Lookup {
        trace: LookupTrace,
    },
    /// On a student's node: the teacher's lesson moved.
    Following {
        position: LessonPosition,
    },
    /// On the teacher's node: the open question's count changed.
    Tally {
        tally: Tally,
    },
    /// On the teacher's node: a vote that was not counted, and why.
    VoteRefused {
        peer: String,
        reason: String,
    },
    /// An order or lesson step signed by someone other than the teacher (or malformed): ignored.
    OrderRefused {
        peer: String,
        reason: String,
    },
}
