//! Every header field of an IP packet with its byte offset, bit position and width, its value,
//! and what it is for: the inspector's table and its highlighting in the hex dump.

use super::decode::{Decoded, Transport, flag_names};

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub layer: &'static str,
    pub name: &'static str,
    /// First byte of the field in the packet.
    pub offset: usize,
    /// First bit within that byte (0 = most significant).
    pub bit_offset: u8,
    pub bits: usize,
    pub value: String,
    pub meaning: &'static str,
}

impl Field {
    /// The bytes this field touches, for highlighting.
    pub fn byte_range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + (usize::from(self.bit_offset) + self.bits).div_ceil(8)
    }

    /// "offset 12, 4 bytes" or "byte 6, bits 3–15".
    pub fn position(&self) -> String {
        if self.bit_offset == 0 && self.bits.is_multiple_of(8) {
            format!("{} +{}", self.offset, self.bits / 8)
        } else {
            format!("{}.{} +{}b", self.offset, self.bit_offset, self.bits)
        }
    }
}

fn bits(bytes: &[u8], offset: usize, bit_offset: u8, width: usize) -> u64 {
    let start = offset * 8 + usize::from(bit_offset);
    (start..start + width).fold(0u64, |acc, bit| {
        let byte = bytes.get(bit / 8).copied().unwrap_or(0);
        (acc << 1) | u64::from((byte >> (7 - bit % 8)) & 1)
    })
}

struct Table<'a> {
    bytes: &'a [u8],
    fields: Vec<Field>,
}

impl Table<'_> {
    /// Adds a field if the packet holds all of it (captures may be cut short).
    #[allow(clippy::too_many_arguments)] // one call per header field reads best as a flat table
    fn add(
        &mut self,
        layer: &'static str,
        name: &'static str,
        offset: usize,
        bit_offset: u8,
        width: usize,
        meaning: &'static str,
        show: impl Fn(u64) -> String,
    ) {
        let field = Field { layer, name, offset, bit_offset, bits: width, value: String::new(), meaning };
        if field.byte_range().end > self.bytes.len() {
            return;
        }
        let value = if width <= 64 { show(bits(self.bytes, offset, bit_offset, width)) } else { String::new() };
        self.fields.push(Field { value, ..field });
    }

    fn add_bytes(
        &mut self,
        layer: &'static str,
        name: &'static str,
        range: std::ops::Range<usize>,
        meaning: &'static str,
        value: String,
    ) {
        let end = range.end.min(self.bytes.len());
        if range.start >= end {
            return;
        }
        self.fields.push(Field {
            layer,
            name,
            offset: range.start,
            bit_offset: 0,
            bits: (end - range.start) * 8,
            value,
            meaning,
        });
    }
}

fn dec(v: u64) -> String {
    v.to_string()
}

fn hex16(v: u64) -> String {
    format!("0x{v:04x}")
}

fn protocol_name(v: u64) -> String {
    let name = match v {
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        58 => "ICMPv6",
        0 => "hop-by-hop options",
        43 => "routing header",
        44 => "fragment header",
        60 => "destination options",
        _ => "",
    };
    if name.is_empty() { v.to_string() } else { format!("{v} ({name})") }
}

