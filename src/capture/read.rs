//! Reads pcap and pcapng files into a trace with pcap-parser. A damaged or truncated file
//! keeps every packet before the damage, and the trace says where the damage is.

use std::path::Path;

use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le, parse_sectionheaderblock};
use pcap_parser::{parse_pcap_frame, parse_pcap_frame_be, parse_pcap_header};

use super::link;
use crate::packet::{Decoded, decode_ip};
use crate::trace::{Trace, TraceBuilder};

/// Larger than any real frame; a bigger length in a record means the file is damaged.
const MAX_FRAME: u32 = 262_144;
const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// Reads a capture file. Errors (one line) only when nothing at all could be read. The file
/// is mapped into memory and the trace reads packet bytes from it in place, without copies.
pub fn open(path: &Path) -> Result<Trace, String> {
    open_with(path, true)
}

/// Like `open`; with `keep_bytes` false no packet bytes are kept once a packet is decoded and
/// labelled, which is all the command line's reports need.
pub fn open_with(path: &Path, keep_bytes: bool) -> Result<Trace, String> {
    let file = super::mapped::MappedFile::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file = std::sync::Arc::new(file);
    let title = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let in_place = keep_bytes.then(|| file.clone() as std::sync::Arc<dyn AsRef<[u8]> + Send + Sync>);
    read(file.bytes(), &title, 0, in_place)
}

/// Reads a capture held in memory, copying each packet's bytes into the trace.
pub fn read_bytes(data: &[u8], title: &str) -> Result<Trace, String> {
    read(data, title, usize::MAX, None)
}

/// `keep` bytes of each packet are copied, unless `in_place` is the file `data` lies in.
fn read(
    data: &[u8],
    title: &str,
    keep: usize,
    in_place: Option<std::sync::Arc<dyn AsRef<[u8]> + Send + Sync>>,
) -> Result<Trace, String> {
    if data.len() < 4 {
        return Err("not a capture file: too short".into());
    }
    let mut builder = TraceBuilder::new(title, 0);
    let file_base = in_place.as_ref().map(|_| data.as_ptr() as usize);
    if let Some(file) = in_place {
        builder.read_in_place(file);
    }
    let mut reader = Reader { builder, base_us: None, last_us: 0, unsupported: None, keep, file_base };
    let damage = if data[..4] == PCAPNG_MAGIC { reader.pcapng(data) } else { reader.pcap(data)? };
    if reader.builder.packets() == 0 {
        if let Some(linktype) = reader.unsupported {
            return Err(format!(
                "link type {linktype} is not one netlens reads (Ethernet, raw IP, Linux cooked, BSD loopback)"
            ));
        }
        if let Some(damage) = damage {
            return Err(format!("no packets could be read: {damage}"));
        }
    }
    let mut trace = reader.builder.finish(damage);
    trace.base_epoch_us = reader.base_us.unwrap_or(0);
    Ok(trace)
}

struct Reader {
    builder: TraceBuilder,
    base_us: Option<i64>,
    last_us: u64,
    unsupported: Option<i32>,
    /// Most bytes copied per packet.
    keep: usize,
    /// Where the file starts in memory, when packets are read from it in place.
    file_base: Option<usize>,
}

fn offset_in(data: &[u8], rest: &[u8]) -> usize {
    data.len() - rest.len()
}

impl Reader {
    fn frame(&mut self, linktype: i32, frame: &[u8], wire_len: u32, epoch_us: i64) {
        let ip = link::ip_payload(linktype, frame);
        let decoded = ip.and_then(|ip| decode_ip(ip).ok());
        self.decoded_frame(Frame { linktype, frame, ip, decoded, wire_len, epoch_us });
    }

    fn decoded_frame(&mut self, f: Frame<'_>) {
        if !link::supported(f.linktype) {
            self.unsupported = Some(f.linktype);
            self.builder.skip();
            return;
        }
        let Some(ip) = f.ip else {
            self.builder.skip();
            return;
        };
        let base = *self.base_us.get_or_insert(f.epoch_us);
        // Timestamps that run backwards are held at the previous one, so time only moves on.
        let t_us = (f.epoch_us.saturating_sub(base).max(0) as u64).max(self.last_us);
        self.last_us = t_us;
        let header = f.frame.len() - ip.len();
        let wire = (f.wire_len as usize).saturating_sub(header).max(ip.len());
        let in_file = self.file_base.map(|base| (ip.as_ptr() as usize - base) as u64);
        self.builder.push_decoded(ip, f.decoded, self.keep, wire, t_us, in_file);
    }

