//! A drawing being built: shapes collected in order, text laid out with the window's own fonts.
//! The ladder and the graph draw into a sketch; the sketch then goes to the screen, or to an SVG
//! file (`export::svg`) — the same shapes either way, so an export is exactly what was shown.

use egui::{Align2, Color32, FontId, Galley, Painter, Pos2, Rect, Shape, Stroke};
use std::sync::Arc;

pub struct Sketch<'a> {
    painter: &'a Painter,
    pub shapes: Vec<Shape>,
}

impl<'a> Sketch<'a> {
    pub fn new(painter: &'a Painter) -> Self {
        Self { painter, shapes: Vec::new() }
    }

    /// The painter whose fonts and clip rectangle the sketch uses.
    pub fn painter(&self) -> &Painter {
        self.painter
    }

    pub fn add(&mut self, shape: Shape) {
        self.shapes.push(shape);
    }

    pub fn line(&mut self, points: [Pos2; 2], stroke: impl Into<Stroke>) {
        self.shapes.push(Shape::line_segment(points, stroke));
    }

    pub fn circle_filled(&mut self, center: Pos2, radius: f32, color: Color32) {
        self.shapes.push(Shape::circle_filled(center, radius, color));
    }

    pub fn layout_no_wrap(&self, text: String, font: FontId, color: Color32) -> Arc<Galley> {
        self.painter.layout_no_wrap(text, font, color)
    }

    /// Text anchored at `pos` like `Painter::text`; returns where it went.
    pub fn text(&mut self, pos: Pos2, anchor: Align2, text: impl ToString, font: FontId, color: Color32) -> Rect {
        let galley = self.painter.layout_no_wrap(text.to_string(), font, color);
        let rect = anchor.anchor_size(pos, galley.size());
        self.shapes.push(Shape::galley(rect.min, galley, color));
        rect
    }

    /// Hands the shapes to the painter (the screen).
    pub fn paint(self) {
        self.painter.extend(self.shapes);
    }
}
