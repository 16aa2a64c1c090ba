//! What a live Network session (a scene on real loopback sockets) reports to whoever runs it —
//! the window, through the worker, or the CLI — and what it can be asked to do. Plain data.

use std::net::SocketAddr;

use crate::netsim::{Action, Graph, InFlight, LogEvent, MessageKind, SceneKind, SceneState};

/// Numbers Network sessions, so a late report from a replaced session is ignored.
pub type SessionId = u64;

/// A frame seen on the wire, kept for the view to open as bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct WireFrame {
    pub t_us: u64,
    pub from: String,
    pub to: String,
    pub kind: MessageKind,
    pub bytes: Vec<u8>,
}

/// The scene as it stands, and what happened since the last snapshot.
#[derive(Clone, Debug)]
pub struct LiveSnapshot {
    /// Wall-clock time since the session started.
    pub now_us: u64,
    pub delivered: u64,
    pub graph: Graph,
    /// Messages sent since the previous snapshot (the view shows each for a moment).
    pub flights: Vec<InFlight>,
    pub state: SceneState,
    /// Log lines added since the previous snapshot.
    pub new_events: Vec<LogEvent>,
    /// Frames sent since the previous snapshot.
    pub new_frames: Vec<WireFrame>,
    /// Frames from sockets that were turned away, in all.
    pub rejected: u64,
    /// Why the last action could not be done, if it could not.
    pub notice: Option<String>,
}

/// What a live session reports.
#[derive(Clone, Debug)]
pub enum LiveUpdate {
    /// A node's listener is open (one per node, before anything else it does).
    Listening {
        node: String,
        addr: SocketAddr,
    },
    Snapshot(Box<LiveSnapshot>),
    /// The session cannot go on; the text says why. The app stays up and offers a restart.
    Failed(String),
}

/// What a live session can be asked to do.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveCommand {
    Act(Action),
    Stop,
}

/// How to start a live session.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveStart {
    pub scene: SceneKind,
    pub seed: u64,
    pub nodes: usize,
}
