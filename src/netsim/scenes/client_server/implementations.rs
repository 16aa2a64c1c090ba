//! The two server programs of the modularity scene (S16). Both speak the same tiny protocol —
//! `GET /prime?n=N` answered with the n-th prime — but work differently inside: the table server
//! sieves every answer once when it starts and then looks them up; the computing server works
//! each answer out by trial division when it is asked, so a larger n takes it longer. Clients
//! get the same bytes from both, which is the point of a protocol.

/// The largest n a client asks about.
pub const MAX_N: u32 = 500;

/// The protocol's request line for `n`.
pub fn request_line(n: u32) -> String {
    format!("GET /prime?n={n}")
}

/// The protocol's response for an answer: what every implementation must send, byte for byte.
pub fn response_bytes(prime: u64) -> String {
    let body = prime.to_string();
    format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n{body}", body.len())
}

/// The table server's state: every answer from 1 to `MAX_N`, sieved once.
#[derive(Clone, Debug)]
pub struct PrimeTable {
    primes: Vec<u64>,
}

impl PrimeTable {
    /// Sieve of Eratosthenes up to a bound that holds the `MAX_N`-th prime.
    pub fn build() -> Self {
        // The 500th prime is 3571; the bound is checked below, not trusted.
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
        Self { primes }
    }

    /// The n-th prime (1-based), or none outside 1..=MAX_N.
    pub fn nth(&self, n: u32) -> Option<u64> {
        self.primes.get((n as usize).checked_sub(1)?).copied()
    }

    pub fn len(&self) -> usize {
        self.primes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.primes.is_empty()
    }
}

/// The computing server's work: the n-th prime by trial division, and how many divisions it
/// took (which sets its service time). None outside 1..=MAX_N.
pub fn nth_prime_by_trial_division(n: u32) -> Option<(u64, u64)> {
    if !(1..=MAX_N).contains(&n) {
        return None;
    }
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
                return Some((candidate, divisions));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_implementations_give_the_same_bytes_for_every_n() {
        let table = PrimeTable::build();
        assert_eq!(table.len(), MAX_N as usize, "the sieve's bound holds the last answer");
        for n in 1..=MAX_N {
            let looked_up = table.nth(n).unwrap();
            let (computed, divisions) = nth_prime_by_trial_division(n).unwrap();
            assert_eq!(response_bytes(looked_up), response_bytes(computed), "n = {n}");
            assert!(divisions > 0 || n <= 2, "2 and 3 need no division");
        }
        assert_eq!(table.nth(1), Some(2));
        assert_eq!(table.nth(100), Some(541));
        assert_eq!(table.nth(0), None);
        assert_eq!(nth_prime_by_trial_division(MAX_N + 1), None);
        // More work for a larger n: that is what makes the computing server slower.
        assert!(nth_prime_by_trial_division(400).unwrap().1 > nth_prime_by_trial_division(40).unwrap().1);
    }
}
