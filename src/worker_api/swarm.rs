//! What the window asks of the class swarm and what it hears back: plain messages between the
//! Network view's swarm panel and the worker, which runs the node.

use std::path::PathBuf;

use crate::swarm::follow::{LessonPosition, Vote};
use crate::swarm::lookup_trace::LookupTrace;
use crate::swarm::share::{GetReport, PutReport};
use crate::swarm::telemetry::Order;
use crate::swarm::{NodeEvent, NodeState};

/// How to start a node from the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwarmStart {
    /// Start a class (the teacher) rather than join one.
    pub teacher: bool,
    /// The class code a student typed (the teacher's is made up when empty).
    pub code: String,
    /// The teacher's address a student typed; empty: find the class by mDNS.
    pub join: String,
    pub name: String,
    /// Listen on the local network (other laptops), not only on this machine.
    pub on_network: bool,
    pub mdns: bool,
    pub bucket_size: usize,
    pub replication: usize,
    /// The upload cap in KiB/s (0: none).
    pub upload_kib: u64,
}

#[derive(Debug)]
pub enum SwarmCommand {
    Start(SwarmStart),
    /// Share a file from disk (the teacher keeps every piece too).
    Share {
        path: PathBuf,
    },
    /// Download a shared file; `teacher_only` fetches every piece from the teacher.
    Fetch {
        file_id: String,
        teacher_only: bool,
    },
    /// A traced lookup for `target` (a file id, a peer id, or any text).
    Lookup {
        target: String,
    },
    Order(Order),
    /// The teacher's lesson moved: tell the class.
    Teach(LessonPosition),
    /// A student's answer to the teacher's open question.
    Vote(Vote),
    /// Share a lesson's file, made from this seed (the teacher keeps no copy).
    ShareLessonFile {
        seed: u64,
    },
    /// Log out of the teacher's registry, staying in the class (false), or back in.
    LogIn(bool),
    Leave,
}

#[derive(Debug)]
pub enum SwarmUpdate {
    Started {
        address: String,
        code: String,
    },
    /// Starting or joining failed; the node is gone.
    Failed(String),
    Event(NodeEvent),
    State(Box<NodeState>),
    Shared(Box<PutReport>),
    Fetched {
        report: Box<GetReport>,
        teacher_only: bool,
    },
    /// A share, download or lookup failed; the node goes on.
    WorkFailed(String),
    Lookup(Box<LookupTrace>),
    /// What the teacher's node said about a vote (counted, or refused and why).
    Voted {
        vote: Vote,
        result: Result<(), String>,
    },
    /// The node has stopped (left, or the session ended).
    Stopped {
        by_teacher: bool,
    },
}
