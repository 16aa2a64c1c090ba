//! A stretch of time in a page load: when a phase began and ended.

/// A stretch of time, in microseconds since the page load began.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start_us: u64,
    pub end_us: u64,
}

impl Span {
    pub fn micros(self) -> u64 {
        self.end_us.saturating_sub(self.start_us)
    }

    pub fn millis(self) -> f64 {
        self.micros() as f64 / 1000.0
    }
}
