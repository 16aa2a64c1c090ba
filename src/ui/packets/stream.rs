//! The stream panel: what the receiving application has got so far (the in-order byte stream)
//! beside the data segments as they arrived, with the holes retransmissions fill.

use egui::{RichText, Sense, Stroke, Ui, pos2, vec2};

use crate::sim::Side;
use crate::trace::Trace;
use crate::ui::theme;

/// Draws the stream towards `receiver` as of `playhead_us`.
pub fn show(ui: &mut Ui, trace: &Trace, receiver: Side, playhead_us: Option<u64>) {
    let Some(run) = trace.sim.as_ref() else {
        ui.label(
            RichText::new(
                "The stream panel shows simulator runs: a capture does not say what the application received.",
            )
            .weak(),
        );
        return;
    };
    let Some(playhead_us) = playhead_us else {
        ui.label(RichText::new("Press Play or → to start the run; the stream fills as data arrives.").weak());
        return;
    };
    let total = run.sent[receiver.other().index()].len();
    let delivered: usize =
        run.deliveries.iter().filter(|d| d.side == receiver && d.t_us <= playhead_us).map(|d| d.len).sum();
    // Data segments that have reached the receiver, in arrival order.
    let mut arrivals: Vec<(u64, u32, u32, u32)> = trace
        .packets
        .iter()
        .filter(|p| p.forward == (receiver == Side::Server) && p.is_tcp() && p.len > 0)
        .filter_map(|p| p.arrive_us.filter(|&t| t <= playhead_us).map(|t| (t, p.number, p.analysis.rel_seq, p.len)))
        .collect();
    arrivals.sort();

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
        for &(_, _, rel_seq, len) in &arrivals {
            let start = (rel_seq as usize).saturating_sub(1);
            let r = egui::Rect::from_min_max(
                pos2(x(start), rect.top() + 3.0),
                pos2(x(start + len as usize), rect.bottom() - 3.0),
            );
            painter.rect_filled(r, 0.0, waiting.gamma_multiply(0.6));
        }
        let done = crate::ui::palette::Hue::BluishGreen.color(dark);
        painter.rect_filled(egui::Rect::from_min_max(rect.min, pos2(x(delivered), rect.bottom())), 0.0, done);
        // Holes: bytes after what was delivered that have not arrived yet, before bytes that have.
        let furthest = arrivals.iter().map(|a| (a.2 as usize).saturating_sub(1) + a.3 as usize).max().unwrap_or(0);
        if furthest > delivered {
            let mut offset = delivered;
            while offset < furthest {
                let arrived = arrivals.iter().any(|a| {
                    let s = (a.2 as usize).saturating_sub(1);
                    s <= offset && offset < s + a.3 as usize
                });
                let next = arrivals
                    .iter()
                    .map(|a| (a.2 as usize).saturating_sub(1))
                    .chain(arrivals.iter().map(|a| (a.2 as usize).saturating_sub(1) + a.3 as usize))
                    .filter(|&b| b > offset)
                    .min()
                    .unwrap_or(furthest);
                if !arrived {
                    let r = egui::Rect::from_min_max(pos2(x(offset), rect.top()), pos2(x(next), rect.bottom()));
                    painter.rect_stroke(r, 0.0, Stroke::new(2.0, theme::error_color(dark)), egui::StrokeKind::Inside);
                }
                offset = next;
            }
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
        egui::ScrollArea::vertical().id_salt("arrivals").max_height(130.0).show(&mut columns[0], |ui| {
            let mut expected = 1u32;
            for &(t, number, rel_seq, len) in &arrivals {
                let note = if rel_seq > expected {
                    " — early: a hole before it"
                } else if rel_seq + len <= expected {
                    " — already had these bytes"
                } else {
                    ""
                };
                expected = expected.max(rel_seq + len);
                ui.monospace(format!(
                    "{:>10}  #{number:<4} bytes {rel_seq}..{}{note}",
                    crate::ui::packets::ladder::format_time(t as f64),
                    rel_seq + len
                ));
            }
        });
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
