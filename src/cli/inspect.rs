//! `netlens inspect FILE`: reads a pcap/pcapng capture and prints one line per packet in the
//! style of tcpdump with netlens's analysis labels, or only a summary, as text or JSON.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::output::{Format, fail};
use crate::packet::{Flags, LabelKind, flag_names};
use crate::trace::{NO_CONVERSATION, Trace, TracePacket};

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// A pcap or pcapng file.
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Print only the summary (packets, conversations, retransmissions, …).
    #[arg(long)]
    pub summary: bool,
}

pub fn run(args: InspectArgs) -> ExitCode {
    // A summary needs only the headers; packet lines and JSON need nothing more either.
    let trace = match crate::capture::open_with(&args.file, false) {
        Ok(trace) => trace,
        Err(reason) => return fail(&reason),
    };
    if let Some(damage) = &trace.damage {
        eprintln!("netlens: warning: {damage}");
    }
    let out = match (args.format, args.summary) {
        (Format::Json, summary_only) => {
            let mut report = json!({ "summary": summary(&trace) });
            if !summary_only {
                report["packets"] = trace.packets.iter().map(|p| packet_json(&trace, p)).collect();
            }
            serde_json::to_string_pretty(&report).expect("JSON values serialize") + "\n"
        }
        (Format::Text, true) => summary_text(&trace),
        (Format::Text, false) => {
            let mut out = String::with_capacity(trace.packets.len() * 100);
            for p in &trace.packets {
                packet_line(&trace, p, &mut out);
            }
            out + &summary_text(&trace)
        }
    };
    super::output::print_or_fail(&out)
}

fn packet_json(trace: &Trace, p: &TracePacket) -> serde_json::Value {
    let (from, to) = trace.from_to(p);
    json!({
        "number": p.number,
        "t_us": p.t_us,
        "from": from,
        "to": to,
        "flags": flag_names(p.flags),
        "seq": p.seq,
        "ack": p.ack,
        "len": p.len,
        "label": p.analysis.kind.name(),
        "note": p.analysis.note(p.len as usize, p.fragment_offset, p.more_fragments),
    })
}

/// tcpdump's one-letter flags: S, F, R, P, U, E, W, and "." for ACK.
fn tcpdump_flags(flags: u16) -> String {
    use crate::packet::decode::{ACK, CWR, ECE, FIN, PSH, RST, SYN, URG};
    [(SYN, 'S'), (FIN, 'F'), (RST, 'R'), (PSH, 'P'), (URG, 'U'), (ECE, 'E'), (CWR, 'W'), (ACK, '.')]
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, c)| *c)
        .collect()
}

fn packet_line(trace: &Trace, p: &TracePacket, out: &mut String) {
    let (from, to) = trace.from_to(p);
    let seconds = (trace.base_epoch_us + p.t_us as i64) as f64 / 1e6;
    let _ = match p.protocol {
        6 => write!(
            out,
            "{seconds:.6} {from} > {to}: Flags [{}], seq {}, ack {}, win {}, length {}",
            tcpdump_flags(p.flags),
            p.seq,
            p.ack,
            p.window,
            p.len
        ),
        17 => write!(out, "{seconds:.6} {from} > {to}: UDP, length {}", p.len),
        0 => write!(out, "{seconds:.6} not an IP packet ({} bytes)", p.wire_len),
        proto => write!(out, "{seconds:.6} {from} > {to}: IP protocol {proto}, length {}", p.len),
    };
    if p.conversation != NO_CONVERSATION {
        let _ = write!(out, "  [{}]", p.label_text());
    }
    out.push('\n');
}

pub fn summary(trace: &Trace) -> serde_json::Value {
    // Counted by Wireshark's fields (a packet may carry several), one pass over the packets.
    let counted = [Flags::RETRANSMISSION, Flags::DUPLICATE_ACK, Flags::OUT_OF_ORDER, Flags::ZERO_WINDOW];
    let mut counts = [0u64; 4];
    let mut resets = 0u64;
    for p in &trace.packets {
        for (count, flag) in counts.iter_mut().zip(counted) {
            *count += u64::from(p.analysis.flags.has(flag));
        }
        resets += u64::from(p.analysis.kind == LabelKind::Rst);
    }
    let [retransmissions, duplicate_acks, out_of_order, zero_windows] = counts;
    json!({
        "packets": trace.packets.len(),
        "conversations": trace.conversations.len(),
        "tcp_conversations": trace.conversations.iter().filter(|c| c.protocol == 6).count(),
        "retransmissions": retransmissions,
        "duplicate_acks": duplicate_acks,
        "out_of_order": out_of_order,
        "zero_windows": zero_windows,
        "resets": resets,
        "bytes": trace.packets.iter().map(|p| u64::from(p.wire_len)).sum::<u64>(),
        "duration_us": trace.packets.last().map_or(0, |p| p.t_us),
        "not_ip": trace.skipped,
        "damage": trace.damage,
    })
}

fn summary_text(trace: &Trace) -> String {
    let s = summary(trace);
    let mut out = format!(
        "{} packets in {} conversations ({} TCP), {} bytes over {:.3} s\n{} retransmissions, {} duplicate ACKs, {} out-of-order, {} zero windows, {} resets",
        s["packets"],
        s["conversations"],
        s["tcp_conversations"],
        s["bytes"],
        s["duration_us"].as_u64().unwrap_or(0) as f64 / 1e6,
        s["retransmissions"],
        s["duplicate_acks"],
        s["out_of_order"],
        s["zero_windows"],
        s["resets"],
    );
    if trace.skipped > 0 {
        let _ = write!(out, ", {} frames that are not IP", trace.skipped);
    }
    out.push('\n');
    if let Some(damage) = &trace.damage {
        let _ = writeln!(out, "damage: {damage}");
    }
    out
}
