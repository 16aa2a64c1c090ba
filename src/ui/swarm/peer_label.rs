//! How the panel names a peer: its display name and the tail of its id, "(you)" for this node.

use crate::model::swarm::SwarmModel;

/// A peer's name from what the node knows, or its id's tail.
pub fn peer_label(model: &SwarmModel, peer: &str) -> String {
    if peer == model.state.peer_id {
        return format!("{} (you)", model.state.name);
    }
    let tail: String = peer.chars().rev().take(6).collect::<Vec<_>>().into_iter().rev().collect();
    match model
        .state
        .class
        .iter()
        .find(|c| c.peer == peer)
        .map(|c| c.name.clone())
        .or_else(|| model.state.names.get(peer).cloned())
    {
        Some(name) => format!("{name} …{tail}"),
        None => format!("…{tail}"),
    }
}
