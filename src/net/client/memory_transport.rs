//! A connection whose server is a byte string: the page loader's HTTP client (ureq with
//! netlens's configuration) reading a response from memory, for the `http_response` fuzz target.
//! It exercises exactly the parsing a hostile server reaches: the head, chunked framing, gzip and
//! the HTML scan for sub-resources.

use std::fmt;
use std::io::Read;

use ureq::Agent;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, Transport};

use super::page_loader::agent_config;
use crate::record::FetchOptions;
use crate::wire::subresources::find_subresources;

/// Bytes handed out in pieces of at most this size, so framing across reads is exercised.
const PIECE: usize = 1_000;
/// The most body bytes read from one response (the fuzzer's inputs are far smaller).
const BODY_LIMIT: u64 = 4 << 20;

/// Reads `response` as the answer to `GET http://127.0.0.1/` and scans an HTML body for links.
pub fn fuzz_response(response: &[u8]) {
    let options = FetchOptions::default();
    let connector = MemoryConnector { response: response.to_vec() };
    let agent = Agent::with_parts(agent_config(&options), connector, Loopback);
    let Ok(reply) = agent.get("http://127.0.0.1/").call() else { return };
    let mut body = Vec::new();
    let mut reader = reply.into_body().into_with_config().limit(BODY_LIMIT).reader();
    let mut buf = [0u8; 4096];
    while let Ok(n) = reader.read(&mut buf) {
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    if let Ok(url) = url::Url::parse("http://127.0.0.1/") {
        let _ = find_subresources(&String::from_utf8_lossy(&body), &url);
    }
}

/// Every name is 127.0.0.1, answered at once. (ureq's own resolver starts a thread per lookup
/// to honour its timeout: slow under the fuzzer, and each thread's exit looked like a leak.)
#[derive(Debug)]
struct Loopback;

impl Resolver for Loopback {
    fn resolve(&self, _uri: &Uri, _config: &Config, _timeout: NextTimeout) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let mut out = self.empty();
        out.push(std::net::SocketAddr::from(([127, 0, 0, 1], 80)));
        Ok(out)
    }
}

struct MemoryConnector {
    response: Vec<u8>,
}

impl fmt::Debug for MemoryConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemoryConnector")
    }
}

impl Connector<()> for MemoryConnector {
    type Out = MemoryTransport;

    fn connect(&self, details: &ConnectionDetails, _chained: Option<()>) -> Result<Option<Self::Out>, ureq::Error> {
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        Ok(Some(MemoryTransport { buffers, response: self.response.clone(), at: 0 }))
    }
}

struct MemoryTransport {
    buffers: LazyBuffers,
    response: Vec<u8>,
    at: usize,
}

impl fmt::Debug for MemoryTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MemoryTransport")
    }
}

impl Transport for MemoryTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, _amount: usize, _timeout: NextTimeout) -> Result<(), ureq::Error> {
        Ok(())
    }

    fn await_input(&mut self, _timeout: NextTimeout) -> Result<bool, ureq::Error> {
        let input = self.buffers.input_append_buf();
        let rest = &self.response[self.at..];
        let n = rest.len().min(input.len()).min(PIECE);
        input[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        self.buffers.input_appended(n);
        Ok(n > 0)
    }

    fn is_open(&mut self) -> bool {
        false
    }
}
