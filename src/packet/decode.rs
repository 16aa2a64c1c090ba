//! Decodes an IP packet's headers (IPv4/IPv6, TCP/UDP) into compact numbers. Works on
//! captures cut short by a snapshot length: lengths come from the headers, as tcpdump does.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

pub const FIN: u16 = 0x01;
pub const SYN: u16 = 0x02;
pub const RST: u16 = 0x04;
pub const PSH: u16 = 0x08;
pub const ACK: u16 = 0x10;
pub const URG: u16 = 0x20;
pub const ECE: u16 = 0x40;
pub const CWR: u16 = 0x80;

const FLAG_NAMES: [(u16, &str); 8] =
    [(SYN, "SYN"), (FIN, "FIN"), (RST, "RST"), (PSH, "PSH"), (ACK, "ACK"), (URG, "URG"), (ECE, "ECE"), (CWR, "CWR")];

/// TCP flags as names joined by commas, e.g. "SYN,ACK" (SYN and FIN first, as people say them).
pub fn flag_names(flags: u16) -> String {
    let names: Vec<&str> = FLAG_NAMES.iter().filter(|(bit, _)| flags & bit != 0).map(|(_, name)| *name).collect();
    names.join(",")
}

#[derive(Clone, Debug, PartialEq)]
pub struct IpHeader {
    pub version: u8,
    pub header_len: usize,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// The protocol of the payload (after any IPv6 extension headers).
    pub protocol: u8,
    pub ttl: u8,
    /// The whole packet's length according to the header.
    pub total_len: usize,
    pub id: u32,
    /// Fragment offset in bytes.
    pub fragment_offset: u32,
    pub more_fragments: bool,
    pub dont_fragment: bool,
}

