//! One node of the class swarm: the libp2p swarm (`behaviour.rs`) and what it has learnt. Its
//! loop waits for the next swarm event, command, finished repair or tick, reads the clock once
//! and hands `now` down: when periodic work is due and how much each peer may ask is decided by
//! the pure `schedule.rs`. The parts of its work live beside it in `node/`: serving pieces within
//! per-peer limits (`serve.rs`), telemetry and the class it describes (`class.rs`), the
//! teacher's registry and logging in to it (`registry.rs`), who enters the routing table
//! (`table.rs`), the teacher's orders
//! (`orders.rs`), and the lesson the class follows with its votes (`lesson.rs`). It reports what happens as `NodeEvent`s and what it knows as a `NodeState`.
//!
//! Traps rust-libp2p users report, and what this does about them:
//! - Kademlia stays a client until an external address is confirmed: the mode is set to server.
//! - Peers found by identify, mDNS or rendezvous are not in Kademlia by themselves: they are
//!   offered to the routing table, which takes them while their bucket has room (`table.rs`).
//! - Bootstrapping an empty routing table fails, and a bootstrap in a large class dials dozens
//!   of peers: a student fills its table from the teacher's registry and looks up its own id
//!   once; a node without a registry bootstraps once a peer is known, then once more 10 s later.
//! - Cloned lab images sharing a key ignore each other: every run makes a fresh identity.
//! - Idle connections close (after 30 s) but gossipsub keeps every connection busy: trimming
//!   (`trim.rs`) bounds how many a node holds.

mod class;
mod lesson;
mod orders;
mod registry;
mod serve;
mod snapshot;
mod table;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use libp2p::request_response::{self, OutboundRequestId};
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{Multiaddr, PeerId, Swarm, gossipsub, kad, mdns, rendezvous};
use tokio::sync::{mpsc, oneshot};

use super::behaviour::{Behaviour, BehaviourEvent, build};
use super::client::{Client, Command};
use super::config::{NodeConfig, is_local};
use super::events::NodeEvent;
use super::follow::{BallotBox, LESSON_TOPIC, LessonPosition};
use super::lookup_trace::LookupTrace;
use super::names::clean_name;
use super::pieces::PieceStore;
use super::schedule::{RateLimiter, ReportGate, Schedule, UploadCap};
use super::share::{self, Repair};
use super::state::ClassPeer;
use super::telemetry::{FileNote, MAX_REPORTED_SENT, ORDERS_TOPIC, SENT_TOPIC, TELEMETRY_TOPIC};
use super::trim;
use super::wire::{Key, Response};

/// The name shown for a peer whose name the teacher rejected.
pub const REJECTED_NAME: &str = "(name hidden by the teacher)";

