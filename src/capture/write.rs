//! Writes a trace as pcap or pcapng (link type raw IP), with microsecond timestamps stated
//! explicitly, so tshark and Wireshark show the same times netlens does. Written by hand: both
//! formats are a few fixed headers, and this way the timestamp resolution is never implicit.

use std::io::{self, Write};

use crate::trace::{PacketFate, Trace};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaptureFormat {
    Pcap,
    PcapNg,
}

impl CaptureFormat {
    /// pcapng for ".pcapng", pcap otherwise.
    pub fn for_path(path: &std::path::Path) -> Self {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pcapng")) { Self::PcapNg } else { Self::Pcap }
    }
}

const LINKTYPE_RAW: u16 = 101;
const SNAPLEN: u32 = 262_144;

/// Writes every packet of `trace`, stamped with its send (or capture) time.
pub fn write_capture(trace: &Trace, format: CaptureFormat, out: &mut impl Write) -> io::Result<()> {
    match format {
        CaptureFormat::Pcap => write_pcap(trace, out),
        CaptureFormat::PcapNg => write_pcapng(trace, out),
    }
}

fn epoch_us(trace: &Trace, t_us: u64) -> u64 {
    (trace.base_epoch_us.max(0) as u64).saturating_add(t_us)
}

fn write_pcap(trace: &Trace, out: &mut impl Write) -> io::Result<()> {
    let mut header = Vec::with_capacity(24);
    header.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes()); // microsecond timestamps
    header.extend_from_slice(&2u16.to_le_bytes());
    header.extend_from_slice(&4u16.to_le_bytes());
    header.extend_from_slice(&0i32.to_le_bytes());
    header.extend_from_slice(&0u32.to_le_bytes());
    header.extend_from_slice(&SNAPLEN.to_le_bytes());
    header.extend_from_slice(&u32::from(LINKTYPE_RAW).to_le_bytes());
    out.write_all(&header)?;
    for packet in &trace.packets {
        let bytes = trace.bytes(packet);
        let t = epoch_us(trace, packet.t_us);
        let mut record = Vec::with_capacity(16 + bytes.len());
        record.extend_from_slice(&((t / 1_000_000) as u32).to_le_bytes());
        record.extend_from_slice(&((t % 1_000_000) as u32).to_le_bytes());
        record.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        record.extend_from_slice(&packet.wire_len.max(bytes.len() as u32).to_le_bytes());
        record.extend_from_slice(bytes);
        out.write_all(&record)?;
    }
    Ok(())
}

fn pad4(buffer: &mut Vec<u8>) {
    while !buffer.len().is_multiple_of(4) {
        buffer.push(0);
    }
}

fn push_option(body: &mut Vec<u8>, code: u16, value: &[u8]) {
    body.extend_from_slice(&code.to_le_bytes());
    body.extend_from_slice(&(value.len() as u16).to_le_bytes());
    body.extend_from_slice(value);
    pad4(body);
}

fn write_block(out: &mut impl Write, block_type: u32, body: &[u8]) -> io::Result<()> {
    let total = (12 + body.len()) as u32;
    let mut block = Vec::with_capacity(total as usize);
    block.extend_from_slice(&block_type.to_le_bytes());
    block.extend_from_slice(&total.to_le_bytes());
    block.extend_from_slice(body);
    block.extend_from_slice(&total.to_le_bytes());
    out.write_all(&block)
}

fn write_pcapng(trace: &Trace, out: &mut impl Write) -> io::Result<()> {
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes()); // section length not given
    push_option(&mut shb, 4, format!("netlens {}", crate::version::version()).as_bytes()); // shb_userappl
    shb.extend_from_slice(&[0, 0, 0, 0]);
    write_block(out, 0x0a0d_0d0a, &shb)?;

    let mut idb = Vec::new();
    idb.extend_from_slice(&LINKTYPE_RAW.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&SNAPLEN.to_le_bytes());
    push_option(&mut idb, 2, trace.title.as_bytes()); // if_name
    push_option(&mut idb, 9, &[6]); // if_tsresol: 10^-6 s, said explicitly
    idb.extend_from_slice(&[0, 0, 0, 0]);
    write_block(out, 1, &idb)?;

    for packet in &trace.packets {
        let bytes = trace.bytes(packet);
        let t = epoch_us(trace, packet.t_us);
        let mut epb = Vec::with_capacity(32 + bytes.len());
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&((t >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(t as u32).to_le_bytes());
        epb.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        epb.extend_from_slice(&packet.wire_len.max(bytes.len() as u32).to_le_bytes());
        epb.extend_from_slice(bytes);
        pad4(&mut epb);
        if let PacketFate::Sim(fate) = packet.fate {
            let comment = format!("netlens: {}, {}", packet.label_text(), fate.name());
            push_option(&mut epb, 1, comment.as_bytes()); // opt_comment
            epb.extend_from_slice(&[0, 0, 0, 0]);
        }
        write_block(out, 6, &epb)?;
    }
    Ok(())
}
