//! One HTTP exchange of a page load, as recorded: every byte sent and received, the DNS lookup,
//! the connection, TLS, the parsed response head, a bounded view of the body, and when each phase
//! began and ended.

use std::fmt;
use std::net::SocketAddr;

use super::bytes::CappedBytes;
use super::dns::DnsLookup;
use super::span::Span;

/// What this build says where the kernel's TCP statistics would be: Linux gives them (TCP_INFO);
/// elsewhere netlens says so instead of showing nothing.
pub const TCP_STATS_UNAVAILABLE: Option<&str> = if cfg!(target_os = "linux") {
    None
} else {
    Some(
        "This operating system does not give netlens the kernel's statistics for a TCP connection; on Linux (TCP_INFO) they show here.",
    )
};

/// Why this request was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeRole {
    /// The address the user asked for.
    Page,
    /// A hop the client followed because the previous response redirected it.
    Redirect,
    /// Something the HTML named: an image, a stylesheet or a script.
    Subresource(ResourceKind),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    Image,
    Stylesheet,
    Script,
}

impl ResourceKind {
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::Image => "image",
            ResourceKind::Stylesheet => "stylesheet",
            ResourceKind::Script => "script",
        }
    }
}

/// The phases of one exchange, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Dns,
    Connect,
    Tls,
    Send,
    Wait,
    Download,
}

impl Phase {
    pub const ALL: [Phase; 6] = [Phase::Dns, Phase::Connect, Phase::Tls, Phase::Send, Phase::Wait, Phase::Download];

    pub fn name(self) -> &'static str {
        match self {
            Phase::Dns => "DNS",
            Phase::Connect => "connect",
            Phase::Tls => "TLS",
            Phase::Send => "send",
            Phase::Wait => "wait",
            Phase::Download => "download",
        }
    }
}

/// When each phase of an exchange happened. A phase that did not happen (no TLS on http, no DNS
/// for an address, no connect on a reused connection) is `None`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timings {
    pub start_us: u64,
    pub dns: Option<Span>,
    pub connect: Option<Span>,
    pub tls: Option<Span>,
    pub send: Option<Span>,
    pub wait: Option<Span>,
    pub download: Option<Span>,
    /// When the exchange ended: the body's last byte, or the failure.
    pub end_us: Option<u64>,
}

impl Timings {
    pub fn phase(&self, phase: Phase) -> Option<Span> {
        match phase {
            Phase::Dns => self.dns,
            Phase::Connect => self.connect,
            Phase::Tls => self.tls,
            Phase::Send => self.send,
            Phase::Wait => self.wait,
            Phase::Download => self.download,
        }
    }

    pub fn total(&self) -> Option<Span> {
        self.end_us.map(|end_us| Span { start_us: self.start_us, end_us })
    }
}

/// One read of response bytes: where in the response it starts, how long it is, and when it
/// arrived. Shows a body arriving in pieces (chunks with pauses, a slow download).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    pub offset: u64,
    pub len: u64,
    pub t_us: u64,
}

/// At most this many arrivals are kept per response; later reads are merged into the last one.
pub const MAX_ARRIVALS: usize = 10_000;

/// The arrival time of the byte at `offset`, from arrivals sorted by offset.
pub fn arrival_of(arrivals: &[Arrival], offset: u64) -> Option<u64> {
    let i = arrivals.partition_point(|a| a.offset <= offset);
    arrivals.get(i.checked_sub(1)?).map(|a| a.t_us)
}

/// The TCP connection an exchange used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectInfo {
    /// Numbers connections in the order this page load opened them, from 1.
    pub connection: u32,
    pub remote: SocketAddr,
    pub local: SocketAddr,
    /// True when an earlier exchange opened this connection and it was kept alive for this one.
    pub reused: bool,
}

/// What TLS negotiated on an https connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsInfo {
    pub version: String,
    pub cipher_suite: String,
    pub alpn: Option<String>,
    pub certificate: Option<CertificateInfo>,
}

/// The server's own (leaf) certificate, as far as a student needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub names: Vec<String>,
}

/// The status line and headers of a response, exactly as they came, in wire order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    pub version: String,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    /// Bytes of the head, status line through the blank line.
    pub head_len: usize,
}

