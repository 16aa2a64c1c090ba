//! netlens: see how computers cooperate over a network.
//!
//! ```text
//!  ┌──────────── UI thread ────────────┐            ┌──────── netlens-worker thread ────────┐
//!  │ app ── ui::* (egui, draws)        │  Command   │ net::worker (tokio runtime)           │
//!  │  │      ▲ reads                   │ ─────────▶ │   ├─ net::demo   web site + DNS        │
//!  │  ▼      │                         │            │   └─ net::client PageLoader (ureq,     │
//!  │ model (applies events) ◀──────────┼─ Event ────│        recording resolver/connectors)  │
//!  └───────────────────────────────────┘  + wake    └───────────────────────────────────────┘
//!            record: plain data both sides share (Exchange, Command, Event, …)
//!            wire:   pure decoders (HTTP heads, TLS records, DNS fields, status meanings)
//! ```
//!
//! The Packets view runs `sim` (smoltcp over a simulated link) and reads `capture` files into a
//! `trace`, decoded by `packet`, on short helper threads. The Network view runs `netsim` scenes
//! in step mode on the UI thread (pure computation, bounded per frame) or live on real sockets
//! through `net::live` on a `netlens-live` thread.
//!
//! The CLI (`cli`) drives the same engines without a UI.

pub mod app;
pub mod capture;
pub mod cli;
pub mod model;
pub mod net;
pub mod netsim;
pub mod packet;
pub mod record;
pub mod sim;
pub mod trace;
pub mod ui;
pub mod version;
pub mod wire;
