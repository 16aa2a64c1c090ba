//! Live mode: real servers and clients as tokio tasks talking real TCP on loopback. The server
//! admits requests with the same `Admission` policy as the step-mode scene.

pub mod load;
pub mod scene_runner;
pub mod server;
