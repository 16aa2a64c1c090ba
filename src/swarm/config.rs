//! How to start a class swarm node: where it listens, whom it joins, the class code, its name,
//! Kademlia's k, the replication factor, and the timing of repair and of the registry's log-in.

use std::num::NonZeroUsize;
use std::time::Duration;

use libp2p::multiaddr::Protocol;
use libp2p::{Multiaddr, PeerId};

use super::code::ClassCode;
use super::names::clean_name;

/// How long a log-in at the teacher's registry lasts unless renewed (libp2p's default is two
/// hours, far longer than a lesson's laptop stays closed).
pub const REGISTRATION_TTL: Duration = Duration::from_secs(60);
/// How to start a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub listen: Multiaddr,
    pub join: Vec<Multiaddr>,
    pub code: ClassCode,
    /// The display name, already cleaned.
    pub name: String,
    /// Kademlia's k: small (2–4) in class so lookups take several rounds.
    pub bucket_size: usize,
    /// How many peers hold each piece.
    pub replication: usize,
    /// Look for the class by mDNS on the local network.
    pub mdns: bool,
    /// The teacher's node: it keeps the class registry (rendezvous point) and gives orders.
    pub teacher: bool,
    /// Upload cap in bytes per second, so capacity shows on loopback (None: no cap).
    pub upload_limit: Option<u64>,
    /// How often held pieces are checked and copied again.
    pub repair_every: Duration,
    /// Log in at the teacher's registry (a short-lived visitor such as `swarm put` does not).
    pub register: bool,
    /// How long a log-in at the teacher's registry lasts unless renewed (students renew it every
    /// third of this), so a laptop closed without logging out is gone from the registry — and
    /// from the first neighbours it hands newcomers — within this time.
    pub registration_ttl: Duration,
    /// The teacher's peer id, when the student joined with the teacher's own address: only that
    /// peer's orders and lesson steps are obeyed (otherwise, the first peer keeping a registry).
    pub teacher_id: Option<PeerId>,
}

impl NodeConfig {
    /// A node with the class defaults: k = 3, r = 3, no mDNS, no upload cap, repair every 5 s.
    pub fn new(code: ClassCode, name: &str, join: Vec<Multiaddr>) -> NodeConfig {
        NodeConfig {
            listen: "/ip4/127.0.0.1/tcp/0".parse().expect("a valid multiaddr"),
            teacher: join.is_empty(),
            join,
            code,
            name: clean_name(name),
            bucket_size: 3,
            replication: 3,
            mdns: false,
            upload_limit: None,
            repair_every: Duration::from_secs(5),
            register: true,
            registration_ttl: REGISTRATION_TTL,
            teacher_id: None,
        }
    }

    /// How many closest peers a Kademlia lookup looks for: a download tries at most twice r
    /// holders (share.rs), and a newcomer's lookup for its own id needs its k nearest. Libp2p's
    /// default, 20, made every lookup in a class ask dozens of peers.
    pub fn lookup_results(&self) -> NonZeroUsize {
        NonZeroUsize::new((2 * self.replication).clamp(self.k().get(), 20)).unwrap_or(NonZeroUsize::MIN)
    }

    /// Kademlia's k as the routing table uses it: `bucket_size`, within 1–20.
    pub fn k(&self) -> NonZeroUsize {
        NonZeroUsize::new(self.bucket_size.clamp(1, 20)).unwrap_or(NonZeroUsize::MIN)
    }
}

/// The peer id an address ends with (`…/p2p/12D3KooW…`), if it names one.
pub fn peer_in(addr: &Multiaddr) -> Option<PeerId> {
    addr.iter().find_map(|p| match p {
        Protocol::P2p(peer) => Some(peer),
        _ => None,
    })
}

/// Addresses a class swarm may listen on: loopback and the local network, never the internet.
pub fn is_local(addr: &Multiaddr) -> bool {
    addr.iter().any(|p| match p {
        Protocol::Ip4(ip) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        Protocol::Ip6(ip) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || ip.is_unicast_link_local()
        }
        _ => false,
    })
}