/// A running node: its swarm and what it has learnt.
pub struct Node {
    pub swarm: Swarm<Behaviour>,
    config: NodeConfig,
    addr: Option<Multiaddr>,
    names: HashMap<PeerId, String>,
    /// The same names keyed by peer id text, as the state shows them.
    names_text: Arc<BTreeMap<String, String>>,
    /// Dials to `--join` addresses still unanswered, and the last reason one failed.
    join_dials: HashSet<ConnectionId>,
    joined: bool,
    last_join_failure: Option<String>,
    /// When each periodic job is due.
    schedule: Schedule,
    /// The piece count in the last telemetry sent.
    reported_pieces: usize,
    /// A student's messages not yet reported to the teacher: to whom, what kind, when.
    outbox: Vec<(PeerId, &'static str, Instant)>,
    /// On the teacher's node: one message report per student per half second.
    reports: ReportGate<PeerId>,
    /// Whether the registry has confirmed this student's first log-in.
    registered: bool,
    /// The student logged out of the registry for a while (a lesson's step), still in the class.
    logged_out: bool,
    /// The files whose manifests this node holds, read from disk once each (None: unreadable).
    file_notes: HashMap<Key, Option<FileNote>>,
    /// The class as the state shows it.
    class: Arc<Vec<ClassPeer>>,
    teacher: Option<PeerId>,
    commands: mpsc::UnboundedReceiver<Command>,
    client: Client,
    pending_closest: HashMap<kad::QueryId, oneshot::Sender<Vec<PeerId>>>,
    pending_requests: HashMap<OutboundRequestId, (PeerId, oneshot::Sender<Result<Response, String>>)>,
    /// When this node last used each connection (or, for a delayed upload, will be done with it).
    used: HashMap<PeerId, Instant>,
    rates: RateLimiter<PeerId>,
    uploads: UploadCap,
    /// What each peer last told, ready to show, and when.
    telemetry: HashMap<PeerId, (ClassPeer, Instant)>,
    registry: BTreeMap<PeerId, Vec<Multiaddr>>,
    banned: HashSet<PeerId>,
    rejected_names: HashSet<PeerId>,
    last_lookup: Option<LookupTrace>,
    /// On the teacher's node: the lesson it teaches and the votes on its questions.
    ballot: BallotBox,
    /// On a student's node: where the teacher's lesson stands, as the teacher last said.
    following: Option<LessonPosition>,
    repairing: Arc<AtomicBool>,
    repairs: mpsc::UnboundedReceiver<Vec<Repair>>,
    repairs_tx: mpsc::UnboundedSender<Vec<Repair>>,
    tick: tokio::time::Interval,
    ended: bool,
}

impl Node {
    /// Starts listening and dialling the peers to join.
    pub fn start(config: &NodeConfig) -> Result<Node, String> {
        if !is_local(&config.listen) {
            return Err(format!(
                "{} is not a loopback or local-network address; a class swarm listens only there",
                config.listen
            ));
        }
        let mut swarm = build(config)?;
        swarm.listen_on(config.listen.clone()).map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
        // Only the teacher hears students' message reports (see SENT_TOPIC).
        let topics: &[&str] = if config.teacher {
            &[TELEMETRY_TOPIC, ORDERS_TOPIC, SENT_TOPIC, LESSON_TOPIC]
        } else {
            &[TELEMETRY_TOPIC, ORDERS_TOPIC, LESSON_TOPIC]
        };
        for &topic in topics {
            swarm
                .behaviour_mut()
                .gossip
                .subscribe(&gossipsub::IdentTopic::new(topic))
                .map_err(|e| format!("cannot subscribe to {topic}: {e}"))?;
        }
        let mut join_dials = HashSet::new();
        for addr in &config.join {
            let opts = DialOpts::from(addr.clone());
            join_dials.insert(opts.connection_id());
            swarm.dial(opts).map_err(|e| format!("cannot dial {addr}: {e}"))?;
        }
        let local = *swarm.local_peer_id();
        let store = Arc::new(Mutex::new(PieceStore::open(&local.to_string())?));
        let (commands_tx, commands) = mpsc::unbounded_channel();
        let (repairs_tx, repairs) = mpsc::unbounded_channel();
        let client =
            Client { commands: commands_tx, store: store.clone(), local, replication: config.replication.max(1) };
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(Node {
            swarm,
            config: config.clone(),
            addr: None,
            names: HashMap::new(),
            names_text: Arc::default(),
            join_dials,
            joined: config.join.is_empty(),
            last_join_failure: None,
            schedule: Schedule::new(Instant::now(), config.repair_every, config.registration_ttl),
            reported_pieces: 0,
            outbox: Vec::new(),
            reports: ReportGate::default(),
            registered: false,
            logged_out: false,
            file_notes: HashMap::new(),
            class: Arc::default(),
            teacher: None,
            commands,
            client,
            pending_closest: HashMap::new(),
            pending_requests: HashMap::new(),
            used: HashMap::new(),
            rates: RateLimiter::default(),
            uploads: UploadCap::new(config.upload_limit),
            telemetry: HashMap::new(),
            registry: BTreeMap::new(),
            banned: HashSet::new(),
            rejected_names: HashSet::new(),
            last_lookup: None,
            ballot: BallotBox::default(),
            following: None,
            repairing: Arc::new(AtomicBool::new(false)),
            repairs,
            repairs_tx,
            tick,
            ended: false,
        })
    }

    /// A handle for work that takes many steps (put, get, lookups).
    pub fn client(&self) -> Client {
        self.client.clone()
    }

    /// The node's own address with its peer id, once it listens.
    pub fn address(&self) -> Option<String> {
        self.addr.as_ref().map(|a| format!("{a}/p2p/{}", self.swarm.local_peer_id()))
    }

    /// Why joining failed, once every `--join` address has refused.
    pub fn join_failure(&self) -> Option<&str> {
        (!self.joined && self.join_dials.is_empty()).then_some(self.last_join_failure.as_deref().unwrap_or("no answer"))
    }

    /// Whether the node has joined a class (connected to a peer of it, or started it).
    pub fn joined(&self) -> bool {
        self.joined && (self.config.teacher || self.swarm.connected_peers().next().is_some())
    }

