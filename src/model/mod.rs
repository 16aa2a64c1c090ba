//! What the views read: state built only by applying worker events, and derived explanations.
//! No egui here, so it is unit-tested directly.

#[cfg(feature = "desktop")]
pub mod class_follow;
pub mod lesson;
pub mod navigation;
pub mod network;
pub mod packets;
pub mod page_load;
pub mod playback;
pub mod settings;
pub mod steps;
pub mod stream;
#[cfg(feature = "desktop")]
pub mod swarm;
