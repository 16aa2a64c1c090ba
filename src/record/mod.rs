//! Plain records at the bottom of the house: what a fetch recorded (`Exchange`, `DnsLookup`),
//! what the user asked for (`FetchRequest`, `FetchOptions`) and what a page load reports as it
//! goes. `net` fills them, `model` and `ui` read them; this module imports nothing of netlens.

pub mod bytes;
pub mod dns;
pub mod exchange;
pub mod fetch_json;
pub mod messages;
pub mod request;
pub mod span;

pub use bytes::CappedBytes;
pub use dns::{DnsLookup, DnsSource};
pub use exchange::{
    Arrival, BodySummary, CertificateInfo, ConnectInfo, ErrorKind, Exchange, ExchangeRole, ExchangeState, FetchError,
    Phase, ResourceKind, ResponseHead, TcpStats, Timings, TlsInfo,
};
pub use messages::{DemoAddresses, FetchEvent, LoadId};
pub use request::{DnsMode, FetchOptions, FetchRequest};
pub use span::Span;
