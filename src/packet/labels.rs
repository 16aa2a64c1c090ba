//! TCP analysis labels with Wireshark's meanings (its `tcp.analysis.*` fields, as tshark 4.0
//! computes them in `tcp_analyze_sequence_number`), for simulator runs and captures alike. State
//! is kept per direction of a connection: `nextseq` (one past the highest sequence number sent,
//! SYN and FIN counting one), when it was set, `maxseqtobeacked`, the last ACK number, window and
//! their time, the duplicate-ACK count, and the window scale from the handshake. "seglen" is the
//! TCP payload length. Each packet gets every flag that applies ([`Flags`]); its label is the most
//! telling of them ([`LabelKind`]). The rules, in the order they are checked:
//!
//! 1. `zero_window_probe`: 1 byte at exactly `nextseq` while the other side's window is 0.
//!    (Then straight to step 9.)
//! 2. `zero_window`: window 0 on a segment without SYN, FIN or RST.
//! 3. `lost_segment` ("previous segment not captured"): the segment starts beyond `nextseq` (bytes
//!    in between never went past the capture point), not RST.
//! 4. `keep_alive`: 0 or 1 byte starting at `nextseq − 1`, no SYN/FIN/RST.
//! 5. `window_update`: no data, a window that is not 0 and differs from this direction's last, at
//!    `nextseq`, the same ACK as the last, no SYN/FIN/RST.
//! 6. `window_full`: data that ends exactly at the edge of the window the other side advertised
//!    (its last ACK + its window, scaled), when the scale is known from the handshake.
//! 7. `keep_alive_ack` / `zero_window_probe_ack`: no data, the same window, at `nextseq`, the same
//!    ACK, answering the other side's keep-alive / zero-window probe. (Then to step 9.)
//! 8. `duplicate_ack` (#n of the last packet with another ACK number): no data, a window that is
//!    not 0 and equals the last, at `nextseq`, the same ACK as the last, no SYN/FIN/RST.
//! 9. A packet with another ACK number than the last ends a run of duplicates.
//! 10. `ack_lost_segment` ("ACKed unseen segment"): ACKs beyond anything the other side was seen to
//!     send; reported once per hole.
//! 11. A segment using sequence space (data, SYN or FIN) that is not a keep-alive:
//!     - `spurious_retransmission`: the other side had already acknowledged all of it;
//!     - else, if it starts below `nextseq` (1 byte below does not count for a longer segment,
//!       which follows a probe): `fast_retransmission` when the other side has sent 2 or more
//!       duplicate ACKs for exactly this sequence number, the last under 20 ms ago;
//!       `out_of_order` when it came within the connection's initial RTT (from the last SYN to
//!       the handshake's ACK; 3 ms when unknown) of the segment that set `nextseq` and does not
//!       end at `nextseq`; `retransmission` otherwise.
//!
//!     Fast and spurious retransmissions carry the `retransmission` flag as well, as tshark
//!     reports them.
//! 12. `reused_ports` (checked first): a SYN without ACK on a connection that had already begun
//!     with another initial sequence number; both directions start afresh.
//!
//! Where netlens differs, knowingly: Wireshark decides port reuse from its conversation table
//! (and the time since the last FIN or RST); netlens only compares initial sequence numbers. The
//! window scale is taken from the two SYNs (both must offer it, RFC 7323); a capture that starts
//! after the handshake has no scale, so `window_full` is never reported for it — as in Wireshark.
//! netlens stops remembering individual segments ("retransmission of #n") after
//! [`MAX_REMEMBERED`] per direction, to bound memory; the flags do not depend on it.
//! `tests/tcp_analysis_agreement.rs` measures agreement with tshark, flag by flag.
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
    FastRetransmission,
    SpuriousRetransmission,
    OutOfOrder,
    /// Wireshark's "previous segment not captured" (`tcp.analysis.lost_segment`).
    LostSegment,
    /// Wireshark's "ACKed unseen segment" (`tcp.analysis.ack_lost_segment`).
    AckedUnseen,
    DuplicateAck,
    WindowUpdate,
    WindowFull,
    ZeroWindow,
    ZeroWindowProbe,
    ZeroWindowProbeAck,
    KeepAlive,
    KeepAliveAck,
    PortsReused,
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
            LabelKind::FastRetransmission => "fast-retransmission",
            LabelKind::SpuriousRetransmission => "spurious-retransmission",
            LabelKind::OutOfOrder => "out-of-order",
            LabelKind::LostSegment => "previous-segment-not-captured",
            LabelKind::AckedUnseen => "acked-unseen-segment",
            LabelKind::DuplicateAck => "duplicate-ack",
            LabelKind::WindowUpdate => "window-update",
            LabelKind::WindowFull => "window-full",
            LabelKind::ZeroWindow => "zero-window",
            LabelKind::ZeroWindowProbe => "zero-window-probe",
            LabelKind::ZeroWindowProbeAck => "zero-window-probe-ack",
            LabelKind::KeepAlive => "keep-alive",
            LabelKind::KeepAliveAck => "keep-alive-ack",
            LabelKind::PortsReused => "ports-reused",
            LabelKind::Fin => "FIN",
            LabelKind::Rst => "RST",
            LabelKind::Udp => "udp",
            LabelKind::IpFragment => "ip-fragment",
            LabelKind::Other => "other",
        }
    }

    /// Every kind of retransmission (Wireshark's `tcp.analysis.retransmission` covers them all).
    pub fn is_retransmission(self) -> bool {
        matches!(self, LabelKind::Retransmission | LabelKind::FastRetransmission | LabelKind::SpuriousRetransmission)
    }
}

