//! Turns a simulator run into a trace: the client is the left lane, the server the right.

use super::{LaneState, PacketFate, Trace, TraceBuilder};
use crate::sim::{Side, SimRun};

/// Saved simulator runs are stamped as if they ran at 2026-01-01 00:00:00 UTC, so the same
/// scene and seed give a byte-identical capture.
pub const SIM_EPOCH_US: i64 = 1_767_225_600_000_000;

pub fn trace_of(run: SimRun) -> Trace {
    let title = format!("{} (seed {})", if run.scene.is_empty() { "simulation" } else { &run.scene }, run.seed);
    let mut builder = TraceBuilder::new(title, SIM_EPOCH_US);
    let mut analyses = Vec::with_capacity(run.packets.len());
    for packet in &run.packets {
        let fate = PacketFate::Sim(packet.fate);
        let is_copy = packet.copy_of.is_some();
        let pushed = builder.push_with(&packet.bytes, packet.bytes.len(), packet.t_send_us, fate, !is_copy);
        // A copy the network made carries the original's label.
        if let Some(original) = packet.copy_of {
            pushed.analysis = analyses[original - 1];
        }
        analyses.push(pushed.analysis);
        pushed.arrive_us = packet.t_arrive_us;
        pushed.lost_us = packet.t_lost_us;
        // Every packet belongs to the one client–server conversation, fragments included.
        pushed.conversation = 0;
        pushed.forward = packet.from == Side::Client;
    }
    let trace = builder.trace_mut();
    trace.conversations.truncate(1);
    if let Some(c) = trace.conversations.first_mut() {
        c.packets = run.packets.len() as u64;
        c.bytes = run.packets.iter().map(|p| p.bytes.len() as u64).sum();
    }
    trace.states =
        run.states.iter().map(|s| LaneState { t_us: s.t_us, lane: s.side.index(), state: s.state.clone() }).collect();
    trace.deliveries = run.deliveries.clone();
    trace.sim = Some(Box::new(run));
    builder.finish(None)
}

/// What a capture on `side`'s own network card would hold: the packets it sent, at the time it
/// sent them (lost ones too — they left), and the packets sent to it that arrived, at the time
/// they arrived (network copies included, lost ones never). Labels are computed from these
/// packets alone, as for any capture: a loss upstream of `side` shows as a gap.
pub fn trace_at(run: &SimRun, side: Side) -> Trace {
    let mut seen: Vec<(u64, &crate::sim::SimPacket)> = run
        .packets
        .iter()
        .filter_map(|p| {
            if p.from == side {
                // A copy the network made never passed the sender's card.
                p.copy_of.is_none().then_some((p.t_send_us, p))
            } else {
                p.t_arrive_us.map(|t| (t, p))
            }
        })
        .collect();
    // Stable: packets seen at the same instant keep the order the simulator made them in.
    seen.sort_by_key(|(t, _)| *t);
    let place = match side {
        Side::Client => "the client",
        Side::Server => "the server",
    };
    let title = format!("{} (seed {}), captured at {place}", run.scene, run.seed);
    let mut builder = TraceBuilder::new(title, SIM_EPOCH_US);
    for (t_us, packet) in seen {
        builder.push(&packet.bytes, packet.bytes.len(), t_us, PacketFate::Captured);
    }
    builder.finish(None)
}
