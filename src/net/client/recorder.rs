//! The shared notebook of one page load. ureq calls our resolver, connectors and transports from
//! deep inside a request; they write what they see here, attributed to the exchange in progress,
//! and the page loader reads it back when the request is over.
//!
//! Exchanges of a page load run one after another (never two at once), so "the exchange in
//! progress" is well defined, and with HTTP/1.1 without pipelining every byte a connection carries
//! between one request and the next belongs to the earlier one.

use std::collections::BTreeMap;
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::record::exchange::MAX_ARRIVALS;
use crate::record::{Arrival, CappedBytes, ConnectInfo, DnsLookup, Phase, Span, TcpStats, TlsInfo};

use super::tcp_info;

/// Which layer of a connection a transport records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layer {
    /// HTTP messages: the bytes of requests and responses (decrypted, for https).
    Http,
    /// TLS records as they cross TCP, under an https connection's HTTP layer.
    TlsRecords,
}

/// What was seen of one exchange.
#[derive(Debug)]
pub struct ExchangeLog {
    pub start_us: u64,
    pub phase: Phase,
    pub dns: Option<DnsLookup>,
    pub connection: Option<u32>,
    pub connect: Option<Span>,
    pub tls: Option<Span>,
    pub request: CappedBytes,
    pub response: CappedBytes,
    pub response_arrivals: Vec<Arrival>,
    pub tls_sent: Option<CappedBytes>,
    pub tls_received: Option<CappedBytes>,
    pub first_send_us: Option<u64>,
    pub last_send_us: Option<u64>,
    pub first_receive_us: Option<u64>,
    /// A failure a resolver or connector explained better than ureq's error can.
    pub failure: Option<(Phase, String)>,
}

/// One TCP connection the page load opened.
#[derive(Debug)]
struct ConnectionLog {
    remote: SocketAddr,
    local: SocketAddr,
    opened_by: usize,
    tls: Option<TlsInfo>,
    /// A second handle on the socket: for TCP_INFO, and to shut it down when the user stops.
    stream: Arc<TcpStream>,
}

#[derive(Debug)]
struct State {
    current: usize,
    exchanges: Vec<ExchangeLog>,
    connections: Vec<ConnectionLog>,
    dns_cache: BTreeMap<String, DnsLookup>,
}

/// See the module documentation.
#[derive(Debug)]
pub struct LoadRecorder {
    epoch: Instant,
    preview_bytes: usize,
    cancelled: AtomicBool,
    state: Mutex<State>,
}

