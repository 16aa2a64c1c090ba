//! Plots (egui_plot) from a scene's state: for client/server, requests per second, latency
//! p50/p95, queue length and refusals over time, and latency against the number of clients;
//! for capacity, completion time against the number of nodes.

use egui::Ui;
use egui_plot::{Legend, Line, Plot, Points};

fn series(state: &serde_json::Value, key: &str) -> Vec<[f64; 2]> {
    state["series"]
        .as_array()
        .map(|rows| {
            rows.iter().map(|r| [r["t_ms"].as_f64().unwrap_or(0.0) / 1000.0, r[key].as_f64().unwrap_or(0.0)]).collect()
        })
        .unwrap_or_default()
}

/// `live` says the time axis is the wall clock rather than the virtual one.
pub fn client_server(ui: &mut Ui, state: &serde_json::Value, live: bool) {
    let axis = if live { "time since start (s)" } else { "virtual time (s)" };
    let height = ((ui.available_height() - 40.0) / 3.0).clamp(90.0, 220.0);
    ui.label("Requests per second and refusals (per 0.1 s)");
    Plot::new("cs-rps").height(height).legend(Legend::default()).allow_scroll(false).x_axis_label(axis).show(
        ui,
        |plot| {
            plot.line(Line::new("responses / s", series(state, "rps")));
            plot.line(Line::new("refused", series(state, "refused")));
            plot.line(Line::new("failed", series(state, "failed")));
        },
    );
    ui.label("Latency (ms) and queue length");
    Plot::new("cs-latency").height(height).legend(Legend::default()).allow_scroll(false).x_axis_label(axis).show(
        ui,
        |plot| {
            plot.line(Line::new("p50 ms", series(state, "p50_ms")));
            plot.line(Line::new("p95 ms", series(state, "p95_ms")));
            plot.line(Line::new("queue", series(state, "queue")));
            plot.line(Line::new("clients", series(state, "clients")));
        },
    );
    ui.label("Latency against the number of clients");
    let points = |key: &str| -> Vec<[f64; 2]> {
        state["latency_vs_clients"]
            .as_array()
            .map(|rows| {
                rows.iter().map(|r| [r["clients"].as_f64().unwrap_or(0.0), r[key].as_f64().unwrap_or(0.0)]).collect()
            })
            .unwrap_or_default()
    };
    Plot::new("cs-vs-clients")
        .height(height)
        .legend(Legend::default())
        .allow_scroll(false)
        .x_axis_label("clients")
        .show(ui, |plot| {
            plot.line(Line::new("p50 ms", points("p50_ms")));
            plot.points(Points::new("p95 ms", points("p95_ms")).radius(3.0));
        });
}

pub fn capacity(ui: &mut Ui, state: &serde_json::Value) {
    let rows = |key: &str| -> Vec<[f64; 2]> {
        state["comparison"]
            .as_array()
            .map(|rows| {
                rows.iter().map(|r| [r["nodes"].as_f64().unwrap_or(0.0), r[key].as_f64().unwrap_or(0.0)]).collect()
            })
            .unwrap_or_default()
    };
    ui.label("Time until every node has the file (ms) against the number of nodes");
    Plot::new("capacity").height(260.0).legend(Legend::default()).allow_scroll(false).x_axis_label("nodes").show(
        ui,
        |plot| {
            plot.line(Line::new("one server", rows("client_server_ms")));
            plot.line(Line::new("peer-to-peer swarm", rows("p2p_ms")));
        },
    );
}
