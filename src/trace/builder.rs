//! Builds a trace packet by packet: decodes each one, files it under its conversation and
//! labels it with the TCP analyzer.

use crate::packet::fast_hash::FastMap;
use std::net::IpAddr;

use super::packets::{Conversation, NO_CONVERSATION, PacketFate, Trace, TracePacket};
use crate::packet::{Analysis, Decoded, LabelKind, TcpAnalyzer, Transport, decode_ip};

type Endpoint = (IpAddr, Option<u16>);

#[derive(Default)]
pub struct TraceBuilder {
    trace: Trace,
    analyzer: TcpAnalyzer,
    by_endpoints: FastMap<(Endpoint, Endpoint, u8), u32>,
    /// First fragment's conversation, so later fragments (which carry no ports) join it.
    fragments: FastMap<(IpAddr, IpAddr, u32), u32>,
}

impl TraceBuilder {
    pub fn new(title: impl Into<String>, base_epoch_us: i64) -> Self {
        let trace = Trace { title: title.into(), base_epoch_us, ..Trace::default() };
        Self { trace, ..Self::default() }
    }

    /// Adds one IP packet (`bytes` as captured, `wire_len` as it was on the wire).
    pub fn push(&mut self, bytes: &[u8], wire_len: usize, t_us: u64, fate: PacketFate) -> &mut TracePacket {
        self.push_with(bytes, wire_len, t_us, fate, true)
    }

    /// Like `push`; with `analyze` false the TCP analyzer does not see the packet (the
    /// simulator's network-made copies, which the sender never sent).
    pub fn push_with(
        &mut self,
        bytes: &[u8],
        wire_len: usize,
        t_us: u64,
        fate: PacketFate,
        analyze: bool,
    ) -> &mut TracePacket {
        self.add(bytes, usize::MAX, wire_len, t_us, fate, analyze)
    }

    /// Decodes and labels all of `bytes` but keeps at most `keep` of them in the trace.
    pub fn push_keeping(
        &mut self,
        bytes: &[u8],
        keep: usize,
        wire_len: usize,
        t_us: u64,
        fate: PacketFate,
    ) -> &mut TracePacket {
        self.add(bytes, keep, wire_len, t_us, fate, true)
    }

    fn add(
        &mut self,
        bytes: &[u8],
        keep: usize,
        wire_len: usize,
        t_us: u64,
        fate: PacketFate,
        analyze: bool,
    ) -> &mut TracePacket {
        let decoded = decode_ip(bytes).ok();
        self.add_decoded(bytes, decoded, keep, wire_len, t_us, fate, analyze)
    }

    /// Adds a packet some other thread already decoded (the capture reader's pipeline). With
    /// `in_file` the bytes stay where they are, at that offset of the file `read_in_place` names.
    pub fn push_decoded(
        &mut self,
        bytes: &[u8],
        decoded: Option<Decoded>,
        keep: usize,
        wire_len: usize,
        t_us: u64,
        in_file: Option<u64>,
    ) -> &mut TracePacket {
        let packet = self.add_decoded(bytes, decoded, keep, wire_len, t_us, PacketFate::Captured, true);
        if let Some(offset) = in_file {
            packet.data_start = offset;
            packet.data_len = bytes.len() as u32;
        }
        packet
    }

    /// Packets added with an `in_file` offset read their bytes from `file`.
    pub fn read_in_place(&mut self, file: std::sync::Arc<dyn AsRef<[u8]> + Send + Sync>) {
        self.trace.file = Some(file);
    }

    #[allow(clippy::too_many_arguments)]
    fn add_decoded(
        &mut self,
        bytes: &[u8],
        decoded: Option<Decoded>,
        keep: usize,
        wire_len: usize,
        t_us: u64,
        fate: PacketFate,
        analyze: bool,
    ) -> &mut TracePacket {
        let kept = &bytes[..bytes.len().min(keep)];
        let number = self.trace.packets.len() as u32 + 1;
        let data_start = self.trace.arena.len() as u64;
        self.trace.arena.extend_from_slice(kept);
        let mut packet = TracePacket {
            number,
            t_us,
            arrive_us: None,
            lost_us: None,
            fate,
            conversation: NO_CONVERSATION,
            forward: true,
            protocol: 0,
            flags: 0,
            seq: 0,
            ack: 0,
            window: 0,
            len: 0,
            fragment_offset: 0,
            more_fragments: false,
            analysis: Analysis::plain(LabelKind::Other),
            data_start,
            data_len: kept.len() as u32,
            wire_len: wire_len as u32,
        };
        if let Some(decoded) = decoded {
            let ip = &decoded.ip;
            packet.protocol = ip.protocol;
            packet.fragment_offset = ip.fragment_offset;
            packet.more_fragments = ip.more_fragments;
            match &decoded.transport {
                Transport::Tcp(tcp) => {
                    (packet.flags, packet.seq, packet.ack, packet.window) = (tcp.flags, tcp.seq, tcp.ack, tcp.window);
                    packet.len = tcp.payload_len as u32;
                }
                Transport::Udp(udp) => packet.len = udp.length.saturating_sub(8) as u32,
                _ => packet.len = ip.total_len.saturating_sub(ip.header_len) as u32,
            }
            if analyze {
                packet.analysis = self.analyzer.analyze(number as usize, t_us, &decoded);
            }
            let ports = decoded.ports();
            let src = (ip.src, ports.map(|p| p.0));
            let dst = (ip.dst, ports.map(|p| p.1));
            let fragment_key = (ip.src, ip.dst, ip.id);
            let known_fragment = (decoded.transport == Transport::Fragment)
                .then(|| self.fragments.get(&fragment_key).copied())
                .flatten();
            let (conversation, forward) = match known_fragment {
                Some(c) => (c, self.trace.conversations[c as usize].a.0 == ip.src),
                None => self.conversation(src, dst, ip.protocol, t_us),
            };
            if ip.more_fragments && ip.fragment_offset == 0 {
                self.fragments.insert(fragment_key, conversation);
            }
            let c = &mut self.trace.conversations[conversation as usize];
            c.packets += 1;
            c.bytes += wire_len as u64;
            c.last_us = c.last_us.max(t_us);
            packet.conversation = conversation;
            packet.forward = forward;
        }
        self.trace.packets.push(packet);
        self.trace.packets.last_mut().expect("just pushed")
    }

    fn conversation(&mut self, src: Endpoint, dst: Endpoint, protocol: u8, t_us: u64) -> (u32, bool) {
        if let Some(&c) = self.by_endpoints.get(&(src, dst, protocol)) {
            return (c, true);
        }
        if let Some(&c) = self.by_endpoints.get(&(dst, src, protocol)) {
            return (c, false);
        }
        let c = self.trace.conversations.len() as u32;
        self.trace.conversations.push(Conversation {
            a: src,
            b: dst,
            protocol,
            packets: 0,
            bytes: 0,
            first_us: t_us,
            last_us: t_us,
        });
        self.by_endpoints.insert((src, dst, protocol), c);
        (c, true)
    }

    /// Counts a frame that carried no IP packet.
    pub fn skip(&mut self) {
        self.trace.skipped += 1;
    }

    pub fn packets(&self) -> usize {
        self.trace.packets.len()
    }

    pub fn finish(mut self, damage: Option<String>) -> Trace {
        self.trace.damage = damage;
        self.trace
    }

    pub fn trace_mut(&mut self) -> &mut Trace {
        &mut self.trace
    }
}
