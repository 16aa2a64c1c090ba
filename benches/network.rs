//! The Network view at scale, with criterion: the routing scene in step mode with 10,000 peers
//! until 1,000,000 messages have been delivered (log off, counters on); one whole frame of the
//! graph with 1,000 nodes and hundreds of messages in flight; and one playing frame of the
//! window's client/server model from minute 10 and from minute 60 of virtual time on (it must
//! not grow with the session). Run: `cargo bench --bench network`; README quotes the medians it prints.

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use netlens::netsim::NetScene;
use netlens::netsim::scenes::capacity::Capacity;
use netlens::netsim::scenes::overlay::{Mode, Overlay};

fn step_mode(c: &mut Criterion) {
    let mut group = c.benchmark_group("step mode");
    group.sample_size(10);
    // Paths average about 6.5 hops here, so this many end-to-end messages make over 1M deliveries.
    group.bench_function("routing, 10,000 peers, 1,000,000 messages delivered", |b| {
        b.iter_batched(
            || {
                let mut scene = Overlay::with_messages(1, 10_000, Mode::Routing, 200_000).expect("scene");
                scene.set_logging(false);
                scene
            },
            |mut scene| {
                while scene.messages_delivered() < 1_000_000 && scene.step() {}
                assert!(scene.messages_delivered() >= 1_000_000);
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn graph_frame(c: &mut Criterion) {
    use netlens::ui::network::graph;
    // The capacity swarm: every round up to 1,000 pieces are on their way at once.
    let mut scene = Capacity::new(1, 999).expect("scene");
    let in_flight = |s: &Capacity| {
        let now = s.now();
        s.flights().iter().filter(|f| f.sent_us <= now && now < f.arrive_us).count()
    };
    while in_flight(&scene) < 500 && scene.step() {}
    let g = scene.graph();
    let positions = graph::layout(&g);
    let draws = graph::flights_at(scene.flights(), scene.now());
    let ctx = egui::Context::default();
    let name = format!("{} nodes, {} messages in flight", g.nodes.len(), in_flight(&scene));
    c.bench_function(&format!("graph frame, {name}"), |b| {
        b.iter(|| {
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
                ..Default::default()
            };
            let _ = ctx.run_ui(input, |ui| {
                egui::CentralPanel::default().show(ui, |ui| {
                    let view = graph::View { rect: ui.max_rect(), zoom: 1.0, pan: egui::Vec2::ZERO };
                    let mut sketch = netlens::ui::widgets::sketch::Sketch::new(ui.painter());
                    graph::paint(&mut sketch, &view, &g, &positions, &draws, Some(3), None, true);
                    sketch.paint();
                });
            });
        });
    });
}

/// The window's model playing client/server at 5×: one frame (run the frame's events, rebuild
/// the graph and state) at minute 10 and at minute 60.
fn model_frames_over_an_hour(c: &mut Criterion) {
    use netlens::model::network::{NetworkIntent, NetworkModel, SessionConfig};
    use netlens::netsim::SceneKind;
    let mut model = NetworkModel::new();
    model.handle(NetworkIntent::Open(SessionConfig { nodes: 12, ..SessionConfig::new(SceneKind::ClientServer) }));
    model.handle(NetworkIntent::SetSpeed(5.0));
    model.handle(NetworkIntent::TogglePlay);
    let mut group = c.benchmark_group("client/server model, one frame at 5x");
    // Every frame measured moves the session on by 1/12 s of virtual time: short runs keep the
    // measurement near its minute (a few thousand frames: a few minutes on).
    group.warm_up_time(Duration::from_millis(100)).measurement_time(Duration::from_millis(400)).sample_size(20);
    for minute in [10u64, 60] {
        while model.now_us() < minute * 60_000_000 {
            model.tick(0.1);
        }
        group.bench_function(format!("at minute {minute}"), |b| b.iter(|| model.tick(1.0 / 60.0)));
    }
    group.finish();
}

criterion_group!(benches, model_frames_over_an_hour, graph_frame, step_mode);
criterion_main!(benches);
