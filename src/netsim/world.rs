//! The step-mode engine every Network scene shares: a virtual clock, an event queue of message
//! deliveries and timers, node names and liveness, a seeded RNG and the event log. Discrete-event:
//! time jumps from one event to the next, so 10,000 nodes cost only what they do.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::kinds::{EventKind, MessageKind};
use crate::sim::rng::SimRng;

/// A scene's message type: it knows its own kind, and crosses live sockets as JSON.
pub trait SceneMessage: Clone + Serialize + DeserializeOwned + Send + 'static {
    fn kind(&self) -> MessageKind;
}

/// How much of its past a world keeps. The CLI's report wants everything; a window that runs
/// for an hour wants only what it can show, so its memory stays flat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum History {
    #[default]
    Complete,
    Bounded,
}

/// Log lines a bounded world keeps: what the view's event list shows.
pub const KEPT_EVENTS: usize = 2_000;

/// One line of a scene's story: what happened, when, between whom.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogEvent {
    pub t_us: u64,
    pub kind: EventKind,
    pub from: String,
    pub to: String,
    pub detail: String,
}

/// What the queue holds: a message arriving at a node, or a node's timer going off.
#[derive(Clone, Debug)]
pub enum Item<M> {
    Deliver { from: usize, to: usize, msg: M },
    Timer { node: usize, tag: u64 },
}

#[derive(Clone)]
struct Entry<M> {
    at: u64,
    order: u64,
    item: Item<M>,
}

impl<M> PartialEq for Entry<M> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.order) == (other.at, other.order)
    }
}
impl<M> Eq for Entry<M> {}
impl<M> PartialOrd for Entry<M> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<M> Ord for Entry<M> {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.order).cmp(&(other.at, other.order))
    }
}

/// A message on its way, for drawing it along its link.
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    /// The message's number in its scene (1, 2, …), so a view can follow it from frame to frame.
    pub id: u64,
    pub from: usize,
    pub to: usize,
    pub sent_us: u64,
    pub arrive_us: u64,
    pub kind: MessageKind,
}

#[derive(Clone)]
pub struct World<M> {
    pub now: u64,
    queue: BinaryHeap<Reverse<Entry<M>>>,
    order: u64,
    pub rng: SimRng,
    pub names: Vec<String>,
    pub alive: Vec<bool>,
    /// One-way latency of every link, plus up to `jitter_us` more.
    pub latency_us: u64,
    pub jitter_us: u64,
    pub log: Vec<LogEvent>,
    /// Lines ever logged, including those a bounded log has forgotten.
    pub log_pushed: u64,
    /// Big benchmark runs switch the log off; the counters still count.
    pub logging: bool,
    pub history: History,
    pub messages_sent: u64,
    pub messages_delivered: u64,
    /// Recent sends, for the view to animate (kept short).
    pub flights: Vec<InFlight>,
    /// Live mode: messages go to `outbox` for real sockets instead of the queue.
    pub(crate) live: bool,
    pub(crate) outbox: Vec<(usize, usize, M)>,
}

/// How many in-flight messages the view may draw; older ones are forgotten.
const MAX_FLIGHTS: usize = 4096;

impl<M: SceneMessage> World<M> {
    pub fn new(seed: u64, latency_us: u64, jitter_us: u64) -> Self {
        Self {
            now: 0,
            queue: BinaryHeap::new(),
            order: 0,
            rng: SimRng::new(seed),
            names: Vec::new(),
            alive: Vec::new(),
            latency_us,
            jitter_us,
            log: Vec::new(),
            log_pushed: 0,
            logging: true,
            history: History::Complete,
            messages_sent: 0,
            messages_delivered: 0,
            flights: Vec::new(),
            live: false,
            outbox: Vec::new(),
        }
    }

    /// Adds a node and returns its index.
    pub fn add_node(&mut self, name: String) -> usize {
        self.names.push(name);
        self.alive.push(true);
        self.names.len() - 1
    }

