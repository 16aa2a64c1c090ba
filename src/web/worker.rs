//! The browser build's stand-in for the desktop's worker thread, with the same two calls (`send`
//! a command, `try_recv` an event): page loads run as tasks on the page's event loop with the
//! browser's fetch, and what needs sockets (live Network sessions) is answered at once with
//! the reason it cannot run here. Nothing blocks; each event wakes the app.

use std::cell::RefCell;
use std::collections::HashMap;

use super::browser_fetch;
use super::outbox::Outbox;
pub use super::outbox::Waker;
use crate::record::LoadId;
use crate::worker_api::live::LiveUpdate;
use crate::worker_api::{Command, Event};

/// Why a live session does not start in a browser.
const NO_LIVE: &str = "live mode needs real TCP listeners, which a browser tab cannot open; it runs in the desktop app. Step mode runs the same scene here.";

/// The app's end.
pub struct WorkerHandle {
    outbox: Outbox,
    /// The running loads' abort switches: Stop (or a newer load) aborts the browser's fetches.
    running: RefCell<HashMap<LoadId, web_sys::AbortController>>,
}

impl WorkerHandle {
    pub fn start(waker: Waker) -> Self {
        Self { outbox: Outbox::new(waker), running: RefCell::default() }
    }

    /// Carries out a command; always true (nothing here can have stopped).
    pub fn send(&self, command: Command) -> bool {
        match command {
            Command::Fetch { load, request, .. } => {
                // A new load supersedes the old one, as on the desktop.
                for (_, old) in self.running.borrow_mut().drain() {
                    old.abort();
                }
                let abort = web_sys::AbortController::new().ok();
                if let Some(abort) = &abort {
                    self.running.borrow_mut().insert(load, abort.clone());
                }
                let outbox = self.outbox.clone();
                let signal = abort.map(|a| a.signal());
                wasm_bindgen_futures::spawn_local(browser_fetch::load_page(load, request, signal, outbox));
            }
            Command::Stop { load } => {
                if let Some(abort) = self.running.borrow_mut().remove(&load) {
                    abort.abort();
                }
            }
            Command::StartLive { session, .. } => {
                self.outbox.send(Event::Live { session, update: LiveUpdate::Failed(NO_LIVE.into()) });
            }
            // No live session runs, so there is none to act on.
            Command::Live { .. } => {}
        }
        true
    }

    /// The next event, if one is waiting.
    pub fn try_recv(&self) -> Option<Event> {
        self.outbox.take()
    }
}
