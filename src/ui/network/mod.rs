//! The Network view: a scene's nodes and messages as a graph, run in step mode (deterministic,
//! virtual time) with play, pause, step, speed and a seed, or live (every node a real TCP
//! listener on loopback, run by a background thread); select a node to see its state, kill or
//! restart it, change the number of clients, watch the plots, open live messages as bytes.

pub mod graph;
mod plots;

use egui::{RichText, Sense, Ui};

use crate::net::live::scene_runner::{LiveScene, WireFrame};
use crate::netsim::{Action, Graph, InFlight, LogEvent, NetScene, SCENES, create};
use crate::ui::theme;

/// Events shown in the list at most (the newest).
const SHOWN_EVENTS: usize = 2000;

/// What one frame draws, taken from the step-mode scene or (briefly locked) from the live one.
struct Snapshot {
    graph: Graph,
    flights: Vec<InFlight>,
    state: serde_json::Value,
    events: Vec<LogEvent>,
    now_us: u64,
    delivered: u64,
    frames: Vec<WireFrame>,
    error: Option<String>,
}

/// How much virtual time one second on screen shows.
const SPEEDS: [(f64, &str); 5] = [(0.01, "1/100×"), (0.05, "1/20×"), (0.2, "1/5×"), (1.0, "1×"), (5.0, "5×")];
/// Events run per frame at most, so a frame stays short whatever the speed.
const EVENTS_PER_FRAME: usize = 20_000;

pub struct NetworkView {
    pub scene_name: String,
    pub seed: u64,
    pub nodes: usize,
    pub scene: Box<dyn NetScene>,
    pub playing: bool,
    speed: f64,
    /// The virtual time shown; the scene has run every event up to it.
    pub view_us: u64,
    graph: Graph,
    positions: Vec<egui::Pos2>,
    pub selected: Option<usize>,
    zoom: f32,
    pan: egui::Vec2,
    clients: usize,
    pub error: Option<String>,
    dragging: Option<usize>,
    /// Live mode: the scene runs on real sockets in the background.
    live: Option<LiveScene>,
    picked_frame: Option<usize>,
    snapshot: Snapshot,
}

impl Default for NetworkView {
    fn default() -> Self {
        Self::new()
    }
}

fn default_nodes(name: &str) -> usize {
    match name {
        "client-server" => 4,
        "modularity" => 6,
        "capacity" => 32,
        "replicated-storage" => 8,
        "supernodes" => 12,
        _ => 16,
    }
}

impl NetworkView {
    pub fn new() -> Self {
        let scene = create("client-server", 1, Some(4)).expect("built-in scene");
        let mut view = Self {
            scene_name: "client-server".into(),
            seed: 1,
            nodes: 4,
            scene,
            playing: false,
            speed: 0.05,
            view_us: 0,
            graph: Graph::default(),
            positions: Vec::new(),
            selected: None,
            zoom: 1.0,
            pan: egui::Vec2::ZERO,
            clients: 4,
            error: None,
            dragging: None,
            live: None,
            picked_frame: None,
            snapshot: Snapshot {
                graph: Graph::default(),
                flights: Vec::new(),
                state: serde_json::Value::Null,
                events: Vec::new(),
                now_us: 0,
                delivered: 0,
                frames: Vec::new(),
                error: None,
            },
        };
        view.refresh_graph();
        view
    }

    /// True while the scene runs live on real sockets.
    pub fn is_live(&self) -> bool {
        self.live.is_some()
    }

    /// Switches between step mode and live mode; both start the scene afresh.
    pub fn set_live(&mut self, on: bool, ctx: &egui::Context) {
        self.live = None;
        let name = self.scene_name.clone();
        self.open(&name, Some(self.nodes));
        if on {
            let ctx = ctx.clone();
            let wake = std::sync::Arc::new(move || ctx.request_repaint_after(std::time::Duration::from_millis(30)));
            match create(&name, self.seed, Some(self.nodes))
                .map_err(|e| e.to_string())
                .and_then(|scene| LiveScene::start(scene, wake).map_err(|e| format!("live mode could not start: {e}")))
            {
                Ok(live) => self.live = Some(live),
                Err(e) => self.error = Some(e),
            }
        }
    }