    /// Whether the session is over (the teacher ended it, or this node was banned or left).
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Waits for the next thing that happens and says what it was (None: nothing worth telling).
    /// The clock is read here, once per event; everything below takes `now`.
    pub async fn next_event(&mut self) -> Option<NodeEvent> {
        tokio::select! {
            event = self.swarm.select_next_some() => self.handle(event, Instant::now()),
            Some(command) = self.commands.recv() => self.command(command, Instant::now()),
            Some(repairs) = self.repairs.recv() => {
                self.repairing.store(false, Ordering::SeqCst);
                (!repairs.is_empty()).then_some(NodeEvent::Repaired { repairs })
            }
            _ = self.tick.tick() => { self.on_tick(Instant::now()); None }
        }
    }

    /// Asks Kademlia to refresh the routing table, if any peer is known.
    pub fn bootstrap(&mut self) {
        if self.swarm.behaviour_mut().kad.bootstrap().is_ok() {
            self.schedule.bootstrapped();
        }
    }

    /// Once a second: forget stale telemetry, trim connections, report messages, and whatever
    /// periodic work the schedule says is due.
    fn on_tick(&mut self, now: Instant) {
        let class = self.telemetry.len() + 1;
        let stale = super::schedule::stale_after(class);
        self.telemetry.retain(|_, (_, heard)| now.saturating_duration_since(*heard) < stale);
        self.trim_connections(now);
        self.report_sent(now);
        self.reports.trim(now);
        let pieces_changed = self.client.with_store(|s| s.len()) != self.reported_pieces;
        let due = self.schedule.tick(now, class, pieces_changed);
        if due.renew_log_in {
            self.log_in(now);
        }
        if due.bootstrap {
            self.bootstrap();
        }
        if due.telemetry {
            self.publish_telemetry();
        }
        if due.repair {
            self.start_repair();
        }
        // A student who joins late lands on the step shown.
        if self.config.teacher {
            self.publish_position();
        }
    }

