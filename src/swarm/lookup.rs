//! A traced replay of Kademlia's lookup (S22). rust-libp2p's Kademlia does not report a lookup
//! round by round, so this runs the same algorithm in the open: start from the k closest peers
//! in this node's routing table, ask α of the closest not yet asked which peers *their* routing
//! tables hold closest to the target (FIND_NODE over request-response, answered from libp2p-kad's
//! own table), and repeat until the k closest known have all answered. Each round is recorded:
//! who was asked, and how close (in XOR distance) the best known peer got.

use std::collections::{BTreeMap, HashSet};

use libp2p::kad::{KBucketDistance, KBucketKey};
use libp2p::{Multiaddr, PeerId};

use super::client::Client;
use super::lookup_trace::{Asked, LookupTrace, Round};
use super::pieces::hex;
use super::wire::{Key, Request, Response};

/// Kademlia's α: how many peers are asked at once.
pub const ALPHA: usize = 3;
/// A guard against a lookup that never ends (hostile answers): far above any honest bound.
const MAX_ROUNDS: usize = 32;

fn distance(target: &KBucketKey<Vec<u8>>, peer: &PeerId) -> KBucketDistance {
    target.distance(&KBucketKey::from(*peer))
}

/// ⌊log2⌋ of a distance, 0 for the target itself.
fn log2(d: KBucketDistance) -> u32 {
    d.ilog2().unwrap_or(0)
}

/// Runs a traced lookup for `target` from this node, with bucket size `k`.
pub async fn traced_lookup(client: &Client, target: Key, k: usize) -> Result<LookupTrace, String> {
    let key = KBucketKey::from(target.to_vec());
    let mut known: BTreeMap<KBucketDistance, (PeerId, Vec<Multiaddr>)> = BTreeMap::new();
    for (peer, addrs) in client.local_closest(target).await?.into_iter().take(k) {
        known.insert(distance(&key, &peer), (peer, addrs));
    }
    if known.is_empty() {
        return Err("this node knows no peers yet: join the class first".into());
    }
    let mut asked_ever: HashSet<PeerId> = HashSet::new();
    let mut failed: HashSet<PeerId> = HashSet::new();
    let mut rounds = Vec::new();
    while rounds.len() < MAX_ROUNDS {
        // The α closest of the k closest live peers that have not been asked yet.
        let next: Vec<(PeerId, Vec<Multiaddr>)> = known
            .values()
            .filter(|(p, _)| !failed.contains(p))
            .take(k)
            .filter(|(p, _)| !asked_ever.contains(p))
            .take(ALPHA)
            .cloned()
            .collect();
        if next.is_empty() {
            break;
        }
        let questions = next.iter().map(|(peer, addrs)| {
            let request = Request::FindNode { target };
            async move { (*peer, client.request_via(*peer, addrs.clone(), request).await) }
        });
        let mut asked = Vec::new();
        for (peer, answer) in futures_util::future::join_all(questions).await {
            asked_ever.insert(peer);
            let answered = match answer {
                Ok(Response::Closest(peers)) => {
                    let count = peers.len();
                    for (found, addrs) in peers {
                        if found != client.local {
                            known.entry(distance(&key, &found)).or_insert((found, addrs));
                        }
                    }
                    Some(count)
                }
                _ => {
                    failed.insert(peer);
                    None
                }
            };
            asked.push(Asked { peer: peer.to_string(), distance: log2(distance(&key, &peer)), answered });
        }
        let best = known.iter().find(|(_, (p, _))| !failed.contains(p)).map_or(0, |(d, _)| log2(*d));
        rounds.push(Round { asked, best });
    }
    let closest = known.values().filter(|(p, _)| !failed.contains(p)).take(k).map(|(p, _)| p.to_string()).collect();
    let trace = LookupTrace { target: hex(&target), rounds, closest };
    client.lookup_done(trace.clone());
    Ok(trace)
}

/// The bound a lookup's rounds must keep in a class of `peers`: ⌈log2 N⌉ + 2.
pub fn round_bound(peers: usize) -> usize {
    (peers.max(2) as f64).log2().ceil() as usize + 2
}