    fn take_snapshot(&mut self) {
        let tail = |events: &[LogEvent]| events[events.len().saturating_sub(SHOWN_EVENTS)..].to_vec();
        self.snapshot = match &self.live {
            Some(live) => {
                let mut s = live.shared.lock().expect("live state");
                let scene = &mut s.scene;
                Snapshot {
                    graph: scene.graph(),
                    flights: scene.flights().to_vec(),
                    state: scene.state(),
                    events: tail(scene.events()),
                    now_us: scene.now(),
                    delivered: scene.messages_delivered(),
                    frames: s.frames.iter().cloned().collect(),
                    error: s.error.clone(),
                }
            }
            None => Snapshot {
                graph: self.graph.clone(),
                flights: self.scene.flights().to_vec(),
                state: self.scene.state(),
                events: tail(self.scene.events()),
                now_us: self.view_us,
                delivered: self.scene.messages_delivered(),
                frames: Vec::new(),
                error: None,
            },
        };
        if self.positions.len() != self.snapshot.graph.nodes.len() {
            self.positions = graph::layout(&self.snapshot.graph);
        }
    }

    /// Starts `name` afresh with the current seed and node count.
    pub fn open(&mut self, name: &str, nodes: Option<usize>) {
        let nodes = nodes.unwrap_or_else(|| default_nodes(name));
        match create(name, self.seed, Some(nodes)) {
            Ok(scene) => {
                self.scene = scene;
                self.scene_name = name.to_string();
                self.nodes = nodes;
                self.clients = nodes;
                self.view_us = 0;
                self.playing = false;
                self.selected = None;
                self.error = None;
                self.positions.clear();
                self.refresh_graph();
            }
            Err(e) => self.error = Some(e),
        }
    }

    fn refresh_graph(&mut self) {
        self.graph = self.scene.graph();
        if self.positions.len() != self.graph.nodes.len() {
            self.positions = graph::layout(&self.graph);
        }
    }

    /// Runs one event.
    pub fn step(&mut self) {
        if self.scene.step() {
            self.view_us = self.scene.now();
        }
        self.refresh_graph();
    }

    /// Runs events up to virtual time `t_us` (bounded per frame).
    fn run_to(&mut self, t_us: u64) {
        let mut ran = 0;
        while ran < EVENTS_PER_FRAME && self.scene.next_time().is_some_and(|t| t <= t_us) {
            self.scene.step();
            ran += 1;
        }
        self.view_us = if ran == EVENTS_PER_FRAME { self.scene.now() } else { t_us };
        if self.scene.next_time().is_none() {
            self.playing = false;
        }
        self.refresh_graph();
    }

    pub fn act(&mut self, action: Action) {
        if let Some(live) = &self.live {
            live.act(action);
            return;
        }
        self.scene.advance_to(self.view_us);
        if let Err(e) = self.scene.apply(&action) {
            self.error = Some(e);
        }
        self.refresh_graph();
    }