/// The `tcp.analysis.*` flags of one packet; several may apply at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u16);

impl Flags {
    pub const RETRANSMISSION: Flags = Flags(1);
    pub const FAST_RETRANSMISSION: Flags = Flags(1 << 1);
    pub const SPURIOUS_RETRANSMISSION: Flags = Flags(1 << 2);
    pub const OUT_OF_ORDER: Flags = Flags(1 << 3);
    pub const LOST_SEGMENT: Flags = Flags(1 << 4);
    pub const ACK_LOST_SEGMENT: Flags = Flags(1 << 5);
    pub const DUPLICATE_ACK: Flags = Flags(1 << 6);
    pub const ZERO_WINDOW: Flags = Flags(1 << 7);
    pub const ZERO_WINDOW_PROBE: Flags = Flags(1 << 8);
    pub const ZERO_WINDOW_PROBE_ACK: Flags = Flags(1 << 9);
    pub const WINDOW_FULL: Flags = Flags(1 << 10);
    pub const WINDOW_UPDATE: Flags = Flags(1 << 11);
    pub const KEEP_ALIVE: Flags = Flags(1 << 12);
    pub const KEEP_ALIVE_ACK: Flags = Flags(1 << 13);
    pub const REUSED_PORTS: Flags = Flags(1 << 14);

    /// Each flag with the Wireshark field that has the same meaning.
    pub const FIELDS: [(Flags, &'static str); 15] = [
        (Flags::RETRANSMISSION, "tcp.analysis.retransmission"),
        (Flags::FAST_RETRANSMISSION, "tcp.analysis.fast_retransmission"),
        (Flags::SPURIOUS_RETRANSMISSION, "tcp.analysis.spurious_retransmission"),
        (Flags::OUT_OF_ORDER, "tcp.analysis.out_of_order"),
        (Flags::LOST_SEGMENT, "tcp.analysis.lost_segment"),
        (Flags::ACK_LOST_SEGMENT, "tcp.analysis.ack_lost_segment"),
        (Flags::DUPLICATE_ACK, "tcp.analysis.duplicate_ack"),
        (Flags::ZERO_WINDOW, "tcp.analysis.zero_window"),
        (Flags::ZERO_WINDOW_PROBE, "tcp.analysis.zero_window_probe"),
        (Flags::ZERO_WINDOW_PROBE_ACK, "tcp.analysis.zero_window_probe_ack"),
        (Flags::WINDOW_FULL, "tcp.analysis.window_full"),
        (Flags::WINDOW_UPDATE, "tcp.analysis.window_update"),
        (Flags::KEEP_ALIVE, "tcp.analysis.keep_alive"),
        (Flags::KEEP_ALIVE_ACK, "tcp.analysis.keep_alive_ack"),
        (Flags::REUSED_PORTS, "tcp.analysis.reused_ports"),
    ];

    pub fn has(self, flag: Flags) -> bool {
        self.0 & flag.0 != 0
    }

    fn set(&mut self, flag: Flags) {
        self.0 |= flag.0;
    }
}

/// A packet's label and the sequence numbers relative to each direction's first one. Kept
/// small and allocation-free: a million of these must fit comfortably.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Analysis {
    pub kind: LabelKind,
    pub flags: Flags,
    pub rel_seq: u32,
    pub rel_ack: u32,
    /// The earlier packet this one repeats (retransmission) or whose ACK it repeats; 0 if none.
    pub refers_to: u32,
    /// Which duplicate ACK this is (1, 2, 3, …).
    pub count: u32,
}

