//! The stream panel's numbers for one moment of a simulated run: what the receiving application
//! has been given in order, the data segments that have arrived (with what each one did to the
//! stream), the bytes that wait behind a hole, and the holes. Computed once per playhead change,
//! in one pass over the packets plus a sort of the segments that have arrived (n log n at
//! worst); the panel then only draws it, however long the replay.

use crate::sim::Side;
use crate::trace::Trace;

/// What one arriving data segment did to the receiver's stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalNote {
    InOrder,
    /// It came early: bytes before it are missing.
    AfterHole,
    /// Every byte in it had arrived already.
    AlreadyHad,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    pub t_us: u64,
    pub number: u32,
    /// Relative sequence number of its first byte (the stream's first byte is 1).
    pub rel_seq: u32,
    pub len: u32,
    pub note: ArrivalNote,
}

/// The receiver's stream at one moment. Byte ranges are offsets from 0, end exclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamSnapshot {
    /// Bytes the sender's application sent in all.
    pub total: usize,
    /// Bytes given to the receiving application, in order, so far.
    pub delivered: usize,
    /// Data segments that have arrived, in arrival order.
    pub arrivals: Vec<Arrival>,
    /// Arrived bytes beyond `delivered`, waiting behind a hole.
    pub waiting: Vec<(usize, usize)>,
    /// Bytes beyond `delivered` not arrived yet, before bytes that have.
    pub holes: Vec<(usize, usize)>,
}

/// The stream towards `receiver` at `playhead_us`; None when the trace is not a simulated run
/// (a capture does not say what the application received).
pub fn snapshot(trace: &Trace, receiver: Side, playhead_us: u64) -> Option<StreamSnapshot> {
    let run = trace.sim.as_ref()?;
    let total = run.sent[receiver.other().index()].len();
    let delivered: usize =
        run.deliveries.iter().filter(|d| d.side == receiver && d.t_us <= playhead_us).map(|d| d.len).sum();
    let mut arrivals: Vec<Arrival> = trace
        .packets
        .iter()
        .filter(|p| p.forward == (receiver == Side::Server) && p.is_tcp() && p.len > 0)
        .filter_map(|p| {
            let t_us = p.arrive_us.filter(|&t| t <= playhead_us)?;
            Some(Arrival {
                t_us,
                number: p.number,
                rel_seq: p.analysis.rel_seq,
                len: p.len,
                note: ArrivalNote::InOrder,
            })
        })
        .collect();
    arrivals.sort_by_key(|a| (a.t_us, a.number));
    let mut expected = 1u32;
    for a in &mut arrivals {
        a.note = if a.rel_seq > expected {
            ArrivalNote::AfterHole
        } else if a.rel_seq.saturating_add(a.len) <= expected {
            ArrivalNote::AlreadyHad
        } else {
            ArrivalNote::InOrder
        };
        expected = expected.max(a.rel_seq.saturating_add(a.len));
    }
    // What has arrived beyond the delivered bytes, merged into runs; the spaces between are holes.
    let mut spans: Vec<(usize, usize)> = arrivals
        .iter()
        .map(|a| {
            let start = (a.rel_seq as usize).saturating_sub(1);
            (start.max(delivered), (start + a.len as usize).min(total.max(delivered)))
        })
        .filter(|(s, e)| s < e)
        .collect();
    spans.sort_unstable();
    let mut waiting: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match waiting.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => waiting.push((s, e)),
        }
    }
    let mut holes = Vec::new();
    let mut at = delivered;
    for &(s, e) in &waiting {
        if s > at {
            holes.push((at, s));
        }
        at = e;
    }
    Some(StreamSnapshot { total, delivered, arrivals, waiting, holes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scene, simulate};

    #[test]
    fn a_lossy_transfer_has_holes_while_the_loss_is_unrepaired_and_none_at_the_end() {
        let trace = Trace::from_sim(simulate(&Scene::named("lossy-transfer").unwrap()));
        let end = trace.end_us();
        let last = snapshot(&trace, Side::Client, end).unwrap();
        assert_eq!(last.delivered, last.total);
        assert!(last.holes.is_empty() && last.waiting.is_empty());
        // Somewhere during the run bytes wait behind a hole.
        let mut saw_hole = false;
        for p in &trace.packets {
            let s = snapshot(&trace, Side::Client, p.arrival_or_send()).unwrap();
            for w in s.holes.windows(1).chain(s.waiting.windows(1)) {
                assert!(w[0].0 >= s.delivered && w[0].0 < w[0].1);
            }
            if !s.holes.is_empty() {
                saw_hole = true;
                assert!(s.waiting.first().is_some_and(|w| w.0 >= s.holes[0].1), "a hole comes before waiting bytes");
                assert!(s.arrivals.iter().any(|a| a.note == ArrivalNote::AfterHole));
            }
        }
        assert!(saw_hole, "the lossy transfer leaves a hole at some moment");
        // Not a simulated run: nothing to say.
        let mut bytes = Vec::new();
        crate::capture::write_capture(&trace, crate::capture::CaptureFormat::Pcap, &mut bytes).unwrap();
        let capture = crate::capture::read_bytes(&bytes, "c").unwrap();
        assert!(snapshot(&capture, Side::Client, end).is_none());
    }
}
