//! What a page load reports as it goes (`FetchEvent`, numbered by `LoadId`) and where the
//! built-in services listen (`DemoAddresses`): plain data the worker's messages carry.

use std::net::SocketAddr;
use std::sync::Arc;

use super::exchange::{Exchange, FetchError};

/// Numbers page loads so late events from a superseded or stopped load can be told apart.
pub type LoadId = u64;

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
