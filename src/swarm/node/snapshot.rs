//! What the node knows, as one `NodeState`: built for `--state-file` and the panel, with the class
//! rebuilt at most once a second and shared between snapshots.

use std::sync::Arc;
use std::time::Instant;

use super::Node;
use crate::swarm::schedule::telemetry_every;
use crate::swarm::state::{Bucket, NodeState, Registered};

impl Node {
    /// What the node knows now.
    pub fn state(&mut self) -> NodeState {
        let now = Instant::now();
        let mut routing_table = Vec::new();
        for bucket in self.swarm.behaviour_mut().kad.kbuckets() {
            let peers: Vec<String> = bucket.iter().map(|e| e.node.key.preimage().to_string()).collect();
            if let (false, Some(index)) = (peers.is_empty(), bucket.range().0.ilog2()) {
                routing_table.push(Bucket { bucket: index, peers });
            }
        }
        let mut connected: Vec<String> = self.swarm.connected_peers().map(|p| p.to_string()).collect();
        connected.sort();
        let me = self.swarm.local_peer_id().to_string();
        if self.schedule.rebuild_class(now) {
            self.class = Arc::new(self.build_class(me.clone(), now));
        }
        let registry = self.config.teacher.then(|| {
            self.registry
                .iter()
                .map(|(peer, addrs)| Registered {
                    peer: peer.to_string(),
                    name: self.names.get(peer).cloned().unwrap_or_default(),
                    addrs: addrs.iter().map(|a| a.to_string()).collect(),
                })
                .collect()
        });
        let mut banned: Vec<String> = self.banned.iter().map(|p| p.to_string()).collect();
        banned.sort();
        NodeState {
            peer_id: me,
            name: self.config.name.clone(),
            addr: self.address().unwrap_or_default(),
            code: self.config.code.as_str().to_string(),
            teacher: if self.config.teacher {
                Some(self.swarm.local_peer_id().to_string())
            } else {
                self.teacher.map(|t| t.to_string())
            },
            bucket_size: self.config.bucket_size,
            replication: self.config.replication,
            upload_limit: self.config.upload_limit,
            telemetry_every: telemetry_every(self.telemetry.len() + 1).as_secs_f64().ceil() as u64,
            routing_table,
            connected,
            names: self.names_text.clone(),
            pieces_held: self.client.with_store(|s| s.held()),
            registry,
            class: self.class.clone(),
            banned,
            last_lookup: self.last_lookup.clone(),
            teaching: self.ballot.teaching(),
            following: self.following.clone(),
            joined: self.joined(),
            logged_in: self.registered && !self.logged_out,
            join_failure: self.join_failure().map(str::to_string),
            ended: self.ended,
        }
    }
}
