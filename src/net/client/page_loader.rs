//! Loads a page the way a browser does, one request at a time: the page, any redirects, then the
//! images, stylesheets and scripts its HTML names. Each request is an [`Exchange`] assembled from
//! what our resolver, connectors and transports recorded while ureq ran it.
//!
//! Blocking by design (ureq is a blocking client): the CLI calls it directly, the worker calls it
//! on a blocking thread. A [`StopHandle`] stops it from another thread.

use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ureq::Agent;
use ureq::unversioned::transport::Connector;
use url::Url;
use xxhash_rust::xxh3::Xxh3;

use super::errors::classify;
use super::recorder::LoadRecorder;
use super::resolver::RecordingResolver;
use super::tls::{RecordingTlsConnector, client_config};
use super::transport::RecordingTcpConnector;
use crate::record::{
    BodySummary, CappedBytes, ErrorKind, Exchange, ExchangeRole, ExchangeState, FetchError, FetchEvent, FetchOptions,
    FetchRequest, Phase, Span,
};
use crate::wire::http_head::parse_response_head;
use crate::wire::subresources::find_subresources;

/// How often a download reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);
/// Read size for bodies: large enough that a 100 MiB download is a few hundred reads.
const READ_CHUNK: usize = 64 * 1024;
/// ureq's receive buffer per connection: larger than its default so big downloads take fewer
/// system calls.
const INPUT_BUFFER: usize = 128 * 1024;

/// Everything a page load produced.
#[derive(Debug)]
pub struct PageResult {
    /// The page first, then redirects and sub-resources in the order they were fetched.
    pub exchanges: Vec<Exchange>,
    /// Why the load stopped early or failed; `None` when it ran to the end.
    pub error: Option<FetchError>,
}

impl PageResult {
    /// Did any HTTP response arrive? (The CLI exits 0 exactly then.)
    pub fn got_response(&self) -> bool {
        self.exchanges.iter().any(|e| e.head.is_some())
    }
}

/// Stops a page load from another thread.
#[derive(Clone, Debug)]
pub struct StopHandle(Arc<LoadRecorder>);

impl StopHandle {
    pub fn stop(&self) {
        self.0.cancel();
    }
}

/// One page load's client: its agent (and so its connection pool), recorder and options.
pub struct PageLoader {
    recorder: Arc<LoadRecorder>,
    agent: Agent,
    options: FetchOptions,
}

