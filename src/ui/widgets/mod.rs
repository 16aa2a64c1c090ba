//! Widgets the views share.

pub mod byte_view;
pub mod text;
