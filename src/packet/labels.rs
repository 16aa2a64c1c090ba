//! TCP analysis labels, computed from the packets alone by fixed rules (close to Wireshark's),
//! for simulator runs and captures alike. Rules, per direction of a connection, in order:
//!
//! 1. RST → `RST`. SYN → `SYN`, SYN with ACK → `SYN-ACK` (a repeated one is a retransmission).
//! 2. A segment using sequence space (data, SYN or FIN) that lies wholly below the highest
//!    sequence number this direction has sent → `retransmission` when a segment starting at the
//!    same number was seen before, else `out-of-order` (the capture saw the later bytes first).
//! 3. A window of 0 on a segment without SYN/FIN/RST → `zero-window`.
//! 4. FIN → `FIN`; other data → `data`.
//! 5. No data, and the same ACK number and window as this direction's previous segment, which
//!    carried no data either → `duplicate-ack`; same ACK but another window → `window-update`;
//!    anything else → `ACK`.
//!
//! UDP datagrams are `udp`; later IP fragments are `ip-fragment`; anything else is `other`.

use super::fast_hash::FastMap;
use std::net::IpAddr;

use super::decode::{ACK, Decoded, FIN, RST, SYN, Transport};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelKind {
    Syn,
    SynAck,
    Ack,
    Data,
    Retransmission,
    OutOfOrder,
    DuplicateAck,
    WindowUpdate,
    ZeroWindow,
    Fin,
    Rst,
    Udp,
    IpFragment,
    Other,
}

impl LabelKind {
    pub fn name(self) -> &'static str {
        match self {
            LabelKind::Syn => "SYN",
            LabelKind::SynAck => "SYN-ACK",
            LabelKind::Ack => "ACK",
            LabelKind::Data => "data",
            LabelKind::Retransmission => "retransmission",
            LabelKind::OutOfOrder => "out-of-order",
            LabelKind::DuplicateAck => "duplicate-ack",
            LabelKind::WindowUpdate => "window-update",
            LabelKind::ZeroWindow => "zero-window",
            LabelKind::Fin => "FIN",
            LabelKind::Rst => "RST",
            LabelKind::Udp => "udp",
            LabelKind::IpFragment => "ip-fragment",
            LabelKind::Other => "other",
        }
    }
}

/// A packet's label and the sequence numbers relative to each direction's first one. Kept
/// small and allocation-free: a million of these must fit comfortably.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Analysis {
    pub kind: LabelKind,
    pub rel_seq: u32,
    pub rel_ack: u32,
    /// The earlier packet this one repeats (retransmission) or whose ACK it repeats; 0 if none.
    pub refers_to: u32,
    /// Which duplicate ACK this is (1, 2, 3, …).
    pub count: u32,
}

impl Analysis {
    fn plain(kind: LabelKind) -> Self {
        Self { kind, rel_seq: 0, rel_ack: 0, refers_to: 0, count: 0 }
    }

    /// Details for a label, e.g. "of #5" or "bytes 1..1461"; `len` is the TCP payload length.
    pub fn note(&self, len: usize, fragment_offset: u32, more_fragments: bool) -> String {
        let bytes = || format!("bytes {}..{}", self.rel_seq, self.rel_seq as usize + len);
        match self.kind {
            LabelKind::Retransmission if self.refers_to > 0 => format!("of #{}", self.refers_to),
            LabelKind::DuplicateAck => format!("#{} of #{}", self.count, self.refers_to),
            LabelKind::Data | LabelKind::OutOfOrder => bytes(),
            LabelKind::Fin if len > 0 => format!("with {}", bytes()),
            LabelKind::Udp if more_fragments => "first IP fragment".into(),
            LabelKind::IpFragment => {
                format!("offset {fragment_offset}{}", if more_fragments { ", more follow" } else { ", last" })
            }
            _ => String::new(),
        }
    }

    /// The label and its note, as one short phrase.
    pub fn text(&self, len: usize, fragment_offset: u32, more_fragments: bool) -> String {
        let note = self.note(len, fragment_offset, more_fragments);
        if note.is_empty() { self.kind.name().to_string() } else { format!("{} {note}", self.kind.name()) }
    }
}

type FlowKey = (IpAddr, u16, IpAddr, u16);