impl PageLoader {
    pub fn new(options: &FetchOptions) -> Result<Self, FetchError> {
        let recorder = Arc::new(LoadRecorder::new(options.preview_bytes));
        let tls_config = client_config(&options.extra_roots).map_err(|m| FetchError::new(ErrorKind::Tls, None, m))?;
        let config = agent_config(options);
        let connector = RecordingTcpConnector { recorder: recorder.clone() }
            .chain(RecordingTlsConnector { recorder: recorder.clone(), config: tls_config });
        let resolver = RecordingResolver {
            recorder: recorder.clone(),
            mode: options.dns_mode,
            demo_dns: options.demo_dns,
            nameserver: options.nameserver,
            loopback_only: options.loopback_only,
        };
        Ok(Self { recorder, agent: Agent::with_parts(config, connector, resolver), options: options.clone() })
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.recorder.clone())
    }

    /// Loads the page and, unless turned off, its sub-resources, reporting each step.
    pub fn run(&self, request: &FetchRequest, on_event: &mut dyn FnMut(FetchEvent)) -> PageResult {
        self.run_with(request, &mut Events(Some(on_event)))
    }

    /// Loads the page without reporting progress: no snapshots are copied along the way, which
    /// matters for big bodies when nobody is watching (the CLI).
    pub fn run_silently(&self, request: &FetchRequest) -> PageResult {
        self.run_with(request, &mut Events(None))
    }

    fn run_with(&self, request: &FetchRequest, events: &mut Events<'_>) -> PageResult {
        let mut exchanges = Vec::new();
        let error = self.load(request, &mut exchanges, events);
        events.send(|| FetchEvent::Finished { error: error.clone() });
        PageResult { exchanges, error }
    }

    fn load(
        &self,
        request: &FetchRequest,
        exchanges: &mut Vec<Exchange>,
        events: &mut Events<'_>,
    ) -> Option<FetchError> {
        let mut url = request.url().clone();
        let mut initiator = None;
        let mut role = ExchangeRole::Page;
        let page = loop {
            exchanges.push(self.run_exchange(&url, initiator.take(), role, events));
            let last = exchanges.len() - 1;
            let exchange = &exchanges[last];
            if let Some(error) = &exchange.error {
                return Some(error.clone());
            }
            let location =
                exchange.head.as_ref().filter(|h| (300..400).contains(&h.status)).and_then(|h| h.header("Location"));
            let (Some(location), true) = (location, self.options.max_redirects > 0) else { break last };
            let hops = exchanges.len() - 1;
            if hops >= self.options.max_redirects as usize {
                let message =
                    format!("stopped after {hops} redirect(s), the limit; the last one pointed to {location}");
                return Some(FetchError::new(ErrorKind::TooManyRedirects, None, message));
            }
            match url.join(location) {
                Ok(next) if matches!(next.scheme(), "http" | "https") => {
                    initiator = Some(url.to_string());
                    url = next;
                    role = ExchangeRole::Redirect;
                }
                _ => {
                    let message = format!("the server redirected to '{location}', which is not an http(s) address");
                    return Some(FetchError::new(ErrorKind::Http, None, message));
                }
            }
        };

        let page = &exchanges[page];
        if self.options.subresources && is_html(page) {
            let html =
                page.body.as_ref().map(|b| String::from_utf8_lossy(b.decoded.kept()).into_owned()).unwrap_or_default();
            for (sub_url, kind) in find_subresources(&html, &url) {
                if self.recorder.is_cancelled() {
                    break;
                }
                let exchange =
                    self.run_exchange(&sub_url, Some(url.to_string()), ExchangeRole::Subresource(kind), events);
                exchanges.push(exchange);
            }
        }
        self.recorder.is_cancelled().then(|| FetchError::new(ErrorKind::Cancelled, None, "stopped"))
    }

    /// Runs one request to the end of its body, and returns what was recorded.
    fn run_exchange(
        &self,
        url: &Url,
        initiator: Option<String>,
        role: ExchangeRole,
        events: &mut Events<'_>,
    ) -> Exchange {
        let index = self.recorder.begin_exchange();
        let start_us = self.recorder.with_exchange(index, |log| log.start_us).unwrap_or_default();
        let mut exchange = Exchange::new(index, url.to_string(), initiator, role, start_us);
        events.send(|| FetchEvent::Exchange(Arc::new(exchange.clone())));

        if self.recorder.is_cancelled() {
            return self.finish(exchange, Some(FetchError::new(ErrorKind::Cancelled, None, "stopped")), events);
        }
        match self.agent.get(url.as_str()).call() {
            Ok(response) => {
                if events.wanted() {
                    // A snapshot for the watcher: everything so far, bytes included.
                    self.fill_from_log(&mut exchange, None, Bytes::Copy);
                }
                exchange.head = self.response_head(index).or_else(|| Some(head_from_ureq(&response)));
                exchange.state = ExchangeState::Running(Phase::Download);
                events.send(|| FetchEvent::Exchange(Arc::new(exchange.clone())));
                let (body, error) = self.read_body(index, response.into_body(), events);
                exchange.body = Some(body);
                self.finish(exchange, error, events)
            }
            Err(e) => {
                let phase = self.recorder.with_exchange(index, |log| log.phase).unwrap_or(Phase::Dns);
                let failure = self.recorder.with_exchange(index, |log| log.failure.clone()).flatten();
                let error = classify(e, phase, failure, self.recorder.is_cancelled(), &self.options);
                self.finish(exchange, Some(error), events)
            }
        }
    }

    /// The response head as the transports recorded it, in wire order.
    fn response_head(&self, index: usize) -> Option<crate::record::ResponseHead> {
        self.recorder.with_exchange(index, |log| parse_response_head(log.response.kept()).ok()).flatten()
    }

    fn finish(&self, mut exchange: Exchange, error: Option<FetchError>, events: &mut Events<'_>) -> Exchange {
        let end_us = self.recorder.now_us();
        // The exchange is over: its recorded bytes move out of the notebook rather than copy.
        self.fill_from_log(&mut exchange, Some(end_us), Bytes::Move);
        exchange.tcp = self.recorder.tcp_stats_of(exchange.index);
        exchange.state = match &error {
            None => ExchangeState::Done,
            Some(e) if e.kind == ErrorKind::Cancelled => ExchangeState::Cancelled,
            Some(_) => ExchangeState::Failed,
        };
        exchange.error = error;
        events.send(|| FetchEvent::Exchange(Arc::new(exchange.clone())));
        exchange
    }

    /// Brings what the resolver, connectors and transports recorded into the exchange.
    fn fill_from_log(&self, exchange: &mut Exchange, end_us: Option<u64>, bytes: Bytes) {
        let index = exchange.index;
        if let Some((connect, tls)) = self.recorder.connection_of(index) {
            exchange.connect = Some(connect);
            exchange.tls = tls;
        }
        self.recorder.with_exchange(index, |log| {
            exchange.dns = log.dns.clone();
            match bytes {
                Bytes::Copy => {
                    exchange.request = log.request.clone();
                    exchange.response = log.response.clone();
                    exchange.response_arrivals = log.response_arrivals.clone();
                    exchange.tls_sent = log.tls_sent.clone();
                    exchange.tls_received = log.tls_received.clone();
                }
                Bytes::Move => {
                    exchange.request = std::mem::take(&mut log.request);
                    exchange.response = std::mem::take(&mut log.response);
                    exchange.response_arrivals = std::mem::take(&mut log.response_arrivals);
                    exchange.tls_sent = log.tls_sent.take();
                    exchange.tls_received = log.tls_received.take();
                }
            }
            if let Ok(head) = parse_response_head(exchange.response.kept()) {
                exchange.head = Some(head);
            }
            let t = &mut exchange.timings;
            t.dns = log.dns.as_ref().filter(|d| !d.cached).map(|d| d.span);
            t.connect = log.connect;
            t.tls = log.tls;
            t.send = log.first_send_us.zip(log.last_send_us).map(|(start_us, end_us)| Span { start_us, end_us });
            t.wait = log.last_send_us.zip(log.first_receive_us).map(|(start_us, end_us)| Span { start_us, end_us });
            t.download = log.first_receive_us.zip(end_us).map(|(start_us, end_us)| Span { start_us, end_us });
            if end_us.is_some() {
                t.end_us = end_us;
            }
        });
    }

    /// Reads the whole body, keeping a preview and hashing everything, so memory stays bounded.
    fn read_body(&self, index: usize, body: ureq::Body, events: &mut Events<'_>) -> (BodySummary, Option<FetchError>) {
        let mut decoded = CappedBytes::with_cap(self.options.preview_bytes);
        let mut hasher = Xxh3::new();
        let mut reader = body.into_with_config().limit(u64::MAX).reader();
        let mut buf = vec![0u8; READ_CHUNK];
        let mut last_progress = Instant::now();
        let error = loop {
            if self.recorder.is_cancelled() {
                break Some(FetchError::new(ErrorKind::Cancelled, Some(Phase::Download), "stopped"));
            }
            match reader.read(&mut buf) {
                Ok(0) => break None,
                Ok(n) => {
                    decoded.push(&buf[..n]);
                    hasher.update(&buf[..n]);
                    if last_progress.elapsed() >= PROGRESS_EVERY {
                        last_progress = Instant::now();
                        events.send(|| FetchEvent::BodyProgress { index, received: decoded.total() });
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let failure = self.recorder.with_exchange(index, |log| log.failure.clone()).flatten();
                    let cancelled = self.recorder.is_cancelled();
                    break Some(classify(ureq::Error::from(e), Phase::Download, failure, cancelled, &self.options));
                }
            }
        };
        let complete = error.is_none();
        (BodySummary { decoded, xxh3: format!("{:032x}", hasher.digest128()), complete }, error)
    }
}

