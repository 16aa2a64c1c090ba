//! The two file formats' record walkers. Each knows only how its format lays out records and
//! timestamps; everything else (numbering packets, byte offsets, decoding, damage messages) is
//! done once for both by the reader's walk (`read.rs`).

use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le, parse_sectionheaderblock};
use pcap_parser::{PcapHeader, parse_pcap_frame, parse_pcap_frame_be};

/// Larger than any real frame; a bigger length in a record means the file is damaged.
pub const MAX_FRAME: u32 = 262_144;
pub const PCAPNG_MAGIC: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];

/// One captured frame as the file stores it.
pub struct RawPacket<'a> {
    pub linktype: i32,
    pub frame: &'a [u8],
    /// The frame's length on the wire (at least `frame.len()` unless the file lies).
    pub wire_len: u32,
    pub epoch_us: i64,
}

/// What a walker found at the current position.
pub enum Record<'a> {
    Packet(RawPacket<'a>),
    /// A record that carries no packet (an interface description, statistics, a comment).
    NoPacket,
    /// The bytes do not parse as a record: the file is cut short or damaged here.
    Damaged,
    /// The record parses but cannot be believed; the reason completes "packet N at byte B …"
    /// when `packet` is set, or stands alone before "at byte B".
    Refused {
        packet: bool,
        reason: String,
    },
}

/// A format's records, one at a time from the front of `rest`, which each call moves past the
/// record it returns (unless it returns `Damaged` or `Refused`, which end the walk).
pub trait RecordWalker<'a>: Send {
    fn next(&mut self, rest: &mut &'a [u8]) -> Record<'a>;
}

/// Classic pcap: one header (already read), then records of one link type.
pub struct PcapRecords {
    pub header: PcapHeader,
}

impl<'a> RecordWalker<'a> for PcapRecords {
    fn next(&mut self, rest: &mut &'a [u8]) -> Record<'a> {
        let parsed = if self.header.is_bigendian() { parse_pcap_frame_be(rest) } else { parse_pcap_frame(rest) };
        let Ok((next, block)) = parsed else { return Record::Damaged };
        if block.caplen > MAX_FRAME {
            let reason = format!("claims {} bytes, more than any real frame", block.caplen);
            return Record::Refused { packet: true, reason };
        }
        let sub_us = if self.header.is_nanosecond_precision() {
            i64::from(block.ts_usec) / 1000
        } else {
            i64::from(block.ts_usec)
        };
        *rest = next;
        Record::Packet(RawPacket {
            linktype: self.header.network.0,
            frame: &block.data[..(block.caplen as usize).min(block.data.len())],
            wire_len: block.origlen,
            epoch_us: i64::from(block.ts_sec) * 1_000_000 + sub_us,
        })
    }
}

/// An interface described in a pcapng section.
struct Interface {
    linktype: i32,
    units_per_second: u64,
    offset_s: i64,
}

/// pcapng: sections (each with its byte order) of interface descriptions and packet blocks.
#[derive(Default)]
pub struct PcapngRecords {
    /// The current section's interfaces, by index.
    interfaces: Vec<Interface>,
    big_endian: bool,
    /// Simple packet blocks carry no timestamp; they take the previous packet's.
    last_epoch_us: i64,
}

/// pcapng's enhanced packet block type, and the bytes around its packet data: type, length,
/// interface, two timestamp halves, captured and original length before; length after.
const EPB_TYPE: u32 = 6;
const EPB_FIXED: usize = 32;

impl PcapngRecords {
    fn u32_at(&self, bytes: &[u8], at: usize) -> Option<u32> {
        let word: [u8; 4] = bytes.get(at..at + 4)?.try_into().ok()?;
        Some(if self.big_endian { u32::from_be_bytes(word) } else { u32::from_le_bytes(word) })
    }

