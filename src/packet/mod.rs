//! Packets as bytes and as meaning: header decoding, the field table with offsets for the
//! inspector, TCP analysis labels, and plain-language explanations.

pub mod decode;
pub mod fast_hash;
pub mod fields;
pub mod labels;

pub use decode::{Decoded, Transport, decode_ip, flag_names};
pub use fields::{Field, fields};
pub use labels::{Analysis, Flags, LabelKind, TcpAnalyzer};