impl Analysis {
    pub fn plain(kind: LabelKind) -> Self {
        Self { kind, flags: Flags::default(), rel_seq: 0, rel_ack: 0, refers_to: 0, count: 0 }
    }

    /// Details for a label, e.g. "of #5" or "bytes 1..1461"; `len` is the TCP payload length.
    pub fn note(&self, len: usize, fragment_offset: u32, more_fragments: bool) -> String {
        let bytes = || format!("bytes {}..{}", self.rel_seq, self.rel_seq as usize + len);
        match self.kind {
            k if k.is_retransmission() && self.refers_to > 0 => format!("of #{}", self.refers_to),
            LabelKind::DuplicateAck => format!("#{} of #{}", self.count, self.refers_to),
            LabelKind::Data | LabelKind::OutOfOrder | LabelKind::LostSegment | LabelKind::WindowFull => bytes(),
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

/// What the handshake said about window scaling in one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum WindowScale {
    /// No SYN seen: the scale cannot be known.
    #[default]
    Unknown,
    /// This direction's window is shifted left by this much.
    Shift(u8),
}

#[derive(Default)]
struct Direction {
    isn: Option<u32>,
    /// One past the highest sequence number sent so far, and when it was set.
    nextseq: Option<u32>,
    nextseq_time: u64,
    /// The highest sequence number the other side should acknowledge.
    maxseqtobeacked: Option<u32>,
    /// The last ACK number and window this direction sent, and when.
    lastack: Option<u32>,
    lastack_time: u64,
    window: Option<u16>,
    /// The option this direction's SYN carried (None: a SYN without one), if its SYN was seen.
    syn_window_scale: Option<Option<u8>>,
    scale: WindowScale,
    /// Duplicate ACKs in a row; −1 after an "ACKed unseen segment" (Wireshark's convention).
    dupacknum: i32,
    /// The last packet that was not a duplicate ACK (what duplicates refer to).
    lastnondupack: usize,
    last_flags: Flags,
    /// When this direction sent its SYN (for the initial RTT).
    syn_time: Option<u64>,
    /// The connection's initial RTT (SYN to the handshake's ACK), once known; kept on both sides.
    irtt: Option<u64>,
    /// First packet seen at each starting sequence number (bounded; see MAX_REMEMBERED).
    starts: FastMap<u32, usize>,
}

impl Direction {
    /// The window this direction advertised last, in bytes, if its scale is known.
    fn scaled_window(&self) -> Option<u64> {
        match self.scale {
            WindowScale::Shift(shift) => self.window.map(|w| u64::from(w) << shift),
            WindowScale::Unknown => None,
        }
    }
}

/// Enough to name "retransmission of #n" for the recent past without unbounded memory.
const MAX_REMEMBERED: usize = 200_000;

/// Outside the initial RTT's knowledge, Wireshark's out-of-order window.
const DEFAULT_OUT_OF_ORDER_US: u64 = 3_000;
/// A retransmission this soon after the second duplicate ACK is a fast retransmission.
const FAST_RETRANSMISSION_US: u64 = 20_000;

/// Walks packets in order, keeping per-direction state.
#[derive(Default)]
pub struct TcpAnalyzer {
    /// Each connection's two directions, by its addresses and ports in sorted order.
    flows: FastMap<FlowKey, [Direction; 2]>,
}

fn after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

fn before(a: u32, b: u32) -> bool {
    after(b, a)
}

impl TcpAnalyzer {
    /// Labels the packet numbered `number` (1-based, for "of #n" notes), seen at `t_us`.
    pub fn analyze(&mut self, number: usize, t_us: u64, packet: &Decoded) -> Analysis {
        let tcp = match &packet.transport {
            Transport::Tcp(tcp) => tcp,
            Transport::Udp(_) => return Analysis::plain(LabelKind::Udp),
            Transport::Fragment => return Analysis::plain(LabelKind::IpFragment),
            Transport::Other => return Analysis::plain(LabelKind::Other),
        };
        // Both directions of a connection live in one entry, found with one lookup: the side
        // whose address and port sort first is index 0.
        let (a, b) = ((packet.ip.src, tcp.src_port), (packet.ip.dst, tcp.dst_port));
        let (key, side) = if a <= b { ((a.0, a.1, b.0, b.1), 0) } else { ((b.0, b.1, a.0, a.1), 1) };
        let [first, second] = self.flows.entry(key).or_default();
        // A socket talking to itself (a == b) still gets two distinct states.
        let (fwd, rev) = if side == 0 { (first, second) } else { (second, first) };
        analyze_segment(fwd, rev, number, t_us, tcp)
    }
}

/// One TCP segment in the direction `fwd`, against what the other direction `rev` has said.
fn analyze_segment(
    fwd: &mut Direction,
    rev: &mut Direction,
    number: usize,
    t_us: u64,
    tcp: &super::decode::TcpHeader,
) -> Analysis {
    let (seq, ack, window) = (tcp.seq, tcp.ack, tcp.window);
    let seglen = tcp.payload_len as u32;
    let syn = tcp.flags & SYN != 0;
    let control = tcp.flags & (SYN | FIN | RST) != 0;
    let mut flags = Flags::default();

    // 12. A new connection on the same ports: start afresh.
    if syn && tcp.flags & ACK == 0 && fwd.isn.is_some_and(|isn| isn != seq) {
        *fwd = Direction::default();
        *rev = Direction::default();
        flags.set(Flags::REUSED_PORTS);
    }
    if syn {
        fwd.isn.get_or_insert(seq);
        if fwd.syn_window_scale.is_none() {
            fwd.syn_window_scale = Some(tcp.window_scale);
        }
        // The initial RTT runs from the last SYN sent (a retransmitted one restarts it).
        fwd.syn_time = Some(t_us);
        // Scaling applies only when both SYNs offered it (RFC 7323 §2.2).
        if let (Some(mine), Some(theirs)) = (fwd.syn_window_scale, rev.syn_window_scale) {
            let both = mine.is_some() && theirs.is_some();
            fwd.scale = WindowScale::Shift(if both { mine.unwrap_or(0).min(14) } else { 0 });
            rev.scale = WindowScale::Shift(if both { theirs.unwrap_or(0).min(14) } else { 0 });
        }
    }
    // The initial RTT: from this side's SYN to its first ACK without SYN, after the SYN-ACK.
    if !syn
        && tcp.flags & ACK != 0
        && fwd.irtt.is_none()
        && rev.syn_time.is_some()
        && let Some(sent) = fwd.syn_time
    {
        let irtt = t_us.saturating_sub(sent);
        fwd.irtt = Some(irtt);
        rev.irtt = Some(irtt);
    }
    let isn = *fwd.isn.get_or_insert(seq);
    let rel_seq = seq.wrapping_sub(isn);
    let rel_ack = if tcp.flags & ACK != 0 { ack.wrapping_sub(rev.isn.unwrap_or(ack)) } else { 0 };

    let at_next = fwd.nextseq == Some(seq);
    let same_ack = fwd.lastack == Some(ack);
    'forward: {
        // 1. Zero-window probe.
        if seglen == 1 && at_next && rev.window == Some(0) {
            flags.set(Flags::ZERO_WINDOW_PROBE);
            break 'forward;
        }
        // 2. Zero window.
        if window == 0 && !control {
            flags.set(Flags::ZERO_WINDOW);
        }
        // 3. Previous segment not captured.
        if fwd.nextseq.is_some_and(|next| after(seq, next)) && tcp.flags & RST == 0 {
            flags.set(Flags::LOST_SEGMENT);
        }
        // 4. Keep-alive.
        if seglen <= 1 && !control && fwd.nextseq.is_some_and(|next| seq == next.wrapping_sub(1)) {
            flags.set(Flags::KEEP_ALIVE);
        }
        // 5. Window update.
        if seglen == 0 && window != 0 && fwd.window != Some(window) && at_next && same_ack && !control {
            flags.set(Flags::WINDOW_UPDATE);
        }
        // 6. Window full.
        if seglen > 0
            && !control
            && let (Some(edge_ack), Some(room)) = (rev.lastack, rev.scaled_window())
            && u64::from(seq.wrapping_add(seglen).wrapping_sub(edge_ack)) == room
        {
            flags.set(Flags::WINDOW_FULL);
        }
        let same_window = fwd.window == Some(window);
        let repeats = seglen == 0 && same_window && at_next && same_ack && !control;
        // 7. Keep-alive ACK and zero-window-probe ACK.
        if repeats && window != 0 && rev.last_flags.has(Flags::KEEP_ALIVE) {
            flags.set(Flags::KEEP_ALIVE_ACK);
            break 'forward;
        }
        if repeats && window == 0 && rev.last_flags.has(Flags::ZERO_WINDOW_PROBE) {
            flags.set(Flags::ZERO_WINDOW_PROBE_ACK);
            break 'forward;
        }
        // 8. Duplicate ACK (a count of -1 marks one already reported as "ACKed unseen").
        if repeats && window != 0 {
            fwd.dupacknum = if fwd.dupacknum == -1 { 1 } else { fwd.dupacknum + 1 };
            flags.set(Flags::DUPLICATE_ACK);
        }
    }
    let mut refers_to = 0;
    let mut count = 0;
    if flags.has(Flags::DUPLICATE_ACK) {
        refers_to = fwd.lastnondupack as u32;
        count = fwd.dupacknum.max(0) as u32;
    }
    // 9. A new ACK number ends a run of duplicates.
    if !same_ack {
        fwd.lastnondupack = number;
        fwd.dupacknum = 0;
    }
    // 10. ACKed unseen segment: reported once per hole.
    if tcp.flags & ACK != 0 && rev.maxseqtobeacked.is_some_and(|max| after(ack, max)) {
        match (rev.maxseqtobeacked, rev.nextseq) {
            (Some(max), Some(next)) if max > next => {
                rev.maxseqtobeacked = Some(next);
                flags.set(Flags::ACK_LOST_SEGMENT);
            }
            _ => {
                if rev.dupacknum == 0 {
                    flags.set(Flags::ACK_LOST_SEGMENT);
                }
                rev.dupacknum = -1;
            }
        }
    }
    // 11. Retransmissions and out-of-order segments.
    let syn_or_fin = u32::from(tcp.flags & (SYN | FIN) != 0);
    let uses_space = seglen > 0 || syn_or_fin == 1;
    if uses_space && !flags.has(Flags::KEEP_ALIVE) {
        // Bytes at nextseq − 1 after a 1-byte segment (a probe, perhaps) do add new data.
        let not_advanced = fwd.nextseq.is_some_and(|next| before(seq, next))
            && !(seglen > 1 && fwd.nextseq == Some(seq.wrapping_add(1)));
        let since_dupack = t_us.saturating_sub(rev.lastack_time);
        let since_next = t_us.saturating_sub(fwd.nextseq_time);
        let ooo_window = fwd.irtt.filter(|&t| t > 0).unwrap_or(DEFAULT_OUT_OF_ORDER_US);
        if seglen > 0 && rev.lastack.is_some_and(|acked| acked != 0 && !after(seq.wrapping_add(seglen), acked)) {
            flags.set(Flags::SPURIOUS_RETRANSMISSION);
            flags.set(Flags::RETRANSMISSION);
        } else if not_advanced
            && rev.dupacknum >= 2
            && rev.lastack == Some(seq)
            && since_dupack < FAST_RETRANSMISSION_US
        {
            flags.set(Flags::FAST_RETRANSMISSION);
            flags.set(Flags::RETRANSMISSION);
        } else if not_advanced
            && since_next < ooo_window
            && fwd.nextseq != Some(seq.wrapping_add(seglen).wrapping_add(syn_or_fin))
        {
            flags.set(Flags::OUT_OF_ORDER);
        } else if not_advanced {
            flags.set(Flags::RETRANSMISSION);
        }
        if flags.has(Flags::RETRANSMISSION)
            && let Some(&first) = fwd.starts.get(&seq)
        {
            refers_to = first as u32;
        }
    }

    // Remember what this segment sent.
    let end = seq.wrapping_add(seglen).wrapping_add(syn_or_fin);
    if uses_space {
        if fwd.starts.len() >= MAX_REMEMBERED {
            fwd.starts.clear();
        }
        fwd.starts.entry(seq).or_insert(number);
    }
    let probe = flags.has(Flags::ZERO_WINDOW_PROBE);
    if fwd.nextseq.is_none_or(|next| after(end, next)) && !probe {
        fwd.nextseq = Some(end);
        fwd.nextseq_time = t_us;
    }
    if fwd.maxseqtobeacked.is_none_or(|max| max == seq) && !probe {
        fwd.maxseqtobeacked = fwd.nextseq;
    }
    fwd.lastack = Some(ack);
    fwd.lastack_time = t_us;
    fwd.window = Some(window);
    fwd.last_flags = flags;

    let kind = label_of(tcp.flags, seglen, flags);
    Analysis { kind, flags, rel_seq, rel_ack, refers_to, count }
}

/// The most telling label for a segment with these TCP flags, payload and analysis flags.
fn label_of(tcp_flags: u16, seglen: u32, flags: Flags) -> LabelKind {
    use LabelKind as K;
    let ordered = [
        (Flags::FAST_RETRANSMISSION, K::FastRetransmission),
        (Flags::SPURIOUS_RETRANSMISSION, K::SpuriousRetransmission),
        (Flags::RETRANSMISSION, K::Retransmission),
        (Flags::OUT_OF_ORDER, K::OutOfOrder),
        (Flags::ZERO_WINDOW_PROBE, K::ZeroWindowProbe),
        (Flags::KEEP_ALIVE, K::KeepAlive),
        (Flags::REUSED_PORTS, K::PortsReused),
        (Flags::LOST_SEGMENT, K::LostSegment),
    ];
    if tcp_flags & RST != 0 {
        return K::Rst;
    }
    if let Some((_, kind)) = ordered.iter().find(|(flag, _)| flags.has(*flag)) {
        return *kind;
    }
    if tcp_flags & SYN != 0 {
        return if tcp_flags & ACK != 0 { K::SynAck } else { K::Syn };
    }
    let later = [(Flags::ZERO_WINDOW, K::ZeroWindow), (Flags::WINDOW_FULL, K::WindowFull)];
    if let Some((_, kind)) = later.iter().find(|(flag, _)| flags.has(*flag)) {
        return *kind;
    }
    if tcp_flags & FIN != 0 {
        return K::Fin;
    }
    if seglen > 0 {
        return K::Data;
    }
    let acks = [
        (Flags::KEEP_ALIVE_ACK, K::KeepAliveAck),
        (Flags::ZERO_WINDOW_PROBE_ACK, K::ZeroWindowProbeAck),
        (Flags::DUPLICATE_ACK, K::DuplicateAck),
        (Flags::WINDOW_UPDATE, K::WindowUpdate),
        (Flags::ACK_LOST_SEGMENT, K::AckedUnseen),
    ];
    acks.iter().find(|(flag, _)| flags.has(*flag)).map_or(K::Ack, |(_, kind)| *kind)
}
