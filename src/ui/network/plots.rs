//! Plots (egui_plot) from a scene's typed state: for client/server, requests per second,
//! latency p50/p95, queue length and refusals over time, and latency against the number of
//! clients; for capacity, completion time against the number of nodes. Every line takes a hue of
//! the shared palette; responses, refusals and failures have the colours their messages have on
//! the graph.

use egui::{RichText, Ui};
use egui_plot::{Legend, Line, Plot, Points};

use super::graph::message_color;
use crate::netsim::MessageKind;
use crate::netsim::state::CapacityState;
use crate::netsim::state::{ClientServerState, SeriesPoint};
use crate::ui::palette::Hue;

fn series(state: &ClientServerState, value: impl Fn(&SeriesPoint) -> f64) -> Vec<[f64; 2]> {
    state.series.iter().map(|p| [p.t_ms as f64 / 1000.0, value(p)]).collect()
}

/// `live` says the time axis is the wall clock rather than the virtual one.
pub fn client_server(ui: &mut Ui, state: &ClientServerState, live: bool) {
    let dark = ui.visuals().dark_mode;
    let axis = if live { "time since start (s)" } else { "virtual time (s)" };
    let height = ((ui.clip_rect().height() - 60.0) / 3.0).clamp(90.0, 200.0);
    ui.label("Responses per second, refusals and failures (per 0.1 s)");
    Plot::new("cs-rps").height(height).legend(Legend::default()).allow_scroll(false).x_axis_label(axis).show(
        ui,
        |plot| {
            plot.line(
                Line::new("responses / s", series(state, |p| p.rps)).color(message_color(MessageKind::Response, dark)),
            );
            plot.line(
                Line::new("refused", series(state, |p| p.refused as f64))
                    .color(message_color(MessageKind::Refused, dark)),
            );
            plot.line(
                Line::new("failed", series(state, |p| p.failed as f64))
                    .color(message_color(MessageKind::Failure, dark)),
            );
        },
    );
    ui.label("Latency (ms) and queue length");
    Plot::new("cs-latency").height(height).legend(Legend::default()).allow_scroll(false).x_axis_label(axis).show(
        ui,
        |plot| {
            plot.line(Line::new("p50 ms", series(state, |p| p.p50_ms)).color(Hue::Blue.color(dark)));
            plot.line(Line::new("p95 ms", series(state, |p| p.p95_ms)).color(Hue::ReddishPurple.color(dark)));
            plot.line(Line::new("queue", series(state, |p| p.queue as f64)).color(Hue::Yellow.color(dark)));
            plot.line(Line::new("clients", series(state, |p| p.clients as f64)).color(Hue::SkyBlue.color(dark)));
        },
    );
    ui.label("Latency against the number of clients");
    let rows = &state.latency_vs_clients;
    let p50: Vec<[f64; 2]> = rows.iter().map(|r| [r.clients as f64, r.p50_ms]).collect();
    let p95: Vec<[f64; 2]> = rows.iter().map(|r| [r.clients as f64, r.p95_ms]).collect();
    Plot::new("cs-vs-clients")
        .height(height)
        .legend(Legend::default())
        .allow_scroll(false)
        .x_axis_label("clients")
        .show(ui, |plot| {
            plot.line(Line::new("p50 ms", p50).color(Hue::Blue.color(dark)));
            plot.points(Points::new("p95 ms", p95).radius(3.0).color(Hue::ReddishPurple.color(dark)));
        });
}

pub fn capacity(ui: &mut Ui, state: &CapacityState) {
    let dark = ui.visuals().dark_mode;
    let rows = |value: fn(&crate::netsim::state::ComparisonRow) -> Option<u64>| -> Vec<[f64; 2]> {
        // Only what the run has measured so far: the lines grow as each race finishes.
        state.comparison.iter().filter_map(|r| value(r).map(|v| [r.nodes as f64, v as f64])).collect()
    };
    ui.label("Time until every node has the file (ms) against the number of nodes");
    Plot::new("capacity").height(260.0).legend(Legend::default()).allow_scroll(false).x_axis_label("nodes").show(
        ui,
        |plot| {
            plot.line(Line::new("one server", rows(|r| r.client_server_ms)).color(Hue::Blue.color(dark)));
            plot.line(Line::new("peer-to-peer swarm", rows(|r| r.p2p_ms)).color(Hue::BluishGreen.color(dark)));
        },
    );
    // Each point is measured as the scene's clock reaches it: say which races are still on.
    let running = |value: fn(&crate::netsim::state::ComparisonRow) -> Option<u64>| {
        state.comparison.iter().filter(|r| value(r).is_none()).map(|r| r.nodes.to_string()).collect::<Vec<_>>()
    };
    for (who, nodes) in [("One server", running(|r| r.client_server_ms)), ("The swarm", running(|r| r.p2p_ms))] {
        if !nodes.is_empty() {
            ui.label(RichText::new(format!("{who} is still sending to {} nodes.", nodes.join(", "))).weak());
        }
    }
}
