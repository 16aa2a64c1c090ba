//! The Packets view's controls: where the packets come from (scene, capture file, save), the
//! link's impairments (re-run when a slider is released, not on every pixel of a drag),
//! and playback (the ladder itself is `ladder_area.rs`).

use egui::{RichText, Ui};

use super::ladder::TimeWindow;
use super::{PacketsIntent, PacketsView};
use crate::model::packets::{PacketsModel, Source};
use crate::model::playback::SPEEDS;
use crate::sim::Scene;
use crate::trace::{CapturePoint, Trace};

impl PacketsView {
    pub(super) fn source_bar(&mut self, ui: &mut Ui, model: &PacketsModel, intents: &mut Vec<PacketsIntent>) {
        ui.horizontal_wrapped(|ui| {
            let current = match &model.source {
                Source::Scene(scene) => scene.name.clone(),
                Source::Capture(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            };
            egui::ComboBox::new("scene-picker", "scene").selected_text(current).width(150.0).show_ui(ui, |ui| {
                for scene in Scene::built_in() {
                    if ui.selectable_label(false, format!("{} — {}", scene.name, scene.title)).clicked() {
                        intents.push(PacketsIntent::RunScene(Box::new(scene)));
                    }
                }
            });
            if model.scene().is_some() {
                capture_point_picker(ui, model, intents);
            }
            ui.separator();
            if crate::ui::platform::IN_BROWSER {
                self.browser_file_controls(ui, intents);
            } else {
                self.desktop_file_controls(ui, intents);
            }
            ui.separator();
            ui.checkbox(&mut self.relative, "relative seq").on_hover_text(
                "Sequence numbers counted from each side's first one (as Wireshark does), or the raw 32-bit values",
            );
        });
    }

    pub(super) fn conversation_picker(&mut self, ui: &mut Ui, trace: &Trace) {
        if trace.conversations.len() < 2 {
            return;
        }
        let describe = |i: usize| {
            let c = &trace.conversations[i];
            format!("{} {} ↔ {} · {} packets · {} bytes", c.protocol_name(), c.a_text(), c.b_text(), c.packets, c.bytes)
        };
        let mut picked = None;
        ui.horizontal(|ui| {
            ui.label(format!("{} conversations", trace.conversations.len()));
            let shown = (self.conversation as usize).min(trace.conversations.len() - 1);
            egui::ComboBox::new("conversation", "conversation").selected_text(describe(shown)).width(520.0).show_ui(
                ui,
                |ui| {
                    // Long lists scroll; only the first few thousand are offered.
                    for i in 0..trace.conversations.len().min(5000) {
                        if ui.selectable_label(i as u32 == self.conversation, describe(i)).clicked() {
                            picked = Some(i as u32);
                        }
                    }
                },
            );
        });
        if let Some(c) = picked {
            self.select_conversation(trace, c);
        }
    }

    pub(super) fn impairments(&mut self, ui: &mut Ui, model: &PacketsModel, intents: &mut Vec<PacketsIntent>) {
        let Some(shown) = model.scene() else { return };
        let mut scene = self.draft.clone().unwrap_or_else(|| shown.clone());
        let mut edits = SliderEdits::default();
        let mut cleared = false;
        // A grid as wide as the window allows, so on a projector the sliders wrap onto more rows
        // instead of running off the right edge.
        ui.spacing_mut().slider_width = 110.0;
        let columns = ((ui.available_width() / IMPAIRMENT_CELL_WIDTH).floor() as usize).clamp(1, 8);
        let mut cell = 0;
        let mut next_cell = |ui: &mut Ui| {
            cell += 1;
            if cell % columns == 0 {
                ui.end_row();
            }
        };
        egui::Grid::new("impairments").num_columns(columns).show(ui, |ui| {
            let link = &mut scene.link;
            let mut percent = |ui: &mut Ui, label: &str, value: &mut f64, max: f64, hint: &str| {
                let mut p = *value * 100.0;
                let r = ui
                    .add(egui::Slider::new(&mut p, 0.0..=max).text(label).suffix("%").fixed_decimals(0))
                    .on_hover_text(hint);
                if edits.track(&r) {
                    *value = p / 100.0;
                }
            };
            percent(ui, "loss", &mut link.loss, 50.0, "Chance that the link loses each packet");
            next_cell(ui);
            percent(ui, "dup", &mut link.duplicate, 50.0, "Chance that the link delivers an extra copy");
            next_cell(ui);
            percent(ui, "reorder", &mut link.reorder, 50.0, "Chance that a packet is held back and overtaken");
            next_cell(ui);
            let mut delay = link.delay_us as f64 / 1000.0;
            let r = ui
                .add(egui::Slider::new(&mut delay, 0.0..=500.0).text("delay").suffix(" ms"))
                .on_hover_text("One-way delay");
            if edits.track(&r) {
                link.delay_us = (delay * 1000.0) as u64;
            }
            next_cell(ui);
            let mut jitter = link.jitter_us as f64 / 1000.0;
            let r = ui.add(egui::Slider::new(&mut jitter, 0.0..=100.0).text("jitter").suffix(" ms"));
            if edits.track(&r) {
                link.jitter_us = (jitter * 1000.0) as u64;
            }
            next_cell(ui);
            let mut mbps = link.bandwidth_bps as f64 / 1e6;
            let r = ui
                .add(egui::Slider::new(&mut mbps, 0.1..=1000.0).logarithmic(true).text("bandwidth").suffix(" Mbit/s"));
            if edits.track(&r) {
                link.bandwidth_bps = (mbps * 1e6) as u64;
            }
            next_cell(ui);
            let r = ui.add(egui::Slider::new(&mut link.mtu, 576..=9000).text("MTU"));
            edits.track(&r);
            next_cell(ui);
            ui.horizontal(|ui| {
                let r = ui
                    .add(egui::DragValue::new(&mut scene.seed).prefix("seed "))
                    .on_hover_text("Another seed, other losses");
                edits.track(&r);
                if !scene.overrides.is_empty() {
                    let n = scene.overrides.len();
                    let text = format!("{n} packet override{} ✖", if n == 1 { "" } else { "s" });
                    if ui.button(text).on_hover_text("Forget the right-click drops, delays and duplicates").clicked() {
                        scene.overrides.clear();
                        cleared = true;
                    }
                }
            });
        });
        // The sliders set the whole path: both directions, and on a two-hop path each hop.
        if let Some(reverse) = scene.reverse_link.as_mut() {
            *reverse = scene.link.clone();
        }
        if let Some(hop) = scene.second_hop.as_mut() {
            *hop = scene.link.clone();
        }
        if shown.second_hop.is_some() {
            ui.label(RichText::new("Two hops (client ↔ router ↔ server): each setting applies to each hop.").weak());
        }
        if edits.dragging && !edits.commit {
            // Held: keep the edited scene as a draft and run nothing yet.
            self.draft = Some(scene);
        } else if cleared || edits.commit || self.draft.is_some() {
            // Released (or a click, a typed value, a cleared override): one run.
            self.draft = None;
            if scene != *shown {
                intents.push(PacketsIntent::RunScene(Box::new(scene)));
            }
        }
        egui::CollapsingHeader::new(RichText::new(&shown.title).strong()).id_salt("scene-explanation").default_open(true).show(ui, |ui| {
            ui.label(&shown.explanation);
            ui.label(
                RichText::new(
                    "smoltcp, the real TCP/IP stack at both ends, waits at least 1 s before retransmitting on a timeout, keeps TIME-WAIT for a fixed 10 s (the run ends before it), and sends SACK blocks but does not use them for recovery. Right-click a packet to drop, delay or duplicate it.",
                )
                .weak(),
            );
            if let Some(run) = model.trace().and_then(|t| t.sim.as_ref()) {
                ui.label(RichText::new(format!("Run: {}", run.outcome)).weak());
            }
        });
    }

    pub(super) fn playback_bar(&mut self, ui: &mut Ui, trace: &Trace) {
        let mut step = None;
        ui.horizontal(|ui| {
            if ui.button("⏮").on_hover_text("Back to the start (Home)").clicked() {
                self.playback.reset(trace, self.conversation);
                self.selected = None;
            }
            if ui.button("◀").on_hover_text("Step back one packet (←)").clicked() {
                step = Some(false);
            }
            let play = if self.playback.playing { "⏸ Pause" } else { "▶ Play" };
            if ui.button(play).on_hover_text("Play or pause (Space)").clicked() {
                self.playback.toggle();
            }
            if ui.button("▶|").on_hover_text("Step forward one packet (→)").clicked() {
                step = Some(true);
            }
            let speed_text =
                |s: f64| if s >= 1.0 { format!("{s}× real time") } else { format!("1/{}×", (1.0 / s).round()) };
            egui::ComboBox::new("speed", "speed").selected_text(speed_text(self.playback.speed)).show_ui(ui, |ui| {
                for s in SPEEDS {
                    ui.selectable_value(&mut self.playback.speed, s, speed_text(s));
                }
            });
            let mut t = self.playback.playhead_us as f64;
            let end = self.playback.end_us.max(1) as f64;
            let width = (ui.available_width() - 260.0).max(120.0);
            ui.spacing_mut().slider_width = width;
            if ui
                .add(egui::Slider::new(&mut t, 0.0..=end).show_value(false))
                .on_hover_text("Drag to scrub through time")
                .changed()
            {
                self.playback.seek(t as u64);
            }
            ui.monospace(format!(
                "{} / {}",
                crate::trace::ladder_text::format_time(self.playback.playhead_us as f64),
                crate::trace::ladder_text::format_time(end)
            ));
            if ui.button("Fit").on_hover_text("Show the whole run").clicked() {
                self.window = TimeWindow::fit(self.playback.end_us);
            }
        });
        if let Some(forward) = step {
            self.step(trace, forward);
        }
    }
}

/// "captured at": the whole run as the simulator saw it, or what a capture would hold at the
/// client's card, the router (two-hop scenes) or the server's card.
fn capture_point_picker(ui: &mut Ui, model: &PacketsModel, intents: &mut Vec<PacketsIntent>) {
    ui.label("captured at").on_hover_text(
        "Where the packets are recorded. The whole run shows every packet from send to arrival, as the simulator \
         knows it. A capture point shows only what passed there, labelled as Wireshark would label that capture: \
         a loss upstream of it is a gap (previous segment not captured) that a retransmission fills later.",
    );
    let current = model.capture_point();
    if ui.selectable_label(current.is_none(), "whole run").on_hover_text("Every packet, send to arrival").clicked() {
        intents.push(PacketsIntent::CaptureAt(None));
    }
    for point in CapturePoint::ALL {
        let enabled = point != CapturePoint::Router || model.has_router();
        let hint = match point {
            CapturePoint::Client => "What a capture on the client's own card holds",
            CapturePoint::Router => "What a capture at the router in the middle holds",
            CapturePoint::Server => "What a capture on the server's own card holds",
        };
        let response = ui
            .add_enabled(enabled, egui::Button::selectable(current == Some(point), point.name()))
            .on_hover_text(hint)
            .on_disabled_hover_text("This scene has one hop and no router; try the two-hops scene");
        if response.clicked() {
            intents.push(PacketsIntent::CaptureAt(Some(point)));
        }
    }
}

/// Tracks a row of sliders: while one is dragged the edited scene is kept as a draft; the run
/// starts when the drag ends (or at once for a click or a typed value).
#[derive(Default)]
struct SliderEdits {
    dragging: bool,
    commit: bool,
}

impl SliderEdits {
    fn track(&mut self, response: &egui::Response) -> bool {
        self.dragging |= response.dragged();
        self.commit |= response.drag_stopped() || (response.changed() && !response.dragged());
        response.changed()
    }
}

/// Room one impairment slider takes, with its value and name (points).
const IMPAIRMENT_CELL_WIDTH: f32 = 300.0;

impl PacketsView {
    /// Open and save by path, or with the desktop's dialogs.
    fn desktop_file_controls(&mut self, ui: &mut Ui, intents: &mut Vec<PacketsIntent>) {
        if ui.button("Open capture…").on_hover_text("Choose a pcap or pcapng file").clicked() {
            intents.push(PacketsIntent::AskForFile { saving: false });
        }
        ui.add(
            egui::TextEdit::singleline(&mut self.open_path)
                .hint_text("path to a .pcap or .pcapng (or drop a file here)")
                .desired_width(220.0),
        );
        if ui.button("Open").on_hover_text("Open the file named in the box").clicked()
            && !self.open_path.trim().is_empty()
        {
            intents.push(PacketsIntent::Open(self.open_path.trim().into()));
        }
        ui.separator();
        ui.add(egui::TextEdit::singleline(&mut self.save_path).desired_width(200.0))
            .on_hover_text("Where to save the shown run; .pcapng or .pcap");
        if ui
            .button("Save")
            .on_hover_text("Save as pcap or pcapng (by the file name's extension) for Wireshark or tshark")
            .clicked()
        {
            intents.push(PacketsIntent::Save(self.save_path.clone()));
        }
        if ui.button("Save as…").on_hover_text("Choose where to save with the desktop's dialog").clicked() {
            intents.push(PacketsIntent::AskForFile { saving: true });
        }
    }

    /// A browser has no paths: a picker to open, a download to save.
    fn browser_file_controls(&mut self, ui: &mut Ui, intents: &mut Vec<PacketsIntent>) {
        let files = crate::ui::platform::FILES_IN_BROWSER;
        if ui
            .button("Open capture…")
            .on_hover_text(format!("Choose a pcap or pcapng file, or drop one on the page. {files}"))
            .clicked()
        {
            intents.push(PacketsIntent::AskForFile { saving: false });
        }
        if ui
            .button("Download pcapng")
            .on_hover_text(format!("Save the shown run for Wireshark or tshark. {files}"))
            .clicked()
        {
            intents.push(PacketsIntent::AskForFile { saving: true });
        }
    }
}
