//! The Network view's class swarm: "Join the class swarm" (the teacher starts one and gets a
//! class code; students type it), then the live class — a graph of every peer from the
//! telemetry, messages drawn as they happen — and beside it this laptop's routing table, a
//! traced lookup, the registry (with the teacher's controls) and the shared files with their
//! pieces, holders and download times. It draws from the `SwarmModel` and returns
//! `SwarmIntent`s; the worker runs the node.

mod class_graph;
mod files;
mod join;
mod lookup_compare;
mod panels;
mod peer_label;

use egui::{RichText, Ui};

use crate::model::swarm::{SwarmIntent, SwarmModel, SwarmStatus};
use crate::swarm::telemetry::Order;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SwarmTab {
    #[default]
    Table,
    Lookup,
    Registry,
    Files,
}

pub struct SwarmView {
    pub form: join::JoinForm,
    pub tab: SwarmTab,
    /// The lookup target being typed.
    pub lookup_target: String,
    /// The path of the file to share, and the file id to download.
    pub share_path: String,
    pub fetch_id: String,
    /// The lookup drawn beside the relay (S22), replayed round by round.
    comparison: lookup_compare::Comparison,
}

impl Default for SwarmView {
    fn default() -> Self {
        Self {
            form: join::JoinForm::default(),
            tab: SwarmTab::Table,
            lookup_target: "lesson".into(),
            share_path: String::new(),
            fetch_id: String::new(),
            comparison: lookup_compare::Comparison::default(),
        }
    }
}

impl SwarmView {
    pub fn show(&mut self, ui: &mut Ui, model: &SwarmModel) -> Vec<SwarmIntent> {
        let mut intents = Vec::new();
        match model.status() {
            SwarmStatus::Running => {
                self.take_dropped_files(ui, &mut intents);
                // Messages fade over a second: keep drawing while any is fresh.
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
                egui::Panel::top("swarm_header").show(ui, |ui| header(ui, model, &mut intents));
                let width = ui.available_width();
                egui::Panel::right("swarm_side")
                    .resizable(true)
                    .default_size((width * 0.4).clamp(260.0, 460.0))
                    .show(ui, |ui| self.side(ui, model, &mut intents));
                // The Lookup tab puts its drawing where it has room: the lookup beside the relay.
                egui::CentralPanel::default().show(ui, |ui| match self.tab {
                    SwarmTab::Lookup => lookup_compare::show(ui, model, &mut self.comparison),
                    _ => class_graph::show(ui, model),
                });
            }
            SwarmStatus::Starting => {
                ui.add_space(24.0);
                ui.vertical_centered(|ui| {
                    ui.spinner();
                    ui.label("Starting the node and joining the class…");
                    if ui.button("Cancel").clicked() {
                        intents.push(SwarmIntent::Leave);
                    }
                });
            }
            status => {
                let message = match status {
                    SwarmStatus::Failed(reason) => Some(reason),
                    SwarmStatus::EndedByTeacher => Some("The teacher ended the session.".to_string()),
                    _ => None,
                };
                self.form.show(ui, message.as_deref(), &mut intents);
            }
        }
        intents
    }

    /// A file dropped on the window is shared with the class, like "Share a file"; while one is
    /// dragged over, the window says so.
    fn take_dropped_files(&mut self, ui: &mut Ui, intents: &mut Vec<SwarmIntent>) {
        let (hovering, dropped) = ui.input(|i| (!i.raw.hovered_files.is_empty(), i.raw.dropped_files.clone()));
        let paths: Vec<std::path::PathBuf> =
            dropped.iter().map(|f| f.path().to_path_buf()).filter(|p| !p.as_os_str().is_empty()).collect();
        if !paths.is_empty() {
            self.tab = SwarmTab::Files;
            intents.extend(paths.into_iter().map(SwarmIntent::Share));
        }
        if hovering {
            let screen = ui.ctx().content_rect();
            ui.ctx()
                .layer_painter(egui::LayerId::new(egui::Order::Foreground, egui::Id::NULL.with("swarm-drop")))
                .text(
                    screen.center(),
                    egui::Align2::CENTER_CENTER,
                    "Drop to share with the class",
                    egui::FontId::proportional(28.0),
                    ui.visuals().strong_text_color(),
                );
        }
    }

    fn side(&mut self, ui: &mut Ui, model: &SwarmModel, intents: &mut Vec<SwarmIntent>) {
        ui.horizontal_wrapped(|ui| {
            for (tab, name) in [
                (SwarmTab::Table, "Routing table"),
                (SwarmTab::Lookup, "Lookup"),
                (SwarmTab::Registry, "Registry"),
                (SwarmTab::Files, "Files"),
            ] {
                ui.selectable_value(&mut self.tab, tab, name);
            }
        });
        ui.separator();
        if let Some(notice) = &model.notice {
            ui.colored_label(ui.visuals().warn_fg_color, notice);
        }
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| match self.tab {
            SwarmTab::Table => panels::routing_table(ui, model),
            SwarmTab::Lookup => panels::lookup(ui, model, &mut self.lookup_target, intents),
            SwarmTab::Registry => panels::registry(ui, model, intents),
            SwarmTab::Files => self.files_tab(ui, model, intents),
        });
    }
}

/// The class code, shown large, the address to give students, and leaving.
fn header(ui: &mut Ui, model: &SwarmModel, intents: &mut Vec<SwarmIntent>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Class code");
        ui.label(RichText::new(&model.code).size(32.0).strong().monospace());
        ui.separator();
        ui.vertical(|ui| {
            ui.label(RichText::new(if model.is_teacher() { "Teacher's address" } else { "This laptop" }).weak());
            ui.horizontal(|ui| {
                ui.label(RichText::new(&model.address).monospace().small());
                if ui.small_button("Copy").on_hover_text("Copy the address for students to type").clicked() {
                    ui.ctx().copy_text(model.address.clone());
                }
            });
        });
        ui.separator();
        let peers = model.state.class.len();
        ui.label(format!("{peers} in class · {} connected", model.state.connected.len()));
        if model.busy > 0 {
            ui.spinner();
        }
        if model.is_teacher()
            && ui
                .button("End session")
                .on_hover_text("Every student's node leaves, and its pieces are cleared")
                .clicked()
        {
            intents.push(SwarmIntent::Order(Order::End));
        }
        if ui.button("Leave").on_hover_text("Leave the class swarm (your pieces are cleared)").clicked() {
            intents.push(SwarmIntent::Leave);
        }
    });
}
