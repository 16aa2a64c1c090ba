//! The Network view's side panel: what matters in the scene now (from its typed state), the
//! selected node's state with Kill/Restart, the plots, the node list, in live mode the
//! listeners and the frames on the wire as bytes, and the event log.

use egui::{RichText, Ui};

use super::NetworkView;
use super::plots;
use crate::model::network::{NetworkIntent, NetworkModel};
use crate::netsim::state::OverlayState;
use crate::netsim::state::StorageState;
use crate::netsim::state::SupernodesState;
use crate::netsim::{SceneKind, SceneState};
use crate::ui::theme;

impl NetworkView {
    /// The side panel: the selected node, the node list, the log, wire frames and plots.
    pub(super) fn side_panel(&mut self, ui: &mut Ui, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
        show(ui, self, model, intents);
    }
}

fn show(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
    // The event log keeps its own strip at the bottom, so plots can never push it off screen;
    // everything else scrolls above it.
    if view.presenting {
        egui::ScrollArea::vertical().id_salt("network-side-scroll").auto_shrink([false, false]).show(ui, |ui| {
            details(ui, view, model, intents);
        });
        return;
    }
    let height = ui.available_height();
    egui::Panel::bottom("network-events-strip")
        .resizable(true)
        .default_size((height * 0.3).clamp(80.0, 220.0))
        .size_range(60.0..=(height * 0.7).max(80.0))
        .show(ui, |ui| events(ui, model));
    egui::ScrollArea::vertical().id_salt("network-side-scroll").auto_shrink([false, false]).show(ui, |ui| {
        details(ui, view, model, intents);
    });
}

fn details(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
    let live = model.is_live();
    let scene = model.config().scene;
    match model.state() {
        Some(SceneState::Overlay(state)) => overlay_status(ui, scene, state),
        Some(SceneState::Supernodes(state)) => supernodes_status(ui, state),
        Some(SceneState::Storage(state)) => storage_status(ui, state),
        Some(SceneState::ClientServer(state)) => {
            if let Some(agreement) = &state.agreement {
                let same = if agreement.identical { "byte for byte the same" } else { "NOT the same" };
                ui.label(RichText::new(format!(
                    "{} numbers answered by both servers: {same}",
                    agreement.both_answered
                )))
                .on_hover_text("The scene compares the bytes each server sent for the same request");
            }
        }
        _ => {}
    }
    selected_node(ui, view, model, intents);
    match model.state() {
        Some(SceneState::ClientServer(state)) => {
            egui::CollapsingHeader::new("Plots")
                .default_open(true)
                .show(ui, |ui| plots::client_server(ui, state, live));
        }
        Some(SceneState::Capacity(state)) => plots::capacity(ui, state),
        _ => {}
    }
    if view.presenting {
        return;
    }
    node_list(ui, view, model);
    if live {
        wire_frames(ui, view, model);
    }
}

fn selected_node(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel, intents: &mut Vec<NetworkIntent>) {
    let Some(node) = view.selected.and_then(|i| model.graph().nodes.get(i)) else { return };
    ui.horizontal(|ui| {
        ui.label(RichText::new(&node.name).strong().size(15.0));
        ui.label(format!("{}{}", node.role.name(), if node.alive { "" } else { " — dead" }));
        if node.can_fail {
            super::kill_or_restart_button(ui, node, intents);
        }
    });
    egui::Grid::new("node-details").num_columns(2).show(ui, |ui| {
        for (what, value) in &node.details {
            ui.label(RichText::new(what).weak());
            ui.label(value);
            ui.end_row();
        }
    });
    ui.separator();
}

fn node_list(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel) {
    let nodes = &model.graph().nodes;
    egui::CollapsingHeader::new(format!("Nodes ({})", nodes.len()))
        .id_salt("node-list-header")
        .default_open(nodes.len() <= 20)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("node-list").max_height(200.0).show_rows(
                ui,
                18.0,
                nodes.len(),
                |ui, rows| {
                    for i in rows {
                        let Some(node) = nodes.get(i) else { continue };
                        let text = format!("{}{}", node.name, if node.alive { "" } else { " (dead)" });
                        if ui.selectable_label(view.selected == Some(i), text).clicked() {
                            view.selected = Some(i);
                        }
                    }
                },
            );
        });
}

fn events(ui: &mut Ui, model: &NetworkModel) {
    ui.label(RichText::new("Events").strong());
    let events = model.events();
    egui::ScrollArea::vertical().id_salt("network-events").stick_to_bottom(true).auto_shrink([false, false]).show_rows(
        ui,
        18.0,
        events.len(),
        |ui, rows| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
            for e in events.get(rows).unwrap_or(&[]) {
                ui.monospace(format!(
                    "{:>9.3} ms {:<10} {} → {}  {}",
                    e.t_us as f64 / 1000.0,
                    e.kind.name(),
                    e.from,
                    e.to,
                    e.detail
                ));
            }
        },
    );
}

