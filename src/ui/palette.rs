//! The one colour-blind-safe palette (Okabe & Ito, 2008) the graph, its legend, the plots and the
//! ladder share, in both themes. Seven hues is fewer than there are message kinds and roles, so
//! hues go to messages (distinct within each scene's legend), and node roles are told apart by
//! shape and outline in a neutral colour (see `ui/network/graph.rs`).

use egui::Color32;

/// The palette's hues (its black is the theme's text colour).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hue {
    Orange,
    SkyBlue,
    BluishGreen,
    Yellow,
    Blue,
    Vermillion,
    ReddishPurple,
}

impl Hue {
    pub const ALL: [Hue; 7] =
        [Hue::Orange, Hue::SkyBlue, Hue::BluishGreen, Hue::Yellow, Hue::Blue, Hue::Vermillion, Hue::ReddishPurple];

    /// The colour on a dark or light background. The light theme darkens the yellow and the sky
    /// blue, which are too faint on white; the dark theme lightens the blue, too dark on black.
    pub fn color(self, dark: bool) -> Color32 {
        let (r, g, b) = match (self, dark) {
            (Hue::Orange, _) => (0xe6, 0x9f, 0x00),
            (Hue::SkyBlue, true) => (0x56, 0xb4, 0xe9),
            (Hue::SkyBlue, false) => (0x2f, 0x8f, 0xc7),
            (Hue::BluishGreen, _) => (0x00, 0x9e, 0x73),
            (Hue::Yellow, true) => (0xf0, 0xe4, 0x42),
            (Hue::Yellow, false) => (0xb0, 0x9c, 0x00),
            (Hue::Blue, true) => (0x3c, 0x8d, 0xd6),
            (Hue::Blue, false) => (0x00, 0x72, 0xb2),
            (Hue::Vermillion, _) => (0xd5, 0x5e, 0x00),
            (Hue::ReddishPurple, _) => (0xcc, 0x79, 0xa7),
        };
        Color32::from_rgb(r, g, b)
    }
}

/// The neutral colour nodes are drawn in (roles differ by shape and outline, not hue).
pub fn node_color(dark: bool) -> Color32 {
    if dark { Color32::from_gray(0xc8) } else { Color32::from_gray(0x4a) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hues_differ_from_each_other_and_from_the_nodes_in_both_themes() {
        for dark in [false, true] {
            let mut colors: Vec<Color32> = Hue::ALL.iter().map(|h| h.color(dark)).collect();
            colors.push(node_color(dark));
            for (i, a) in colors.iter().enumerate() {
                for b in &colors[i + 1..] {
                    assert_ne!(a, b);
                }
            }
        }
    }
}
