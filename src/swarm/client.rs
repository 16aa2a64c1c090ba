//! A handle on a running node for work that takes many steps (sharing a file, fetching one,
//! repairing pieces, a traced lookup): it sends commands to the node's event loop and awaits the
//! answers, so that work is written as plain async code while the swarm stays in one task.

use std::sync::{Arc, Mutex};

use libp2p::request_response::ResponseChannel;
use libp2p::{Multiaddr, PeerId};
use tokio::sync::{mpsc, oneshot};

use super::follow::{LessonPosition, Teaching, Vote};
use super::pieces::PieceStore;
use super::telemetry::Order;
use super::wire::{Key, Request, Response};

/// What work asks of the node's event loop.
pub enum Command {
    /// The peers closest to `key`, found by a Kademlia lookup (closest first, never this node):
    /// as many as a download needs (`NodeConfig::lookup_results`), or, `wide`, Kademlia's 20.
    Closest { key: Key, wide: bool, reply: oneshot::Sender<Vec<PeerId>> },
    /// The peers closest to `key` in this node's own routing table, with their addresses.
    LocalClosest { key: Key, reply: oneshot::Sender<Vec<(PeerId, Vec<Multiaddr>)>> },
    /// One request to one peer (dialling `addrs` if not connected).
    Request { peer: PeerId, addrs: Vec<Multiaddr>, request: Request, reply: oneshot::Sender<Result<Response, String>> },
    /// Answers an inbound request later (a capped upload waits first).
    Respond { channel: ResponseChannel<Response>, response: Response },
    /// Tell the class something as the teacher.
    Order(Order),
    /// Where the teacher's lesson stands now (the teacher's node only).
    Teach(LessonPosition),
    /// The lesson the teacher's node teaches and this step's rounds (None on a student's node).
    Tallies { reply: oneshot::Sender<Option<Teaching>> },
    /// A student's answer, sent to the teacher's node; the reply says whether it counted.
    Vote { vote: Vote, reply: oneshot::Sender<Result<(), String>> },
    /// Log out of the teacher's registry (false) while staying in the class, or back in (true).
    LogIn(bool),
    /// A traced lookup finished: keep it for the state.
    LookupDone(super::lookup_trace::LookupTrace),
    /// Cut a banned peer off (a moment after the ban went out, so it hears of it first).
    Block { peer: PeerId },
    /// Unregister, and stop.
    Leave,
}

/// A cloneable handle on a node.
#[derive(Clone)]
pub struct Client {
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    pub(crate) store: Arc<Mutex<PieceStore>>,
    pub local: PeerId,
    pub replication: usize,
}

impl Client {
    fn send(&self, command: Command) -> Result<(), String> {
        self.commands.send(command).map_err(|_| "the node has stopped".to_string())
    }

    /// The peers a download, a put or a repair looks at first: the few closest to `key`.
    pub async fn closest(&self, key: Key) -> Result<Vec<PeerId>, String> {
        self.lookup(key, false).await
    }

    /// A wider lookup, for when none of the closest few had what was asked for: with k as small
    /// as a class's, the peers that knew a holder may have left, and a lookup that asks more
    /// peers still finds it.
    pub async fn closest_wide(&self, key: Key) -> Result<Vec<PeerId>, String> {
        self.lookup(key, true).await
    }

    async fn lookup(&self, key: Key, wide: bool) -> Result<Vec<PeerId>, String> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Closest { key, wide, reply })?;
        answer.await.map_err(|_| "the node has stopped".to_string())
    }

    pub async fn local_closest(&self, key: Key) -> Result<Vec<(PeerId, Vec<Multiaddr>)>, String> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::LocalClosest { key, reply })?;
        answer.await.map_err(|_| "the node has stopped".to_string())
    }

    pub async fn request(&self, peer: PeerId, request: Request) -> Result<Response, String> {
        self.request_via(peer, Vec::new(), request).await
    }

    pub async fn request_via(&self, peer: PeerId, addrs: Vec<Multiaddr>, request: Request) -> Result<Response, String> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Request { peer, addrs, request, reply })?;
        answer.await.map_err(|_| "the node has stopped".to_string())?
    }

    pub fn order(&self, order: Order) -> Result<(), String> {
        self.send(Command::Order(order))
    }

    /// On the teacher's node: the class is to show this moment of the lesson.
    pub fn teach(&self, position: LessonPosition) -> Result<(), String> {
        self.send(Command::Teach(position))
    }

    /// Answers the teacher's open question; Ok once the teacher's node has counted it.
    pub async fn vote(&self, vote: Vote) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Vote { vote, reply })?;
        answer.await.map_err(|_| "the node has stopped".to_string())?
    }

    /// On the teacher's node: where the lesson stands and this step's rounds, counted so far.
    pub async fn tallies(&self) -> Result<Option<Teaching>, String> {
        let (reply, answer) = oneshot::channel();
        self.send(Command::Tallies { reply })?;
        answer.await.map_err(|_| "the node has stopped".to_string())
    }

    /// Logs this student out of the teacher's registry, staying in the class (false), or back in.
    pub fn set_logged_in(&self, on: bool) -> Result<(), String> {
        self.send(Command::LogIn(on))
    }

    pub fn leave(&self) -> Result<(), String> {
        self.send(Command::Leave)
    }

    pub(crate) fn lookup_done(&self, trace: super::lookup_trace::LookupTrace) {
        let _ = self.send(Command::LookupDone(trace));
    }

    /// Runs `f` on this node's piece store (briefly: the node's loop shares it).
    pub fn with_store<T>(&self, f: impl FnOnce(&mut PieceStore) -> T) -> T {
        let mut store = self.store.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut store)
    }
}
