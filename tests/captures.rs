//! Capture files: our pcap/pcapng round trip, tshark reading what we write, every link type
//! and byte order we promise to read, several sections and interfaces, and damaged files.

use std::process::Command;

use netlens::capture::{CaptureFormat, read_bytes, write_capture};
use netlens::packet::LabelKind;
use netlens::sim::{Scene, simulate};
use netlens::trace::Trace;

fn lossy() -> Trace {
    Trace::from_sim(simulate(&Scene::named("lossy-transfer").unwrap()))
}

fn written(trace: &Trace, format: CaptureFormat) -> Vec<u8> {
    let mut out = Vec::new();
    write_capture(trace, format, &mut out).unwrap();
    out
}

#[test]
fn pcap_and_pcapng_round_trip_bytes_times_and_labels() {
    let original = lossy();
    for format in [CaptureFormat::Pcap, CaptureFormat::PcapNg] {
        let read = read_bytes(&written(&original, format), "x").unwrap();
        assert!(read.damage.is_none(), "{format:?}: {:?}", read.damage);
        assert_eq!(read.packets.len(), original.packets.len(), "{format:?}");
        assert_eq!(read.base_epoch_us, original.base_epoch_us, "{format:?}");
        for (a, b) in original.packets.iter().zip(&read.packets) {
            assert_eq!(original.bytes(a), read.bytes(b));
            assert_eq!(a.t_us, b.t_us, "{format:?} #{}", a.number);
            assert_eq!(
                a.analysis.kind, b.analysis.kind,
                "{format:?} #{}: labels are computed from the packets alone",
                a.number
            );
        }
    }
}

/// tshark's version line, or why the comparison is skipped. Without tshark the test is skipped
/// with a printed reason, so `cargo test` works on a fresh machine; with `CI=true` it is required.
fn tshark_available() -> Option<String> {
    match Command::new("tshark").arg("--version").output() {
        Ok(out) if out.status.success() => {
            Some(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string())
        }
        _ => {
            let required = std::env::var("CI").is_ok_and(|v| v == "true");
            assert!(
                !required,
                "CI=true and tshark is missing: install it (apt-get install -y tshark), as .ci/run does"
            );
            eprintln!("skipped: tshark is not installed (apt-get install -y tshark); CI=true makes this test required");
            None
        }
    }
}

