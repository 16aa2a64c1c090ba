//! The packet simulator: a real TCP/IP stack (smoltcp) at each end of a simulated, impaired
//! link, driven by a virtual clock. Pure and deterministic: no threads, no wall clock, no I/O.

mod device;
pub mod engine;
pub mod link;
pub mod rng;
pub mod run;
pub mod scene;

pub use engine::{simulate, simulate_cancellable};
pub use link::{Fate, LinkConfig, OverrideAction, PacketOverride};
pub use run::{AppDelivery, Side, SimEndpoint, SimPacket, SimRun, StateChange};
pub use scene::{Closer, Payload, Scene, Workload};
