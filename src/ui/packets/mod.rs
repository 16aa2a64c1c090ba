//! The Packets view: a scene run in the simulator (or a capture file) as a ladder diagram with
//! playback, an event list kept in sync with it, an inspector for header bits and bytes, and
//! the receiver's byte stream. Simulations and file reads run on a helper thread.

mod controls;
mod events;
mod inspector;
pub mod ladder;
mod stream;

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use egui::{RichText, Ui};

use crate::model::playback::Playback;
use crate::sim::{OverrideAction, PacketOverride, Scene, Side, simulate};
use crate::trace::Trace;
use crate::ui::theme;
use inspector::InspectorState;
use ladder::TimeWindow;

/// Where the shown trace came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Scene(Box<Scene>),
    Capture(PathBuf),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BottomTab {
    Inspector,
    Stream,
}

/// A native file dialog open on a helper thread (it blocks until the user answers).
struct Dialog {
    saving: bool,
    receiver: Receiver<Option<PathBuf>>,
}

struct Job {
    receiver: Receiver<Result<Trace, String>>,
    what: String,
}

pub struct PacketsView {
    pub source: Source,
    pub trace: Option<Trace>,
    job: Option<Job>,
    pub error: Option<String>,
    pub notice: Option<String>,
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
    dialog: Option<Dialog>,
}

impl Default for PacketsView {
    fn default() -> Self {
        Self::new()
    }
}

impl PacketsView {
    pub fn new() -> Self {
        let scene = Scene::named("handshake").expect("built-in scene");
        let mut view = Self {
            source: Source::Scene(Box::new(scene.clone())),
            trace: None,
            job: None,
            error: None,
            notice: None,
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
            dialog: None,
        };
        view.run_scene(scene);
        view
    }

    /// Runs a scene in the background; the view switches to it when it is done.
    pub fn run_scene(&mut self, scene: Scene) {
        if let Some(problem) = scene.problem() {
            self.error = Some(problem);
            return;
        }
        self.save_path = default_save_path(&scene.name);
        self.source = Source::Scene(Box::new(scene.clone()));
        let what = format!("running {}…", scene.name);
        self.start(what, move || Ok(Trace::from_sim(simulate(&scene))));
    }

    /// Reads a capture in the background.
    pub fn open_file(&mut self, path: PathBuf) {
        self.open_path = path.display().to_string();
        self.source = Source::Capture(path.clone());
        let what = format!("reading {}…", path.display());
        self.start(what, move || crate::capture::open(&path));
    }

    /// Shows a trace built elsewhere (a fetch replay).
    pub fn show_trace(&mut self, trace: Trace) {
        self.job = None;
        self.install(trace);
    }

    fn start(&mut self, what: String, work: impl FnOnce() -> Result<Trace, String> + Send + 'static) {
        let (sender, receiver) = channel();
        std::thread::Builder::new()
            .name("netlens-packets".into())
            .spawn(move || {
                let _ = sender.send(work());
            })
            .map_err(|e| self.error = Some(format!("could not start: {e}")))
            .ok();
        self.job = Some(Job { receiver, what });
    }

    /// Asks for a file with the desktop's own dialog (via the XDG portal, or zenity), on a
    /// helper thread so the window keeps drawing. The path fields stay for machines without one.
    pub fn ask_for_file(&mut self, saving: bool) {
        if self.dialog.is_some() {
            return;
        }
        let (sender, receiver) = channel();
        let suggested = PathBuf::from(&self.save_path);
        let spawned = std::thread::Builder::new().name("netlens-file-dialog".into()).spawn(move || {
            let dialog = rfd::FileDialog::new().add_filter("Packet captures", &["pcapng", "pcap", "cap"]);
            let chosen = if saving {
                let dialog = match (suggested.parent(), suggested.file_name()) {
                    (Some(dir), Some(name)) => dialog.set_directory(dir).set_file_name(name.to_string_lossy()),
                    _ => dialog,
                };
                dialog.save_file()
            } else {
                dialog.pick_file()
            };
            let _ = sender.send(chosen);
        });
        match spawned {
            Ok(_) => self.dialog = Some(Dialog { saving, receiver }),
            Err(e) => self.error = Some(format!("could not open a file dialog: {e}")),
        }
    }

