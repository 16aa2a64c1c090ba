//! Work derived from an exchange's bytes (line breaks, DNS field layouts, TLS record lists), done
//! once when the exchange changes rather than in every frame.

use std::collections::BTreeMap;

use crate::model::steps::{Step, steps};
use crate::record::{Exchange, ExchangeState, LoadId};
use crate::ui::widgets::byte_view::ByteLines;
use crate::wire::dns_fields::{DnsField, dns_fields};
use crate::wire::http_head::{MessageHead, parse_head};
use crate::wire::tls_records::{TlsRecord, split_records};

/// A DNS message laid out, or what was readable of it and why the rest was not.
pub struct DnsLayout {
    pub fields: Vec<DnsField>,
    pub problem: Option<String>,
}

impl DnsLayout {
    fn of(bytes: &[u8]) -> Self {
        match dns_fields(bytes) {
            Ok(fields) => Self { fields, problem: None },
            Err((fields, problem)) => Self { fields, problem: Some(problem) },
        }
    }
}

/// What identifies a version of an exchange: any change of bytes, state or outcome.
type Version = (u64, u64, u64, ExchangeState, bool);

/// How to show a body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    Text,
    Image(&'static str),
    Binary,
}

/// Decides from the Content-Type, and from the bytes when the type says nothing useful.
pub fn body_kind(content_type: Option<&str>, bytes: &[u8]) -> BodyKind {
    let mime =
        content_type.map(|ct| ct.split(';').next().unwrap_or(ct).trim().to_ascii_lowercase()).unwrap_or_default();
    match mime.as_str() {
        "image/png" => return BodyKind::Image("png"),
        "image/jpeg" => return BodyKind::Image("jpg"),
        "image/gif" => return BodyKind::Image("gif"),
        m if m.starts_with("text/") || m.ends_with("json") || m.ends_with("javascript") || m.ends_with("xml") => {
            return BodyKind::Text;
        }
        _ => {}
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let text_like =
        std::str::from_utf8(sample).is_ok() || sample.utf8_chunks().map(|c| c.invalid().len()).sum::<usize>() < 4;
    if !sample.is_empty() && text_like && !sample.contains(&0) { BodyKind::Text } else { BodyKind::Binary }
}

/// Everything derived from one version of one exchange.
pub struct CacheEntry {
    version: Version,
    pub steps: Vec<Step>,
    pub request_head: Option<MessageHead>,
    pub body_kind: BodyKind,
    pub request_lines: ByteLines,
    pub response_lines: ByteLines,
    pub body_lines: ByteLines,
    /// The body bytes shared with egui's image loader without copying them every frame.
    pub body_bytes: egui::load::Bytes,
    pub dns_query: Option<DnsLayout>,
    pub dns_answer: Option<DnsLayout>,
    pub tls_sent: Vec<TlsRecord>,
    pub tls_received: Vec<TlsRecord>,
}

fn version_of(exchange: &Exchange) -> Version {
    (
        exchange.request.total(),
        exchange.response.total(),
        exchange.body.as_ref().map_or(0, |b| b.decoded.total()),
        exchange.state,
        exchange.error.is_some(),
    )
}

impl CacheEntry {
    fn build(exchange: &Exchange) -> Self {
        let dns = exchange.dns.as_ref();
        let body = exchange.body.as_ref().map_or(&[][..], |b| b.decoded.kept());
        let content_type = exchange.head.as_ref().and_then(|h| h.header("Content-Type"));
        Self {
            version: version_of(exchange),
            steps: steps(exchange),
            request_head: parse_head(exchange.request.kept()),
            body_kind: body_kind(content_type, body),
            request_lines: ByteLines::new(exchange.request.kept()),
            response_lines: ByteLines::new(exchange.response.kept()),
            body_lines: ByteLines::new(exchange.body.as_ref().map_or(&[][..], |b| b.decoded.kept())),
            body_bytes: egui::load::Bytes::Shared(exchange.body.as_ref().map_or(&[][..], |b| b.decoded.kept()).into()),
            dns_query: dns.and_then(|d| d.query.as_deref()).map(DnsLayout::of),
            dns_answer: dns.and_then(|d| d.answer.as_deref()).map(DnsLayout::of),
            tls_sent: exchange.tls_sent.as_ref().map(|b| split_records(b.kept()).0).unwrap_or_default(),
            tls_received: exchange.tls_received.as_ref().map(|b| split_records(b.kept()).0).unwrap_or_default(),
        }
    }
}

/// The derived work for the exchanges of the load on screen.
#[derive(Default)]
pub struct ViewCache {
    load: LoadId,
    entries: BTreeMap<usize, CacheEntry>,
}

impl ViewCache {
    /// The entry for this exchange, rebuilt if the exchange changed since it was made.
    pub fn entry(&mut self, load: LoadId, exchange: &Exchange) -> &CacheEntry {
        if self.load != load {
            self.load = load;
            self.entries.clear();
        }
        let version = version_of(exchange);
        let entry = self.entries.entry(exchange.index).or_insert_with(|| CacheEntry::build(exchange));
        if entry.version != version {
            *entry = CacheEntry::build(exchange);
        }
        entry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_type_then_the_bytes() {
        assert_eq!(body_kind(Some("text/html; charset=utf-8"), b""), BodyKind::Text);
        assert_eq!(body_kind(Some("image/png"), b"\x89PNG"), BodyKind::Image("png"));
        assert_eq!(body_kind(Some("application/octet-stream"), b"plain words"), BodyKind::Text);
        assert_eq!(body_kind(None, b"\x00\x01\x02binary"), BodyKind::Binary);
    }
}
