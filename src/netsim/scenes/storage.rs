//! Replicated storage (S24): a file split into pieces, each stored on r peers. When a peer dies
//! the tracker (super-1) notices, and every piece the peer held is copied again from a surviving
//! replica onto another peer, back to r copies; the file reads back with the same hash. A piece
//! whose every holder died is lost, and the state says which.

use std::collections::BTreeSet;

use xxhash_rust::xxh3::xxh3_128;

use crate::netsim::state::{PieceState, StorageState};
use crate::netsim::world::{Item, SceneMessage, World};
use crate::netsim::{Action, EventKind, Graph, MessageKind, NetScene, Role, SceneKind, SceneState};

pub const REPLICATION: usize = 3;
pub const PIECES: usize = 12;
pub const PIECE_BYTES: usize = 1024;
pub const MAX_PEERS: usize = *SceneKind::ReplicatedStorage.node_range().end();
// The scene needs a peer beyond the r holders of a piece to copy it to after a failure.
const _: () = assert!(REPLICATION + 1 == *SceneKind::ReplicatedStorage.node_range().start());
/// How long the tracker takes to notice that a peer stopped answering.
const DETECT_US: u64 = 200_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Msg {
    /// The tracker places a piece on a peer.
    Store { piece: usize, bytes: Vec<u8> },
    /// The tracker asks a holder to copy a piece to `target`.
    CopyTo { piece: usize, target: usize },
    /// A holder sends its copy of a piece to another peer.
    Piece { piece: usize, bytes: Vec<u8> },
}

impl SceneMessage for Msg {
    fn kind(&self) -> MessageKind {
        match self {
            Msg::Store { .. } => MessageKind::Store,
            Msg::CopyTo { .. } => MessageKind::Copy,
            Msg::Piece { .. } => MessageKind::Piece,
        }
    }
}

#[derive(Clone)]
pub struct Storage {
    w: World<Msg>,
    tracker: usize,
    peers: Vec<usize>,
    /// What each node really stores, by node index.
    stored: Vec<Vec<Option<Vec<u8>>>>,
    /// The tracker's view: which peers hold each piece (including copies on their way).
    holders: Vec<BTreeSet<usize>>,
    file: Vec<u8>,
    hash_before: String,
    lost: BTreeSet<usize>,
}

fn hash(bytes: &[u8]) -> String {
    format!("{:032x}", xxh3_128(bytes))
}

impl Storage {
    pub fn new(seed: u64, peers: usize) -> Result<Self, String> {
        if !(REPLICATION + 1..=MAX_PEERS).contains(&peers) {
            return Err(format!("replicated-storage runs {} to {MAX_PEERS} peers, not {peers}", REPLICATION + 1));
        }
        let mut w = World::new(seed, 5_000, 1_000);
        let tracker = w.add_node("super-1".into());
        let peer_nodes: Vec<usize> = (0..peers).map(|i| w.add_node(format!("peer-{}", i + 1))).collect();
        let file = crate::sim::scene::generated(PIECES * PIECE_BYTES);
        let hash_before = hash(&file);
        let total = w.names.len();
        let mut scene = Self {
            w,
            tracker,
            peers: peer_nodes,
            stored: vec![vec![None; PIECES]; total],
            holders: vec![BTreeSet::new(); PIECES],
            file,
            hash_before,
            lost: BTreeSet::new(),
        };
        // Place each piece on r distinct peers, spread by the RNG.
        for piece in 0..PIECES {
            let targets = scene.choose(piece, REPLICATION);
            for target in targets {
                scene.holders[piece].insert(target);
                let bytes = scene.piece(piece).to_vec();
                scene.w.send(tracker, target, Msg::Store { piece, bytes });
            }
        }
        Ok(scene)
    }

    fn piece(&self, piece: usize) -> &[u8] {
        &self.file[piece * PIECE_BYTES..(piece + 1) * PIECE_BYTES]
    }

