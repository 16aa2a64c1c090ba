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
use super::subresources::find_subresources;
use super::tls::{RecordingTlsConnector, client_config};
use super::transport::RecordingTcpConnector;
use crate::record::{
    BodySummary, CappedBytes, ErrorKind, Exchange, ExchangeRole, ExchangeState, FetchError, FetchEvent, FetchOptions,
    FetchRequest, Phase, Span,
};
use crate::wire::http_head::parse_response_head;

/// How often a download reports its progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);
/// Read size for bodies: large enough that a 100 MiB download is a few hundred reads.
const READ_CHUNK: usize = 256 * 1024;
/// ureq's receive buffer per connection: larger than its default so big downloads take fewer
/// system calls.
const INPUT_BUFFER: usize = 512 * 1024;

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
        let config = Agent::config_builder()
            .http_status_as_error(false)
            // Redirects are followed here, not in ureq, so each hop is an exchange of its own.
            .max_redirects(0)
            .proxy(None)
            .user_agent(concat!("netlens/", env!("CARGO_PKG_VERSION")))
            .timeout_connect(Some(options.connect_timeout))
            .timeout_per_read(Some(options.read_timeout))
            .timeout_per_call(Some(options.total_timeout))
            .input_buffer_size(INPUT_BUFFER)
            .build();
        let connector = RecordingTcpConnector { recorder: recorder.clone() }
            .chain(RecordingTlsConnector { recorder: recorder.clone(), config: tls_config });
        let resolver =
            RecordingResolver { recorder: recorder.clone(), mode: options.dns_mode, demo_dns: options.demo_dns };
        Ok(Self { recorder, agent: Agent::with_parts(config, connector, resolver), options: options.clone() })
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.recorder.clone())
    }

    /// Loads the page and, unless turned off, its sub-resources, reporting each step.
    pub fn run(&self, request: &FetchRequest, on_event: &mut dyn FnMut(FetchEvent)) -> PageResult {
        let mut exchanges = Vec::new();
        let error = self.load(request, &mut exchanges, on_event);
        on_event(FetchEvent::Finished { error: error.clone() });
        PageResult { exchanges, error }
    }

    fn load(
        &self,
        request: &FetchRequest,
        exchanges: &mut Vec<Exchange>,
        on_event: &mut dyn FnMut(FetchEvent),
    ) -> Option<FetchError> {
        let mut url = request.url().clone();
        let mut initiator = None;
        let mut role = ExchangeRole::Page;
        let page = loop {
            let exchange = self.run_exchange(&url, initiator.take(), role, on_event);
            exchanges.push(exchange.clone());
            if let Some(error) = exchange.error {
                return Some(error);
            }
            let location =
                exchange.head.as_ref().filter(|h| (300..400).contains(&h.status)).and_then(|h| h.header("Location"));
            let (Some(location), true) = (location, self.options.max_redirects > 0) else { break exchange };
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

        if self.options.subresources && is_html(&page) {
            let html =
                page.body.as_ref().map(|b| String::from_utf8_lossy(b.decoded.kept()).into_owned()).unwrap_or_default();
            for (sub_url, kind) in find_subresources(&html, &url) {
                if self.recorder.is_cancelled() {
                    break;
                }
                let exchange =
                    self.run_exchange(&sub_url, Some(url.to_string()), ExchangeRole::Subresource(kind), on_event);
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
        on_event: &mut dyn FnMut(FetchEvent),
    ) -> Exchange {
        let index = self.recorder.begin_exchange();
        let start_us = self.recorder.with_exchange(index, |log| log.start_us).unwrap_or_default();
        let mut exchange = Exchange::new(index, url.to_string(), initiator, role, start_us);
        on_event(FetchEvent::Exchange(Arc::new(exchange.clone())));

        if self.recorder.is_cancelled() {
            return self.finish(exchange, Some(FetchError::new(ErrorKind::Cancelled, None, "stopped")), on_event);
        }
        match self.agent.get(url.as_str()).call() {
            Ok(response) => {
                self.fill_from_log(&mut exchange, None);
                if exchange.head.is_none() {
                    // The transports should have seen the head; if not, take ureq's reading of it.
                    exchange.head = Some(head_from_ureq(&response));
                }
                exchange.state = ExchangeState::Running(Phase::Download);
                on_event(FetchEvent::Exchange(Arc::new(exchange.clone())));
                let (body, error) = self.read_body(index, response.into_body(), on_event);
                exchange.body = Some(body);
                self.finish(exchange, error, on_event)
            }
            Err(e) => {
                let phase = self.recorder.with_exchange(index, |log| log.phase).unwrap_or(Phase::Dns);
                let failure = self.recorder.with_exchange(index, |log| log.failure.clone()).flatten();
                let error = classify(e, phase, failure, self.recorder.is_cancelled(), &self.options);
                self.finish(exchange, Some(error), on_event)
            }
        }
    }

    fn finish(
        &self,
        mut exchange: Exchange,
        error: Option<FetchError>,
        on_event: &mut dyn FnMut(FetchEvent),
    ) -> Exchange {
        let end_us = self.recorder.now_us();
        self.fill_from_log(&mut exchange, Some(end_us));
        exchange.tcp = self.recorder.tcp_stats_of(exchange.index);
        exchange.state = match &error {
            None => ExchangeState::Done,
            Some(e) if e.kind == ErrorKind::Cancelled => ExchangeState::Cancelled,
            Some(_) => ExchangeState::Failed,
        };
        exchange.error = error;
        on_event(FetchEvent::Exchange(Arc::new(exchange.clone())));
        exchange
    }

    /// Copies what the resolver, connectors and transports recorded into the exchange.
    fn fill_from_log(&self, exchange: &mut Exchange, end_us: Option<u64>) {
        let index = exchange.index;
        if let Some((connect, tls)) = self.recorder.connection_of(index) {
            exchange.connect = Some(connect);
            exchange.tls = tls;
        }
        self.recorder.with_exchange(index, |log| {
            exchange.dns = log.dns.clone();
            exchange.request = log.request.clone();
            exchange.response = log.response.clone();
            exchange.tls_sent = log.tls_sent.clone();
            exchange.tls_received = log.tls_received.clone();
            if let Ok(head) = parse_response_head(log.response.kept()) {
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
    fn read_body(
        &self,
        index: usize,
        body: ureq::Body,
        on_event: &mut dyn FnMut(FetchEvent),
    ) -> (BodySummary, Option<FetchError>) {
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
                        on_event(FetchEvent::BodyProgress { index, received: decoded.total() });
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
