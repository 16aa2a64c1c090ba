//! The simulated link between the two endpoints: per direction a one-way delay, jitter,
//! bandwidth (serialization time), MTU and the odds of loss, duplication and reordering, plus
//! explicit overrides for single packets. It decides each packet's fate from a seeded RNG.

use serde::{Deserialize, Serialize};

use super::rng::SimRng;

/// How one direction of the link behaves. Times are in microseconds of virtual time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkConfig {
    /// One-way propagation delay.
    pub delay_us: u64,
    /// Extra delay drawn uniformly from [0, jitter] for each packet.
    pub jitter_us: u64,
    /// Bits per second; 0 means serialization takes no time.
    pub bandwidth_bps: u64,
    /// Largest IP packet the link carries; bigger ones are fragmented (UDP) or segmented (TCP).
    pub mtu: usize,
    /// Probability that a packet is lost.
    pub loss: f64,
    /// Probability that the network delivers an extra copy of a packet.
    pub duplicate: f64,
    /// Probability that a packet is held back so later packets overtake it.
    pub reorder: f64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        Self {
            delay_us: 20_000,
            jitter_us: 0,
            bandwidth_bps: 10_000_000,
            mtu: 1500,
            loss: 0.0,
            duplicate: 0.0,
            reorder: 0.0,
        }
    }
}

impl LinkConfig {
    /// The link in one line, as presenter mode shows it in place of the sliders:
    /// "loss 20 % · dup 0 % · reorder 0 % · delay 20 ms · jitter 0 ms · 10 Mbit/s · MTU 1500".
    pub fn summary(&self) -> String {
        let speed = if self.bandwidth_bps == 0 {
            "no serialization delay".to_string()
        } else {
            format!("{} Mbit/s", self.bandwidth_bps as f64 / 1e6)
        };
        format!(
            "loss {:.0} % · dup {:.0} % · reorder {:.0} % · delay {} ms · jitter {} ms · {speed} · MTU {}",
            self.loss * 100.0,
            self.duplicate * 100.0,
            self.reorder * 100.0,
            self.delay_us as f64 / 1000.0,
            self.jitter_us as f64 / 1000.0,
            self.mtu
        )
    }
}

/// The smallest MTU IPv4 promises to carry (RFC 791); below it TCP could not even say SYN.
pub const MIN_MTU: usize = 576;
/// Ethernet jumbo frames are the largest anyone meets in a classroom.
pub const MAX_MTU: usize = 9000;

impl LinkConfig {
    /// Says what is wrong with the numbers, in one line, or nothing.
    pub fn problem(&self) -> Option<String> {
        for (name, p) in [("loss", self.loss), ("duplicate", self.duplicate), ("reorder", self.reorder)] {
            if !(0.0..=1.0).contains(&p) || p.is_nan() {
                return Some(format!("{name} must be a probability between 0 and 1, not {p}"));
            }
        }
        if !(MIN_MTU..=MAX_MTU).contains(&self.mtu) {
            return Some(format!("MTU must be between {MIN_MTU} and {MAX_MTU} bytes, not {}", self.mtu));
        }
        if self.delay_us > 10_000_000 || self.jitter_us > 10_000_000 {
            return Some("delay and jitter must be at most 10 s".into());
        }
        if self.loss >= 0.9 {
            return Some("with 90% loss or more almost nothing gets through; use less than 0.9".into());
        }
        None
    }

    /// Microseconds the link needs to put `bytes` on the wire.
    pub fn serialization_us(&self, bytes: usize) -> u64 {
        if self.bandwidth_bps == 0 { 0 } else { (bytes as u64 * 8 * 1_000_000).div_ceil(self.bandwidth_bps) }
    }
}

/// What the user asked to happen to one packet, by its number in the run (1-based).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OverrideAction {
    Drop,
    Duplicate,
    DelayUs(u64),
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacketOverride {
    pub packet: usize,
    pub action: OverrideAction,
}

/// Where a packet ended up, from the simulator's ground truth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    Delivered,
    Lost,
    /// Delivered, but after a packet sent later on the same direction.
    Reordered,
    /// An extra copy the network made of an earlier packet.
    Duplicate,
}