    /// Every node as the view draws it, all with `role`, their liveness and no details yet.
    pub fn graph_nodes(&self, role: crate::netsim::Role) -> Vec<crate::netsim::GraphNode> {
        let node = |(i, name): (usize, &String)| crate::netsim::GraphNode {
            name: name.clone(),
            role,
            alive: self.alive[i],
            alarm: false,
            can_fail: false,
            details: Vec::new(),
        };
        self.names.iter().enumerate().map(node).collect()
    }

    pub fn node(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    fn push(&mut self, at: u64, item: Item<M>) {
        self.order += 1;
        self.queue.push(Reverse(Entry { at, order: self.order, item }));
    }

    /// Sends `msg` over the link from `from` to `to`; it arrives after the link's latency.
    pub fn send(&mut self, from: usize, to: usize, msg: M) {
        let delay = self.latency_us + self.rng.up_to(self.jitter_us);
        self.send_after(from, to, msg, delay);
    }

    /// Sends with an explicit delay (a reply that takes service time, say).
    pub fn send_after(&mut self, from: usize, to: usize, msg: M, delay_us: u64) {
        self.messages_sent += 1;
        let kind = msg.kind();
        if self.live {
            // Real sockets carry it; the flight is drawn for about a link's latency.
            self.flights.push(InFlight {
                id: self.messages_sent,
                from,
                to,
                sent_us: self.now,
                arrive_us: self.now + self.latency_us,
                kind,
            });
            if self.flights.len() >= MAX_FLIGHTS {
                self.flights.drain(..MAX_FLIGHTS / 2);
            }
            self.outbox.push((from, to, msg));
            return;
        }
        let arrive_us = self.now + delay_us;
        if self.logging {
            if self.flights.len() >= MAX_FLIGHTS {
                self.flights.drain(..MAX_FLIGHTS / 2);
            }
            self.flights.push(InFlight { id: self.messages_sent, from, to, sent_us: self.now, arrive_us, kind });
        }
        self.push(arrive_us, Item::Deliver { from, to, msg });
    }

    /// Queues an item at the current time (a frame that arrived over a real socket).
    pub(crate) fn inject(&mut self, item: Item<M>) {
        self.push(self.now, item);
    }

    pub fn timer(&mut self, node: usize, delay_us: u64, tag: u64) {
        self.push(self.now + delay_us, Item::Timer { node, tag });
    }

    pub fn next_time(&self) -> Option<u64> {
        self.queue.peek().map(|Reverse(e)| e.at)
    }

    /// Takes the next event and moves the clock to it.
    pub fn pop(&mut self) -> Option<Item<M>> {
        let Reverse(entry) = self.queue.pop()?;
        self.now = self.now.max(entry.at);
        if matches!(entry.item, Item::Deliver { .. }) {
            self.messages_delivered += 1;
        }
        Some(entry.item)
    }

    pub fn advance_to(&mut self, t_us: u64) {
        self.now = self.now.max(t_us);
    }

    pub fn record(&mut self, kind: EventKind, from: usize, to: usize, detail: impl Into<String>) {
        if self.logging {
            let name = |i: usize| self.names.get(i).cloned().unwrap_or_default();
            self.push_log(LogEvent { t_us: self.now, kind, from: name(from), to: name(to), detail: detail.into() });
        }
    }

    /// Adds a line to the log; a bounded world forgets the oldest, half a log at a time so the
    /// cost per line stays constant.
    pub fn push_log(&mut self, event: LogEvent) {
        self.log.push(event);
        self.log_pushed += 1;
        if self.history == History::Bounded && self.log.len() >= 2 * KEPT_EVENTS {
            self.log.drain(..self.log.len() - KEPT_EVENTS);
        }
    }

    /// Forgets in-flight drawings that have landed.
    pub fn prune_flights(&mut self) {
        let now = self.now;
        self.flights.retain(|f| f.arrive_us > now);
    }
}
