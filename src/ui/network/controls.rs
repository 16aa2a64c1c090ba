//! The Network view's top bar: scene, node count, seed and mode (each change is one `Open`
//! intent, applied when an edit ends rather than on every pixel of a drag), playback in step
//! mode, the live session's status with a Restart button when it failed, the clients slider and
//! server buttons, and the scene's explanation.

use egui::{RichText, Ui};

use super::NetworkView;
use crate::model::network::{LiveStatus, Mode, NetworkIntent, NetworkModel, SPEEDS, SessionConfig};
use crate::netsim::live_world::MAX_LIVE_NODES;
use crate::netsim::{Action, Role, SceneKind};
use crate::ui::theme;

impl NetworkView {
    /// The controls bar: scene, mode, seed, nodes, step or live controls.
    pub(super) fn controls(&mut self, ui: &mut Ui, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
        show(ui, self, model, intents);
    }
}

fn show(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
    let config = model.config().clone();
    ui.horizontal_wrapped(|ui| {
        session_controls(ui, view, &config, intents);
        ui.separator();
        match model.live_status() {
            None => step_controls(ui, model, &config, intents),
            Some(status) => live_controls(ui, model, &config, status, intents),
        }
    });
    if !model.is_live() {
        scrub_bar(ui, view, model, intents);
    }
    if config.scene.has_clients() {
        clients_row(ui, view, model, intents);
    }
    if let Some(error) = model.error() {
        ui.colored_label(theme::error_color(ui.visuals().dark_mode), error);
    }
    // While presenting, the lesson's caption explains; the graph gets the room.
    if view.presenting {
        return;
    }
    let scene = config.scene;
    egui::CollapsingHeader::new(RichText::new(scene.title()).strong())
        .id_salt("network-explanation")
        .default_open(true)
        .show(ui, |ui| {
            ui.label(scene.explanation());
            let mode = match config.mode {
                Mode::Live => {
                    "Live mode: every node is a real TCP listener on 127.0.0.1 and messages are frames over real connections; time is the wall clock."
                }
                Mode::Step => "Step mode: a deterministic simulation on a virtual clock; the same seed tells the same story.",
            };
            ui.label(RichText::new(mode).weak());
        });
}

fn session_controls(ui: &mut Ui, view: &mut NetworkView, config: &SessionConfig, intents: &mut Vec<NetworkIntent>) {
    let mut picked = None;
    egui::ComboBox::new("network-scene", "scene").selected_text(config.scene.name()).width(170.0).show_ui(ui, |ui| {
        for kind in SceneKind::ALL {
            if ui.selectable_label(config.scene == kind, format!("{} — {}", kind.name(), kind.title())).clicked() {
                picked = Some(kind);
            }
        }
    });
    if let Some(scene) = picked {
        let nodes = scene.default_nodes();
        intents.push(NetworkIntent::Open(SessionConfig { scene, nodes, ..config.clone() }));
    }
    let range = config.scene.node_range();
    let most = if config.mode == Mode::Live { (*range.end()).min(MAX_LIVE_NODES - 20) } else { *range.end() };
    let mut nodes = view.pending_nodes.unwrap_or(config.nodes);
    let response = ui
        .add(
            egui::DragValue::new(&mut nodes)
                .range(*range.start()..=most)
                .prefix(format!("{} ", config.scene.node_word())),
        )
        .on_hover_text("Start the scene again with this many");
    if let Some(nodes) = edit_finished(&response, nodes, &mut view.pending_nodes)
        && nodes != config.nodes
    {
        intents.push(NetworkIntent::Open(SessionConfig { nodes, ..config.clone() }));
    }
    let mut seed = view.pending_seed.unwrap_or(config.seed);
    let response = ui.add(egui::DragValue::new(&mut seed).prefix("seed ")).on_hover_text("Another seed, another story");
    if let Some(seed) = edit_finished(&response, seed, &mut view.pending_seed)
        && seed != config.seed
    {
        intents.push(NetworkIntent::Open(SessionConfig { seed, ..config.clone() }));
    }
    ui.separator();
    if crate::ui::platform::IN_BROWSER {
        ui.label(RichText::new("Live: desktop app only").weak()).on_hover_text(crate::ui::platform::LIVE_IN_BROWSER);
        return;
    }
    let mut live = config.mode == Mode::Live;
    if ui
        .checkbox(&mut live, "Live")
        .on_hover_text("Run the scene on real TCP sockets on this computer (loopback), in real time")
        .changed()
    {
        let mode = if live { Mode::Live } else { Mode::Step };
        intents.push(NetworkIntent::Open(SessionConfig { mode, ..config.clone() }));
    }
}

/// A drag value's edit: held as pending while it is dragged or typed, returned once it ends
/// (so a drag across fifty values starts one session, not fifty).
fn edit_finished<T: Copy>(response: &egui::Response, value: T, pending: &mut Option<T>) -> Option<T> {
    if response.dragged() || response.has_focus() {
        if response.changed() {
            *pending = Some(value);
        }
        return None;
    }
    if response.changed() {
        pending.take();
        return Some(value);
    }
    pending.take()
}

