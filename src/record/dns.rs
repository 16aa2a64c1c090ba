//! A name lookup as recorded: which name, what came back, who answered, and when the lookup went
//! over the wire, the exact query and answer bytes.

use std::net::{IpAddr, SocketAddr};

use super::span::Span;

/// Who answered a lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DnsSource {
    /// netlens's built-in responder, for names in the `demo.test` zone (a real UDP exchange).
    Demo,
    /// The operating system's resolver (`getaddrinfo`): timed, but its packets are not visible.
    System,
    /// A query netlens sent itself over UDP to the system's configured nameserver.
    Wire,
}

impl DnsSource {
    pub fn as_str(self) -> &'static str {
        match self {
            DnsSource::Demo => "demo",
            DnsSource::System => "system",
            DnsSource::Wire => "wire",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DnsLookup {
    pub name: String,
    /// The record type asked for ("A" or "AAAA"); empty for the system resolver, which asks for
    /// both without saying.
    pub record_type: String,
    pub addresses: Vec<IpAddr>,
    pub source: DnsSource,
    /// The nameserver asked, when netlens asked one itself.
    pub server: Option<SocketAddr>,
    /// True when the answer came from this page load's cache: an earlier request asked already.
    pub cached: bool,
    /// The query message as sent, when the lookup went over the wire.
    pub query: Option<Vec<u8>>,
    /// The answer message as received, when the lookup went over the wire.
    pub answer: Option<Vec<u8>>,
    /// The answer's response code (NOERROR, NXDOMAIN, …), when there was an answer message.
    pub response_code: Option<String>,
    pub span: Span,
}
