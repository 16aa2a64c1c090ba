//! The node graph (custom painter): nodes by role (shape and outline, in one neutral colour),
//! links, messages moving along links coloured by kind (the shared colour-blind-safe palette),
//! and the highlighted path. Layout is a pair of circles (servers
//! and supernodes inside, everyone else around), O(n) per change, so it reads well from 2 to
//! 1,000 nodes and never costs a frame.

use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, Vec2, pos2, vec2};

use crate::netsim::{Graph, MessageKind, Role};
use crate::ui::palette::{Hue, node_color};
use crate::ui::widgets::sketch::Sketch;

/// Where each node sits, in a unit square (0..1), before pan and zoom.
pub fn layout(graph: &Graph) -> Vec<Pos2> {
    let inner: Vec<usize> = (0..graph.nodes.len())
        .filter(|&i| matches!(graph.nodes[i].role, Role::Server | Role::Supernode | Role::Dns))
        .collect();
    let outer: Vec<usize> = (0..graph.nodes.len()).filter(|i| !inner.contains(i)).collect();
    let mut positions = vec![Pos2::ZERO; graph.nodes.len()];
    let center = pos2(0.5, 0.5);
    let place = |group: &[usize], radius: f32, positions: &mut Vec<Pos2>| {
        for (k, &i) in group.iter().enumerate() {
            if group.len() == 1 && radius < 0.2 {
                positions[i] = center;
                continue;
            }
            let angle = std::f32::consts::TAU * k as f32 / group.len() as f32 - std::f32::consts::FRAC_PI_2;
            positions[i] = center + vec2(angle.cos(), angle.sin()) * radius;
        }
    };
    place(&inner, if inner.len() <= 1 { 0.0 } else { 0.15 }, &mut positions);
    place(&outer, 0.42, &mut positions);
    positions
}

/// Each message kind's hue (the legend is drawn from the same function). Kinds a scene shows
/// together always differ; `tests::each_scene_legend_has_distinct_colours` checks it.
pub fn message_hue(kind: MessageKind) -> Hue {
    match kind {
        MessageKind::Request | MessageKind::Login | MessageKind::Store => Hue::Blue,
        MessageKind::Response | MessageKind::Welcome | MessageKind::Piece => Hue::BluishGreen,
        MessageKind::Refused | MessageKind::Bye | MessageKind::Route => Hue::Orange,
        MessageKind::Failure | MessageKind::Logout => Hue::Vermillion,
        MessageKind::Lookup => Hue::SkyBlue,
        MessageKind::Answer | MessageKind::Sync => Hue::ReddishPurple,
        MessageKind::Hello | MessageKind::Copy => Hue::Yellow,
    }
}

pub fn message_color(kind: MessageKind, dark: bool) -> Color32 {
    message_hue(kind).color(dark)
}

/// How a node of each role is drawn: clients filled circles, peers hollow circles, servers
/// filled squares, the DNS server a hollow square, supernodes filled diamonds.
pub fn paint_node(shapes: &mut Vec<Shape>, p: Pos2, radius: f32, role: Role, color: Color32, background: Color32) {
    let hollow = Stroke::new((radius * 0.25).clamp(1.5, 4.0), color);
    match role {
        Role::Client => shapes.push(Shape::circle_filled(p, radius, color)),
        Role::Peer => shapes.push(Shape::Circle(egui::epaint::CircleShape {
            center: p,
            radius: radius * 0.9,
            fill: background,
            stroke: hollow,
        })),
        Role::Server => {
            shapes.push(Shape::rect_filled(Rect::from_center_size(p, Vec2::splat(radius * 2.0)), 2.0, color))
        }
        Role::Dns => {
            let square = Rect::from_center_size(p, Vec2::splat(radius * 1.8));
            shapes.push(Shape::rect_filled(square, 2.0, background));
            shapes.push(Shape::rect_stroke(square, 2.0, hollow, egui::StrokeKind::Inside));
        }
        Role::Supernode => {
            let r = radius * 1.3;
            let diamond = vec![p + vec2(0.0, -r), p + vec2(r, 0.0), p + vec2(0.0, r), p + vec2(-r, 0.0)];
            shapes.push(Shape::convex_polygon(diamond, color, Stroke::NONE));
        }
    }
}

/// A message to draw: on the link from `from` to `to`, `progress` of the way along (0 to 1),
/// `alpha` for fading out after it arrived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FlightDraw {
    pub from: usize,
    pub to: usize,
    pub progress: f32,
    pub alpha: f32,
    pub kind: MessageKind,
}

/// The messages on the wire at `now_us`, each drawn at its place along its link — how a moment
/// of a scene looks without the window's minimum display time (exports, benchmarks).
pub fn flights_at(flights: &[crate::netsim::InFlight], now_us: u64) -> Vec<FlightDraw> {
    flights
        .iter()
        .filter(|f| f.sent_us <= now_us && now_us < f.arrive_us)
        .map(|f| FlightDraw {
            from: f.from,
            to: f.to,
            progress: (now_us - f.sent_us) as f32 / (f.arrive_us - f.sent_us).max(1) as f32,
            alpha: 1.0,
            kind: f.kind,
        })
        .collect()
}

/// Maps unit-square positions to the screen.
#[derive(Clone, Copy, Debug)]
pub struct View {
    pub rect: Rect,
    pub zoom: f32,
    pub pan: Vec2,
}

