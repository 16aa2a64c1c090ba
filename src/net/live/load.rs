//! Live load: N client tasks, each on its own keep-alive TCP connection, send requests back to
//! back to a live server for a while; per client count the requests per second, latency
//! percentiles and refusals are measured with the wall clock.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::netsim::percentile;

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct LoadRow {
    pub clients: usize,
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub refused: u64,
    pub failed: u64,
}

/// What one request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok(u64),
    Refused,
    Failed,
}

const REQUEST: &[u8] = b"GET /work HTTP/1.1\r\nHost: netlens-load\r\n\r\n";
/// After a refusal a client waits this long before asking again, as a polite client would.
const BACKOFF: Duration = Duration::from_millis(10);

/// The most header fields a response head may have, and its longest length.
const MAX_HEADERS: usize = 32;
const MAX_HEAD: usize = 16 * 1024;

/// Sends one request on `stream` and reads the response (Content-Length framing only: we
/// talk to our own server). The head is parsed by httparse. Returns the status.
async fn exchange(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<u16> {
    stream.write_all(REQUEST).await?;
    buffer.clear();
    let (head_end, status, length) = loop {
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        match response.parse(buffer) {
            Ok(httparse::Status::Complete(head_end)) => {
                let length = response
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (head_end, response.code.unwrap_or(0), length);
            }
            Ok(httparse::Status::Partial) if buffer.len() <= MAX_HEAD => {}
            Ok(httparse::Status::Partial) => return Err(std::io::Error::other("response head too long")),
            Err(e) => return Err(std::io::Error::other(format!("malformed response head: {e}"))),
        }
    };
    let mut have = buffer.len() - head_end;
    while have < length {
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        have += n;
    }
    Ok(status)
}

/// One client: requests back to back until `until`, reporting each outcome with its time.
pub async fn client(server: SocketAddr, until: Instant, report: impl Fn(Outcome)) {
    let mut buffer = Vec::with_capacity(1024);
    let mut stream: Option<TcpStream> = None;
    while Instant::now() < until {
        let open = match stream.take() {
            Some(open) => open,
            None => match TcpStream::connect(server).await {
                Ok(fresh) => {
                    let _ = fresh.set_nodelay(true);
                    fresh
                }
                Err(_) => {
                    report(Outcome::Failed);
                    tokio::time::sleep(BACKOFF).await;
                    continue;
                }
            },
        };
        let open = stream.insert(open);
        let started = Instant::now();
        let result = exchange(open, &mut buffer).await;
        match result {
            Ok(200) => report(Outcome::Ok(started.elapsed().as_micros() as u64)),
            Ok(503) => {
                report(Outcome::Refused);
                tokio::time::sleep(BACKOFF).await;
            }
            Ok(_) | Err(_) => {
                report(Outcome::Failed);
                stream = None;
                tokio::time::sleep(BACKOFF).await;
            }
        }
    }
}

/// Runs `clients` clients against `server` for `duration` and summarises.
pub async fn measure(server: SocketAddr, clients: usize, duration: Duration) -> LoadRow {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let until = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let sender = sender.clone();
        tasks.spawn(client(server, until, move |o| {
            // The receiver lives until every client is done.
            let _ = sender.send(o);
        }));
    }
    drop(sender);
    while tasks.join_next().await.is_some() {}
    let mut outcomes = Vec::new();
    while let Ok(outcome) = receiver.try_recv() {
        outcomes.push(outcome);
    }
    let mut latencies: Vec<u64> =
        outcomes.iter().filter_map(|o| if let Outcome::Ok(us) = o { Some(*us) } else { None }).collect();
    latencies.sort_unstable();
    let count = |k: Outcome| outcomes.iter().filter(|o| **o == k).count() as u64;
    LoadRow {
        clients,
        rps: latencies.len() as f64 / duration.as_secs_f64(),
        p50_ms: percentile(&latencies, 50.0) as f64 / 1000.0,
        p95_ms: percentile(&latencies, 95.0) as f64 / 1000.0,
        refused: count(Outcome::Refused),
        failed: count(Outcome::Failed),
    }
}