    pub fn show(&mut self, ui: &mut Ui) {
        if self.live.is_some() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        } else if self.playing {
            let dt = f64::from(ui.input(|i| i.stable_dt).min(0.1));
            let target = self.view_us + (dt * 1e6 * self.speed).max(1.0) as u64;
            self.run_to(target);
            ui.ctx().request_repaint();
        }
        if ui.input(|i| i.key_pressed(egui::Key::Space)) && !ui.ctx().egui_wants_keyboard_input() {
            self.playing = !self.playing;
        }
        self.take_snapshot();
        egui::Panel::top("network_controls").show(ui, |ui| self.controls(ui));
        egui::Panel::right("network_side")
            .resizable(true)
            .default_size(380.0)
            .size_range(260.0..=800.0)
            .show(ui, |ui| self.side(ui));
        egui::CentralPanel::default().show(ui, |ui| self.canvas(ui));
    }

    fn controls(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            let mut picked = None;
            egui::ComboBox::new("network-scene", "scene").selected_text(&self.scene_name).width(170.0).show_ui(
                ui,
                |ui| {
                    for (name, title, _) in SCENES {
                        if ui.selectable_label(self.scene_name == *name, format!("{name} — {title}")).clicked() {
                            picked = Some(*name);
                        }
                    }
                },
            );
            if let Some(name) = picked {
                self.open(name, None);
            }
            let label =
                if self.scene_name.contains("client") || self.scene_name == "modularity" { "clients" } else { "peers" };
            let mut nodes = self.nodes;
            let max = if label == "clients" { 200 } else { 1000 };
            if ui
                .add(egui::DragValue::new(&mut nodes).range(2..=max).prefix(format!("{label} ")))
                .on_hover_text("Start the scene again with this many")
                .changed()
            {
                let name = self.scene_name.clone();
                self.open(&name, Some(nodes));
            }
            if ui.add(egui::DragValue::new(&mut self.seed).prefix("seed ")).changed() {
                let name = self.scene_name.clone();
                self.open(&name, Some(self.nodes));
            }
            ui.separator();
            let mut live = self.live.is_some();
            if ui
                .checkbox(&mut live, "Live")
                .on_hover_text("Run the scene on real TCP sockets on this computer (loopback), in real time")
                .changed()
            {
                let ctx = ui.ctx().clone();
                self.set_live(live, &ctx);
            }
            if self.live.is_some() {
                ui.label(RichText::new("real TCP on 127.0.0.1, real time").weak());
                ui.monospace(format!("t = {:.3} s", self.snapshot.now_us as f64 / 1e6));
                ui.label(RichText::new(format!("{} messages delivered", self.snapshot.delivered)).weak());
                return;
            }
            if ui.button("⏮").on_hover_text("Start again").clicked() {
                let name = self.scene_name.clone();
                self.open(&name, Some(self.nodes));
            }
            let play = if self.playing { "⏸ Pause" } else { "▶ Play" };
            if ui.button(play).on_hover_text("Play or pause (Space)").clicked() {
                self.playing = !self.playing;
            }
            if ui.button("Step").on_hover_text("Run the next event").clicked() {
                self.playing = false;
                self.step();
            }
            egui::ComboBox::new("network-speed", "speed")
                .selected_text(SPEEDS.iter().find(|s| s.0 == self.speed).map_or("", |s| s.1))
                .show_ui(ui, |ui| {
                    for (speed, name) in SPEEDS {
                        ui.selectable_value(&mut self.speed, speed, name);
                    }
                });
            ui.monospace(format!("t = {:.3} s", self.view_us as f64 / 1e6));
            ui.label(RichText::new(format!("{} messages delivered", self.snapshot.delivered)).weak());
        });
        if matches!(self.scene_name.as_str(), "client-server" | "modularity") {
            ui.horizontal(|ui| {
                let response = ui.add(egui::Slider::new(&mut self.clients, 1..=200).text("clients"));
                if response.drag_stopped() || (response.changed() && !response.dragged()) {
                    self.act(Action::Clients(self.clients));
                }
                for server in ["server", "server-a", "server-b"] {
                    if let Some(i) = self.snapshot.graph.nodes.iter().position(|n| n.name == server) {
                        let alive = self.snapshot.graph.nodes[i].alive;
                        let (text, action) = if alive {
                            (format!("Kill {server}"), Action::Kill(server.into()))
                        } else {
                            (format!("Restart {server}"), Action::Restart(server.into()))
                        };
                        if ui.button(text).clicked() {
                            self.act(action);
                        }
                    }
                }
            });
        }
        if let Some(error) = self.error.as_ref().or(self.snapshot.error.as_ref()) {
            ui.colored_label(theme::error_color(ui.visuals().dark_mode), error);
        }
        let live = self.live.is_some();
        if let Some((_, title, explanation)) = SCENES.iter().find(|s| s.0 == self.scene_name) {
            egui::CollapsingHeader::new(RichText::new(*title).strong()).id_salt("network-explanation").default_open(true).show(ui, |ui| {
                ui.label(*explanation);
                let mode = if live {
                    "Live mode: every node is a real TCP listener on 127.0.0.1 and messages are frames over real connections; time is the wall clock."
                } else {
                    "Step mode: a deterministic simulation on a virtual clock; the same seed tells the same story."
                };
                ui.label(RichText::new(mode).weak());
            });
        }
    }

    fn canvas(&mut self, ui: &mut Ui) {
        let (rect, response) =
            ui.allocate_exact_size(ui.available_size() - egui::vec2(0.0, 22.0), Sense::click_and_drag());
        let view = graph::View { rect, zoom: self.zoom, pan: self.pan };
        if response.hovered() {
            let (scroll, zoom) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
            if zoom != 1.0 {
                self.zoom = (self.zoom * zoom).clamp(0.3, 30.0);
            } else if scroll != egui::Vec2::ZERO {
                self.pan += scroll;
            }
        }
        let dark = ui.visuals().dark_mode;
        let painter = ui.painter_at(rect);
        let snap = &self.snapshot;
        let hovered = graph::paint(
            &painter,
            &view,
            &snap.graph,
            &self.positions,
            &snap.flights,
            snap.now_us,
            self.selected,
            response.hover_pos(),
            dark,
        );
        // Drag a node to move it; drag the background to pan.
        if response.drag_started() {
            self.dragging = hovered;
        }
        if response.dragged() {
            match (self.dragging, response.interact_pointer_pos()) {
                (Some(node), Some(p)) => self.positions[node] = view.to_unit(p),
                _ => self.pan += response.drag_delta(),
            }
        }
        if response.drag_stopped() {
            self.dragging = None;
        }
        if response.clicked() {
            self.selected = hovered;
        }
        if let Some(i) = hovered {
            let node = &self.snapshot.graph.nodes[i];
            response.on_hover_text(format!(
                "{} ({:?}){}",
                node.name,
                node.role,
                if node.alive { "" } else { " — dead" }
            ));
        }
        ui.horizontal(|ui| {
            for kind in graph::LEGEND {
                ui.colored_label(graph::message_color(kind, dark), format!("● {kind}"));
            }
            ui.label(
                RichText::new(
                    "■ server  ◆ supernode  ● client/peer; scroll pans, Ctrl+scroll zooms, drag moves a node",
                )
                .weak(),
            );
        });
    }

    fn side(&mut self, ui: &mut Ui) {
        let state = self.snapshot.state.clone();
        let live = self.live.is_some();
        scene_status(ui, &self.scene_name, &state);
        if self.scene_name == "replicated-storage" {
            let pieces = state["pieces"].as_array().cloned().unwrap_or_default();
            let r = state["replication"].as_u64().unwrap_or(0) as usize;
            let full = pieces.iter().filter(|p| p["holders"].as_array().is_some_and(|h| h.len() >= r)).count();
            ui.label(RichText::new(format!("Pieces at {r} copies: {full} of {}", pieces.len())).strong());
            if let Some(lost) = state["lost_pieces"].as_array().filter(|l| !l.is_empty()) {
                let lost: Vec<String> = lost.iter().map(|p| p.to_string()).collect();
                ui.colored_label(
                    theme::error_color(ui.visuals().dark_mode),
                    format!("Lost for good: piece {}", lost.join(", ")),
                );
            }
            let same = state["hash_after"] == state["hash_before"];
            let placed = pieces.iter().any(|p| p["holders"].as_array().is_some_and(|h| !h.is_empty()));
            ui.label(match (placed, same) {
                (false, _) => "The pieces are not placed yet: press Play or Step.",
                (true, true) => "The file reads back intact (same hash).",
                (true, false) => "The file cannot be read back whole.",
            });
        }
        if let Some(i) = self.selected.filter(|&i| i < self.snapshot.graph.nodes.len()) {
            let node = self.snapshot.graph.nodes[i].clone();
            ui.horizontal(|ui| {
                ui.label(RichText::new(&node.name).strong().size(15.0));
                ui.label(format!("{:?}{}", node.role, if node.alive { "" } else { " — dead" }));
                let can_kill = !matches!(self.scene_name.as_str(), "capacity") && !node.name.starts_with("client");
                if can_kill {
                    let (text, action) = if node.alive {
                        (format!("Kill {}", node.name), Action::Kill(node.name.clone()))
                    } else {
                        (format!("Restart {}", node.name), Action::Restart(node.name.clone()))
                    };
                    if ui.button(text).clicked() {
                        self.act(action);
                    }
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
        match self.scene_name.as_str() {
            "client-server" | "modularity" => {
                egui::CollapsingHeader::new("Plots")
                    .default_open(true)
                    .show(ui, |ui| plots::client_server(ui, &state, live));
            }
            "capacity" => plots::capacity(ui, &state),
            _ => {}
        }
        egui::CollapsingHeader::new(format!("Nodes ({})", self.snapshot.graph.nodes.len()))
            .default_open(self.snapshot.graph.nodes.len() <= 20)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("node-list").max_height(200.0).show_rows(
                    ui,
                    18.0,
                    self.snapshot.graph.nodes.len(),
                    |ui, rows| {
                        for i in rows {
                            let node = &self.snapshot.graph.nodes[i];
                            let text = format!("{}{}", node.name, if node.alive { "" } else { " (dead)" });
                            if ui.selectable_label(self.selected == Some(i), text).clicked() {
                                self.selected = Some(i);
                            }
                        }
                    },
                );
            });
        if self.live.is_some() {
            self.wire_frames(ui);
        }
        ui.label(RichText::new("Events").strong());
        let events = &self.snapshot.events;
        egui::ScrollArea::vertical()
            .id_salt("network-events")
            .stick_to_bottom(true)
            .auto_shrink([false, false])
            .show_rows(ui, 18.0, events.len(), |ui, rows| {
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                for e in &events[rows] {
                    // (the newest events; older ones scroll off)
                    ui.monospace(format!(
                        "{:>9.3} ms {:<10} {} → {}  {}",
                        e.t_us as f64 / 1000.0,
                        e.kind,
                        e.from,
                        e.to,
                        e.detail
                    ));
                }
            });
    }
}

impl NetworkView {
    /// Live mode: the protocol's messages as they went over the sockets, openable as bytes.
    fn wire_frames(&mut self, ui: &mut Ui) {
        let frames = &self.snapshot.frames;
        egui::CollapsingHeader::new(format!("Messages on the wire ({})", frames.len())).default_open(true).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("wire-frames").max_height(140.0).stick_to_bottom(true).show_rows(ui, 18.0, frames.len(), |ui, rows| {
                for i in rows {
                    let f = &frames[i];
                    let text = format!("{:>9.3} ms {:<9} {} → {} ({} bytes)", f.t_us as f64 / 1000.0, f.kind, f.from, f.to, f.bytes.len());
                    if ui.selectable_label(self.picked_frame == Some(i), RichText::new(text).monospace()).clicked() {
                        self.picked_frame = Some(i);
                    }
                }
            });
            if let Some(f) = self.picked_frame.and_then(|i| frames.get(i)) {
                ui.label(RichText::new("4 bytes: length of the rest · 2: sender · 2: receiver · 1: length of the kind · the kind · the message as JSON").weak());
                let payload = 9 + f.kind.len();
                crate::ui::widgets::byte_view::show_hex(ui, "wire-frame-hex", &f.bytes, Some(payload..f.bytes.len()), 160.0, None);
            }
        });
    }
}

