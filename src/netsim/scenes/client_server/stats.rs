//! What the client/server plots show, kept as the scene runs: per 0.1 s of time the responses,
//! latency percentiles, queue length, refusals and failures; and latency against the number of
//! clients. A complete history (for the CLI's report) keeps every bucket and every latency, so
//! its percentiles are exact; a bounded one (for the window) keeps the last minute of buckets
//! and streams the per-client-count latencies into HDR histograms, so memory stays flat.

use std::collections::{BTreeMap, VecDeque};

use hdrhistogram::Histogram;

use crate::netsim::History;
use crate::netsim::state::{ClientsRow, SeriesPoint};

pub const BUCKET_US: u64 = 100_000;
/// Buckets a bounded history keeps: one minute.
pub const KEPT_BUCKETS: usize = 600;
/// The slowest latency a histogram records exactly enough (an hour, in microseconds).
const HISTOGRAM_MAX_US: u64 = 3_600_000_000;

/// Percentile of sorted values (nearest rank); 0 when empty.
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

/// The bucket being filled now.
#[derive(Clone, Debug, Default)]
struct OpenBucket {
    index: u64,
    latencies: Vec<u64>,
    refused: u64,
    failed: u64,
    max_queue: usize,
    clients: usize,
}

impl OpenBucket {
    fn summary(&self) -> SeriesPoint {
        let mut sorted = self.latencies.clone();
        sorted.sort_unstable();
        SeriesPoint {
            t_ms: self.index * BUCKET_US / 1000,
            rps: sorted.len() as f64 * 1e6 / BUCKET_US as f64,
            p50_ms: ms(percentile(&sorted, 50.0)),
            p95_ms: ms(percentile(&sorted, 95.0)),
            queue: self.max_queue,
            refused: self.refused,
            failed: self.failed,
            clients: self.clients,
        }
    }
}

/// Latencies seen at one number of clients: every one (exact), or a histogram (bounded).
#[derive(Clone, Debug)]
enum Latencies {
    Exact(Vec<u64>),
    Streaming(Box<Histogram<u64>>),
}

impl Latencies {
    fn new(history: History) -> Self {
        match history {
            History::Complete => Latencies::Exact(Vec::new()),
            // Three significant digits: 0.1 % of a latency, far below what the plot can show.
            History::Bounded => match Histogram::new_with_bounds(1, HISTOGRAM_MAX_US, 3) {
                Ok(h) => Latencies::Streaming(Box::new(h)),
                Err(_) => Latencies::Exact(Vec::new()),
            },
        }
    }

    fn record(&mut self, latency_us: u64) {
        match self {
            Latencies::Exact(all) => all.push(latency_us),
            Latencies::Streaming(h) => h.saturating_record(latency_us.max(1)),
        }
    }

    fn row(&self, clients: usize) -> ClientsRow {
        match self {
            Latencies::Exact(all) => {
                let mut sorted = all.clone();
                sorted.sort_unstable();
                ClientsRow {
                    clients,
                    p50_ms: ms(percentile(&sorted, 50.0)),
                    p95_ms: ms(percentile(&sorted, 95.0)),
                    responses: sorted.len() as u64,
                }
            }
            Latencies::Streaming(h) => ClientsRow {
                clients,
                p50_ms: ms(h.value_at_quantile(0.5)),
                p95_ms: ms(h.value_at_quantile(0.95)),
                responses: h.len(),
            },
        }
    }
}

/// The scene's statistics.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    closed: VecDeque<SeriesPoint>,
    open: OpenBucket,
    by_clients: BTreeMap<usize, Latencies>,
}

impl Stats {
    /// The bucket for time `now_us`, closing the ones before it. `active` is the number of
    /// clients now; buckets nothing happened in are closed with it too.
    fn bucket(&mut self, now_us: u64, active: usize, history: History) -> &mut OpenBucket {
        let index = now_us / BUCKET_US;
        if index > self.open.index {
            let closed = std::mem::take(&mut self.open);
            let closed_index = closed.index;
            self.push_closed(closed.summary(), history);
            // Buckets nothing happened in; a bounded history would only drop the older ones.
            let mut quiet_from = closed_index + 1;
            if history == History::Bounded {
                quiet_from = quiet_from.max(index.saturating_sub(KEPT_BUCKETS as u64));
            }
            for i in quiet_from..index {
                let point = OpenBucket { index: i, clients: active, ..Default::default() }.summary();
                self.push_closed(point, history);
            }
            self.open = OpenBucket { index, ..Default::default() };
        }
        self.open.clients = self.open.clients.max(active);
        &mut self.open
    }

    fn push_closed(&mut self, point: SeriesPoint, history: History) {
        self.closed.push_back(point);
        if history == History::Bounded && self.closed.len() > KEPT_BUCKETS {
            self.closed.pop_front();
        }
    }

    pub fn response(&mut self, now_us: u64, active: usize, latency_us: u64, history: History) {
        self.bucket(now_us, active, history).latencies.push(latency_us);
        self.by_clients.entry(active).or_insert_with(|| Latencies::new(history)).record(latency_us);
    }

    pub fn refused(&mut self, now_us: u64, active: usize, history: History) {
        self.bucket(now_us, active, history).refused += 1;
    }

    pub fn failed(&mut self, now_us: u64, active: usize, history: History) {
        self.bucket(now_us, active, history).failed += 1;
    }

    pub fn queue_length(&mut self, now_us: u64, active: usize, length: usize, history: History) {
        let bucket = self.bucket(now_us, active, history);
        bucket.max_queue = bucket.max_queue.max(length);
    }

    /// The series so far, the open bucket last (if anything happened yet).
    pub fn series(&self) -> Vec<SeriesPoint> {
        let mut points: Vec<SeriesPoint> = self.closed.iter().cloned().collect();
        let open = &self.open;
        if open.index > 0 || !open.latencies.is_empty() || open.refused + open.failed > 0 || open.max_queue > 0 {
            points.push(open.summary());
        }
        points
    }

    pub fn latency_vs_clients(&self) -> Vec<ClientsRow> {
        self.by_clients.iter().map(|(&clients, latencies)| latencies.row(clients)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_percentiles_in_complete_history_and_quiet_buckets_filled() {
        let mut stats = Stats::default();
        for latency in [10_000, 20_000, 30_000, 40_000] {
            stats.response(50_000, 4, latency, History::Complete);
        }
        stats.refused(350_000, 4, History::Complete);
        let series = stats.series();
        assert_eq!(series.len(), 4, "buckets 0..=3, the quiet ones included");
        assert_eq!(series[0].p50_ms, 20.0);
        assert_eq!(series[0].p95_ms, 40.0);
        assert_eq!(series[0].rps, 40.0);
        assert_eq!((series[1].rps, series[1].clients), (0.0, 4));
        assert_eq!(series[3].refused, 1);
        assert_eq!(stats.latency_vs_clients()[0].p50_ms, 20.0);
    }

    #[test]
    fn a_bounded_history_keeps_a_minute_of_buckets() {
        let mut stats = Stats::default();
        for i in 0..10_000u64 {
            stats.response(i * BUCKET_US, 3, 12_000 + i % 7, History::Bounded);
        }
        let series = stats.series();
        assert_eq!(series.len(), KEPT_BUCKETS + 1);
        assert_eq!(series.last().unwrap().t_ms, 9_999 * 100);
        let row = &stats.latency_vs_clients()[0];
        assert_eq!(row.responses, 10_000);
        assert!((row.p50_ms - 12.0).abs() < 0.1, "{}", row.p50_ms);
    }
}
