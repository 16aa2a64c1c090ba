//! A trace: the packets the Packets view and the CLI show, whether they came from the
//! simulator or from a capture file. Compact per packet (bytes live in one arena) so a
//! million-packet capture fits comfortably.

mod builder;
pub mod explain;
mod from_sim;
pub mod gaps;
pub mod json;
pub mod ladder_text;
mod packets;
pub mod truth;

pub use builder::TraceBuilder;
pub use from_sim::{CapturePoint, SIM_EPOCH_US};
pub use packets::{Conversation, LaneState, NO_CONVERSATION, PacketFate, Trace, TracePacket, Truth};
