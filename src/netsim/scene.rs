//! The `NetScene` trait every Network scene implements — object-safe, so the view, the CLI and
//! live mode hold any of them — and the methods that only pass through to a scene's world,
//! written once as a macro.

use super::action::Action;
use super::graph::Graph;
use super::kinds::SceneKind;
use super::live_world;
use super::state::SceneState;
use super::world::{History, InFlight, LogEvent};

/// The `NetScene` methods that only pass through to the scene's `w: World<_>` field, written
/// once here instead of in every scene.
macro_rules! world_passthrough {
    () => {
        fn next_time(&self) -> Option<u64> {
            self.w.next_time()
        }

        fn now(&self) -> u64 {
            self.w.now
        }

        fn advance_to(&mut self, t_us: u64) {
            self.w.advance_to(t_us);
        }

        fn events(&self) -> &[crate::netsim::world::LogEvent] {
            &self.w.log
        }

        fn events_logged(&self) -> u64 {
            self.w.log_pushed
        }

        fn flights(&self) -> &[crate::netsim::world::InFlight] {
            &self.w.flights
        }

        fn prune_flights(&mut self) {
            self.w.prune_flights();
        }

        fn set_logging(&mut self, on: bool) {
            self.w.logging = on;
        }

        fn set_history(&mut self, history: crate::netsim::world::History) {
            self.w.history = history;
        }

        fn messages_delivered(&self) -> u64 {
            self.w.messages_delivered
        }

        fn clone_box(&self) -> Box<dyn crate::netsim::scene::NetScene> {
            Box::new(self.clone())
        }

        fn live_world(&mut self) -> &mut dyn crate::netsim::live_world::LiveWorld {
            &mut self.w
        }

        fn deliver(&mut self, frame: &crate::netsim::live_world::Frame) -> Result<(), String> {
            let msg = self.w.decode_message(frame)?;
            self.check(frame.from, frame.to, &msg)?;
            self.w.inject_delivery(frame.from, frame.to, msg);
            Ok(())
        }
    };
}
pub(crate) use world_passthrough;

/// A scene in step mode. Object-safe so the view and the CLI can hold any of them.
pub trait NetScene: Send {
    fn kind(&self) -> SceneKind;
    /// Runs the next event; false when nothing is left to happen.
    fn step(&mut self) -> bool;
    fn next_time(&self) -> Option<u64>;
    fn now(&self) -> u64;
    /// Moves the clock on (to apply an action at its time).
    fn advance_to(&mut self, t_us: u64);
    fn apply(&mut self, action: &Action) -> Result<(), String>;
    /// The log (all of it, or the newest lines of a bounded history).
    fn events(&self) -> &[LogEvent];
    /// How many lines were ever logged, so a reader can tell which of `events` are new.
    fn events_logged(&self) -> u64;
    fn state(&self) -> SceneState;
    fn graph(&self) -> Graph;
    fn flights(&self) -> &[InFlight];
    /// Forgets drawings of messages that have landed.
    fn prune_flights(&mut self);
    fn set_logging(&mut self, on: bool);
    /// Complete for reports; bounded for a window that may stay open for hours.
    fn set_history(&mut self, history: History);
    fn messages_delivered(&self) -> u64;
    /// A copy of the scene as it is now (a checkpoint for stepping back).
    fn clone_box(&self) -> Box<dyn NetScene>;
    /// The world, for live mode to carry its messages over real sockets.
    fn live_world(&mut self) -> &mut dyn live_world::LiveWorld;
    /// Hands a frame that arrived over a socket to the scene, at the current time, if it is a
    /// message this scene's protocol allows between those two nodes; the error says why not.
    fn deliver(&mut self, frame: &live_world::Frame) -> Result<(), String>;
}
