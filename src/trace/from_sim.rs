//! Turns a simulator run into a trace: the client is the left lane, the server the right.

use super::builder::TraceBuilder;
use super::packets::{LaneState, PacketFate, Trace, Truth};
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

/// Where a simulated run is captured: on one end's network card, or at the router between the
/// two hops (a two-hop scene's "middle").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CapturePoint {
    Client,
    Router,
    Server,
}

impl CapturePoint {
    pub const ALL: [CapturePoint; 3] = [CapturePoint::Client, CapturePoint::Router, CapturePoint::Server];

    pub fn name(self) -> &'static str {
        match self {
            CapturePoint::Client => "client",
            CapturePoint::Router => "router",
            CapturePoint::Server => "server",
        }
    }

    pub fn parse(text: &str) -> Option<CapturePoint> {
        Self::ALL.into_iter().find(|p| p.name() == text)
    }

    fn place(self) -> &'static str {
        match self {
            CapturePoint::Client => "the client's card",
            CapturePoint::Router => "the router",
            CapturePoint::Server => "the server's card",
        }
    }
}

impl From<Side> for CapturePoint {
    fn from(side: Side) -> Self {
        match side {
            Side::Client => CapturePoint::Client,
            Side::Server => CapturePoint::Server,
        }
    }
}

/// What a capture at `point` would hold, each packet at the moment it passed there:
/// - on an end's card: the packets it sent, when it sent them (lost ones too: they left), and
///   the packets sent to it that arrived, when they arrived (network copies included);
/// - at the router: every packet that got past the first hop, when it passed (a loss on the
///   second hop is seen here, one on the first is not).
///
/// Labels are computed from these packets alone, as for any capture, so a loss upstream of the
/// capture point shows as a gap. Each packet keeps its ground-truth fate from the simulator
/// beside the label. None for the router when the run has one hop.
pub fn captured_at(run: &SimRun, point: CapturePoint) -> Option<Trace> {
    if point == CapturePoint::Router && run.second_hop.is_none() {
        return None;
    }
    let mut seen: Vec<(u64, &crate::sim::SimPacket)> = run
        .packets
        .iter()
        .filter_map(|p| match point {
            CapturePoint::Router => p.t_router_us.map(|t| (t, p)),
            // A copy the network made never passed the sender's card.
            _ if CapturePoint::from(p.from) == point => p.copy_of.is_none().then_some((p.t_send_us, p)),
            _ => p.t_arrive_us.map(|t| (t, p)),
        })
        .collect();
    // Stable: packets seen at the same instant keep the order the simulator made them in.
    seen.sort_by_key(|(t, _)| *t);
    let title = format!("{} (seed {}), captured at {}", run.scene, run.seed, point.place());
    // The whole run's labels are the truth about resends: there the analyzer saw every packet as
    // it was sent. A network-made copy carries its original's.
    let mut sent_labels = TraceBuilder::new("", SIM_EPOCH_US);
    let mut whole = Vec::with_capacity(run.packets.len());
    for p in &run.packets {
        let kind = match p.copy_of {
            Some(original) => whole.get(original - 1).copied().unwrap_or(crate::packet::LabelKind::Data),
            None => sent_labels.push(&p.bytes, p.bytes.len(), p.t_send_us, PacketFate::Captured).analysis.kind,
        };
        whole.push(kind);
    }
    let mut builder = TraceBuilder::new(title, SIM_EPOCH_US);
    let mut truth = Vec::with_capacity(seen.len());
    for (t_us, packet) in seen {
        builder.push(&packet.bytes, packet.bytes.len(), t_us, PacketFate::Sim(packet.fate));
        truth.push(Truth { kind: whole[packet.number - 1], fate: packet.fate });
    }
    let mut trace = builder.finish(None);
    trace.truth = truth;
    Some(trace)
}

/// A capture on `side`'s own card (see `captured_at`).
pub fn trace_at(run: &SimRun, side: Side) -> Trace {
    captured_at(run, side.into()).unwrap_or_else(|| trace_of(run.clone()))
}

impl Trace {
    pub fn from_sim(run: SimRun) -> Trace {
        trace_of(run)
    }

    /// A simulator run as a capture taken on one end's own network card (see `trace_at`).
    pub fn from_sim_at(run: &SimRun, side: crate::sim::Side) -> Trace {
        trace_at(run, side)
    }

    /// A simulator run as captured at `point`; None for the router of a one-hop run.
    pub fn captured_at(run: &SimRun, point: CapturePoint) -> Option<Trace> {
        captured_at(run, point)
    }
}
