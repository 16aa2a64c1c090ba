//! Overlay (S21) and routing (S22): N peers on a ring, each knowing only a few neighbours: the
//! next peers and those 4, 8, 16, … places ahead (Chord's "fingers"), so k grows like log2 N.
//! In the overlay scene the peers greet their neighbours so the tables can be seen; in the
//! routing scene messages travel peer to peer, each hop to the known neighbour that gets
//! closest to the destination without passing it, so a message needs at most about log2 N
//! hops, and only local knowledge.

use crate::netsim::state::{OverlayState, RoutedState};
use crate::netsim::world::{Item, SceneMessage, World};
use crate::netsim::{Action, EventKind, Graph, MessageKind, NetScene, Role, SceneKind, SceneState};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Overlay,
    Routing,
}

pub const MAX_PEERS: usize = *SceneKind::Overlay.node_range().end();
const MESSAGE_GAP_US: u64 = 40_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Msg {
    Hello,
    Route { id: usize },
}

impl SceneMessage for Msg {
    fn kind(&self) -> MessageKind {
        match self {
            Msg::Hello => MessageKind::Hello,
            Msg::Route { .. } => MessageKind::Route,
        }
    }
}

#[derive(Clone, Debug)]
struct Routed {
    from: usize,
    to: usize,
    path: Vec<usize>,
    delivered: Option<bool>,
}

#[derive(Clone)]
pub struct Overlay {
    w: World<Msg>,
    mode: Mode,
    neighbours: Vec<Vec<usize>>,
    /// Per peer, the peers whose hello it heard, as they arrived (a dead peer hears none).
    greeted_by: Vec<Vec<usize>>,
    messages: Vec<Routed>,
    /// Messages still to launch (routing).
    to_send: usize,
}

impl Overlay {
    pub fn new(seed: u64, peers: usize, mode: Mode) -> Result<Self, String> {
        Self::with_messages(seed, peers, mode, 6)
    }

    /// A routing scene that sends `messages` messages (the benchmark sends many).
    pub fn with_messages(seed: u64, peers: usize, mode: Mode, messages: usize) -> Result<Self, String> {
        if !(4..=MAX_PEERS).contains(&peers) {
            return Err(format!("this scene runs 4 to {MAX_PEERS} peers, not {peers}"));
        }
        let mut w = World::new(seed, 5_000, 2_000);
        for i in 0..peers {
            w.add_node(format!("peer-{}", i + 1));
        }
        let neighbours = finger_tables(peers);
        let mut scene =
            Self { w, mode, neighbours, greeted_by: vec![Vec::new(); peers], messages: Vec::new(), to_send: 0 };
        match mode {
            Mode::Overlay => {
                for peer in 0..peers {
                    for &n in &scene.neighbours[peer].clone() {
                        scene.w.send(peer, n, Msg::Hello);
                    }
                }
            }
            Mode::Routing => {
                scene.to_send = messages;
                if messages > 0 {
                    scene.w.timer(0, 0, 0);
                }
            }
        }
        Ok(scene)
    }

    fn launch(&mut self) {
        let peers = self.neighbours.len() as u64;
        let from = self.w.rng.up_to(peers - 1) as usize;
        let mut to = self.w.rng.up_to(peers - 2) as usize;
        if to >= from {
            to += 1;
        }
        let id = self.messages.len();
        self.messages.push(Routed { from, to, path: vec![from], delivered: None });
        self.w.record(
            EventKind::Send,
            from,
            to,
            format!("message {id} for {} starts at {}", self.w.names[to], self.w.names[from]),
        );
        self.forward(from, id);
    }