impl LoadRecorder {
    pub fn new(preview_bytes: usize) -> Self {
        Self {
            epoch: Instant::now(),
            preview_bytes,
            cancelled: AtomicBool::new(false),
            state: Mutex::new(State {
                current: 0,
                exchanges: Vec::new(),
                connections: Vec::new(),
                dns_cache: BTreeMap::new(),
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the notebook inconsistent in a way that
        // matters more than losing the page load, so keep going with what is there.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Microseconds since the page load began.
    pub fn now_us(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Stops the page load: later checks see the flag, and every open socket is shut down so a
    /// blocked read returns at once.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
        for connection in &self.state().connections {
            // The socket may already be closed; either way it is closed now.
            let _ = connection.stream.shutdown(std::net::Shutdown::Both);
        }
    }

    /// Starts a new exchange; everything recorded from now on belongs to it.
    pub fn begin_exchange(&self) -> usize {
        let start_us = self.now_us();
        let mut state = self.state();
        state.exchanges.push(ExchangeLog {
            start_us,
            phase: Phase::Dns,
            dns: None,
            connection: None,
            connect: None,
            tls: None,
            request: CappedBytes::with_cap(self.preview_bytes),
            response: CappedBytes::with_cap(self.preview_bytes),
            response_arrivals: Vec::new(),
            tls_sent: None,
            tls_received: None,
            first_send_us: None,
            last_send_us: None,
            first_receive_us: None,
            failure: None,
        });
        state.current = state.exchanges.len() - 1;
        state.current
    }

    /// Runs `f` on the log of exchange `index`.
    pub fn with_exchange<R>(&self, index: usize, f: impl FnOnce(&mut ExchangeLog) -> R) -> Option<R> {
        self.state().exchanges.get_mut(index).map(f)
    }

    fn with_current<R>(&self, f: impl FnOnce(&mut ExchangeLog) -> R) -> Option<R> {
        let mut state = self.state();
        let current = state.current;
        state.exchanges.get_mut(current).map(f)
    }

    pub fn set_phase(&self, phase: Phase) {
        self.with_current(|log| log.phase = phase);
    }

    pub fn note_failure(&self, phase: Phase, message: String) {
        self.with_current(|log| log.failure = Some((phase, message)));
    }

    pub fn record_dns(&self, lookup: DnsLookup) {
        let mut state = self.state();
        if !lookup.cached {
            state.dns_cache.insert(lookup.name.to_ascii_lowercase(), lookup.clone());
        }
        let current = state.current;
        if let Some(log) = state.exchanges.get_mut(current) {
            log.dns = Some(lookup);
        }
    }

    /// An earlier lookup of this name in the same page load.
    pub fn cached_dns(&self, name: &str) -> Option<DnsLookup> {
        self.state().dns_cache.get(&name.to_ascii_lowercase()).cloned()
    }

    /// Records a new TCP connection, opened for the current exchange; returns its number.
    pub fn open_connection(&self, stream: Arc<TcpStream>, remote: SocketAddr, local: SocketAddr, span: Span) -> u32 {
        let mut state = self.state();
        let current = state.current;
        state.connections.push(ConnectionLog { remote, local, opened_by: current, tls: None, stream });
        let id = state.connections.len() as u32;
        if let Some(log) = state.exchanges.get_mut(current) {
            log.connection = Some(id);
            log.connect = Some(span);
        }
        id
    }

    /// The TLS handshake on `connection` finished, during the current exchange.
    pub fn record_tls(&self, connection: u32, span: Span, info: TlsInfo) {
        let mut state = self.state();
        if let Some(c) = state.connections.get_mut(connection as usize - 1) {
            c.tls = Some(info);
        }
        let current = state.current;
        if let Some(log) = state.exchanges.get_mut(current) {
            log.tls = Some(span);
        }
    }

    /// Bytes written on connection `connection` at `layer`.
    pub fn record_sent(&self, connection: u32, layer: Layer, bytes: &[u8]) {
        let now = self.now_us();
        let cap = self.preview_bytes;
        self.with_current(|log| {
            log.connection.get_or_insert(connection);
            match layer {
                Layer::Http => {
                    log.request.push(bytes);
                    log.first_send_us.get_or_insert(now);
                    log.last_send_us = Some(now);
                    log.phase = Phase::Send;
                }
                Layer::TlsRecords => log.tls_sent.get_or_insert_with(|| CappedBytes::with_cap(cap)).push(bytes),
            }
        });
    }

    /// Bytes read on connection `connection` at `layer`.
    pub fn record_received(&self, connection: u32, layer: Layer, bytes: &[u8]) {
        let now = self.now_us();
        let cap = self.preview_bytes;
        self.with_current(|log| {
            log.connection.get_or_insert(connection);
            match layer {
                Layer::Http => {
                    let arrival = Arrival { offset: log.response.total(), len: bytes.len() as u64, t_us: now };
                    let full = log.response_arrivals.len() >= MAX_ARRIVALS;
                    match log.response_arrivals.last_mut() {
                        Some(last) if full => last.len += arrival.len,
                        _ => log.response_arrivals.push(arrival),
                    }
                    log.response.push(bytes);
                    if log.first_receive_us.is_none() {
                        log.first_receive_us = Some(now);
                        log.phase = Phase::Download;
                    }
                }
                Layer::TlsRecords => log.tls_received.get_or_insert_with(|| CappedBytes::with_cap(cap)).push(bytes),
            }
        });
    }

    /// A transport is waiting for the server: after the request went out, that is the wait phase.
    pub fn note_awaiting(&self) {
        self.with_current(|log| {
            if log.phase == Phase::Send {
                log.phase = Phase::Wait;
            }
        });
    }

    /// The connection exchange `index` used: its addresses, whether an earlier exchange opened
    /// it, and what TLS negotiated on it.
    pub fn connection_of(&self, index: usize) -> Option<(ConnectInfo, Option<TlsInfo>)> {
        let state = self.state();
        let id = state.exchanges.get(index)?.connection?;
        let c = state.connections.get(id as usize - 1)?;
        let info = ConnectInfo { connection: id, remote: c.remote, local: c.local, reused: c.opened_by != index };
        Some((info, c.tls.clone()))
    }

    /// The kernel's counters for the connection exchange `index` used, where the OS has them.
    pub fn tcp_stats_of(&self, index: usize) -> Option<TcpStats> {
        let state = self.state();
        let id = state.exchanges.get(index)?.connection?;
        let connection = state.connections.get(id as usize - 1)?;
        tcp_info::tcp_stats(&connection.stream)
    }
}
