//! One node of the class swarm: the libp2p swarm (`behaviour.rs`) and what it has learnt. It
//! serves pieces to strangers within per-peer limits, publishes its telemetry, keeps the class
//! registry when it is the teacher's node, follows the teacher's orders, repairs the pieces it
//! holds, and answers the commands of `client.rs`. It reports what happens as `NodeEvent`s and
//! what it knows as a `NodeState`.
//!
//! Traps rust-libp2p users report, and what this does about them:
//! - Kademlia stays a client until an external address is confirmed: the mode is set to server.
//! - Peers found by identify, mDNS or rendezvous are not in Kademlia by themselves: their
//!   addresses are added.
//! - Bootstrapping an empty routing table fails: it is done once a peer is known, then every
//!   10 s.
//! - Cloned lab images sharing a key ignore each other: every run makes a fresh identity.
//! - Idle connections close: the idle timeout is an hour.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use libp2p::kad::KBucketKey;
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, OutboundRequestId, ResponseChannel};
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{ConnectionId, SwarmEvent};
use libp2p::{Multiaddr, PeerId, Swarm, gossipsub, identify, kad, mdns, rendezvous};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

pub use super::behaviour::PROTOCOL_VERSION;
use super::behaviour::{Behaviour, BehaviourEvent, build};
use super::client::{Client, Command};
use super::config::NodeConfig;
use super::lookup_trace::LookupTrace;
use super::names::clean_name;
use super::pieces::{Manifest, PieceHeld, PieceStore, hex};
use super::share::{self, Repair};
use super::telemetry::{
    FileNote, LINKS_SENT, MAX_REPORTED_FILES, MAX_REPORTED_PIECES, MAX_REPORTED_SENT, ORDERS_TOPIC, Order, SENT_TOPIC,
    SHORT_HASH, Sent, SentReport, TELEMETRY_TOPIC, Telemetry,
};
use super::trim;
use super::wire::{Key, Request, Response};

/// How soon after joining the routing table is refreshed once more, to meet the classmates who
/// joined meanwhile. After that Kademlia bootstraps by itself: whenever a small table gains a
/// peer, and every five minutes. A bootstrap is a lookup per bucket that dials dozens of peers:
/// repeating it every few seconds made a class of 100 spend its time opening connections.
const BOOTSTRAP_AGAIN: Duration = Duration::from_secs(10);
/// How often a node tells the class how it is, in a class of up to 20.
const TELEMETRY_EVERY: Duration = Duration::from_secs(2);
/// How many telemetry messages the whole class sends a second at most, whatever its size. Every
/// node hears, and checks the signature of, every one: with a fixed period the work grows with
/// the square of the class, so the period grows with the class instead.
const CLASS_TELEMETRY_PER_SECOND: f64 = 4.0;
/// How often the class in the state is rebuilt at most.
const CLASS_REBUILT_EVERY: Duration = Duration::from_secs(1);
/// A peer unheard for this many periods is drawn as gone.
const STALE_AFTER_PERIODS: u32 = 4;
/// A student reports its messages once a second; the teacher takes at most one report per
/// student in this time.
const MIN_REPORT_GAP: Duration = Duration::from_millis(500);
/// The class registry's namespace at the teacher's rendezvous point.
const NAMESPACE: &str = "netlens-class";
/// How many neighbours a newcomer dials from the registry.
const FIRST_NEIGHBOURS: usize = 3;
/// Requests one peer may make per second before it is refused, and before it is cut off.
const REQUESTS_PER_SECOND: u32 = 300;
const CUT_OFF_PER_SECOND: u32 = 1000;
/// The name shown for a peer whose name the teacher rejected.
pub const REJECTED_NAME: &str = "(name hidden by the teacher)";