impl Fate {
    pub fn name(self) -> &'static str {
        match self {
            Fate::Delivered => "delivered",
            Fate::Lost => "lost",
            Fate::Reordered => "reordered",
            Fate::Duplicate => "duplicate",
        }
    }
}

/// The link's decision for one packet: when (if ever) it arrives, and whether a copy follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Delivery {
    /// Arrival time, or the time it vanished when lost.
    pub at_us: u64,
    pub lost: bool,
    pub copy_at_us: Option<u64>,
}

/// One direction of the link: it remembers when the wire is busy, so packets queue behind each other.
#[derive(Debug)]
pub struct LinkDirection {
    pub config: LinkConfig,
    busy_until_us: u64,
}

impl LinkDirection {
    pub fn new(config: LinkConfig) -> Self {
        Self { config, busy_until_us: 0 }
    }

    /// Decides the fate of a packet of `len` bytes sent at `now_us`. Four random numbers are
    /// drawn for every packet whatever happens, so an override on one packet leaves the dice
    /// for the others where they were.
    pub fn carry(&mut self, now_us: u64, len: usize, action: Option<OverrideAction>, rng: &mut SimRng) -> Delivery {
        let (loss_roll, reorder_roll, dup_roll) = (rng.unit(), rng.unit(), rng.unit());
        let jitter = rng.up_to(self.config.jitter_us);
        let c = &self.config;

        let start = now_us.max(self.busy_until_us);
        let serialization = c.serialization_us(len);
        self.busy_until_us = start + serialization;
        let mut arrive = start + serialization + c.delay_us + jitter;
        if reorder_roll < c.reorder {
            // Held back long enough that the packets behind it on a busy link overtake it.
            arrive += (c.delay_us / 2).max(3 * serialization).max(2_000);
        }
        if let Some(OverrideAction::DelayUs(extra)) = action {
            arrive += extra;
        }
        let lost = matches!(action, Some(OverrideAction::Drop)) || loss_roll < c.loss;
        if lost {
            // Drawn vanishing half-way along its flight.
            return Delivery { at_us: now_us + (arrive - now_us) / 2, lost: true, copy_at_us: None };
        }
        let duplicate = matches!(action, Some(OverrideAction::Duplicate)) || dup_roll < c.duplicate;
        let copy_at_us = duplicate.then(|| arrive + serialization.max(100));
        Delivery { at_us: arrive, lost: false, copy_at_us }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quiet() -> LinkConfig {
        LinkConfig { delay_us: 10_000, bandwidth_bps: 8_000_000, ..LinkConfig::default() }
    }

    #[test]
    fn the_summary_names_every_impairment() {
        let link = LinkConfig { loss: 0.2, ..LinkConfig::default() };
        assert_eq!(
            link.summary(),
            "loss 20 % · dup 0 % · reorder 0 % · delay 20 ms · jitter 0 ms · 10 Mbit/s · MTU 1500"
        );
    }

    #[test]
    fn serialization_queues_packets_behind_each_other() {
        let mut link = LinkDirection::new(quiet());
        let mut rng = SimRng::new(1);
        // 1000 bytes at 8 Mbit/s take 1 ms on the wire.
        let a = link.carry(0, 1000, None, &mut rng);
        let b = link.carry(0, 1000, None, &mut rng);
        assert_eq!(a.at_us, 11_000);
        assert_eq!(b.at_us, 12_000);
    }

    #[test]
    fn overrides_drop_delay_and_duplicate() {
        let mut link = LinkDirection::new(quiet());
        let mut rng = SimRng::new(1);
        assert!(link.carry(0, 100, Some(OverrideAction::Drop), &mut rng).lost);
        let delayed = link.carry(100_000, 100, Some(OverrideAction::DelayUs(5_000)), &mut rng);
        assert_eq!(delayed.at_us, 100_000 + 100 + 10_000 + 5_000);
        assert!(link.carry(200_000, 100, Some(OverrideAction::Duplicate), &mut rng).copy_at_us.is_some());
    }

    #[test]
    fn bad_numbers_are_named() {
        assert!(LinkConfig { loss: 1.5, ..quiet() }.problem().unwrap().contains("loss"));
        assert!(LinkConfig { mtu: 100, ..quiet() }.problem().unwrap().contains("MTU"));
        assert!(quiet().problem().is_none());
    }
}
