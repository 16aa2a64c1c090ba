//! The Headers tab: the request's and the response's header fields as tables, in wire order and
//! with their original spelling, each with a few words on what it is for.

use egui::{RichText, Ui};

use crate::record::Exchange;
use crate::wire::header_meaning::header_meaning;
use crate::wire::http_head::MessageHead;

pub fn show(ui: &mut Ui, exchange: &Exchange, request_head: Option<&MessageHead>) {
    egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
        match request_head {
            Some(head) => table(ui, "request_headers", &format!("Request: {}", head.start_line), &head.headers),
            None => {
                ui.label(RichText::new("The request has not been sent.").weak());
            }
        }
        ui.add_space(10.0);
        match &exchange.head {
            Some(head) => {
                let title = format!("Response: {} {} {}", head.version, head.status, head.reason);
                table(ui, "response_headers", &title, &head.headers);
            }
            None => {
                ui.label(RichText::new("No response head has arrived.").weak());
            }
        }
    });
}

fn table(ui: &mut Ui, id: &str, title: &str, headers: &[(String, String)]) {
    ui.label(RichText::new(title).strong().monospace());
    egui::Grid::new(id).num_columns(4).striped(true).spacing([14.0, 4.0]).show(ui, |ui| {
        ui.label(RichText::new("#").weak());
        ui.label(RichText::new("name").weak());
        ui.label(RichText::new("value").weak());
        ui.label(RichText::new("what it is for").weak());
        ui.end_row();
        let font = egui::TextStyle::Monospace.resolve(ui.style());
        for (i, (name, value)) in headers.iter().enumerate() {
            // Names and values are whatever the server sent.
            let shown_name = crate::ui::widgets::text::drawable(ui, &font, name).into_owned();
            let shown_value = crate::ui::widgets::text::drawable(ui, &font, value).into_owned();
            ui.label(RichText::new((i + 1).to_string()).weak());
            ui.label(RichText::new(shown_name).monospace().strong());
            ui.add(egui::Label::new(RichText::new(shown_value).monospace()).extend());
            // The explanation wraps at the visible edge (never narrower than a short phrase), so
            // a zoomed projector shows it whole without scrolling sideways.
            let room = (ui.clip_rect().right() - ui.cursor().left() - 8.0).max(180.0);
            ui.scope(|ui| {
                ui.set_max_width(room);
                ui.add(egui::Label::new(RichText::new(header_meaning(name).unwrap_or("")).weak()).wrap());
            });
            ui.end_row();
        }
    });
}