fn tshark_fields(path: &std::path::Path, fields: &[&str]) -> Vec<Vec<String>> {
    let mut command = Command::new("tshark");
    command.args(["-n", "-r"]).arg(path).args(["-T", "fields", "-E", "separator=|"]);
    for field in fields {
        command.args(["-e", field]);
    }
    let output = command.output().expect("tshark runs (checked by tshark_available)");
    assert!(output.status.success(), "tshark failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap().lines().map(|l| l.split('|').map(str::to_string).collect()).collect()
}

#[test]
fn tshark_reads_our_captures_with_the_same_packets_flags_and_times() {
    let Some(version) = tshark_available() else { return };
    eprintln!("comparing with {version}");
    let trace = lossy();
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [("run.pcap", CaptureFormat::Pcap), ("run.pcapng", CaptureFormat::PcapNg)] {
        let path = dir.path().join(name);
        std::fs::write(&path, written(&trace, format)).unwrap();
        let rows = tshark_fields(&path, &["frame.time_epoch", "tcp.flags", "tcp.seq_raw", "tcp.len"]);
        assert_eq!(rows.len(), trace.packets.len(), "{name}: packet count");
        for (row, p) in rows.iter().zip(&trace.packets) {
            let epoch_us = (row[0].parse::<f64>().unwrap() * 1e6).round() as i64;
            assert_eq!(epoch_us, trace.base_epoch_us + p.t_us as i64, "{name} #{} time", p.number);
            let flags = u16::from_str_radix(row[1].trim_start_matches("0x"), 16).unwrap();
            assert_eq!(flags & 0xff, p.flags & 0xff, "{name} #{} flags", p.number);
            assert_eq!(row[2].parse::<u32>().unwrap(), p.seq, "{name} #{} seq", p.number);
            assert_eq!(row[3].parse::<u32>().unwrap(), p.len, "{name} #{} len", p.number);
        }
    }
}

// --- Hand-made captures: frames wrapped in each link type, headers in each byte order. ---

fn ip_packets() -> Vec<Vec<u8>> {
    let run = simulate(&Scene::named("handshake").unwrap());
    run.packets.into_iter().map(|p| p.bytes).collect()
}

fn wrap(linktype: u32, ip: &[u8], big_endian_host: bool) -> Vec<u8> {
    let v4 = ip[0] >> 4 == 4;
    let mut frame = Vec::new();
    match linktype {
        1 => {
            frame.extend_from_slice(&[2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2]);
            frame.extend_from_slice(&[0x81, 0x00, 0x00, 0x05]); // a VLAN tag
            frame.extend_from_slice(if v4 { &[0x08, 0x00] } else { &[0x86, 0xdd] });
        }
        113 => {
            frame.extend_from_slice(&[0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]);
            frame.extend_from_slice(if v4 { &[0x08, 0x00] } else { &[0x86, 0xdd] });
        }
        276 => {
            frame.extend_from_slice(if v4 { &[0x08, 0x00] } else { &[0x86, 0xdd] });
            frame.extend_from_slice(&[0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0]); // 20 bytes in all
        }
        0 => {
            let family: u32 = if v4 { 2 } else { 30 };
            frame.extend_from_slice(&if big_endian_host { family.to_be_bytes() } else { family.to_le_bytes() });
        }
        _ => {}
    }
    frame.extend_from_slice(ip);
    frame
}

/// A classic pcap in either byte order, with micro- or nanosecond timestamps.
fn pcap(linktype: u32, big_endian: bool, nanos: bool, frames: &[Vec<u8>]) -> Vec<u8> {
    let w32 = |v: u32| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let w16 = |v: u16| if big_endian { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut out = Vec::new();
    out.extend_from_slice(&w32(if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 }));
    out.extend_from_slice(&w16(2));
    out.extend_from_slice(&w16(4));
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&w32(65535));
    out.extend_from_slice(&w32(linktype));
    for (i, frame) in frames.iter().enumerate() {
        out.extend_from_slice(&w32(1_700_000_000));
        out.extend_from_slice(&w32(if nanos { 1000 * (i as u32 * 250) } else { i as u32 * 250 }));
        out.extend_from_slice(&w32(frame.len() as u32));
        out.extend_from_slice(&w32(frame.len() as u32));
        out.extend_from_slice(frame);
    }
    out
}

#[test]
fn reads_every_link_type_in_both_byte_orders_and_both_resolutions() {
    let packets = ip_packets();
    for linktype in [1u32, 101, 113, 276, 0, 228] {
        for big_endian in [false, true] {
            for nanos in [false, true] {
                let frames: Vec<Vec<u8>> = packets.iter().map(|p| wrap(linktype, p, big_endian)).collect();
                let trace = read_bytes(&pcap(linktype, big_endian, nanos, &frames), "t")
                    .unwrap_or_else(|e| panic!("linktype {linktype} be={big_endian}: {e}"));
                let what = format!("linktype {linktype}, big-endian {big_endian}, ns {nanos}");
                assert_eq!(trace.packets.len(), 3, "{what}");
                assert_eq!(trace.packets[1].t_us, 250, "{what}: timestamps");
                let kinds: Vec<_> = trace.packets.iter().map(|p| p.analysis.kind).collect();
                assert_eq!(kinds, vec![LabelKind::Syn, LabelKind::SynAck, LabelKind::Ack], "{what}");
                assert_eq!(trace.conversations.len(), 1, "{what}");
            }
        }
    }
}

fn ng_block(out: &mut Vec<u8>, block_type: u32, body: &[u8], be: bool) {
    let w = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let total = 12 + body.len() as u32;
    out.extend_from_slice(&w(block_type));
    out.extend_from_slice(&w(total));
    out.extend_from_slice(body);
    out.extend_from_slice(&w(total));
}

