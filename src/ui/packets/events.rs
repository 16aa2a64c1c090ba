//! The event list beside the ladder: one row per packet (time, direction, summary, what it
//! does), virtualised so a million rows scroll smoothly; selection is shared with the ladder.

use egui::{RichText, Ui};

use crate::model::playback::Playback;
use crate::packet::flag_names;
use crate::trace::{Trace, explain::explain};
use crate::ui::theme;

/// Shows the rows; returns the packet the user clicked. `scroll_to_selected` brings the
/// selected row into view (after a click in the ladder or a step).
pub fn show(
    ui: &mut Ui,
    trace: &Trace,
    playback: &Playback,
    selected: Option<u32>,
    lanes: &[String; 2],
    scroll_to_selected: bool,
) -> Option<u32> {
    let order = &playback.order;
    let simulated = trace.sim.is_some();
    let shown = match playback.shown_until() {
        _ if !simulated => order.len(),
        Some(until) => order.partition_point(|&i| trace.packets[i as usize].t_us <= until),
        None => 0,
    };
    ui.label(RichText::new(format!("Events: {shown} of {} packets", order.len())).strong());
    let row_height = 20.0;
    let mut scroll = egui::ScrollArea::vertical().id_salt("packet-events").auto_shrink([false, false]);
    if scroll_to_selected && let Some(position) = selected.and_then(|s| order[..shown].iter().position(|&i| i == s)) {
        let visible = ui.available_height();
        scroll = scroll.vertical_scroll_offset(
            (position as f32 * (row_height + ui.spacing().item_spacing.y) - visible / 2.0).max(0.0),
        );
    }
    let dark = ui.visuals().dark_mode;
    let mut clicked = None;
    scroll.show_rows(ui, row_height, shown, |ui, rows| {
        // One line per row, always: the list is virtualised on a fixed row height.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        for position in rows {
            let index = order[position];
            let p = &trace.packets[index as usize];
            let arrow = if p.forward { "→" } else { "←" };
            let color = theme::packet_color(p.analysis.kind, p.fate, dark);
            let text = format!(
                "{:>11}  {arrow} #{:<5} {:<9} {}",
                crate::trace::ladder_text::format_time(p.t_us as f64),
                p.number,
                if p.is_tcp() { flag_names(p.flags) } else { String::from("UDP/IP") },
                p.label_text()
            );
            let (from, to) = if p.forward { (&lanes[0], &lanes[1]) } else { (&lanes[1], &lanes[0]) };
            let response = ui
                .selectable_label(selected == Some(index), RichText::new(text).monospace().color(color))
                .on_hover_text(explain(p, from, to));
            if response.clicked() {
                clicked = Some(index);
            }
        }
    });
    clicked
}
