//! Step mode at scale: the routing scene with 10,000 peers, run until at least 1,000,000
//! messages have been delivered (log off, counters on); a whole graph frame with 1,000 nodes;
//! and what one playing frame of the window's client/server model costs after ten minutes and
//! after an hour of virtual time (it must not grow with the session). Run:
//! `cargo bench --bench network`.

use std::time::Instant;

use netlens::netsim::NetScene;
use netlens::netsim::scenes::overlay::{Mode, Overlay};

/// A whole egui frame drawing 1,000 nodes with messages in flight (layout included once).
fn graph_frames() {
    use netlens::ui::network::graph;
    // The capacity swarm: every round up to 1,000 pieces are on their way at once.
    let mut scene = netlens::netsim::scenes::capacity::Capacity::new(1, 999).expect("scene");
    // Run to the busiest round: the timer sends a whole round's uploads at once.
    let in_flight = |s: &netlens::netsim::scenes::capacity::Capacity| {
        let now = s.now();
        s.flights().iter().filter(|f| f.sent_us <= now && now < f.arrive_us).count()
    };
    while in_flight(&scene) < 500 && scene.step() {}
    let g = scene.graph();
    let start = Instant::now();
    let positions = graph::layout(&g);
    let layout_ms = start.elapsed().as_secs_f64() * 1000.0;
    let now = scene.now();
    let flying = scene.flights().iter().filter(|f| f.sent_us <= now && now < f.arrive_us).count();
    // The messages in flight as the view draws them, each part of the way along its link.
    let draws = graph::flights_at(scene.flights(), now);
    let ctx = egui::Context::default();
    let mut times = Vec::new();
    for _ in 0..60 {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1400.0, 900.0))),
            ..Default::default()
        };
        let start = Instant::now();
        let _ = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let view = graph::View { rect: ui.max_rect(), zoom: 1.0, pan: egui::Vec2::ZERO };
                let mut sketch = netlens::ui::widgets::sketch::Sketch::new(ui.painter());
                graph::paint(&mut sketch, &view, &g, &positions, &draws, Some(3), None, true);
                sketch.paint();
            });
        });
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "graph view: {} nodes, {} links, {flying} messages in flight: frame median {:.3} ms, p95 {:.3} ms (layout {layout_ms:.3} ms, once)",
        g.nodes.len(),
        g.links.len(),
        times[30],
        times[57]
    );
}

/// The window's model playing client/server at 5×: the median cost of one frame (run the
/// frame's events, rebuild the graph and state) at minute 10 and at minute 60.
fn model_frames_over_an_hour() {
    use netlens::model::network::{NetworkIntent, NetworkModel, SessionConfig};
    use netlens::netsim::SceneKind;
    let mut model = NetworkModel::new();
    model.handle(NetworkIntent::Open(SessionConfig { nodes: 12, ..SessionConfig::new(SceneKind::ClientServer) }));
    model.handle(NetworkIntent::SetSpeed(5.0));
    model.handle(NetworkIntent::TogglePlay);
    let mut median_at = |minute: u64| {
        while model.now_us() < minute * 60_000_000 {
            model.tick(0.1);
        }
        let mut times: Vec<f64> = (0..200)
            .map(|_| {
                let start = Instant::now();
                model.tick(1.0 / 60.0);
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        times[100]
    };
    let ten = median_at(10);
    let sixty = median_at(60);
    println!("client/server model, one frame at 5×: median {ten:.3} ms at minute 10, {sixty:.3} ms at minute 60");
}

fn main() {
    model_frames_over_an_hour();
    graph_frames();
    let peers = 10_000;
    // Paths average about 6.5 hops here, so this many end-to-end messages make over 1M deliveries.
    let end_to_end = 200_000;
    let start = Instant::now();
    let mut scene = Overlay::with_messages(1, peers, Mode::Routing, end_to_end).expect("scene");
    scene.set_logging(false);
    let built = start.elapsed();
    let mut steps = 0u64;
    while scene.messages_delivered() < 1_000_000 && scene.step() {
        steps += 1;
    }
    let elapsed = start.elapsed();
    let delivered = scene.messages_delivered();
    println!(
        "step mode: {peers} peers, {delivered} messages delivered in {steps} events: {:.2} s ({:.2} M messages/s; building the overlay took {:.0} ms)",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64() / 1e6,
        built.as_secs_f64() * 1000.0
    );
    assert!(delivered >= 1_000_000, "only {delivered} messages");
}
