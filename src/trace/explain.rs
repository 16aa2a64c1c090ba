//! One or two plain sentences on what a packet does and why, for the inspector and event list.

use super::{PacketFate, TracePacket};
use crate::packet::LabelKind;
use crate::sim::Fate;

/// What this packet does, in words a student can follow. `from`/`to` name the lanes.
pub fn explain(packet: &TracePacket, from: &str, to: &str) -> String {
    let a = &packet.analysis;
    let mut text = match a.kind {
        LabelKind::Syn => format!(
            "{from} asks {to} to open a connection. SYN carries its initial sequence number ({}), chosen at random so old packets cannot be mistaken for new ones.",
            packet.seq
        ),
        LabelKind::SynAck => format!(
            "{from} agrees: its SYN carries its own initial sequence number ({}) and its ACK ({}) says it got the SYN, which used one sequence number.",
            packet.seq, packet.ack
        ),
        LabelKind::Ack => format!(
            "An acknowledgment with no data: {from} has received every byte before relative number {} and can take {} more bytes (the window).",
            a.rel_ack, packet.window
        ),
        LabelKind::Data => format!(
            "{} bytes of application data from {from}: stream bytes {}..{}. It also acknowledges everything before {}.",
            packet.len,
            a.rel_seq,
            a.rel_seq as u64 + u64::from(packet.len),
            a.rel_ack
        ),
        LabelKind::Retransmission => format!(
            "{from} sends bytes {}..{} again{} because they were not acknowledged: three duplicate ACKs or the retransmission timer (at least 1 s in smoltcp) told it they were probably lost.",
            a.rel_seq,
            a.rel_seq as u64 + u64::from(packet.len.max(1)),
            if a.refers_to > 0 { format!(" (first sent as #{})", a.refers_to) } else { String::new() }
        ),
        LabelKind::FastRetransmission => format!(
            "{from} sends bytes {}..{} again{} right after {to}'s duplicate ACKs asked for exactly these bytes: a fast retransmission, without waiting for the timer.",
            a.rel_seq,
            a.rel_seq as u64 + u64::from(packet.len.max(1)),
            if a.refers_to > 0 { format!(" (first sent as #{})", a.refers_to) } else { String::new() }
        ),
        LabelKind::SpuriousRetransmission => format!(
            "{from} sends bytes {}..{} again, but {to} had already acknowledged them: this retransmission was not needed (spurious), perhaps because an ACK was slow or lost.",
            a.rel_seq,
            a.rel_seq as u64 + u64::from(packet.len.max(1))
        ),
        LabelKind::LostSegment => format!(
            "Bytes before {} from {from} never passed the capture point: a segment was lost before it got here (or the capture started late). Expect duplicate ACKs and a retransmission to fill the gap.",
            a.rel_seq
        ),
        LabelKind::AckedUnseen => format!(
            "{from} acknowledges bytes the capture never saw {to} send: they took another path or were missed by the capture, but they did arrive."
        ),
        LabelKind::WindowFull => format!(
            "{from}'s data fills {to}'s advertised window to the last byte: it must now wait for an ACK or a window update before sending more."
        ),
        LabelKind::ZeroWindowProbe => format!(
            "{to}'s window is 0, so {from} sends a single byte to ask whether there is room again (a zero-window probe)."
        ),
        LabelKind::ZeroWindowProbeAck => {
            format!("{from} answers the zero-window probe: its window is still 0, so {to} must keep waiting.")
        }
        LabelKind::KeepAlive => format!(
            "A keep-alive: {from} resends the byte just before its next sequence number to check that {to} is still there on an idle connection."
        ),
        LabelKind::KeepAliveAck => format!("{from} answers the keep-alive: still here."),
        LabelKind::PortsReused => format!(
            "{from} opens a new connection on the same addresses and ports as an earlier one, with a new initial sequence number ({}).",
            packet.seq
        ),
        LabelKind::OutOfOrder => format!(
            "Bytes {}..{} from {from} were seen after bytes that come later in the stream: the network reordered them. TCP puts them back in order.",
            a.rel_seq,
            a.rel_seq as u64 + u64::from(packet.len)
        ),
        LabelKind::DuplicateAck => format!(
            "{from} acknowledges byte {} again (duplicate #{}): something after a hole arrived. Three of these make the sender retransmit the missing bytes at once (fast retransmit). smoltcp also sends SACK blocks but does not use them for recovery.",
            a.rel_ack, a.count
        ),
        LabelKind::WindowUpdate => {
            format!("{from} has freed buffer space and tells {to} it may now send up to {} bytes.", packet.window)
        }
        LabelKind::ZeroWindow => {
            format!("{from}'s receive buffer is full (window 0): {to} must pause until a window update.")
        }
        LabelKind::Fin => format!(
            "{from} has no more data to send and closes its direction of the connection with FIN; {to} may still send. FIN uses one sequence number, so it is acknowledged like a byte."
        ),
        LabelKind::Rst => {
            format!("{from} aborts the connection with RST: no more data either way, nothing is acknowledged.")
        }
        LabelKind::Udp if packet.more_fragments => format!(
            "The first IP fragment of a UDP datagram from {from}: it holds the UDP header; the rest follows in fragments with the same identification."
        ),
        LabelKind::Udp => format!(
            "A UDP datagram of {} bytes from {from}: no connection, no acknowledgment, no retransmission.",
            packet.len
        ),
        LabelKind::IpFragment => format!(
            "A later IP fragment: its data belongs at byte {} of the datagram{}. The receiver's IP reassembles the fragments before UDP sees them.",
            packet.fragment_offset,
            if packet.more_fragments {
                " and more fragments follow (MF set)"
            } else {
                "; it is the last one (MF clear)"
            }
        ),
        LabelKind::Other => "A packet netlens does not analyse; its bytes are shown as they are.".to_string(),
    };
    match packet.fate {
        PacketFate::Sim(Fate::Lost) => text.push_str(" The link lost this packet: it never arrives."),
        PacketFate::Sim(Fate::Reordered) => text.push_str(" The link held it back, so a later packet overtook it."),
        PacketFate::Sim(Fate::Duplicate) => {
            text.push_str(" This is an extra copy the network made; the receiver discards what it already has.")
        }
        _ => {}
    }
    text
}
