//! When a swarm node does its periodic work, and how much it lets each peer ask of it — decided
//! without a clock: every method takes `now`, so the node's loop passes the instant an event
//! arrived and the tests pass any instant they like (as `sim` and `netsim` take virtual time).
//!
//! - On a node the teacher's registry did not seed (`node/table.rs`), the second bootstrap, 10 s
//!   after joining (Kademlia's own automatic and periodic ones are off: see `behaviour.rs`; after
//!   that, tables learn from the connections peers make). A seeded node needs none.
//! - Telemetry, on a period that grows with the class (a bounded number of messages a second for
//!   the whole class), at once when this node's pieces change; a report unheard for four periods
//!   is stale.
//! - The renewal of the log-in at the teacher's registry, a third of the way through its time.
//! - The repair pass, on its period, and again at the next tick after a peer's connection
//!   closed (the node starts one at once, too).
//! - How often the class is rebuilt for the state.
//! - Per peer: requests a second (refused above one rate, cut off above another), one message
//!   report per half second, and the upload cap's queue.

use std::collections::HashMap;
use std::hash::Hash;
use std::time::{Duration, Instant};

/// How soon after joining the routing table is refreshed once more, to meet the classmates who
/// joined meanwhile. Kademlia's own bootstraps are off (it would start one whenever a small table
/// gains a peer, and every five minutes); a table still gains every peer that connects. A
/// bootstrap is a lookup per bucket that dials dozens of peers: repeating it every few seconds
/// made a class of 100 spend its time opening connections.
pub const BOOTSTRAP_AGAIN: Duration = Duration::from_secs(10);
/// Bootstraps a node starts itself: the first once a peer is known, the second a little later.
pub const OWN_BOOTSTRAPS: u32 = 2;
/// How often a node tells the class how it is, in a class of up to 20.
pub const TELEMETRY_EVERY: Duration = Duration::from_secs(2);
/// How many telemetry messages the whole class sends a second at most, whatever its size. Every
/// node hears, and checks the signature of, every one: with a fixed period the work grows with
/// the square of the class, so the period grows with the class instead.
pub const CLASS_TELEMETRY_PER_SECOND: f64 = 4.0;
/// A peer unheard for this many periods is drawn as gone.
pub const STALE_AFTER_PERIODS: u32 = 4;
/// How often the class in the state is rebuilt at most.
pub const CLASS_REBUILT_EVERY: Duration = Duration::from_secs(1);
/// A student reports its messages once a second; the teacher takes at most one report per
/// student in this time.
pub const MIN_REPORT_GAP: Duration = Duration::from_millis(500);
/// Requests one peer may make per second before it is refused, and before it is cut off.
pub const REQUESTS_PER_SECOND: u32 = 300;
pub const CUT_OFF_PER_SECOND: u32 = 1000;

/// The telemetry period in a class of `class` peers (this node included).
pub fn telemetry_every(class: usize) -> Duration {
    TELEMETRY_EVERY.max(Duration::from_secs_f64(class as f64 / CLASS_TELEMETRY_PER_SECOND))
}

/// How long a peer's telemetry counts, in a class of `class` peers.
pub fn stale_after(class: usize) -> Duration {
    telemetry_every(class) * STALE_AFTER_PERIODS
}

/// The periodic jobs due at one tick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Due {
    pub bootstrap: bool,
    pub telemetry: bool,
    pub repair: bool,
    pub renew_log_in: bool,
}

/// The node's periodic jobs and when each last ran.
#[derive(Debug)]
pub struct Schedule {
    repair_every: Duration,
    registration_ttl: Duration,
    /// Bootstraps that started (Kademlia refuses one on an empty table).
    bootstraps: u32,
    last_bootstrap_try: Instant,
    last_telemetry: Instant,
    last_repair: Instant,
    /// A peer's connection closed: it may have held pieces, so repair at the next tick.
    repair_soon: bool,
    logged_in_at: Option<Instant>,
    class_built: Option<Instant>,
}

impl Schedule {
    /// A node that starts at `now`.
    pub fn new(now: Instant, repair_every: Duration, registration_ttl: Duration) -> Schedule {
        Schedule {
            repair_every,
            registration_ttl,
            bootstraps: 0,
            last_bootstrap_try: now,
            last_telemetry: now,
            last_repair: now,
            repair_soon: false,
            logged_in_at: None,
            class_built: None,
        }
    }

    pub fn bootstraps(&self) -> u32 {
        self.bootstraps
    }

