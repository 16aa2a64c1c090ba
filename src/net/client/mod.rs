//! The recording HTTP client: ureq 3 driven through our own resolver and connector chain, so
//! every byte on every connection and every phase's timing is captured.
//!
//! ```text
//!   PageLoader ──ureq Agent──▶ RecordingResolver        (DNS: demo responder / system / wire)
//!                          └─▶ RecordingTcpConnector    (connect; records TCP payload bytes)
//!                               └─▶ RecordingTlsConnector (https: rustls; records decrypted HTTP)
//!            all of them write into one LoadRecorder; the PageLoader turns it into Exchanges.
//! ```

pub mod dns_wire;
pub mod errors;
mod memory_transport;
pub mod page_loader;
pub mod recorder;
pub mod resolver;
pub mod tcp_info;
pub mod tcp_transport;
pub mod tls;
pub mod transport;

pub use memory_transport::fuzz_response;
pub use page_loader::{PageLoader, PageResult, StopHandle};