fn step_controls(ui: &mut Ui, model: &NetworkModel, config: &SessionConfig, intents: &mut Vec<NetworkIntent>) {
    if ui.button("⏮").on_hover_text("Start again").clicked() {
        intents.push(NetworkIntent::Open(config.clone()));
    }
    let back = ui.add_enabled(model.can_step_back(), egui::Button::new("◀ Back"));
    if back.on_hover_text("Go back one event: the scene exactly as it was (←)").clicked() {
        intents.push(NetworkIntent::StepBack);
    }
    let play = if model.playing() { "⏸ Pause" } else { "▶ Play" };
    if ui.button(play).on_hover_text("Play or pause (Space)").clicked() {
        intents.push(NetworkIntent::TogglePlay);
    }
    if ui.button("Step").on_hover_text("Run the next event (→)").clicked() {
        intents.push(NetworkIntent::Step);
    }
    let speed = model.speed();
    egui::ComboBox::new("network-speed", "speed")
        .selected_text(SPEEDS.iter().find(|s| s.0 == speed).map_or("", |s| s.1))
        .show_ui(ui, |ui| {
            for (value, name) in SPEEDS {
                if ui.selectable_label(value == speed, name).clicked() {
                    intents.push(NetworkIntent::SetSpeed(value));
                }
            }
        });
    ui.monospace(format!("t = {:.3} s", model.now_us() as f64 / 1e6));
    ui.label(RichText::new(format!("{} messages delivered", model.delivered())).weak());
}

/// Virtual time from the start to as far as the session has run: drag to go anywhere in it
/// (backwards by deterministic re-run); the move happens when the drag ends.
fn scrub_bar(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
    ui.horizontal(|ui| {
        let end_ms = model.horizon_us() as f64 / 1000.0;
        let mut at_ms = view.scrub_ms.unwrap_or(model.now_us() as f64 / 1000.0).min(end_ms);
        ui.spacing_mut().slider_width = (ui.available_width() - 220.0).max(120.0);
        let response = ui
            .add_enabled(end_ms > 0.0, egui::Slider::new(&mut at_ms, 0.0..=end_ms.max(0.001)).show_value(false))
            .on_hover_text("Drag to go back or forward in time; the scene is re-run to that moment");
        if response.dragged() {
            view.scrub_ms = Some(at_ms);
        } else if response.drag_stopped() || response.changed() || view.scrub_ms.is_some() {
            view.scrub_ms = None;
            intents.push(NetworkIntent::Seek((at_ms * 1000.0) as u64));
        }
        ui.monospace(format!("{:.1} ms of {:.1} ms", at_ms, end_ms));
    });
}

fn live_controls(
    ui: &mut Ui,
    model: &NetworkModel,
    config: &SessionConfig,
    status: &LiveStatus,
    intents: &mut Vec<NetworkIntent>,
) {
    match status {
        LiveStatus::Starting => {
            ui.spinner();
            ui.label("opening a listener for every node…");
        }
        LiveStatus::Running => {
            ui.label(RichText::new("real TCP on 127.0.0.1, real time").weak());
            ui.monospace(format!("t = {:.3} s", model.now_us() as f64 / 1e6));
            ui.label(RichText::new(format!("{} messages delivered", model.delivered())).weak());
            if model.rejected() > 0 {
                let count = model.rejected();
                let text = format!("{count} frame{} rejected", if count == 1 { "" } else { "s" });
                ui.colored_label(theme::marker_color(ui.visuals().dark_mode), text)
                    .on_hover_text("Frames from other programs that broke the protocol; each closed its connection");
                if let Some(last) = model.last_rejection() {
                    ui.label(RichText::new(format!("(last: {last})")).weak());
                }
            }
        }
        LiveStatus::Failed(reason) => {
            ui.colored_label(theme::error_color(ui.visuals().dark_mode), format!("The live session stopped: {reason}"));
            if ui.button("Restart").on_hover_text("Start the live session again").clicked() {
                intents.push(NetworkIntent::Open(config.clone()));
            }
        }
    }
}

fn clients_row(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
    let current = match model.state() {
        Some(crate::netsim::SceneState::ClientServer(s)) => s.clients,
        _ => model.config().nodes,
    };
    ui.horizontal(|ui| {
        let mut clients = view.clients.unwrap_or(current);
        let most = if model.is_live() {
            crate::netsim::scenes::client_server::MAX_CLIENTS.min(MAX_LIVE_NODES - 3)
        } else {
            200
        };
        let response = ui.add(egui::Slider::new(&mut clients, 1..=most).text("clients"));
        if response.dragged() {
            view.clients = Some(clients);
        } else if response.drag_stopped() || response.changed() {
            view.clients = None;
            if clients != current {
                intents.push(NetworkIntent::Act(Action::Clients(clients)));
            }
        }
        for node in model.graph().nodes.iter().filter(|n| n.role == Role::Server && n.can_fail) {
            super::kill_or_restart_button(ui, node, intents);
        }
    });
}
