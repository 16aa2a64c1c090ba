//! Helpers for the browser test: a static file server and a DevTools client for chromium.

pub mod devtools;
pub mod static_site;
