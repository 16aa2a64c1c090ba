//! The Packets view at scale, with criterion: opening a 1,000,000-packet capture as the window
//! does (mapped in place, decoded, labelled), and building one whole egui frame of the ladder
//! (layout and shapes, not GPU work) for 1,000 and 1,000,000 packets in one conversation, fitted
//! to the window and zoomed to 300 ms. Run: `cargo bench --bench ladder`; README quotes the
//! medians it prints.

use criterion::{Criterion, criterion_group, criterion_main};

use netlens::capture::{read_bytes, synthetic};
use netlens::trace::Trace;
use netlens::ui::packets::ladder::{self, Geometry, LadderInput, TimeWindow};

/// One whole frame of the ladder over `trace`'s first conversation in `window`.
fn ladder_frame(
    ctx: &egui::Context,
    trace: &Trace,
    order: &[u32],
    gaps: &[netlens::trace::gaps::Gap],
    window: TimeWindow,
) {
    let end = trace.end_us();
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
        ..Default::default()
    };
    let _ = ctx.run_ui(input, |ui| {
        egui::CentralPanel::default().show(ui, |ui| {
            let rect = ui.max_rect();
            let geometry = Geometry::new(rect, window);
            let ladder_input = LadderInput {
                trace,
                order,
                max_flight_us: 0,
                lanes: ["client".into(), "server".into()],
                window,
                playhead_us: Some(end),
                selected: None,
                relative: true,
                dark: true,
                gaps,
            };
            let mut sketch = netlens::ui::widgets::sketch::Sketch::new(ui.painter());
            ladder::paint(&mut sketch, &geometry, &ladder_input, None);
            sketch.paint();
        });
    });
}

fn open_capture(c: &mut Criterion) {
    let path = std::env::temp_dir().join("netlens-ladder-bench-1000000.pcap");
    std::fs::write(&path, synthetic::many_connections(1_000_000, 1000)).expect("write the capture");
    let mut group = c.benchmark_group("capture");
    group.sample_size(10);
    group.bench_function("open 1,000,000 packets", |b| {
        b.iter(|| netlens::capture::open(&path).expect("the capture opens"));
    });
    group.finish();
    let _ = std::fs::remove_file(path);
}

fn ladder_frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("ladder frame");
    for packets in [1_000usize, 1_000_000] {
        let trace = read_bytes(&synthetic::many_connections(packets, 1), "bench").expect("synthetic capture reads");
        let order = trace.conversation_packets(0);
        let gaps = netlens::trace::gaps::find_gaps(&trace);
        let ctx = egui::Context::default();
        let fit = TimeWindow::fit(trace.end_us());
        let zoomed = TimeWindow { start_us: trace.end_us() as f64 / 2.0, span_us: 300_000.0 };
        for (name, window) in [("fit to window", fit), ("zoomed to 300 ms", zoomed)] {
            group.bench_function(format!("{packets} packets, {name}"), |b| {
                b.iter(|| ladder_frame(&ctx, &trace, &order, &gaps, window));
            });
        }
    }
    group.finish();
}

criterion_group!(benches, open_capture, ladder_frames);
criterion_main!(benches);
