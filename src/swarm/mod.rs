//! The class swarm: every netlens in the room as a peer of one real peer-to-peer network, built
//! on rust-libp2p (TCP + a private network keyed by the class code + Noise + Yamux; identify,
//! ping and Kademlia in server mode). `code.rs` turns a class code into the network's key,
//! `names.rs` cleans what peers say about themselves, `node.rs` runs one node and reports it.

pub mod code;
pub mod names;
pub mod node;

pub use code::ClassCode;
pub use node::{NodeConfig, NodeEvent, NodeState};
