//! Reads pcap and pcapng files into a trace with pcap-parser. A damaged or truncated file
//! keeps every packet before the damage, and the trace says where the damage is.

use std::path::Path;

use pcap_parser::parse_pcap_header;

use super::link;
use super::records::{PCAPNG_MAGIC, PcapRecords, PcapngRecords, RawPacket, Record, RecordWalker};
use crate::packet::{Decoded, decode_ip};
use crate::trace::{Trace, TraceBuilder};

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
    let damage = if data[..4] == PCAPNG_MAGIC {
        reader.two_stage(data, data, PcapngRecords::default())?
    } else {
        let (rest, header) =
            parse_pcap_header(data).map_err(|_| "not a pcap or pcapng file (unknown magic number)".to_string())?;
        reader.two_stage(data, rest, PcapRecords { header })?
    };
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

    /// Either format, in two stages on two threads: one walks the file's records and decodes
    /// each packet's headers, the other (this one) labels them in order and builds the trace.
    #[cfg(not(target_arch = "wasm32"))]
    fn two_stage<'a>(
        &mut self,
        data: &'a [u8],
        records_from: &'a [u8],
        records: impl RecordWalker<'a>,
    ) -> Result<Option<String>, String> {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Frame<'_>>>(8);
        std::thread::scope(|scope| {
            let walker = scope.spawn(move || walk(data, records_from, records, |chunk| sender.send(chunk).is_ok()));
            for chunk in receiver {
                for frame in chunk {
                    self.decoded_frame(frame);
                }
            }
            walker.join().map_err(|_| "the capture reader stopped unexpectedly".to_string())
        })
    }

    /// A browser tab has one thread: the same two stages, one chunk after the other.
    #[cfg(target_arch = "wasm32")]
    fn two_stage<'a>(
        &mut self,
        data: &'a [u8],
        records_from: &'a [u8],
        records: impl RecordWalker<'a>,
    ) -> Result<Option<String>, String> {
        Ok(walk(data, records_from, records, |chunk| {
            for frame in chunk {
                self.decoded_frame(frame);
            }
            true
        }))
    }
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

/// Walks a file's records, numbering packets and decoding each one's headers, and hands them to
/// `send` in chunks (it returns false when no one takes them any more); returns the damage that
/// stopped the walk, if any. Both formats go through here, so packet numbers, byte offsets and
/// damage messages mean the same in each.
fn walk<'a>(
    data: &'a [u8],
    mut rest: &'a [u8],
    mut records: impl RecordWalker<'a>,
    mut send: impl FnMut(Vec<Frame<'a>>) -> bool,
) -> Option<String> {
    let mut number = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut damage = None;
    while !rest.is_empty() {
        let at = offset_in(data, rest);
        match records.next(&mut rest) {
            Record::NoPacket => continue,
            Record::Damaged => {
                damage = Some(damage_at(number + 1, at, data.len() - at));
                break;
            }
            Record::Refused { packet: true, reason } => {
                damage = Some(format!("packet {} at byte {at} {reason}; stopped there", number + 1));
                break;
            }
            Record::Refused { packet: false, reason } => {
                damage = Some(format!("{reason}, at byte {at}; stopped there"));
                break;
            }
            Record::Packet(RawPacket { linktype, frame, wire_len, epoch_us }) => {
                number += 1;
                let ip = link::ip_payload(linktype, frame);
                let decoded = ip.and_then(|ip| decode_ip(ip).ok());
                chunk.push(Frame { linktype, frame, ip, decoded, wire_len, epoch_us });
                if chunk.len() == CHUNK && !send(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))) {
                    return damage;
                }
            }
        }
    }
    send(chunk);
    damage
}

fn damage_at(number: u64, at: usize, left: usize) -> String {
    format!(
        "the file is cut short or damaged at byte {at}, in packet {number} ({left} bytes left over); every packet before it is shown"
    )
}
