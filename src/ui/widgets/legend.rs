//! Legends under the graph and the ladder: a row of entries that wraps onto more rows on a
//! narrow window (a projector), with the drawing above it given exactly the room that is left.

use egui::{FontId, Ui};

/// How tall a wrapped row of entries whose texts are `texts` (plus `extra` points each, for a
/// painted symbol) will be in this `ui`'s width.
pub fn height(ui: &Ui, texts: &[String], extra: f32) -> f32 {
    let font = FontId::proportional(egui::TextStyle::Body.resolve(ui.style()).size);
    let spacing = ui.spacing().item_spacing.x;
    let width = ui.available_width().max(1.0);
    let widths: Vec<f32> = texts
        .iter()
        .map(|t| ui.fonts_mut(|f| f.layout_no_wrap(t.clone(), font.clone(), egui::Color32::WHITE).size().x) + extra)
        .collect();
    let mut rows = 1;
    let mut used = 0.0;
    for w in widths {
        if used > 0.0 && used + spacing + w > width {
            rows += 1;
            used = 0.0;
        }
        used += if used > 0.0 { spacing + w } else { w };
    }
    let row =
        ui.spacing().interact_size.y.max(ui.text_style_height(&egui::TextStyle::Body)) + ui.spacing().item_spacing.y;
    rows as f32 * row + 2.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_narrow_window_gets_more_rows() {
        let ctx = egui::Context::default();
        let texts: Vec<String> = (0..12).map(|i| format!("legend entry {i}")).collect();
        let mut heights = Vec::new();
        for width in [2000.0, 300.0] {
            let input = egui::RawInput {
                screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(width, 400.0))),
                ..Default::default()
            };
            let mut output = ctx.run_ui(input, |ui| heights.push(height(ui, &texts, 0.0)));
            output.textures_delta.clear();
        }
        assert!(heights[1] > heights[0] * 3.0, "{heights:?}");
    }
}
