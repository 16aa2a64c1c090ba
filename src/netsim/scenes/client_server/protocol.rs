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

#[cfg(test)]
mod tests {
    use super::super::compute_server::ComputeServer;
    use super::super::table_server::TableServer;
    use super::*;

    const OK_541: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n541";
    const NOT_FOUND: &str = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    const BAD: &str = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

    fn servers() -> [Box<dyn PrimeServer>; 2] {
        [Box::new(TableServer::start()), Box::new(ComputeServer)]
    }

    #[test]
    fn each_server_answers_the_protocol_as_written() {
        for server in servers() {
            let who = server.implementation();
            assert_eq!(server.reply("GET /prime?n=100").response, OK_541, "{who:?}");
            let first = server.reply("GET /prime?n=1").response;
            assert!(first.ends_with("Content-Length: 1\r\n\r\n2"), "{who:?}: {first:?}");
            let last = server.reply("GET /prime?n=500").response;
            assert!(last.ends_with("Content-Length: 4\r\n\r\n3571"), "{who:?}: {last:?}");
            let leading_zeros = server.reply("GET /prime?n=007").response;
            assert!(leading_zeros.ends_with("Content-Length: 2\r\n\r\n17"), "{who:?}: {leading_zeros:?}");
            for out_of_range in [
                "GET /prime?n=0",
                "GET /prime?n=0000",
                "GET /prime?n=501",
                "GET /prime?n=4294967296",
                "GET /prime?n=99999999999999999999999",
            ] {
                assert_eq!(server.reply(out_of_range).response, NOT_FOUND, "{who:?} {out_of_range}");
            }
            for bad in [
                "",
                "GET /prime",
                "GET /prime?n=",
                "GET /prime?n=x",
                "GET /prime?n=-1",
                "GET /prime?n=+3",
                "GET /prime?n=3 ",
                "GET /prime?n=3&x=1",
                "GET  /prime?n=3",
                "get /prime?n=3",
                "POST /prime?n=3",
                "GET /primes?n=3",
                "GET /prime?m=3",
            ] {
                assert_eq!(server.reply(bad).response, BAD, "{who:?} {bad:?}");
            }
        }
    }

    /// The modularity claim, S16: two programs written differently give the same bytes for every
    /// request a client can send — each computed by its own code, compared here.
    #[test]
    fn the_two_programs_answer_every_request_with_the_same_bytes_by_different_means() {
        let [table, compute] = servers();
        assert_ne!(table.implementation(), compute.implementation());
        for n in 0..=MAX_N + 2 {
            let request = request_line(n);
            let (a, b) = (table.reply(&request), compute.reply(&request));
            assert_eq!(a.response, b.response, "n = {n}");
            if (1..=MAX_N).contains(&n) {
                assert_eq!(a.work, Work::Lookup, "the table looks every answer up");
                assert!(matches!(b.work, Work::Divisions(_)), "the computing server works it out");
            }
        }
        // More work for a larger n: that is what makes the computing server slower.
        let divisions = |n: u32| match compute.reply(&request_line(n)).work {
            Work::Divisions(d) => d,
            Work::Lookup => 0,
        };
        assert!(divisions(400) > divisions(40));
    }
}