    /// Hands message `id`, now at `node`, to the neighbour closest to its destination.
    fn forward(&mut self, node: usize, id: usize) {
        let destination = self.messages[id].to;
        if node == destination {
            let hops = self.messages[id].path.len() - 1;
            self.messages[id].delivered = Some(true);
            let from = self.messages[id].from;
            self.w.record(EventKind::Delivered, from, node, format!("message {id} arrived after {hops} hops"));
            return;
        }
        let peers = self.neighbours.len();
        let ahead = |from: usize, to: usize| (to + peers - from) % peers;
        let remaining = ahead(node, destination);
        let alive = &self.w.alive;
        // The live neighbour furthest along the ring that does not pass the destination.
        let best = self.neighbours[node]
            .iter()
            .copied()
            .filter(|&n| alive[n] && ahead(node, n) <= remaining)
            .max_by_key(|&n| ahead(node, n));
        match best {
            Some(next) => {
                let hop = self.messages[id].path.len();
                self.w.record(EventKind::Forward, node, next, format!("message {id}, hop {hop}"));
                self.w.send(node, next, Msg::Route { id });
            }
            None => {
                self.messages[id].delivered = Some(false);
                self.w.record(
                    EventKind::Undeliverable,
                    node,
                    destination,
                    format!("message {id}: no live neighbour leads there"),
                );
            }
        }
    }

    fn peer(&self, name: &str) -> Result<usize, String> {
        self.w.node(name).ok_or_else(|| format!("no peer called {name:?} in this scene"))
    }

    /// Whether a message off a live socket makes sense: greetings and routed messages go only
    /// to a neighbour, and a routed message must be one this scene launched.
    pub fn check(&self, from: usize, to: usize, msg: &Msg) -> Result<(), String> {
        if !self.neighbours.get(from).is_some_and(|list| list.contains(&to)) {
            return Err(format!("{} is not a neighbour of the sender", self.w.names[to]));
        }
        match msg {
            Msg::Hello => Ok(()),
            Msg::Route { id } if *id < self.messages.len() => Ok(()),
            Msg::Route { id } => Err(format!("message {id} was never sent")),
        }
    }
}

/// Each peer knows the next two peers on the ring (so one dead peer can be stepped over) and
/// the peers 4, 8, 16, … places ahead.
fn finger_tables(peers: usize) -> Vec<Vec<usize>> {
    (0..peers)
        .map(|i| {
            let mut list: Vec<usize> = std::iter::once(1)
                .chain(std::iter::successors(Some(2usize), |d| Some(d * 2)).take_while(|&d| d < peers))
                .map(|d| (i + d) % peers)
                .filter(|&n| n != i)
                .collect();
            list.sort_unstable();
            list.dedup();
            list
        })
        .collect()
}

/// The most hops a message needs when every peer is alive: each hop at least halves the
/// distance left, so ceil(log2 N).
pub fn hop_bound(peers: usize) -> usize {
    peers.next_power_of_two().trailing_zeros() as usize
}

impl NetScene for Overlay {
    crate::netsim::world_passthrough!();

    fn kind(&self) -> SceneKind {
        match self.mode {
            Mode::Overlay => SceneKind::Overlay,
            Mode::Routing => SceneKind::Routing,
        }
    }

    fn step(&mut self) -> bool {
        let Some(item) = self.w.pop() else { return false };
        match item {
            Item::Timer { .. } => {
                self.launch();
                self.to_send -= 1;
                if self.to_send > 0 {
                    self.w.timer(0, MESSAGE_GAP_US, 0);
                }
            }
            Item::Deliver { from, to, msg: Msg::Hello } => {
                if self.w.alive[to] {
                    self.greeted_by[to].push(from);
                    let heard = self.greeted_by[to].len();
                    let detail =
                        format!("{} has heard from {heard} peers that keep it as a neighbour", self.w.names[to]);
                    self.w.record(EventKind::Hello, from, to, detail);
                }
            }
            Item::Deliver { to, msg: Msg::Route { id }, .. } => {
                if id >= self.messages.len() {
                    // Checked at the edge in live mode; never indexes past the table.
                } else if !self.w.alive[to] {
                    self.messages[id].delivered = Some(false);
                    self.w.record(EventKind::Lost, to, to, format!("message {id} reached a dead peer"));
                } else {
                    self.messages[id].path.push(to);
                    self.forward(to, id);
                }
            }
        }
        true
    }

