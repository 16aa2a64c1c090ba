//! The teacher's orders: given on the teacher's node (they go to everyone on gossipsub and take
//! effect there at once) and obeyed on every node whose teacher signed them — ban a peer, hide a
//! name, end the session.

use std::time::Duration;

use libp2p::{PeerId, gossipsub};

use super::{Node, REJECTED_NAME};
use crate::swarm::client::Command;
use crate::swarm::events::NodeEvent;
use crate::swarm::telemetry::{ORDERS_TOPIC, Order};

impl Node {
    /// The teacher's orders go to everyone on gossipsub, and take effect here at once.
    pub(super) fn give_order(&mut self, order: Order) -> Option<NodeEvent> {
        if !self.config.teacher {
            return None;
        }
        let bytes = serde_json::to_vec(&order).unwrap_or_default();
        let _ = self.swarm.behaviour_mut().gossip.publish(gossipsub::IdentTopic::new(ORDERS_TOPIC), bytes);
        self.obey(order, true)
    }

    pub(super) fn obey(&mut self, order: Order, from_teacher: bool) -> Option<NodeEvent> {
        let me = *self.swarm.local_peer_id();
        match order {
            Order::Ban { peer } => {
                let peer: PeerId = peer.parse().ok()?;
                if peer == me {
                    self.ended = true;
                    return Some(NodeEvent::SessionEnded { by_teacher: true });
                }
                self.banned.insert(peer);
                // Its requests are refused from now on; its connections close a moment later,
                // once the order has reached it.
                let commands = self.client.commands.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let _ = commands.send(Command::Block { peer });
                });
                self.swarm.behaviour_mut().kad.remove_peer(&peer);
                self.telemetry.remove(&peer);
                self.registry.remove(&peer);
                self.swarm.behaviour_mut().keep.release(&peer);
                Some(NodeEvent::Banned { peer: peer.to_string() })
            }
            Order::RejectName { peer } => {
                let peer: PeerId = peer.parse().ok()?;
                self.rejected_names.insert(peer);
                self.set_name(peer, REJECTED_NAME.into());
                Some(NodeEvent::NameRejected { peer: peer.to_string() })
            }
            Order::End => {
                self.ended = true;
                Some(NodeEvent::SessionEnded { by_teacher: from_teacher })
            }
        }
    }
}