/// A few lines on what matters in the scene right now (routing, overlay, supernodes).
fn scene_status(ui: &mut Ui, scene: &str, state: &serde_json::Value) {
    let names = |v: &serde_json::Value| {
        v.as_array().map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(", ")).unwrap_or_default()
    };
    match scene {
        "routing" => {
            let messages = state["messages"].as_array().cloned().unwrap_or_default();
            let delivered = messages.iter().filter(|m| m["delivered"] == true).count();
            ui.label(format!(
                "{delivered} of {} messages delivered; at most {} hops needed (log2 of the peers)",
                messages.len(),
                state["hop_bound"]
            ));
            if let Some(m) = messages.last() {
                let verb = if m["delivered"] == true { "arrived after" } else { "so far" };
                ui.label(
                    RichText::new(format!(
                        "Latest: {} → {}, {verb} {} hops",
                        m["from"].as_str().unwrap_or(""),
                        m["to"].as_str().unwrap_or(""),
                        m["hops"]
                    ))
                    .strong(),
                );
                ui.label(RichText::new(format!("path: {}", names(&m["path"]))).monospace());
            }
        }
        "overlay" => {
            egui::CollapsingHeader::new("Neighbour tables").default_open(true).show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("tables").max_height(180.0).show(ui, |ui| {
                    if let Some(tables) = state["neighbours"].as_object() {
                        for (peer, list) in tables.iter().take(200) {
                            ui.monospace(format!("{peer:>8}: {}", names(list)));
                        }
                    }
                });
            });
        }
        "supernodes" => {
            let agree = if state["registry_copies_agree"] == true {
                "every supernode's copy agrees"
            } else {
                "copies are catching up"
            };
            ui.label(RichText::new(format!("Registry: {} peers online ({agree})", state["online"])).strong());
            egui::ScrollArea::vertical().id_salt("registry").max_height(150.0).show(ui, |ui| {
                for entry in state["registry"].as_array().into_iter().flatten() {
                    ui.monospace(format!(
                        "{:>8} via {}",
                        entry["peer"].as_str().unwrap_or(""),
                        entry["supernode"].as_str().unwrap_or("")
                    ));
                }
            });
        }
        _ => {}
    }
}
