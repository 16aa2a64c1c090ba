//! Large synthetic captures for benchmarks: a simulated lossy transfer repeated over many
//! connections (client port shifted per connection, time moved on per repetition).

use super::{CaptureFormat, write_capture};
use crate::sim::{Scene, simulate};
use crate::trace::Trace;

/// A pcap with `packets` packets spread over `connections` TCP connections.
pub fn many_connections(packets: usize, connections: usize) -> Vec<u8> {
    let run = simulate(&Scene::named("lossy-transfer").expect("built-in scene"));
    let period = run.packets.last().map_or(1, |p| p.t_send_us + 1);
    let template: Vec<(u64, Vec<u8>)> = run.packets.into_iter().map(|p| (p.t_send_us, p.bytes)).collect();
    let mut builder = crate::trace::TraceBuilder::new("synthetic", crate::trace::SIM_EPOCH_US);
    let mut repetition = 0u64;
    'outer: loop {
        for (t, bytes) in &template {
            if builder.packets() >= packets {
                break 'outer;
            }
            let mut bytes = bytes.clone();
            let connection = (repetition as usize % connections.max(1)) as u16;
            let header = usize::from(bytes[0] & 0x0f) * 4;
            // Shift whichever port is the client's (not 80) to make another connection.
            for at in [header, header + 2] {
                let port = u16::from_be_bytes([bytes[at], bytes[at + 1]]);
                if port != 80 {
                    bytes[at..at + 2].copy_from_slice(&port.wrapping_add(connection).to_be_bytes());
                }
            }
            let len = bytes.len();
            builder.push_with(&bytes, len, repetition * period / 4 + t, crate::trace::PacketFate::Captured, false);
        }
        repetition += 1;
    }
    let trace: Trace = builder.finish(None);
    let mut out = Vec::with_capacity(trace.packets.len() * 80);
    write_capture(&trace, CaptureFormat::Pcap, &mut out).expect("writing to memory cannot fail");
    out
}