/// Live mode: where each node listens, and the protocol's messages as they went over the
/// sockets, openable as bytes.
fn wire_frames(ui: &mut Ui, view: &mut NetworkView, model: &NetworkModel) {
    let listening = model.listening();
    if !listening.is_empty() {
        egui::CollapsingHeader::new(format!("Listeners ({})", listening.len())).id_salt("listeners").show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("listener-list").max_height(120.0).show(ui, |ui| {
                for (node, addr) in listening {
                    ui.monospace(format!("{node:>10}  {addr}"));
                }
            });
        });
    }
    let Some(frames) = model.frames() else { return };
    egui::CollapsingHeader::new(format!("Messages on the wire ({})", frames.len()))
        .id_salt("wire-frames-header")
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("wire-frames").max_height(140.0).stick_to_bottom(true).show_rows(
                ui,
                18.0,
                frames.len(),
                |ui, rows| {
                    for i in rows {
                        let Some(f) = frames.get(i) else { continue };
                        let text = format!(
                            "{:>9.3} ms {:<9} {} → {} ({} bytes)",
                            f.t_us as f64 / 1000.0,
                            f.kind.name(),
                            f.from,
                            f.to,
                            f.bytes.len()
                        );
                        if ui.selectable_label(view.picked_frame == Some(i), RichText::new(text).monospace()).clicked() {
                            view.picked_frame = Some(i);
                        }
                    }
                },
            );
            if let Some(f) = view.picked_frame.and_then(|i| frames.get(i)) {
                ui.label(
                    RichText::new(
                        "4 bytes: length of the rest · 2: sender · 2: receiver · 1: length of the kind · the kind · the message as JSON",
                    )
                    .weak(),
                );
                let payload = (9 + f.kind.name().len()).min(f.bytes.len());
                crate::ui::widgets::byte_view::show_hex(
                    ui,
                    "wire-frame-hex",
                    &f.bytes,
                    Some(payload..f.bytes.len()),
                    160.0,
                    None,
                );
            }
        });
}

fn names(list: &[String]) -> String {
    list.join(", ")
}

fn overlay_status(ui: &mut Ui, scene: SceneKind, state: &OverlayState) {
    if scene == SceneKind::Routing {
        let delivered = state.messages.iter().filter(|m| m.delivered).count();
        ui.label(format!(
            "{delivered} of {} messages delivered; at most {} hops needed (log2 of the peers)",
            state.messages.len(),
            state.hop_bound
        ));
        if let Some(m) = state.messages.last() {
            let verb = if m.delivered { "arrived after" } else { "so far" };
            ui.label(RichText::new(format!("Latest: {} → {}, {verb} {} hops", m.from, m.to, m.hops)).strong());
            ui.label(RichText::new(format!("path: {}", names(&m.path))).monospace());
        }
        return;
    }
    egui::CollapsingHeader::new("Neighbour tables").default_open(true).show(ui, |ui| {
        egui::ScrollArea::vertical().id_salt("tables").max_height(180.0).show(ui, |ui| {
            for (peer, list) in state.neighbours.iter().take(200) {
                ui.monospace(format!("{peer:>8}: {}", names(list)));
            }
        });
    });
}

fn supernodes_status(ui: &mut Ui, state: &SupernodesState) {
    let agree = if state.registry_copies_agree { "every supernode's copy agrees" } else { "copies are catching up" };
    ui.label(RichText::new(format!("Registry: {} peers online ({agree})", state.online)).strong());
    egui::ScrollArea::vertical().id_salt("registry").max_height(150.0).show(ui, |ui| {
        for entry in &state.registry {
            ui.monospace(format!("{:>8} via {}", entry.peer, entry.supernode));
        }
    });
}

fn storage_status(ui: &mut Ui, state: &StorageState) {
    ui.label(
        RichText::new(format!(
            "Pieces at {} copies: {} of {}",
            state.replication,
            state.full_pieces(),
            state.pieces.len()
        ))
        .strong(),
    );
    if !state.lost_pieces.is_empty() {
        let lost: Vec<String> = state.lost_pieces.iter().map(|p| p.to_string()).collect();
        ui.colored_label(
            theme::error_color(ui.visuals().dark_mode),
            format!("Lost for good: piece {}", lost.join(", ")),
        );
    }
    ui.label(match (state.placed(), state.intact()) {
        (false, _) => "The pieces are not placed yet: press Play or Step.",
        (true, true) => "The file reads back intact (same hash).",
        (true, false) => "The file cannot be read back whole.",
    });
}
