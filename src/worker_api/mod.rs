//! The typed messages between the UI and the background worker: what the UI asks (`Command`)
//! and what the worker tells (`Event`), for page loads, live Network sessions (`live`) and the
//! class swarm (`swarm`). Plain data: the UI builds commands and reads events without knowing
//! how the worker does its job.

pub mod live;
#[cfg(feature = "desktop")]
pub mod swarm;

use crate::record::{DemoAddresses, FetchEvent, FetchOptions, FetchRequest, LoadId};
use live::{LiveCommand, LiveStart, LiveUpdate, SessionId};

/// What the UI asks of the worker.
#[derive(Debug)]
pub enum Command {
    /// Load a page; supersedes any load in progress.
    Fetch { load: LoadId, request: FetchRequest, options: Box<FetchOptions> },
    /// Stop a load: close its connections and send nothing more about it.
    Stop { load: LoadId },
    /// Start a Network scene live on loopback; replaces any live session.
    StartLive { session: SessionId, start: LiveStart },
    /// Pass a command (an action, or stop) to the live session, if it is still this one.
    Live { session: SessionId, command: LiveCommand },
    /// Start, use or leave the class swarm.
    #[cfg(feature = "desktop")]
    Swarm(swarm::SwarmCommand),
}

/// What the worker tells the UI.
#[derive(Debug)]
pub enum Event {
    /// The built-in demo site and DNS responder are listening.
    DemoReady(DemoAddresses),
    /// They could not start; the text says why.
    DemoFailed(String),
    /// Progress of a page load.
    Fetch { load: LoadId, event: FetchEvent },
    /// What a live Network session reports.
    Live { session: SessionId, update: LiveUpdate },
    /// What the class swarm's node reports.
    #[cfg(feature = "desktop")]
    Swarm(swarm::SwarmUpdate),
}
