//! Widgets the views share.

pub mod byte_view;
pub mod keys;
pub mod legend;
pub mod sketch;
pub mod text;
