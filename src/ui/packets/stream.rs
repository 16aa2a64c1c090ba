//! The stream panel: what the receiving application has got so far (the in-order byte stream)
//! beside the data segments as they arrived, with the holes retransmissions fill. It draws a
//! `StreamSnapshot`, which the view recomputes only when the playhead moves.

use egui::{RichText, Sense, Stroke, Ui, pos2, vec2};

use crate::model::stream::{ArrivalNote, StreamSnapshot};
use crate::sim::Side;
use crate::trace::Trace;
use crate::ui::theme;

/// Draws the stream towards `receiver` from its snapshot: None before playback starts (outer),
/// or for a capture (inner). Drawing is proportional to what is visible, not to the run.
pub fn show(ui: &mut Ui, trace: &Trace, receiver: Side, snapshot: Option<Option<&StreamSnapshot>>) {
    let Some(run) = trace.sim.as_ref() else {
        ui.label(
            RichText::new(
                "The stream panel shows whole simulator runs: a capture does not say what the application received.",
            )
            .weak(),
        );
        return;
    };
    let Some(Some(s)) = snapshot else {
        ui.label(RichText::new("Press Play or → to start the run; the stream fills as data arrives.").weak());
        return;
    };
    let (total, delivered) = (s.total, s.delivered);
    ui.label(format!(
        "{} has received {delivered} of {total} bytes in order ({}).",
        receiver.name(),
        if total == 0 {
            "nothing to receive".into()
        } else {
            format!("{:.0}%", 100.0 * delivered as f64 / total as f64)
        }
    ));
    let dark = ui.visuals().dark_mode;
    let width = ui.available_width().max(100.0);
    let (rect, _) = ui.allocate_exact_size(vec2(width, 26.0), Sense::hover());
    let painter = ui.painter_at(rect);
    painter.rect_stroke(rect, 2.0, Stroke::new(1.0, ui.visuals().weak_text_color()), egui::StrokeKind::Inside);
    if total > 0 {
        let x = |offset: usize| rect.left() + rect.width() * offset as f32 / total as f32;
        let waiting = theme::packet_color(crate::packet::LabelKind::Data, crate::trace::PacketFate::Captured, dark);
        for &(start, end) in &s.waiting {
            let r = egui::Rect::from_min_max(pos2(x(start), rect.top() + 3.0), pos2(x(end), rect.bottom() - 3.0));
            painter.rect_filled(r, 0.0, waiting.gamma_multiply(0.6));
        }
        let done = crate::ui::palette::Hue::BluishGreen.color(dark);
        painter.rect_filled(egui::Rect::from_min_max(rect.min, pos2(x(delivered), rect.bottom())), 0.0, done);
        for &(start, end) in &s.holes {
            let r = egui::Rect::from_min_max(pos2(x(start), rect.top()), pos2(x(end), rect.bottom()));
            painter.rect_stroke(r, 0.0, Stroke::new(2.0, theme::error_color(dark)), egui::StrokeKind::Inside);
        }
    }
    ui.horizontal_wrapped(|ui| {
        ui.colored_label(crate::ui::palette::Hue::BluishGreen.color(dark), "■ given to the application in order");
        ui.colored_label(
            theme::packet_color(crate::packet::LabelKind::Data, crate::trace::PacketFate::Captured, dark),
            "■ arrived, waiting behind a hole",
        );
        ui.colored_label(theme::error_color(dark), "□ hole: not arrived yet");
    });
    ui.separator();
    ui.columns(2, |columns| {
        columns[0].label(RichText::new("Segments as they arrived").strong());
        let row = columns[0].text_style_height(&egui::TextStyle::Monospace);
        // Only the rows in view are laid out: a long replay has thousands.
        egui::ScrollArea::vertical().id_salt("arrivals").max_height(130.0).show_rows(
            &mut columns[0],
            row,
            s.arrivals.len(),
            |ui, rows| {
                for a in &s.arrivals[rows] {
                    let note = match a.note {
                        ArrivalNote::AfterHole => " — early: a hole before it",
                        ArrivalNote::AlreadyHad => " — already had these bytes",
                        ArrivalNote::InOrder => "",
                    };
                    ui.monospace(format!(
                        "{:>10}  #{:<4} bytes {}..{}{note}",
                        crate::trace::ladder_text::format_time(a.t_us as f64),
                        a.number,
                        a.rel_seq,
                        a.rel_seq + a.len
                    ));
                }
            },
        );
        columns[1].label(RichText::new("The application's byte stream so far").strong());
        let stream = &run.received[receiver.index()][..delivered.min(run.received[receiver.index()].len())];
        let tail = &stream[stream.len().saturating_sub(600)..];
        egui::ScrollArea::vertical().id_salt("stream-bytes").max_height(130.0).stick_to_bottom(true).show(
            &mut columns[1],
            |ui| {
                let text = crate::record::bytes::lossless_text(tail);
                let font = egui::TextStyle::Monospace.resolve(ui.style());
                ui.monospace(crate::ui::widgets::text::drawable(ui, &font, &text));
            },
        );
    });
}
