//! What the class hears about this node and what this node hears about the class: its own
//! telemetry (with the files whose manifests it holds), other peers' telemetry, a student's
//! report of the messages it sent (which only the teacher hears), the teacher's orders and lesson
//! (passed on to `orders.rs` and `lesson.rs`), and the class as the state shows it.

use std::time::{Duration, Instant};

use libp2p::gossipsub;

use super::{Node, REJECTED_NAME};
use crate::swarm::events::NodeEvent;
use crate::swarm::follow::LESSON_TOPIC;
use crate::swarm::names::clean_name;
use crate::swarm::pieces::{Manifest, hex};
use crate::swarm::schedule::stale_after;
use crate::swarm::state::{ClassPeer, class_peer};
use crate::swarm::telemetry::{
    FileNote, LINKS_SENT, MAX_REPORTED_FILES, MAX_REPORTED_PIECES, Order, SENT_TOPIC, SHORT_HASH, Sent, SentReport,
    TELEMETRY_TOPIC, Telemetry,
};

impl Node {
    /// A student tells the teacher which messages it sent this last second (see `SENT_TOPIC`).
    pub(super) fn report_sent(&mut self, now: Instant) {
        if self.outbox.is_empty() {
            return;
        }
        let sent = self
            .outbox
            .drain(..)
            .map(|(to, kind, at)| Sent {
                to: to.to_string(),
                kind: kind.to_string(),
                ago_ms: now.saturating_duration_since(at).as_millis().min(u32::MAX as u128) as u32,
            })
            .collect();
        let bytes = serde_json::to_vec(&SentReport { sent }).unwrap_or_default();
        // No teacher heard yet: this second's messages are simply not drawn.
        let _ = self.swarm.behaviour_mut().gossip.publish(gossipsub::IdentTopic::new(SENT_TOPIC), bytes);
    }

    pub(super) fn publish_telemetry(&mut self) {
        let own = self.own_telemetry();
        self.reported_pieces = own.pieces;
        let bytes = serde_json::to_vec(&own).unwrap_or_default();
        // Nobody to tell yet is fine: the next tick tries again.
        let _ = self.swarm.behaviour_mut().gossip.publish(gossipsub::IdentTopic::new(TELEMETRY_TOPIC), bytes);
    }

    fn own_telemetry(&mut self) -> Telemetry {
        let table_size = self.swarm.behaviour_mut().kad.kbuckets().map(|b| b.num_entries()).sum();
        let links: Vec<String> = self.swarm.connected_peers().take(LINKS_SENT).map(|p| p.to_string()).collect();
        Telemetry {
            name: self.config.name.clone(),
            table_size,
            pieces: self.client.with_store(|s| s.len()),
            connections: self.swarm.connected_peers().count(),
            links,
            held: self.client.with_store(|s| {
                s.keys().iter().take(MAX_REPORTED_PIECES).map(|k| hex(k)[..SHORT_HASH].to_string()).collect()
            }),
            files: self.file_notes(),
        }
    }

    /// The files whose manifests this node holds, so that every laptop can list what the class
    /// shares; each manifest is read from disk the first time only.
    fn file_notes(&mut self) -> Vec<FileNote> {
        let manifests = self.client.with_store(|s| s.manifests());
        self.file_notes.retain(|key, _| manifests.contains(key));
        let mut notes = Vec::new();
        for key in manifests.iter().take(MAX_REPORTED_FILES) {
            let note = self.file_notes.entry(*key).or_insert_with(|| {
                let bytes = self.client.with_store(|s| s.get(key))?;
                let manifest = Manifest::from_bytes(&bytes).ok()?;
                Some(FileNote {
                    id: hex(key),
                    name: clean_name(&manifest.name),
                    size: manifest.size,
                    pieces: manifest.pieces.len(),
                })
            });
            notes.extend(note.clone());
        }
        notes
    }

    /// A gossip message: telemetry, a student's message report, or an order.
    pub(super) fn gossip(&mut self, message: gossipsub::Message, now: Instant) -> Option<NodeEvent> {
        let source = message.source?;
        if self.banned.contains(&source) {
            return None;
        }
        if message.topic == gossipsub::IdentTopic::new(TELEMETRY_TOPIC).hash() {
            if let Ok(mut telemetry) = Telemetry::from_bytes(&message.data) {
                if self.rejected_names.contains(&source) {
                    telemetry.name = REJECTED_NAME.into();
                }
                self.telemetry.insert(source, (class_peer(source.to_string(), telemetry, Duration::ZERO), now));
            }
            return None;
        }
        if message.topic == gossipsub::IdentTopic::new(SENT_TOPIC).hash() {
            let report = SentReport::from_bytes(&message.data).ok().filter(|_| self.config.teacher)?;
            if !self.reports.accept(source, now) {
                return None;
            }
            return (!report.sent.is_empty())
                .then(|| NodeEvent::ClassMessages { from: source.to_string(), sent: report.sent });
        }
        if message.topic == gossipsub::IdentTopic::new(LESSON_TOPIC).hash() {
            return self.lesson_heard(source, &message.data);
        }
        // Orders count only when the teacher's own node signed them.
        let from_teacher = Some(source) == self.teacher;
        match Order::from_bytes(&message.data) {
            Ok(order) if from_teacher => self.obey(order, true),
            Ok(_) => Some(NodeEvent::OrderRefused {
                peer: source.to_string(),
                reason: "an order not signed by the teacher's node: ignored".into(),
            }),
            Err(reason) => Some(NodeEvent::OrderRefused { peer: source.to_string(), reason }),
        }
    }

    /// Every peer heard from recently, this node first among them, sorted by peer id.
    pub(super) fn build_class(&mut self, me: String, now: Instant) -> Vec<ClassPeer> {
        let own = self.own_telemetry();
        let mut class = vec![class_peer(me, own, Duration::ZERO)];
        let stale = stale_after(self.telemetry.len() + 1);
        for (peer, heard) in self.telemetry.values() {
            let age = now.saturating_duration_since(*heard);
            if age < stale {
                class.push(ClassPeer { age: age.as_secs(), ..peer.clone() });
            }
        }
        class.sort_by(|a, b| a.peer.cmp(&b.peer));
        class
    }
}
