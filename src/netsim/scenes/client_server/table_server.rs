//! The table server: sieves every answer once when it starts, then looks each one up — the same
//! time for every request.

use super::protocol::{MAX_N, PrimeServer, Reply, Work};
use crate::netsim::state::Implementation;

/// The primes 1..=`MAX_N`, sieved at start-up.
#[derive(Clone, Debug)]
pub struct TableServer {
    primes: Vec<u64>,
}

impl TableServer {
    /// Sieve of Eratosthenes up to a bound that holds the `MAX_N`-th prime (3571; the protocol's
    /// tests check the last answer, so a bound too small would show).
    pub fn start() -> TableServer {
        let limit = 3_600usize;
        let mut composite = vec![false; limit + 1];
        let mut primes = Vec::new();
        for k in 2..=limit {
            if composite[k] {
                continue;
            }
            primes.push(k as u64);
            let mut multiple = k * k;
            while multiple <= limit {
                composite[multiple] = true;
                multiple += k;
            }
        }
        primes.truncate(MAX_N as usize);
        TableServer { primes }
    }
}

impl PrimeServer for TableServer {
    fn implementation(&self) -> Implementation {
        Implementation::Table
    }

    fn reply(&self, request: &str) -> Reply {
        // The number is digits only (`str::parse` alone would take a leading '+').
        let digits =
            request.strip_prefix("GET /prime?n=").filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
        let response = match digits.map(str::parse::<usize>) {
            None => "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_string(),
            Some(Ok(n)) if (1..=self.primes.len()).contains(&n) => {
                let body = self.primes[n - 1].to_string();
                format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}", body.len())
            }
            // Zero, too large, or too many digits to be a number at all: no such prime here.
            Some(_) => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_string(),
        };
        Reply { response, work: Work::Lookup }
    }
}
