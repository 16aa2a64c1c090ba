//! A page load with the browser's own fetch: the page, then the images, stylesheets and scripts
//! its HTML names (found with the same parser as the desktop's loader), each recorded as an
//! `Exchange` with what a browser tells a page — status, headers, body, and each phase's timing
//! from the Resource Timing API. What the browser hides (the raw bytes, the DNS messages, the
//! connection's addresses) stays empty, and the Fetch view says so rather than guessing.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use wasm_bindgen::JsCast as _;
use wasm_bindgen_futures::JsFuture;
use xxhash_rust::xxh3::Xxh3;

use super::js_error;
use super::outbox::Outbox;
use crate::record::{
    BodySummary, CappedBytes, ErrorKind, Exchange, ExchangeRole, ExchangeState, FetchError, FetchEvent, FetchRequest,
    LoadId, Phase, ResponseHead, Span, Timings,
};
use crate::wire::subresources::find_subresources;
use crate::worker_api::Event;

/// How much of each body is kept to show (the rest is counted and hashed), as on the desktop.
const PREVIEW_BYTES: usize = 4 * 1024 * 1024;

/// Loads `request` and what its HTML names, reporting each step to `outbox` as load `load`.
pub(crate) async fn load_page(
    load: LoadId,
    request: FetchRequest,
    signal: Option<web_sys::AbortSignal>,
    outbox: Outbox,
) {
    let clock = Clock::start();
    let send = {
        let outbox = outbox.clone();
        move |event: FetchEvent| outbox.send(Event::Fetch { load, event })
    };
    let page = Exchange::new(0, request.as_str().to_string(), None, ExchangeRole::Page, 0);
    let (page, html_url) = fetch_one(page, &clock, signal.as_ref(), &send).await;
    let Some((html, base)) = html_url.filter(|_| page.error.is_none()) else {
        send(FetchEvent::Finished { error: page.error.clone() });
        return;
    };
    let found = find_subresources(&html, &base);
    if found.is_empty() {
        send(FetchEvent::Finished { error: None });
        return;
    }
    // Every sub-resource is announced in order first (the model numbers them so), then all
    // are fetched at once, as a browser does; the last to end finishes the load.
    let pending = Rc::new(Cell::new(found.len()));
    let started = clock.now_us();
    let exchanges: Vec<Exchange> = found
        .into_iter()
        .enumerate()
        .map(|(i, (url, kind))| {
            Exchange::new(i + 1, url.to_string(), Some(page.url.clone()), ExchangeRole::Subresource(kind), started)
        })
        .collect();
    for exchange in &exchanges {
        send(FetchEvent::Exchange(Arc::new(exchange.clone())));
    }
    for exchange in exchanges {
        let (send, pending, clock, signal) = (send.clone(), pending.clone(), clock.clone(), signal.clone());
        wasm_bindgen_futures::spawn_local(async move {
            fetch_one(exchange, &clock, signal.as_ref(), &send).await;
            pending.set(pending.get() - 1);
            if pending.get() == 0 {
                send(FetchEvent::Finished { error: None });
            }
        });
    }
}

/// Times in microseconds since the load began, on the page's performance clock (the clock
/// Resource Timing entries use).
#[derive(Clone)]
struct Clock {
    origin_ms: f64,
}

impl Clock {
    fn start() -> Self {
        Self { origin_ms: now_ms() }
    }

    fn now_us(&self) -> u64 {
        self.us(now_ms())
    }

    /// A performance timestamp as microseconds since the load began (0 before it).
    fn us(&self, ms: f64) -> u64 {
        ((ms - self.origin_ms).max(0.0) * 1000.0).round() as u64
    }
}

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Fetches one exchange's URL, reporting it as it goes; returns its last state and, for an HTML
/// page, its text and final URL (after any redirect the browser followed).
async fn fetch_one(
    mut exchange: Exchange,
    clock: &Clock,
    signal: Option<&web_sys::AbortSignal>,
    send: &impl Fn(FetchEvent),
) -> (Exchange, Option<(String, url::Url)>) {
    exchange.timings.start_us = clock.now_us();
    exchange.state = ExchangeState::Running(Phase::Wait);
    send(FetchEvent::Exchange(Arc::new(exchange.clone())));
    let asked_ms = now_ms();
    let response = match request(&exchange.url, signal).await {
        Ok(response) => response,
        Err(error) => return (failed(exchange, clock, error), None),
    };
    let headers_ms = now_ms();
    let headers = header_list(&response.headers());
    exchange.head = Some(ResponseHead {
        version: String::new(),
        status: response.status(),
        reason: response.status_text(),
        headers,
        head_len: 0,
    });
    exchange.state = ExchangeState::Running(Phase::Download);
    send(FetchEvent::Exchange(Arc::new(exchange.clone())));
    let body = match read_body(&response, exchange.index, send).await {
        Ok(body) => body,
        Err(error) => return (failed(exchange, clock, error), None),
    };
    let end_ms = now_ms();
    let final_url = response.url();
    exchange.timings = resource_timings(&final_url, clock)
        .unwrap_or_else(|| measured_timings(clock, exchange.timings.start_us, asked_ms, headers_ms, end_ms));
    if let (Some(head), Some(protocol)) = (exchange.head.as_mut(), next_hop_protocol(&final_url)) {
        head.version = protocol;
    }
    let is_html =
        exchange.head.as_ref().and_then(|h| h.header("content-type")).is_some_and(|t| t.contains("text/html"));
    let html = (is_html && exchange.index == 0)
        .then(|| String::from_utf8_lossy(body.decoded.kept()).into_owned())
        .zip(url::Url::parse(&final_url).ok());
    exchange.body = Some(body);
    exchange.state = ExchangeState::Done;
    send(FetchEvent::Exchange(Arc::new(exchange.clone())));
    (exchange, html)
}

