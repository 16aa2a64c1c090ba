//! The Network view: a scene's nodes and messages as a graph, with its controls, the selected
//! node's state, plots and the event log. It draws from the `NetworkModel` and returns
//! `NetworkIntent`s; the app carries them out (the model runs step mode, the worker live mode).
//! Its own state is only how things are looked at: node positions, selection, zoom and pan —
//! all tied to the session they were made for, so a new session never inherits them.

mod controls;
mod flights;
pub mod graph;
mod plots;
mod side;

use egui::{Pos2, RichText, Sense, Ui};

use crate::export::{ExportFile, ExportKind, ExportRequest, file_stem};
use crate::model::network::{NetworkIntent, NetworkModel};
use crate::netsim::{Action, Graph, Role};
use crate::ui::widgets::sketch::Sketch;
use crate::worker_api::live::SessionId;

/// Node positions, made for one session's graph.
#[derive(Default)]
struct Layout {
    session: SessionId,
    positions: Vec<Pos2>,
}

#[derive(Default)]
pub struct NetworkView {
    /// The session the view state below belongs to.
    seen_session: SessionId,
    layout: Layout,
    selected: Option<usize>,
    zoom: f32,
    pan: egui::Vec2,
    dragging: Option<usize>,
    picked_frame: Option<usize>,
    /// The clients slider while it is being dragged (applied on release).
    clients: Option<usize>,
    /// The node count or seed being edited (applied when the edit ends).
    pending_nodes: Option<usize>,
    pending_seed: Option<u64>,
    /// The scrub bar while it is being dragged (the scene moves there on release).
    scrub_ms: Option<f64>,
    /// The messages being drawn, each for at least half a second.
    flights: flights::FlightDisplay,
    /// Presenter mode: the side panel keeps what the scene says now and folds the rest away.
    pub presenting: bool,
    /// An export asked for this frame, for the app to carry out.
    pub export: Option<ExportRequest>,
}

impl NetworkView {
    pub fn new() -> Self {
        Self { zoom: 1.0, ..Default::default() }
    }

    /// The selected node's index, if any.
    pub fn selected(&self) -> Option<usize> {
        self.selected
    }

    /// Forgets everything that belonged to an earlier session.
    fn follow(&mut self, model: &NetworkModel) {
        if self.seen_session != model.session() {
            *self = Self { seen_session: model.session(), presenting: self.presenting, ..Self::new() };
        }
        let graph = model.graph();
        if self.layout.session != model.session() || self.layout.positions.len() != graph.nodes.len() {
            self.layout = Layout { session: model.session(), positions: graph::layout(graph) };
            self.dragging = None;
        }
        if self.selected.is_some_and(|i| i >= graph.nodes.len()) {
            self.selected = None;
        }
    }