/// How netlens configures ureq: statuses are answers, not errors, and redirects are ours to follow.
pub(super) fn agent_config(options: &FetchOptions) -> ureq::config::Config {
    Agent::config_builder()
        .http_status_as_error(false)
        // Redirects are followed here, not in ureq, so each hop is an exchange of its own.
        .max_redirects(0)
        .proxy(None)
        .user_agent(concat!("netlens/", env!("CARGO_PKG_VERSION")))
        .timeout_connect(Some(options.connect_timeout))
        .timeout_per_read(Some(options.read_timeout))
        .timeout_per_call(Some(options.total_timeout))
        .input_buffer_size(INPUT_BUFFER)
        .build()
}

/// Whoever watches a page load, if anyone. Events are built only when someone listens.
struct Events<'a>(Option<&'a mut dyn FnMut(FetchEvent)>);

impl Events<'_> {
    fn wanted(&self) -> bool {
        self.0.is_some()
    }

    fn send(&mut self, event: impl FnOnce() -> FetchEvent) {
        if let Some(sink) = self.0.as_mut() {
            sink(event());
        }
    }
}

/// Whether recorded bytes are copied (a snapshot while the exchange goes on) or moved (it is over).
#[derive(Clone, Copy)]
enum Bytes {
    Copy,
    Move,
}

fn is_html(exchange: &Exchange) -> bool {
    exchange
        .head
        .as_ref()
        .and_then(|h| h.header("Content-Type"))
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("text/html"))
}

fn head_from_ureq(response: &ureq::http::Response<ureq::Body>) -> crate::record::ResponseHead {
    crate::record::ResponseHead {
        version: format!("{:?}", response.version()),
        status: response.status().as_u16(),
        reason: response.status().canonical_reason().unwrap_or_default().to_string(),
        headers: response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        head_len: 0,
    }
}
