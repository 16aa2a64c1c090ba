//! Keeps chosen connections open past the swarm's idle timeout: a student's link to the teacher,
//! and the teacher's links to the students logged in to its registry. Today gossipsub's open
//! streams also keep every connection from going idle (trimming, in `trim.rs`, is what closes
//! them, and it spares these same links); this makes the teacher's links independent of that.

use std::collections::{HashMap, HashSet, VecDeque};
use std::convert::Infallible;
use std::task::{Context, Poll};

use libp2p::PeerId;
use libp2p::core::transport::PortUse;
use libp2p::core::upgrade::DeniedUpgrade;
use libp2p::core::{Endpoint, Multiaddr};
use libp2p::swarm::handler::ConnectionEvent;
use libp2p::swarm::{
    ConnectionDenied, ConnectionHandlerEvent, ConnectionId, FromSwarm, NetworkBehaviour, NotifyHandler,
    SubstreamProtocol, THandler, THandlerInEvent, THandlerOutEvent, ToSwarm,
};

#[derive(Default)]
pub struct Behaviour {
    kept: HashSet<PeerId>,
    connections: HashMap<PeerId, HashSet<ConnectionId>>,
    /// Keep-alive changes waiting to reach the connections' handlers.
    pending: VecDeque<(PeerId, ConnectionId, bool)>,
}

impl Behaviour {
    /// Keeps every connection to `peer` open, now and later.
    pub fn keep(&mut self, peer: PeerId) {
        if self.kept.insert(peer) {
            self.tell(peer, true);
        }
    }

    /// Lets the connections to `peer` close when idle again.
    pub fn release(&mut self, peer: &PeerId) {
        if self.kept.remove(peer) {
            self.tell(*peer, false);
        }
    }

    fn tell(&mut self, peer: PeerId, keep: bool) {
        for connection in self.connections.get(&peer).into_iter().flatten() {
            self.pending.push_back((peer, *connection, keep));
        }
    }

    fn handler(&mut self, peer: PeerId, connection: ConnectionId) -> Handler {
        self.connections.entry(peer).or_default().insert(connection);
        Handler { keep: self.kept.contains(&peer) }
    }
}

impl NetworkBehaviour for Behaviour {
    type ConnectionHandler = Handler;
    type ToSwarm = Infallible;

    fn handle_established_inbound_connection(
        &mut self,
        connection: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler(peer, connection))
    }

    fn handle_established_outbound_connection(
        &mut self,
        connection: ConnectionId,
        peer: PeerId,
        _: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(self.handler(peer, connection))
    }

    fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, event: THandlerOutEvent<Self>) {
        match event {}
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        if let FromSwarm::ConnectionClosed(closed) = event
            && let Some(connections) = self.connections.get_mut(&closed.peer_id)
        {
            connections.remove(&closed.connection_id);
            if connections.is_empty() {
                self.connections.remove(&closed.peer_id);
            }
        }
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        match self.pending.pop_front() {
            Some((peer_id, connection, keep)) => {
                Poll::Ready(ToSwarm::NotifyHandler { peer_id, handler: NotifyHandler::One(connection), event: keep })
            }
            None => Poll::Pending,
        }
    }
}

/// A connection's side of it: no protocol, only whether to keep the connection open.
pub struct Handler {
    keep: bool,
}

impl libp2p::swarm::ConnectionHandler for Handler {
    type FromBehaviour = bool;
    type ToBehaviour = Infallible;
    type InboundProtocol = DeniedUpgrade;
    type OutboundProtocol = DeniedUpgrade;
    type InboundOpenInfo = ();
    type OutboundOpenInfo = ();

    fn listen_protocol(&self) -> SubstreamProtocol<Self::InboundProtocol> {
        SubstreamProtocol::new(DeniedUpgrade, ())
    }

    fn on_behaviour_event(&mut self, keep: bool) {
        self.keep = keep;
    }

    fn connection_keep_alive(&self) -> bool {
        self.keep
    }

    fn poll(
        &mut self,
        _: &mut Context<'_>,
    ) -> Poll<ConnectionHandlerEvent<Self::OutboundProtocol, (), Self::ToBehaviour>> {
        Poll::Pending
    }

    fn on_connection_event(&mut self, _: ConnectionEvent<Self::InboundProtocol, Self::OutboundProtocol>) {
        // No protocol of its own: nothing negotiates through it.
    }
}
