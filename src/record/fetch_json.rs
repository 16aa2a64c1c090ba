//! A page load as JSON — what `netlens fetch --format json` prints, and what lesson checks read:
//! one object, the page first, then redirects and sub-resources in order. Raw bytes are strings
//! with non-UTF-8 bytes escaped as `\xNN`.

use serde::Serialize;

use crate::record::bytes::{lossless_text, to_hex};
use crate::record::{Exchange, FetchError, Phase};

#[derive(Serialize)]
struct Report<'a> {
    url: &'a str,
    exchanges: Vec<ExchangeJson>,
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
struct ExchangeJson {
    url: String,
    method: String,
    initiator: Option<String>,
    /// "page", "redirect", "image", "stylesheet" or "script".
    role: String,
    dns: Option<DnsJson>,
    connect: Option<ConnectJson>,
    tls: Option<TlsJson>,
    request: RequestJson,
    response: Option<ResponseJson>,
    timings_ms: TimingsJson,
    tcp_info: Option<TcpInfoJson>,
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
struct DnsJson {
    name: String,
    addresses: Vec<String>,
    source: &'static str,
    server: Option<String>,
    cached: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    answer_hex: Option<String>,
    response_code: Option<String>,
    ms: f64,
}

#[derive(Serialize)]
struct ConnectJson {
    remote: String,
    local: String,
    reused: bool,
    connection: u32,
    ms: Option<f64>,
}

#[derive(Serialize)]
struct TlsJson {
    version: String,
    cipher_suite: String,
    alpn: Option<String>,
    certificate: Option<CertificateJson>,
    ms: Option<f64>,
}

#[derive(Serialize)]
struct CertificateJson {
    subject: String,
    issuer: String,
    not_before: String,
    not_after: String,
    names: Vec<String>,
}

#[derive(Serialize)]
struct RequestJson {
    raw: String,
}

#[derive(Serialize)]
struct ResponseJson {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    raw_head: String,
    /// Body bytes as the application got them (de-chunked, decompressed).
    body_bytes: Option<u64>,
    /// Body bytes as they crossed the connection (still chunked or compressed).
    wire_body_bytes: u64,
    body_xxh3: Option<String>,
}

#[derive(Serialize)]
struct TimingsJson {
    dns: Option<f64>,
    connect: Option<f64>,
    tls: Option<f64>,
    send: Option<f64>,
    wait: Option<f64>,
    download: Option<f64>,
    total: Option<f64>,
}

#[derive(Serialize)]
struct TcpInfoJson {
    rtt_us: u32,
    rtt_var_us: u32,
    snd_mss: u32,
    rcv_mss: u32,
    snd_cwnd: u32,
    total_retrans: u32,
    pmtu: u32,
}

#[derive(Serialize)]
struct ErrorJson {
    kind: &'static str,
    phase: Option<&'static str>,
    message: String,
}

impl From<&FetchError> for ErrorJson {
    fn from(e: &FetchError) -> Self {
        Self { kind: e.kind.as_str(), phase: e.phase.map(Phase::name), message: e.message.clone() }
    }
}

/// The report for a page load at `url`: its exchanges and why it stopped, if it did.
pub fn value(url: &str, exchanges: &[Exchange], error: Option<&FetchError>) -> serde_json::Value {
    let report =
        Report { url, exchanges: exchanges.iter().map(exchange_json).collect(), error: error.map(ErrorJson::from) };
    // Plain structs of strings and numbers: serialising them cannot fail.
    serde_json::to_value(&report).unwrap_or_default()
}

/// The same, as the CLI prints it.
pub fn render(url: &str, exchanges: &[Exchange], error: Option<&FetchError>) -> String {
    let mut text = serde_json::to_string_pretty(&value(url, exchanges, error)).unwrap_or_default();
    text.push('\n');
    text
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

fn exchange_json(e: &Exchange) -> ExchangeJson {
    let t = &e.timings;
    let ms = |phase: Phase| t.phase(phase).map(|s| round(s.millis()));
    ExchangeJson {
        url: e.url.clone(),
        method: e.method.clone(),
        initiator: e.initiator.clone(),
        role: match e.role {
            crate::record::ExchangeRole::Page => "page".into(),
            crate::record::ExchangeRole::Redirect => "redirect".into(),
            crate::record::ExchangeRole::Subresource(kind) => kind.name().into(),
        },
        dns: e.dns.as_ref().map(|d| DnsJson {
            name: d.name.clone(),
            addresses: d.addresses.iter().map(ToString::to_string).collect(),
            source: d.source.as_str(),
            server: d.server.map(|s| s.to_string()),
            cached: d.cached,
            query_hex: d.query.as_deref().map(to_hex),
            answer_hex: d.answer.as_deref().map(to_hex),
            response_code: d.response_code.clone(),
            ms: round(d.span.millis()),
        }),
        connect: e.connect.as_ref().map(|c| ConnectJson {
            remote: c.remote.to_string(),
            local: c.local.to_string(),
            reused: c.reused,
            connection: c.connection,
            ms: ms(Phase::Connect),
        }),
        tls: e.tls.as_ref().map(|tls| TlsJson {
            version: tls.version.clone(),
            cipher_suite: tls.cipher_suite.clone(),
            alpn: tls.alpn.clone(),
            certificate: tls.certificate.as_ref().map(|c| CertificateJson {
                subject: c.subject.clone(),
                issuer: c.issuer.clone(),
                not_before: c.not_before.clone(),
                not_after: c.not_after.clone(),
                names: c.names.clone(),
            }),
            ms: ms(Phase::Tls),
        }),
        request: RequestJson { raw: lossless_text(e.request.kept()) },
        response: e.head.as_ref().map(|h| {
            let kept = e.response.kept();
            ResponseJson {
                status: h.status,
                reason: h.reason.clone(),
                headers: h.headers.clone(),
                raw_head: lossless_text(&kept[..h.head_len.min(kept.len())]),
                body_bytes: e.body.as_ref().map(|b| b.decoded.total()),
                wire_body_bytes: e.response.total().saturating_sub(h.head_len as u64),
                body_xxh3: e.body.as_ref().map(|b| b.xxh3.clone()),
            }
        }),
        timings_ms: TimingsJson {
            dns: ms(Phase::Dns),
            connect: ms(Phase::Connect),
            tls: ms(Phase::Tls),
            send: ms(Phase::Send),
            wait: ms(Phase::Wait),
            download: ms(Phase::Download),
            total: t.total().map(|s| round(s.millis())),
        },
        tcp_info: e.tcp.map(|tcp| TcpInfoJson {
            rtt_us: tcp.rtt_us,
            rtt_var_us: tcp.rtt_var_us,
            snd_mss: tcp.snd_mss,
            rcv_mss: tcp.rcv_mss,
            snd_cwnd: tcp.snd_cwnd,
            total_retrans: tcp.total_retrans,
            pmtu: tcp.pmtu,
        }),
        error: e.error.as_ref().map(ErrorJson::from),
    }
}