    /// Classic pcap, in two stages on two threads: one walks the records and decodes each
    /// packet's headers, the other (this one) labels them in order and builds the trace.
    fn pcap(&mut self, data: &[u8]) -> Result<Option<String>, String> {
        let (rest, header) =
            parse_pcap_header(data).map_err(|_| "not a pcap or pcapng file (unknown magic number)".to_string())?;
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Frame<'_>>>(8);
        std::thread::scope(|scope| {
            let walker = scope.spawn(move || walk_pcap(data, rest, &header, sender));
            for chunk in receiver {
                for frame in chunk {
                    self.decoded_frame(frame);
                }
            }
            walker.join().map_err(|_| "the capture reader stopped unexpectedly".to_string())
        })
    }

    fn pcapng(&mut self, data: &[u8]) -> Option<String> {
        struct Interface {
            linktype: i32,
            units_per_second: u64,
            offset_s: i64,
        }
        let mut interfaces: Vec<Interface> = Vec::new();
        let mut big_endian = false;
        let mut rest = data;
        let mut number = 0u64;
        let mut last_epoch_us = 0i64;
        while !rest.is_empty() {
            let at = offset_in(data, rest);
            let parsed = if rest.starts_with(&PCAPNG_MAGIC) {
                parse_sectionheaderblock(rest).map(|(next, shb)| {
                    big_endian = shb.big_endian();
                    (next, Block::SectionHeader(shb))
                })
            } else if big_endian {
                parse_block_be(rest)
            } else {
                parse_block_le(rest)
            };
            let (next, block) = match parsed {
                Ok(ok) => ok,
                Err(_) => return Some(damage_at(number + 1, at, data.len() - at)),
            };
            match block {
                // Interfaces are numbered per section.
                Block::SectionHeader(_) => interfaces.clear(),
                Block::InterfaceDescription(idb) => {
                    let Some(units_per_second) = units_per_second(idb.if_tsresol) else {
                        return Some(format!(
                            "interface {} at byte {at} has an impossible timestamp resolution (if_tsresol {:#04x}); stopped there",
                            interfaces.len(),
                            idb.if_tsresol
                        ));
                    };
                    interfaces.push(Interface {
                        linktype: idb.linktype.0,
                        units_per_second,
                        offset_s: idb.if_tsoffset,
                    });
                }
                Block::EnhancedPacket(epb) => {
                    number += 1;
                    let Some(interface) = interfaces.get(epb.if_id as usize) else {
                        return Some(format!(
                            "packet {number} at byte {at} names interface {} which was never described",
                            epb.if_id
                        ));
                    };
                    let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                    let Some(epoch_us) = pcapng_epoch_us(ticks, interface.units_per_second, interface.offset_s) else {
                        return Some(format!(
                            "packet {number} at byte {at} has a timestamp beyond any real date (interface offset {} s); stopped there",
                            interface.offset_s
                        ));
                    };
                    last_epoch_us = epoch_us;
                    let frame = &epb.data[..(epb.caplen as usize).min(epb.data.len())];
                    let linktype = interface.linktype;
                    self.frame(linktype, frame, epb.origlen, epoch_us);
                }
                Block::SimplePacket(spb) => {
                    number += 1;
                    let Some(interface) = interfaces.first() else {
                        return Some(format!("packet {number} at byte {at} comes before any interface description"));
                    };
                    let frame = &spb.data[..(spb.origlen as usize).min(spb.data.len())];
                    let linktype = interface.linktype;
                    // Simple packets carry no timestamp; they take the previous one.
                    self.frame(linktype, frame, spb.origlen, last_epoch_us);
                }
                _ => {}
            }
            rest = next;
        }
        None
    }
}

/// Timestamp units per second from pcapng's `if_tsresol`: 10^n, or 2^n when the top bit is set
/// (6, microseconds, when the option is absent). None for a resolution no u64 can count.
/// (pcap-parser's own helper refuses every power of two, so netlens reads the byte itself.)
fn units_per_second(if_tsresol: u8) -> Option<u64> {
    let n = u32::from(if_tsresol & 0x7f);
    if if_tsresol & 0x80 == 0 { 10u64.checked_pow(n) } else { 1u64.checked_shl(n).filter(|_| n < 64) }
}

