//! The Network view's scenes in step mode: client/server and peer-to-peer systems as a
//! deterministic discrete-event simulation on a virtual clock (`world`). Each scene keeps its
//! own nodes' state and reacts to messages and timers; the runner applies timed actions (kill,
//! restart, number of clients) and reports the event log and the final state.
//!
//! Layers, bottom up: `kinds` (the names scenes are built from), `graph`, `action` and `state`
//! (plain data the views read), `world` (the engine every scene shares), `live_world` (its frames
//! on real sockets), `scene` (the trait), `scenes/` (one file per scene), `registry` (which type
//! plays which scene) and `runner`.

pub mod action;
pub mod admission;
pub mod graph;
pub mod kinds;
pub mod live_world;
pub mod registry;
pub mod runner;
pub mod scene;
pub mod scenes;
pub mod state;
pub mod world;

pub use action::Action;
pub use graph::{Graph, GraphNode, Role};
pub use kinds::{EventKind, MessageKind, SceneKind};
pub use registry::{create, create_kind};
pub use runner::run;
pub use scene::NetScene;
pub(crate) use scene::world_passthrough;
pub use state::SceneState;
pub use world::{History, InFlight, LogEvent, SceneMessage, World};

pub use scenes::client_server::percentile;
