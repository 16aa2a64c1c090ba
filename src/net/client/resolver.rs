//! Our ureq resolver. Names in `demo.test` are asked of the built-in responder over UDP; other
//! names go to the system resolver, or over UDP to the system's nameserver when the user wants to
//! see the bytes. Every lookup is timed and recorded; a name looked up earlier in the same page
//! load is answered from a cache (ureq asks the resolver again even for a pooled connection).

use std::fmt;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use hickory_proto::rr::RecordType;
use ureq::Error;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use super::dns_wire::{self, WireError, WireExchange};
use super::recorder::LoadRecorder;
use crate::record::request::is_demo_name;
use crate::record::{DnsLookup, DnsMode, DnsSource, Phase, Span};

/// The longest any one lookup may take, whatever the request's remaining budget.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(5);

pub struct RecordingResolver {
    pub recorder: Arc<LoadRecorder>,
    pub mode: DnsMode,
    pub demo_dns: SocketAddr,
    /// For [`DnsMode::Wire`]: the nameserver to ask instead of the system's.
    pub nameserver: Option<SocketAddr>,
    /// Test mode: only `demo.test` names and loopback addresses (see `FetchOptions`).
    pub loopback_only: bool,
}

impl fmt::Debug for RecordingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordingResolver").field("mode", &self.mode).field("demo_dns", &self.demo_dns).finish()
    }
}

impl Resolver for RecordingResolver {
    fn resolve(&self, uri: &Uri, _config: &Config, timeout: NextTimeout) -> Result<ResolvedSocketAddrs, Error> {
        let host = uri.host().ok_or(Error::HostNotFound)?.trim_start_matches('[').trim_end_matches(']');
        let default_port = if uri.scheme_str() == Some("https") { 443 } else { 80 };
        let port = uri.port_u16().unwrap_or(default_port);
        let mut out = self.empty();

        // An address in the URL needs no lookup at all.
        if let Ok(ip) = host.parse::<IpAddr>() {
            if self.loopback_only && !ip.is_loopback() {
                return Err(self.refuse(format!("{ip} is not a loopback address")));
            }
            out.push(SocketAddr::new(ip, port));
            return Ok(out);
        }
        if self.loopback_only && !is_demo_name(host) {
            return Err(self.refuse(format!("{host} is not a demo.test name")));
        }
        self.recorder.set_phase(Phase::Dns);
        let lookup = match self.recorder.cached_dns(host) {
            Some(earlier) => {
                let now = self.recorder.now_us();
                DnsLookup {
                    cached: true,
                    query: None,
                    answer: None,
                    span: Span { start_us: now, end_us: now },
                    ..earlier
                }
            }
            None => {
                let budget = timeout.not_zero().map_or(LOOKUP_TIMEOUT, |t| (*t).min(LOOKUP_TIMEOUT));
                let lookup = self.look_up(host, budget).map_err(|(message, error)| {
                    self.recorder.note_failure(Phase::Dns, message);
                    error
                })?;
                if lookup.addresses.is_empty() {
                    let message =
                        format!("{host} has no address records (the nameserver answered {})", code_of(&lookup));
                    self.recorder.record_dns(lookup);
                    self.recorder.note_failure(Phase::Dns, message);
                    return Err(Error::HostNotFound);
                }
                lookup
            }
        };
        for ip in lookup.addresses.iter().take(16).filter(|ip| !self.loopback_only || ip.is_loopback()) {
            out.push(SocketAddr::new(*ip, port));
        }
        self.recorder.record_dns(lookup);
        Ok(out)
    }
}

fn code_of(lookup: &DnsLookup) -> &str {
    lookup.response_code.as_deref().unwrap_or("nothing")
}

type LookupFailure = (String, Error);

impl RecordingResolver {
    /// Test mode turned a name or address away: say so as a DNS failure.
    fn refuse(&self, what: String) -> Error {
        self.recorder.set_phase(Phase::Dns);
        let message = format!("{what}; this window reaches only demo.test names and loopback addresses (test mode)");
        self.recorder.note_failure(Phase::Dns, message);
        Error::HostNotFound
    }

    fn look_up(&self, host: &str, budget: Duration) -> Result<DnsLookup, LookupFailure> {
        if is_demo_name(host) {
            return self.over_wire(host, self.demo_dns, DnsSource::Demo, budget);
        }
        match self.mode {
            DnsMode::System => self.system(host, budget),
            DnsMode::Wire => {
                let server = match self.nameserver {
                    Some(server) => server,
                    None => dns_wire::system_nameserver().map_err(|m| (m, Error::HostNotFound))?,
                };
                self.over_wire(host, server, DnsSource::Wire, budget)
            }
        }
    }