impl View {
    pub fn to_screen(self, p: Pos2) -> Pos2 {
        let side = self.rect.width().min(self.rect.height()) * self.zoom;
        let origin = self.rect.center() - vec2(side, side) / 2.0 + self.pan;
        origin + p.to_vec2() * side
    }

    pub fn to_unit(self, p: Pos2) -> Pos2 {
        let side = self.rect.width().min(self.rect.height()) * self.zoom;
        let origin = self.rect.center() - vec2(side, side) / 2.0 + self.pan;
        ((p - origin) / side).to_pos2()
    }
}

/// Draws the graph; returns the node under `pointer`, if any.
#[allow(clippy::too_many_arguments)]
pub fn paint(
    sketch: &mut Sketch<'_>,
    view: &View,
    graph: &Graph,
    positions: &[Pos2],
    flights: &[FlightDraw],
    selected: Option<usize>,
    pointer: Option<Pos2>,
    dark: bool,
) -> Option<usize> {
    let n = graph.nodes.len();
    let radius = if n > 300 {
        3.0
    } else if n > 60 {
        6.0
    } else {
        14.0
    } * view.zoom.sqrt();
    let weak = if dark { Color32::from_gray(70) } else { Color32::from_gray(200) };
    let text = if dark { Color32::from_gray(220) } else { Color32::from_gray(30) };
    let background = sketch.painter().ctx().global_style().visuals.extreme_bg_color;
    // Positions come from the same session as the graph, so they match; a node without one
    // (never expected) is simply not drawn rather than indexed past the end.
    let screen: Vec<Pos2> = positions.iter().map(|&p| view.to_screen(p)).collect();
    let at = |i: usize| screen.get(i).copied();
    let mut shapes = Vec::with_capacity(graph.links.len() + n * 2 + flights.len());
    for &(a, b) in &graph.links {
        if let (Some(a), Some(b)) = (at(a), at(b)) {
            shapes.push(Shape::line_segment([a, b], Stroke::new(1.0, weak)));
        }
    }
    let path_color = message_color(MessageKind::Route, dark);
    for pair in graph.highlight.windows(2) {
        if let (Some(a), Some(b)) = (at(pair[0]), at(pair[1])) {
            shapes.push(Shape::line_segment([a, b], Stroke::new(4.0, path_color)));
        }
    }
    for f in flights {
        let (Some(from), Some(to)) = (at(f.from), at(f.to)) else { continue };
        let color = message_color(f.kind, dark).gamma_multiply(f.alpha.clamp(0.0, 1.0));
        let dot = (radius * 0.45).max(3.5);
        shapes.push(Shape::circle_filled(from + (to - from) * f.progress.clamp(0.0, 1.0), dot, color));
    }
    let mut hovered = None;
    for (i, node) in graph.nodes.iter().enumerate() {
        let Some(p) = at(i) else { continue };
        if !view.rect.expand(radius).contains(p) {
            continue;
        }
        let mut color = node_color(dark);
        if !node.alive {
            color = color.gamma_multiply(0.3);
        }
        paint_node(&mut shapes, p, radius, node.role, color, background);
        if node.alarm {
            // A client whose last request failed: a ring in the failure colour.
            let ring = Stroke::new(2.5, message_color(MessageKind::Failure, dark));
            shapes.push(Shape::circle_stroke(p, radius * 1.45, ring));
        }
        if selected == Some(i) {
            shapes.push(Shape::circle_stroke(p, radius * 1.8, Stroke::new(2.5, text)));
        }
        if !node.alive {
            let s = radius * 0.8;
            let cross = Stroke::new(2.0, message_color(MessageKind::Failure, dark));
            shapes.push(Shape::line_segment([p + vec2(-s, -s), p + vec2(s, s)], cross));
            shapes.push(Shape::line_segment([p + vec2(-s, s), p + vec2(s, -s)], cross));
        }
        if let Some(pointer) = pointer
            && pointer.distance(p) <= radius.max(6.0)
        {
            hovered = Some(i);
        }
    }
    sketch.shapes.extend(shapes);
    // Names only when they fit.
    if n <= 60 || view.zoom > 3.0 {
        for (i, node) in graph.nodes.iter().enumerate() {
            if let Some(p) = at(i).filter(|p| view.rect.contains(*p)) {
                sketch.text(
                    p + vec2(0.0, radius + 2.0),
                    Align2::CENTER_TOP,
                    &node.name,
                    FontId::proportional(11.0),
                    text,
                );
            }
        }
    }
    hovered
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netsim::SceneKind;

    #[test]
    fn each_scene_legend_has_distinct_colours() {
        for scene in SceneKind::ALL {
            let kinds = scene.message_kinds();
            for (i, a) in kinds.iter().enumerate() {
                for b in &kinds[i + 1..] {
                    for dark in [false, true] {
                        assert_ne!(message_color(*a, dark), message_color(*b, dark), "{scene}: {a} and {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn painting_a_graph_with_too_few_positions_does_not_panic() {
        let graph = crate::netsim::create("routing", 1, Some(16)).unwrap().graph();
        let ctx = egui::Context::default();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            let view = View { rect: ui.max_rect(), zoom: 1.0, pan: Vec2::ZERO };
            let few = vec![pos2(0.5, 0.5); 9];
            let painter = ui.painter();
            let mut sketch = Sketch::new(painter);
            paint(&mut sketch, &view, &graph, &few, &[], Some(12), Some(pos2(1.0, 1.0)), true);
            sketch.paint();
        });
        output.textures_delta.clear();
    }
}
