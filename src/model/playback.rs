//! Playback of a trace in the Packets view: a playhead in virtual time that plays, pauses,
//! steps from packet to packet and can be scrubbed. Pure state, no egui, so it is testable.

use crate::trace::Trace;

/// How fast virtual time runs against the wall clock: 0.05 means one second of screen time
/// shows 50 ms of the run (slow enough to follow a 20 ms link).
pub const SPEEDS: [f64; 7] = [0.001, 0.005, 0.02, 0.05, 0.2, 1.0, 10.0];

#[derive(Clone, Debug)]
pub struct Playback {
    pub playhead_us: u64,
    pub playing: bool,
    pub speed: f64,
    /// Packets of the shown conversation, as indices into `Trace::packets`, in send order.
    pub order: Vec<u32>,
    /// Position in `order` of the packet stepped to last, if any.
    pub step: Option<usize>,
    pub end_us: u64,
    /// False until playing or stepping begins: a fresh simulated run shows no packet yet,
    /// not even one sent at time 0.
    pub started: bool,
}

impl Default for Playback {
    fn default() -> Self {
        Self { playhead_us: 0, playing: false, speed: 0.05, order: Vec::new(), step: None, end_us: 0, started: false }
    }
}

impl Playback {
    /// Starts over on a trace's conversation. Simulated runs start before the first packet so
    /// they can be played; captures start at the end, everything visible.
    pub fn reset(&mut self, trace: &Trace, conversation: u32) {
        self.order = trace.conversation_packets(conversation);
        self.end_us = self.order.iter().map(|&i| trace.packets[i as usize].arrival_or_send()).max().unwrap_or(0);
        self.playing = false;
        self.step = None;
        self.started = trace.sim.is_none();
        self.playhead_us = if self.started { self.end_us } else { 0 };
    }

    /// Packets sent up to this time are shown; None before anything has been.
    pub fn shown_until(&self) -> Option<u64> {
        self.started.then_some(self.playhead_us)
    }

    /// Advances by `seconds` of wall-clock time.
    pub fn advance(&mut self, seconds: f64) {
        if !self.playing {
            return;
        }
        self.started = true;
        let step = (seconds * 1e6 * self.speed).max(1.0) as u64;
        self.playhead_us = (self.playhead_us + step).min(self.end_us);
        if self.playhead_us >= self.end_us {
            self.playing = false;
        }
    }

    /// Moves to the next packet's send time and returns its index in the trace.
    pub fn step_forward(&mut self, trace: &Trace) -> Option<u32> {
        let next = match self.step {
            Some(i) => i + 1,
            None if !self.started => 0,
            None => self.order.iter().position(|&p| trace.packets[p as usize].t_us > self.playhead_us)?,
        };
        let &packet = self.order.get(next)?;
        self.started = true;
        self.step = Some(next);
        self.playhead_us = trace.packets[packet as usize].t_us;
        self.playing = false;
        Some(packet)
    }

    /// Moves to the previous packet's send time and returns its index in the trace.
    pub fn step_back(&mut self, trace: &Trace) -> Option<u32> {
        let previous = match self.step {
            Some(0) => {
                self.step = None;
                self.started = false;
                self.playhead_us = 0;
                return None;
            }
            Some(i) => i - 1,
            None => self.order.iter().rposition(|&p| trace.packets[p as usize].t_us < self.playhead_us)?,
        };
        self.step = Some(previous);
        let packet = self.order[previous];
        self.playhead_us = trace.packets[packet as usize].t_us;
        self.playing = false;
        Some(packet)
    }

    /// Puts the playhead at `t_us` (scrubbing or selecting); stepping continues from there.
    pub fn seek(&mut self, t_us: u64) {
        self.playhead_us = t_us.min(self.end_us);
        self.started = true;
        self.step = None;
    }

    /// Syncs the step position with a packet chosen elsewhere (list or ladder).
    pub fn select(&mut self, trace: &Trace, packet: u32) {
        if let Some(position) = self.order.iter().position(|&p| p == packet) {
            self.started = true;
            self.step = Some(position);
            self.playhead_us = self.playhead_us.max(trace.packets[packet as usize].t_us);
        }
    }

    pub fn toggle(&mut self) {
        if !self.playing && self.playhead_us >= self.end_us {
            self.playhead_us = 0;
            self.started = false;
        }
        self.playing = !self.playing;
        self.step = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scene, simulate};

    fn handshake() -> Trace {
        Trace::from_sim(simulate(&Scene::named("handshake").unwrap()))
    }

    #[test]
    fn steps_visit_each_packet_in_order_and_back() {
        let trace = handshake();
        let mut playback = Playback::default();
        playback.reset(&trace, 0);
        let forward: Vec<u32> = (0..3).filter_map(|_| playback.step_forward(&trace)).collect();
        assert_eq!(forward, vec![0, 1, 2]);
        assert_eq!(playback.step_forward(&trace), None);
        assert_eq!(playback.step_back(&trace), Some(1));
        assert_eq!(playback.playhead_us, trace.packets[1].t_us);
    }

    #[test]
    fn playing_stops_at_the_end() {
        let trace = handshake();
        let mut playback = Playback::default();
        playback.reset(&trace, 0);
        playback.toggle();
        playback.advance(1000.0);
        assert_eq!(playback.playhead_us, playback.end_us);
        assert!(!playback.playing);
    }
}
