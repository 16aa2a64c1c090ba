//! The swarm panel's Files tab (S24 and S20): share a file (its pieces go to the r closest
//! peers), every piece with its holders now (a piece with none left is shown lost), downloads
//! from many peers or from the teacher alone, and their times side by side.

use egui::{RichText, Ui};

use super::SwarmView;
use super::peer_label::peer_label;
use crate::model::swarm::{SwarmIntent, SwarmModel};

impl SwarmView {
    /// The Files tab: share a file, download one, and every piece of every file with its holders.
    pub(super) fn files_tab(&mut self, ui: &mut Ui, model: &SwarmModel, intents: &mut Vec<SwarmIntent>) {
        show(ui, model, self, intents);
    }
}

fn show(ui: &mut Ui, model: &SwarmModel, view: &mut SwarmView, intents: &mut Vec<SwarmIntent>) {
    ui.label(format!(
        "Sharing cuts a file into pieces and stores each on the {} peers closest to its hash. When a \
         holder leaves, the others copy the piece again until it has {} copies.",
        model.state.replication, model.state.replication
    ));
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut view.share_path).desired_width(200.0).hint_text("path of a file to share"),
        );
        if ui.add_enabled(!view.share_path.trim().is_empty(), egui::Button::new("Share a file")).clicked() {
            intents.push(SwarmIntent::Share(view.share_path.trim().into()));
        }
    });
    ui.horizontal(|ui| {
        ui.add(egui::TextEdit::singleline(&mut view.fetch_id).desired_width(200.0).hint_text("a file id to download"));
        let ready = view.fetch_id.trim().len() == 64;
        if ui.add_enabled(ready, egui::Button::new("Download")).clicked() {
            intents.push(SwarmIntent::Fetch { file_id: view.fetch_id.trim().into(), teacher_only: false });
        }
        if !model.is_teacher()
            && ui
                .add_enabled(ready, egui::Button::new("From the teacher alone"))
                .on_hover_text("Every piece from the teacher's laptop, to compare with many peers at once")
                .clicked()
        {
            intents.push(SwarmIntent::Fetch { file_id: view.fetch_id.trim().into(), teacher_only: true });
        }
    });
    ui.label(RichText::new("Or drop a file on the window to share it.").weak());
    class_files(ui, model, intents);
    for file in &model.shared {
        ui.separator();
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&file.name).strong());
            ui.label(format!("{:.1} MB", file.size as f64 / 1e6));
            ui.label(RichText::new(&file.file_id[..12]).monospace()).on_hover_text(&file.file_id);
            if ui.small_button("Copy id").clicked() {
                ui.ctx().copy_text(file.file_id.clone());
            }
        });
        ui.horizontal(|ui| {
            if ui.button("Download from the class").clicked() {
                intents.push(SwarmIntent::Fetch { file_id: file.file_id.clone(), teacher_only: false });
            }
            if !model.is_teacher() && ui.button("Download from the teacher alone").clicked() {
                intents.push(SwarmIntent::Fetch { file_id: file.file_id.clone(), teacher_only: true });
            }
        });
        for (piece, holders) in model.piece_holders(file) {
            let what = piece.map_or("manifest".to_string(), |i| format!("piece {i}"));
            if holders.is_empty() {
                ui.colored_label(ui.visuals().error_fg_color, format!("{what}: lost — every holder has left"));
            } else {
                let names: Vec<String> = holders.iter().map(|h| peer_label(model, h)).collect();
                ui.label(format!("{what}: {} copies — {}", holders.len(), names.join(", ")));
            }
        }
    }
    capacity(ui, model);
}

/// The files others shared, from the telemetry of the peers holding their manifests: a student
/// downloads one with a click instead of typing its id.
fn class_files(ui: &mut Ui, model: &SwarmModel, intents: &mut Vec<SwarmIntent>) {
    let files = model.class_files();
    if files.is_empty() {
        return;
    }
    ui.separator();
    ui.label(RichText::new(format!("Shared in the class ({})", files.len())).strong());
    for file in files {
        let note = &file.note;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(&note.name).strong());
            ui.label(format!(
                "{:.1} MB · {} piece{}",
                note.size as f64 / 1e6,
                note.pieces,
                if note.pieces == 1 { "" } else { "s" }
            ));
            ui.label(RichText::new(&note.id[..12]).monospace()).on_hover_text(format!(
                "File id {}; its manifest is on {} peer(s)",
                note.id,
                file.manifest_holders.len()
            ));
        });
        ui.horizontal(|ui| {
            if ui.button(format!("Download {}", note.name)).clicked() {
                intents.push(SwarmIntent::Fetch { file_id: note.id.clone(), teacher_only: false });
            }
            if !model.is_teacher()
                && ui
                    .button("From the teacher alone")
                    .on_hover_text("Every piece from the teacher's laptop, to compare with many peers at once")
                    .clicked()
            {
                intents.push(SwarmIntent::Fetch { file_id: note.id.clone(), teacher_only: true });
            }
        });
    }
}

/// S20: each download's time, many sources against the teacher alone.
fn capacity(ui: &mut Ui, model: &SwarmModel) {
    if model.downloads.is_empty() {
        return;
    }
    ui.separator();
    let cap = model.state.upload_limit.map_or("this laptop's uploads are not capped".to_string(), |c| {
        format!("this laptop caps its uploads at {} KiB/s", c / 1024)
    });
    ui.label(RichText::new("Downloads: many peers at once against the teacher alone").strong());
    ui.label(RichText::new(format!("Each node's upload cap limits what it can serve ({cap}).")).weak());
    let slowest = model.downloads.iter().map(|d| d.report.seconds).fold(0.001, f64::max);
    for download in model.downloads.iter().rev().take(8) {
        let r = &download.report;
        let who =
            if download.teacher_only { "teacher alone".to_string() } else { format!("{} peers at once", r.sources) };
        let rate = r.size as f64 / r.seconds.max(1e-6) / 1e6;
        ui.add(
            egui::ProgressBar::new((r.seconds / slowest) as f32)
                .desired_width(260.0)
                .text(format!("{who}: {:.2} s, {rate:.1} MB/s", r.seconds)),
        );
        ui.label(RichText::new(format!("SHA-256 {}…", &r.sha256[..16])).weak().monospace());
    }
}
