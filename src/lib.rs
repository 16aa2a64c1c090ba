//! netlens: see how computers cooperate over a network.
//!
//! ```text
//!  ┌──────────── UI thread ────────────┐            ┌──────── netlens-worker thread ────────┐
//!  │ app ── ui::* (egui, draws)        │  Command   │ net::worker (tokio runtime)           │
//!  │  │      ▲ reads                   │ ─────────▶ │   ├─ net::demo   web site + DNS        │
//!  │  ▼      │                         │            │   └─ net::client PageLoader (ureq,     │
//!  │ model (applies events) ◀──────────┼─ Event ────│        recording resolver/connectors)  │
//!  └───────────────────────────────────┘  + wake    └───────────────────────────────────────┘
//!            worker_api: the messages both sides share (Command, Event, live, swarm)
//!            record:     plain data they carry (Exchange, DnsLookup, FetchRequest, …)
//!            wire:       pure decoders (HTTP heads, TLS records, DNS fields, status meanings)
//!
//! Imports point one way, from the layers above to those below; ARCHITECTURE.md's layer table
//! says which, and `tests/imports.rs` holds the code to it.
//! ```
//!
//! Every view draws from a model and returns intents; the app carries them out. The Packets view's
//! runs of `sim` (smoltcp over a simulated link), reads of `capture` files into a `trace` and
//! saves go to the app's `jobs` runner. The Network view's `NetworkModel` runs `netsim` scenes
//! in step mode on the UI thread (pure computation, bounded per frame) or asks the worker to run
//! them live on real loopback sockets (`net::live`), which sends snapshots back.
//!
//! The CLI (`cli`) drives the same engines without a UI.

#[cfg(feature = "gui")]
pub mod app;
pub mod capture;
#[cfg(all(feature = "gui", feature = "desktop"))]
pub mod cli;
#[cfg(feature = "gui")]
pub mod export;
#[cfg(feature = "desktop")]
pub mod fuzzing;
#[cfg(all(feature = "gui", feature = "desktop"))]
pub mod headless;
#[cfg(feature = "gui")]
pub mod jobs;
pub mod lesson;
#[cfg(feature = "gui")]
pub mod model;
#[cfg(feature = "desktop")]
pub mod net;
pub mod netsim;
pub mod packet;
pub mod record;
pub mod sim;
#[cfg(feature = "desktop")]
pub mod swarm;
pub mod trace;
#[cfg(feature = "gui")]
pub mod ui;
pub mod version;
#[cfg(feature = "web")]
pub mod web;
#[cfg(feature = "web")]
pub mod web_entry;
pub mod wire;
pub mod worker_api;

#[cfg(all(feature = "gui", not(any(feature = "desktop", feature = "web"))))]
compile_error!("the window needs a platform: build with `desktop` (the default) or `web` (scripts/web.sh)");
