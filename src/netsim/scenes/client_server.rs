//! Client/server (S10, S18, S19) and modularity (S16): clients send requests in a loop to a
//! server with a few worker slots and a short queue. Beyond capacity requests wait, then are
//! refused; a killed server fails every request until it is restarted. In the modularity
//! variant two different server implementations answer the same protocol identically.

use std::collections::HashMap;

use serde_json::json;

use crate::netsim::admission::{Admission, Admit};
use crate::netsim::world::{Item, World};
use crate::netsim::{Action, Graph, NetScene, Role, percentile};

pub const MAX_CLIENTS: usize = 200;
/// Worker slots and queue places of the step-mode server.
pub const CAPACITY: usize = 4;
pub const QUEUE_LIMIT: usize = 8;
/// The protocol's one answer: what every server implementation must send back.
pub const RESPONSE_BODY: &str = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
const SERVICE_US: u64 = 10_000;
const THINK_US: u64 = 20_000;
const BUCKET_US: u64 = 100_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
enum Msg {
    /// A client asks the DNS server where the server is (once, before its first request).
    Lookup,
    Answer,
    Request {
        id: u64,
    },
    Response {
        id: u64,
        body: String,
    },
    Refused {
        id: u64,
    },
    Failed {
        id: u64,
    },
}

/// One server program: its slots, queue and counters.
struct Server {
    node: usize,
    /// The same policy the live server uses; it holds (request id, client node) pairs.
    admission: Admission<(u64, usize)>,
    /// Requests being served now, for failing them if the server dies.
    busy: HashMap<u64, usize>,
    served: u64,
    implementation: &'static str,
}

/// Per time bucket, for the plots.
#[derive(Clone, Debug, Default)]
struct Bucket {
    latencies: Vec<u64>,
    refused: u64,
    failed: u64,
    max_queue: usize,
    clients: usize,
}

pub struct ClientServer {
    w: World<Msg>,
    servers: Vec<Server>,
    dns: usize,
    clients: Vec<usize>,
    /// Per client: has it resolved the server's name; did its last request fail.
    resolved: Vec<bool>,
    last_failed: Vec<bool>,
    active: usize,
    outstanding: HashMap<u64, (usize, u64)>,
    next_id: u64,
    buckets: Vec<Bucket>,
    by_clients: HashMap<usize, Vec<u64>>,
    served_by: HashMap<usize, [u64; 2]>,
    modular: bool,
    requests: u64,
    responses: u64,
    refusals: u64,
    failures: u64,
}

const TAG_CLIENT: u64 = 1 << 40;

impl ClientServer {
    pub fn new(seed: u64, clients: usize, modular: bool) -> Result<Self, String> {
        if !(1..=MAX_CLIENTS).contains(&clients) {
            return Err(format!("client-server runs 1 to {MAX_CLIENTS} clients, not {clients}"));
        }
        let mut w = World::new(seed, 1_000, 500);
        let mut servers = Vec::new();
        let names: &[(&str, &str)] = if modular {
            &[("server-a", "event loop in Rust"), ("server-b", "thread per request in C")]
        } else {
            &[("server", "")]
        };
        for (name, implementation) in names {
            let node = w.add_node(name.to_string());
            servers.push(Server {
                node,
                admission: Admission::new(CAPACITY, QUEUE_LIMIT),
                busy: HashMap::new(),
                served: 0,
                implementation,
            });
        }
        let dns = w.add_node("dns".to_string());
        let mut scene = Self {
            w,
            servers,
            dns,
            clients: Vec::new(),
            resolved: Vec::new(),
            last_failed: Vec::new(),
            active: 0,
            outstanding: HashMap::new(),
            next_id: 0,
            buckets: Vec::new(),
            by_clients: HashMap::new(),
            served_by: HashMap::new(),
            modular,
            requests: 0,
            responses: 0,
            refusals: 0,
            failures: 0,
        };
        scene.set_clients(clients);
        Ok(scene)
    }

    fn set_clients(&mut self, n: usize) {
        while self.clients.len() < n {
            let node = self.w.add_node(format!("client-{}", self.clients.len() + 1));
            self.clients.push(node);
            self.resolved.push(false);
            self.last_failed.push(false);
        }
        // Newly active clients start soon, staggered so they do not all fire at once.
        for i in self.active..n {
            let stagger = self.w.rng.up_to(THINK_US);
            self.w.timer(self.clients[i], stagger, TAG_CLIENT | i as u64);
        }
        self.active = n;
    }

    fn bucket(&mut self) -> &mut Bucket {
        let index = (self.w.now / BUCKET_US) as usize;
        if self.buckets.len() <= index {
            self.buckets.resize(index + 1, Bucket::default());
        }
        let active = self.active;
        let bucket = &mut self.buckets[index];
        bucket.clients = bucket.clients.max(active);
        bucket
    }

