//! Shared helpers for the window tests (egui_kittest on the real `NetlensApp`).

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use netlens::app::NetlensApp;

/// Generous: only a hang guard for a loaded CI machine, not a speed check.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// Steps the app until `done` holds (the worker and job threads run on their own); fails the
/// test, saying `what` it waited for, after [`PATIENCE`].
pub fn run_until(
    harness: &mut Harness<'static, NetlensApp>,
    what: &str,
    done: impl Fn(&mut Harness<'static, NetlensApp>) -> bool,
) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}