impl IpHeader {
    pub fn is_fragment(&self) -> bool {
        self.more_fragments || self.fragment_offset > 0
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TcpHeader {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub header_len: usize,
    pub flags: u16,
    pub window: u16,
    pub payload_len: usize,
    /// Where the payload starts in the packet bytes.
    pub payload_offset: usize,
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub sack_blocks: usize,
}

impl TcpHeader {
    /// Sequence space this segment uses: its data plus one for SYN and one for FIN.
    pub fn seq_len(&self) -> u32 {
        self.payload_len as u32 + u32::from(self.flags & SYN != 0) + u32::from(self.flags & FIN != 0)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct UdpHeader {
    pub src_port: u16,
    pub dst_port: u16,
    pub length: usize,
    pub payload_offset: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Transport {
    Tcp(TcpHeader),
    Udp(UdpHeader),
    /// A later IP fragment: its bytes continue a transport header sent in the first fragment.
    Fragment,
    /// Another protocol (ICMP, …) or a transport header cut off by the capture.
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub ip: IpHeader,
    pub transport: Transport,
}

impl Decoded {
    pub fn tcp(&self) -> Option<&TcpHeader> {
        match &self.transport {
            Transport::Tcp(tcp) => Some(tcp),
            _ => None,
        }
    }

    pub fn ports(&self) -> Option<(u16, u16)> {
        match &self.transport {
            Transport::Tcp(t) => Some((t.src_port, t.dst_port)),
            Transport::Udp(u) => Some((u.src_port, u.dst_port)),
            _ => None,
        }
    }

    /// "address:port" (IPv6 in brackets) for the sender.
    pub fn from_text(&self) -> String {
        endpoint_text(self.ip.src, self.ports().map(|p| p.0))
    }

    pub fn to_text(&self) -> String {
        endpoint_text(self.ip.dst, self.ports().map(|p| p.1))
    }
}

pub fn endpoint_text(address: IpAddr, port: Option<u16>) -> String {
    match (address, port) {
        (IpAddr::V4(a), Some(p)) => format!("{a}:{p}"),
        (IpAddr::V6(a), Some(p)) => format!("[{a}]:{p}"),
        (a, None) => a.to_string(),
    }
}

fn be16(bytes: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([bytes[at], bytes[at + 1]])
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

/// Decodes an IP packet, or says in a few words why it cannot.
pub fn decode_ip(bytes: &[u8]) -> Result<Decoded, String> {
    let Some(first) = bytes.first() else { return Err("empty packet".into()) };
    let ip = match first >> 4 {
        4 => ipv4(bytes)?,
        6 => ipv6(bytes)?,
        v => return Err(format!("not IPv4 or IPv6 (version {v})")),
    };
    let start = ip.header_len;
    let transport = if ip.fragment_offset > 0 {
        Transport::Fragment
    } else {
        match ip.protocol {
            6 => tcp(bytes, start, ip.total_len).map_or(Transport::Other, Transport::Tcp),
            17 => udp(bytes, start).map_or(Transport::Other, Transport::Udp),
            _ => Transport::Other,
        }
    };
    Ok(Decoded { ip, transport })
}

fn ipv4(b: &[u8]) -> Result<IpHeader, String> {
    if b.len() < 20 {
        return Err(format!("IPv4 header cut short ({} of 20 bytes)", b.len()));
    }
    let header_len = usize::from(b[0] & 0x0f) * 4;
    if header_len < 20 {
        return Err(format!("IPv4 header length {header_len} is below the minimum 20"));
    }
    let total_len = usize::from(be16(b, 2));
    let flags_fragment = be16(b, 6);
    Ok(IpHeader {
        version: 4,
        header_len,
        src: IpAddr::V4(Ipv4Addr::new(b[12], b[13], b[14], b[15])),
        dst: IpAddr::V4(Ipv4Addr::new(b[16], b[17], b[18], b[19])),
        protocol: b[9],
        ttl: b[8],
        // TSO captures show 0 here; then the captured length is all we know.
        total_len: if total_len == 0 { b.len() } else { total_len },
        id: u32::from(be16(b, 4)),
        fragment_offset: u32::from(flags_fragment & 0x1fff) * 8,
        more_fragments: flags_fragment & 0x2000 != 0,
        dont_fragment: flags_fragment & 0x4000 != 0,
    })
}

fn ipv6(b: &[u8]) -> Result<IpHeader, String> {
    if b.len() < 40 {
        return Err(format!("IPv6 header cut short ({} of 40 bytes)", b.len()));
    }
    let address = |at: usize| {
        let mut octets = [0u8; 16];
        octets.copy_from_slice(&b[at..at + 16]);
        IpAddr::V6(Ipv6Addr::from(octets))
    };
    let mut header = IpHeader {
        version: 6,
        header_len: 40,
        src: address(8),
        dst: address(24),
        protocol: b[6],
        ttl: b[7],
        total_len: 40 + usize::from(be16(b, 4)),
        id: 0,
        fragment_offset: 0,
        more_fragments: false,
        dont_fragment: false,
    };
    // Walk the extension headers to the transport protocol.
    loop {
        let at = header.header_len;
        match header.protocol {
            0 | 43 | 60 if b.len() >= at + 2 => {
                header.protocol = b[at];
                header.header_len += (usize::from(b[at + 1]) + 1) * 8;
            }
            44 if b.len() >= at + 8 => {
                header.protocol = b[at];
                let offset_flags = be16(b, at + 2);
                header.fragment_offset = u32::from(offset_flags >> 3) * 8;
                header.more_fragments = offset_flags & 1 != 0;
                header.id = be32(b, at + 4);
                header.header_len += 8;
            }
            51 if b.len() >= at + 2 => {
                header.protocol = b[at];
                header.header_len += (usize::from(b[at + 1]) + 2) * 4;
            }
            _ => break,
        }
    }
    Ok(header)
}

fn tcp(b: &[u8], at: usize, total_len: usize) -> Option<TcpHeader> {
    if b.len() < at + 20 {
        return None;
    }
    let header_len = usize::from(b[at + 12] >> 4) * 4;
    let mut header = TcpHeader {
        src_port: be16(b, at),
        dst_port: be16(b, at + 2),
        seq: be32(b, at + 4),
        ack: be32(b, at + 8),
        header_len,
        flags: be16(b, at + 12) & 0x01ff,
        window: be16(b, at + 14),
        payload_len: total_len.saturating_sub(at + header_len),
        payload_offset: at + header_len,
        mss: None,
        window_scale: None,
        sack_permitted: false,
        sack_blocks: 0,
    };
    let options_end = (at + header_len).min(b.len());
    let mut i = at + 20;
    while i < options_end {
        let kind = b[i];
        if kind == 0 {
            break;
        }
        if kind == 1 {
            i += 1;
            continue;
        }
        let Some(&len) = b.get(i + 1) else { break };
        let len = usize::from(len);
        if len < 2 || i + len > options_end {
            break;
        }
        match (kind, len) {
            (2, 4) => header.mss = Some(be16(b, i + 2)),
            (3, 3) => header.window_scale = Some(b[i + 2]),
            (4, 2) => header.sack_permitted = true,
            (5, _) => header.sack_blocks = (len - 2) / 8,
            _ => {}
        }
        i += len;
    }
    Some(header)
}

fn udp(b: &[u8], at: usize) -> Option<UdpHeader> {
    (b.len() >= at + 8).then(|| UdpHeader {
        src_port: be16(b, at),
        dst_port: be16(b, at + 2),
        length: usize::from(be16(b, at + 4)),
        payload_offset: at + 8,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_names_read_like_people_say_them() {
        assert_eq!(flag_names(SYN | ACK), "SYN,ACK");
        assert_eq!(flag_names(FIN | ACK | PSH), "FIN,PSH,ACK");
        assert_eq!(flag_names(0), "");
    }

    #[test]
    fn rejects_garbage_with_a_reason() {
        assert!(decode_ip(&[]).unwrap_err().contains("empty"));
        assert!(decode_ip(&[0x45, 0, 0]).unwrap_err().contains("cut short"));
        assert!(decode_ip(&[0x15; 40]).unwrap_err().contains("version 1"));
    }
}
