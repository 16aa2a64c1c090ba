//! Holes in a capture's byte stream: where Wireshark says "previous segment not captured", the
//! bytes between the last segment seen and this one, and the later segment that fills them (a
//! retransmission, or a late one out of order). The Packets view draws each gap as a marker and
//! links it to its fill. Computed once per trace, from the header fields alone.

use super::Trace;
use crate::packet::LabelKind;

/// How far (in packets) to look back for a gap's start and forward for its fill.
const SCAN: usize = 20_000;

/// One hole, by indices into `Trace::packets`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// The packet that arrived with bytes missing before it.
    pub after_hole: u32,
    /// The first packet, later and the same way, that carries some of the missing bytes.
    pub filled_by: Option<u32>,
    /// How many bytes were missing (sequence numbers, not counting SYN or FIN).
    pub missing: u32,
}

/// `a` is after `b` in sequence space (which wraps).
fn after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// Every gap in the trace, in packet order.
pub fn find_gaps(trace: &Trace) -> Vec<Gap> {
    let packets = &trace.packets;
    let mut gaps = Vec::new();
    for (i, p) in packets.iter().enumerate().filter(|(_, p)| p.analysis.kind == LabelKind::LostSegment) {
        let same_way = |q: &&super::TracePacket| q.conversation == p.conversation && q.forward == p.forward;
        // The hole starts where the furthest earlier segment the same way ended.
        let start = packets[i.saturating_sub(SCAN)..i]
            .iter()
            .filter(same_way)
            .map(|q| q.seq.wrapping_add(q.len))
            .reduce(|a, b| if after(b, a) { b } else { a });
        let Some(start) = start.filter(|&s| after(p.seq, s)) else { continue };
        let filled_by = packets[i + 1..(i + 1 + SCAN).min(packets.len())]
            .iter()
            .position(|q| same_way(&q) && q.len > 0 && after(p.seq, q.seq) && after(q.seq.wrapping_add(q.len), start))
            .map(|k| (i + 1 + k) as u32);
        gaps.push(Gap { after_hole: i as u32, filled_by, missing: p.seq.wrapping_sub(start) });
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{Scene, simulate};
    use crate::trace::CapturePoint;

    #[test]
    fn each_gap_at_the_client_of_the_two_hop_run_is_found_with_its_fill() {
        let run = simulate(&Scene::named("two-hops").unwrap());
        let trace = Trace::captured_at(&run, CapturePoint::Client).unwrap();
        let gaps = find_gaps(&trace);
        assert_eq!(gaps.len(), trace.count(LabelKind::LostSegment));
        assert!(!gaps.is_empty());
        for gap in &gaps {
            let hole = &trace.packets[gap.after_hole as usize];
            let fill = &trace.packets[gap.filled_by.expect("every hole is filled in a finished run") as usize];
            assert!(gap.missing > 0 && fill.number > hole.number);
            assert!(after(hole.seq, fill.seq), "the fill carries bytes from before the hole's packet");
        }
        // The server's own capture has no holes.
        assert!(find_gaps(&Trace::captured_at(&run, CapturePoint::Server).unwrap()).is_empty());
    }
}