    /// Closes the connections this node needs least once it has too many (see `trim`).
    fn trim_connections(&mut self, now: Instant) {
        let connected: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        if connected.len() <= trim::HIGH {
            return;
        }
        let behaviour = self.swarm.behaviour_mut();
        let mesh: HashSet<PeerId> = behaviour.gossip.all_mesh_peers().copied().collect();
        let waiting: HashSet<PeerId> = self.pending_requests.values().map(|(peer, _)| *peer).collect();
        let links: Vec<trim::Link> = connected
            .into_iter()
            .map(|peer| trim::Link {
                peer,
                protected: Some(peer) == self.teacher
                    || self.registry.contains_key(&peer)
                    || mesh.contains(&peer)
                    || waiting.contains(&peer),
                idle: self.used.get(&peer).map_or(Duration::MAX, |used| now.saturating_duration_since(*used)),
            })
            .collect();
        for peer in trim::to_close(&links) {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
    }

    /// One repair pass at a time, in the background.
    fn start_repair(&mut self) {
        if self.client.with_store(|s| s.is_empty()) || self.repairing.swap(true, Ordering::SeqCst) {
            return;
        }
        let (client, done) = (self.client.clone(), self.repairs_tx.clone());
        tokio::spawn(async move {
            let _ = done.send(share::repair(&client).await);
        });
    }

    fn command(&mut self, command: Command, now: Instant) -> Option<NodeEvent> {
        match command {
            Command::Closest { key, wide, reply } => {
                let results = if wide { kad::K_VALUE } else { self.config.lookup_results() };
                let id = self.swarm.behaviour_mut().kad.get_n_closest_peers(key.to_vec(), results);
                self.pending_closest.insert(id, reply);
                None
            }
            Command::LocalClosest { key, reply } => {
                let _ = reply.send(self.local_closest(&key));
                None
            }
            Command::Request { peer, addrs, request, reply } => {
                if self.banned.contains(&peer) {
                    let _ = reply.send(Err("that peer was banned by the teacher".into()));
                    return None;
                }
                let (kind, bytes) = request.kind_and_size();
                let id = self.swarm.behaviour_mut().pieces.send_request_with_addresses(&peer, request, addrs);
                self.pending_requests.insert(id, (peer, reply));
                self.used.insert(peer, now);
                // The teacher draws its own messages from its events; a student tells it.
                let drawn = kind != "has" && kind != "vote";
                if !self.config.teacher && drawn && self.outbox.len() < MAX_REPORTED_SENT {
                    self.outbox.push((peer, kind, now));
                }
                drawn.then(|| NodeEvent::Message { peer: peer.to_string(), kind: kind.into(), outgoing: true, bytes })
            }
            Command::Respond { channel, response } => {
                let _ = self.swarm.behaviour_mut().pieces.send_response(channel, response);
                None
            }
            Command::Order(order) => self.give_order(order),
            Command::Teach(position) => self.teach(position),
            Command::Tallies { reply } => {
                let _ = reply.send(self.ballot.teaching());
                None
            }
            Command::Vote { vote, reply } => {
                self.send_vote(vote, reply, now);
                None
            }
            Command::LogIn(on) => {
                self.set_logged_in(on, now);
                None
            }
            Command::LookupDone(trace) => {
                self.last_lookup = Some(trace.clone());
                Some(NodeEvent::Lookup { trace })
            }
            Command::Block { peer } => {
                self.swarm.behaviour_mut().blocked.block_peer(peer);
                None
            }
            Command::Leave => {
                self.leave_registry();
                self.ended = true;
                Some(NodeEvent::SessionEnded { by_teacher: false })
            }
        }
    }

    fn handle(&mut self, event: SwarmEvent<BehaviourEvent>, now: Instant) -> Option<NodeEvent> {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                // The rendezvous registry hands out external addresses: ours are local ones.
                self.swarm.add_external_address(address.clone());
                let first = self.addr.is_none();
                self.addr.get_or_insert(address.clone());
                first.then(|| NodeEvent::Listening { addr: format!("{address}/p2p/{}", self.swarm.local_peer_id()) })
            }
            SwarmEvent::ConnectionEstablished { peer_id, endpoint, num_established, connection_id, .. } => {
                self.join_dials.remove(&connection_id);
                self.used.insert(peer_id, now);
                if endpoint.is_dialer() {
                    self.learn(peer_id, [endpoint.get_remote_address().clone()]);
                    self.joined = true;
                }
                (num_established.get() == 1).then(|| NodeEvent::Connected { peer: peer_id.to_string() })
            }
            SwarmEvent::ConnectionClosed { peer_id, num_established: 0, cause, .. } => {
                self.rates.forget(&peer_id);
                self.used.remove(&peer_id);
                // A peer gone may have held pieces: repair starts now, not at the next poll, and
                // runs again at the next tick (a pass under way, or Kademlia not yet past the
                // dead peer, may miss it). A link this node let go of (idle, or trimmed: no
                // cause) says nothing about the peer.
                if !matches!(cause, None | Some(libp2p::swarm::ConnectionError::KeepAliveTimeout)) {
                    self.start_repair();
                    self.schedule.repair_soon();
                }
                // A student whose laptop closed is logged out of the registry as far as the
                // teacher's view goes (the rendezvous record itself expires later).
                if self.registry.remove(&peer_id).is_some() {
                    return Some(NodeEvent::LoggedOut { peer: peer_id.to_string() });
                }
                Some(NodeEvent::Disconnected { peer: peer_id.to_string() })
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, connection_id } => {
                let reason = describe_dial_error(&error.to_string());
                if self.join_dials.remove(&connection_id) {
                    self.last_join_failure = Some(reason.clone());
                }
                Some(NodeEvent::DialFailed { addr: peer_id.map_or_else(String::new, |p| p.to_string()), reason })
            }
            SwarmEvent::IncomingConnectionError { send_back_addr, error, .. } => Some(NodeEvent::IncomingRefused {
                addr: send_back_addr.to_string(),
                reason: describe_dial_error(&error.to_string()),
            }),
            SwarmEvent::Behaviour(event) => self.behaviour_event(event, now),
            _ => None,
        }
    }

