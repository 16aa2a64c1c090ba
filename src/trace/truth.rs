//! What really happened to a captured packet, from the simulator, beside what a capture can say.
//! A capture point labels each packet from the packets it holds, as Wireshark would; the
//! simulator knows whether the sender really resent it and what the network did to it. Where the
//! two tell different stories, the view shows both.

use crate::packet::LabelKind;
use crate::sim::Fate;

use super::packets::Trace;

/// Where the simulator's truth about packet `index` differs from its label in this capture, a
/// few words saying what really happened; None where they agree or there is no truth to tell.
pub fn disagreement(trace: &Trace, index: usize) -> Option<&'static str> {
    let truth = trace.truth.get(index)?;
    let shown = trace.packets.get(index)?.analysis.kind;
    if truth.fate == Fate::Lost {
        return Some("the network lost it after this point");
    }
    if truth.fate == Fate::Duplicate {
        return (shown != truth.kind).then_some("a copy the network made, not a resend");
    }
    let resent = truth.kind.is_retransmission();
    match shown {
        LabelKind::OutOfOrder if resent => Some("the sender resent it"),
        kind if kind.is_retransmission() && !resent && truth.fate == Fate::Reordered => {
            Some("not resent: the network delayed it")
        }
        kind if kind.is_retransmission() && !resent => Some("the sender sent it only once"),
        LabelKind::Data if resent => Some("the sender resent it"),
        _ => None,
    }
}
