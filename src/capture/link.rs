//! Finds the IP packet inside a frame for each link type netlens reads.

/// Link-layer header types (https://www.tcpdump.org/linktypes.html).
pub const NULL: i32 = 0;
pub const ETHERNET: i32 = 1;
pub const RAW_OPENBSD: i32 = 12;
pub const RAW_BSDOS: i32 = 14;
pub const RAW: i32 = 101;
pub const LOOP: i32 = 108;
pub const LINUX_SLL: i32 = 113;
pub const IPV4: i32 = 228;
pub const IPV6: i32 = 229;
pub const LINUX_SLL2: i32 = 276;

pub fn supported(linktype: i32) -> bool {
    matches!(linktype, NULL | ETHERNET | RAW_OPENBSD | RAW_BSDOS | RAW | LOOP | LINUX_SLL | IPV4 | IPV6 | LINUX_SLL2)
}

fn ip_if(ethertype: u16, rest: &[u8]) -> Option<&[u8]> {
    matches!(ethertype, 0x0800 | 0x86dd).then_some(rest)
}

/// The IP packet carried by `frame`, or None for ARP and other non-IP frames.
pub fn ip_payload(linktype: i32, frame: &[u8]) -> Option<&[u8]> {
    match linktype {
        RAW | RAW_OPENBSD | RAW_BSDOS | IPV4 | IPV6 => Some(frame),
        ETHERNET => {
            let mut at = 12;
            let mut ethertype = u16::from_be_bytes([*frame.get(at)?, *frame.get(at + 1)?]);
            // Skip 802.1Q / 802.1ad VLAN tags.
            while matches!(ethertype, 0x8100 | 0x88a8) {
                at += 4;
                ethertype = u16::from_be_bytes([*frame.get(at)?, *frame.get(at + 1)?]);
            }
            ip_if(ethertype, frame.get(at + 2..)?)
        }
        LINUX_SLL => ip_if(u16::from_be_bytes([*frame.get(14)?, *frame.get(15)?]), frame.get(16..)?),
        LINUX_SLL2 => ip_if(u16::from_be_bytes([*frame.first()?, *frame.get(1)?]), frame.get(20..)?),
        NULL | LOOP => {
            let family = frame.get(..4)?;
            let le = u32::from_le_bytes([family[0], family[1], family[2], family[3]]);
            let be = u32::from_be_bytes([family[0], family[1], family[2], family[3]]);
            // AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 depending on the BSD.
            let is_ip = |f: u32| matches!(f, 2 | 24 | 28 | 30);
            (is_ip(le) || is_ip(be)).then(|| &frame[4..])
        }
        _ => None,
    }
}