    fn poll_dialog(&mut self) {
        let Some(dialog) = &self.dialog else { return };
        let answer = match dialog.receiver.try_recv() {
            Ok(answer) => answer,
            Err(std::sync::mpsc::TryRecvError::Empty) => return,
            Err(std::sync::mpsc::TryRecvError::Disconnected) => None,
        };
        let saving = dialog.saving;
        self.dialog = None;
        match (answer, saving) {
            (Some(path), false) => self.open_file(path),
            (Some(path), true) => {
                self.save_path = path.display().to_string();
                self.notice = Some(controls::save(self.trace.as_ref(), &self.save_path));
            }
            (None, _) => {
                self.notice = Some("No file chosen. If no dialog appeared, type a path in the box instead.".into());
            }
        }
    }

    /// True while a simulation or file read is still running.
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }

    fn poll_job(&mut self, ui: &Ui) {
        let Some(job) = &self.job else { return };
        match job.receiver.try_recv() {
            Ok(result) => {
                self.job = None;
                match result {
                    Ok(trace) => self.install(trace),
                    Err(reason) => self.error = Some(reason),
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                ui.ctx().request_repaint_after(std::time::Duration::from_millis(30))
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                self.job = None;
                self.error = Some("the simulation stopped unexpectedly".into());
            }
        }
    }

    fn install(&mut self, trace: Trace) {
        self.error = None;
        self.notice = trace.damage.clone();
        // Show the busiest conversation of a capture first.
        self.conversation = (0..trace.conversations.len() as u32)
            .max_by_key(|&c| (trace.conversations[c as usize].packets, std::cmp::Reverse(c)))
            .unwrap_or(0);
        self.trace = Some(trace);
        self.select_conversation(self.conversation);
    }

    fn select_conversation(&mut self, conversation: u32) {
        let Some(trace) = &self.trace else { return };
        self.conversation = conversation;
        self.playback.reset(trace, conversation);
        self.max_flight_us = self
            .playback
            .order
            .iter()
            .map(|&i| {
                let p = &trace.packets[i as usize];
                p.arrival_or_send() - p.t_us
            })
            .max()
            .unwrap_or(0);
        self.window = TimeWindow::fit(self.playback.end_us);
        if let Some(&first) = self.playback.order.first() {
            self.window.start_us = trace.packets[first as usize].t_us as f64 - self.window.span_us * 0.02;
        }
        self.selected = None;
    }

    /// The lane names: "address:port" of each end of the shown conversation.
    pub fn lanes(&self) -> [String; 2] {
        let Some(c) = self.trace.as_ref().and_then(|t| t.conversations.get(self.conversation as usize)) else {
            return [String::from("A"), String::from("B")];
        };
        if self.trace.as_ref().is_some_and(|t| t.sim.is_some()) {
            [format!("client {}", c.a_text()), format!("server {}", c.b_text())]
        } else {
            [c.a_text(), c.b_text()]
        }
    }

    fn select(&mut self, packet: u32) {
        self.selected = Some(packet);
        if let Some(trace) = &self.trace {
            self.playback.select(trace, packet);
            self.window.reveal(trace.packets[packet as usize].t_us as f64);
        }
        self.scroll_list = true;
    }

    fn step(&mut self, forward: bool) {
        let Some(trace) = &self.trace else { return };
        let packet = if forward { self.playback.step_forward(trace) } else { self.playback.step_back(trace) };
        self.selected = packet;
        if let Some(p) = packet {
            self.window.reveal(trace.packets[p as usize].t_us as f64);
            self.scroll_list = true;
        }
    }

    /// Re-runs the current scene with one more override on packet `number`.
    pub fn override_packet(&mut self, number: u32, action: OverrideAction) {
        if let Source::Scene(scene) = &self.source {
            let mut scene = (**scene).clone();
            scene.overrides.retain(|o| o.packet != number as usize);
            scene.overrides.push(PacketOverride { packet: number as usize, action });
            self.run_scene(scene);
        }
    }

    fn keyboard(&mut self, ui: &Ui) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        let (space, right, left, home) = ui.input(|i| {
            (
                i.key_pressed(egui::Key::Space),
                i.key_pressed(egui::Key::ArrowRight),
                i.key_pressed(egui::Key::ArrowLeft),
                i.key_pressed(egui::Key::Home),
            )
        });
        if space {
            self.playback.toggle();
        }
        if right {
            self.step(true);
        }
        if left {
            self.step(false);
        }
        if home && let Some(trace) = &self.trace {
            self.playback.reset(trace, self.conversation);
            self.selected = None;
        }
    }

    pub fn show(&mut self, ui: &mut Ui) {
        self.poll_job(ui);
        self.poll_dialog();
        if self.dialog.is_some() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.dropped_files(ui);
        self.keyboard(ui);
        if self.playback.playing {
            let dt = ui.input(|i| f64::from(i.stable_dt)).min(0.1);
            self.playback.advance(dt);
            if let Some(trace) = &self.trace {
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
            }
            ui.ctx().request_repaint();
        }

        egui::Panel::top("packets_controls").show(ui, |ui| {
            controls::source_bar(ui, self);
            controls::impairments(ui, self);
            controls::playback_bar(ui, self);
            if let Some(error) = &self.error {
                ui.colored_label(theme::error_color(ui.visuals().dark_mode), error);
            }
            if let Some(notice) = &self.notice {
                ui.colored_label(theme::marker_color(ui.visuals().dark_mode), notice);
            }
            if let Some(job) = &self.job {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(&job.what);
                });
            }
        });
        let Some(trace) = &self.trace else {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.label(RichText::new("Pick a scene or open a capture.").weak());
            });
            return;
        };
        let lanes = self.lanes();
        let selected = self.selected;
        let playhead = self.playback.shown_until();
        let bottom = &mut self.bottom;
        let inspector_state = &mut self.inspector;
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
        egui::Panel::bottom("packets_bottom").resizable(true).default_size(330.0).size_range(140.0..=700.0).show(
            ui,
            |ui| {
                ui.horizontal(|ui| {
                    ui.selectable_value(bottom, BottomTab::Inspector, "Inspector");
                    ui.selectable_value(bottom, BottomTab::Stream, format!("Stream ({} receives)", receiver.name()));
                });
                ui.separator();
                match bottom {
                    BottomTab::Inspector => inspector::show(ui, trace, selected, &lanes, inspector_state),
                    BottomTab::Stream => stream::show(ui, trace, receiver, playhead),
                }
            },
        );
        let mut clicked = None;
        let mut menu_action = None;
        let scroll_list = std::mem::take(&mut self.scroll_list);
        let playback = &self.playback;
        egui::Panel::right("packets_events").resizable(true).default_size(430.0).size_range(240.0..=900.0).show(
            ui,
            |ui| {
                clicked = events::show(ui, trace, playback, selected, &lanes, scroll_list);
            },
        );
        let simulated = matches!(self.source, Source::Scene(_));
        let area = controls::LadderArea {
            trace,
            order: &playback.order,
            max_flight_us: self.max_flight_us,
            lanes: lanes.clone(),
            window: &mut self.window,
            selected,
            relative: self.relative,
            playhead_us: playhead,
        };
        egui::CentralPanel::default().show(ui, |ui| {
            let (hit, action) = controls::ladder_area(ui, area, simulated);
            if clicked.is_none() {
                clicked = hit;
            }
            menu_action = action;
        });
        if let Some(packet) = clicked {
            self.select(packet);
        }
        if let Some((number, action)) = menu_action {
            self.override_packet(number, action);
        }
    }

    fn dropped_files(&mut self, ui: &Ui) {
        let dropped = ui
            .input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).find(|p| !p.as_os_str().is_empty()));
        if let Some(path) = dropped {
            self.open_file(path);
        }
    }
}

/// A file name in the home directory (or here) for saving the shown run.
fn default_save_path(name: &str) -> String {
    let base = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    let name = if name.is_empty() { "netlens" } else { name };
    base.join(format!("netlens-{name}.pcapng")).display().to_string()
}
