//! How a ladder diagram names things in words — its lanes, each arrow's text, a time — shared by
//! the Packets view's ladder, its event list and the Mermaid export, so all say the same.

use crate::packet::flag_names;
use crate::trace::{Trace, TracePacket};

/// The lane names: "address:port" of each end of `conversation` (client and server in a run).
pub fn lane_names(trace: &Trace, conversation: u32) -> [String; 2] {
    let Some(c) = trace.conversations.get(conversation as usize) else {
        return [String::from("A"), String::from("B")];
    };
    if trace.sim.is_some() {
        [format!("client {}", c.a_text()), format!("server {}", c.b_text())]
    } else {
        [c.a_text(), c.b_text()]
    }
}

/// An arrow's text: flags, sequence and acknowledgment numbers, length and label.
pub fn label(p: &TracePacket, relative: bool) -> String {
    if !p.is_tcp() {
        return p.label_text();
    }
    let (seq, ack) = if relative { (p.analysis.rel_seq, p.analysis.rel_ack) } else { (p.seq, p.ack) };
    format!("{}  seq={seq} ack={ack} len={}  · {}", flag_names(p.flags), p.len, p.label_text())
}

/// "12.345 ms" or "1.234 s".
pub fn format_time(t_us: f64) -> String {
    // No "-0.000 ms" from rounding.
    let t_us = if t_us.abs() < 0.5 { 0.0 } else { t_us };
    if t_us.abs() >= 1e6 { format!("{:.4} s", t_us / 1e6) } else { format!("{:.3} ms", t_us / 1e3) }
}
