//! A server's admission policy, shared by the step-mode scene and the live loopback server:
//! `capacity` worker slots, then a queue of at most `queue_limit`, then refusal. Whatever waits
//! in the queue (`T`) is handed back when a slot frees, so each mode decides how to resume it.

use std::collections::VecDeque;

#[derive(Debug, PartialEq, Eq)]
pub enum Admit<T> {
    /// A slot was free: start serving now.
    Start(T),
    /// All slots busy: it waits its turn.
    Queued,
    /// Slots and queue full: refuse (the job comes back to answer it).
    Refused(T),
}

#[derive(Clone, Debug)]
pub struct Admission<T> {
    pub capacity: usize,
    pub queue_limit: usize,
    busy: usize,
    queue: VecDeque<T>,
}

impl<T> Admission<T> {
    pub fn new(capacity: usize, queue_limit: usize) -> Self {
        Self { capacity: capacity.max(1), queue_limit, busy: 0, queue: VecDeque::new() }
    }

    pub fn arrive(&mut self, job: T) -> Admit<T> {
        if self.busy < self.capacity {
            self.busy += 1;
            Admit::Start(job)
        } else if self.queue.len() < self.queue_limit {
            self.queue.push_back(job);
            Admit::Queued
        } else {
            Admit::Refused(job)
        }
    }

    /// A job finished: its slot goes to the first in the queue, if any (returned to start).
    pub fn finish(&mut self) -> Option<T> {
        match self.queue.pop_front() {
            Some(next) => Some(next),
            None => {
                self.busy = self.busy.saturating_sub(1);
                None
            }
        }
    }

    /// Everything queued, and all slots freed (the server died).
    pub fn reset(&mut self) -> Vec<T> {
        self.busy = 0;
        self.queue.drain(..).collect()
    }

    pub fn busy(&self) -> usize {
        self.busy
    }

    pub fn queued(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_then_queue_then_refusal_and_slots_pass_to_the_queue() {
        let mut a = Admission::new(2, 1);
        assert_eq!(a.arrive(1), Admit::Start(1));
        assert_eq!(a.arrive(2), Admit::Start(2));
        assert_eq!(a.arrive(3), Admit::Queued);
        assert_eq!(a.arrive(4), Admit::Refused(4));
        assert_eq!(a.finish(), Some(3), "the freed slot goes to the queued job");
        assert_eq!(a.busy(), 2);
        assert_eq!(a.finish(), None);
        assert_eq!(a.busy(), 1);
    }
}
