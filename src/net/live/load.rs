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

/// Sends one request on `stream` and reads the response (Content-Length framing only: we
/// talk to our own server). Returns the status.
async fn exchange(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> std::io::Result<u16> {
    stream.write_all(REQUEST).await?;
    buffer.clear();
    let head_end = loop {
        let mut chunk = [0u8; 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > 16 * 1024 {
            return Err(std::io::Error::other("response head too long"));
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()).unwrap_or(0);
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
        if stream.is_none() {
            match TcpStream::connect(server).await {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    stream = Some(s);
                }
                Err(_) => {
                    report(Outcome::Failed);
                    tokio::time::sleep(BACKOFF).await;
                    continue;
                }
            }
        }
        let started = Instant::now();
        let result = exchange(stream.as_mut().expect("connected above"), &mut buffer).await;
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
    let outcomes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let until = Instant::now() + duration;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..clients {
        let outcomes = outcomes.clone();
        tasks.spawn(client(server, until, move |o| outcomes.lock().expect("outcomes lock").push(o)));
    }
    while tasks.join_next().await.is_some() {}
    let outcomes = outcomes.lock().expect("outcomes lock");
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
