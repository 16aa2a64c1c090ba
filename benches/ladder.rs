//! Frame building time of the ladder at 1k and 1M packets in one conversation: a whole egui
//! frame (layout and shapes, not GPU work), fitted to the window and zoomed in. Prints the
//! median and 95th percentile over many frames. Run: `cargo bench --bench ladder`.

use std::time::Instant;

use netlens::capture::{read_bytes, synthetic};
use netlens::ui::packets::ladder::{self, Geometry, LadderInput, TimeWindow};

fn frame_times(trace: &netlens::trace::Trace, window: TimeWindow, frames: usize) -> (f64, f64, usize) {
    let order = trace.conversation_packets(0);
    let end = trace.end_us();
    let max_flight = 0;
    let ctx = egui::Context::default();
    let gaps = netlens::trace::gaps::find_gaps(trace);
    let mut times = Vec::with_capacity(frames);
    let mut drawn = 0;
    for _ in 0..frames {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
            ..Default::default()
        };
        let start = Instant::now();
        let _ = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let rect = ui.max_rect();
                let geometry = Geometry::new(rect, window);
                let ladder_input = LadderInput {
                    trace,
                    order: &order,
                    max_flight_us: max_flight,
                    lanes: ["client".into(), "server".into()],
                    window,
                    playhead_us: Some(end),
                    selected: None,
                    relative: true,
                    dark: true,
                    gaps: &gaps,
                };
                let mut sketch = netlens::ui::widgets::sketch::Sketch::new(ui.painter());
                drawn = ladder::paint(&mut sketch, &geometry, &ladder_input, None).drawn;
                sketch.paint();
            });
        });
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    (times[frames / 2], times[frames * 95 / 100], drawn)
}

/// Opening a capture as the window does (mapped in place, decoded, labelled).
fn open_time(packets: usize) {
    let path = std::env::temp_dir().join(format!("netlens-ladder-bench-{packets}.pcap"));
    std::fs::write(&path, synthetic::many_connections(packets, 1000)).expect("write the capture");
    let start = Instant::now();
    let trace = netlens::capture::open(&path).expect("the capture opens");
    let open_ms = start.elapsed().as_secs_f64() * 1000.0;
    let start = Instant::now();
    let busiest = (0..trace.conversations.len() as u32).max_by_key(|&c| trace.conversations[c as usize].packets);
    let order = trace.conversation_packets(busiest.unwrap_or(0));
    let select_ms = start.elapsed().as_secs_f64() * 1000.0;
    println!(
        "open {packets:>9} packets from a file: {open_ms:.0} ms; choosing a conversation ({} packets): {select_ms:.1} ms",
        order.len()
    );
    let _ = std::fs::remove_file(path);
}

fn main() {
    open_time(1_000_000);
    for packets in [1_000usize, 1_000_000] {
        let trace = read_bytes(&synthetic::many_connections(packets, 1), "bench").expect("synthetic capture reads");
        let fit = TimeWindow::fit(trace.end_us());
        let zoomed = TimeWindow { start_us: trace.end_us() as f64 / 2.0, span_us: 300_000.0 };
        for (name, window) in [("fit to window", fit), ("zoomed to 300 ms", zoomed)] {
            let (median, p95, drawn) = frame_times(&trace, window, 60);
            println!(
                "ladder {packets:>9} packets, {name:<17}: median {median:.3} ms, p95 {p95:.3} ms per frame ({drawn} items drawn)"
            );
        }
    }
}
