//! The trace itself: compact packets (their bytes in one arena, or read in place from a mapped
//! capture file), the conversations they belong to, and for simulated runs the TCP states, what
//! each application received and the simulator's truth about each captured packet.

use std::net::IpAddr;

use crate::packet::{Analysis, Decoded, LabelKind, decode_ip};
use crate::sim::{AppDelivery, Fate, SimRun};

/// What happened to a packet: the simulator knows; a capture only saw it go by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketFate {
    Captured,
    Sim(Fate),
}

impl PacketFate {
    pub fn name(self) -> &'static str {
        match self {
            PacketFate::Captured => "captured",
            PacketFate::Sim(fate) => fate.name(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct TracePacket {
    /// 1-based position in the trace (file order for captures).
    pub number: u32,
    /// Send time (simulator) or capture time, in microseconds from the trace's start.
    pub t_us: u64,
    /// Arrival time when known (simulator); captures are drawn as instant.
    pub arrive_us: Option<u64>,
    /// Where a lost packet vanished.
    pub lost_us: Option<u64>,
    pub fate: PacketFate,
    /// Index into `Trace::conversations`, or `NO_CONVERSATION` when not IP.
    pub conversation: u32,
    /// Sent from the conversation's first endpoint (the left lane) to its second.
    pub forward: bool,
    /// 6 TCP, 17 UDP, other IP protocols, or 0 when the bytes are not IP.
    pub protocol: u8,
    pub flags: u16,
    pub seq: u32,
    pub ack: u32,
    pub window: u16,
    /// TCP or UDP payload bytes (from the headers; the capture may hold fewer).
    pub len: u32,
    pub fragment_offset: u32,
    pub more_fragments: bool,
    pub analysis: Analysis,
    pub(super) data_start: u64,
    pub(super) data_len: u32,
    /// The packet's length on the wire (a capture may have kept fewer bytes).
    pub wire_len: u32,
}

pub const NO_CONVERSATION: u32 = u32::MAX;

impl TracePacket {
    pub fn arrival_or_send(&self) -> u64 {
        self.arrive_us.or(self.lost_us).unwrap_or(self.t_us)
    }

    /// The label with its details, e.g. "retransmission of #12".
    pub fn label_text(&self) -> String {
        self.analysis.text(self.len as usize, self.fragment_offset, self.more_fragments)
    }

    pub fn is_tcp(&self) -> bool {
        self.protocol == 6
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Conversation {
    pub a: (IpAddr, Option<u16>),
    pub b: (IpAddr, Option<u16>),
    pub protocol: u8,
    pub packets: u64,
    pub bytes: u64,
    pub first_us: u64,
    pub last_us: u64,
}

impl Conversation {
    pub fn a_text(&self) -> String {
        crate::packet::decode::endpoint_text(self.a.0, self.a.1)
    }

    pub fn b_text(&self) -> String {
        crate::packet::decode::endpoint_text(self.b.0, self.b.1)
    }

    pub fn protocol_name(&self) -> &'static str {
        match self.protocol {
            6 => "TCP",
            17 => "UDP",
            1 => "ICMP",
            58 => "ICMPv6",
            _ => "IP",
        }
    }
}

/// A TCP state change on one lane (0 left, 1 right).
#[derive(Clone, Debug, PartialEq)]
pub struct LaneState {
    pub t_us: u64,
    pub lane: usize,
    pub state: String,
}

#[derive(Clone, Default)]
pub struct Trace {
    pub title: String,
    /// Wall-clock time of t = 0, in microseconds since the Unix epoch (for saved captures).
    pub base_epoch_us: i64,
    pub packets: Vec<TracePacket>,
    pub(super) arena: Vec<u8>,
    /// A capture file the packets' bytes are read from in place, instead of from `arena`.
    pub(crate) file: Option<std::sync::Arc<dyn AsRef<[u8]> + Send + Sync>>,
    pub conversations: Vec<Conversation>,
    /// Simulator only: TCP states and what each application received.
    pub states: Vec<LaneState>,
    pub deliveries: Vec<AppDelivery>,
    /// Captures only: where reading stopped early, and why.
    pub damage: Option<String>,
    /// Simulator only: the run this trace came from.
    pub sim: Option<Box<SimRun>>,
    /// Packets in the file that were not IP at all (ARP, …), counted but not shown.
    pub skipped: u64,
    /// A simulated run's capture: per packet, what the simulator knows really happened.
    pub truth: Vec<Truth>,
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trace")
            .field("title", &self.title)
            .field("packets", &self.packets.len())
            .finish_non_exhaustive()
    }
}

impl Trace {
    pub fn bytes(&self, packet: &TracePacket) -> &[u8] {
        let start = packet.data_start as usize;
        let source = self.file.as_ref().map_or(self.arena.as_slice(), |f| (**f).as_ref());
        &source[start..start + packet.data_len as usize]
    }

    pub fn decode(&self, packet: &TracePacket) -> Option<Decoded> {
        decode_ip(self.bytes(packet)).ok()
    }

    /// Packets of one conversation, in order, as indices into `packets`.
    pub fn conversation_packets(&self, conversation: u32) -> Vec<u32> {
        (0..self.packets.len() as u32).filter(|&i| self.packets[i as usize].conversation == conversation).collect()
    }

    /// Sender and receiver of `p` as "address:port", from the conversation it belongs to.
    pub fn from_to(&self, p: &TracePacket) -> (String, String) {
        match self.conversations.get(p.conversation as usize) {
            Some(c) => {
                let (a, b) = (c.a_text(), c.b_text());
                if p.forward { (a, b) } else { (b, a) }
            }
            None => (String::from("?"), String::from("?")),
        }
    }

    /// Label counts for summaries.
    pub fn count(&self, kind: crate::packet::LabelKind) -> usize {
        self.packets.iter().filter(|p| p.analysis.kind == kind).count()
    }

    /// Retransmissions of every kind (plain, fast, spurious), as Wireshark counts them.
    pub fn retransmissions(&self) -> usize {
        self.packets.iter().filter(|p| p.analysis.kind.is_retransmission()).count()
    }

    pub fn end_us(&self) -> u64 {
        self.packets.iter().map(TracePacket::arrival_or_send).max().unwrap_or(0)
    }
}

/// The simulator's account of one captured packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truth {
    /// Its label in the whole run, where the analyzer saw every packet as it was sent: a
    /// retransmission there is one the sender really made.
    pub kind: LabelKind,
    pub fate: Fate,
}
