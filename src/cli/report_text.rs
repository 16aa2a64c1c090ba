//! The text report of `netlens fetch`, in the spirit of `curl -v`: `*` lines say what happened,
//! `>` lines are the request as sent, `<` lines the response head as received; then timings.

use std::fmt::Write as _;

use crate::model::steps::{StepStatus, steps};
use crate::net::client::PageResult;
use crate::record::bytes::{human_size, lossless_text};
use crate::record::{Exchange, ExchangeRole, Phase};
use crate::wire::http_head::parse_head;
use crate::wire::status;

pub fn render(result: &PageResult) -> String {
    let mut out = String::new();
    for exchange in &result.exchanges {
        render_exchange(&mut out, exchange);
        out.push('\n');
    }
    render_summary(&mut out, result);
    out
}

fn role_name(exchange: &Exchange) -> String {
    match exchange.role {
        ExchangeRole::Page => "page".into(),
        ExchangeRole::Redirect => "redirect".into(),
        ExchangeRole::Subresource(kind) => kind.name().into(),
    }
}

fn render_exchange(out: &mut String, exchange: &Exchange) {
    let _ = writeln!(out, "=== [{}] {} {} ({})", exchange.index, exchange.method, exchange.url, role_name(exchange));
    if let Some(initiator) = &exchange.initiator {
        let _ = writeln!(out, "* initiated by {initiator}");
    }
    for step in steps(exchange) {
        let mark = match step.status {
            StepStatus::Failed => "✖",
            StepStatus::NotReached => continue,
            _ => "*",
        };
        let time = step.millis.map_or_else(|| "      -".to_string(), |ms| format!("{ms:7.2}"));
        let _ = writeln!(out, "{mark} {:<8} {time} ms  {}", step.title, step.sentence);
    }
    if let Some(cert) = exchange.tls.as_ref().and_then(|tls| tls.certificate.as_ref()) {
        let _ = writeln!(
            out,
            "* certificate: subject {}; issuer {}; valid {} to {}; names {}",
            cert.subject,
            cert.issuer,
            cert.not_before,
            cert.not_after,
            cert.names.join(", ")
        );
    }
    if let Some(head) = parse_head(exchange.request.kept()) {
        let _ = writeln!(out, "> {}", head.start_line);
        for (name, value) in &head.headers {
            let _ = writeln!(out, "> {name}: {value}");
        }
        let _ = writeln!(out, ">");
    }
    if let Some(head) = &exchange.head {
        let raw = &exchange.response.kept()[..head.head_len.min(exchange.response.kept().len())];
        for line in lossless_text(raw).lines() {
            let _ = writeln!(out, "< {}", line.trim_end_matches('\r'));
        }
        let _ = writeln!(out, "* {} {}: {}", head.status, head.reason, status::explain(head.status));
    }
    if let Some(body) = &exchange.body {
        let wire = exchange.response.total().saturating_sub(exchange.head.as_ref().map_or(0, |h| h.head_len as u64));
        let _ = writeln!(
            out,
            "* body: {} ({} bytes) decoded, {} ({wire} bytes) on the wire, xxh3-128 {}{}",
            human_size(body.decoded.total()),
            body.decoded.total(),
            human_size(wire),
            body.xxh3,
            if body.complete { "" } else { " (incomplete)" }
        );
    }
    let t = &exchange.timings;
    let ms = |phase| t.phase(phase).map_or_else(|| "-".to_string(), |s| format!("{:.2}", s.millis()));
    let _ = writeln!(
        out,
        "* timings (ms): dns {}  connect {}  tls {}  send {}  wait {}  download {}  total {}",
        ms(Phase::Dns),
        ms(Phase::Connect),
        ms(Phase::Tls),
        ms(Phase::Send),
        ms(Phase::Wait),
        ms(Phase::Download),
        t.total().map_or_else(|| "-".to_string(), |s| format!("{:.2}", s.millis()))
    );
    if let (None, Some(lacking), Some(_)) =
        (&exchange.tcp, crate::record::exchange::TCP_STATS_UNAVAILABLE, &exchange.connect)
    {
        let _ = writeln!(out, "* {lacking}");
    }
    if let Some(tcp) = &exchange.tcp {
        let _ = writeln!(
            out,
            "* kernel TCP_INFO: rtt {} µs (±{}), mss {} sent / {} received, congestion window {} segments, retransmissions {}, path MTU {}",
            tcp.rtt_us, tcp.rtt_var_us, tcp.snd_mss, tcp.rcv_mss, tcp.snd_cwnd, tcp.total_retrans, tcp.pmtu
        );
    }
    if let Some(error) = &exchange.error {
        let phase = error.phase.map_or("", Phase::name);
        let _ = writeln!(out, "✖ failed during {phase}: {} ({})", error.message, error.kind.as_str());
    }
}

fn render_summary(out: &mut String, result: &PageResult) {
    let connections: std::collections::BTreeSet<u32> =
        result.exchanges.iter().filter_map(|e| e.connect.as_ref().map(|c| c.connection)).collect();
    let reused = result.exchanges.iter().filter(|e| e.connect.as_ref().is_some_and(|c| c.reused)).count();
    // Bytes that crossed TCP: the TLS records for https, the HTTP bytes themselves for http.
    let received: u64 =
        result.exchanges.iter().map(|e| e.tls_received.as_ref().map_or(e.response.total(), |t| t.total())).sum();
    let end = result.exchanges.iter().filter_map(|e| e.timings.end_us).max().unwrap_or(0);
    let _ = writeln!(
        out,
        "=== {} request(s) over {} connection(s) ({} reused), {} received, {:.2} ms in all",
        result.exchanges.len(),
        connections.len(),
        reused,
        human_size(received),
        end as f64 / 1000.0
    );
    if let Some(error) = &result.error {
        let _ = writeln!(out, "✖ {} ({})", error.message, error.kind.as_str());
    }
}
