//! Drawing without a window, for the command line's `--svg`: one egui frame in a context of its
//! own, with the app's fonts, whose painter only lays out text. The ladder and the graph draw
//! into it exactly as they do on screen.

use egui::{Color32, Rect, Shape, Vec2};

use crate::ui::widgets::sketch::Sketch;

/// What was drawn: the shapes, the area and the background they sit on.
pub struct Drawing {
    pub shapes: Vec<Shape>,
    pub area: Rect,
    pub background: Color32,
}

impl Drawing {
    pub fn svg(&self) -> String {
        super::svg::document(&self.shapes, self.area, self.background)
    }
}

/// Runs `draw` in a `size` area (points, at zoom 1) of a window in the light or dark theme.
pub fn draw(size: Vec2, dark: bool, draw: impl FnOnce(&mut Sketch<'_>, Rect)) -> Drawing {
    let ctx = egui::Context::default();
    crate::app::install_fonts(&ctx);
    ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
    let area = Rect::from_min_size(egui::Pos2::ZERO, size);
    let input = egui::RawInput { screen_rect: Some(area), ..Default::default() };
    let mut shapes = Vec::new();
    let mut background = Color32::WHITE;
    let mut draw = Some(draw);
    // The first frame loads the fonts; drawing happens in it.
    let mut output = ctx.run_ui(input, |ui| {
        background = ui.visuals().panel_fill;
        let painter = ui.painter().clone();
        let mut sketch = Sketch::new(&painter);
        if let Some(draw) = draw.take() {
            draw(&mut sketch, area);
        }
        shapes = sketch.shapes;
    });
    // The font atlas this frame made is never uploaded anywhere: say so (epaint checks).
    output.textures_delta.clear();
    Drawing { shapes, area, background }
}
