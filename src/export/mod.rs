//! Exports for slides and homework: the ladder and the network graph as SVG (the very shapes the
//! window draws), the ladder as Mermaid text, a page load as HAR 1.2, a request as a curl
//! command, and the window as PNG. Everything here is pure — it makes bytes; the job runner
//! writes them (temporary file, then rename) off the UI thread.

pub mod curl;
pub mod har;
pub mod headless;
pub mod mermaid;
pub mod png;
pub mod svg;

use egui::{Vec2, vec2};

use crate::netsim::NetScene;
use crate::trace::Trace;
use crate::ui::network::graph;
use crate::ui::packets::ladder::{self, Geometry, LadderInput};
use headless::Drawing;

/// What an export makes, for its file name, its dialog filter and its notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    LadderSvg,
    LadderMermaid,
    GraphSvg,
    Har,
    Png,
}

impl ExportKind {
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::LadderSvg | ExportKind::GraphSvg => "svg",
            ExportKind::LadderMermaid => "mmd",
            ExportKind::Har => "har",
            ExportKind::Png => "png",
        }
    }

    /// Words for the file dialog's filter and the notice after saving.
    pub fn description(self) -> &'static str {
        match self {
            ExportKind::LadderSvg => "Ladder diagram (SVG)",
            ExportKind::LadderMermaid => "Ladder diagram (Mermaid)",
            ExportKind::GraphSvg => "Network graph (SVG)",
            ExportKind::Har => "Page load (HAR 1.2)",
            ExportKind::Png => "Window picture (PNG)",
        }
    }
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
        lanes: ladder::lane_names(trace, 0),
        window,
        playhead_us: Some(end_us),
        selected: None,
        relative: true,
        dark,
        gaps: &gaps,
    };
    let mut shown = Vec::new();
    let drawing = headless::draw(vec2(width, height), dark, |sketch, area| {
        shown = ladder::paint(sketch, &Geometry::new(area, window), &input, None).shown;
    });
    (drawing, shown)
}

/// A Network scene's graph as it stands, with its messages in flight at their places.
pub fn graph_of_scene(scene: &dyn NetScene, size: Vec2, dark: bool) -> Drawing {
    let g = scene.graph();
    let positions = graph::layout(&g);
    let draws = graph::flights_at(scene.flights(), scene.now());
    headless::draw(size, dark, |sketch, area| {
        let view = graph::View { rect: area.shrink(24.0), zoom: 1.0, pan: Vec2::ZERO };
        graph::paint(sketch, &view, &g, &positions, &draws, None, None, dark);
    })
}

/// An export a view asks the app for.
#[derive(Debug)]
pub enum ExportRequest {
    /// Bytes made from what is shown, to be written to a file the user picks.
    File(ExportFile),
    /// A picture of the whole window (egui's viewport screenshot, which arrives a frame later).
    Screenshot,
}

#[derive(Debug)]
pub struct ExportFile {
    pub kind: ExportKind,
    /// A file name to suggest, with its extension.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an export file holds: bytes ready to write, or a picture to encode as PNG first.
#[derive(Debug)]
pub enum ExportContents {
    Bytes(Vec<u8>),
    Image(std::sync::Arc<egui::ColorImage>),
}

impl ExportContents {
    /// The bytes to write (encoding a picture takes a while: done on the file thread).
    pub fn into_bytes(self) -> Result<Vec<u8>, String> {
        match self {
            ExportContents::Bytes(bytes) => Ok(bytes),
            ExportContents::Image(image) => png::encode(&image),
        }
    }
}

/// A file name from free text (a scene name, a host): letters, digits, '-' and '.', at most 60.
pub fn file_stem(text: &str) -> String {
    let stem: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' })
        .take(60)
        .collect();
    let stem = stem.trim_matches(['-', '.']).to_string();
    if stem.is_empty() { "netlens".to_string() } else { stem }
}
