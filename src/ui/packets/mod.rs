//! The Packets view: a scene run in the simulator (or a capture file) as a ladder diagram with
//! playback, an event list kept in sync with it, an inspector for header bits and bytes, and
//! the receiver's byte stream. It draws from the `PacketsModel` and returns `PacketsIntent`s:
//! runs, reads, saves and file dialogs are the app's job runner's work, never the view's.

mod controls;
mod events;
mod inspector;
pub mod ladder;
mod ladder_area;
mod stream;

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::model::packets::PacketsModel;
use crate::model::playback::Playback;
use crate::sim::{OverrideAction, PacketOverride, Scene, Side};
use crate::trace::Trace;
use crate::ui::theme;
use inspector::InspectorState;
use ladder::TimeWindow;

/// What the user asked the Packets view to do; the app carries it out through its job runner.
#[derive(Clone, Debug, PartialEq)]
pub enum PacketsIntent {
    /// Run this scene (a built-in one, or the shown one with other impairments or overrides).
    RunScene(Box<Scene>),
    /// Read a capture file.
    Open(PathBuf),
    /// Read a capture already in memory (a file picked or dropped in a browser).
    OpenBytes { name: String, bytes: std::sync::Arc<[u8]> },
    /// Read a file dropped on the window.
    Dropped(DroppedFile),
    /// Save the shown run or capture to this path.
    Save(String),
    /// Ask for a file with the desktop's dialog.
    AskForFile { saving: bool },
    /// Show the simulated run as captured at a point on its path (None: the whole run).
    CaptureAt(Option<crate::trace::CapturePoint>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BottomTab {
    Inspector,
    Stream,
}

/// How the shown trace is being looked at: playback, selection, zoom, the open panels, and
/// what is typed in the path boxes. Reset whenever the model installs a new trace.
pub struct PacketsView {
    seen_version: u64,
    /// The shown trace's holes and their fills, found once per trace.
    gaps: Vec<crate::trace::gaps::Gap>,
    /// The stream panel's numbers, for (trace version, receiver, playhead): recomputed only when
    /// one of them changes.
    stream: Option<((u64, Side, u64), Option<crate::model::stream::StreamSnapshot>)>,
    pub conversation: u32,
    pub playback: Playback,
    window: TimeWindow,
    max_flight_us: u64,
    pub selected: Option<u32>,
    pub relative: bool,
    inspector: InspectorState,
    scroll_list: bool,
    bottom: BottomTab,
    pub open_path: String,
    pub save_path: String,
    /// The scene with the impairment a slider is being dragged to (run when it is released).
    draft: Option<Scene>,
    /// Presenter mode: the event list is folded away, leaving the ladder and the inspector.
    pub presenting: bool,
    /// An export asked for this frame, for the app to carry out.
    pub export: Option<crate::export::ExportRequest>,
}

impl Default for PacketsView {
    fn default() -> Self {
        Self::new()
    }
}

impl PacketsView {
    pub fn new() -> Self {
        Self {
            seen_version: 0,
            gaps: Vec::new(),
            stream: None,
            conversation: 0,
            playback: Playback::default(),
            window: TimeWindow::fit(0),
            max_flight_us: 0,
            selected: None,
            relative: true,
            inspector: InspectorState::default(),
            scroll_list: false,
            bottom: BottomTab::Inspector,
            open_path: String::new(),
            save_path: default_save_path("handshake"),
            draft: None,
            presenting: false,
            export: None,
        }
    }

    /// Selects packet number `n` (from 1) of the shown trace, as stepping to it does; false if
    /// there is no such packet.
    pub fn select_number(&mut self, model: &PacketsModel, n: u32) -> bool {
        self.follow(model);
        let Some(trace) = model.trace() else { return false };
        let Some(index) = trace.packets.iter().position(|p| p.number == n) else { return false };
        self.select(trace, index as u32);
        self.inspector.field = None;
        true
    }

    /// Selects a header field of the selected packet by its inspector name ("TCP Flags").
    pub fn select_field(&mut self, model: &PacketsModel, name: &str) -> bool {
        self.follow(model);
        let (Some(trace), Some(selected)) = (model.trace(), self.selected) else { return false };
        let Some(packet) = trace.packets.get(selected as usize) else { return false };
        let Some(decoded) = trace.decode(packet) else { return false };
        let table = crate::packet::fields(trace.bytes(packet), &decoded);
        let Some(index) = table.iter().position(|f| format!("{} {}", f.layer, f.name) == name) else { return false };
        self.inspector.packet = Some(selected);
        self.inspector.field = Some(index);
        self.bottom = BottomTab::Inspector;
        true
    }

    /// The inspector name of the selected header field, if one is selected.
    pub fn selected_field(&self, model: &PacketsModel) -> Option<String> {
        let trace = model.trace()?;
        let packet = trace.packets.get(self.selected? as usize)?;
        let index = self.inspector.field.filter(|_| self.inspector.packet == self.selected)?;
        let decoded = trace.decode(packet)?;
        crate::packet::fields(trace.bytes(packet), &decoded).get(index).map(|f| format!("{} {}", f.layer, f.name))
    }

    /// Takes up a new trace from the model: the busiest conversation of a capture first.
    fn follow(&mut self, model: &PacketsModel) {
        if self.seen_version == model.trace_version() {
            return;
        }
        self.seen_version = model.trace_version();
        self.draft = None;
        match &model.source {
            crate::model::packets::Source::Scene(scene) => self.save_path = default_save_path(&scene.name),
            crate::model::packets::Source::Capture(path) => self.open_path = path.display().to_string(),
        }
        let Some(trace) = model.trace() else { return };
        self.gaps = crate::trace::gaps::find_gaps(trace);
        let busiest = (0..trace.conversations.len() as u32)
            .max_by_key(|&c| (trace.conversations[c as usize].packets, std::cmp::Reverse(c)))
            .unwrap_or(0);
        self.select_conversation(trace, busiest);
    }

    fn select_conversation(&mut self, trace: &Trace, conversation: u32) {
        self.conversation = conversation;
        self.playback.reset(trace, conversation);
        (self.window, self.max_flight_us) = ladder::whole_run(trace, &self.playback.order, self.playback.end_us);
        self.selected = None;
    }

    /// The lane names: "address:port" of each end of the shown conversation.
    pub fn lanes(&self, trace: &Trace) -> [String; 2] {
        crate::trace::ladder_text::lane_names(trace, self.conversation)
    }

    fn select(&mut self, trace: &Trace, packet: u32) {
        self.selected = Some(packet);
        self.playback.select(trace, packet);
        if let Some(p) = trace.packets.get(packet as usize) {
            self.window.reveal(p.t_us as f64);
        }
        self.scroll_list = true;
    }

    fn step(&mut self, trace: &Trace, forward: bool) {
        let packet = if forward { self.playback.step_forward(trace) } else { self.playback.step_back(trace) };
        self.selected = packet;
        if let Some(p) = packet {
            self.window.reveal(trace.packets[p as usize].t_us as f64);
            self.scroll_list = true;
        }
    }

    fn keyboard(&mut self, ui: &Ui, trace: Option<&Trace>) {
        use egui::Key;
        let Some(trace) = trace else { return };
        let keys = crate::ui::widgets::keys::take(ui, &[Key::Space, Key::ArrowRight, Key::ArrowLeft, Key::Home]);
        let [space, right, left, home] =
            [Key::Space, Key::ArrowRight, Key::ArrowLeft, Key::Home].map(|k| keys.contains(&k));
        if space {
            self.playback.toggle();
        }
        if right {
            self.step(trace, true);
        }
        if left {
            self.step(trace, false);
        }
        if home {
            self.playback.reset(trace, self.conversation);
            self.selected = None;
        }
    }

    pub fn show(&mut self, ui: &mut Ui, model: &PacketsModel) -> Vec<PacketsIntent> {
        self.follow(model);
        let mut intents = Vec::new();
        let trace = model.trace().map(|t| &**t);
        if model.busy() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        intents.extend(dropped_capture(ui));
        self.keyboard(ui, trace);
        if self.playback.playing
            && let Some(trace) = trace
        {
            let dt = ui.input(|i| f64::from(i.stable_dt)).min(0.1);
            self.playback.advance(dt);
            // Keep the newest sent packet selected while playing, and in view.
            let until = self.playback.shown_until().unwrap_or(0);
            let sent = if self.playback.started {
                self.playback.order.partition_point(|&i| trace.packets[i as usize].t_us <= until)
            } else {
                0
            };
            if sent > 0 {
                self.selected = Some(self.playback.order[sent - 1]);
                self.scroll_list = true;
            }
            self.window.reveal(self.playback.playhead_us as f64);
            ui.ctx().request_repaint();
        }

        egui::Panel::top("packets_controls").show(ui, |ui| {
            if self.presenting {
                // The class needs to know the scene and the link, not the file boxes and sliders:
                // one line, so the ladder keeps the room.
                if let Some(scene) = model.scene() {
                    ui.label(RichText::new(format!("{} · link: {}", scene.name, scene.link.summary())).strong());
                }
            } else {
                self.source_bar(ui, model, &mut intents);
                if let Some(trace) = trace {
                    self.conversation_picker(ui, trace);
                }
                self.impairments(ui, model, &mut intents);
            }
            if let Some(trace) = trace {
                self.playback_bar(ui, trace);
            }
            if let Some(error) = &model.error {
                ui.colored_label(theme::error_color(ui.visuals().dark_mode), error);
            }
            if let Some(notice) = &model.notice {
                ui.colored_label(theme::marker_color(ui.visuals().dark_mode), notice);
            }
            if let Some(pending) = model.pending() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(&pending.what);
                });
            }
        });
        let Some(trace) = trace else {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.label(RichText::new("Pick a scene or open a capture.").weak());
            });
            return intents;
        };
        let lanes = self.lanes(trace);
        let selected = self.selected.filter(|&s| (s as usize) < trace.packets.len());
        let playhead = self.playback.shown_until();
        let bottom = &mut self.bottom;
        let inspector_state = &mut self.inspector;
        let stream_cache = &mut self.stream;
        let version = self.seen_version;
        let receiver = match selected.map(|s| &trace.packets[s as usize]) {
            Some(p) if p.len > 0 => {
                if p.forward {
                    Side::Server
                } else {
                    Side::Client
                }
            }
            _ => trace
                .sim
                .as_ref()
                .map_or(Side::Client, |r| if r.sent[0].len() > r.sent[1].len() { Side::Server } else { Side::Client }),
        };
        // Panels take a share of the window, so on a small or zoomed screen the ladder keeps room.
        let (width, height) = (ui.available_width(), ui.available_height());
        egui::Panel::bottom("packets_bottom")
            .resizable(true)
            .default_size((height * 0.35).clamp(100.0, 330.0))
            .size_range(80.0..=(height * 0.7).max(100.0))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(bottom, BottomTab::Inspector, "Inspector");
                    ui.selectable_value(bottom, BottomTab::Stream, format!("Stream ({} receives)", receiver.name()));
                });
                ui.separator();
                match bottom {
                    BottomTab::Inspector => inspector::show(ui, trace, selected, &lanes, inspector_state),
                    BottomTab::Stream => {
                        let snapshot = playhead.map(|t| {
                            let key = (version, receiver, t);
                            if stream_cache.as_ref().is_none_or(|(k, _)| *k != key) {
                                *stream_cache = Some((key, crate::model::stream::snapshot(trace, receiver, t)));
                            }
                            stream_cache.as_ref().and_then(|(_, s)| s.as_ref())
                        });
                        stream::show(ui, trace, receiver, snapshot)
                    }
                }
            });
        let mut clicked = None;
        let mut menu_action = None;
        let mut export = None;
        let scroll_list = std::mem::take(&mut self.scroll_list);
        let playback = &self.playback;
        if !self.presenting {
            egui::Panel::right("packets_events")
                .resizable(true)
                .default_size((width * 0.33).clamp(200.0, 430.0))
                .size_range(160.0..=(width * 0.6).max(200.0))
                .show(ui, |ui| {
                    clicked = events::show(ui, trace, playback, selected, &lanes, scroll_list);
                });
        }
        let simulated = model.scene().is_some();
        let area = ladder_area::LadderArea {
            trace,
            order: &playback.order,
            max_flight_us: self.max_flight_us,
            lanes: lanes.clone(),
            window: &mut self.window,
            selected,
            relative: self.relative,
            playhead_us: playhead,
            gaps: &self.gaps,
        };
        egui::CentralPanel::default().show(ui, |ui| {
            let outcome = ladder_area::ladder_area(ui, area, simulated);
            if clicked.is_none() {
                clicked = outcome.clicked;
            }
            menu_action = outcome.action;
            export = outcome.export;
        });
        if let Some(packet) = clicked {
            self.select(trace, packet);
        }
        self.export = export;
        if let Some((number, action)) = menu_action
            && let Some(scene) = with_override(model.scene(), number, action)
        {
            intents.push(PacketsIntent::RunScene(Box::new(scene)));
        }
        intents
    }
}

