//! The swarm panel's tabs about peers: this laptop's routing table (S21), a traced lookup drawn
//! round by round (S22) and the teacher's registry with the teacher's controls (S23).

use egui::{RichText, Ui};

use super::peer_label::peer_label;
use crate::model::swarm::{SwarmIntent, SwarmModel};
use crate::swarm::NodeEvent;
use crate::swarm::lookup::round_bound;
use crate::swarm::telemetry::Order;

/// S21: the k-buckets by XOR distance, with the peers in each.
pub fn routing_table(ui: &mut Ui, model: &SwarmModel) {
    let state = &model.state;
    ui.label(format!(
        "Kademlia keeps peers in buckets by XOR distance from this laptop's id: bucket i holds peers at a \
         distance between 2^i and 2^(i+1), at most k = {} each. Near buckets cover few ids, so most \
         peers land in the far ones.",
        state.bucket_size
    ));
    ui.add_space(6.0);
    if state.routing_table.is_empty() {
        ui.label(RichText::new("No peers yet.").weak());
    }
    for bucket in state.routing_table.iter().rev() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("bucket {}", bucket.bucket)).strong().monospace());
            ui.label(RichText::new(format!("{}/{}", bucket.peers.len(), state.bucket_size)).weak());
            for peer in &bucket.peers {
                ui.label(peer_label(model, peer));
            }
        });
    }
}

/// S22: a traced lookup, round by round, each round closer in XOR distance.
pub fn lookup(ui: &mut Ui, model: &SwarmModel, target: &mut String, intents: &mut Vec<SwarmIntent>) {
    ui.label(
        "A traced replay of Kademlia's lookup: the same FIND_NODE questions libp2p's Kademlia asks, \
         sent by netlens and answered from each peer's own routing table, so every round can be shown.",
    );
    ui.horizontal(|ui| {
        ui.label("Look up");
        ui.add(egui::TextEdit::singleline(target).desired_width(160.0).hint_text("a word, a file id, a peer id"));
        if ui.button("Run lookup").clicked() {
            intents.push(SwarmIntent::Lookup(target.clone()));
        }
    });
    let Some(trace) = &model.lookup else {
        ui.label(RichText::new("No lookup yet.").weak());
        return;
    };
    let peers = model.state.class.len().max(2);
    ui.label(format!(
        "{} round{} for {} peers (Kademlia promises at most ⌈log2 N⌉ + 2 = {}).",
        trace.rounds.len(),
        if trace.rounds.len() == 1 { "" } else { "s" },
        peers,
        round_bound(peers)
    ));
    for (i, round) in trace.rounds.iter().enumerate() {
        ui.add_space(4.0);
        ui.label(RichText::new(format!("Round {}: closest known at distance 2^{}", i + 1, round.best)).strong());
        // The bar shrinks as the lookup closes in (256 bits of distance).
        let fraction = (round.best as f32 + 1.0) / 256.0;
        ui.add(egui::ProgressBar::new(fraction).desired_width(220.0).text(format!("2^{}", round.best)));
        for asked in &round.asked {
            let answer = match asked.answered {
                Some(n) => format!("named {n} closer peers"),
                None => "did not answer".into(),
            };
            ui.label(format!("  asked {} (distance 2^{}): {answer}", peer_label(model, &asked.peer), asked.distance));
        }
    }
    ui.add_space(4.0);
    ui.label(RichText::new("Closest found").strong());
    for peer in &trace.closest {
        ui.label(format!("  {}", peer_label(model, peer)));
    }
    ui.add_space(6.0);
    ui.label(
        RichText::new(
            "The middle of the window draws this lookup round by round, beside the Routing step \
             scene's relay (Skype-style: the message handed from neighbour to neighbour).",
        )
        .weak(),
    );
}

/// S23: the class registry on the teacher's rendezvous node, and the teacher's controls.
pub fn registry(ui: &mut Ui, model: &SwarmModel, intents: &mut Vec<SwarmIntent>) {
    let state = &model.state;
    let Some(registry) = &state.registry else {
        let teacher = state.teacher.as_deref().map_or("not found yet".to_string(), |t| peer_label(model, t));
        ui.label(format!(
            "The teacher's node is the class's rendezvous point (a supernode): this laptop logged in \
             there, and asked it for its first neighbours. Teacher: {teacher}."
        ));
        for seen in model.recent.iter().rev() {
            if let NodeEvent::Neighbours { peers } = &seen.event {
                if peers.is_empty() {
                    ui.label("No classmate had logged in yet: the ones who join later will meet this laptop.");
                } else {
                    ui.label("First neighbours from the registry:");
                }
                for peer in peers {
                    ui.label(format!("  {}", peer_label(model, peer)));
                }
                break;
            }
        }
        return;
    };
    ui.label(format!(
        "{} logged in. Students register (log in) when they join and unregister (log out) when they \
         leave; a newcomer asks this registry for its first neighbours.",
        registry.len()
    ));
    egui::Grid::new("swarm_registry").striped(true).num_columns(3).show(ui, |ui| {
        for entry in registry {
            ui.label(peer_label(model, &entry.peer));
            if ui.small_button("Hide name").on_hover_text("Show this peer without its name, for everyone").clicked() {
                intents.push(SwarmIntent::Order(Order::RejectName { peer: entry.peer.clone() }));
            }
            if ui.small_button("Remove").on_hover_text("Ban this peer id for the rest of the session").clicked() {
                intents.push(SwarmIntent::Order(Order::Ban { peer: entry.peer.clone() }));
            }
            ui.end_row();
        }
    });
    if !state.banned.is_empty() {
        ui.label(format!("Removed this session: {}", state.banned.len()));
    }
}
