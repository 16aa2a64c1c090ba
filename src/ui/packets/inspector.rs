//! The inspector: the selected packet's every header field with its offset and width beside
//! the hex dump, the chosen field's bytes highlighted, and what the packet does, in words.

use egui::{RichText, Ui};

use crate::packet::fields;
use crate::trace::{Trace, explain::explain};
use crate::ui::widgets::byte_view::show_hex;

/// Which field is picked, per packet, so the highlight survives re-drawing.
#[derive(Default)]
pub struct InspectorState {
    pub field: Option<usize>,
    pub packet: Option<u32>,
}

pub fn show(ui: &mut Ui, trace: &Trace, selected: Option<u32>, lanes: &[String; 2], state: &mut InspectorState) {
    let Some(index) = selected else {
        ui.label(
            RichText::new(
                "Select a packet (click it in the ladder or the list, or press →) to see its header fields and bytes.",
            )
            .weak(),
        );
        return;
    };
    if state.packet != Some(index) {
        state.packet = Some(index);
        state.field = None;
    }
    let packet = &trace.packets[index as usize];
    let (from, to) = if packet.forward { (&lanes[0], &lanes[1]) } else { (&lanes[1], &lanes[0]) };
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("Packet #{}", packet.number)).strong().size(15.0));
        ui.label(RichText::new(packet.label_text()).strong());
        ui.label(format!("{from} → {to} · {} bytes · {}", packet.wire_len, packet.fate.name()));
        if let Some(truth) = crate::trace::truth::disagreement(trace, index as usize) {
            ui.label(RichText::new(format!("simulator's truth: {truth}")).strong().color(ui.visuals().warn_fg_color))
                .on_hover_text("This capture labels the packet from what it holds, as Wireshark would; the simulator knows what really happened");
        }
    });
    ui.label(explain(packet, from, to));
    ui.separator();

    let bytes = trace.bytes(packet);
    let Some(decoded) = trace.decode(packet) else {
        ui.label("These bytes are not an IP packet netlens can decode.");
        show_hex(ui, ("packet-hex", index), bytes, None, 220.0, None);
        return;
    };
    let table = fields(bytes, &decoded);
    // On a narrow or zoomed screen the "what it is for" column moves under the hex dump (for the
    // picked field) and onto each name's hover, so nothing runs past the panel's edge.
    let compact = ui.available_width() < 1000.0;
    ui.columns(2, |columns| {
        egui::ScrollArea::both().id_salt("fields").max_height(280.0).show(&mut columns[0], |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            egui::Grid::new("field-grid").striped(true).num_columns(if compact { 3 } else { 4 }).show(ui, |ui| {
                ui.label(RichText::new("field").weak());
                ui.label(RichText::new("offset").weak()).on_hover_text("byte offset + width in bytes, or byte.bit + width in bits");
                ui.label(RichText::new("value").weak());
                if !compact {
                    ui.label(RichText::new("what it is for").weak());
                }
                ui.end_row();
                for (i, field) in table.iter().enumerate() {
                    let picked = state.field == Some(i);
                    let name = format!("{} {}", field.layer, field.name);
                    let mut response = ui.selectable_label(picked, name);
                    if compact {
                        response = response.on_hover_text(field.meaning);
                    }
                    if response.clicked() {
                        state.field = if picked { None } else { Some(i) };
                    }
                    ui.monospace(field.position());
                    ui.monospace(&field.value);
                    if !compact {
                        ui.label(RichText::new(field.meaning).weak());
                    }
                    ui.end_row();
                }
            });
        });
        let picked = state.field.and_then(|i| table.get(i));
        let highlight = picked.map(|f| f.byte_range());
        match picked.filter(|_| compact) {
            Some(field) => columns[1].label(RichText::new(format!("{} {}: {}", field.layer, field.name, field.meaning)).strong()),
            None => columns[1].label(RichText::new("Click a field to highlight its bytes. IP and TCP fields sit at fixed offsets; HTTP's head is found by delimiters (CR LF).").weak()),
        };
        show_hex(&mut columns[1], ("packet-hex", index), bytes, highlight, 250.0, None);
    });
}
