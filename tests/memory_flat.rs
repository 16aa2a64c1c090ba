//! A window left open for an hour keeps its memory flat. Memory is measured for real, with a
//! counting global allocator (so this file holds one test: nothing else allocates meanwhile),
//! and time is counted in steps, not read from a clock.
//!
//! - Step mode: the Network view's model plays client/server for an hour of virtual time, the
//!   way the window does (ticks at 5× speed, the graph and state rebuilt after each).
//! - Live mode: the same scene in live mode, its frames handed back in as the live runner hands
//!   over what arrives on its sockets, its timers run as the wall clock would, and a snapshot
//!   built and applied to the model every 50 ms of its clock — an hour of live traffic, without
//!   waiting an hour.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use netlens::model::network::{Mode, NetworkIntent, NetworkModel, SessionConfig};
use netlens::net::live::scene_runner::{Seen, snapshot};
use netlens::netsim::{History, SceneKind, create_kind};
use netlens::worker_api::live::LiveUpdate;

struct Counting;

static LIVE_BYTES: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE_BYTES.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE_BYTES.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE_BYTES.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_bytes() -> isize {
    LIVE_BYTES.load(Ordering::Relaxed)
}

const MINUTE_US: u64 = 60_000_000;
/// Growth allowed between minute 10 and minute 60: a bounded history's fixed buffers may still
/// settle a little; a growing one would add megabytes (an hour of client/server logs millions
/// of events and hundreds of thousands of latencies).
const SLACK: isize = 512 * 1024;

fn step_session_minutes(model: &mut NetworkModel, until_minute: u64) {
    // The window's frames: 0.1 s of screen time at 5× speed is 0.5 s of virtual time.
    while model.now_us() < until_minute * MINUTE_US {
        model.tick(0.1);
        assert!(model.playing(), "client/server never runs out of events");
    }
}

fn step_mode_for_an_hour() -> (isize, isize, u64) {
    let mut model = NetworkModel::new();
    let config = SessionConfig { nodes: 12, ..SessionConfig::new(SceneKind::ClientServer) };
    model.handle(NetworkIntent::Open(config));
    model.handle(NetworkIntent::SetSpeed(5.0));
    model.handle(NetworkIntent::TogglePlay);
    step_session_minutes(&mut model, 10);
    let at_ten = live_bytes();
    step_session_minutes(&mut model, 60);
    let at_sixty = live_bytes();
    (at_ten, at_sixty, model.delivered())
}

/// Live mode without sockets: what the runner does with each frame and timer, step-counted.
fn live_mode_for_an_hour() -> (isize, isize, u64) {
    let mut model = NetworkModel::new();
    let config = SessionConfig { nodes: 12, mode: Mode::Live, ..SessionConfig::new(SceneKind::ClientServer) };
    model.handle(NetworkIntent::Open(config));
    let session = model.session();
    let mut scene = create_kind(SceneKind::ClientServer, 1, Some(12)).unwrap();
    scene.set_history(History::Bounded);
    scene.live_world().go_live();
    let mut seen = Seen::default();
    let mut now = 0u64;
    let mut measured = None;
    let mut frames_carried = 0u64;
    while now < 60 * MINUTE_US {
        now += 1_000;
        scene.live_world().set_now(now);
        // What arrived on the sockets (a millisecond after it was sent) is handed in.
        for frame in scene.live_world().take_outbox() {
            scene.deliver(&frame).unwrap();
            frames_carried += 1;
        }
        while scene.next_time().is_some_and(|t| t <= now) {
            scene.step();
        }
        if now.is_multiple_of(50_000) {
            let snapshot = snapshot(scene.as_mut(), now, &mut seen, Vec::new());
            assert!(model.apply_live(session, LiveUpdate::Snapshot(Box::new(snapshot))));
        }
        if now == 10 * MINUTE_US {
            measured = Some(live_bytes());
        }
    }
    (measured.unwrap(), live_bytes(), frames_carried)
}

#[test]
fn an_hour_in_step_and_live_mode_keeps_memory_flat() {
    let (ten, sixty, delivered) = step_mode_for_an_hour();
    eprintln!("step mode: {delivered} messages in an hour; {ten} bytes live at 10 min, {sixty} at 60 min");
    assert!(delivered > 1_000_000, "a busy hour: {delivered} messages");
    assert!(sixty - ten < SLACK, "step mode grew by {} bytes between minute 10 and 60", sixty - ten);

    let (ten, sixty, frames) = live_mode_for_an_hour();
    eprintln!("live mode: {frames} frames in an hour; {ten} bytes live at 10 min, {sixty} at 60 min");
    assert!(frames > 1_000_000, "a busy hour: {frames} frames");
    assert!(sixty - ten < SLACK, "live mode grew by {} bytes between minute 10 and 60", sixty - ten);
}
