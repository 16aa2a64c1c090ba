//! Supernodes (S23): a few supernodes keep the registry of who is online and where. Peers log
//! in through one, get neighbours from it, and log out; the supernodes keep each other's copy
//! of the registry in step. A late newcomer joins through a supernode; when a peer leaves (or
//! dies and the supernodes notice), the peers that lost a neighbour ask for a new one.

use std::collections::BTreeMap;

use crate::netsim::state::{RegistryEntry, SupernodesState};
use crate::netsim::world::{Item, SceneMessage, World};
use crate::netsim::{Action, EventKind, Graph, MessageKind, NetScene, Role, SceneKind, SceneState};

pub const MAX_PEERS: usize = *SceneKind::Supernodes.node_range().end();
const WANTED_NEIGHBOURS: usize = 3;
const LOGIN_GAP_US: u64 = 20_000;
/// How long the supernodes take to notice a peer died without logging out.
const DETECT_US: u64 = 300_000;
/// When the newcomer joins and when a peer logs out, in the scripted story.
const NEWCOMER_US: u64 = 1_000_000;
const LOGOUT_US: u64 = 1_500_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Msg {
    Login,
    Welcome { neighbours: Vec<usize> },
    Logout,
    Bye,
    Sync { peer: usize, online: bool, home: usize },
    Hello,
    WantNeighbour,
}

impl SceneMessage for Msg {
    fn kind(&self) -> MessageKind {
        match self {
            Msg::Login => MessageKind::Login,
            Msg::Welcome { .. } => MessageKind::Welcome,
            Msg::Logout => MessageKind::Logout,
            Msg::Bye => MessageKind::Bye,
            Msg::Sync { .. } => MessageKind::Sync,
            Msg::Hello => MessageKind::Hello,
            Msg::WantNeighbour => MessageKind::Lookup,
        }
    }
}

const TAG_LOGIN: u64 = 1;
const TAG_LOGOUT: u64 = 2;
const TAG_DETECT: u64 = 3;

#[derive(Clone)]
pub struct Supernodes {
    w: World<Msg>,
    supers: Vec<usize>,
    peers: Vec<usize>,
    /// Each supernode's copy of the registry: peer → the supernode it logged in through.
    registries: Vec<BTreeMap<usize, usize>>,
    neighbours: Vec<Vec<usize>>,
}

impl Supernodes {
    pub fn new(seed: u64, peers: usize) -> Result<Self, String> {
        if !(4..=MAX_PEERS).contains(&peers) {
            return Err(format!("supernodes runs 4 to {MAX_PEERS} peers, not {peers}"));
        }
        let mut w = World::new(seed, 5_000, 2_000);
        let count = (peers / 6).clamp(2, 20);
        let supers: Vec<usize> = (0..count).map(|i| w.add_node(format!("super-{}", i + 1))).collect();
        let peer_nodes: Vec<usize> = (0..peers).map(|i| w.add_node(format!("peer-{}", i + 1))).collect();
        let total = w.names.len();
        let mut scene = Self {
            w,
            registries: vec![BTreeMap::new(); count],
            supers,
            peers: peer_nodes,
            neighbours: vec![Vec::new(); total],
        };
        // Everyone but the last peer logs in at the start; the last is the late newcomer.
        for (i, &peer) in scene.peers.iter().enumerate() {
            let at = if i + 1 == peers { NEWCOMER_US } else { i as u64 * LOGIN_GAP_US };
            scene.w.timer(peer, at, TAG_LOGIN);
        }
        scene.w.timer(scene.peers[1], LOGOUT_US, TAG_LOGOUT);
        Ok(scene)
    }

    fn home_of(&self, peer: usize) -> usize {
        self.supers[(peer - self.supers.len()) % self.supers.len()]
    }

    fn super_index(&self, node: usize) -> Option<usize> {
        self.supers.iter().position(|&s| s == node)
    }

    /// Up to `n` online peers other than `peer` and those it knows, picked with the RNG.
    fn pick(&mut self, registry: usize, peer: usize, n: usize) -> Vec<usize> {
        let mut candidates: Vec<usize> = self.registries[registry]
            .keys()
            .copied()
            .filter(|&p| p != peer && !self.neighbours[peer].contains(&p))
            .collect();
        let mut chosen = Vec::new();
        while chosen.len() < n && !candidates.is_empty() {
            let i = self.w.rng.up_to(candidates.len() as u64 - 1) as usize;
            chosen.push(candidates.swap_remove(i));
        }
        chosen.sort_unstable();
        chosen
    }