    fn send_request(&mut self, client_index: usize) {
        let client = self.clients[client_index];
        let server = if self.modular { self.w.rng.up_to(1) as usize } else { 0 };
        self.next_id += 1;
        let id = self.next_id;
        self.outstanding.insert(id, (client_index, self.w.now));
        self.requests += 1;
        let to = self.servers[server].node;
        self.w.record("request", client, to, format!("GET /hello (request {id})"));
        self.w.send(client, to, "request", Msg::Request { id });
    }

    fn server_index(&self, node: usize) -> Option<usize> {
        self.servers.iter().position(|s| s.node == node)
    }

    fn on_request(&mut self, server: usize, client: usize, id: u64) {
        let node = self.servers[server].node;
        if !self.w.alive[node] {
            // Nobody listens: the client's connection attempt is refused.
            self.w.record("failure", node, client, format!("request {id}: connection refused, the server is down"));
            self.w.send(node, client, "failure", Msg::Failed { id });
            return;
        }
        match self.servers[server].admission.arrive((id, client)) {
            Admit::Start((id, client)) => {
                self.servers[server].busy.insert(id, client);
                let service = SERVICE_US + self.w.rng.up_to(SERVICE_US / 5);
                self.w.timer(node, service, id);
            }
            Admit::Queued => {
                let length = self.servers[server].admission.queued();
                let bucket = self.bucket();
                bucket.max_queue = bucket.max_queue.max(length);
            }
            Admit::Refused((id, client)) => {
                self.w.record("refused", node, client, format!("request {id}: all slots busy and the queue is full"));
                self.w.send(node, client, "refused", Msg::Refused { id });
            }
        }
    }

    fn on_service_done(&mut self, server: usize, id: u64) {
        let node = self.servers[server].node;
        let Some(client) = self.servers[server].busy.remove(&id) else { return };
        let s = &mut self.servers[server];
        s.served += 1;
        let body = RESPONSE_BODY.to_string();
        let detail = if self.modular {
            format!("200 OK from {} ({})", self.w.names[node], s.implementation)
        } else {
            "200 OK".into()
        };
        self.w.send(node, client, "response", Msg::Response { id, body });
        self.w.record("response", node, client, format!("request {id}: {detail}"));
        if let Some((next, next_client)) = self.servers[server].admission.finish() {
            self.servers[server].busy.insert(next, next_client);
            let service = SERVICE_US + self.w.rng.up_to(SERVICE_US / 5);
            self.w.timer(node, service, next);
        }
    }

    fn finish(&mut self, id: u64, outcome: &'static str, from_server: usize) {
        let Some((client_index, sent)) = self.outstanding.remove(&id) else { return };
        let latency = self.w.now - sent;
        self.last_failed[client_index] = outcome != "response";
        match outcome {
            "response" => {
                self.responses += 1;
                let active = self.active;
                self.bucket().latencies.push(latency);
                self.by_clients.entry(active).or_default().push(latency);
                if let Some(server) = self.server_index(from_server) {
                    self.served_by.entry(client_index).or_default()[server.min(1)] += 1;
                }
            }
            "refused" => {
                self.refusals += 1;
                self.bucket().refused += 1;
            }
            _ => {
                self.failures += 1;
                self.bucket().failed += 1;
            }
        }
        if client_index < self.active {
            let think = THINK_US / 2 + self.w.rng.up_to(THINK_US);
            self.w.timer(self.clients[client_index], think, TAG_CLIENT | client_index as u64);
        }
    }

    fn kill(&mut self, server: usize) {
        let node = self.servers[server].node;
        self.w.alive[node] = false;
        let s = &mut self.servers[server];
        let mut dropped: Vec<(u64, usize)> = s.busy.drain().collect();
        dropped.extend(s.admission.reset());
        dropped.sort();
        self.w.record(
            "kill",
            node,
            node,
            format!("{} stops; {} requests in progress are cut off", self.w.names[node], dropped.len()),
        );
        for (id, client) in dropped {
            self.w.record("failure", node, client, format!("request {id}: connection reset, the server died"));
            self.w.send(node, client, "failure", Msg::Failed { id });
        }
    }
}

impl NetScene for ClientServer {
    crate::netsim::world_passthrough!();