    /// A bootstrap started (the first, when a peer became known, or one this schedule asked for).
    pub fn bootstrapped(&mut self) {
        self.bootstraps += 1;
    }

    /// The routing table was filled from the teacher's registry: no bootstraps are needed.
    pub fn seeded(&mut self) {
        self.bootstraps = self.bootstraps.max(OWN_BOOTSTRAPS);
    }

    /// The log-in at the teacher's registry was sent (or renewed) at `now`.
    pub fn logged_in(&mut self, now: Instant) {
        self.logged_in_at = Some(now);
    }

    /// The student logged out: no renewals until it logs in again.
    pub fn logged_out(&mut self) {
        self.logged_in_at = None;
    }

    /// A peer's connection closed for a reason of its own: check the pieces at the next tick.
    pub fn repair_soon(&mut self) {
        self.repair_soon = true;
    }

    /// What is due at the tick at `now`, in a class of `class` peers; `pieces_changed` says this
    /// node's pieces differ from those it last told the class about (news worth telling at once).
    pub fn tick(&mut self, now: Instant, class: usize, pieces_changed: bool) -> Due {
        let mut due = Due::default();
        if self.bootstraps < OWN_BOOTSTRAPS && now.saturating_duration_since(self.last_bootstrap_try) >= BOOTSTRAP_AGAIN
        {
            self.last_bootstrap_try = now;
            due.bootstrap = true;
        }
        let period = if pieces_changed { TELEMETRY_EVERY } else { telemetry_every(class) };
        if now.saturating_duration_since(self.last_telemetry) >= period {
            self.last_telemetry = now;
            due.telemetry = true;
        }
        if self.repair_soon || now.saturating_duration_since(self.last_repair) >= self.repair_every {
            self.repair_soon = false;
            self.last_repair = now;
            due.repair = true;
        }
        due.renew_log_in =
            self.logged_in_at.is_some_and(|at| now.saturating_duration_since(at) >= self.registration_ttl / 3);
        due
    }

    /// True when the class in the state should be rebuilt at `now` (at most once a second); the
    /// caller rebuilds it.
    pub fn rebuild_class(&mut self, now: Instant) -> bool {
        if self.class_built.is_some_and(|built| now.saturating_duration_since(built) < CLASS_REBUILT_EVERY) {
            return false;
        }
        self.class_built = Some(now);
        true
    }
}

/// What to do with one more request from a peer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rate {
    Allowed,
    /// Over its rate: refuse this request.
    Refused,
    /// Far over: refuse it and close the peer's connection.
    CutOff,
}

/// Counts each peer's requests in one-second windows.
#[derive(Debug)]
pub struct RateLimiter<K> {
    windows: HashMap<K, (Instant, u32)>,
}

impl<K> Default for RateLimiter<K> {
    fn default() -> Self {
        Self { windows: HashMap::new() }
    }
}

impl<K: Hash + Eq> RateLimiter<K> {
    /// Counts a request from `peer` at `now`.
    pub fn count(&mut self, peer: K, now: Instant) -> Rate {
        let window = self.windows.entry(peer).or_insert((now, 0));
        if now.saturating_duration_since(window.0) >= Duration::from_secs(1) {
            *window = (now, 0);
        }
        window.1 += 1;
        match window.1 {
            n if n > CUT_OFF_PER_SECOND => Rate::CutOff,
            n if n > REQUESTS_PER_SECOND => Rate::Refused,
            _ => Rate::Allowed,
        }
    }

    /// The peer is gone: its window goes too.
    pub fn forget(&mut self, peer: &K) {
        self.windows.remove(peer);
    }
}

/// On the teacher's node: takes at most one message report per student per `MIN_REPORT_GAP`.
#[derive(Debug)]
pub struct ReportGate<K> {
    last: HashMap<K, Instant>,
}

impl<K> Default for ReportGate<K> {
    fn default() -> Self {
        Self { last: HashMap::new() }
    }
}

impl<K: Hash + Eq> ReportGate<K> {
    /// True when a report from `peer` at `now` is taken.
    pub fn accept(&mut self, peer: K, now: Instant) -> bool {
        if self.last.get(&peer).is_some_and(|at| now.saturating_duration_since(*at) < MIN_REPORT_GAP) {
            return false;
        }
        self.last.insert(peer, now);
        true
    }

