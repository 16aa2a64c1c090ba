//! Colours with a meaning, the same everywhere: one per phase of an exchange (waterfall, legend,
//! steps), one per class of status code, and the marks for bytes that are not plain text; and
//! the fonts every window and every headless drawing use.

use egui::Color32;

use crate::record::Phase;

/// The colour of a phase, in every view and both themes.
pub fn phase_color(phase: Phase) -> Color32 {
    match phase {
        Phase::Dns => Color32::from_rgb(0x2a, 0x9d, 0x8f),
        Phase::Connect => Color32::from_rgb(0xf4, 0xa2, 0x61),
        Phase::Tls => Color32::from_rgb(0x9b, 0x5d, 0xe5),
        Phase::Send => Color32::from_rgb(0x57, 0xcc, 0x99),
        Phase::Wait => Color32::from_rgb(0x8d, 0x99, 0xae),
        Phase::Download => Color32::from_rgb(0x3a, 0x86, 0xff),
    }
}

/// 2xx green, 3xx blue, 4xx orange, 5xx red.
pub fn status_color(status: u16, dark: bool) -> Color32 {
    let (d, l) = match status / 100 {
        2 => (Color32::from_rgb(0x6b, 0xd4, 0x8a), Color32::from_rgb(0x1e, 0x80, 0x3c)),
        3 => (Color32::from_rgb(0x74, 0xb4, 0xff), Color32::from_rgb(0x1d, 0x5f, 0xb8)),
        4 => (Color32::from_rgb(0xff, 0xb0, 0x4a), Color32::from_rgb(0xb0, 0x5a, 0x00)),
        _ => (Color32::from_rgb(0xff, 0x6b, 0x6b), Color32::from_rgb(0xc0, 0x1c, 0x1c)),
    };
    if dark { d } else { l }
}

/// Failures.
pub fn error_color(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(0xff, 0x6b, 0x6b) } else { Color32::from_rgb(0xc0, 0x1c, 0x1c) }
}

/// CR, LF and tab markers in the raw view: visible, but not mistaken for the text.
pub fn marker_color(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(0xff, 0x9f, 0x43) } else { Color32::from_rgb(0xc0, 0x56, 0x00) }
}

/// Bytes shown as `\xNN` because they are not text.
pub fn escape_color(dark: bool) -> Color32 {
    if dark { Color32::from_rgb(0xc0, 0x8a, 0xff) } else { Color32::from_rgb(0x7a, 0x2e, 0xc8) }
}

/// The background of highlighted bytes (the selected DNS field).
pub fn highlight_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgba_unmultiplied(0xff, 0xd1, 0x66, 0x50)
    } else {
        Color32::from_rgba_unmultiplied(0xff, 0xc1, 0x07, 0x70)
    }
}

/// The colour of a packet in the ladder, event list and legend, from its label and fate: a hue of
/// the shared colour-blind-safe palette, plain ACKs in grey, reordered packets in the text colour
/// (and, like network copies, drawn dashed).
pub fn packet_color(kind: crate::packet::LabelKind, fate: crate::trace::PacketFate, dark: bool) -> Color32 {
    use crate::packet::LabelKind as K;
    use crate::sim::Fate;
    use crate::trace::PacketFate;
    use crate::ui::palette::Hue;
    match fate {
        PacketFate::Sim(Fate::Lost) => return Hue::Vermillion.color(dark),
        PacketFate::Sim(Fate::Duplicate) => return Hue::BluishGreen.color(dark),
        PacketFate::Sim(Fate::Reordered) => {
            return if dark { Color32::from_gray(0xee) } else { Color32::from_gray(0x10) };
        }
        _ => {}
    }
    match kind {
        K::Syn | K::SynAck | K::Fin | K::Rst => Hue::ReddishPurple.color(dark),
        K::Data | K::Udp | K::IpFragment => Hue::Blue.color(dark),
        K::Retransmission
        | K::FastRetransmission
        | K::SpuriousRetransmission
        | K::OutOfOrder
        | K::LostSegment
        | K::PortsReused => Hue::Orange.color(dark),
        K::DuplicateAck | K::AckedUnseen => Hue::SkyBlue.color(dark),
        K::WindowUpdate
        | K::WindowFull
        | K::ZeroWindow
        | K::ZeroWindowProbe
        | K::ZeroWindowProbeAck
        | K::KeepAlive
        | K::KeepAliveAck => Hue::Yellow.color(dark),
        K::Ack | K::Other => {
            if dark {
                Color32::from_gray(0x9a)
            } else {
                Color32::from_gray(0x70)
            }
        }
    }
}

/// The legend's entries: what each ladder colour means.
pub fn packet_legend() -> Vec<(&'static str, crate::packet::LabelKind, crate::trace::PacketFate)> {
    use crate::packet::LabelKind as K;
    use crate::sim::Fate;
    use crate::trace::PacketFate as F;
    vec![
        ("SYN / FIN / RST", K::Syn, F::Captured),
        ("data", K::Data, F::Captured),
        ("ACK", K::Ack, F::Captured),
        ("retransmission", K::Retransmission, F::Captured),
        ("duplicate ACK", K::DuplicateAck, F::Captured),
        ("window", K::WindowUpdate, F::Captured),
        ("lost", K::Data, F::Sim(Fate::Lost)),
        ("network copy", K::Data, F::Sim(Fate::Duplicate)),
        ("reordered", K::Data, F::Sim(Fate::Reordered)),
    ]
}

/// egui's built-in fonts (bundled, so the app looks the same on every machine), with the
/// monospace font as a last fallback for proportional text: it has the arrows and box symbols.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if let Some(monospace) = fonts.families.get(&egui::FontFamily::Monospace).and_then(|f| f.first()).cloned() {
        fonts.families.entry(egui::FontFamily::Proportional).or_default().push(monospace);
    }
    ctx.set_fonts(fonts);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ladder_legend_colours_differ_in_both_themes() {
        for dark in [false, true] {
            let colors: Vec<Color32> = packet_legend().iter().map(|(_, k, f)| packet_color(*k, *f, dark)).collect();
            for (i, a) in colors.iter().enumerate() {
                for b in &colors[i + 1..] {
                    assert_ne!(a, b, "dark: {dark}");
                }
            }
        }
    }
}
