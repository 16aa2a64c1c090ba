//! Plain records that cross the worker boundary: what a fetch recorded, what the UI asked for,
//! and the messages between them. `net` fills them, `model` and `ui` read them; this module
//! depends on neither.

pub mod bytes;
pub mod dns;
pub mod exchange;
pub mod fetch_json;
pub mod live;
pub mod messages;
pub mod request;
pub mod swarm;

pub use bytes::CappedBytes;
pub use dns::{DnsLookup, DnsSource};
pub use exchange::{
    Arrival, BodySummary, CertificateInfo, ConnectInfo, ErrorKind, Exchange, ExchangeRole, ExchangeState, FetchError,
    Phase, ResourceKind, ResponseHead, Span, TcpStats, Timings, TlsInfo,
};
pub use messages::{Command, DemoAddresses, Event, FetchEvent, LoadId};
pub use request::{DnsMode, FetchOptions, FetchRequest};
