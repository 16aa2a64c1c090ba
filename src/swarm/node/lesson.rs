//! The lesson the class follows, on the node: the teacher's node publishes where its lesson
//! stands (again every second, for latecomers) and counts votes; a student's node takes the
//! position only from its teacher, reports a position anyone else signed, and sends its votes to
//! the teacher.

use std::time::Instant;

use libp2p::{PeerId, gossipsub};
use tokio::sync::oneshot;

use super::Node;
use crate::swarm::events::NodeEvent;
use crate::swarm::follow::{LESSON_TOPIC, LessonPosition, Vote};
use crate::swarm::wire::{Request, Response};

impl Node {
    /// The teacher moved (a key press, `next` on stdin): tell the class at once.
    pub(super) fn teach(&mut self, position: LessonPosition) -> Option<NodeEvent> {
        if !self.config.teacher {
            return None;
        }
        let before = self.ballot.current();
        self.ballot.teach(position);
        self.publish_position();
        let after = self.ballot.current();
        (after != before).then_some(after).flatten().map(|tally| NodeEvent::Tally { tally })
    }

    /// Publishes the teacher's position (at each move, and every second for latecomers).
    pub(super) fn publish_position(&mut self) {
        let Some(position) = self.ballot.position() else { return };
        let bytes = position.to_bytes();
        // Nobody subscribed yet is fine: the next second tries again.
        let _ = self.swarm.behaviour_mut().gossip.publish(gossipsub::IdentTopic::new(LESSON_TOPIC), bytes);
    }

    /// A lesson position heard on gossipsub: followed if the teacher signed it and it is newer
    /// than the one followed; refused, and said so, if anyone else did.
    pub(super) fn lesson_heard(&mut self, source: PeerId, data: &[u8]) -> Option<NodeEvent> {
        if self.config.teacher {
            return None;
        }
        if Some(source) != self.teacher {
            return Some(NodeEvent::OrderRefused {
                peer: source.to_string(),
                reason: "a lesson step not signed by the teacher's node: ignored".into(),
            });
        }
        let position = match LessonPosition::from_bytes(data) {
            Ok(position) => position,
            Err(reason) => return Some(NodeEvent::OrderRefused { peer: source.to_string(), reason }),
        };
        if let Some(old) = &self.following
            && (position.seq < old.seq || position.same_moment(old))
        {
            self.following = Some(LessonPosition { seq: old.seq.max(position.seq), ..old.clone() });
            return None;
        }
        self.following = Some(position.clone());
        Some(NodeEvent::Following { position })
    }

    /// A student's vote goes to the teacher's node, which says whether it counted.
    pub(super) fn send_vote(&mut self, vote: Vote, reply: oneshot::Sender<Result<(), String>>, now: Instant) {
        let Some(teacher) = self.teacher else {
            let _ = reply.send(Err("the teacher's node is not known yet".into()));
            return;
        };
        let (answer_tx, answer) = oneshot::channel();
        let id = self.swarm.behaviour_mut().pieces.send_request(&teacher, Request::Vote(vote));
        self.pending_requests.insert(id, (teacher, answer_tx));
        self.used.insert(teacher, now);
        tokio::spawn(async move {
            let result = match answer.await {
                Ok(Ok(Response::Stored)) => Ok(()),
                Ok(Ok(Response::Refused(reason))) => Err(format!("the teacher's node refused the vote: {reason}")),
                Ok(Ok(_)) => Err("the teacher's node gave an answer that is not about votes".into()),
                Ok(Err(reason)) => Err(format!("the vote did not reach the teacher: {reason}")),
                Err(_) => Err("the node has stopped".into()),
            };
            let _ = reply.send(result);
        });
    }

    /// On the teacher's node: a vote arrived. Counted, or refused with the reason (and told).
    pub(super) fn count_vote(&mut self, peer: PeerId, vote: &Vote) -> (Response, Option<NodeEvent>) {
        if !self.config.teacher {
            return (Response::Refused("only the teacher's node counts votes".into()), None);
        }
        let before = self.ballot.current();
        match self.ballot.vote(peer, vote, self.registry.contains_key(&peer)) {
            Ok(()) => {
                let after = self.ballot.current();
                let event = (after != before).then_some(after).flatten().map(|tally| NodeEvent::Tally { tally });
                (Response::Stored, event)
            }
            Err(reason) => {
                (Response::Refused(reason.clone()), Some(NodeEvent::VoteRefused { peer: peer.to_string(), reason }))
            }
        }
    }
}
