//! Runs a node in its own task on the current tokio runtime, for the CLI, the window's worker
//! and tests: events come out of a channel, the state is published a few times a second, and
//! work goes in through the node's `Client`. The task ends when the session ends or when the
//! `RunningNode` is dropped; the node's piece cache goes with it.

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use super::client::Client;
use super::config::NodeConfig;
use super::events::NodeEvent;
use super::node::Node;
use super::state::NodeState;

/// How often the state is published at most (and at least, through the node's own tick).
const STATE_EVERY: Duration = Duration::from_millis(250);
/// How long a node that leaves keeps running, so its goodbye (unregistering) goes out.
const FAREWELL: Duration = Duration::from_millis(300);

pub struct RunningNode {
    pub client: Client,
    pub events: mpsc::UnboundedReceiver<NodeEvent>,
    pub state: watch::Receiver<NodeState>,
    /// The node's own multiaddr with its peer id.
    pub address: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RunningNode {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts a node and waits until it listens.
pub async fn spawn(config: NodeConfig) -> Result<RunningNode, String> {
    let mut node = Node::start(&config)?;
    let client = node.client();
    let (events_tx, events) = mpsc::unbounded_channel();
    let (state_tx, state) = watch::channel(NodeState::default());
    let (address_tx, address_rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut address_tx = Some(address_tx);
        let mut published = Instant::now() - STATE_EVERY;
        let mut ending: Option<Instant> = None;
        loop {
            // A busy swarm always has another event ready, so this loop might never return to the
            // runtime: give way once in a while, or other nodes, the timers and the window's
            // other work on this runtime would wait behind it.
            tokio::task::consume_budget().await;
            let event = tokio::time::timeout(STATE_EVERY, node.next_event()).await.ok().flatten();
            let mut urgent = false;
            if let Some(event) = event {
                if let NodeEvent::Listening { addr } = &event
                    && let Some(tx) = address_tx.take()
                {
                    let _ = tx.send(addr.clone());
                }
                // Whoever waits on a join or an ending must hear of it at once.
                urgent = matches!(event, NodeEvent::DialFailed { .. } | NodeEvent::SessionEnded { .. });
                if events_tx.send(event).is_err() {
                    return;
                }
            }
            if urgent || published.elapsed() >= STATE_EVERY {
                published = Instant::now();
                let _ = state_tx.send(node.state());
            }
            if node.ended() {
                let since = *ending.get_or_insert_with(Instant::now);
                if since.elapsed() >= FAREWELL {
                    let _ = state_tx.send(node.state());
                    return;
                }
            }
        }
    });
    let address = tokio::time::timeout(Duration::from_secs(10), address_rx)
        .await
        .map_err(|_| "the node did not start listening".to_string())?
        .map_err(|_| "the node stopped before listening".to_string())?;
    Ok(RunningNode { client, events, state, address, task })
}

impl RunningNode {
    /// Waits until the node has joined the class and knows at least one peer in its routing
    /// table, or says why it could not.
    pub async fn joined(&mut self, patience: Duration) -> Result<(), String> {
        let deadline = Instant::now() + patience;
        loop {
            {
                let state = self.state.borrow_and_update();
                if let Some(reason) = &state.join_failure {
                    return Err(format!("could not join the class swarm: {reason}"));
                }
                if state.joined && !state.routing_table.is_empty() {
                    return Ok(());
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err("could not join the class swarm: no peer answered in time".into());
            }
            let _ = tokio::time::timeout(left.min(STATE_EVERY), self.state.changed()).await;
        }
    }

    /// The newest state.
    pub fn now(&self) -> NodeState {
        self.state.borrow().clone()
    }
}
