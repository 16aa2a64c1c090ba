//! The Network scenes, one file each (client/server and modularity share one).

pub mod capacity;
pub mod client_server;
pub mod overlay;
pub mod storage;
pub mod supernodes;