    /// Sends an A query (and an AAAA query if A finds nothing) and records the last exchange.
    fn over_wire(
        &self,
        host: &str,
        server: SocketAddr,
        source: DnsSource,
        budget: Duration,
    ) -> Result<DnsLookup, LookupFailure> {
        let start_us = self.recorder.now_us();
        let recorder = self.recorder.clone();
        let cancelled = move || recorder.is_cancelled();
        let ask = |rtype| {
            dns_wire::query(server, host, rtype, budget, &cancelled)
                .map_err(|e| self.wire_failure(host, server, source, e))
        };
        let mut record_type = "A";
        let mut exchange: WireExchange = ask(RecordType::A)?;
        if exchange.addresses.is_empty() && !dns_wire::is_nxdomain(&exchange) {
            record_type = "AAAA";
            exchange = ask(RecordType::AAAA)?;
        }
        let lookup = DnsLookup {
            name: host.to_string(),
            record_type: record_type.to_string(),
            addresses: exchange.addresses.clone(),
            source,
            server: Some(server),
            cached: false,
            query: Some(exchange.query.clone()),
            answer: Some(exchange.answer.clone()),
            response_code: Some(exchange.response_code.clone()),
            span: Span { start_us, end_us: self.recorder.now_us() },
        };
        if dns_wire::is_nxdomain(&exchange) {
            let who = if source == DnsSource::Demo { "the demo DNS responder" } else { "the nameserver" };
            let message = format!("{host} does not exist: {who} at {server} answered NXDOMAIN");
            self.recorder.record_dns(lookup);
            return Err((message, Error::HostNotFound));
        }
        Ok(lookup)
    }

    fn wire_failure(&self, host: &str, server: SocketAddr, source: DnsSource, e: WireError) -> LookupFailure {
        let hint = if source == DnsSource::Demo {
            " (is the demo running? start it with `netlens serve`, or pass --dns-server)"
        } else {
            ""
        };
        match e {
            WireError::BadName(m) => (m, Error::HostNotFound),
            WireError::Timeout => (
                format!("no DNS answer from {server} for {host} within the timeout{hint}"),
                Error::Timeout(ureq::Timeout::Resolve),
            ),
            WireError::Cancelled => ("stopped".into(), Error::HostNotFound),
            WireError::Refused => (format!("no DNS server answers at {server}{hint}"), Error::HostNotFound),
            WireError::BadAnswer(m) => (format!("the DNS answer from {server} is malformed: {m}"), Error::HostNotFound),
            WireError::Io(e) => (format!("DNS query to {server} failed: {e}"), Error::HostNotFound),
        }
    }

    /// Asks the operating system, on a helper thread so the budget can be enforced.
    fn system(&self, host: &str, budget: Duration) -> Result<DnsLookup, LookupFailure> {
        let start_us = self.recorder.now_us();
        let (tx, rx) = mpsc::sync_channel(1);
        let target = (host.to_string(), 0u16);
        std::thread::Builder::new()
            .name("netlens-getaddrinfo".into())
            .spawn(move || {
                // The receiver may have given up waiting; then there is nobody left to tell.
                let _ = tx.send(target.to_socket_addrs().map(|it| it.map(|a| a.ip()).collect::<Vec<_>>()));
            })
            .map_err(|e| (format!("could not start a lookup: {e}"), Error::HostNotFound))?;
        let addresses = match rx.recv_timeout(budget) {
            Ok(Ok(mut addresses)) => {
                addresses.dedup();
                addresses
            }
            Ok(Err(e)) => {
                return Err((format!("the system resolver found no address for {host}: {e}"), Error::HostNotFound));
            }
            Err(_) => {
                return Err((
                    format!("the system resolver did not answer for {host} in time"),
                    Error::Timeout(ureq::Timeout::Resolve),
                ));
            }
        };
        Ok(DnsLookup {
            name: host.to_string(),
            record_type: String::new(),
            addresses,
            source: DnsSource::System,
            server: None,
            cached: false,
            query: None,
            answer: None,
            response_code: None,
            span: Span { start_us, end_us: self.recorder.now_us() },
        })
    }
}
