//! The Raw tab: the request and the response exactly as they crossed the connection, with CR and
//! LF made visible (or as hex with offsets); for https also the TLS records underneath.

use egui::{RichText, Ui};

use super::cache::CacheEntry;
use crate::record::bytes::{human_size, lossless_text};
use crate::record::{CappedBytes, Exchange};
use crate::ui::widgets::byte_view::{ByteLines, TimeGutter, show_hex, show_text};
use crate::wire::tls_records::TlsRecord;

pub fn show(ui: &mut Ui, exchange: &Exchange, entry: &CacheEntry, hex: bool) {
    if crate::ui::platform::IN_BROWSER {
        ui.label(RichText::new("The raw request and response bytes").strong());
        ui.add(egui::Label::new(crate::ui::platform::HIDDEN_BY_BROWSER).wrap());
        return;
    }
    let https = exchange.tls_sent.is_some() || exchange.tls_received.is_some();
    if https {
        ui.label(RichText::new("Decrypted HTTP, as the client wrote and read it inside TLS; the encrypted records are listed at the bottom.").weak());
    }
    let available = ui.available_height();
    let request_height = (available * 0.3).max(80.0);
    section(ui, "request", "Request", &exchange.request, &entry.request_lines, hex, request_height, None);
    ui.add_space(6.0);
    let response_height = if https { (available * 0.45).max(120.0) } else { ui.available_height() - 30.0 };
    // Arrival times count from the moment the request was sent.
    let origin_us = exchange.timings.send.map_or(exchange.timings.start_us, |s| s.end_us);
    let gutter = TimeGutter { arrivals: &exchange.response_arrivals, origin_us };
    let (lines, height) = (&entry.response_lines, response_height.max(120.0));
    section(ui, "response", "Response", &exchange.response, lines, hex, height, Some(gutter));
    if https {
        ui.add_space(6.0);
        egui::CollapsingHeader::new("TLS records on the wire").default_open(true).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("tls_records").max_height(ui.available_height().max(80.0)).show(
                ui,
                |ui| {
                    records(ui, "client → server", &entry.tls_sent, exchange.tls_sent.as_ref());
                    records(ui, "server → client", &entry.tls_received, exchange.tls_received.as_ref());
                },
            );
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn section(
    ui: &mut Ui,
    id: &str,
    title: &str,
    bytes: &CappedBytes,
    lines: &ByteLines,
    hex: bool,
    max_height: f32,
    gutter: Option<TimeGutter<'_>>,
) {
    let mut heading = format!("{title}: {} ({} bytes)", human_size(bytes.total()), bytes.total());
    if bytes.is_truncated() {
        heading.push_str(&format!(" — showing the first {}", human_size(bytes.kept().len() as u64)));
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new(heading).strong());
        if !bytes.is_empty() && ui.small_button("Copy").on_hover_text("Copy these bytes as text").clicked() {
            ui.ctx().copy_text(lossless_text(bytes.kept()));
        }
    });
    if gutter.is_some() {
        ui.label(
            RichText::new("The left column says when each piece arrived, counted from sending the request.").weak(),
        );
    }
    if bytes.is_empty() {
        ui.label(RichText::new("nothing yet").weak());
        return;
    }
    if hex {
        show_hex(ui, (id, "hex"), bytes.kept(), None, max_height, gutter);
    } else {
        show_text(ui, (id, "text"), bytes.kept(), lines, max_height, true, gutter);
    }
}

fn records(ui: &mut Ui, direction: &str, records: &[TlsRecord], bytes: Option<&CappedBytes>) {
    let total = bytes.map_or(0, CappedBytes::total);
    ui.label(RichText::new(format!("{direction}: {} records, {}", records.len(), human_size(total))).strong());
    for record in records.iter().take(200) {
        ui.label(RichText::new(format!("  @{:>8}  {}", record.offset, record.describe())).monospace());
    }
    if records.len() > 200 {
        ui.label(RichText::new(format!("  … and {} more", records.len() - 200)).weak());
    }
}
