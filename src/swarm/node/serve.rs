//! Serving strangers: every request counts against its peer's rate (refused above it, cut off far
//! above it), a piece under the upload cap is answered when the cap allows without holding up the
//! loop, and a FIND_NODE is answered from this node's routing table.

use std::time::Instant;

use libp2p::kad::KBucketKey;
use libp2p::request_response::ResponseChannel;
use libp2p::{Multiaddr, PeerId};

use super::Node;
use crate::swarm::client::Command;
use crate::swarm::events::NodeEvent;
use crate::swarm::pieces::{MANIFEST, hex};
use crate::swarm::schedule::Rate;
use crate::swarm::wire::{Key, Request, Response};

impl Node {
    /// The peers of this node's routing table closest to `key`, with their addresses.
    pub(super) fn local_closest(&mut self, key: &Key) -> Vec<(PeerId, Vec<Multiaddr>)> {
        let target = KBucketKey::from(key.to_vec());
        let k = self.config.bucket_size.max(1);
        let mut peers = Vec::new();
        for bucket in self.swarm.behaviour_mut().kad.kbuckets() {
            for entry in bucket.iter() {
                let peer = *entry.node.key.preimage();
                peers.push((
                    target.distance(&entry.node.key),
                    peer,
                    entry.node.value.iter().cloned().collect::<Vec<_>>(),
                ));
            }
        }
        peers.sort_by_key(|(d, _, _)| *d);
        peers.into_iter().take(k).map(|(_, p, a)| (p, a)).collect()
    }

    /// Answers one request from `peer`, within its limits.
    pub(super) fn serve(
        &mut self,
        peer: PeerId,
        request: Request,
        channel: ResponseChannel<Response>,
        now: Instant,
    ) -> Option<NodeEvent> {
        self.used.insert(peer, now);
        if self.banned.contains(&peer) {
            return None;
        }
        match self.rates.count(peer, now) {
            Rate::Allowed => {}
            verdict => {
                if verdict == Rate::CutOff {
                    let _ = self.swarm.disconnect_peer_id(peer);
                }
                let refusal = Response::Refused("too many requests".into());
                let _ = self.swarm.behaviour_mut().pieces.send_response(channel, refusal);
                return None;
            }
        }
        let (kind, bytes) = request.kind_and_size();
        let mut event = None;
        let response = match request {
            Request::Store { key, file, index, data } => {
                match self.client.with_store(|s| s.put(key, file, index, &data, &peer.to_string())) {
                    Ok(new) => {
                        if new {
                            event = Some(NodeEvent::PieceStored {
                                file: hex(&file),
                                piece: (index != MANIFEST).then_some(index),
                                hash: hex(&key),
                                from: peer.to_string(),
                            });
                        }
                        Response::Stored
                    }
                    Err(reason) => Response::Refused(reason),
                }
            }
            Request::Has { key } => Response::Have(self.client.with_store(|s| s.has(&key))),
            Request::Fetch { key } => match self.client.with_store(|s| s.get(&key)) {
                Some(data) => {
                    let len = data.len();
                    let sent = NodeEvent::Message {
                        peer: peer.to_string(),
                        kind: "fetch".into(),
                        outgoing: false,
                        bytes: len,
                    };
                    let response = Response::Piece(data);
                    if let Some(delay) = self.uploads.delay(len, now) {
                        // Busy with this peer until the capped upload goes out: not to be trimmed.
                        self.used.insert(peer, now + delay);
                        // Answer when the cap allows, without holding up the loop.
                        let commands = self.client.commands.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(delay).await;
                            let _ = commands.send(Command::Respond { channel, response });
                        });
                        return Some(sent);
                    }
                    event = Some(sent);
                    response
                }
                None => Response::NotFound,
            },
            Request::Vote(vote) => {
                let (response, told) = self.count_vote(peer, &vote);
                event = told;
                response
            }
            Request::FindNode { target } => {
                event = Some(NodeEvent::Message { peer: peer.to_string(), kind: kind.into(), outgoing: false, bytes });
                Response::Closest(self.local_closest(&target).into_iter().filter(|(p, _)| *p != peer).collect())
            }
        };
        let _ = self.swarm.behaviour_mut().pieces.send_response(channel, response);
        event
    }
}
