//! Drawing without a window, for the command line's `--svg`: one egui frame in a context of its
//! own, with the app's fonts, whose painter only lays out text. The ladder and the graph draw
//! into it exactly as they do on screen; `export::svg` turns the shapes into a file.

use egui::{Color32, Rect, Shape, Vec2, vec2};

use crate::netsim::NetScene;
use crate::trace::Trace;
use crate::trace::ladder_text::lane_names;
use crate::ui::network::graph;
use crate::ui::packets::ladder::{self, Geometry, LadderInput};
use crate::ui::widgets::sketch::Sketch;

/// What was drawn: the shapes, the area and the background they sit on.
pub struct Drawing {
    pub shapes: Vec<Shape>,
    pub area: Rect,
    pub background: Color32,
}

impl Drawing {
    pub fn svg(&self) -> String {
        crate::export::svg::document(&self.shapes, self.area, self.background)
    }
}

/// Runs `draw` in a `size` area (points, at zoom 1) of a window in the light or dark theme.
pub fn draw(size: Vec2, dark: bool, draw: impl FnOnce(&mut Sketch<'_>, Rect)) -> Drawing {
    let ctx = egui::Context::default();
    crate::ui::theme::install_fonts(&ctx);
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

/// The whole of a run's first conversation as a ladder, as the Packets view shows it after
/// playing to the end: `width` points wide, tall enough for every packet's label.
pub fn ladder_of_run(trace: &Trace, width: f32, dark: bool) -> (Drawing, Vec<u32>) {
    // Played to the end, as the view's playback would be.
    let mut playback = crate::model::playback::Playback::default();
    playback.reset(trace, 0);
    let (order, end_us) = (playback.order, playback.end_us);
    // 16 points per packet keeps every label (the ladder labels arrows when they have 14).
    let height = (order.len() as f32 * 16.0 + 80.0).clamp(300.0, 20_000.0);
    let (window, max_flight_us) = ladder::whole_run(trace, &order, end_us);
    let gaps = crate::trace::gaps::find_gaps(trace);
    let input = LadderInput {
        trace,
        order: &order,
        max_flight_us,
        lanes: lane_names(trace, 0),
        window,
        playhead_us: Some(end_us),
        selected: None,
        relative: true,
        dark,
        gaps: &gaps,
    };
    let mut shown = Vec::new();
    let drawing = draw(vec2(width, height), dark, |sketch, area| {
        shown = ladder::paint(sketch, &Geometry::new(area, window), &input, None).shown;
    });
    (drawing, shown)
}

/// A Network scene's graph as it stands, with its messages in flight at their places.
pub fn graph_of_scene(scene: &dyn NetScene, size: Vec2, dark: bool) -> Drawing {
    let g = scene.graph();
    let positions = graph::layout(&g);
    let draws = graph::flights_at(scene.flights(), scene.now());
    draw(size, dark, |sketch, area| {
        let view = graph::View { rect: area.shrink(24.0), zoom: 1.0, pan: Vec2::ZERO };
        graph::paint(sketch, &view, &g, &positions, &draws, None, None, dark);
    })
}
