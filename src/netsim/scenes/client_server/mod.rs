//! Client/server (S10, S18, S19) and modularity (S16): clients send requests in a loop to a
//! server with a few worker slots and a short queue. Beyond capacity requests wait, then are
//! refused; a killed server fails every request until it is restarted. Every request asks for
//! the n-th prime (`protocol.rs`); in the modularity variant two server programs that work
//! differently inside (`table_server.rs`, `compute_server.rs`, behind one `PrimeServer` trait)
//! answer it, and the scene compares the bytes each one sent.

pub mod compute_server;
pub mod protocol;
pub mod stats;
pub mod table_server;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::netsim::admission::{Admission, Admit};
use crate::netsim::state::{Agreement, ClientServerState, ServerState};
use crate::netsim::world::{Item, SceneMessage, World};
use crate::netsim::{Action, EventKind, Graph, MessageKind, NetScene, Role, SceneKind, SceneState};
use compute_server::ComputeServer;
use protocol::{MAX_N, PrimeServer, Work, request_line};
pub use stats::percentile;
use table_server::TableServer;

pub const MAX_CLIENTS: usize = *SceneKind::ClientServer.node_range().end();
/// Worker slots and queue places of the step-mode server.
pub const CAPACITY: usize = 4;
pub const QUEUE_LIMIT: usize = 8;
/// The longest response body the protocol allows (a live frame carrying more is rejected).
pub const MAX_BODY: usize = 256;
const SERVICE_US: u64 = 10_000;
/// The computing server's fixed cost, plus a microsecond per four trial divisions.
const COMPUTE_BASE_US: u64 = 3_000;
const DIVISIONS_PER_US: u64 = 4;
const THINK_US: u64 = 20_000;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Msg {
    /// A client asks the DNS server where the server is (once, before its first request).
    Lookup,
    Answer,
    /// `GET /prime?n=N`.
    Request {
        id: u64,
        n: u32,
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

impl SceneMessage for Msg {
    fn kind(&self) -> MessageKind {
        match self {
            Msg::Lookup => MessageKind::Lookup,
            Msg::Answer => MessageKind::Answer,
            Msg::Request { .. } => MessageKind::Request,
            Msg::Response { .. } => MessageKind::Response,
            Msg::Refused { .. } => MessageKind::Refused,
            Msg::Failed { .. } => MessageKind::Failure,
        }
    }
}

/// One server program: its slots, queue and counters.
#[derive(Clone)]
struct Server {
    node: usize,
    /// The same policy the live server uses; it holds (request id, client node, n).
    admission: Admission<(u64, usize, u32)>,
    /// Requests being served now (id → client node, n, the response the program wrote), for
    /// sending when the service time is over, or failing them if the server dies.
    busy: BTreeMap<u64, (usize, u32, String)>,
    served: u64,
    /// The server program: shared by the scene's checkpoints (it keeps nothing per request).
    program: Arc<dyn PrimeServer>,
}

/// A request on its way: which client sent it, when, and for which n.
#[derive(Clone, Copy, Debug)]
struct Outstanding {
    client_index: usize,
    sent_us: u64,
    n: u32,
}

#[derive(Clone)]
pub struct ClientServer {
    w: World<Msg>,
    servers: Vec<Server>,
    dns: usize,
    clients: Vec<usize>,
    /// Per client: has it resolved the server's name; did its last request fail.
    resolved: Vec<bool>,
    last_failed: Vec<bool>,
    active: usize,
    outstanding: BTreeMap<u64, Outstanding>,
    next_id: u64,
    stats: stats::Stats,
    /// Per client index: responses from server 0 and server 1.
    served_by: BTreeMap<usize, [u64; 2]>,
    /// Modularity: per n, the bytes each server answered (bounded by `MAX_N`).
    answers: BTreeMap<u32, [Option<String>; 2]>,
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
        let table: Arc<dyn PrimeServer> = Arc::new(TableServer::start());
        let programs: Vec<(&str, Arc<dyn PrimeServer>)> = if modular {
            vec![("server-a", table), ("server-b", Arc::new(ComputeServer))]
        } else {
            vec![("server", table)]
        };
        for (name, program) in programs {
            let node = w.add_node(name.to_string());
            servers.push(Server {
                node,
                admission: Admission::new(CAPACITY, QUEUE_LIMIT),
                busy: BTreeMap::new(),
                served: 0,
                program,
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
            outstanding: BTreeMap::new(),
            next_id: 0,
            stats: stats::Stats::default(),
            served_by: BTreeMap::new(),
            answers: BTreeMap::new(),
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

    fn send_request(&mut self, client_index: usize) {
        let client = self.clients[client_index];
        let server = if self.modular { self.w.rng.up_to(1) as usize } else { 0 };
        let n = 1 + self.w.rng.up_to(u64::from(MAX_N) - 1) as u32;
        self.next_id += 1;
        let id = self.next_id;
        self.outstanding.insert(id, Outstanding { client_index, sent_us: self.w.now, n });
        self.requests += 1;
        let to = self.servers[server].node;
        self.w.record(EventKind::Request, client, to, format!("{} (request {id})", request_line(n)));
        self.w.send(client, to, Msg::Request { id, n });
    }

    fn server_index(&self, node: usize) -> Option<usize> {
        self.servers.iter().position(|s| s.node == node)
    }

    /// Starts serving request `id`: the server's program writes its response now, and how long
    /// the server is busy depends on the work that took.
    fn start_service(&mut self, server: usize, id: u64, client: usize, n: u32) {
        let reply = self.servers[server].program.reply(&request_line(n));
        let service = match reply.work {
            Work::Lookup => SERVICE_US + self.w.rng.up_to(SERVICE_US / 5),
            Work::Divisions(divisions) => COMPUTE_BASE_US + divisions / DIVISIONS_PER_US,
        };
        self.servers[server].busy.insert(id, (client, n, reply.response));
        let node = self.servers[server].node;
        self.w.timer(node, service, id);
    }

    fn on_request(&mut self, server: usize, client: usize, id: u64, n: u32) {
        let node = self.servers[server].node;
        if !self.w.alive[node] {
            // Nobody listens: the client's connection attempt is refused.
            let detail = format!("request {id}: connection refused, the server is down");
            self.w.record(EventKind::Failure, node, client, detail);
            self.w.send(node, client, Msg::Failed { id });
            return;
        }
        match self.servers[server].admission.arrive((id, client, n)) {
            Admit::Start((id, client, n)) => self.start_service(server, id, client, n),
            Admit::Queued => {
                let length = self.servers[server].admission.queued();
                self.stats.queue_length(self.w.now, self.active, length, self.w.history);
            }
            Admit::Refused((id, client, _)) => {
                let detail = format!("request {id}: all slots busy and the queue is full");
                self.w.record(EventKind::Refused, node, client, detail);
                self.w.send(node, client, Msg::Refused { id });
            }
        }
    }

    fn on_service_done(&mut self, server: usize, id: u64) {
        let node = self.servers[server].node;
        let Some((client, n, body)) = self.servers[server].busy.remove(&id) else { return };
        let implementation = self.servers[server].program.implementation();
        self.servers[server].served += 1;
        match body.strip_prefix("HTTP/1.1 200 OK\r\n").and_then(|rest| rest.split_once("\r\n\r\n")) {
            Some((_, prime)) => {
                let mut detail = format!("request {id}: 200 OK, prime number {n} is {prime}");
                if self.modular {
                    detail.push_str(&format!(" (from {}, which {})", self.w.names[node], implementation.describe()));
                }
                self.w.send(node, client, Msg::Response { id, body });
                self.w.record(EventKind::Response, node, client, detail);
            }
            None => {
                // Only a request from outside the protocol's range gets here.
                let status = body.lines().next().unwrap_or_default().to_string();
                self.w.record(EventKind::Failure, node, client, format!("request {id}: n = {n}: {status}"));
                self.w.send(node, client, Msg::Failed { id });
            }
        }
        if let Some((next, next_client, next_n)) = self.servers[server].admission.finish() {
            self.start_service(server, next, next_client, next_n);
        }
    }

    fn on_response(&mut self, id: u64, body: String, from_server: usize) {
        if let Some(request) = self.outstanding.get(&id).copied()
            && let Some(server) = self.server_index(from_server)
            && self.modular
        {
            self.answers.entry(request.n).or_default()[server.min(1)] = Some(body);
        }
        self.finish(id, MessageKind::Response, from_server);
    }

    fn finish(&mut self, id: u64, outcome: MessageKind, from_server: usize) {
        let Some(request) = self.outstanding.remove(&id) else { return };
        let latency = self.w.now.saturating_sub(request.sent_us);
        let client_index = request.client_index;
        self.last_failed[client_index] = outcome != MessageKind::Response;
        let (now, active, history) = (self.w.now, self.active, self.w.history);
        match outcome {
            MessageKind::Response => {
                self.responses += 1;
                self.stats.response(now, active, latency, history);
                if let Some(server) = self.server_index(from_server) {
                    self.served_by.entry(client_index).or_default()[server.min(1)] += 1;
                }
            }
            MessageKind::Refused => {
                self.refusals += 1;
                self.stats.refused(now, active, history);
            }
            _ => {
                self.failures += 1;
                self.stats.failed(now, active, history);
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
        let mut dropped: Vec<(u64, usize)> =
            std::mem::take(&mut s.busy).into_iter().map(|(id, (c, _, _))| (id, c)).collect();
        dropped.extend(s.admission.reset().into_iter().map(|(id, c, _)| (id, c)));
        dropped.sort();
        let detail = format!("{} stops; {} requests in progress are cut off", self.w.names[node], dropped.len());
        self.w.record(EventKind::Kill, node, node, detail);
        for (id, client) in dropped {
            self.w.record(EventKind::Failure, node, client, format!("request {id}: connection reset, the server died"));
            self.w.send(node, client, Msg::Failed { id });
        }
    }

    fn agreement(&self) -> Option<Agreement> {
        self.modular.then(|| {
            let both: Vec<_> = self.answers.values().filter_map(|[a, b]| Some((a.as_ref()?, b.as_ref()?))).collect();
            Agreement { both_answered: both.len(), identical: both.iter().all(|(a, b)| a == b) }
        })
    }

    fn is_client(&self, node: usize) -> bool {
        self.clients.contains(&node)
    }

    /// Whether a message that came off a live socket is one this protocol allows between these
    /// two nodes. Ids and numbers from the wire are checked before anything indexes with them.
    pub fn check(&self, from: usize, to: usize, msg: &Msg) -> Result<(), String> {
        let server = |n: usize| self.server_index(n).is_some();
        let ok = match msg {
            Msg::Lookup => self.is_client(from) && to == self.dns,
            Msg::Answer => from == self.dns && self.is_client(to),
            Msg::Request { n, .. } => {
                if !(1..=MAX_N).contains(n) {
                    return Err(format!("asks for prime number {n}; the protocol allows 1 to {MAX_N}"));
                }
                self.is_client(from) && server(to)
            }
            Msg::Response { body, .. } => {
                if body.len() > MAX_BODY {
                    return Err(format!("a response body of {} bytes (at most {MAX_BODY})", body.len()));
                }
                server(from) && self.is_client(to)
            }
            Msg::Refused { .. } | Msg::Failed { .. } => server(from) && self.is_client(to),
        };
        if ok { Ok(()) } else { Err(format!("a {} message cannot go from this node to that one", msg.kind())) }
    }
}

impl NetScene for ClientServer {
    crate::netsim::world_passthrough!();

    fn kind(&self) -> SceneKind {
        if self.modular { SceneKind::Modularity } else { SceneKind::ClientServer }
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
                        self.w.record(EventKind::Dns, node, self.dns, format!("where is {name}?"));
                        self.w.send(node, self.dns, Msg::Lookup);
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
                    self.w.record(EventKind::Dns, to, from, "answer: the server's address");
                    self.w.send(to, from, Msg::Answer);
                }
                Msg::Answer => {
                    if let Some(index) = self.clients.iter().position(|&c| c == to) {
                        self.resolved[index] = true;
                        if index < self.active {
                            self.send_request(index);
                        }
                    }
                }
                Msg::Request { id, n } => {
                    if let Some(server) = self.server_index(to) {
                        self.on_request(server, from, id, n);
                    }
                }
                Msg::Response { id, body } => self.on_response(id, body, from),
                Msg::Refused { id } => self.finish(id, MessageKind::Refused, from),
                Msg::Failed { id } => self.finish(id, MessageKind::Failure, from),
            },
        }
        true
    }

    fn apply(&mut self, action: &Action) -> Result<(), String> {
        match action {
            Action::Clients(n) => {
                let node = self.servers[0].node;
                self.w.record(EventKind::Clients, node, node, format!("{n} clients"));
                self.set_clients(*n);
            }
            Action::Kill(name) | Action::Restart(name) => {
                let server = self
                    .servers
                    .iter()
                    .position(|s| self.w.names[s.node] == *name)
                    .ok_or_else(|| format!("no server called {name:?} in this scene"))?;
                let node = self.servers[server].node;
                match action {
                    Action::Kill(_) if self.w.alive[node] => self.kill(server),
                    Action::Restart(_) if !self.w.alive[node] => {
                        self.w.alive[node] = true;
                        self.w.record(EventKind::Restart, node, node, format!("{name} is back"));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn state(&self) -> SceneState {
        let servers = self
            .servers
            .iter()
            .map(|s| ServerState {
                name: self.w.names[s.node].clone(),
                implementation: s.program.implementation(),
                alive: self.w.alive[s.node],
                capacity: s.admission.capacity,
                queue_limit: s.admission.queue_limit,
                busy: s.busy.len(),
                queued: s.admission.queued(),
                served: s.served,
            })
            .collect();
        SceneState::ClientServer(ClientServerState {
            clients: self.active,
            servers,
            requests: self.requests,
            responses: self.responses,
            refusals: self.refusals,
            failures: self.failures,
            agreement: self.agreement(),
            series: self.stats.series(),
            latency_vs_clients: self.stats.latency_vs_clients(),
        })
    }

    fn graph(&self) -> Graph {
        let mut nodes = self.w.graph_nodes(Role::Client);
        for s in &self.servers {
            let node = &mut nodes[s.node];
            node.role = Role::Server;
            node.can_fail = true;
            node.details = vec![
                ("slots busy".into(), format!("{} of {}", s.busy.len(), s.admission.capacity)),
                ("queue".into(), format!("{} of {}", s.admission.queued(), s.admission.queue_limit)),
                ("served".into(), s.served.to_string()),
            ];
            if self.modular {
                node.details.push(("inside".into(), s.program.implementation().describe().into()));
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

/// The protocol as both server programs speak it (S16), each checked against the text of
/// `protocol.rs` and against the other.
#[cfg(test)]
mod protocol_tests {
    use super::compute_server::ComputeServer;
    use super::protocol::{MAX_N, PrimeServer, Work, request_line};
    use super::table_server::TableServer;

    const OK_541: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n541";
    const NOT_FOUND: &str = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
    const BAD: &str = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

    fn servers() -> [Box<dyn PrimeServer>; 2] {
        [Box::new(TableServer::start()), Box::new(ComputeServer)]
    }

    #[test]
    fn each_server_answers_the_protocol_as_written() {
        for server in servers() {
            let who = server.implementation();
            assert_eq!(server.reply("GET /prime?n=100").response, OK_541, "{who:?}");
            let first = server.reply("GET /prime?n=1").response;
            assert!(first.ends_with("Content-Length: 1\r\n\r\n2"), "{who:?}: {first:?}");
            let last = server.reply("GET /prime?n=500").response;
            assert!(last.ends_with("Content-Length: 4\r\n\r\n3571"), "{who:?}: {last:?}");
            let leading_zeros = server.reply("GET /prime?n=007").response;
            assert!(leading_zeros.ends_with("Content-Length: 2\r\n\r\n17"), "{who:?}: {leading_zeros:?}");
            for out_of_range in [
                "GET /prime?n=0",
                "GET /prime?n=0000",
                "GET /prime?n=501",
                "GET /prime?n=4294967296",
                "GET /prime?n=99999999999999999999999",
            ] {
                assert_eq!(server.reply(out_of_range).response, NOT_FOUND, "{who:?} {out_of_range}");
            }
            for bad in [
                "",
                "GET /prime",
                "GET /prime?n=",
                "GET /prime?n=x",
                "GET /prime?n=-1",
                "GET /prime?n=+3",
                "GET /prime?n=3 ",
                "GET /prime?n=3&x=1",
                "GET  /prime?n=3",
                "get /prime?n=3",
                "POST /prime?n=3",
                "GET /primes?n=3",
                "GET /prime?m=3",
            ] {
                assert_eq!(server.reply(bad).response, BAD, "{who:?} {bad:?}");
            }
        }
    }

    /// The modularity claim, S16: two programs written differently give the same bytes for every
    /// request a client can send — each computed by its own code, compared here.
    #[test]
    fn the_two_programs_answer_every_request_with_the_same_bytes_by_different_means() {
        let [table, compute] = servers();
        assert_ne!(table.implementation(), compute.implementation());
        for n in 0..=MAX_N + 2 {
            let request = request_line(n);
            let (a, b) = (table.reply(&request), compute.reply(&request));
            assert_eq!(a.response, b.response, "n = {n}");
            if (1..=MAX_N).contains(&n) {
                assert_eq!(a.work, Work::Lookup, "the table looks every answer up");
                assert!(matches!(b.work, Work::Divisions(_)), "the computing server works it out");
            }
        }
        // More work for a larger n: that is what makes the computing server slower.
        let divisions = |n: u32| match compute.reply(&request_line(n)).work {
            Work::Divisions(d) => d,
            Work::Lookup => 0,
        };
        assert!(divisions(400) > divisions(40));
    }
}