/// The browser's fetch of `url`, never from its cache (so every load is a real request).
async fn request(url: &str, signal: Option<&web_sys::AbortSignal>) -> Result<web_sys::Response, FetchError> {
    let window = web_sys::window().ok_or_else(|| FetchError::new(ErrorKind::Io, None, "this page has no window"))?;
    let init = web_sys::RequestInit::new();
    init.set_method("GET");
    init.set_cache(web_sys::RequestCache::NoStore);
    if let Some(signal) = signal {
        init.set_signal(Some(signal));
    }
    let answer = JsFuture::from(window.fetch_with_str_and_init(url, &init)).await.map_err(refused)?;
    answer.dyn_into().map_err(|_| FetchError::new(ErrorKind::Io, None, "the browser's fetch gave no response"))
}

/// Why the browser's fetch failed, as far as it says.
fn refused(error: wasm_bindgen::JsValue) -> FetchError {
    let aborted = error.dyn_ref::<web_sys::DomException>().is_some_and(|e| e.name() == "AbortError");
    if aborted {
        return FetchError::new(ErrorKind::Cancelled, None, "stopped");
    }
    FetchError::new(
        ErrorKind::Connect,
        None,
        format!(
            "the browser could not fetch it ({}). A browser fetches only from this page's own server, or from servers that allow it (CORS), and does not tell a page why a fetch failed; the desktop app shows the DNS lookup and the connection",
            js_error(error)
        ),
    )
}

/// The response's headers as the browser gives them (names in lower case, sorted).
fn header_list(headers: &web_sys::Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<js_sys::Array>().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

/// Reads the body as it streams in: a bounded preview, the whole length and its hash.
async fn read_body(
    response: &web_sys::Response,
    index: usize,
    send: &impl Fn(FetchEvent),
) -> Result<BodySummary, FetchError> {
    let mut decoded = CappedBytes::with_cap(PREVIEW_BYTES);
    let mut hasher = Xxh3::new();
    if let Some(stream) = response.body() {
        let reader: web_sys::ReadableStreamDefaultReader = stream
            .get_reader()
            .dyn_into()
            .map_err(|_| FetchError::new(ErrorKind::Io, Some(Phase::Download), "the body could not be read"))?;
        loop {
            let part = JsFuture::from(reader.read()).await.map_err(refused)?;
            let done = js_sys::Reflect::get(&part, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
            if done {
                break;
            }
            let Ok(value) = js_sys::Reflect::get(&part, &"value".into()) else { break };
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            hasher.update(&bytes);
            decoded.push(&bytes);
            send(FetchEvent::BodyProgress { index, received: decoded.total() });
        }
    }
    Ok(BodySummary { decoded, xxh3: format!("{:032x}", hasher.digest128()), complete: true })
}

fn failed(mut exchange: Exchange, clock: &Clock, error: FetchError) -> Exchange {
    exchange.state = if error.kind == ErrorKind::Cancelled { ExchangeState::Cancelled } else { ExchangeState::Failed };
    exchange.timings.end_us = Some(clock.now_us());
    exchange.error = Some(error);
    exchange
}

/// The browser's newest Resource Timing entry for `url`, as phases: the name lookup, the
/// connection (and its TLS part), the wait for the first byte and the download. A phase the
/// browser skipped (a reused connection) or hides (another origin without Timing-Allow-Origin)
/// is left out. The sending of the request is not timed by browsers.
fn resource_timings(url: &str, clock: &Clock) -> Option<Timings> {
    let entry = timing_entry(url)?;
    let span = |start: f64, end: f64| {
        (start > 0.0 && end > start).then(|| Span { start_us: clock.us(start), end_us: clock.us(end) })
    };
    let secure = entry.secure_connection_start();
    let connect_end = if secure > 0.0 { secure } else { entry.connect_end() };
    Some(Timings {
        start_us: clock.us(entry.start_time()),
        dns: span(entry.domain_lookup_start(), entry.domain_lookup_end()),
        connect: span(entry.connect_start(), connect_end),
        tls: span(secure, entry.connect_end()),
        send: None,
        wait: span(entry.request_start(), entry.response_start()),
        download: span(entry.response_start(), entry.response_end()),
        end_us: Some(clock.us(entry.response_end())),
    })
}

/// Phases measured from the page's side when the browser gives no timing entry: the wait until
/// the headers came, then the body.
fn measured_timings(clock: &Clock, start_us: u64, asked_ms: f64, headers_ms: f64, end_ms: f64) -> Timings {
    let span = |a: f64, b: f64| Some(Span { start_us: clock.us(a), end_us: clock.us(b) });
    Timings {
        start_us,
        wait: span(asked_ms, headers_ms),
        download: span(headers_ms, end_ms),
        end_us: Some(clock.us(end_ms)),
        ..Timings::default()
    }
}

fn timing_entry(url: &str) -> Option<web_sys::PerformanceResourceTiming> {
    let performance = web_sys::window()?.performance()?;
    let entries = performance.get_entries_by_name_with_entry_type(url, "resource");
    entries.get(entries.length().checked_sub(1)?).dyn_into().ok()
}

/// The protocol the browser spoke ("HTTP/1.1", "HTTP/2"), if it says.
fn next_hop_protocol(url: &str) -> Option<String> {
    let protocol = timing_entry(url)?.next_hop_protocol();
    Some(match protocol.as_str() {
        "" => return None,
        "http/1.0" => "HTTP/1.0".into(),
        "http/1.1" => "HTTP/1.1".into(),
        "h2" | "h2c" => "HTTP/2".into(),
        "h3" => "HTTP/3".into(),
        other => other.to_uppercase(),
    })
}