/// Something that happened, as `netlens swarm node` prints it (one JSON object per line).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum NodeEvent {
    Listening {
        addr: String,
    },
    Connected {
        peer: String,
    },
    Disconnected {
        peer: String,
    },
    /// A peer said who it is (its display name, cleaned).
    Identified {
        peer: String,
        name: String,
    },
    RoutingUpdated {
        peer: String,
        bucket: Option<u32>,
    },
    /// A peer that is not of this class (another protocol version) was turned away.
    Refused {
        peer: String,
        reason: String,
    },
    DialFailed {
        addr: String,
        reason: String,
    },
    /// mDNS saw a peer on the local network.
    Discovered {
        peer: String,
    },
    /// This node logged in at the teacher's registry, and got its first neighbours.
    Registered {
        teacher: String,
    },
    Neighbours {
        peers: Vec<String>,
    },
    /// On the teacher's node: a student logged in or out of the registry.
    LoggedIn {
        peer: String,
    },
    LoggedOut {
        peer: String,
    },
    /// A piece or manifest arrived to keep (`piece` None: a manifest).
    PieceStored {
        file: String,
        piece: Option<u32>,
        hash: String,
        from: String,
    },
    /// A piece went to a peer (`kind` "store", "fetch" or "find_node", as asked or answered).
    Message {
        peer: String,
        kind: String,
        outgoing: bool,
        bytes: usize,
    },
    Repaired {
        repairs: Vec<Repair>,
    },
    /// On the teacher's node: the messages a student sent in its last second, for the live graph.
    ClassMessages {
        from: String,
        sent: Vec<Sent>,
    },
    /// A stranger sent something malformed or too much: its connection was closed.
    Misbehaved {
        peer: String,
        reason: String,
    },
    Banned {
        peer: String,
    },
    NameRejected {
        peer: String,
    },
    /// The teacher ended the session (or this node left).
    SessionEnded {
        by_teacher: bool,
    },
    Lookup {
        trace: LookupTrace,
    },
}

/// One k-bucket: peers at XOR distance in [2^bucket, 2^(bucket+1)).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Bucket {
    pub bucket: u32,
    pub peers: Vec<String>,
}

/// One peer of the class, as the telemetry shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassPeer {
    pub peer: String,
    pub name: String,
    pub table_size: usize,
    pub pieces: usize,
    pub connections: usize,
    /// Shared, not copied, by every snapshot of the state: a class of hundreds is copied often.
    pub links: Arc<[String]>,
    /// Short hashes of the pieces it holds.
    pub held: Arc<[String]>,
    /// The files whose manifests it holds.
    pub files: Arc<[FileNote]>,
    /// Seconds since it was last heard from.
    pub age: u64,
}

/// A student in the teacher's registry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Registered {
    pub peer: String,
    pub name: String,
    pub addrs: Vec<String>,
}

/// What the node knows, as `--state-file` keeps it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeState {
    pub peer_id: String,
    pub name: String,
    pub addr: String,
    pub code: String,
    pub teacher: Option<String>,
    pub bucket_size: usize,
    pub replication: usize,
    pub upload_limit: Option<u64>,
    /// Seconds between this node's telemetry messages (longer in a large class).
    pub telemetry_every: u64,
    pub routing_table: Vec<Bucket>,
    pub connected: Vec<String>,
    /// Display names of the peers that identified themselves (shared between snapshots).
    pub names: Arc<BTreeMap<String, String>>,
    pub pieces_held: Vec<PieceHeld>,
    /// On the teacher's node: who is logged in.
    pub registry: Option<Vec<Registered>>,
    /// Every peer the telemetry has told about, this node included (rebuilt once a second and
    /// shared between snapshots: in a class of 200, copying it four times a second for every
    /// node was a quarter of the benchmark's CPU).
    pub class: Arc<Vec<ClassPeer>>,
    pub banned: Vec<String>,
    pub last_lookup: Option<LookupTrace>,
    /// Connected to the class (or started it).
    pub joined: bool,
    /// Why joining failed, once every address to join through has refused.
    pub join_failure: Option<String>,
    pub ended: bool,
}