/// The shown scene with one more override on packet `number` (replacing any earlier one).
pub fn with_override(scene: Option<&Scene>, number: u32, action: OverrideAction) -> Option<Scene> {
    let mut scene = scene?.clone();
    scene.overrides.retain(|o| o.packet != number as usize);
    scene.overrides.push(PacketOverride { packet: number as usize, action });
    Some(scene)
}

/// A file dropped on the window; two are equal when they are the same drop.
#[derive(Clone, Debug)]
pub struct DroppedFile(pub egui::DroppedFileHandle);

impl PartialEq for DroppedFile {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A capture dropped on the window (lesson files are the app's to open). On the desktop the app
/// reads it by its path; in a browser, which gives a page only the file's name, by its handle.
fn dropped_capture(ui: &Ui) -> Option<PacketsIntent> {
    ui.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .find(|f| !f.path().as_os_str().is_empty() && f.path().extension().is_none_or(|e| e != "toml"))
            .map(|f| PacketsIntent::Dropped(DroppedFile(f.clone())))
    })
}

/// A file name in the home directory (or here) for saving the shown run.
pub fn default_save_path(name: &str) -> String {
    let base = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    let name = if name.is_empty() { "netlens" } else { name };
    base.join(format!("netlens-{name}.pcapng")).display().to_string()
}
