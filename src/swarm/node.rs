//! One node of the class swarm: a libp2p swarm over TCP, inside a private network keyed by the
//! class code (pnet), secured by Noise and multiplexed by Yamux, running identify, ping and
//! Kademlia in server mode. It reports what happens as `NodeEvent`s and its state (routing
//! table by bucket, connections, peers' names) as a `NodeState`, at least once a second.
//!
//! Traps rust-libp2p users report, and what this does about them:
//! - Kademlia stays a client until an external address is confirmed: the mode is set to server.
//! - Peers found by identify are not in Kademlia by themselves: their listen addresses are added.
//! - Bootstrapping an empty routing table fails: it is done once a peer is known, then every
//!   10 s.
//! - Cloned lab images sharing a key ignore each other: every run makes a fresh identity.
//! - Idle connections close: the idle timeout is an hour.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::num::NonZeroUsize;
use std::time::Duration;

use futures_util::StreamExt;
use libp2p::core::transport::upgrade::Version;
use libp2p::multiaddr::Protocol;
use libp2p::pnet::{PnetConfig, PreSharedKey};
use libp2p::swarm::dial_opts::DialOpts;
use libp2p::swarm::{ConnectionId, NetworkBehaviour, SwarmEvent};
use libp2p::{Multiaddr, PeerId, StreamProtocol, Swarm, Transport, identify, kad, noise, ping, tcp, yamux};
use serde::Serialize;

use super::code::ClassCode;
use super::names::clean_name;

/// Kademlia's protocol within the class network.
const KAD_PROTOCOL: &str = "/netlens/kad/1";
/// What identify announces; a peer with another major version is told so and not kept.
pub const PROTOCOL_VERSION: &str = "/netlens/class/1";
/// How long a quiet connection stays open (libp2p's default closes it at once).
const IDLE: Duration = Duration::from_secs(3600);
/// How long a connection may take from TCP to a multiplexed, authenticated link.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// How often the routing table is refreshed by a bootstrap.
pub const BOOTSTRAP_EVERY: Duration = Duration::from_secs(10);

#[derive(NetworkBehaviour)]
pub struct Behaviour {
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    kad: kad::Behaviour<kad::store::MemoryStore>,
}

/// How to start a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub listen: Multiaddr,
    pub join: Vec<Multiaddr>,
    pub code: ClassCode,
    /// The display name, already cleaned.
    pub name: String,
    /// Kademlia's k: small (2–4) in class so lookups take several rounds.
    pub bucket_size: usize,
}

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
}

/// One k-bucket: peers at XOR distance in [2^bucket, 2^(bucket+1)).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Bucket {
    pub bucket: u32,
    pub peers: Vec<String>,
}

/// What the node knows, as `--state-file` keeps it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeState {
    pub peer_id: String,
    pub name: String,
    pub addr: String,
    pub routing_table: Vec<Bucket>,
    pub connected: Vec<String>,
    /// Display names of the peers that identified themselves.
    pub names: BTreeMap<String, String>,
    pub pieces_held: Vec<serde_json::Value>,
    pub registry: Option<Vec<String>>,
}

/// The swarm for `config`, with a fresh identity.
pub fn build(config: &NodeConfig) -> Result<Swarm<Behaviour>, String> {
    let psk = PreSharedKey::new(config.code.network_key());
    let agent = format!("netlens/{} {}", env!("CARGO_PKG_VERSION"), config.name);
    let k = NonZeroUsize::new(config.bucket_size.clamp(1, 20)).unwrap_or(NonZeroUsize::MIN);
    // A fresh identity every run: cloned lab images would otherwise share one.
    let keypair = libp2p::identity::Keypair::generate_ed25519();
    let noise = noise::Config::new(&keypair).map_err(|e| format!("cannot set up Noise: {e}"))?;
    let swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
        .with_tokio()
        .with_other_transport(move |_| {
            tcp::tokio::Transport::new(tcp::Config::default().nodelay(true))
                // The class code's key: a stranger's bytes fail here, before Noise.
                .and_then(move |socket, _| PnetConfig::new(psk).handshake(socket))
                .upgrade(Version::V1Lazy)
                .authenticate(noise)
                .multiplex(yamux::Config::default())
                // A peer with another class code never completes the handshake: give up on it.
                .timeout(HANDSHAKE_TIMEOUT)
        })
        .map_err(|e| format!("cannot set up the transport: {e}"))?
        .with_behaviour(|key| {
            let id = key.public().to_peer_id();
            let mut kad_config = kad::Config::new(StreamProtocol::new(KAD_PROTOCOL));
            kad_config.set_kbucket_size(k);
            let mut kad = kad::Behaviour::with_config(id, kad::store::MemoryStore::new(id), kad_config);
            kad.set_mode(Some(kad::Mode::Server));
            Behaviour {
                identify: identify::Behaviour::new(
                    identify::Config::new(PROTOCOL_VERSION.into(), key.public()).with_agent_version(agent),
                ),
                ping: ping::Behaviour::new(ping::Config::new()),
                kad,
            }
        })
        .map_err(|e| format!("cannot set up the behaviour: {e}"))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE))
        .build();
    Ok(swarm)
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