/// Requests one peer made in the current second.
struct RateWindow {
    started: Instant,
    count: u32,
}

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
    /// Bootstraps started so far.
    bootstraps: u32,
    /// The piece count in the last telemetry sent.
    reported_pieces: usize,
    /// A student's messages not yet reported to the teacher: to whom, what kind, when.
    outbox: Vec<(PeerId, &'static str, Instant)>,
    /// On the teacher's node: when each student's last message report was taken (one a second
    /// is all a student sends; more are dropped).
    sent_reports: HashMap<PeerId, Instant>,
    /// When this student last logged in at the teacher's registry (renewed before it expires).
    logged_in_at: Option<Instant>,
    /// Whether the registry has confirmed this student's first log-in.
    registered: bool,
    /// The files whose manifests this node holds, read from disk once each (None: unreadable).
    file_notes: HashMap<Key, Option<FileNote>>,
    /// The class as the state shows it, and when it was last built.
    class: Arc<Vec<ClassPeer>>,
    class_built: Option<Instant>,
    teacher: Option<PeerId>,
    commands: mpsc::UnboundedReceiver<Command>,
    client: Client,
    pending_closest: HashMap<kad::QueryId, oneshot::Sender<Vec<PeerId>>>,
    pending_requests: HashMap<OutboundRequestId, (PeerId, oneshot::Sender<Result<Response, String>>)>,
    /// When this node last used each connection (or, for a delayed upload, will be done with it).
    used: HashMap<PeerId, Instant>,
    rates: HashMap<PeerId, RateWindow>,
    /// When the capped upload is free again.
    upload_free_at: Instant,
    /// What each peer last told, ready to show, and when.
    telemetry: HashMap<PeerId, (ClassPeer, Instant)>,
    registry: BTreeMap<PeerId, Vec<Multiaddr>>,
    banned: HashSet<PeerId>,
    rejected_names: HashSet<PeerId>,
    last_lookup: Option<LookupTrace>,
    repairing: Arc<AtomicBool>,
    repairs: mpsc::UnboundedReceiver<Vec<Repair>>,
    repairs_tx: mpsc::UnboundedSender<Vec<Repair>>,
    tick: tokio::time::Interval,
    since: [Duration; 3],
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
            &[TELEMETRY_TOPIC, ORDERS_TOPIC, SENT_TOPIC]
        } else {
            &[TELEMETRY_TOPIC, ORDERS_TOPIC]
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
            bootstraps: 0,
            reported_pieces: 0,
            outbox: Vec::new(),
            sent_reports: HashMap::new(),
            logged_in_at: None,
            registered: false,
            file_notes: HashMap::new(),
            class: Arc::default(),
            class_built: None,
            teacher: None,
            commands,
            client,
            pending_closest: HashMap::new(),
            pending_requests: HashMap::new(),
            used: HashMap::new(),
            rates: HashMap::new(),
            upload_free_at: Instant::now(),
            telemetry: HashMap::new(),
            registry: BTreeMap::new(),
            banned: HashSet::new(),
            rejected_names: HashSet::new(),
            last_lookup: None,
            repairing: Arc::new(AtomicBool::new(false)),
            repairs,
            repairs_tx,
            tick,
            since: [Duration::ZERO; 3],
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
    pub async fn next_event(&mut self) -> Option<NodeEvent> {
        tokio::select! {
            event = self.swarm.select_next_some() => self.handle(event),
            Some(command) = self.commands.recv() => self.command(command),
            Some(repairs) = self.repairs.recv() => {
                self.repairing.store(false, Ordering::SeqCst);
                (!repairs.is_empty()).then_some(NodeEvent::Repaired { repairs })
            }
            _ = self.tick.tick() => { self.on_tick(); None }
        }
    }

    /// Asks Kademlia to refresh the routing table, if any peer is known.
    pub fn bootstrap(&mut self) {
        if self.swarm.behaviour_mut().kad.bootstrap().is_ok() {
            self.bootstraps += 1;
        }
    }

    /// Once a second: trimming, the second bootstrap, telemetry and repair, each on its own period.
    fn on_tick(&mut self) {
        let stale = self.telemetry_stale();
        self.telemetry.retain(|_, (_, heard)| heard.elapsed() < stale);
        self.trim_connections();
        self.report_sent();
        self.sent_reports.retain(|_, at| at.elapsed() < MIN_REPORT_GAP * 10);
        // Pieces arriving or leaving are news the teacher's view is waiting for: tell it at the
        // shortest period rather than the class-sized one.
        let pieces_changed = self.client.with_store(|s| s.len()) != self.reported_pieces;
        let telemetry_every = if pieces_changed { TELEMETRY_EVERY } else { self.telemetry_every() };
        if self.logged_in_at.is_some_and(|at| at.elapsed() >= self.config.registration_ttl / 3) {
            self.log_in();
        }
        let bootstrap_every = if self.bootstraps < 2 { BOOTSTRAP_AGAIN } else { Duration::MAX };
        let periods = [bootstrap_every, telemetry_every, self.config.repair_every];
        for (i, period) in periods.iter().enumerate() {
            self.since[i] += Duration::from_secs(1);
            if self.since[i] < *period {
                continue;
            }
            self.since[i] = Duration::ZERO;
            match i {
                0 => self.bootstrap(),
                1 => self.publish_telemetry(),
                _ => self.start_repair(),
            }
        }
    }

    /// A student tells the teacher which messages it sent this last second (see `SENT_TOPIC`).
    fn report_sent(&mut self) {
        if self.outbox.is_empty() {
            return;
        }
        let now = Instant::now();
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

    /// On the teacher's node: a student left the registry (logged out, or its log-in expired).
    /// Told once, however many ways it left.
    fn log_out(&mut self, peer: PeerId) -> Option<NodeEvent> {
        self.swarm.behaviour_mut().keep.release(&peer);
        self.registry.remove(&peer).map(|_| NodeEvent::LoggedOut { peer: peer.to_string() })
    }

    /// Logs in at the teacher's registry, or renews the log-in (see `registration_ttl`).
    fn log_in(&mut self) {
        let (Some(teacher), true) = (self.teacher, self.config.register) else { return };
        let ttl = self.config.registration_ttl.as_secs().max(1);
        if self.swarm.behaviour_mut().rendezvous.register(namespace(), teacher, Some(ttl)).is_ok() {
            self.logged_in_at = Some(Instant::now());
        }
    }

    /// Closes the connections this node needs least once it has too many (see `trim`).
    fn trim_connections(&mut self) {
        let connected: Vec<PeerId> = self.swarm.connected_peers().copied().collect();
        if connected.len() <= trim::HIGH {
            return;
        }
        let behaviour = self.swarm.behaviour_mut();
        let mesh: HashSet<PeerId> = behaviour.gossip.all_mesh_peers().copied().collect();
        let neighbours: HashSet<PeerId> = behaviour
            .kad
            .kbuckets()
            .flat_map(|b| b.iter().map(|e| *e.node.key.preimage()).collect::<Vec<_>>())
            .collect();
        let waiting: HashSet<PeerId> = self.pending_requests.values().map(|(peer, _)| *peer).collect();
        let now = Instant::now();
        let links: Vec<trim::Link> = connected
            .into_iter()
            .map(|peer| trim::Link {
                peer,
                protected: neighbours.contains(&peer)
                    || Some(peer) == self.teacher
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

    /// Grows with the class as this node knows it, so the class's telemetry stays bounded.
    fn telemetry_every(&self) -> Duration {
        let class = self.telemetry.len() + 1;
        TELEMETRY_EVERY.max(Duration::from_secs_f64(class as f64 / CLASS_TELEMETRY_PER_SECOND))
    }

    fn telemetry_stale(&self) -> Duration {
        self.telemetry_every() * STALE_AFTER_PERIODS
    }

    fn publish_telemetry(&mut self) {
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

    fn command(&mut self, command: Command) -> Option<NodeEvent> {
        match command {
            Command::Closest { key, reply } => {
                let id = self.swarm.behaviour_mut().kad.get_closest_peers(key.to_vec());
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
                let (kind, bytes) = describe_request(&request);
                let id = self.swarm.behaviour_mut().pieces.send_request_with_addresses(&peer, request, addrs);
                self.pending_requests.insert(id, (peer, reply));
                self.used.insert(peer, Instant::now());
                // The teacher draws its own messages from its events; a student tells it.
                if !self.config.teacher && kind != "has" && self.outbox.len() < MAX_REPORTED_SENT {
                    self.outbox.push((peer, kind, Instant::now()));
                }
                (kind != "has").then(|| NodeEvent::Message {
                    peer: peer.to_string(),
                    kind: kind.into(),
                    outgoing: true,
                    bytes,
                })
            }
            Command::Respond { channel, response } => {
                let _ = self.swarm.behaviour_mut().pieces.send_response(channel, response);
                None
            }
            Command::Order(order) => self.give_order(order),
            Command::LookupDone(trace) => {
                self.last_lookup = Some(trace.clone());
                Some(NodeEvent::Lookup { trace })
            }
            Command::Block { peer } => {
                self.swarm.behaviour_mut().blocked.block_peer(peer);
                None
            }
            Command::Leave => {
                if let Some(teacher) = self.teacher {
                    self.swarm.behaviour_mut().rendezvous.unregister(namespace(), teacher);
                }
                self.ended = true;
                Some(NodeEvent::SessionEnded { by_teacher: false })
            }
        }
    }

    /// The teacher's orders go to everyone on gossipsub, and take effect here at once.
    fn give_order(&mut self, order: Order) -> Option<NodeEvent> {
        if !self.config.teacher {
            return None;
        }
        let bytes = serde_json::to_vec(&order).unwrap_or_default();
        let _ = self.swarm.behaviour_mut().gossip.publish(gossipsub::IdentTopic::new(ORDERS_TOPIC), bytes);
        self.obey(order, true)
    }

    fn obey(&mut self, order: Order, from_teacher: bool) -> Option<NodeEvent> {
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

    /// The peers of this node's routing table closest to `key`, with their addresses.
    fn local_closest(&mut self, key: &Key) -> Vec<(PeerId, Vec<Multiaddr>)> {
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

    /// Counts a request from `peer`; false when it is over its rate (and cut off when far over).
    fn within_rate(&mut self, peer: PeerId) -> bool {
        let now = Instant::now();
        let window = self.rates.entry(peer).or_insert(RateWindow { started: now, count: 0 });
        if now.duration_since(window.started) >= Duration::from_secs(1) {
            *window = RateWindow { started: now, count: 0 };
        }
        window.count += 1;
        if window.count > CUT_OFF_PER_SECOND {
            let _ = self.swarm.disconnect_peer_id(peer);
        }
        window.count <= REQUESTS_PER_SECOND
    }

    fn serve(&mut self, peer: PeerId, request: Request, channel: ResponseChannel<Response>) -> Option<NodeEvent> {
        self.used.insert(peer, Instant::now());
        if self.banned.contains(&peer) {
            return None;
        }
        if !self.within_rate(peer) {
            let _ =
                self.swarm.behaviour_mut().pieces.send_response(channel, Response::Refused("too many requests".into()));
            return None;
        }
        let (kind, bytes) = describe_request(&request);
        let mut event = None;
        let response = match request {
            Request::Store { key, file, index, data } => {
                match self.client.with_store(|s| s.put(key, file, index, &data, &peer.to_string())) {
                    Ok(new) => {
                        if new {
                            event = Some(NodeEvent::PieceStored {
                                file: hex(&file),
                                piece: (index != super::pieces::MANIFEST).then_some(index),
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
                    let response = Response::Piece(data);
                    if let Some(delay) = self.upload_delay(len) {
                        // Busy with this peer until the capped upload goes out: not to be trimmed.
                        self.used.insert(peer, Instant::now() + delay);
                        // A capped upload: answer when the cap allows, without holding up the loop.
                        let commands = self.client.commands.clone();
                        tokio::spawn(async move {
                            tokio::time::sleep(delay).await;
                            let _ = commands.send(Command::Respond { channel, response });
                        });
                        return Some(NodeEvent::Message {
                            peer: peer.to_string(),
                            kind: "fetch".into(),
                            outgoing: false,
                            bytes: len,
                        });
                    }
                    event = Some(NodeEvent::Message {
                        peer: peer.to_string(),
                        kind: "fetch".into(),
                        outgoing: false,
                        bytes: len,
                    });
                    response
                }
                None => Response::NotFound,
            },
            Request::FindNode { target } => {
                event = Some(NodeEvent::Message { peer: peer.to_string(), kind: kind.into(), outgoing: false, bytes });
                Response::Closest(self.local_closest(&target).into_iter().filter(|(p, _)| *p != peer).collect())
            }
        };
        let _ = self.swarm.behaviour_mut().pieces.send_response(channel, response);
        event
    }

    /// How long to hold back `len` bytes to keep under the upload cap.
    fn upload_delay(&mut self, len: usize) -> Option<Duration> {
        let rate = self.config.upload_limit.filter(|r| *r > 0)?;
        let now = Instant::now();
        let start = self.upload_free_at.max(now);
        self.upload_free_at = start + Duration::from_secs_f64(len as f64 / rate as f64);
        Some(self.upload_free_at - now)
    }

    fn handle(&mut self, event: SwarmEvent<BehaviourEvent>) -> Option<NodeEvent> {
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
                self.used.insert(peer_id, Instant::now());
                if endpoint.is_dialer() {
                    self.swarm.behaviour_mut().kad.add_address(&peer_id, endpoint.get_remote_address().clone());
                    self.joined = true;
                }
                (num_established.get() == 1).then(|| NodeEvent::Connected { peer: peer_id.to_string() })
            }
            SwarmEvent::ConnectionClosed { peer_id, num_established: 0, cause, .. } => {
                self.rates.remove(&peer_id);
                self.used.remove(&peer_id);
                // A student whose laptop closed is logged out of the registry as far as the
                // teacher's view goes (the rendezvous record itself expires later).
                // A peer gone may have held pieces: check ours soon. A link this node let go
                // of (idle, or trimmed: no cause) says nothing about the peer.
                if !matches!(cause, None | Some(libp2p::swarm::ConnectionError::KeepAliveTimeout)) {
                    self.since[2] = self.config.repair_every.saturating_sub(Duration::from_secs(1));
                }
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
            SwarmEvent::Behaviour(event) => self.behaviour_event(event),
            _ => None,
        }
    }

    fn behaviour_event(&mut self, event: BehaviourEvent) -> Option<NodeEvent> {
        match event {
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => self.identified(peer_id, info),
            BehaviourEvent::Kad(kad::Event::RoutingUpdated { peer, bucket_range, .. }) => {
                Some(NodeEvent::RoutingUpdated { peer: peer.to_string(), bucket: bucket_range.0.ilog2() })
            }
            BehaviourEvent::Kad(kad::Event::OutboundQueryProgressed { id, result, step, .. }) => {
                if let kad::QueryResult::GetClosestPeers(result) = result
                    && step.last
                    && let Some(reply) = self.pending_closest.remove(&id)
                {
                    let peers = match result {
                        Ok(ok) => ok.peers,
                        Err(kad::GetClosestPeersError::Timeout { peers, .. }) => peers,
                    };
                    let me = *self.swarm.local_peer_id();
                    let _ = reply.send(
                        peers.into_iter().map(|p| p.peer_id).filter(|p| *p != me && !self.banned.contains(p)).collect(),
                    );
                }
                None
            }
            BehaviourEvent::Pieces(request_response::Event::Message { peer, message, .. }) => match message {
                request_response::Message::Request { request, channel, .. } => self.serve(peer, request, channel),
                request_response::Message::Response { request_id, response } => {
                    if let Some((_, reply)) = self.pending_requests.remove(&request_id) {
                        self.used.insert(peer, Instant::now());
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
            BehaviourEvent::Gossip(gossipsub::Event::Message { message, .. }) => self.gossip(message),
            BehaviourEvent::Mdns(mdns::Event::Discovered(found)) => {
                let mut first = None;
                for (peer, addr) in found {
                    if is_local(&addr) && !self.banned.contains(&peer) {
                        self.swarm.behaviour_mut().kad.add_address(&peer, addr.clone());
                        if !self.swarm.is_connected(&peer) {
                            let _ = self.swarm.dial(DialOpts::peer_id(peer).addresses(vec![addr]).build());
                        }
                        first.get_or_insert(peer);
                    }
                }
                first.map(|peer| NodeEvent::Discovered { peer: peer.to_string() })
            }
            BehaviourEvent::Rendezvous(rendezvous::client::Event::Registered { rendezvous_node, .. }) => {
                // Renewals are quiet: only the first log-in asks for neighbours and is told.
                if self.registered {
                    return None;
                }
                self.registered = true;
                self.swarm.behaviour_mut().rendezvous.discover(Some(namespace()), None, Some(32), rendezvous_node);
                Some(NodeEvent::Registered { teacher: rendezvous_node.to_string() })
            }
            BehaviourEvent::Rendezvous(rendezvous::client::Event::Discovered { registrations, .. }) => {
                let me = *self.swarm.local_peer_id();
                let mut neighbours = Vec::new();
                for registration in registrations {
                    let peer = registration.record.peer_id();
                    if peer == me || self.banned.contains(&peer) {
                        continue;
                    }
                    // Only the first few: Kademlia finds the rest itself, and every address
                    // handed to it for a full bucket makes it dial an older neighbour to check.
                    if neighbours.len() == FIRST_NEIGHBOURS {
                        break;
                    }
                    // Kademlia may have met some of them already; the others are dialed.
                    if !self.swarm.is_connected(&peer) {
                        let addrs: Vec<Multiaddr> =
                            registration.record.addresses().iter().filter(|a| is_local(a)).cloned().collect();
                        for addr in &addrs {
                            self.swarm.behaviour_mut().kad.add_address(&peer, addr.clone());
                        }
                        let _ = self.swarm.dial(DialOpts::peer_id(peer).addresses(addrs).build());
                    }
                    neighbours.push(peer.to_string());
                }
                Some(NodeEvent::Neighbours { peers: neighbours })
            }
            BehaviourEvent::Registry(rendezvous::server::Event::PeerRegistered { peer, registration }) => {
                if self.banned.contains(&peer) {
                    return None;
                }
                let addrs = registration.record.addresses().iter().filter(|a| is_local(a)).take(8).cloned().collect();
                self.swarm.behaviour_mut().keep.keep(peer);
                // A renewal is not a new log-in.
                self.registry.insert(peer, addrs).is_none().then(|| NodeEvent::LoggedIn { peer: peer.to_string() })
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

    fn identified(&mut self, peer_id: PeerId, info: identify::Info) -> Option<NodeEvent> {
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
        for addr in info.listen_addrs.into_iter().filter(is_local) {
            self.swarm.behaviour_mut().kad.add_address(&peer_id, addr);
        }
        if self.bootstraps == 0 {
            self.bootstrap();
        }
        // The teacher's node is the one that keeps the registry: log in there, once.
        if !self.config.teacher && self.teacher.is_none() && info.protocols.contains(&rendezvous::PROTOCOL_NAME) {
            self.teacher = Some(peer_id);
            // Orders and the registry's log-out on a closed laptop both ride this connection.
            self.swarm.behaviour_mut().keep.keep(peer_id);
            self.log_in();
        }
        let name = if self.rejected_names.contains(&peer_id) {
            REJECTED_NAME.to_string()
        } else {
            clean_name(info.agent_version.split_once(' ').map_or("", |(_, name)| name))
        };
        self.set_name(peer_id, name.clone());
        Some(NodeEvent::Identified { peer: peer_id.to_string(), name })
    }

    fn gossip(&mut self, message: gossipsub::Message) -> Option<NodeEvent> {
        let source = message.source?;
        if self.banned.contains(&source) {
            return None;
        }
        if message.topic == gossipsub::IdentTopic::new(TELEMETRY_TOPIC).hash() {
            if let Ok(mut telemetry) = Telemetry::from_bytes(&message.data) {
                if self.rejected_names.contains(&source) {
                    telemetry.name = REJECTED_NAME.into();
                }
                self.telemetry
                    .insert(source, (class_peer(source.to_string(), telemetry, Duration::ZERO), Instant::now()));
            }
            return None;
        }
        if message.topic == gossipsub::IdentTopic::new(SENT_TOPIC).hash() {
            let report = SentReport::from_bytes(&message.data).ok().filter(|_| self.config.teacher)?;
            let now = Instant::now();
            if self.sent_reports.get(&source).is_some_and(|at| now.duration_since(*at) < MIN_REPORT_GAP) {
                return None;
            }
            self.sent_reports.insert(source, now);
            return (!report.sent.is_empty())
                .then(|| NodeEvent::ClassMessages { from: source.to_string(), sent: report.sent });
        }
        // Orders count only when the teacher's own node signed them.
        let from_teacher = Some(source) == self.teacher;
        match Order::from_bytes(&message.data) {
            Ok(order) if from_teacher => self.obey(order, true),
            _ => None,
        }
    }

    /// Every peer heard from recently, this node first among them, sorted by peer id.
    fn build_class(&mut self, me: String) -> Vec<ClassPeer> {
        let own = self.own_telemetry();
        let mut class = vec![class_peer(me, own, Duration::ZERO)];
        let now = Instant::now();
        let stale = self.telemetry_stale();
        for (peer, heard) in self.telemetry.values() {
            let age = now.duration_since(*heard);
            if age < stale {
                class.push(ClassPeer { age: age.as_secs(), ..peer.clone() });
            }
        }
        class.sort_by(|a, b| a.peer.cmp(&b.peer));
        class
    }

    /// What the node knows now.
    pub fn state(&mut self) -> NodeState {
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
        if self.class_built.is_none_or(|built| built.elapsed() >= CLASS_REBUILT_EVERY) {
            self.class = Arc::new(self.build_class(me.clone()));
            self.class_built = Some(Instant::now());
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
            telemetry_every: self.telemetry_every().as_secs_f64().ceil() as u64,
            routing_table,
            connected,
            names: self.names_text.clone(),
            pieces_held: self.client.with_store(|s| s.held()),
            registry,
            class: self.class.clone(),
            banned,
            last_lookup: self.last_lookup.clone(),
            joined: self.joined(),
            join_failure: self.join_failure().map(str::to_string),
            ended: self.ended,
        }
    }
}

fn class_peer(peer: String, t: Telemetry, age: Duration) -> ClassPeer {
    ClassPeer {
        peer,
        name: t.name,
        table_size: t.table_size,
        pieces: t.pieces,
        connections: t.connections,
        links: t.links.into(),
        held: t.held.into(),
        files: t.files.into(),
        age: age.as_secs(),
    }
}

fn namespace() -> rendezvous::Namespace {
    rendezvous::Namespace::from_static(NAMESPACE)
}

/// A request's kind and payload size, for the message events.
fn describe_request(request: &Request) -> (&'static str, usize) {
    match request {
        Request::Store { data, .. } => ("store", data.len()),
        Request::Has { .. } => ("has", 0),
        Request::Fetch { .. } => ("fetch", 0),
        Request::FindNode { .. } => ("find_node", 0),
    }
}

/// Addresses a class swarm may listen on: loopback and the local network, never the internet.
pub fn is_local(addr: &Multiaddr) -> bool {
    addr.iter().any(|p| match p {
        Protocol::Ip4(ip) => ip.is_loopback() || ip.is_private() || ip.is_link_local() || ip.is_unspecified(),
        Protocol::Ip6(ip) => {
            ip.is_loopback()
                || ip.is_unspecified()
                || (ip.segments()[0] & 0xfe00) == 0xfc00
                || ip.is_unicast_link_local()
        }
        _ => false,
    })
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
