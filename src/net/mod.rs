//! Everything that touches the network: the background worker, the recording HTTP client and the
//! built-in demo services. Knows nothing of the UI; talks to it only through `record` types.

pub mod accept;
pub mod client;
pub mod demo;
pub mod live;
pub mod swarm_session;
pub mod worker;