/// The decoded packet's fields in wire order.
pub fn fields(bytes: &[u8], decoded: &Decoded) -> Vec<Field> {
    let mut t = Table { bytes, fields: Vec::new() };
    let ip = &decoded.ip;
    if ip.version == 4 {
        let l = "IPv4";
        t.add(l, "Version", 0, 0, 4, "4 for IPv4: tells the receiver how to read the rest", dec);
        t.add(l, "Header length", 0, 4, 4, "in 4-byte words; 5 means 20 bytes, no options", |v| {
            format!("{v} ({} bytes)", v * 4)
        });
        t.add(l, "DSCP / ECN", 1, 0, 8, "priority and congestion marks; usually 0", hex16);
        t.add(l, "Total length", 2, 0, 16, "bytes in this packet, header included; at most 65,535", dec);
        t.add(l, "Identification", 4, 0, 16, "the same on every fragment of one datagram", dec);
        t.add(l, "Flags", 6, 0, 3, "reserved, Don't Fragment, More Fragments", |v| {
            let mut names = Vec::new();
            if v & 2 != 0 {
                names.push("DF");
            }
            if v & 1 != 0 {
                names.push("MF");
            }
            if names.is_empty() { "none".into() } else { names.join(",") }
        });
        t.add(l, "Fragment offset", 6, 3, 13, "where this fragment's data goes, in 8-byte units", |v| {
            format!("{v} ({} bytes)", v * 8)
        });
        t.add(l, "Time to live", 8, 0, 8, "each router subtracts 1; at 0 the packet is dropped, so loops end", dec);
        t.add(l, "Protocol", 9, 0, 8, "what the payload is", protocol_name);
        t.add(l, "Header checksum", 10, 0, 16, "catches damage to the header on the way", hex16);
        t.add_bytes(l, "Source address", 12..16, "who sent the packet", ip.src.to_string());
        t.add_bytes(l, "Destination address", 16..20, "where routers forward it, hop by hop", ip.dst.to_string());
        t.add_bytes(
            l,
            "Options",
            20..ip.header_len,
            "rarely used extras",
            format!("{} bytes", ip.header_len.saturating_sub(20)),
        );
    } else {
        let l = "IPv6";
        t.add(l, "Version", 0, 0, 4, "6 for IPv6", dec);
        t.add(l, "Traffic class", 0, 4, 8, "priority and congestion marks", hex16);
        t.add(l, "Flow label", 1, 4, 20, "lets routers keep one flow's packets together", |v| format!("0x{v:05x}"));
        t.add(l, "Payload length", 4, 0, 16, "bytes after this 40-byte header", dec);
        t.add(l, "Next header", 6, 0, 8, "what follows: an extension header or the transport", protocol_name);
        t.add(l, "Hop limit", 7, 0, 8, "each router subtracts 1; at 0 the packet is dropped", dec);
        t.add_bytes(l, "Source address", 8..24, "who sent the packet", ip.src.to_string());
        t.add_bytes(l, "Destination address", 24..40, "where routers forward it, hop by hop", ip.dst.to_string());
        t.add_bytes(
            l,
            "Extension headers",
            40..ip.header_len,
            "options and fragment information",
            format!("{} bytes", ip.header_len.saturating_sub(40)),
        );
    }
    let at = ip.header_len;
    match &decoded.transport {
        Transport::Tcp(tcp) => {
            let l = "TCP";
            t.add(l, "Source port", at, 0, 16, "which conversation on the sender", dec);
            t.add(l, "Destination port", at + 2, 0, 16, "which program on the receiver (80 is HTTP)", dec);
            t.add(
                l,
                "Sequence number",
                at + 4,
                0,
                32,
                "number of this segment's first byte in the sender's stream",
                dec,
            );
            t.add(
                l,
                "Acknowledgment number",
                at + 8,
                0,
                32,
                "the next byte the sender expects: everything before it arrived",
                dec,
            );
            t.add(l, "Data offset", at + 12, 0, 4, "header length in 4-byte words", |v| {
                format!("{v} ({} bytes)", v * 4)
            });
            t.add(
                l,
                "Flags",
                at + 12,
                7,
                9,
                "SYN opens, FIN closes, ACK says the acknowledgment number is valid, RST aborts",
                |v| {
                    let names = flag_names(v as u16);
                    if names.is_empty() { "none".into() } else { names }
                },
            );
            t.add(l, "Window", at + 14, 0, 16, "how many more bytes the sender can receive (flow control)", dec);
            t.add(l, "Checksum", at + 16, 0, 16, "catches damage to the segment", hex16);
            t.add(l, "Urgent pointer", at + 18, 0, 16, "almost never used", dec);
            let mut options = Vec::new();
            if let Some(mss) = tcp.mss {
                options.push(format!("MSS {mss}"));
            }
            if let Some(scale) = tcp.window_scale {
                options.push(format!("window scale {scale}"));
            }
            if tcp.sack_permitted {
                options.push("SACK permitted".into());
            }
            if tcp.sack_blocks > 0 {
                options.push(format!("{} SACK blocks", tcp.sack_blocks));
            }
            t.add_bytes(
                l,
                "Options",
                at + 20..at + tcp.header_len,
                "MSS, window scale, SACK, timestamps",
                options.join(", "),
            );
            let payload = tcp.payload_offset..tcp.payload_offset + tcp.payload_len;
            t.add_bytes(l, "Data", payload, "the application's bytes", format!("{} bytes", tcp.payload_len));
        }
        Transport::Udp(udp) => {
            let l = "UDP";
            t.add(l, "Source port", at, 0, 16, "which program sent it", dec);
            t.add(l, "Destination port", at + 2, 0, 16, "which program receives it", dec);
            t.add(l, "Length", at + 4, 0, 16, "header and data in bytes", dec);
            t.add(l, "Checksum", at + 6, 0, 16, "catches damage; 0 means none", hex16);
            let end = if ip.more_fragments { ip.total_len } else { at + udp.length };
            t.add_bytes(
                l,
                "Data",
                udp.payload_offset..end,
                "the application's bytes",
                format!("{} bytes", end.saturating_sub(udp.payload_offset)),
            );
        }
        Transport::Fragment => {
            t.add_bytes(
                "IP",
                "Fragment data",
                at..ip.total_len,
                "a piece of the datagram; IP reassembles it before UDP sees it",
                format!("{} bytes", ip.total_len.saturating_sub(at)),
            );
        }
        Transport::Other => {
            t.add_bytes(
                "IP",
                "Payload",
                at..ip.total_len,
                "a protocol netlens shows as bytes",
                format!("{} bytes", ip.total_len.saturating_sub(at)),
            );
        }
    }
    t.fields
}
