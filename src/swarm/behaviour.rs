//! The libp2p stack of a class-swarm node: the transport (TCP, then the class code's private
//! network, Noise and Yamux) and the behaviours (identify, ping, Kademlia in server mode,
//! request-response for pieces, gossipsub for telemetry and the teacher's orders, rendezvous —
//! the teacher's node is the rendezvous point — mDNS, and a block list for banned peers).

use std::time::Duration;

use libp2p::core::transport::upgrade::Version;
use libp2p::pnet::{PnetConfig, PreSharedKey};
use libp2p::swarm::NetworkBehaviour;
use libp2p::swarm::behaviour::toggle::Toggle;
use libp2p::{
    StreamProtocol, Swarm, Transport, allow_block_list, gossipsub, identify, kad, mdns, noise, ping, rendezvous,
    request_response, tcp, yamux,
};

use super::config::NodeConfig;
use super::keep_alive;
use super::wire;

/// Kademlia's protocol within the class network.
const KAD_PROTOCOL: &str = "/netlens/kad/1";
/// What identify announces; a peer with another version is told so and not kept.
pub const PROTOCOL_VERSION: &str = "/netlens/class/1";
/// How long a quiet connection stays open (libp2p's default closes it at once). In practice
/// gossipsub's open streams keep every connection busy, so what closes connections is trimming
/// (`trim.rs`); this applies to links without those streams. The teacher's links are held open
/// whatever this says (`keep_alive`).
const IDLE: Duration = Duration::from_secs(30);
/// How long a connection may take from TCP to a multiplexed, authenticated link.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a piece request may take (a capped upload of a whole piece fits well inside).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a Kademlia lookup (a bootstrap's, a put's) may take in all.
const KAD_QUERY_TIMEOUT: Duration = Duration::from_secs(15);
/// The largest gossip message: telemetry and orders are small.
pub const MAX_GOSSIP: usize = 16 * 1024;

#[derive(NetworkBehaviour)]
pub struct Behaviour {
    pub blocked: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    pub keep: keep_alive::Behaviour,
    pub identify: identify::Behaviour,
    pub ping: ping::Behaviour,
    pub kad: kad::Behaviour<kad::store::MemoryStore>,
    pub pieces: request_response::Behaviour<wire::Codec>,
    pub gossip: gossipsub::Behaviour,
    pub rendezvous: rendezvous::client::Behaviour,
    /// Only on the teacher's node: the class registry.
    pub registry: Toggle<rendezvous::server::Behaviour>,
    pub mdns: Toggle<mdns::tokio::Behaviour>,
}

/// The swarm for `config`, with a fresh identity.
pub fn build(config: &NodeConfig) -> Result<Swarm<Behaviour>, String> {
    let psk = PreSharedKey::new(config.code.network_key());
    let agent = format!("netlens/{} {}", env!("CARGO_PKG_VERSION"), config.name);
    let k = config.k();
    // A fresh identity every run: cloned lab images would otherwise share one.
    let keypair = libp2p::identity::Keypair::generate_ed25519();
    let noise = noise::Config::new(&keypair).map_err(|e| format!("cannot set up Noise: {e}"))?;
    let (teacher, use_mdns, registration_ttl) = (config.teacher, config.mdns, config.registration_ttl);
    let lookup_results = config.lookup_results();
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
        .with_behaviour(|key| -> Result<Behaviour, Box<dyn std::error::Error + Send + Sync>> {
            let id = key.public().to_peer_id();
            let mut kad_config = kad::Config::new(StreamProtocol::new(KAD_PROTOCOL));
            kad_config.set_kbucket_size(k);
            // How many peers a FIND_NODE answer names, and a put or repair's lookup finds.
            kad_config.set_replication_factor(lookup_results);
            // A lookup whose peers have left ends in seconds, not libp2p's minute.
            kad_config.set_query_timeout(KAD_QUERY_TIMEOUT);
            // With a class's small k every table holds fewer than 20 peers, and libp2p-kad would
            // bootstrap (a lookup per bucket) after every insert, and every five minutes: in a
            // class of 200 that kept both cores busy. The node bootstraps itself, when it first
            // knows a peer and once more later (node.rs, schedule.rs).
            kad_config.set_automatic_bootstrap_throttle(None);
            kad_config.set_periodic_bootstrap_interval(None);
            // The node decides who enters the table (node/table.rs): in its own mode Kademlia
            // dials a disconnected neighbour whenever a newcomer would fit its full bucket.
            kad_config.set_kbucket_inserts(kad::BucketInserts::Manual);
            let mut kad = kad::Behaviour::with_config(id, kad::store::MemoryStore::new(id), kad_config);
            kad.set_mode(Some(kad::Mode::Server));
            let gossip_config = gossipsub::ConfigBuilder::default()
                .heartbeat_interval(Duration::from_millis(700))
                // A smaller mesh than libp2p's default (6): in a class every message reaches
                // every laptop either way (the teacher, linked to every student, publishes to
                // all of them at once), with fewer copies to check, and every mesh peer is a
                // connection kept open (`trim.rs`).
                .mesh_n(3)
                .mesh_n_low(2)
                .mesh_n_high(5)
                .mesh_outbound_min(1)
                .max_transmit_size(MAX_GOSSIP)
                .validation_mode(gossipsub::ValidationMode::Strict)
                .build()
                .map_err(|e| format!("gossipsub: {e}"))?;
            let gossip = gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Signed(key.clone()), gossip_config)
                .map_err(|e| format!("gossipsub: {e}"))?;
            let mdns = if use_mdns {
                Some(mdns::tokio::Behaviour::new(mdns::Config::default(), id).map_err(|e| format!("mDNS: {e}"))?)
            } else {
                None
            };
            let pieces = request_response::Behaviour::with_codec(
                wire::Codec,
                [(wire::PROTOCOL, request_response::ProtocolSupport::Full)],
                request_response::Config::default()
                    .with_request_timeout(REQUEST_TIMEOUT)
                    .with_max_concurrent_streams(64),
            );
            Ok(Behaviour {
                blocked: allow_block_list::Behaviour::default(),
                keep: keep_alive::Behaviour::default(),
                identify: identify::Behaviour::new(
                    identify::Config::new(PROTOCOL_VERSION.into(), key.public()).with_agent_version(agent),
                ),
                ping: ping::Behaviour::new(ping::Config::new()),
                kad,
                pieces,
                gossip,
                rendezvous: rendezvous::client::Behaviour::new(key.clone()),
                // Students log in for `registration_ttl` and renew it; libp2p's floor (two hours)
                // would keep a closed laptop in the registry for the rest of the lesson.
                registry: Toggle::from(teacher.then(|| {
                    rendezvous::server::Behaviour::new(
                        rendezvous::server::Config::default().with_min_ttl(registration_ttl.as_secs().max(1)),
                    )
                })),
                mdns: Toggle::from(mdns),
            })
        })
        .map_err(|e| format!("cannot set up the behaviour: {e}"))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE))
        .build();
    Ok(swarm)
}