/// A running node: its swarm and what it has learnt.
pub struct Node {
    pub swarm: Swarm<Behaviour>,
    name: String,
    addr: Option<Multiaddr>,
    names: HashMap<PeerId, String>,
    /// Dials to `--join` addresses still unanswered, and the last reason one failed.
    join_dials: HashSet<ConnectionId>,
    joined: bool,
    last_join_failure: Option<String>,
    bootstrapped: bool,
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
        let mut join_dials = HashSet::new();
        for addr in &config.join {
            let opts = DialOpts::from(addr.clone());
            join_dials.insert(opts.connection_id());
            swarm.dial(opts).map_err(|e| format!("cannot dial {addr}: {e}"))?;
        }
        Ok(Node {
            swarm,
            name: config.name.clone(),
            addr: None,
            names: HashMap::new(),
            join_dials,
            joined: config.join.is_empty(),
            last_join_failure: None,
            bootstrapped: false,
        })
    }

    /// The node's own address with its peer id, once it listens.
    pub fn address(&self) -> Option<String> {
        self.addr.as_ref().map(|a| format!("{a}/p2p/{}", self.swarm.local_peer_id()))
    }

    /// Why joining failed, once every `--join` address has refused.
    pub fn join_failure(&self) -> Option<&str> {
        (!self.joined && self.join_dials.is_empty()).then_some(self.last_join_failure.as_deref().unwrap_or("no answer"))
    }

    /// Waits for the next thing that happens and says what it was (None: nothing worth telling).
    pub async fn next_event(&mut self) -> Option<NodeEvent> {
        let event = self.swarm.select_next_some().await;
        self.handle(event)
    }

    /// Asks Kademlia to refresh the routing table, if any peer is known.
    pub fn bootstrap(&mut self) {
        if self.swarm.behaviour_mut().kad.bootstrap().is_ok() {
            self.bootstrapped = true;
        }
    }

    fn handle(&mut self, event: SwarmEvent<BehaviourEvent>) -> Option<NodeEvent> {
        match event {
            SwarmEvent::NewListenAddr { address, .. } => {
                let first = self.addr.is_none();
                self.addr.get_or_insert(address.clone());
                first.then(|| NodeEvent::Listening { addr: format!("{address}/p2p/{}", self.swarm.local_peer_id()) })
            }
            SwarmEvent::ConnectionEstablished { peer_id, endpoint, num_established, connection_id, .. } => {
                self.join_dials.remove(&connection_id);
                if endpoint.is_dialer() {
                    self.swarm.behaviour_mut().kad.add_address(&peer_id, endpoint.get_remote_address().clone());
                    self.joined = true;
                }
                (num_established.get() == 1).then(|| NodeEvent::Connected { peer: peer_id.to_string() })
            }
            SwarmEvent::ConnectionClosed { peer_id, num_established: 0, .. } => {
                Some(NodeEvent::Disconnected { peer: peer_id.to_string() })
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, connection_id } => {
                let reason = describe_dial_error(&error.to_string());
                if self.join_dials.remove(&connection_id) {
                    self.last_join_failure = Some(reason.clone());
                }
                Some(NodeEvent::DialFailed { addr: peer_id.map_or_else(String::new, |p| p.to_string()), reason })
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. })) => {
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
                if !self.bootstrapped {
                    self.bootstrap();
                }
                let name = clean_name(info.agent_version.split_once(' ').map_or("", |(_, name)| name));
                self.names.insert(peer_id, name.clone());
                Some(NodeEvent::Identified { peer: peer_id.to_string(), name })
            }
            SwarmEvent::Behaviour(BehaviourEvent::Kad(kad::Event::RoutingUpdated { peer, bucket_range, .. })) => {
                Some(NodeEvent::RoutingUpdated { peer: peer.to_string(), bucket: bucket_range.0.ilog2() })
            }
            _ => None,
        }
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
        NodeState {
            peer_id: self.swarm.local_peer_id().to_string(),
            name: self.name.clone(),
            addr: self.address().unwrap_or_default(),
            routing_table,
            connected,
            names: self.names.iter().map(|(p, n)| (p.to_string(), n.clone())).collect(),
            pieces_held: Vec::new(),
            registry: None,
        }
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