    /// Forgets students long unheard, so the map stays as small as the class.
    pub fn trim(&mut self, now: Instant) {
        self.last.retain(|_, at| now.saturating_duration_since(*at) < MIN_REPORT_GAP * 10);
    }
}

/// The upload cap: pieces go out one after another at `rate` bytes a second.
#[derive(Debug)]
pub struct UploadCap {
    rate: Option<u64>,
    free_at: Option<Instant>,
}

impl UploadCap {
    /// No cap when `rate` is None or 0.
    pub fn new(rate: Option<u64>) -> UploadCap {
        UploadCap { rate: rate.filter(|r| *r > 0), free_at: None }
    }

    /// How long to hold back `len` bytes asked for at `now`; None without a cap.
    pub fn delay(&mut self, len: usize, now: Instant) -> Option<Duration> {
        let rate = self.rate?;
        let start = self.free_at.map_or(now, |free| free.max(now));
        let free_at = start + Duration::from_secs_f64(len as f64 / rate as f64);
        self.free_at = Some(free_at);
        Some(free_at - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPAIR: Duration = Duration::from_secs(5);
    const TTL: Duration = Duration::from_secs(60);

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    /// Ticks once a second from `from` to `to` (seconds after `t0`), collecting what was due.
    fn ticks(schedule: &mut Schedule, t0: Instant, from: u64, to: u64, class: usize) -> Vec<(u64, Due)> {
        (from..=to).map(|s| (s, schedule.tick(t0 + secs(s), class, false))).collect()
    }

    #[test]
    fn the_second_bootstrap_comes_ten_seconds_in_and_then_no_more() {
        let t0 = Instant::now();
        let mut schedule = Schedule::new(t0, REPAIR, TTL);
        // The first bootstrap starts when a peer becomes known.
        schedule.bootstrapped();
        let mut due = Vec::new();
        for s in 1..=600 {
            if schedule.tick(t0 + secs(s), 3, false).bootstrap {
                due.push(s);
                // Kademlia starts it: a peer is known.
                schedule.bootstrapped();
            }
        }
        assert_eq!(due, vec![10], "once, ten seconds in, and never again");
        assert_eq!(schedule.bootstraps(), OWN_BOOTSTRAPS);
    }

    #[test]
    fn a_table_seeded_from_the_registry_needs_no_bootstrap() {
        let t0 = Instant::now();
        let mut schedule = Schedule::new(t0, REPAIR, TTL);
        schedule.seeded();
        assert!(ticks(&mut schedule, t0, 1, 600, 200).iter().all(|(_, d)| !d.bootstrap));
    }

    #[test]
    fn an_empty_table_is_tried_again_every_ten_seconds() {
        let t0 = Instant::now();
        let mut schedule = Schedule::new(t0, REPAIR, TTL);
        // Kademlia refuses every try (nobody known): the schedule keeps asking.
        let due: Vec<u64> =
            ticks(&mut schedule, t0, 1, 35, 1).into_iter().filter(|(_, d)| d.bootstrap).map(|(s, _)| s).collect();
        assert_eq!(due, vec![10, 20, 30]);
    }

    #[test]
    fn telemetry_goes_every_two_seconds_in_a_small_class_and_slower_in_a_large_one() {
        let t0 = Instant::now();
        let mut small = Schedule::new(t0, REPAIR, TTL);
        let due: Vec<u64> =
            ticks(&mut small, t0, 1, 10, 5).into_iter().filter(|(_, d)| d.telemetry).map(|(s, _)| s).collect();
        assert_eq!(due, vec![2, 4, 6, 8, 10]);
        // 200 peers at 4 messages a second for the whole class: one every 50 s each.
        assert_eq!(telemetry_every(200), secs(50));
        let mut large = Schedule::new(t0, REPAIR, TTL);
        let due: Vec<u64> =
            ticks(&mut large, t0, 1, 120, 200).into_iter().filter(|(_, d)| d.telemetry).map(|(s, _)| s).collect();
        assert_eq!(due, vec![50, 100]);
        assert_eq!(stale_after(200), secs(200));
        assert_eq!(stale_after(3), secs(8));
    }

    #[test]
    fn changed_pieces_are_told_at_the_short_period_even_in_a_large_class() {
        let t0 = Instant::now();
        let mut schedule = Schedule::new(t0, REPAIR, TTL);
        assert!(!schedule.tick(t0 + secs(1), 200, true).telemetry, "not sooner than the short period");
        assert!(schedule.tick(t0 + secs(2), 200, true).telemetry);
        assert!(!schedule.tick(t0 + secs(3), 200, false).telemetry, "back to the class-sized period");
    }

    #[test]
    fn the_log_in_is_renewed_a_third_of_the_way_through_its_time() {
        let t0 = Instant::now();
        let mut schedule = Schedule::new(t0, REPAIR, TTL);
        assert!(ticks(&mut schedule, t0, 1, 100, 3).iter().all(|(_, d)| !d.renew_log_in), "never logged in");
        schedule.logged_in(t0 + secs(100));
        let first = ticks(&mut schedule, t0, 101, 200, 3).into_iter().find(|(_, d)| d.renew_log_in).map(|(s, _)| s);
        assert_eq!(first, Some(120), "20 s of a 60 s log-in");
        schedule.logged_in(t0 + secs(120));
        assert!(!schedule.tick(t0 + secs(139), 3, false).renew_log_in);
        assert!(schedule.tick(t0 + secs(140), 3, false).renew_log_in);
    }

    #[test]
    fn repair_runs_on_its_period_and_at_the_next_tick_after_a_peer_leaves() {
        let t0 = Instant::now();
        let mut schedule = Schedule::new(t0, REPAIR, TTL);
        let due: Vec<u64> =
            ticks(&mut schedule, t0, 1, 12, 3).into_iter().filter(|(_, d)| d.repair).map(|(s, _)| s).collect();
        assert_eq!(due, vec![5, 10]);
        schedule.repair_soon();
        assert!(schedule.tick(t0 + secs(13), 3, false).repair, "a peer left: repair now");
        assert!(!schedule.tick(t0 + secs(14), 3, false).repair, "then the period again");
        assert!(schedule.tick(t0 + secs(18), 3, false).repair);
    }

    #[test]
    fn the_class_is_rebuilt_at_most_once_a_second() {
        let t0 = Instant::now();
        let mut schedule = Schedule::new(t0, REPAIR, TTL);
        assert!(schedule.rebuild_class(t0));
        assert!(!schedule.rebuild_class(t0 + Duration::from_millis(999)));
        assert!(schedule.rebuild_class(t0 + secs(1)));
    }

    #[test]
    fn a_peer_over_its_rate_is_refused_then_cut_off_and_a_new_second_starts_afresh() {
        let t0 = Instant::now();
        let mut rates = RateLimiter::default();
        let verdicts: Vec<Rate> = (0..1_001).map(|_| rates.count(7u32, t0)).collect();
        assert!(verdicts[..300].iter().all(|r| *r == Rate::Allowed));
        assert!(verdicts[300..1_000].iter().all(|r| *r == Rate::Refused));
        assert_eq!(verdicts[1_000], Rate::CutOff);
        assert_eq!(rates.count(8u32, t0), Rate::Allowed, "another peer has its own window");
        assert_eq!(rates.count(7u32, t0 + Duration::from_millis(999)), Rate::CutOff, "still the same second");
        assert_eq!(rates.count(7u32, t0 + secs(1)), Rate::Allowed, "a new second");
        rates.count(7u32, t0 + secs(1));
        rates.forget(&7);
        assert!(!rates.windows.contains_key(&7));
    }

    #[test]
    fn one_message_report_per_student_per_half_second() {
        let t0 = Instant::now();
        let mut gate = ReportGate::default();
        assert!(gate.accept("a", t0));
        assert!(!gate.accept("a", t0 + Duration::from_millis(499)));
        assert!(gate.accept("b", t0 + Duration::from_millis(499)), "each student on its own");
        assert!(gate.accept("a", t0 + Duration::from_millis(500)));
        gate.trim(t0 + secs(6));
        assert!(gate.last.is_empty(), "students unheard for 5 s are forgotten");
    }

    #[test]
    fn capped_uploads_queue_one_after_another_and_an_idle_cap_starts_now() {
        let t0 = Instant::now();
        let mut cap = UploadCap::new(Some(1_000));
        assert_eq!(cap.delay(500, t0), Some(Duration::from_millis(500)));
        assert_eq!(cap.delay(500, t0), Some(secs(1)), "the second waits for the first");
        assert_eq!(cap.delay(250, t0 + secs(5)), Some(Duration::from_millis(250)), "idle: from now");
        assert_eq!(UploadCap::new(None).delay(500, t0), None);
        assert_eq!(UploadCap::new(Some(0)).delay(500, t0), None, "0 means no cap");
    }
}
