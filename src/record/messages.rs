//! The typed messages between the UI and the background worker. Plain data: the UI builds
//! commands and reads events without knowing how the worker does its job.

use std::net::SocketAddr;
use std::sync::Arc;

use super::exchange::{Exchange, FetchError};
use super::live::{LiveCommand, LiveStart, LiveUpdate, SessionId};
use super::request::{FetchOptions, FetchRequest};

/// Numbers page loads so late events from a superseded or stopped load can be told apart.
pub type LoadId = u64;

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
    Swarm(super::swarm::SwarmCommand),
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
    Swarm(super::swarm::SwarmUpdate),
}

/// Progress of one page load.
#[derive(Clone, Debug)]
pub enum FetchEvent {
    /// An exchange began or moved on; the record is its latest state.
    Exchange(Arc<Exchange>),
    /// Body bytes received so far by an exchange still downloading.
    BodyProgress { index: usize, received: u64 },
    /// The load is over; `error` says why it stopped early, if it did.
    Finished { error: Option<FetchError> },
}

/// Where the built-in services listen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoAddresses {
    pub http: SocketAddr,
    pub https: Option<SocketAddr>,
    pub dns: SocketAddr,
    /// The demo site's self-made certificate (DER), for clients to trust.
    pub certificate_der: Option<Vec<u8>>,
}

impl DemoAddresses {
    /// The demo site's front page by name, so fetching it shows a DNS lookup.
    pub fn home_url(&self) -> String {
        format!("http://www.{}:{}/", super::request::DEMO_ZONE, self.http.port())
    }

    pub fn https_home_url(&self) -> Option<String> {
        self.https.map(|a| format!("https://www.{}:{}/", super::request::DEMO_ZONE, a.port()))
    }
}