    /// An enhanced packet block read directly: nearly every block of a capture is one, and
    /// pcap-parser's general block parser (options and all) made pcapng half as fast as pcap.
    /// Strict: lengths must be consistent or the block goes to the general parser, which says
    /// why it is damaged. None when `rest` does not start with a well-formed EPB.
    fn enhanced_packet<'a>(&mut self, rest: &mut &'a [u8]) -> Option<Record<'a>> {
        let bytes: &'a [u8] = rest;
        if self.u32_at(bytes, 0)? != EPB_TYPE {
            return None;
        }
        let len = self.u32_at(bytes, 4)? as usize;
        let caplen = self.u32_at(bytes, 20)? as usize;
        let padded = caplen.checked_add(3)? & !3;
        if !len.is_multiple_of(4)
            || len > bytes.len()
            || EPB_FIXED.checked_add(padded)? > len
            || self.u32_at(bytes, len - 4)? as usize != len
        {
            return None;
        }
        let if_id = self.u32_at(bytes, 8)?;
        let Some(interface) = self.interfaces.get(if_id as usize) else {
            let reason = format!("names interface {if_id} which was never described");
            return Some(Record::Refused { packet: true, reason });
        };
        let ticks = (u64::from(self.u32_at(bytes, 12)?) << 32) | u64::from(self.u32_at(bytes, 16)?);
        let Some(epoch_us) = pcapng_epoch_us(ticks, interface.units_per_second, interface.offset_s) else {
            let reason = format!("has a timestamp beyond any real date (interface offset {} s)", interface.offset_s);
            return Some(Record::Refused { packet: true, reason });
        };
        let record = Record::Packet(RawPacket {
            linktype: interface.linktype,
            frame: &bytes[28..28 + caplen],
            wire_len: self.u32_at(bytes, 24)?,
            epoch_us,
        });
        self.last_epoch_us = epoch_us;
        *rest = &bytes[len..];
        Some(record)
    }
}

impl<'a> RecordWalker<'a> for PcapngRecords {
    fn next(&mut self, rest: &mut &'a [u8]) -> Record<'a> {
        if let Some(record) = self.enhanced_packet(rest) {
            return record;
        }
        let parsed = if rest.starts_with(&PCAPNG_MAGIC) {
            parse_sectionheaderblock(rest).map(|(next, shb)| {
                self.big_endian = shb.big_endian();
                (next, Block::SectionHeader(shb))
            })
        } else if self.big_endian {
            parse_block_be(rest)
        } else {
            parse_block_le(rest)
        };
        let Ok((next, block)) = parsed else { return Record::Damaged };
        let record = match block {
            // Interfaces are numbered per section.
            Block::SectionHeader(_) => {
                self.interfaces.clear();
                Record::NoPacket
            }
            Block::InterfaceDescription(idb) => {
                let Some(units_per_second) = units_per_second(idb.if_tsresol) else {
                    let reason = format!(
                        "interface {} has an impossible timestamp resolution (if_tsresol {:#04x})",
                        self.interfaces.len(),
                        idb.if_tsresol
                    );
                    return Record::Refused { packet: false, reason };
                };
                self.interfaces.push(Interface {
                    linktype: idb.linktype.0,
                    units_per_second,
                    offset_s: idb.if_tsoffset,
                });
                Record::NoPacket
            }
            Block::EnhancedPacket(epb) => {
                let Some(interface) = self.interfaces.get(epb.if_id as usize) else {
                    let reason = format!("names interface {} which was never described", epb.if_id);
                    return Record::Refused { packet: true, reason };
                };
                let ticks = (u64::from(epb.ts_high) << 32) | u64::from(epb.ts_low);
                let Some(epoch_us) = pcapng_epoch_us(ticks, interface.units_per_second, interface.offset_s) else {
                    let reason =
                        format!("has a timestamp beyond any real date (interface offset {} s)", interface.offset_s);
                    return Record::Refused { packet: true, reason };
                };
                self.last_epoch_us = epoch_us;
                Record::Packet(RawPacket {
                    linktype: interface.linktype,
                    frame: &epb.data[..(epb.caplen as usize).min(epb.data.len())],
                    wire_len: epb.origlen,
                    epoch_us,
                })
            }
            Block::SimplePacket(spb) => {
                let Some(interface) = self.interfaces.first() else {
                    let reason = "comes before any interface description".to_string();
                    return Record::Refused { packet: true, reason };
                };
                Record::Packet(RawPacket {
                    linktype: interface.linktype,
                    frame: &spb.data[..(spb.origlen as usize).min(spb.data.len())],
                    wire_len: spb.origlen,
                    epoch_us: self.last_epoch_us,
                })
            }
            _ => Record::NoPacket,
        };
        *rest = next;
        record
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
