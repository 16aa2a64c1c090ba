//! The computing server: keeps nothing, and works each answer out by trial division when it is
//! asked — so a larger n takes it longer.

use std::fmt::Write;

use super::protocol::{MAX_N, PrimeServer, Reply, Work};
use crate::netsim::state::Implementation;

#[derive(Clone, Copy, Debug)]
pub struct ComputeServer;

impl ComputeServer {
    /// The n-th prime by trial division, and how many divisions that took.
    fn nth_prime(n: u32) -> (u64, u64) {
        let mut found = 0;
        let mut divisions = 0u64;
        let mut candidate = 1u64;
        loop {
            candidate += 1;
            let mut is_prime = true;
            let mut d = 2u64;
            while d * d <= candidate {
                divisions += 1;
                if candidate.is_multiple_of(d) {
                    is_prime = false;
                    break;
                }
                d += 1;
            }
            if is_prime {
                found += 1;
                if found == n {
                    return (candidate, divisions);
                }
            }
        }
    }

    /// The number in `GET /prime?n=N`, read digit by digit: None when the line is not that.
    fn requested(request: &str) -> Option<u64> {
        let (method, rest) = request.split_once(' ')?;
        let (path, query) = rest.split_once('?')?;
        let (name, digits) = query.split_once('=')?;
        if method != "GET" || path != "/prime" || name != "n" || digits.is_empty() {
            return None;
        }
        // However many digits: a number too large to hold is simply too large.
        digits
            .bytes()
            .try_fold(0u64, |n, b| b.is_ascii_digit().then(|| n.saturating_mul(10).saturating_add(u64::from(b - b'0'))))
    }
}

impl PrimeServer for ComputeServer {
    fn implementation(&self) -> Implementation {
        Implementation::Compute
    }

    fn reply(&self, request: &str) -> Reply {
        let mut response = String::from("HTTP/1.1 ");
        let mut work = Work::Divisions(0);
        match Self::requested(request) {
            None => response.push_str("400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
            Some(n) if n == 0 || n > u64::from(MAX_N) => {
                response.push_str("404 Not Found\r\nContent-Length: 0\r\n\r\n")
            }
            Some(n) => {
                let (prime, divisions) = Self::nth_prime(n as u32);
                work = Work::Divisions(divisions);
                let body = prime.to_string();
                let _ = write!(
                    response,
                    "200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                );
            }
        }
        Reply { response, work }
    }
}