    fn sync(&mut self, from_super: usize, peer: usize, online: bool) {
        let home = self.supers[from_super];
        for s in 0..self.supers.len() {
            if s != from_super {
                let to = self.supers[s];
                self.w.send(home, to, Msg::Sync { peer, online, home });
            }
        }
    }

    fn drop_peer(&mut self, peer: usize, reason: &str) {
        let home = self.home_of(peer);
        let Some(s) = self.super_index(home) else { return };
        self.registries[s].remove(&peer);
        self.w.record(EventKind::Logout, peer, home, format!("{} is offline ({reason})", self.w.names[peer]));
        self.sync(s, peer, false);
        for n in std::mem::take(&mut self.neighbours[peer]) {
            self.w.send(peer, n, Msg::Bye);
        }
    }

    fn is_peer(&self, node: usize) -> bool {
        self.peers.contains(&node)
    }

    fn is_super(&self, node: usize) -> bool {
        self.supers.contains(&node)
    }

    /// Whether a message off a live socket makes sense: peers log in and out at their own
    /// supernode, supernodes answer peers and sync among themselves, peers greet peers; every
    /// node number inside a message names a node of the right role.
    pub fn check(&self, from: usize, to: usize, msg: &Msg) -> Result<(), String> {
        let ok = match msg {
            Msg::Login | Msg::Logout | Msg::WantNeighbour => self.is_peer(from) && to == self.home_of(from),
            Msg::Welcome { neighbours } => {
                if neighbours.len() > WANTED_NEIGHBOURS || !neighbours.iter().all(|&n| self.is_peer(n)) {
                    return Err("a welcome must list at most 3 peers of this scene".into());
                }
                self.is_super(from) && self.is_peer(to)
            }
            Msg::Bye | Msg::Hello => self.is_peer(from) && self.is_peer(to),
            Msg::Sync { peer, home, .. } => {
                if !self.is_peer(*peer) || !self.is_super(*home) {
                    return Err("a sync must name a peer and a supernode of this scene".into());
                }
                self.is_super(from) && self.is_super(to)
            }
        };
        if ok { Ok(()) } else { Err(format!("a {} message cannot go from this node to that one", msg.kind())) }
    }

    fn peer(&self, name: &str) -> Result<usize, String> {
        self.w
            .node(name)
            .filter(|n| self.peers.contains(n))
            .ok_or_else(|| format!("no peer called {name:?} in this scene"))
    }
}

impl NetScene for Supernodes {
    crate::netsim::world_passthrough!();

    fn kind(&self) -> SceneKind {
        SceneKind::Supernodes
    }

