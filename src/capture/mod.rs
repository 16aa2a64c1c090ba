//! Capture files: reading pcap and pcapng (any byte order, several sections and interfaces,
//! the common link types) into a trace, and writing a trace back out as pcap or pcapng.

mod link;
mod mapped;
pub mod read;
mod records;
pub mod synthetic;
pub mod write;

pub use read::{open, open_with, read_bytes};
pub use write::{CaptureFormat, write_capture};
