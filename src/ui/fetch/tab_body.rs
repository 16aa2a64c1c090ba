//! The Body tab: the body as the client got it (de-chunked, decompressed): text and HTML as
//! numbered source lines, images drawn, anything else as hex.

use egui::{RichText, Ui};

use super::cache::{BodyKind, CacheEntry};
use crate::record::bytes::{human_size, lossless_text};
use crate::record::{Exchange, LoadId};
use crate::ui::widgets::byte_view::{show_hex, show_text};

pub fn show(ui: &mut Ui, load: LoadId, exchange: &Exchange, entry: &CacheEntry) {
    let Some(body) = &exchange.body else {
        ui.label(RichText::new("No body has arrived (yet).").weak());
        return;
    };
    let content_type = exchange.head.as_ref().and_then(|h| h.header("Content-Type"));
    let bytes = body.decoded.kept();
    let mut heading = format!(
        "{} ({} bytes) of {}",
        human_size(body.decoded.total()),
        body.decoded.total(),
        content_type.unwrap_or("unknown type")
    );
    if body.decoded.is_truncated() {
        heading.push_str(&format!(" — showing the first {}", human_size(bytes.len() as u64)));
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(heading).strong());
        if !bytes.is_empty() && ui.small_button("Copy").on_hover_text("Copy the body as text").clicked() {
            ui.ctx().copy_text(lossless_text(bytes));
        }
        ui.label(RichText::new(format!("XXH3-128 {}", body.xxh3)).monospace().weak()).on_hover_text(
            "A fingerprint of the whole body: two downloads with the same fingerprint got the same bytes.",
        );
    });
    if !body.complete {
        ui.label(RichText::new("The body is incomplete: the transfer ended early.").weak());
    }
    if bytes.is_empty() {
        ui.label(RichText::new("The body is empty.").weak());
        return;
    }
    match entry.body_kind {
        BodyKind::Text => show_text(ui, "body_text", bytes, &entry.body_lines, ui.available_height(), false, None),
        BodyKind::Image(ext) if !body.decoded.is_truncated() => {
            let uri = format!("bytes://netlens/{load}/{}.{ext}", exchange.index);
            egui::ScrollArea::both().auto_shrink([false, false]).show(ui, |ui| {
                ui.add(egui::Image::from_bytes(uri, entry.body_bytes.clone()).fit_to_original_size(2.0));
            });
        }
        _ => show_hex(ui, "body_hex", &bytes[..bytes.len().min(1 << 20)], None, ui.available_height(), None),
    }
}