/// A pcapng section in the given byte order with two interfaces: Ethernet (µs) and raw IP
/// (ns, via if_tsresol = 9). Packets alternate between them.
fn pcapng_section(be: bool, packets: &[Vec<u8>], out: &mut Vec<u8>) {
    let w32 = |v: u32| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let w16 = |v: u16| if be { v.to_be_bytes() } else { v.to_le_bytes() };
    let mut shb = Vec::new();
    shb.extend_from_slice(&w32(0x1a2b_3c4d));
    shb.extend_from_slice(&w16(1));
    shb.extend_from_slice(&w16(0));
    shb.extend_from_slice(&[0xff; 8]);
    ng_block(out, 0x0a0d_0d0a, &shb, be);
    for (linktype, resolution) in [(1u16, None), (101u16, Some(9u8))] {
        let mut idb = Vec::new();
        idb.extend_from_slice(&w16(linktype));
        idb.extend_from_slice(&w16(0));
        idb.extend_from_slice(&w32(65535));
        if let Some(r) = resolution {
            idb.extend_from_slice(&w16(9));
            idb.extend_from_slice(&w16(1));
            idb.extend_from_slice(&[r, 0, 0, 0]);
            idb.extend_from_slice(&[0, 0, 0, 0]);
        }
        ng_block(out, 1, &idb, be);
    }
    for (i, ip) in packets.iter().enumerate() {
        let interface = (i % 2) as u32;
        let frame = if interface == 0 { wrap(1, ip, false) } else { ip.clone() };
        let seconds = 1_700_000_000u64 + i as u64;
        let ticks = if interface == 0 { seconds * 1_000_000 } else { seconds * 1_000_000_000 };
        let mut epb = Vec::new();
        epb.extend_from_slice(&w32(interface));
        epb.extend_from_slice(&w32((ticks >> 32) as u32));
        epb.extend_from_slice(&w32(ticks as u32));
        epb.extend_from_slice(&w32(frame.len() as u32));
        epb.extend_from_slice(&w32(frame.len() as u32));
        epb.extend_from_slice(&frame);
        while epb.len() % 4 != 0 {
            epb.push(0);
        }
        ng_block(out, 6, &epb, be);
    }
}

#[test]
fn reads_pcapng_with_several_sections_interfaces_resolutions_and_byte_orders() {
    let packets = ip_packets();
    let mut file = Vec::new();
    pcapng_section(false, &packets, &mut file);
    pcapng_section(true, &packets, &mut file);
    let trace = read_bytes(&file, "ng").unwrap();
    assert!(trace.damage.is_none(), "{:?}", trace.damage);
    assert_eq!(trace.packets.len(), 6);
    let times: Vec<u64> = trace.packets.iter().map(|p| p.t_us).collect();
    assert_eq!(times, vec![0, 1_000_000, 2_000_000, 2_000_000, 2_000_000, 2_000_000], "time never runs backwards");
    assert_eq!(trace.packets[2].analysis.kind, LabelKind::Ack);
}

