//! Capacity (S20): the same file goes to every node. Served by one server with one upload at a
//! time, the last node finishes after n × pieces rounds; in a swarm every node that has a piece
//! uploads it too, so the time grows only slowly with n. The animated run is the swarm; beside
//! it, on the same clock, the scene races the same file to 1, 2, 4, … nodes both ways, and the
//! state's comparison fills in as each race finishes — measured from the run, not worked out
//! beforehand.

use crate::netsim::state::{CapacityState, ComparisonRow};
use crate::netsim::world::{Item, SceneMessage, World};
use crate::netsim::{Action, EventKind, Graph, MessageKind, NetScene, Role, SceneKind, SceneState};
use crate::sim::rng::SimRng;

pub const PIECES: usize = 8;
pub const MAX_NODES: usize = *SceneKind::Capacity.node_range().end();
/// One upload of one piece takes a round.
pub const ROUND_US: u64 = 10_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Msg {
    Piece { piece: usize },
}

impl SceneMessage for Msg {
    fn kind(&self) -> MessageKind {
        MessageKind::Piece
    }
}

/// Which pieces each node has; node 0 is the seeding server.
#[derive(Clone)]
struct Swarm {
    have: Vec<Vec<bool>>,
}

impl Swarm {
    fn new(peers: usize) -> Self {
        let mut have = vec![vec![false; PIECES]; peers + 1];
        have[0] = vec![true; PIECES];
        Self { have }
    }

    fn complete(&self) -> bool {
        self.have.iter().all(|h| h.iter().all(|&x| x))
    }

    /// One round: every node with something to give uploads one piece to one node lacking it.
    /// Returns the uploads (from, to, piece); they land at the end of the round.
    fn round(&self, rng: &mut SimRng, only_server: bool) -> Vec<(usize, usize, usize)> {
        let nodes = self.have.len();
        let mut incoming = vec![false; nodes];
        let mut uploads = Vec::new();
        let uploaders = if only_server { 1 } else { nodes };
        for from in 0..uploaders {
            // Start looking at a random node so no one is always first.
            let offset = rng.up_to(nodes as u64 - 1) as usize;
            // Pieces are chosen at random among those the receiver lacks, so different pieces
            // spread at once (as swarms do) instead of one piece at a time.
            let start = rng.up_to(PIECES as u64 - 1) as usize;
            let choice = (0..nodes).map(|i| (i + offset) % nodes).find_map(|to| {
                if to == from || incoming[to] {
                    return None;
                }
                (0..PIECES)
                    .map(|k| (start + k) % PIECES)
                    .find(|&p| self.have[from][p] && !self.have[to][p])
                    .map(|p| (to, p))
            });
            if let Some((to, piece)) = choice {
                incoming[to] = true;
                uploads.push((from, to, piece));
            }
        }
        uploads
    }

    fn apply(&mut self, uploads: &[(usize, usize, usize)]) {
        for &(_, to, piece) in uploads {
            self.have[to][piece] = true;
        }
    }
}

/// One race the comparison measures: the file to `nodes` nodes, by the server alone or by the
/// swarm, a round at a time on the scene's clock (not drawn).
#[derive(Clone)]
struct Race {
    nodes: usize,
    only_server: bool,
    swarm: Swarm,
    rng: SimRng,
    finished_us: Option<u64>,
}

impl Race {
    fn new(nodes: usize, only_server: bool, seed: u64) -> Race {
        Race { nodes, only_server, swarm: Swarm::new(nodes), rng: SimRng::new(seed), finished_us: None }
    }

    /// The round at `now`: done if everyone has the file, else one more round of uploads.
    fn round(&mut self, now: u64) {
        if self.finished_us.is_some() {
            return;
        }
        if self.swarm.complete() {
            self.finished_us = Some(now);
            return;
        }
        let uploads = self.swarm.round(&mut self.rng, self.only_server);
        self.swarm.apply(&uploads);
    }
}

#[derive(Clone)]
pub struct Capacity {
    w: World<Msg>,
    swarm: Swarm,
    /// The comparison's races, for 1, 2, 4, … and this many nodes, both ways.
    races: Vec<Race>,
    finished_at: Option<u64>,
}

