//! Colours with a meaning, the same everywhere: one per phase of an exchange (waterfall, legend,
//! steps), one per class of status code, and the marks for bytes that are not plain text.

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

/// The colour of a packet in the ladder, event list and legend, from its label and fate.
pub fn packet_color(kind: crate::packet::LabelKind, fate: crate::trace::PacketFate, dark: bool) -> Color32 {
    use crate::packet::LabelKind as K;
    use crate::sim::Fate;
    use crate::trace::PacketFate;
    let pick = |d: (u8, u8, u8), l: (u8, u8, u8)| {
        let (r, g, b) = if dark { d } else { l };
        Color32::from_rgb(r, g, b)
    };
    match fate {
        PacketFate::Sim(Fate::Lost) => return error_color(dark),
        PacketFate::Sim(Fate::Duplicate) => return pick((0xf1, 0xc4, 0x0f), (0xa6, 0x7c, 0x00)),
        PacketFate::Sim(Fate::Reordered) => return pick((0x4d, 0xd0, 0xe1), (0x00, 0x83, 0x8f)),
        _ => {}
    }
    match kind {
        K::Syn | K::SynAck | K::Fin | K::Rst => pick((0x6b, 0xd4, 0x8a), (0x1e, 0x80, 0x3c)),
        K::Data | K::Udp | K::IpFragment => pick((0x74, 0xb4, 0xff), (0x1d, 0x5f, 0xb8)),
        K::Retransmission | K::OutOfOrder => pick((0xff, 0x9f, 0x43), (0xc0, 0x56, 0x00)),
        K::DuplicateAck => pick((0xe0, 0x7b, 0xff), (0x8e, 0x24, 0xaa)),
        K::WindowUpdate | K::ZeroWindow => pick((0xd7, 0xa8, 0x6e), (0x8d, 0x5b, 0x2a)),
        K::Ack | K::Other => pick((0xb0, 0xb8, 0xc4), (0x5a, 0x62, 0x70)),
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
