//! The DNS tab: the lookup behind this request. When it went over the wire, the query and the
//! answer are laid out field by field beside their bytes; picking a field lights up its bytes.

use egui::{RichText, Ui};

use super::cache::{CacheEntry, DnsLayout};
use crate::record::{DnsSource, Exchange};
use crate::ui::widgets::byte_view::show_hex;

pub fn show(ui: &mut Ui, exchange: &Exchange, entry: &CacheEntry, picked: &mut Option<(bool, usize)>) {
    let Some(lookup) = &exchange.dns else {
        if crate::ui::platform::IN_BROWSER {
            ui.label(RichText::new("The DNS lookup").strong());
            ui.add(egui::Label::new(crate::ui::platform::HIDDEN_BY_BROWSER).wrap());
            if let Some(dns) = exchange.timings.dns {
                ui.label(format!("The browser reports that its lookup took {:.1} ms.", dns.millis()));
            }
            return;
        }
        let text = match url::Url::parse(&exchange.url).ok().and_then(|u| u.host_str().map(str::to_string)) {
            Some(host) if host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok() => {
                format!("No lookup: the URL names the address {host} directly.")
            }
            _ => "No lookup has happened for this request (yet).".to_string(),
        };
        ui.label(text);
        return;
    };
    let answer = if lookup.addresses.is_empty() {
        "no address".to_string()
    } else {
        lookup.addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    ui.label(RichText::new(format!("{} → {answer}", lookup.name)).strong().size(17.0));
    let how = match (lookup.cached, lookup.source) {
        (true, _) => "Answered from this page load's cache: an earlier request looked this name up, so no query was sent.".to_string(),
        (false, DnsSource::System) => {
            "Asked the operating system's resolver. Its packets are not visible to netlens: choose Options → \"a UDP query to the system's nameserver\" to send the query ourselves and see its bytes.".to_string()
        }
        (false, DnsSource::Demo) => format!(
            "A real UDP exchange with netlens's built-in DNS responder at {}, which answers for the demo.test zone.",
            lookup.server.map_or_else(String::new, |s| s.to_string())
        ),
        (false, DnsSource::Wire) => format!(
            "A UDP query netlens sent itself to the system's nameserver {}.",
            lookup.server.map_or_else(String::new, |s| s.to_string())
        ),
    };
    ui.label(how);
    ui.label(RichText::new(format!("took {:.2} ms", lookup.span.millis())).weak());
    ui.separator();
    let (Some(query), Some(answer)) = (lookup.query.as_deref(), lookup.answer.as_deref()) else {
        return;
    };
    ui.columns(2, |columns| {
        message(&mut columns[0], "Query (client → server)", false, query, entry.dns_query.as_ref(), picked);
        message(&mut columns[1], "Answer (server → client)", true, answer, entry.dns_answer.as_ref(), picked);
    });
}

fn message(
    ui: &mut Ui,
    title: &str,
    is_answer: bool,
    bytes: &[u8],
    layout: Option<&DnsLayout>,
    picked: &mut Option<(bool, usize)>,
) {
    ui.label(RichText::new(format!("{title}: {} bytes", bytes.len())).strong());
    let Some(layout) = layout else { return };
    let highlight = picked
        .filter(|(a, _)| *a == is_answer)
        .and_then(|(_, i)| layout.fields.get(i))
        .map(|f| f.offset..f.offset + f.len);
    show_hex(ui, (title, "hex"), bytes, highlight, 170.0, None);
    ui.add_space(4.0);
    ui.label(RichText::new("Click a field to light up its bytes. The 12-byte header has fixed positions; names are length-prefixed labels.").weak());
    egui::ScrollArea::vertical().id_salt((title, "fields")).auto_shrink([false, false]).show(ui, |ui| {
        egui::Grid::new((title, "grid")).num_columns(4).striped(true).show(ui, |ui| {
            for heading in ["section", "field", "bytes", "value"] {
                ui.label(RichText::new(heading).weak());
            }
            ui.end_row();
            for (i, field) in layout.fields.iter().enumerate() {
                let selected = *picked == Some((is_answer, i));
                ui.label(RichText::new(&field.section).weak());
                if ui.selectable_label(selected, RichText::new(field.name).monospace().strong()).clicked() {
                    *picked = if selected { None } else { Some((is_answer, i)) };
                }
                ui.label(RichText::new(format!("{}..{}", field.offset, field.offset + field.len)).monospace());
                let font = egui::TextStyle::Body.resolve(ui.style());
                let value = crate::ui::widgets::text::drawable(ui, &font, &field.value).into_owned();
                ui.add(egui::Label::new(value).wrap());
                ui.end_row();
            }
        });
        if let Some(problem) = &layout.problem {
            ui.label(RichText::new(format!("The rest could not be read: {problem}")).weak());
        }
    });
}