#[test]
fn a_cut_capture_keeps_every_packet_before_the_damage_and_says_where() {
    let bytes = written(&lossy(), CaptureFormat::Pcap);
    let full = read_bytes(&bytes, "x").unwrap();
    let cut = &bytes[..bytes.len() - 700];
    let trace = read_bytes(cut, "x").unwrap();
    let damage = trace.damage.clone().expect("damage is reported");
    assert!(!trace.packets.is_empty() && trace.packets.len() < full.packets.len());
    for (a, b) in trace.packets.iter().zip(&full.packets) {
        assert_eq!(trace.bytes(a), full.bytes(b), "packets before the damage are intact");
    }
    assert!(damage.contains(&format!("packet {}", trace.packets.len() + 1)), "{damage}");
    assert!(damage.contains("byte"), "{damage}");

    let ng = written(&lossy(), CaptureFormat::PcapNg);
    let trace = read_bytes(&ng[..ng.len() / 2], "x").unwrap();
    assert!(trace.damage.is_some() && !trace.packets.is_empty());

    // A record claiming an absurd length stops reading there, without allocating it.
    let mut absurd = bytes.clone();
    let second_record = 24 + 16 + usize::try_from(u32::from_le_bytes(bytes[32..36].try_into().unwrap())).unwrap();
    absurd[second_record + 8..second_record + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    let trace = read_bytes(&absurd, "x").unwrap();
    assert_eq!(trace.packets.len(), 1);
    assert!(trace.damage.is_some());
}

/// Both formats go through one walk: cut inside the same packet, they keep the same packets and
/// name the same packet number. An enhanced packet block whose lengths disagree is damage at
/// that packet, never a misread frame.
#[test]
fn pcap_and_pcapng_cut_at_the_same_packet_say_the_same_and_inconsistent_blocks_are_damage() {
    let trace = lossy();
    let (pcap, ng) = (written(&trace, CaptureFormat::Pcap), written(&trace, CaptureFormat::PcapNg));
    let full = read_bytes(&ng, "ng").unwrap();
    assert!(full.damage.is_none());
    assert_eq!(full.packets.len(), read_bytes(&pcap, "pcap").unwrap().packets.len());
    // Cut both 10 bytes into packet 5's record (pcap: 24-byte header, 16 per record; pcapng:
    // the EPBs follow the section and interface blocks).
    let pcap_record = |n: usize| {
        let mut at = 24;
        for _ in 1..n {
            at += 16 + u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        }
        at
    };
    let ng_block = |n: usize| {
        let (mut at, mut seen) = (0, 0);
        loop {
            let kind = u32::from_le_bytes(ng[at..at + 4].try_into().unwrap());
            if kind == 6 {
                seen += 1;
                if seen == n {
                    return at;
                }
            }
            at += u32::from_le_bytes(ng[at + 4..at + 8].try_into().unwrap()) as usize;
        }
    };
    let a = read_bytes(&pcap[..pcap_record(5) + 10], "a").unwrap();
    let b = read_bytes(&ng[..ng_block(5) + 10], "b").unwrap();
    assert_eq!((a.packets.len(), b.packets.len()), (4, 4));
    for damage in [a.damage.unwrap(), b.damage.unwrap()] {
        assert!(damage.contains("in packet 5"), "{damage}");
    }
    // Packet 3's trailing length no longer matches its leading one.
    let mut bad = ng.clone();
    let at = ng_block(3);
    let len = u32::from_le_bytes(bad[at + 4..at + 8].try_into().unwrap()) as usize;
    bad[at + len - 4..at + len].copy_from_slice(&(len as u32 + 4).to_le_bytes());
    let read = read_bytes(&bad, "bad").unwrap();
    assert_eq!(read.packets.len(), 2);
    assert!(read.damage.as_deref().is_some_and(|d| d.contains("packet 3")), "{:?}", read.damage);
    // Packet 3 claims more captured bytes than its block holds.
    let mut bad = ng.clone();
    bad[at + 20..at + 24].copy_from_slice(&(len as u32).to_le_bytes());
    let read = read_bytes(&bad, "bad").unwrap();
    assert_eq!(read.packets.len(), 2);
    assert!(read.damage.is_some());
}

#[test]
fn garbage_is_refused_with_a_reason() {
    assert!(read_bytes(b"hello, this is not a capture at all", "x").unwrap_err().contains("not a pcap"));
    assert!(read_bytes(b"ab", "x").unwrap_err().contains("too short"));
}

#[test]
fn conversations_are_listed_with_packet_and_byte_counts() {
    // Two simulated connections with the ports of the second shifted, in one file.
    let mut packets = ip_packets();
    let second: Vec<Vec<u8>> = packets
        .iter()
        .map(|p| {
            let mut p = p.clone();
            let at = usize::from(p[0] & 0x0f) * 4;
            for port in [at, at + 2] {
                let value = u16::from_be_bytes([p[port], p[port + 1]]);
                if value != 80 {
                    p[port..port + 2].copy_from_slice(&(value + 1).to_be_bytes());
                }
            }
            p
        })
        .collect();
    packets.extend(second);
    let trace = read_bytes(&pcap(101, false, false, &packets), "two").unwrap();
    assert_eq!(trace.conversations.len(), 2);
    for c in &trace.conversations {
        assert_eq!(c.packets, 3);
        assert_eq!(c.b_text(), "192.0.2.80:80");
    }
    assert_eq!(trace.conversation_packets(1), vec![3, 4, 5]);
}

#[test]
fn a_file_opened_in_place_gives_the_same_bytes_as_one_read_into_memory() {
    let trace = lossy();
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [("in-place.pcap", CaptureFormat::Pcap), ("in-place.pcapng", CaptureFormat::PcapNg)] {
        let path = dir.path().join(name);
        let bytes = written(&trace, format);
        std::fs::write(&path, &bytes).unwrap();
        let mapped = netlens::capture::open(&path).unwrap();
        let copied = read_bytes(&bytes, name).unwrap();
        assert_eq!(mapped.packets.len(), copied.packets.len());
        for (a, b) in mapped.packets.iter().zip(&copied.packets) {
            assert_eq!(mapped.bytes(a), copied.bytes(b), "{name} #{}", a.number);
        }
        // The summary path keeps no bytes at all but labels the same.
        let lean = netlens::capture::open_with(&path, false).unwrap();
        assert!(lean.packets.iter().zip(&copied.packets).all(|(a, b)| a.analysis == b.analysis));
    }
}

/// A little-endian pcapng file: one raw-IP interface with these resolution and offset options,
/// and the handshake's packets at `ticks(i)`.
fn pcapng_with_clock(tsresol: u8, tsoffset: i64, ticks: impl Fn(u64) -> u64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut shb = Vec::new();
    shb.extend_from_slice(&0x1a2b_3c4du32.to_le_bytes());
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&[0xff; 8]);
    ng_block(&mut out, 0x0a0d_0d0a, &shb, false);
    let mut idb = Vec::new();
    idb.extend_from_slice(&101u16.to_le_bytes());
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&65535u32.to_le_bytes());
    idb.extend_from_slice(&9u16.to_le_bytes()); // if_tsresol
    idb.extend_from_slice(&1u16.to_le_bytes());
    idb.extend_from_slice(&[tsresol, 0, 0, 0]);
    idb.extend_from_slice(&14u16.to_le_bytes()); // if_tsoffset
    idb.extend_from_slice(&8u16.to_le_bytes());
    idb.extend_from_slice(&tsoffset.to_le_bytes());
    idb.extend_from_slice(&[0, 0, 0, 0]);
    ng_block(&mut out, 1, &idb, false);
    for (i, ip) in ip_packets().iter().enumerate() {
        let t = ticks(i as u64);
        let mut epb = Vec::new();
        epb.extend_from_slice(&0u32.to_le_bytes());
        epb.extend_from_slice(&((t >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(t as u32).to_le_bytes());
        epb.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(ip.len() as u32).to_le_bytes());
        epb.extend_from_slice(ip);
        while epb.len() % 4 != 0 {
            epb.push(0);
        }
        ng_block(&mut out, 6, &epb, false);
    }
    out
}