    fn step(&mut self) -> bool {
        let Some(item) = self.w.pop() else { return false };
        match item {
            Item::Timer { node, tag: TAG_LOGIN } => {
                if self.w.alive[node] {
                    let home = self.home_of(node);
                    self.w.record(EventKind::Login, node, home, format!("{} asks to join", self.w.names[node]));
                    self.w.send(node, home, Msg::Login);
                }
            }
            Item::Timer { node, tag: TAG_LOGOUT } => {
                if self.w.alive[node] {
                    let home = self.home_of(node);
                    self.w.send(node, home, Msg::Logout);
                }
            }
            Item::Timer { node, tag: TAG_DETECT } => {
                let home = self.home_of(node);
                let registered = self.super_index(home).is_some_and(|s| self.registries[s].contains_key(&node));
                if !self.w.alive[node] && registered {
                    self.drop_peer(node, "it stopped answering");
                }
            }
            Item::Timer { .. } => {}
            Item::Deliver { to, .. } if !self.w.alive[to] => {}
            Item::Deliver { from, to, msg } => match msg {
                Msg::Login => {
                    let Some(s) = self.super_index(to) else { return true };
                    self.registries[s].insert(from, to);
                    let neighbours = self.pick(s, from, WANTED_NEIGHBOURS);
                    let list = neighbours.iter().map(|&n| self.w.names[n].clone()).collect::<Vec<_>>().join(", ");
                    self.w.record(
                        EventKind::Welcome,
                        to,
                        from,
                        format!("registered; neighbours: {}", if list.is_empty() { "none yet".into() } else { list }),
                    );
                    self.w.send(to, from, Msg::Welcome { neighbours });
                    self.sync(s, from, true);
                }
                Msg::Welcome { neighbours } => {
                    for n in neighbours {
                        if !self.neighbours[to].contains(&n) {
                            self.neighbours[to].push(n);
                            self.w.send(to, n, Msg::Hello);
                        }
                    }
                }
                Msg::Hello => {
                    if !self.neighbours[to].contains(&from) {
                        self.neighbours[to].push(from);
                    }
                }
                Msg::Logout => {
                    self.drop_peer(from, "logged out");
                }
                Msg::Bye => {
                    self.neighbours[to].retain(|&n| n != from);
                    if self.neighbours[to].len() < WANTED_NEIGHBOURS {
                        let home = self.home_of(to);
                        self.w.record(
                            EventKind::Lookup,
                            to,
                            home,
                            format!("lost {}; asks for a new neighbour", self.w.names[from]),
                        );
                        self.w.send(to, home, Msg::WantNeighbour);
                    }
                }
                Msg::WantNeighbour => {
                    let Some(s) = self.super_index(to) else { return true };
                    let neighbours = self.pick(s, from, 1);
                    self.w.send(to, from, Msg::Welcome { neighbours });
                }
                Msg::Sync { peer, online, home } => {
                    let Some(s) = self.super_index(to) else { return true };
                    if online {
                        self.registries[s].insert(peer, home);
                    } else {
                        self.registries[s].remove(&peer);
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
                self.w.alive[peer] = false;
                self.w.record(EventKind::Kill, peer, peer, format!("{name} dies without logging out"));
                self.w.timer(peer, DETECT_US, TAG_DETECT);
            }
            Action::Restart(name) => {
                let peer = self.peer(name)?;
                self.w.alive[peer] = true;
                self.neighbours[peer].clear();
                self.w.timer(peer, 0, TAG_LOGIN);
            }
            Action::Clients(_) => return Err("this scene has peers, not clients".into()),
        }
        Ok(())
    }

    fn state(&self) -> SceneState {
        let names = &self.w.names;
        let registry = self.registries[0]
            .iter()
            .map(|(&p, &s)| RegistryEntry { peer: names[p].clone(), supernode: names[s].clone() })
            .collect();
        let neighbours = self
            .peers
            .iter()
            .map(|&p| (names[p].clone(), self.neighbours[p].iter().map(|&n| names[n].clone()).collect()))
            .collect();
        SceneState::Supernodes(SupernodesState {
            supernodes: self.supers.iter().map(|&s| names[s].clone()).collect(),
            registry,
            online: self.registries[0].len(),
            registry_copies_agree: self.registries.windows(2).all(|pair| pair[0] == pair[1]),
            neighbours,
        })
    }

    fn graph(&self) -> Graph {
        let mut nodes = self.w.graph_nodes(Role::Peer);
        for (s, &node) in self.supers.iter().enumerate() {
            nodes[node].role = Role::Supernode;
            nodes[node].details.push(("registry".into(), format!("{} peers online", self.registries[s].len())));
        }
        for &p in &self.peers {
            nodes[p].can_fail = true;
            let online = self.registries.iter().any(|r| r.contains_key(&p));
            nodes[p].details.push(("online".into(), if online { "yes".into() } else { "no".into() }));
            nodes[p].details.push((
                "neighbours".into(),
                self.neighbours[p].iter().map(|&n| self.w.names[n].clone()).collect::<Vec<_>>().join(", "),
            ));
        }
        let mut links: Vec<(usize, usize)> = Vec::new();
        for &p in &self.peers {
            for &n in &self.neighbours[p] {
                if p < n {
                    links.push((p, n));
                }
            }
            if self.registries.iter().any(|r| r.contains_key(&p)) {
                links.push((self.home_of(p), p));
            }
        }
        for (i, &a) in self.supers.iter().enumerate() {
            for &b in &self.supers[i + 1..] {
                links.push((a, b));
            }
        }
        Graph { nodes, links, highlight: Vec::new() }
    }
}
