//! The class swarm: every netlens in the room as a peer of one real peer-to-peer network, built
//! on rust-libp2p. `code.rs` turns a class code into the network's key, `names.rs` cleans what
//! peers say about themselves, `behaviour.rs` assembles the libp2p stack (with `keep_alive.rs` holding
//! open the links that matter), `node.rs` runs one node
//! and reports it, `client.rs` is a handle for work that takes many steps, `wire.rs` is the
//! pieces protocol, `pieces.rs` cuts files and keeps pieces, `share.rs` puts, gets and repairs
//! files, `follow.rs` the lesson the class follows and its votes, `class_steps.rs` what the live
//! class does at the peer-to-peer lesson's class steps and what their checks read, `lookup.rs` is the traced lookup, `telemetry.rs` what peers tell the class and `trim.rs` which
//! connections to close when a node has too many; `runner.rs` runs a node in its own task.

pub mod behaviour;
pub mod class_steps;
pub mod client;
pub mod code;
pub mod config;
pub mod events;
pub mod follow;
pub mod keep_alive;
pub mod lookup;
pub mod lookup_trace;
pub mod names;
pub mod node;
pub mod pieces;
pub mod runner;
pub mod schedule;
pub mod share;
pub mod state;
pub mod telemetry;
pub mod trim;
pub mod wire;

pub use client::Client;
pub use code::ClassCode;
pub use config::NodeConfig;
pub use events::NodeEvent;
pub use state::NodeState;