    fn apply(&mut self, action: &Action) -> Result<(), String> {
        match action {
            Action::Kill(name) => {
                let peer = self.peer(name)?;
                self.w.alive[peer] = false;
                self.w.record(EventKind::Kill, peer, peer, format!("{name} is gone; routes go around it"));
            }
            Action::Restart(name) => {
                let peer = self.peer(name)?;
                self.w.alive[peer] = true;
                self.w.record(EventKind::Restart, peer, peer, format!("{name} is back"));
            }
            Action::Clients(_) => return Err("this scene has peers, not clients".into()),
        }
        Ok(())
    }

    fn state(&self) -> SceneState {
        let names = &self.w.names;
        let named = |list: &[usize]| list.iter().map(|&n| names[n].clone()).collect::<Vec<_>>();
        let neighbours = self.neighbours.iter().enumerate().map(|(i, list)| (names[i].clone(), named(list))).collect();
        let greetings = self.greeted_by.iter().enumerate().map(|(i, list)| (names[i].clone(), named(list))).collect();
        let messages = self
            .messages
            .iter()
            .map(|m| RoutedState {
                from: names[m.from].clone(),
                to: names[m.to].clone(),
                hops: m.path.len() - 1,
                path: named(&m.path),
                delivered: m.delivered == Some(true),
            })
            .collect();
        SceneState::Overlay(OverlayState {
            peers: self.neighbours.len(),
            hop_bound: hop_bound(self.neighbours.len()),
            neighbours,
            greetings,
            messages,
            messages_delivered: self.w.messages_delivered,
        })
    }

    fn graph(&self) -> Graph {
        let mut nodes = self.w.graph_nodes(Role::Peer);
        for (node, list) in nodes.iter_mut().zip(&self.neighbours) {
            node.can_fail = true;
            let names: Vec<&str> = list.iter().map(|&n| self.w.names[n].as_str()).collect();
            node.details.push(("neighbours".into(), names.join(", ")));
        }
        let links = self
            .neighbours
            .iter()
            .enumerate()
            .flat_map(|(a, list)| list.iter().filter(move |&&b| a < b).map(move |&b| (a, b)))
            .collect();
        let highlight = self.messages.last().map(|m| m.path.clone()).unwrap_or_default();
        Graph { nodes, links, highlight }
    }
}

impl Overlay {
    /// Every peer's neighbours, by index (for tests and the hop bound).
    pub fn neighbour_tables(&self) -> &[Vec<usize>] {
        &self.neighbours
    }
}

/// One message relayed across a ring of `peers` by the Routing scene (S22's step scene),
/// played to the end: the neighbour tables and the path it took. The class swarm draws this
/// beside its real Kademlia lookup, for comparison.
pub fn relay_once(seed: u64, peers: usize) -> Result<(Vec<Vec<usize>>, Vec<usize>), String> {
    let mut scene = Overlay::with_messages(seed, peers, Mode::Routing, 1)?;
    scene.set_logging(false);
    // One message needs at most ⌈log2 N⌉ hops; the guard only stops a scene gone wrong.
    for _ in 0..10_000 {
        if !scene.step() {
            break;
        }
    }
    let message = scene.messages.first().ok_or("the scene sent no message")?;
    Ok((scene.neighbours.clone(), message.path.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relayed_message_arrives_within_the_hop_bound_along_neighbour_links() {
        for peers in [4, 7, 30, 200] {
            for seed in 1..20 {
                let (neighbours, path) = relay_once(seed, peers).unwrap();
                assert!(path.len() >= 2, "a message goes somewhere");
                assert!(path.len() - 1 <= hop_bound(peers), "{peers} peers: {path:?}");
                for hop in path.windows(2) {
                    assert!(neighbours[hop[0]].contains(&hop[1]), "each hop goes to a neighbour");
                }
            }
        }
        assert_eq!(relay_once(5, 30), relay_once(5, 30), "the same seed relays the same way");
        assert!(relay_once(5, 3).is_err());
    }
}