    /// `n` live peers that do not hold `piece` yet.
    fn choose(&mut self, piece: usize, n: usize) -> Vec<usize> {
        let mut candidates: Vec<usize> =
            self.peers.iter().copied().filter(|&p| self.w.alive[p] && !self.holders[piece].contains(&p)).collect();
        let mut chosen = Vec::new();
        while chosen.len() < n && !candidates.is_empty() {
            let i = self.w.rng.up_to(candidates.len() as u64 - 1) as usize;
            chosen.push(candidates.swap_remove(i));
        }
        chosen
    }

    /// The tracker learns `dead` is gone and restores every piece it held.
    fn repair(&mut self, dead: usize) {
        self.w.record(EventKind::Detect, self.tracker, dead, format!("{} stopped answering", self.w.names[dead]));
        for piece in 0..PIECES {
            if !self.holders[piece].remove(&dead) {
                continue;
            }
            // Copy from a live peer that really has the bytes (not one still waiting for a copy).
            let source =
                self.holders[piece].iter().copied().find(|&p| self.w.alive[p] && self.stored[p][piece].is_some());
            let Some(source) = source else {
                if self.holders[piece].iter().all(|&p| !self.w.alive[p]) && self.lost.insert(piece) {
                    let detail = format!("piece {piece} is lost: every peer that held it is dead");
                    self.w.record(EventKind::Lost, self.tracker, dead, detail);
                }
                continue;
            };
            let missing = REPLICATION.saturating_sub(self.holders[piece].len());
            for target in self.choose(piece, missing) {
                self.holders[piece].insert(target);
                self.w.record(
                    EventKind::Repair,
                    self.tracker,
                    source,
                    format!("copy piece {piece} to {}", self.w.names[target]),
                );
                self.w.send(self.tracker, source, Msg::CopyTo { piece, target });
            }
        }
    }

    /// The file as it can be read back from live peers now, if every piece is there.
    fn read_back(&self) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(self.file.len());
        for piece in 0..PIECES {
            let bytes =
                self.peers.iter().filter(|&&p| self.w.alive[p]).find_map(|&p| self.stored[p][piece].as_ref())?;
            out.extend_from_slice(bytes);
        }
        Some(out)
    }

    fn live_copies(&self, piece: usize) -> usize {
        self.peers.iter().filter(|&&p| self.w.alive[p] && self.stored[p][piece].is_some()).count()
    }

    fn peer(&self, name: &str) -> Result<usize, String> {
        self.w
            .node(name)
            .filter(|n| self.peers.contains(n))
            .ok_or_else(|| format!("no peer called {name:?} in this scene"))
    }

    fn is_peer(&self, node: usize) -> bool {
        node != self.tracker && node < self.w.names.len()
    }

    /// Whether a message off a live socket makes sense: pieces in range and of the right size,
    /// the tracker instructing peers, peers copying to peers.
    pub fn check(&self, from: usize, to: usize, msg: &Msg) -> Result<(), String> {
        let (piece, bytes) = match msg {
            Msg::Store { piece, bytes } | Msg::Piece { piece, bytes } => (*piece, Some(bytes)),
            Msg::CopyTo { piece, .. } => (*piece, None),
        };
        if piece >= PIECES {
            return Err(format!("piece {piece} does not exist (the file has {PIECES})"));
        }
        if let Some(bytes) = bytes.filter(|b| b.len() != PIECE_BYTES) {
            return Err(format!("a piece of {} bytes (pieces are {PIECE_BYTES})", bytes.len()));
        }
        let roles_ok = match msg {
            Msg::Store { .. } => from == self.tracker && self.is_peer(to),
            Msg::CopyTo { target, .. } => from == self.tracker && self.is_peer(to) && self.is_peer(*target),
            Msg::Piece { .. } => self.is_peer(from) && self.is_peer(to),
        };
        if roles_ok { Ok(()) } else { Err(format!("a {} message cannot go from this node to that one", msg.kind())) }
    }
}

impl NetScene for Storage {
    crate::netsim::world_passthrough!();

    fn kind(&self) -> SceneKind {
        SceneKind::ReplicatedStorage
    }