    fn behaviour_event(&mut self, event: BehaviourEvent, now: Instant) -> Option<NodeEvent> {
        match event {
            BehaviourEvent::Identify(libp2p::identify::Event::Received { peer_id, info, .. }) => {
                self.identified(peer_id, info, now)
            }
            BehaviourEvent::Kad(kad::Event::RoutablePeer { peer, address }) => {
                self.learn(peer, [address]);
                None
            }
            BehaviourEvent::Kad(kad::Event::RoutingUpdated { peer, bucket_range, .. }) => {
                Some(NodeEvent::RoutingUpdated { peer: peer.to_string(), bucket: bucket_range.0.ilog2() })
            }
            BehaviourEvent::Kad(kad::Event::OutboundQueryProgressed { id, result, step, .. }) => {
                if let kad::QueryResult::GetClosestPeers(result) = result
                    && step.last
                {
                    let peers = match result {
                        Ok(ok) => ok.peers,
                        Err(kad::GetClosestPeersError::Timeout { peers, .. }) => peers,
                    };
                    // The peers a lookup met answered: offered to the table (Kademlia itself
                    // keeps only those it stays connected to).
                    for peer in &peers {
                        self.learn(peer.peer_id, peer.addrs.iter().cloned());
                    }
                    let reply = self.pending_closest.remove(&id)?;
                    let me = *self.swarm.local_peer_id();
                    let _ = reply.send(
                        peers.into_iter().map(|p| p.peer_id).filter(|p| *p != me && !self.banned.contains(p)).collect(),
                    );
                }
                None
            }
            BehaviourEvent::Pieces(request_response::Event::Message { peer, message, .. }) => match message {
                request_response::Message::Request { request, channel, .. } => self.serve(peer, request, channel, now),
                request_response::Message::Response { request_id, response } => {
                    if let Some((_, reply)) = self.pending_requests.remove(&request_id) {
                        self.used.insert(peer, now);
                        let _ = reply.send(Ok(response));
                    }
                    None
                }
            },
            BehaviourEvent::Pieces(request_response::Event::OutboundFailure { request_id, error, .. }) => {
                if let Some((_, reply)) = self.pending_requests.remove(&request_id) {
                    let _ = reply.send(Err(error.to_string()));
                }
                None
            }
            BehaviourEvent::Pieces(request_response::Event::InboundFailure { peer, error, .. }) => {
                // A malformed or oversized message: that stream is closed; say who sent it.
                match error {
                    request_response::InboundFailure::Io(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                        Some(NodeEvent::Misbehaved { peer: peer.to_string(), reason: clean_name(&e.to_string()) })
                    }
                    _ => None,
                }
            }
            BehaviourEvent::Gossip(gossipsub::Event::Message { message, .. }) => self.gossip(message, now),
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                let mut first = None;
                for (peer, addr) in found {
                    if is_local(&addr) && !self.banned.contains(&peer) {
                        self.learn(peer, [addr.clone()]);
                        if !self.swarm.is_connected(&peer) {
                            let _ = self.swarm.dial(DialOpts::peer_id(peer).addresses(vec![addr]).build());
                        }
                        first.get_or_insert(peer);
                    }
                }
                first.map(|peer| NodeEvent::Discovered { peer: peer.to_string() })
            }
            BehaviourEvent::Rendezvous(rendezvous::client::Event::Registered { rendezvous_node, .. }) => {
                self.registered_at(rendezvous_node)
            }
            BehaviourEvent::Rendezvous(rendezvous::client::Event::Discovered { registrations, .. }) => {
                Some(self.first_neighbours(registrations))
            }
            // No classmates from the registry: Kademlia's own bootstrap finds them instead.
            BehaviourEvent::Rendezvous(
                rendezvous::client::Event::RegisterFailed { .. } | rendezvous::client::Event::DiscoverFailed { .. },
            ) => {
                if self.schedule.bootstraps() == 0 {
                    self.bootstrap();
                }
                None
            }
            BehaviourEvent::Registry(rendezvous::server::Event::PeerRegistered { peer, registration }) => {
                self.peer_registered(peer, &registration)
            }
            BehaviourEvent::Registry(rendezvous::server::Event::PeerUnregistered { peer, .. }) => self.log_out(peer),
            BehaviourEvent::Registry(rendezvous::server::Event::RegistrationExpired(registration)) => {
                self.log_out(registration.record.peer_id())
            }
            _ => None,
        }
    }

    fn set_name(&mut self, peer: PeerId, name: String) {
        Arc::make_mut(&mut self.names_text).insert(peer.to_string(), name.clone());
        self.names.insert(peer, name);
    }
}

/// What a failed dial means to a student.
fn describe_dial_error(error: &str) -> String {
    if error.contains("Connection refused") {
        "nothing listens there (is the teacher's node running? is the address right?)".into()
    } else if ["Handshake", "handshake", "Multistream", "Timeout", "timed out"].iter().any(|w| error.contains(w)) {
        "the handshake failed: a different class code, or not a netlens class swarm".into()
    } else {
        let short: String = error.chars().take(160).collect();
        format!("the connection failed: {short}")
    }
}