/// Microseconds since 1970 for a pcapng timestamp of `ticks` units plus the interface's offset
/// in seconds; None when a crafted file makes it overflow.
fn pcapng_epoch_us(ticks: u64, units_per_second: u64, offset_s: i64) -> Option<i64> {
    let us = i64::try_from(u128::from(ticks) * 1_000_000 / u128::from(units_per_second.max(1))).ok()?;
    offset_s.checked_mul(1_000_000)?.checked_add(us)
}

/// One frame, its IP packet and that packet's decoded headers, ready to be labelled.
struct Frame<'a> {
    linktype: i32,
    frame: &'a [u8],
    ip: Option<&'a [u8]>,
    decoded: Option<Decoded>,
    wire_len: u32,
    epoch_us: i64,
}

/// Frames handed from the walking thread to the labelling thread at a time.
const CHUNK: usize = 2048;

/// Walks a classic pcap's records, sending decoded frames in chunks; returns the damage, if any.
fn walk_pcap<'a>(
    data: &'a [u8],
    mut rest: &'a [u8],
    header: &pcap_parser::PcapHeader,
    sender: std::sync::mpsc::SyncSender<Vec<Frame<'a>>>,
) -> Option<String> {
    let nanos = header.is_nanosecond_precision();
    let linktype = header.network.0;
    let mut number = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut damage = None;
    while !rest.is_empty() {
        number += 1;
        let at = offset_in(data, rest);
        let parsed = if header.is_bigendian() { parse_pcap_frame_be(rest) } else { parse_pcap_frame(rest) };
        let (next, block) = match parsed {
            Ok(ok) => ok,
            Err(_) => {
                damage = Some(damage_at(number, at, data.len() - at));
                break;
            }
        };
        if block.caplen > MAX_FRAME {
            damage = Some(format!(
                "packet {number} at byte {at} claims {} bytes, more than any real frame; stopped there",
                block.caplen
            ));
            break;
        }
        let sub = if nanos { i64::from(block.ts_usec) / 1000 } else { i64::from(block.ts_usec) };
        let epoch_us = i64::from(block.ts_sec) * 1_000_000 + sub;
        let frame = &block.data[..(block.caplen as usize).min(block.data.len())];
        let ip = link::ip_payload(linktype, frame);
        let decoded = ip.and_then(|ip| decode_ip(ip).ok());
        chunk.push(Frame { linktype, frame, ip, decoded, wire_len: block.origlen, epoch_us });
        if chunk.len() == CHUNK && sender.send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))).is_err() {
            return damage;
        }
        rest = next;
    }
    let _ = sender.send(chunk);
    damage
}

fn damage_at(number: u64, at: usize, left: usize) -> String {
    format!(
        "the file is cut short or damaged at byte {at}, in packet {number} ({left} bytes left over); every packet before it is shown"
    )
}

#[cfg(test)]
mod timestamp_tests {
    use super::*;

    #[test]
    fn resolutions_are_powers_of_ten_or_of_two_and_impossible_ones_are_refused() {
        assert_eq!(units_per_second(6), Some(1_000_000));
        assert_eq!(units_per_second(9), Some(1_000_000_000));
        assert_eq!(units_per_second(0x80 | 20), Some(1 << 20));
        assert_eq!(units_per_second(19), Some(10u64.pow(19)));
        assert_eq!(units_per_second(20), None);
        assert_eq!(units_per_second(0x80 | 64), None);
        assert_eq!(units_per_second(0xff), None);
    }

    #[test]
    fn timestamps_that_would_overflow_are_refused_not_wrapped() {
        assert_eq!(pcapng_epoch_us(3 << 20, 1 << 20, 100), Some(103_000_000));
        assert_eq!(pcapng_epoch_us(5, 1_000_000, -2), Some(-1_999_995));
        assert_eq!(pcapng_epoch_us(0, 1_000_000, i64::MAX), None);
        assert_eq!(pcapng_epoch_us(0, 1_000_000, i64::MIN), None);
        assert_eq!(pcapng_epoch_us(u64::MAX, 1, 0), None);
        assert_eq!(pcapng_epoch_us(u64::MAX, 1_000_000_000, i64::MAX / 1_000_000), None);
    }
}
