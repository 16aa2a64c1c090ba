//! Messages as the eye can follow them. A message on a loopback link or a 1 ms simulated one
//! would cross the screen in one frame; here each one takes at least `MIN_TRAVEL_S` of screen
//! time to travel its link, then fades over `FADE_S`. This is display time only: the scene's
//! virtual clock stays true (a message has arrived, and been acted on, when the scene says so;
//! its dot may still be finishing its trip). A dot never runs ahead of its message: while the
//! scene is paused mid-flight, the dot waits where the message is.

use crate::netsim::InFlight;
use crate::worker_api::live::SessionId;

use super::graph::FlightDraw;

/// The least screen time a message takes to cross its link.
pub const MIN_TRAVEL_S: f32 = 0.5;
/// How long a dot takes to fade once it has arrived.
pub const FADE_S: f32 = 0.25;
/// Dots drawn at most; beyond this the oldest go first (a swarm at 5× sends thousands).
const MAX_SHOWN: usize = 2_000;

#[derive(Clone, Debug)]
struct Shown {
    flight: InFlight,
    /// Screen time since it appeared.
    age_s: f32,
    /// Screen time since its dot reached the end of the link.
    arrived_s: Option<f32>,
}

/// The dots being drawn, for one session's timeline.
#[derive(Default)]
pub struct FlightDisplay {
    session: SessionId,
    /// The newest message already taken up (messages are numbered in order).
    newest: u64,
    /// The virtual time of the previous frame: going back in time starts afresh.
    last_now_us: u64,
    shown: Vec<Shown>,
}

impl FlightDisplay {
    /// Moves every dot on by `dt` seconds of screen time and takes up the messages sent by
    /// `now_us`; returns what to draw.
    pub fn update(&mut self, session: SessionId, flights: &[InFlight], now_us: u64, dt: f32) -> Vec<FlightDraw> {
        if session != self.session || now_us < self.last_now_us {
            // Another session, or a step back: what was on screen no longer happened.
            *self = FlightDisplay { session, ..Default::default() };
            self.newest = flights.iter().filter(|f| f.arrive_us <= now_us).map(|f| f.id).max().unwrap_or(0);
        }
        self.last_now_us = now_us;
        for f in flights.iter().filter(|f| f.id > self.newest && f.sent_us <= now_us) {
            self.shown.push(Shown { flight: f.clone(), age_s: 0.0, arrived_s: None });
        }
        self.newest = self.newest.max(self.shown.last().map_or(0, |s| s.flight.id));
        if self.shown.len() > MAX_SHOWN {
            self.shown.drain(..self.shown.len() - MAX_SHOWN);
        }
        let dt = dt.clamp(0.0, 0.25);
        let mut draws = Vec::with_capacity(self.shown.len());
        self.shown.retain_mut(|s| {
            s.age_s += dt;
            let f = &s.flight;
            let virtual_progress = if f.arrive_us <= f.sent_us {
                1.0
            } else {
                (now_us.saturating_sub(f.sent_us)) as f32 / (f.arrive_us - f.sent_us) as f32
            };
            let progress = virtual_progress.min(s.age_s / MIN_TRAVEL_S).clamp(0.0, 1.0);
            let mut alpha = 1.0;
            if progress >= 1.0 {
                let arrived = s.arrived_s.get_or_insert(0.0);
                *arrived += dt;
                alpha = 1.0 - *arrived / FADE_S;
            }
            if alpha <= 0.0 {
                return false;
            }
            draws.push(FlightDraw { from: f.from, to: f.to, progress, alpha, kind: f.kind });
            true
        });
        draws
    }

    /// True while some dot is still moving or fading (the window must keep repainting).
    pub fn busy(&self) -> bool {
        !self.shown.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netsim::MessageKind;

    fn flight(id: u64, sent_us: u64, arrive_us: u64) -> InFlight {
        InFlight { id, from: 0, to: 1, sent_us, arrive_us, kind: MessageKind::Request }
    }

    #[test]
    fn a_one_millisecond_message_stays_visible_for_half_a_second() {
        let mut display = FlightDisplay::default();
        let flights = [flight(1, 0, 1_000)];
        // 60 frames a second at 1/20× speed: 1 ms of virtual time passes in 20 ms of screen time.
        let mut virtual_us = 0;
        let mut visible_s = 0.0;
        for _ in 0..120 {
            virtual_us += 833;
            if !display.update(1, &flights, virtual_us, 1.0 / 60.0).is_empty() {
                visible_s += 1.0 / 60.0;
            }
        }
        assert!(visible_s >= MIN_TRAVEL_S, "visible for {visible_s} s");
        assert!(visible_s <= MIN_TRAVEL_S + FADE_S + 0.05, "then it fades away: {visible_s} s");
    }

    #[test]
    fn a_dot_waits_while_the_scene_is_paused_mid_flight() {
        let mut display = FlightDisplay::default();
        let flights = [flight(1, 0, 10_000)];
        let mut last = 0.0;
        for _ in 0..120 {
            let draws = display.update(1, &flights, 2_500, 1.0 / 60.0);
            last = draws[0].progress;
        }
        assert!((last - 0.25).abs() < 1e-6, "a quarter of the way, as the message is: {last}");
    }

    #[test]
    fn going_back_in_time_clears_the_dots() {
        let mut display = FlightDisplay::default();
        display.update(1, &[flight(1, 0, 1_000)], 500, 0.1);
        assert!(display.busy());
        display.update(1, &[], 100, 0.1);
        assert!(!display.busy());
    }
}
