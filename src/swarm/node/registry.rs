//! The class registry: on the teacher's node the rendezvous point that keeps who is logged in; on
//! a student's node the log-in there (renewed before it lapses, so a closed laptop drops out
//! within `registration_ttl`), the first few neighbours it hands a newcomer, and knowing which
//! peer is the teacher's.

use std::time::Instant;

use libp2p::{PeerId, identify, rendezvous};

use super::{Node, REJECTED_NAME};
use crate::swarm::behaviour::PROTOCOL_VERSION;
use crate::swarm::config::is_local;
use crate::swarm::events::NodeEvent;
use crate::swarm::names::clean_name;

/// The class registry's namespace at the teacher's rendezvous point.
const NAMESPACE: &str = "netlens-class";
/// How many classmates a newcomer asks the registry for, to fill its routing table (a log-in is
/// a few hundred bytes: a thousand fit well inside rendezvous's 1 MiB message).
const MAX_CLASSMATES_ASKED: u64 = 1000;

fn namespace() -> rendezvous::Namespace {
    rendezvous::Namespace::from_static(NAMESPACE)
}

impl Node {
    /// A peer said who it is: refuse another protocol version, learn its addresses, bootstrap the
    /// first time a peer is known, and log in at the teacher's registry once it is found.
    pub(super) fn identified(&mut self, peer_id: PeerId, info: identify::Info, now: Instant) -> Option<NodeEvent> {
        if info.protocol_version != PROTOCOL_VERSION {
            let _ = self.swarm.disconnect_peer_id(peer_id);
            return Some(NodeEvent::Refused {
                peer: peer_id.to_string(),
                reason: format!(
                    "it speaks {:?}, this node {PROTOCOL_VERSION:?}: update netlens",
                    clean_name(&info.protocol_version)
                ),
            });
        }
        self.learn(peer_id, info.listen_addrs);
        // The teacher's node is the one that keeps the registry: log in there, once.
        // When the student was given the teacher's address with its peer id, that peer alone.
        let may_be_teacher = self.config.teacher_id.is_none_or(|id| id == peer_id);
        if !self.config.teacher
            && self.teacher.is_none()
            && may_be_teacher
            && info.protocols.contains(&rendezvous::PROTOCOL_NAME)
        {
            self.teacher = Some(peer_id);
            // Orders and the registry's log-out on a closed laptop both ride this connection.
            self.swarm.behaviour_mut().keep.keep(peer_id);
            self.log_in(now);
        }
        // A student logging in fills its table from the registry's answer (table.rs); anyone
        // else bootstraps once a peer is known.
        let registry_answers = self.teacher.is_some() && self.config.register && !self.logged_out;
        if self.schedule.bootstraps() == 0 && !registry_answers {
            self.bootstrap();
        }
        let name = if self.rejected_names.contains(&peer_id) {
            REJECTED_NAME.to_string()
        } else {
            clean_name(info.agent_version.split_once(' ').map_or("", |(_, name)| name))
        };
        self.set_name(peer_id, name.clone());
        Some(NodeEvent::Identified { peer: peer_id.to_string(), name })
    }

    /// Logs in at the teacher's registry, or renews the log-in (see `registration_ttl`).
    pub(super) fn log_in(&mut self, now: Instant) {
        let (Some(teacher), true, false) = (self.teacher, self.config.register, self.logged_out) else { return };
        let ttl = self.config.registration_ttl.as_secs().max(1);
        if self.swarm.behaviour_mut().rendezvous.register(namespace(), teacher, Some(ttl)).is_ok() {
            self.schedule.logged_in(now);
        }
    }

    /// Logs out of the registry for a while, staying connected to the class, or back in: the
    /// registry's answer to the new log-in is told again (`Registered`).
    pub(super) fn set_logged_in(&mut self, on: bool, now: Instant) {
        if on != self.logged_out {
            return;
        }
        self.logged_out = !on;
        if on {
            self.log_in(now);
        } else {
            self.leave_registry();
            self.schedule.logged_out();
            self.registered = false;
        }
    }

    /// Leaves the registry on the way out.
    pub(super) fn leave_registry(&mut self) {
        if let Some(teacher) = self.teacher {
            self.swarm.behaviour_mut().rendezvous.unregister(namespace(), teacher);
        }
    }

    /// The registry confirmed a log-in. Renewals are quiet: only the first asks for neighbours
    /// and is told.
    pub(super) fn registered_at(&mut self, rendezvous_node: PeerId) -> Option<NodeEvent> {
        if self.registered {
            return None;
        }
        self.registered = true;
        self.swarm.behaviour_mut().rendezvous.discover(
            Some(namespace()),
            None,
            Some(MAX_CLASSMATES_ASKED),
            rendezvous_node,
        );
        Some(NodeEvent::Registered { teacher: rendezvous_node.to_string() })
    }

    /// The registry's answer: the classmates logged in, which fill the routing table; the
    /// closest of them are this node's first neighbours.
    pub(super) fn first_neighbours(&mut self, registrations: Vec<rendezvous::Registration>) -> NodeEvent {
        let classmates = registrations
            .into_iter()
            .map(|registration| (registration.record.peer_id(), registration.record.addresses().to_vec()))
            .collect();
        let neighbours = self.seed_table(classmates);
        NodeEvent::Neighbours { peers: neighbours.iter().map(ToString::to_string).collect() }
    }

    /// On the teacher's node: a student logged in (a renewal is not a new log-in).
    pub(super) fn peer_registered(
        &mut self,
        peer: PeerId,
        registration: &rendezvous::Registration,
    ) -> Option<NodeEvent> {
        if self.banned.contains(&peer) {
            return None;
        }
        let addrs = registration.record.addresses().iter().filter(|a| is_local(a)).take(8).cloned().collect();
        self.swarm.behaviour_mut().keep.keep(peer);
        self.registry.insert(peer, addrs).is_none().then(|| NodeEvent::LoggedIn { peer: peer.to_string() })
    }

    /// On the teacher's node: a student left the registry (logged out, or its log-in expired).
    /// Told once, however many ways it left.
    pub(super) fn log_out(&mut self, peer: PeerId) -> Option<NodeEvent> {
        self.swarm.behaviour_mut().keep.release(&peer);
        self.registry.remove(&peer).map(|_| NodeEvent::LoggedOut { peer: peer.to_string() })
    }
}