impl ResponseHead {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The body as the application got it (de-chunked, decompressed), kept to a preview, plus the
/// size and hash of all of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodySummary {
    pub decoded: CappedBytes,
    /// XXH3-128 of the whole decoded body, in hex: fast enough to hash at wire speed, so two
    /// downloads can be compared without keeping either.
    pub xxh3: String,
    pub complete: bool,
}

/// Counters the Linux kernel keeps for a TCP connection (`TCP_INFO`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TcpStats {
    pub rtt_us: u32,
    pub rtt_var_us: u32,
    pub snd_mss: u32,
    pub rcv_mss: u32,
    pub snd_cwnd: u32,
    pub total_retrans: u32,
    /// The path MTU the kernel believes in.
    pub pmtu: u32,
}

/// What kind of thing went wrong; stable names for the CLI's JSON and exit messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Url,
    Dns,
    Connect,
    Tls,
    Timeout,
    Http,
    Io,
    TooManyRedirects,
    Cancelled,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Url => "url",
            ErrorKind::Dns => "dns",
            ErrorKind::Connect => "connect",
            ErrorKind::Tls => "tls",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Http => "http",
            ErrorKind::Io => "io",
            ErrorKind::TooManyRedirects => "redirects",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

/// A failure with the phase it happened in and a message meant for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchError {
    pub kind: ErrorKind,
    pub phase: Option<Phase>,
    pub message: String,
}

impl FetchError {
    pub fn new(kind: ErrorKind, phase: Option<Phase>, message: impl Into<String>) -> Self {
        Self { kind, phase, message: message.into() }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FetchError {}

/// Where an exchange is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeState {
    Running(Phase),
    Done,
    Failed,
    Cancelled,
}

/// One request and its response, with everything recorded about them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exchange {
    /// Position in the page load, from 0 (the page itself).
    pub index: usize,
    pub url: String,
    pub method: String,
    /// The page whose HTML or redirect caused this request; `None` for the page itself.
    pub initiator: Option<String>,
    pub role: ExchangeRole,
    pub state: ExchangeState,
    pub dns: Option<DnsLookup>,
    pub connect: Option<ConnectInfo>,
    pub tls: Option<TlsInfo>,
    /// The HTTP request bytes, as written (inside TLS for https).
    pub request: CappedBytes,
    /// The HTTP response bytes, as received: head, then the body still chunked or compressed.
    pub response: CappedBytes,
    /// When each piece of `response` arrived.
    pub response_arrivals: Vec<Arrival>,
    /// For https only: the TLS records that crossed the TCP connection, each way.
    pub tls_sent: Option<CappedBytes>,
    pub tls_received: Option<CappedBytes>,
    pub head: Option<ResponseHead>,
    pub body: Option<BodySummary>,
    pub timings: Timings,
    pub tcp: Option<TcpStats>,
    pub error: Option<FetchError>,
}

impl Exchange {
    pub fn new(index: usize, url: String, initiator: Option<String>, role: ExchangeRole, start_us: u64) -> Self {
        Self {
            index,
            url,
            method: "GET".to_string(),
            initiator,
            role,
            state: ExchangeState::Running(Phase::Dns),
            dns: None,
            connect: None,
            tls: None,
            request: CappedBytes::default(),
            response: CappedBytes::default(),
            response_arrivals: Vec::new(),
            tls_sent: None,
            tls_received: None,
            head: None,
            body: None,
            timings: Timings { start_us, ..Timings::default() },
            tcp: None,
            error: None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        self.head.as_ref().map(|h| h.status)
    }

    pub fn is_finished(&self) -> bool {
        !matches!(self.state, ExchangeState::Running(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrival_of_finds_the_read_that_carried_a_byte() {
        let arrivals = [Arrival { offset: 0, len: 10, t_us: 100 }, Arrival { offset: 10, len: 5, t_us: 250 }];
        assert_eq!(arrival_of(&arrivals, 0), Some(100));
        assert_eq!(arrival_of(&arrivals, 9), Some(100));
        assert_eq!(arrival_of(&arrivals, 10), Some(250));
        assert_eq!(arrival_of(&arrivals, 99), Some(250));
        assert_eq!(arrival_of(&[], 0), None);
    }
}