    pub fn show(&mut self, ui: &mut Ui, model: &NetworkModel) -> Vec<NetworkIntent> {
        self.follow(model);
        let mut intents = Vec::new();
        if model.playing() {
            ui.ctx().request_repaint();
        } else if model.animating() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(50));
        }
        if !model.is_live() {
            use egui::Key;
            let keys = crate::ui::widgets::keys::take(ui, &[Key::Space, Key::ArrowLeft, Key::ArrowRight]);
            let [space, left, right] = [Key::Space, Key::ArrowLeft, Key::ArrowRight].map(|k| keys.contains(&k));
            if space {
                intents.push(NetworkIntent::TogglePlay);
            }
            if left {
                intents.push(NetworkIntent::StepBack);
            }
            if right {
                intents.push(NetworkIntent::Step);
            }
        }
        egui::Panel::top("network_controls").show(ui, |ui| self.controls(ui, model, &mut intents));
        // The side panel takes a share of the window, so on a projector the graph keeps room.
        let width = ui.available_width();
        egui::Panel::right("network_side")
            .resizable(true)
            .default_size((width * 0.33).clamp(220.0, 380.0))
            .size_range(200.0..=(width * 0.6).max(220.0))
            .show(ui, |ui| self.side_panel(ui, model, &mut intents));
        egui::CentralPanel::default().show(ui, |ui| self.canvas(ui, model));
        intents
    }

    fn canvas(&mut self, ui: &mut Ui, model: &NetworkModel) {
        let graph: &Graph = model.graph();
        if graph.nodes.is_empty() {
            let text = match model.live_status() {
                Some(crate::model::network::LiveStatus::Failed(_)) => "The live session stopped.",
                _ => "Starting…",
            };
            ui.label(RichText::new(text).weak());
            return;
        }
        // Room for the legend below (more rows on a narrow window); on a tiny window the graph
        // shrinks, never below nothing.
        let legend_height = crate::ui::widgets::legend::height(ui, &legend_texts(model), 24.0);
        let size = (ui.available_size() - egui::vec2(0.0, legend_height)).max(egui::vec2(40.0, 40.0));
        let (rect, response) = ui.allocate_exact_size(size, Sense::click_and_drag());
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
        let dt = ui.input(|i| i.stable_dt);
        let draws = self.flights.update(model.session(), model.flights(), model.now_us(), dt);
        if self.flights.busy() {
            ui.ctx().request_repaint();
        }
        let mut sketch = Sketch::new(&painter);
        let hovered = graph::paint(
            &mut sketch,
            &view,
            graph,
            &self.layout.positions,
            &draws,
            self.selected,
            response.hover_pos(),
            dark,
        );
        // Drag a node to move it; drag the background to pan.
        if response.drag_started() {
            self.dragging = hovered;
        }
        if response.dragged() {
            let pointer = response.interact_pointer_pos();
            match (self.dragging.and_then(|n| self.layout.positions.get_mut(n)), pointer) {
                (Some(position), Some(p)) => *position = view.to_unit(p),
                _ => self.pan += response.drag_delta(),
            }
        }
        if response.drag_stopped() {
            self.dragging = None;
        }
        if response.clicked() {
            self.selected = hovered;
        }
        if let Some(node) = hovered.and_then(|i| graph.nodes.get(i)) {
            let state = if node.alive { "" } else { " — dead" };
            response.on_hover_text(format!("{} ({}){state}", node.name, node.role.name()));
        }
        let export = legend(ui, model, dark);
        self.export = export.map(|kind| match kind {
            ExportKind::GraphSvg => ExportRequest::File(ExportFile {
                kind,
                name: format!("{}-graph.svg", file_stem(model.config().scene.name())),
                bytes: crate::export::svg::document(&sketch.shapes, rect, ui.visuals().panel_fill).into_bytes(),
            }),
            _ => ExportRequest::Screenshot,
        });
        // Painted after the legend's Export menu, so an export holds exactly this frame's graph.
        sketch.paint();
    }
}

/// "Kill NODE" for a live node, "Restart NODE" for a dead one.
fn kill_or_restart_button(ui: &mut Ui, node: &crate::netsim::GraphNode, intents: &mut Vec<NetworkIntent>) {
    let (text, action) = if node.alive {
        (format!("Kill {}", node.name), Action::Kill(node.name.clone()))
    } else {
        (format!("Restart {}", node.name), Action::Restart(node.name.clone()))
    };
    if ui.button(text).clicked() {
        intents.push(NetworkIntent::Act(action));
    }
}

/// The legend's texts, for measuring it.
fn legend_texts(model: &NetworkModel) -> Vec<String> {
    let mut texts: Vec<String> = model.config().scene.message_kinds().iter().map(|k| format!("● {k}")).collect();
    texts.extend(Role::ALL.iter().map(|r| r.name().to_string()));
    texts.push(HINT.to_string());
    texts
}

const HINT: &str = "scroll pans, Ctrl+scroll zooms, drag moves a node";

/// The message kinds this scene sends (by colour) and the node roles (by shape), from the same
/// enums and functions the painter uses.
fn legend(ui: &mut Ui, model: &NetworkModel, dark: bool) -> Option<ExportKind> {
    let mut export = None;
    ui.horizontal_wrapped(|ui| {
        for &kind in model.config().scene.message_kinds() {
            ui.colored_label(graph::message_color(kind, dark), format!("● {kind}")).on_hover_text(kind.meaning());
        }
        ui.separator();
        let mut roles: Vec<Role> = Vec::new();
        for node in &model.graph().nodes {
            if !roles.contains(&node.role) {
                roles.push(node.role);
            }
        }
        for role in Role::ALL.into_iter().filter(|r| roles.contains(r)) {
            // The role's own shape, drawn as on the graph.
            let (rect, _) = ui.allocate_exact_size(egui::vec2(16.0, 16.0), Sense::hover());
            let mut shapes = Vec::new();
            let background = ui.visuals().extreme_bg_color;
            graph::paint_node(&mut shapes, rect.center(), 6.0, role, crate::ui::palette::node_color(dark), background);
            ui.painter().extend(shapes);
            ui.label(role.name());
        }
        ui.label(RichText::new(HINT).weak());
        ui.menu_button("Export ▾", |ui| {
            if ui
                .button("Graph as SVG…")
                .on_hover_text("The graph exactly as shown, as a vector picture for slides")
                .clicked()
            {
                export = Some(ExportKind::GraphSvg);
                ui.close();
            }
            if ui.button("Window as PNG…").clicked() {
                export = Some(ExportKind::Png);
                ui.close();
            }
        });
    });
    export
}
