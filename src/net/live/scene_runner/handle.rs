//! A live session on a thread of its own, for the CLI and for tests: start it, read its updates,
//! act on it, and stop it to get the scene back. (The window runs sessions on the worker's
//! runtime instead.) Dropping the handle stops the session without waiting for it.

use std::sync::mpsc as std_mpsc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{LiveConfig, run};
use crate::netsim::{Action, NetScene};
use crate::worker_api::live::{LiveCommand, LiveUpdate};

type Outcome = Result<Box<dyn NetScene>, String>;

pub struct LiveHandle {
    commands: mpsc::UnboundedSender<LiveCommand>,
    updates: std_mpsc::Receiver<LiveUpdate>,
    thread: Option<std::thread::JoinHandle<Outcome>>,
}

impl LiveHandle {
    /// Starts `scene` live on a `netlens-live` thread with its own tokio runtime.
    pub fn start(scene: Box<dyn NetScene>, config: LiveConfig) -> std::io::Result<LiveHandle> {
        let (commands, receiver) = mpsc::unbounded_channel();
        let (sender, updates) = std_mpsc::channel();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let thread = std::thread::Builder::new().name("netlens-live".into()).spawn(move || {
            let report = move |update: LiveUpdate| {
                // Nobody reading any more is no reason to stop the session.
                let _ = sender.send(update);
            };
            runtime.block_on(run(scene, config, receiver, report))
        })?;
        Ok(LiveHandle { commands, updates, thread: Some(thread) })
    }

    /// Asks the session to act; false if it has ended.
    pub fn act(&self, action: Action) -> bool {
        self.commands.send(LiveCommand::Act(action)).is_ok()
    }

    /// The next update, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<LiveUpdate> {
        self.updates.recv_timeout(timeout).ok()
    }

    /// True once the session's thread has ended (stopped, failed or panicked).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Stops the session and returns its scene, or why it failed.
    pub fn stop(mut self) -> Outcome {
        let _ = self.commands.send(LiveCommand::Stop);
        let thread = self.thread.take().ok_or("the live session was already stopped")?;
        thread.join().map_err(|_| "the live session's thread panicked".to_string())?
    }
}

impl Drop for LiveHandle {
    fn drop(&mut self) {
        // Detached: the thread sees Stop (or the closed channel) and ends by itself.
        let _ = self.commands.send(LiveCommand::Stop);
    }
}
