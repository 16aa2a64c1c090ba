//! The Steps tab: DNS → connect → TLS → request → response, each with its time and one sentence
//! of what happened and why; then the connection's details (TLS certificate, kernel TCP stats).

use egui::{RichText, Ui};

use crate::model::steps::{Step, StepStatus};
use crate::record::{Exchange, Phase};
use crate::ui::theme;

pub fn show(ui: &mut Ui, exchange: &Exchange, steps: &[Step]) {
    let dark = ui.visuals().dark_mode;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        for (i, step) in steps.iter().enumerate() {
            let phase = [Phase::Dns, Phase::Connect, Phase::Tls, Phase::Send, Phase::Wait][i];
            let (mark, color) = match step.status {
                StepStatus::Done => ("✔", theme::phase_color(phase)),
                StepStatus::Skipped => ("–", ui.visuals().weak_text_color()),
                StepStatus::Running => ("…", theme::phase_color(phase)),
                StepStatus::Failed => ("✖", theme::error_color(dark)),
                StepStatus::NotReached => ("·", ui.visuals().weak_text_color()),
            };
            ui.horizontal(|ui| {
                ui.label(RichText::new(mark).size(20.0).color(color));
                ui.label(RichText::new(format!("{}. {}", i + 1, step.title)).strong().size(17.0));
                if let Some(ms) = step.millis {
                    ui.label(RichText::new(format!("{ms:.2} ms")).monospace());
                }
            });
            let sentence = RichText::new(&step.sentence);
            let sentence = match step.status {
                StepStatus::Failed => sentence.color(theme::error_color(dark)).strong(),
                StepStatus::NotReached => sentence.weak(),
                _ => sentence,
            };
            ui.indent(("step", i), |ui| ui.label(sentence));
            ui.add_space(6.0);
        }
        details(ui, exchange);
    });
}

fn details(ui: &mut Ui, exchange: &Exchange) {
    if let Some(tls) = &exchange.tls {
        egui::CollapsingHeader::new("TLS").default_open(true).show(ui, |ui| {
            egui::Grid::new("tls_grid").num_columns(2).striped(true).show(ui, |ui| {
                let mut row = |k: &str, v: &str| {
                    ui.label(RichText::new(k).strong());
                    ui.label(RichText::new(v).monospace());
                    ui.end_row();
                };
                row("version", &tls.version);
                row("cipher suite", &tls.cipher_suite);
                row("ALPN", tls.alpn.as_deref().unwrap_or("(none)"));
                if let Some(cert) = &tls.certificate {
                    row("certificate subject", &cert.subject);
                    row("issued by", &cert.issuer);
                    row("valid from", &cert.not_before);
                    row("valid until", &cert.not_after);
                    row("names", &cert.names.join(", "));
                }
            });
        });
    }
    if let (None, Some(lacking), Some(_)) =
        (&exchange.tcp, crate::record::exchange::TCP_STATS_UNAVAILABLE, &exchange.connect)
    {
        ui.label(RichText::new(lacking).weak());
    }
    if let Some(tcp) = &exchange.tcp {
        egui::CollapsingHeader::new("The kernel's view of this TCP connection (TCP_INFO)").default_open(true).show(
            ui,
            |ui| {
                egui::Grid::new("tcp_grid").num_columns(3).striped(true).show(ui, |ui| {
                    let mut row = |k: &str, v: String, why: &str| {
                        ui.label(RichText::new(k).strong());
                        ui.label(RichText::new(v).monospace());
                        ui.label(RichText::new(why).weak());
                        ui.end_row();
                    };
                    row(
                        "round-trip time",
                        format!("{} µs ± {}", tcp.rtt_us, tcp.rtt_var_us),
                        "how long a segment takes to be acknowledged",
                    );
                    row(
                        "segment size (MSS)",
                        format!("{} sent / {} received", tcp.snd_mss, tcp.rcv_mss),
                        "the largest payload one TCP segment carries",
                    );
                    row(
                        "congestion window",
                        format!("{} segments", tcp.snd_cwnd),
                        "how many segments may be unacknowledged at once",
                    );
                    row(
                        "retransmissions",
                        tcp.total_retrans.to_string(),
                        "segments sent again because they seemed lost",
                    );
                    row("path MTU", format!("{} bytes", tcp.pmtu), "the largest IP packet the path carries");
                });
            },
        );
    }
}