    fn name(&self) -> &'static str {
        if self.modular { "modularity" } else { "client-server" }
    }

    fn step(&mut self) -> bool {
        let Some(item) = self.w.pop() else { return false };
        match item {
            Item::Timer { node, tag } if tag & TAG_CLIENT != 0 => {
                let index = (tag & !TAG_CLIENT) as usize;
                if index < self.active && self.clients.get(index) == Some(&node) {
                    if self.resolved[index] {
                        self.send_request(index);
                    } else {
                        let name = if self.modular { "www.demo.test (two servers)" } else { "www.demo.test" };
                        self.w.record("dns", node, self.dns, format!("where is {name}?"));
                        self.w.send(node, self.dns, "lookup", Msg::Lookup);
                    }
                }
            }
            Item::Timer { node, tag } => {
                if let Some(server) = self.server_index(node) {
                    self.on_service_done(server, tag);
                }
            }
            Item::Deliver { from, to, msg } => match msg {
                Msg::Lookup => {
                    self.w.record("dns", to, from, "answer: the server's address");
                    self.w.send(to, from, "response", Msg::Answer);
                }
                Msg::Answer => {
                    if let Some(index) = self.clients.iter().position(|&c| c == to) {
                        self.resolved[index] = true;
                        if index < self.active {
                            self.send_request(index);
                        }
                    }
                }
                Msg::Request { id } => {
                    if let Some(server) = self.server_index(to) {
                        self.on_request(server, from, id);
                    }
                }
                Msg::Response { id, body } => {
                    debug_assert_eq!(body, RESPONSE_BODY);
                    self.finish(id, "response", from)
                }
                Msg::Refused { id } => self.finish(id, "refused", from),
                Msg::Failed { id } => self.finish(id, "failure", from),
            },
        }
        true
    }

    fn apply(&mut self, action: &Action) -> Result<(), String> {
        match action {
            Action::Clients(n) => {
                self.w.record("clients", self.servers[0].node, self.servers[0].node, format!("{n} clients"));
                self.set_clients(*n);
            }
            Action::Kill(name) | Action::Restart(name) => {
                let server = self
                    .servers
                    .iter()
                    .position(|s| self.w.names[s.node] == *name)
                    .ok_or_else(|| format!("no server called {name:?} in this scene"))?;
                if let Action::Kill(_) = action {
                    if self.w.alive[self.servers[server].node] {
                        self.kill(server);
                    }
                } else {
                    let node = self.servers[server].node;
                    self.w.alive[node] = true;
                    self.w.record("restart", node, node, format!("{name} is back"));
                }
            }
        }
        Ok(())
    }

    fn state(&self) -> serde_json::Value {
        let series: Vec<_> = self
            .buckets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let mut sorted = b.latencies.clone();
                sorted.sort_unstable();
                json!({
                    "t_ms": i as u64 * BUCKET_US / 1000,
                    "rps": b.latencies.len() as f64 * 1e6 / BUCKET_US as f64,
                    "p50_ms": percentile(&sorted, 50.0) as f64 / 1000.0,
                    "p95_ms": percentile(&sorted, 95.0) as f64 / 1000.0,
                    "queue": b.max_queue,
                    "refused": b.refused,
                    "failed": b.failed,
                    "clients": b.clients,
                })
            })
            .collect();
        let mut by_clients: Vec<_> = self.by_clients.iter().collect();
        by_clients.sort_by_key(|(n, _)| **n);
        let latency_vs_clients: Vec<_> = by_clients
            .into_iter()
            .map(|(n, latencies)| {
                let mut sorted = latencies.clone();
                sorted.sort_unstable();
                json!({"clients": n, "p50_ms": percentile(&sorted, 50.0) as f64 / 1000.0, "p95_ms": percentile(&sorted, 95.0) as f64 / 1000.0, "responses": sorted.len()})
            })
            .collect();
        let servers: Vec<_> = self
            .servers
            .iter()
            .map(|s| json!({"name": self.w.names[s.node], "implementation": s.implementation, "alive": self.w.alive[s.node], "capacity": s.admission.capacity, "queue_limit": s.admission.queue_limit, "busy": s.busy.len(), "queued": s.admission.queued(), "served": s.served}))
            .collect();
        json!({
            "clients": self.active,
            "servers": servers,
            "requests": self.requests,
            "responses": self.responses,
            "refusals": self.refusals,
            "failures": self.failures,
            "response_body": RESPONSE_BODY,
            "series": series,
            "latency_vs_clients": latency_vs_clients,
        })
    }

    fn graph(&self) -> Graph {
        let mut nodes = self.w.graph_nodes(Role::Client);
        for s in &self.servers {
            let node = &mut nodes[s.node];
            node.role = Role::Server;
            node.details = vec![
                ("slots busy".into(), format!("{} of {}", s.busy.len(), s.admission.capacity)),
                ("queue".into(), format!("{} of {}", s.admission.queued(), s.admission.queue_limit)),
                ("served".into(), s.served.to_string()),
            ];
            if !s.implementation.is_empty() {
                node.details.push(("implementation".into(), s.implementation.into()));
            }
        }
        nodes[self.dns].role = Role::Dns;
        nodes[self.dns].details.push(("answers".into(), "www.demo.test → the server".into()));
        for (i, &c) in self.clients.iter().enumerate() {
            nodes[c].alive = i < self.active;
            nodes[c].alarm = self.last_failed[i] && i < self.active;
            if let Some(counts) = self.served_by.get(&i) {
                nodes[c].details.push(("answers".into(), format!("{}", counts[0] + counts[1])));
            }
        }
        let mut links: Vec<(usize, usize)> =
            self.clients[..self.active].iter().flat_map(|&c| self.servers.iter().map(move |s| (c, s.node))).collect();
        links.extend(self.clients[..self.active].iter().map(|&c| (c, self.dns)));
        Graph { nodes, links, highlight: Vec::new() }
    }
}
