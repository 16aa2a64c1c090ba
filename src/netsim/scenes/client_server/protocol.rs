//! The tiny protocol of the client/server scenes (S16: modularity). A client sends one request
//! line, `GET /prime?n=N`; a server answers with an HTTP/1.1 response whose body is the n-th
//! prime (1-based):
//!
//! ```text
//! GET /prime?n=100            →  HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n541
//! GET /prime?n=0 (or > 500)   →  HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n
//! anything else               →  HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n
//! ```
//!
//! N is one or more decimal digits (leading zeros allowed, no sign); any value outside 1..=500,
//! however many digits it has, is 404.
//!
//! This file is all a client — or a new server — needs to know. The two server programs
//! (`table_server.rs`, `compute_server.rs`) each read the request and write the response
//! themselves; neither calls the other's code.

use crate::netsim::state::Implementation;

/// The largest n the protocol answers (and clients ask about).
pub const MAX_N: u32 = 500;

/// The request line a client sends for `n`.
pub fn request_line(n: u32) -> String {
    format!("GET /prime?n={n}")
}

/// What a server program did for one request: the response bytes, and the work they took in
/// the program's own terms (which sets how long the scene's server is busy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub response: String,
    pub work: Work,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Work {
    /// One look-up in a table made at start-up.
    Lookup,
    /// This many trial divisions.
    Divisions(u64),
}

/// A server program that speaks the protocol: request bytes in, response bytes out.
pub trait PrimeServer: Send + Sync {
    /// Which program this is, for the view and the state.
    fn implementation(&self) -> Implementation;
    /// Answers one request.
    fn reply(&self, request: &str) -> Reply;
}
