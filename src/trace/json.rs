//! A trace as JSON — what `netlens simulate --format json` prints, and what lesson checks read:
//! every packet with its times, fate, label, flags and bytes, and a summary from ground truth
//! (for a simulated run) and from the labels.

use serde_json::json;

use super::Trace;
use crate::packet::flag_names;
use crate::sim::Fate;

/// Counts for the summary, from ground truth and from the labels.
pub fn summary(trace: &Trace) -> serde_json::Value {
    let Some(run) = trace.sim.as_ref() else {
        return json!({ "packets": trace.packets.len(), "retransmissions": trace.retransmissions() });
    };
    let fate = |f: Fate| run.packets.iter().filter(|p| p.fate == f).count();
    json!({
        "packets": trace.packets.len(),
        "lost": fate(Fate::Lost),
        "duplicated": fate(Fate::Duplicate),
        "reordered": fate(Fate::Reordered),
        "retransmissions": trace.retransmissions(),
        "bytes_delivered": run.received.iter().map(Vec::len).sum::<usize>(),
        "completed_us": run.completed_us,
    })
}

pub fn report(trace: &Trace) -> serde_json::Value {
    let packets: Vec<_> = trace
        .packets
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (from, to) = trace.from_to(p);
            json!({
                "number": p.number,
                "t_send_us": p.t_us,
                "t_arrive_us": p.arrive_us,
                "from": from,
                "to": to,
                "fate": p.fate.name(),
                "label": p.analysis.kind.name(),
                "note": p.analysis.note(p.len as usize, p.fragment_offset, p.more_fragments),
                "flags": flag_names(p.flags),
                "seq": p.seq,
                "ack": p.ack,
                "len": if p.is_tcp() { p.len } else { 0 },
                "bytes_hex": crate::record::bytes::to_hex(trace.bytes(p)),
                "truth": super::truth::disagreement(trace, i),
            })
        })
        .collect();
    let (scene, seed, outcome) = match trace.sim.as_ref() {
        Some(run) => (run.scene.clone(), Some(run.seed), run.outcome.clone()),
        None => (trace.title.clone(), None, String::from("read from a capture")),
    };
    json!({
        "scene": scene,
        "seed": seed,
        "outcome": outcome,
        "packets": packets,
        "summary": summary(trace),
    })
}