    fn step(&mut self) -> bool {
        let Some(item) = self.w.pop() else { return false };
        match item {
            Item::Timer { node, .. } => {
                if !self.w.alive[node] {
                    self.repair(node);
                }
            }
            Item::Deliver { to, .. } if !self.w.alive[to] => {}
            Item::Deliver { from, to, msg } => match msg {
                Msg::Store { piece, bytes } | Msg::Piece { piece, bytes } => {
                    let Some(slot) = self.stored.get_mut(to).and_then(|s| s.get_mut(piece)) else { return true };
                    *slot = Some(bytes);
                    let copies = self.live_copies(piece);
                    self.w.record(
                        EventKind::Stored,
                        from,
                        to,
                        format!("piece {piece} stored ({copies} of {REPLICATION} copies)"),
                    );
                }
                Msg::CopyTo { piece, target } => {
                    match self.stored.get(to).and_then(|s| s.get(piece)).cloned().flatten() {
                        Some(bytes) => self.w.send(to, target, Msg::Piece { piece, bytes }),
                        None => self.w.record(EventKind::Error, to, target, format!("piece {piece} was not here")),
                    }
                }
            },
        }
        true
    }

    fn apply(&mut self, action: &Action) -> Result<(), String> {
        match action {
            Action::Kill(name) => {
                let peer = self.peer(name)?;
                if self.w.alive[peer] {
                    self.w.alive[peer] = false;
                    self.w.record(EventKind::Kill, peer, peer, format!("{name} dies with the pieces it held"));
                    self.w.timer(peer, DETECT_US, 0);
                }
            }
            Action::Restart(name) => {
                let peer = self.peer(name)?;
                // It comes back empty: its disk is gone, it can hold new copies.
                self.w.alive[peer] = true;
                self.stored[peer] = vec![None; PIECES];
                self.w.record(EventKind::Restart, peer, peer, format!("{name} is back, empty"));
            }
            Action::Clients(_) => return Err("this scene has peers, not clients".into()),
        }
        Ok(())
    }

    fn state(&self) -> SceneState {
        let names = &self.w.names;
        let pieces = (0..PIECES)
            .map(|piece| {
                let holders = self
                    .peers
                    .iter()
                    .filter(|&&p| self.w.alive[p] && self.stored[p][piece].is_some())
                    .map(|&p| names[p].clone())
                    .collect();
                PieceState { id: piece, holders }
            })
            .collect();
        SceneState::Storage(StorageState {
            replication: REPLICATION,
            pieces,
            hash_before: self.hash_before.clone(),
            hash_after: self.read_back().as_deref().map(hash),
            lost_pieces: self.lost.iter().copied().collect(),
            file_bytes: self.file.len(),
        })
    }

    fn graph(&self) -> Graph {
        let mut nodes = self.w.graph_nodes(Role::Peer);
        nodes[self.tracker].role = Role::Supernode;
        let counts: Vec<String> = (0..PIECES).map(|p| format!("{p}:{}", self.live_copies(p))).collect();
        nodes[self.tracker].details.push(("copies per piece".into(), counts.join(" ")));
        if !self.lost.is_empty() {
            nodes[self.tracker].details.push(("lost pieces".into(), format!("{:?}", self.lost)));
        }
        for &p in &self.peers {
            nodes[p].can_fail = true;
            let held: Vec<String> =
                (0..PIECES).filter(|&i| self.stored[p][i].is_some()).map(|i| i.to_string()).collect();
            nodes[p]
                .details
                .push(("pieces stored".into(), if held.is_empty() { "none".into() } else { held.join(", ") }));
        }
        let links = self.peers.iter().map(|&p| (self.tracker, p)).collect();
        Graph { nodes, links, highlight: Vec::new() }
    }
}

impl Storage {
    /// Live copies of each piece, for tests and the view.
    pub fn copies(&self) -> Vec<usize> {
        (0..PIECES).map(|p| self.live_copies(p)).collect()
    }
}