#[test]
fn pcapng_clocks_in_powers_of_two_with_offsets_are_read_and_absurd_ones_refused() {
    // 2^-20 s units, offset 1,700,000,000 s: packet i at 1,700,000,000 + i/4 s.
    let file = pcapng_with_clock(0x80 | 20, 1_700_000_000, |i| i << 18);
    let trace = read_bytes(&file, "ng").unwrap();
    assert!(trace.damage.is_none(), "{:?}", trace.damage);
    assert_eq!(trace.base_epoch_us, 1_700_000_000_000_000);
    let times: Vec<u64> = trace.packets.iter().map(|p| p.t_us).collect();
    assert_eq!(times, vec![0, 250_000, 500_000], "a quarter second apart");
    // What tshark reads from the same bytes.
    if tshark_available().is_some() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("clock.pcapng");
        std::fs::write(&path, &file).unwrap();
        let rows = tshark_fields(&path, &["frame.time_epoch"]);
        let epochs: Vec<i64> = rows.iter().map(|r| (r[0].parse::<f64>().unwrap() * 1e6).round() as i64).collect();
        let ours: Vec<i64> = trace.packets.iter().map(|p| trace.base_epoch_us + p.t_us as i64).collect();
        assert_eq!(epochs, ours);
    }
    // An offset or a resolution no clock can have: a reason, never a panic or a wrapped date.
    for file in [
        pcapng_with_clock(6, i64::MAX, |i| i),
        pcapng_with_clock(6, i64::MIN, |i| i),
        pcapng_with_clock(0, 0, |_| u64::MAX),
        pcapng_with_clock(25, 0, |i| i),
        pcapng_with_clock(0x80 | 70, 0, |i| i),
    ] {
        match read_bytes(&file, "ng") {
            Ok(trace) => {
                let damage = trace.damage.expect("damage is reported");
                assert!(damage.contains("timestamp"), "{damage}");
                assert!(trace.packets.is_empty());
            }
            Err(reason) => assert!(reason.contains("timestamp"), "{reason}"),
        }
    }
}