impl Capacity {
    pub fn new(seed: u64, peers: usize) -> Result<Self, String> {
        if !(2..=MAX_NODES).contains(&peers) {
            return Err(format!("capacity runs 2 to {MAX_NODES} peers, not {peers}"));
        }
        let mut w = World::new(seed, ROUND_US / 2, 0);
        w.add_node("server".into());
        for i in 0..peers {
            w.add_node(format!("peer-{}", i + 1));
        }
        let mut sizes: Vec<usize> =
            std::iter::successors(Some(1usize), |n| Some(n * 2)).take_while(|&n| n < peers).collect();
        sizes.push(peers);
        // The swarm of `peers` nodes is the animated run itself; every other race runs unseen.
        let races = sizes
            .into_iter()
            .flat_map(|n| [Some(Race::new(n, true, seed)), (n < peers).then(|| Race::new(n, false, seed))])
            .flatten()
            .collect();
        w.timer(0, 0, 0);
        Ok(Self { w, swarm: Swarm::new(peers), races, finished_at: None })
    }

    /// The comparison so far: per number of nodes, each way's finish time once measured.
    fn comparison(&self) -> Vec<ComparisonRow> {
        let animated = self.swarm.have.len() - 1;
        let finished = |nodes: usize, only_server: bool| {
            let finished_us = if nodes == animated && !only_server {
                self.finished_at
            } else {
                self.races.iter().find(|r| r.nodes == nodes && r.only_server == only_server)?.finished_us
            };
            finished_us.map(|t| t / 1000)
        };
        let mut sizes: Vec<usize> = self.races.iter().map(|r| r.nodes).collect();
        sizes.dedup();
        sizes
            .into_iter()
            .map(|n| ComparisonRow { nodes: n, client_server_ms: finished(n, true), p2p_ms: finished(n, false) })
            .collect()
    }

    /// Whether a message off a live socket makes sense: a piece that exists, between two nodes.
    pub fn check(&self, _from: usize, _to: usize, msg: &Msg) -> Result<(), String> {
        match msg {
            Msg::Piece { piece } if *piece < PIECES => Ok(()),
            Msg::Piece { piece } => Err(format!("piece {piece} does not exist (the file has {PIECES})")),
        }
    }
}

impl NetScene for Capacity {
    crate::netsim::world_passthrough!();

    fn kind(&self) -> SceneKind {
        SceneKind::Capacity
    }

    fn step(&mut self) -> bool {
        let Some(item) = self.w.pop() else { return false };
        match item {
            Item::Timer { .. } => {
                let now = self.w.now;
                for race in &mut self.races {
                    race.round(now);
                }
                if self.finished_at.is_none() {
                    if self.swarm.complete() {
                        self.finished_at = Some(now);
                        self.w.record(EventKind::Complete, 0, 0, format!("every peer has all {PIECES} pieces"));
                    } else {
                        let uploads = self.swarm.round(&mut self.w.rng, false);
                        for &(from, to, piece) in &uploads {
                            self.w.send(from, to, Msg::Piece { piece });
                        }
                    }
                }
                // The clock runs on while a race of the comparison has not finished.
                if self.finished_at.is_none() || self.races.iter().any(|r| r.finished_us.is_none()) {
                    self.w.timer(0, ROUND_US, 0);
                }
            }
            Item::Deliver { from, to, msg: Msg::Piece { piece } } => {
                let Some(have) = self.swarm.have.get_mut(to).and_then(|h| h.get_mut(piece)) else { return true };
                *have = true;
                let count = self.swarm.have[to].iter().filter(|&&x| x).count();
                self.w.record(EventKind::Piece, from, to, format!("piece {piece} ({count} of {PIECES})"));
            }
        }
        true
    }

    fn apply(&mut self, _action: &Action) -> Result<(), String> {
        Err("the capacity scene takes no actions; choose the number of peers with --nodes".into())
    }

    fn state(&self) -> SceneState {
        SceneState::Capacity(CapacityState {
            pieces: PIECES,
            round_ms: ROUND_US / 1000,
            comparison: self.comparison(),
            swarm_finished_ms: self.finished_at.map(|t| t / 1000),
        })
    }

    fn graph(&self) -> Graph {
        let mut nodes = self.w.graph_nodes(Role::Peer);
        nodes[0].role = Role::Server;
        for (node, have) in nodes.iter_mut().zip(&self.swarm.have) {
            node.details.push(("pieces".into(), format!("{} of {PIECES}", have.iter().filter(|&&x| x).count())));
        }
        let links = (1..self.w.names.len()).map(|i| (0, i)).collect();
        Graph { nodes, links, highlight: Vec::new() }
    }
}
