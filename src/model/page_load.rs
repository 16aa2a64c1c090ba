//! The Fetch view's model: the page load on screen, changed only by applying worker events. Events
//! from a load that has been superseded or stopped are ignored, so a late reply from an old
//! request can never overwrite the new one.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::record::{Exchange, ExchangeState, FetchError, FetchEvent, LoadId};

/// Where a page load is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadState {
    Running,
    /// Ran to the end (individual exchanges may still have failed, such as a missing image).
    Done,
    /// Stopped by its own failure (a DNS failure, a refused connection, a bad URL, …).
    Failed(FetchError),
    /// Stopped by the user.
    Stopped,
}

/// One page load as the UI knows it.
#[derive(Clone, Debug)]
pub struct PageLoad {
    pub id: LoadId,
    pub url: String,
    pub exchanges: Vec<Arc<Exchange>>,
    /// Body bytes received so far by exchanges still downloading.
    pub progress: BTreeMap<usize, u64>,
    pub state: LoadState,
    /// When the load began, by the wall clock (HAR's `startedDateTime`).
    pub started: web_time::SystemTime,
}

impl PageLoad {
    pub fn new(id: LoadId, url: String) -> Self {
        Self {
            id,
            url,
            exchanges: Vec::new(),
            progress: BTreeMap::new(),
            state: LoadState::Running,
            started: web_time::SystemTime::now(),
        }
    }

    /// A load that failed before it could start (a malformed URL): nothing went to the worker.
    pub fn failed_before_start(id: LoadId, url: String, error: FetchError) -> Self {
        Self { state: LoadState::Failed(error), ..Self::new(id, url) }
    }

    pub fn is_running(&self) -> bool {
        self.state == LoadState::Running
    }

    pub fn apply(&mut self, event: FetchEvent) {
        if !self.is_running() {
            return;
        }
        match event {
            FetchEvent::Exchange(exchange) => {
                let index = exchange.index;
                if exchange.is_finished() {
                    self.progress.remove(&index);
                }
                let known = self.exchanges.len();
                if index < known {
                    self.exchanges[index] = exchange;
                } else if index == known {
                    self.exchanges.push(exchange);
                } else {
                    tracing::warn!(index, known, "exchange event out of order");
                }
            }
            FetchEvent::BodyProgress { index, received } => {
                self.progress.insert(index, received);
            }
            FetchEvent::Finished { error } => {
                self.progress.clear();
                self.state = match error {
                    None => LoadState::Done,
                    Some(e) if e.kind == crate::record::ErrorKind::Cancelled => LoadState::Stopped,
                    Some(e) => LoadState::Failed(e),
                };
            }
        }
    }

    /// The user pressed Stop: the load is over as far as the UI is concerned, at once.
    pub fn stop(&mut self) {
        if self.is_running() {
            self.state = LoadState::Stopped;
            self.progress.clear();
            for exchange in &mut self.exchanges {
                if !exchange.is_finished() {
                    let mut stopped = (**exchange).clone();
                    stopped.state = ExchangeState::Cancelled;
                    *exchange = Arc::new(stopped);
                }
            }
        }
    }

    /// When the last exchange ended, in microseconds since the load began.
    pub fn end_us(&self) -> u64 {
        self.exchanges.iter().filter_map(|e| e.timings.end_us.or(Some(e.timings.start_us))).max().unwrap_or(0)
    }
}

/// The Fetch view's page loads: the one on screen, and the numbering of the next.
#[derive(Debug, Default)]
pub struct FetchModel {
    pub current: Option<PageLoad>,
    last_id: LoadId,
}

impl FetchModel {
    /// Starts a new load on screen and returns its id; the previous load, if still running, is
    /// superseded (its late events will be ignored).
    pub fn begin(&mut self, url: String) -> LoadId {
        self.last_id += 1;
        self.current = Some(PageLoad::new(self.last_id, url));
        self.last_id
    }

    pub fn begin_failed(&mut self, url: String, error: FetchError) {
        self.last_id += 1;
        self.current = Some(PageLoad::failed_before_start(self.last_id, url, error));
    }

    /// Applies an event if it belongs to the load on screen; returns whether it did.
    pub fn apply(&mut self, load: LoadId, event: FetchEvent) -> bool {
        match &mut self.current {
            Some(current) if current.id == load => {
                current.apply(event);
                true
            }
            _ => false,
        }
    }

    pub fn running_load(&self) -> Option<LoadId> {
        self.current.as_ref().filter(|l| l.is_running()).map(|l| l.id)
    }
}

/// The replay, byte for byte, of one exchange over TCP in the simulator: what the Fetch view's
/// "Show as packets" runs, and a lesson's `{ packets = "fetched" }`. None when it sent nothing.
pub fn replay_scene(exchange: &Exchange) -> Option<crate::sim::Scene> {
    (!exchange.request.is_empty()).then(|| {
        crate::sim::Scene::fetch_replay(
            &exchange.url,
            exchange.request.kept().to_vec(),
            exchange.response.kept().to_vec(),
            exchange.response.is_truncated(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ErrorKind, ExchangeRole};

    fn exchange(index: usize, state: ExchangeState) -> Arc<Exchange> {
        let mut e = Exchange::new(index, format!("http://x.test/{index}"), None, ExchangeRole::Page, 0);
        e.state = state;
        Arc::new(e)
    }

    #[test]
    fn exchanges_are_added_then_updated_in_place() {
        let mut load = PageLoad::new(1, "http://x.test/".into());
        load.apply(FetchEvent::Exchange(exchange(0, ExchangeState::Running(crate::record::Phase::Dns))));
        load.apply(FetchEvent::BodyProgress { index: 0, received: 10 });
        load.apply(FetchEvent::Exchange(exchange(0, ExchangeState::Done)));
        assert_eq!(load.exchanges.len(), 1);
        assert_eq!(load.exchanges[0].state, ExchangeState::Done);
        assert!(load.progress.is_empty());
        load.apply(FetchEvent::Finished { error: None });
        assert_eq!(load.state, LoadState::Done);
    }

    #[test]
    fn stale_events_from_a_superseded_load_are_ignored() {
        let mut model = FetchModel::default();
        let old = model.begin("http://x.test/slow".into());
        let new = model.begin("http://x.test/".into());
        assert!(!model.apply(old, FetchEvent::Exchange(exchange(0, ExchangeState::Done))));
        assert!(model.apply(new, FetchEvent::Exchange(exchange(0, ExchangeState::Done))));
        assert_eq!(model.current.as_ref().unwrap().exchanges.len(), 1);
    }

    #[test]
    fn after_stop_nothing_more_changes() {
        let mut model = FetchModel::default();
        let id = model.begin("http://x.test/".into());
        model.apply(id, FetchEvent::Exchange(exchange(0, ExchangeState::Running(crate::record::Phase::Wait))));
        model.current.as_mut().unwrap().stop();
        model.apply(id, FetchEvent::Exchange(exchange(1, ExchangeState::Done)));
        model.apply(id, FetchEvent::Finished { error: Some(FetchError::new(ErrorKind::Dns, None, "late")) });
        let load = model.current.as_ref().unwrap();
        assert_eq!(load.state, LoadState::Stopped);
        assert_eq!(load.exchanges.len(), 1);
        assert_eq!(load.exchanges[0].state, ExchangeState::Cancelled);
        assert_eq!(model.running_load(), None);
    }
}
