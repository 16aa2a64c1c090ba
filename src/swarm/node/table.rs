//! What enters this node's Kademlia routing table, and how a newcomer fills it.
//!
//! Kademlia inserts peers itself only in `BucketInserts::OnConnected` mode, and there a full
//! bucket holding a disconnected peer makes it dial that peer to check it is still alive. In a
//! class over the trimming ceiling (`trim.rs`) neighbours keep being disconnected — by the other
//! side, to which this node is a stranger — so every new connection set off another dial, and a
//! class of 200 kept opening connections for as long as it ran. Here the node inserts instead
//! (`BucketInserts::Manual`, set in `behaviour.rs`): a peer goes in only while its bucket has
//! room, and a full bucket keeps the peers it has. A neighbour that has left is dropped by
//! Kademlia itself, the first time a lookup fails to reach it.
//!
//! A newcomer fills its table from the teacher's registry, without dialling anyone, and then
//! runs one lookup for its own id: that reaches the peers closest to it, which learn of it as
//! Kademlia intends. Without a registry (no teacher found, or it did not answer) the node
//! bootstraps as Kademlia does (`schedule.rs`).

use libp2p::kad::KBucketKey;
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::{Multiaddr, PeerId};

use super::Node;
use crate::swarm::config::is_local;

impl Node {
    /// Offers `peer` at `addrs` to the routing table: taken while its bucket has room (a peer
    /// already there gains the addresses), never by pushing a neighbour out. True when taken.
    pub(super) fn learn(&mut self, peer: PeerId, addrs: impl IntoIterator<Item = Multiaddr>) -> bool {
        if peer == *self.swarm.local_peer_id() || self.banned.contains(&peer) {
            return false;
        }
        let k = self.config.k().get();
        let kad = &mut self.swarm.behaviour_mut().kad;
        let room = kad
            .kbucket(peer)
            .is_some_and(|bucket| bucket.num_entries() < k || bucket.iter().any(|e| *e.node.key.preimage() == peer));
        if !room {
            return false;
        }
        let mut taken = false;
        for addr in addrs.into_iter().filter(is_local) {
            taken |= !matches!(kad.add_address(&peer, addr), libp2p::kad::RoutingUpdate::Failed);
        }
        taken
    }

    /// The registry's answer on logging in: every classmate is offered to the routing table (no
    /// dial), then one lookup for this node's own id meets the closest of them. Returns the
    /// classmates that lookup starts from (the teacher's node left out).
    pub(super) fn seed_table(&mut self, classmates: Vec<(PeerId, Vec<Multiaddr>)>) -> Vec<PeerId> {
        for (peer, addrs) in classmates {
            self.learn(peer, addrs);
        }
        let me = *self.swarm.local_peer_id();
        let k = self.config.k();
        let key = KBucketKey::from(me);
        let first: Vec<PeerId> = self
            .swarm
            .behaviour_mut()
            .kad
            .get_closest_local_peers(&key)
            .take(k.get())
            .map(|key| *key.preimage())
            .collect();
        // The lookup would dial these itself; dialling them now gives gossipsub a mesh at once,
        // even while that lookup is slow.
        for peer in &first {
            if !self.swarm.is_connected(peer) {
                let _ = self.swarm.dial(DialOpts::peer_id(*peer).build());
            }
        }
        self.swarm.behaviour_mut().kad.get_n_closest_peers(me, k);
        self.schedule.seeded();
        // The teacher's node is a Kademlia peer too, but not a classmate the registry handed out.
        first.into_iter().filter(|peer| Some(*peer) != self.teacher).collect()
    }
}
