//! Trims a node's connections back under a ceiling, as IPFS's connection manager does. Gossipsub
//! keeps a stream open on every connection, so no connection ever goes idle: without trimming,
//! every peer a lookup once asked stays connected, and a class ends up with a link between every
//! pair of laptops (200 peers in one process: 20,000 connections). Each link holds Noise's and
//! Yamux's buffers at both ends, about 100 KiB, so the ceiling is what bounds a node's memory.
//! Neighbours in the routing table need no connection: the node never lets Kademlia replace a
//! neighbour, so a disconnected one sets off no dials (`node/table.rs`); a lookup dials it when
//! it needs it.

use std::cmp::Reverse;
use std::time::Duration;

use libp2p::PeerId;

/// Above this many connections a node trims strangers, down to `LOW` if it can.
pub const HIGH: usize = 6;
pub const LOW: usize = 4;
/// A connection used this recently is left alone: a lookup or download may still need it.
pub const GRACE: Duration = Duration::from_secs(20);

/// One connected peer, as far as trimming cares.
#[derive(Clone, Debug)]
pub struct Link {
    pub peer: PeerId,
    /// Never closed: the teacher, a logged-in student (on the teacher's node), a gossipsub mesh
    /// peer, a peer with a request of ours unanswered.
    pub protected: bool,
    /// Since this node last used the connection.
    pub idle: Duration,
}

/// The peers to disconnect: none under the ceiling; otherwise the strangers idle longest, until
/// `LOW` are left or nothing more may go.
pub fn to_close(links: &[Link]) -> Vec<PeerId> {
    if links.len() <= HIGH {
        return Vec::new();
    }
    let mut candidates: Vec<&Link> = links.iter().filter(|l| !l.protected && l.idle >= GRACE).collect();
    candidates.sort_by_key(|l| Reverse(l.idle));
    candidates.into_iter().take(links.len() - LOW).map(|l| l.peer).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(protected: bool, idle_s: u64) -> Link {
        Link { peer: PeerId::random(), protected, idle: Duration::from_secs(idle_s) }
    }

    #[test]
    fn nothing_closes_at_or_under_the_ceiling() {
        let links: Vec<Link> = (0..HIGH).map(|_| link(false, 600)).collect();
        assert!(to_close(&links).is_empty());
    }

    #[test]
    fn trims_down_to_low_longest_idle_first() {
        let links: Vec<Link> = (0..HIGH + 4).map(|i| link(false, 30 + i as u64)).collect();
        let closed = to_close(&links);
        assert_eq!(closed.len(), HIGH + 4 - LOW);
        assert!(closed.contains(&links[HIGH + 3].peer), "the longest idle goes");
        assert!(!closed.contains(&links[0].peer), "the most recently used stays");
    }

    #[test]
    fn protected_and_recently_used_links_stay_even_over_the_ceiling() {
        let mut links: Vec<Link> = (0..HIGH).map(|_| link(true, 600)).collect();
        links.extend((0..HIGH).map(|_| link(false, 5)));
        assert!(to_close(&links).is_empty());
        links.push(link(false, 60));
        assert_eq!(to_close(&links), vec![links.last().unwrap().peer]);
    }
}
