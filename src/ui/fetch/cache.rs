//! Work derived from an exchange's bytes (line breaks, DNS field layouts, TLS record lists), done
//! once when the exchange changes rather than in every frame.

use std::collections::BTreeMap;

use crate::record::{Exchange, LoadId};
use crate::ui::widgets::byte_view::ByteLines;
use crate::wire::dns_fields::{DnsField, dns_fields};
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

/// Everything derived from one version of one exchange.
pub struct CacheEntry {
    version: (u64, u64, u64, bool),
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

fn version_of(exchange: &Exchange) -> (u64, u64, u64, bool) {
    (
        exchange.request.total(),
        exchange.response.total(),
        exchange.body.as_ref().map_or(0, |b| b.decoded.total()),
        exchange.is_finished(),
    )
}

impl CacheEntry {
    fn build(exchange: &Exchange) -> Self {
        let dns = exchange.dns.as_ref();
        Self {
            version: version_of(exchange),
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
