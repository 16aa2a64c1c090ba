//! egui only: the views and the widgets they share. Views draw the model and return intents;
//! they never touch sockets or files.

#[cfg(feature = "desktop")]
pub mod class_lesson;
pub mod fetch;
pub mod lessons;
pub mod network;
pub mod packets;
pub mod palette;
pub mod platform;
pub mod render;
#[cfg(feature = "desktop")]
pub mod swarm;
pub mod theme;
pub mod widgets;