#[derive(Default)]
struct Direction {
    isn: Option<u32>,
    /// One past the highest sequence number sent so far.
    next_seq: Option<u32>,
    last_ack: Option<u32>,
    last_window: u16,
    /// The previous segment used no sequence space (a pure ACK).
    last_was_pure: bool,
    dup_count: u32,
    /// The packet whose ACK the duplicates repeat.
    acked_by: usize,
    /// First packet seen at each starting sequence number (bounded; see MAX_REMEMBERED).
    starts: FastMap<u32, usize>,
}

/// Enough to name "retransmission of #n" for the recent past without unbounded memory.
const MAX_REMEMBERED: usize = 200_000;

/// Walks packets in order, keeping per-direction state.
#[derive(Default)]
pub struct TcpAnalyzer {
    flows: FastMap<FlowKey, Direction>,
}

fn after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

impl TcpAnalyzer {
    /// Labels the packet numbered `number` (1-based, for "of #n" notes).
    pub fn analyze(&mut self, number: usize, packet: &Decoded) -> Analysis {
        let tcp = match &packet.transport {
            Transport::Tcp(tcp) => tcp,
            Transport::Udp(_) => return Analysis::plain(LabelKind::Udp),
            Transport::Fragment => return Analysis::plain(LabelKind::IpFragment),
            Transport::Other => return Analysis::plain(LabelKind::Other),
        };
        let key = (packet.ip.src, tcp.src_port, packet.ip.dst, tcp.dst_port);
        let reverse_key = (packet.ip.dst, tcp.dst_port, packet.ip.src, tcp.src_port);
        let reverse_isn = self.flows.get(&reverse_key).and_then(|d| d.isn);
        let flow = self.flows.entry(key).or_default();

        if tcp.flags & SYN != 0 || flow.isn.is_none() {
            flow.isn.get_or_insert(tcp.seq);
        }
        let isn = flow.isn.unwrap_or(tcp.seq);
        let rel_seq = tcp.seq.wrapping_sub(isn);
        let rel_ack = if tcp.flags & ACK != 0 { tcp.ack.wrapping_sub(reverse_isn.unwrap_or(tcp.ack)) } else { 0 };
        let seq_len = tcp.seq_len();
        let end = tcp.seq.wrapping_add(seq_len);
        let went_back = seq_len > 0 && flow.next_seq.is_some_and(|next| !after(end, next));
        let seen_start = flow.starts.get(&tcp.seq).copied();

        let mut refers_to = 0;
        let kind = if tcp.flags & RST != 0 {
            LabelKind::Rst
        } else if went_back {
            match seen_start {
                Some(first) => {
                    refers_to = first as u32;
                    LabelKind::Retransmission
                }
                None => LabelKind::OutOfOrder,
            }
        } else if tcp.flags & SYN != 0 {
            if tcp.flags & ACK != 0 { LabelKind::SynAck } else { LabelKind::Syn }
        } else if tcp.window == 0 && tcp.flags & FIN == 0 {
            LabelKind::ZeroWindow
        } else if tcp.flags & FIN != 0 {
            LabelKind::Fin
        } else if tcp.payload_len > 0 {
            LabelKind::Data
        } else if tcp.flags & ACK != 0 && flow.last_ack == Some(tcp.ack) && flow.last_was_pure {
            if flow.last_window == tcp.window {
                flow.dup_count += 1;
                refers_to = flow.acked_by as u32;
                LabelKind::DuplicateAck
            } else {
                LabelKind::WindowUpdate
            }
        } else {
            LabelKind::Ack
        };
        let count = flow.dup_count;

        if kind != LabelKind::DuplicateAck && flow.last_ack != Some(tcp.ack) {
            flow.dup_count = 0;
            flow.acked_by = number;
        }
        if flow.acked_by == 0 {
            flow.acked_by = number;
        }
        if seq_len > 0 {
            if flow.starts.len() >= MAX_REMEMBERED {
                flow.starts.clear();
            }
            flow.starts.entry(tcp.seq).or_insert(number);
            if flow.next_seq.is_none_or(|next| after(end, next)) {
                flow.next_seq = Some(end);
            }
        } else if flow.next_seq.is_none() {
            flow.next_seq = Some(tcp.seq);
        }
        if tcp.flags & ACK != 0 {
            flow.last_ack = Some(tcp.ack);
        }
        flow.last_window = tcp.window;
        flow.last_was_pure = seq_len == 0;
        Analysis { kind, rel_seq, rel_ack, refers_to, count: if kind == LabelKind::DuplicateAck { count } else { 0 } }
    }
}
