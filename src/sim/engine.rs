//! The simulator: two smoltcp endpoints on in-memory devices, joined by a simulated link, on a
//! virtual clock that only this loop advances. Same scene and seed, same bytes, every time.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::convert::Infallible;
use std::net::Ipv4Addr;

use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::socket::{tcp, udp};
use smoltcp::time::Instant;
use smoltcp::wire::{HardwareAddress, IpAddress, IpCidr};

use super::device::SimDevice;
use super::link::{Delivery, Fate, LinkDirection};
use super::rng::SimRng;
use super::run::{AppDelivery, Side, SimEndpoint, SimPacket, SimRun, StateChange};
use super::scene::{Closer, MAX_UDP_DATAGRAM, Scene, Workload};

/// The client and server live in TEST-NET-1 (RFC 5737), an address block reserved for examples.
pub const CLIENT_ADDRESS: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
pub const SERVER_ADDRESS: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 80);
pub const CLIENT_PORT: u16 = 49152;
pub const TCP_SERVER_PORT: u16 = 80;
pub const UDP_SERVER_PORT: u16 = 7777;
/// A run stops here even when the workload has not finished (say, at 85% loss).
pub const MAX_VIRTUAL_US: u64 = 600_000_000;
const TCP_BUFFER: usize = 65_535;

/// One side: a smoltcp interface, its device and socket, and the application driving it.
struct Endpoint {
    side: Side,
    iface: Interface,
    device: SimDevice,
    sockets: SocketSet<'static>,
    handle: SocketHandle,
    app: App,
    is_tcp: bool,
    last_state: String,
}

/// The application on one side: what it has to send, when, and when it closes.
struct App {
    to_send: Vec<u8>,
    sent: usize,
    /// Bytes it must receive before it starts sending (the server waits for the whole request).
    send_after: usize,
    expect: usize,
    received: Vec<u8>,
    closes_first: bool,
    closes_at_all: bool,
    closed: bool,
}

impl App {
    fn done(&self) -> bool {
        self.sent == self.to_send.len() && self.received.len() >= self.expect
    }
}

/// Runs a scene to completion (or to the virtual time limit) and records everything.
pub fn simulate(scene: &Scene) -> SimRun {
    // Never cancelled: the error type has no values, so this pattern always matches.
    let Ok(run) = drive(scene, || Ok::<(), Infallible>(()));
    run
}

/// A run given up because a newer one was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cancelled;

/// Like `simulate`, but gives up (returning none) as soon as `cancelled` says so: the window
/// asks for a newer run while an older one is still going. Checked once per turn of the clock.
pub fn simulate_cancellable(scene: &Scene, cancelled: &dyn Fn() -> bool) -> Option<SimRun> {
    drive(scene, || if cancelled() { Err(Cancelled) } else { Ok(()) }).ok()
}

/// The simulation itself; `go_on` is asked once per turn of the clock whether to continue.
fn drive<E>(scene: &Scene, go_on: impl Fn() -> Result<(), E>) -> Result<SimRun, E> {
    let reverse = scene.reverse_link.clone().unwrap_or_else(|| scene.link.clone());
    let mtu = scene.link.mtu.min(reverse.mtu).min(scene.second_hop.as_ref().map_or(usize::MAX, |h| h.mtu));
    let mut links = [LinkDirection::new(scene.link.clone()), LinkDirection::new(reverse.clone())];
    // With a router, `links` are the client's hop and this the server's, each direction queueing
    // separately.
    let mut onward = scene.second_hop.clone().map(|hop| [LinkDirection::new(hop.clone()), LinkDirection::new(hop)]);
    let mut rng = SimRng::new(scene.seed);
    let udp = matches!(scene.workload, Workload::Udp { .. });
    let server_port = if udp { UDP_SERVER_PORT } else { TCP_SERVER_PORT };

    let mut endpoints = [
        Endpoint::new(Side::Client, CLIENT_ADDRESS, mtu, scene, udp),
        Endpoint::new(Side::Server, SERVER_ADDRESS, mtu, scene, udp),
    ];
    endpoints[1].open(server_port, None);
    endpoints[0].open(CLIENT_PORT, Some((SERVER_ADDRESS, server_port)));

    let mut packets: Vec<SimPacket> = Vec::new();
    let mut states = Vec::new();
    let mut deliveries = Vec::new();
    let mut in_flight: BinaryHeap<Reverse<(u64, usize)>> = BinaryHeap::new();
    let mut now = 0u64;
    let mut completed_us = None;
    let outcome;

    loop {
        go_on()?;
        while let Some(&Reverse((at, index))) = in_flight.peek() {
            if at > now {
                break;
            }
            in_flight.pop();
            let to = packets[index].from.other();
            endpoints[to.index()].device.inbox.push_back(packets[index].bytes.clone());
        }

        // Let both sides react until neither has anything more to say at this instant.
        for _ in 0..64 {
            let mut produced = false;
            for endpoint in endpoints.iter_mut() {
                endpoint.step(now, &mut deliveries, &mut states);
                for bytes in std::mem::take(&mut endpoint.device.outbox) {
                    produced = true;
                    let from = endpoint.side;
                    let number = packets.len() + 1;
                    let action = scene.overrides.iter().find(|o| o.packet == number).map(|o| o.action);
                    let (delivery, t_router_us, copy_router_us) = match onward.as_mut() {
                        None => (links[from.index()].carry(now, bytes.len(), action, &mut rng), None, None),
                        Some(server_hop) => {
                            // Client to server: the client's hop, then the router's hop to the
                            // server; the other way round for the server's packets.
                            let (first, second) = match from {
                                Side::Client => (&mut links[0], &mut server_hop[0]),
                                Side::Server => (&mut server_hop[1], &mut links[1]),
                            };
                            let first = first.carry(now, bytes.len(), action, &mut rng);
                            through_router(first, second, bytes.len(), &mut rng)
                        }
                    };
                    let index = packets.len();
                    let copy = delivery.copy_at_us.map(|at| (at, bytes.clone()));
                    packets.push(SimPacket {
                        number,
                        from,
                        t_send_us: now,
                        t_arrive_us: (!delivery.lost).then_some(delivery.at_us),
                        t_lost_us: delivery.lost.then_some(delivery.at_us),
                        t_router_us,
                        fate: if delivery.lost { Fate::Lost } else { Fate::Delivered },
                        copy_of: None,
                        bytes,
                    });
                    if !delivery.lost {
                        in_flight.push(Reverse((delivery.at_us, index)));
                    }
                    if let Some((at, bytes)) = copy {
                        in_flight.push(Reverse((at, packets.len())));
                        packets.push(SimPacket {
                            number: number + 1,
                            from,
                            t_send_us: now,
                            t_arrive_us: Some(at),
                            t_lost_us: None,
                            t_router_us: copy_router_us,
                            fate: Fate::Duplicate,
                            copy_of: Some(number),
                            bytes,
                        });
                    }
                }
            }
            if !produced {
                break;
            }
        }

        if in_flight.is_empty() && endpoints.iter().all(Endpoint::finished) {
            completed_us = Some(now);
            outcome = "finished: both sides are done and nothing is in flight".to_string();
            break;
        }
        let mut next = in_flight.peek().map(|Reverse((at, _))| *at);
        for endpoint in endpoints.iter_mut() {
            if let Some(at) = endpoint.iface.poll_at(Instant::from_micros(now as i64), &endpoint.sockets) {
                let at = (at.total_micros().max(0) as u64).max(now + 1);
                next = Some(next.map_or(at, |n: u64| n.min(at)));
            }
        }
        match next {
            Some(at) if at > MAX_VIRTUAL_US => {
                outcome =
                    format!("stopped at the {} s limit of virtual time before finishing", MAX_VIRTUAL_US / 1_000_000);
                break;
            }
            Some(at) => now = at,
            None => {
                outcome = "stopped: nothing left to send or deliver, but the workload did not finish".to_string();
                break;
            }
        }
    }

    mark_reordered(&mut packets);
    let [client, server] = endpoints;
    Ok(SimRun {
        scene: scene.name.clone(),
        seed: scene.seed,
        link: scene.link.clone(),
        reverse_link: reverse,
        second_hop: scene.second_hop.clone(),
        endpoints: [
            SimEndpoint { address: CLIENT_ADDRESS, port: CLIENT_PORT },
            SimEndpoint { address: SERVER_ADDRESS, port: server_port },
        ],
        packets,
        states,
        deliveries,
        sent: [client.app.to_send, server.app.to_send],
        received: [client.app.received, server.app.received],
        completed_us,
        outcome,
    })
}

/// A packet that reached the router (`first` says how) goes on over the router's onward hop.
/// Returns the whole journey's delivery, when it passed the router, and when its copy did (a copy
/// made on the first hop passes the router too; one made on the second does not). A copy rides
/// the original's second-hop fate, a fixed gap behind it.
fn through_router(
    first: Delivery,
    onward: &mut LinkDirection,
    len: usize,
    rng: &mut SimRng,
) -> (Delivery, Option<u64>, Option<u64>) {
    if first.lost {
        return (first, None, None);
    }
    let second = onward.carry(first.at_us, len, None, rng);
    if second.lost {
        return (second, Some(first.at_us), None);
    }
    let (copy_at_us, copy_router_us) = match (first.copy_at_us, second.copy_at_us) {
        (Some(copy_at), _) => (Some(second.at_us + (copy_at - first.at_us)), Some(copy_at)),
        (None, Some(copy_at)) => (Some(copy_at), None),
        (None, None) => (None, None),
    };
    (Delivery { copy_at_us, ..second }, Some(first.at_us), copy_router_us)
}

/// A delivered packet is reordered when a packet sent after it, the same way, arrived before it.
fn mark_reordered(packets: &mut [SimPacket]) {
    for side in [Side::Client, Side::Server] {
        let mut earliest_later_arrival = u64::MAX;
        for packet in packets.iter_mut().rev().filter(|p| p.from == side && p.copy_of.is_none()) {
            let Some(arrive) = packet.t_arrive_us else { continue };
            if arrive > earliest_later_arrival {
                packet.fate = Fate::Reordered;
            }
            earliest_later_arrival = earliest_later_arrival.min(arrive);
        }
    }
}

impl Endpoint {
    fn new(side: Side, address: Ipv4Addr, mtu: usize, scene: &Scene, udp: bool) -> Self {
        let mut device = SimDevice::new(mtu);
        let mut config = Config::new(HardwareAddress::Ip);
        // Each side draws its own initial sequence number from the scene's seed.
        config.random_seed = scene.seed.wrapping_mul(2).wrapping_add(side.index() as u64 + 1);
        let mut iface = Interface::new(config, &mut device, Instant::from_micros(0));
        iface.update_ip_addrs(|addrs| {
            addrs.push(IpCidr::new(IpAddress::Ipv4(address), 24)).expect("one address fits");
        });
        let mut sockets = SocketSet::new(Vec::new());
        let handle = if udp {
            let buffer = || udp::PacketBuffer::new(vec![udp::PacketMetadata::EMPTY; 8], vec![0; 2 * MAX_UDP_DATAGRAM]);
            sockets.add(udp::Socket::new(buffer(), buffer()))
        } else {
            let mut socket = tcp::Socket::new(
                tcp::SocketBuffer::new(vec![0; TCP_BUFFER]),
                tcp::SocketBuffer::new(vec![0; TCP_BUFFER]),
            );
            socket.set_congestion_control(tcp::CongestionControl::Reno);
            sockets.add(socket)
        };
        let app = App::for_side(side, &scene.workload);
        Self { side, iface, device, sockets, handle, app, is_tcp: !udp, last_state: String::new() }
    }

    /// Connects (client) or listens/binds (server).
    fn open(&mut self, port: u16, remote: Option<(Ipv4Addr, u16)>) {
        if self.is_tcp {
            let socket = self.sockets.get_mut::<tcp::Socket>(self.handle);
            match remote {
                Some((address, remote_port)) => {
                    let endpoint = (IpAddress::Ipv4(address), remote_port);
                    socket.connect(self.iface.context(), endpoint, port).expect("fresh socket connects");
                }
                None => socket.listen(port).expect("fresh socket listens"),
            }
        } else {
            let socket = self.sockets.get_mut::<udp::Socket>(self.handle);
            socket.bind(port).expect("fresh socket binds");
            if let Some((address, remote_port)) = remote {
                let endpoint = (IpAddress::Ipv4(address), remote_port);
                socket.send_slice(&self.app.to_send, endpoint).expect("datagram fits the buffer");
                self.app.sent = self.app.to_send.len();
            }
        }
    }

    fn tcp_state(&self) -> Option<tcp::State> {
        self.is_tcp.then(|| self.sockets.get::<tcp::Socket>(self.handle).state())
    }

    /// Lets the application act, lets smoltcp act, and lets the application act again on what
    /// smoltcp did, then notes any TCP state change.
    fn step(&mut self, now: u64, deliveries: &mut Vec<AppDelivery>, states: &mut Vec<StateChange>) {
        let timestamp = Instant::from_micros(now as i64);
        self.app_step(now, deliveries);
        self.iface.poll(timestamp, &mut self.device, &mut self.sockets);
        // Sampled between the stack's work and the application's, so a state that lasts no
        // time at all (CLOSE-WAIT when the application closes at once) is still seen.
        self.note_state(now, states);
        self.app_step(now, deliveries);
        self.note_state(now, states);
        self.iface.poll(timestamp, &mut self.device, &mut self.sockets);
        self.note_state(now, states);
    }

    fn note_state(&mut self, now: u64, states: &mut Vec<StateChange>) {
        if let Some(state) = self.tcp_state() {
            let state = state.to_string();
            if state != self.last_state {
                states.push(StateChange { t_us: now, side: self.side, state: state.clone() });
                self.last_state = state;
            }
        }
    }

    fn app_step(&mut self, now: u64, deliveries: &mut Vec<AppDelivery>) {
        let side = self.side;
        let mut buffer = vec![0u8; TCP_BUFFER];
        let app = &mut self.app;
        if self.is_tcp {
            let socket = self.sockets.get_mut::<tcp::Socket>(self.handle);
            while socket.can_recv() {
                let Ok(n) = socket.recv_slice(&mut buffer) else { break };
                if n == 0 {
                    break;
                }
                deliveries.push(AppDelivery { t_us: now, side, offset: app.received.len(), len: n });
                app.received.extend_from_slice(&buffer[..n]);
            }
            if socket.may_send() && app.received.len() >= app.send_after && app.sent < app.to_send.len() {
                app.sent += socket.send_slice(&app.to_send[app.sent..]).unwrap_or(0);
            }
            let state = socket.state();
            if app.closes_at_all && !app.closed && app.sent == app.to_send.len() {
                // The first closer waits for the whole answer; the other waits for its FIN.
                let ready = if app.closes_first {
                    state == tcp::State::Established && app.received.len() >= app.expect
                } else {
                    state == tcp::State::CloseWait
                };
                if ready {
                    socket.close();
                    app.closed = true;
                }
            }
        } else {
            let socket = self.sockets.get_mut::<udp::Socket>(self.handle);
            while socket.can_recv() {
                let Ok((n, _)) = socket.recv_slice(&mut buffer) else { break };
                deliveries.push(AppDelivery { t_us: now, side, offset: app.received.len(), len: n });
                app.received.extend_from_slice(&buffer[..n]);
            }
        }
    }

    /// This side's part of the workload is over.
    fn finished(&self) -> bool {
        let app_done = self.app.done();
        match self.tcp_state() {
            // A UDP sender is done once the datagram is handed to IP.
            None => app_done || self.side == Side::Client,
            Some(state) if self.app.closes_at_all => {
                app_done && self.app.closed && matches!(state, tcp::State::Closed | tcp::State::TimeWait)
            }
            Some(state) => app_done && state == tcp::State::Established,
        }
    }
}

impl App {
    fn for_side(side: Side, workload: &Workload) -> App {
        match workload {
            Workload::Tcp { request, response, closer } => {
                let (request, response) = (request.bytes(), response.bytes());
                let closes_first =
                    matches!((side, closer), (Side::Client, Closer::Client) | (Side::Server, Closer::Server));
                let closes_at_all = *closer != Closer::Nobody;
                let (to_send, send_after, expect) = match side {
                    Side::Client => (request, 0, response.len()),
                    Side::Server => (response, request.len(), request.len()),
                };
                App {
                    to_send,
                    sent: 0,
                    send_after,
                    expect,
                    received: Vec::new(),
                    closes_first,
                    closes_at_all,
                    closed: false,
                }
            }
            Workload::Udp { size } => {
                let datagram = super::scene::generated(*size);
                let (to_send, expect) = match side {
                    Side::Client => (datagram, 0),
                    Side::Server => (Vec::new(), datagram.len()),
                };
                let (closes_first, closes_at_all, closed) = (false, false, false);
                App {
                    to_send,
                    sent: 0,
                    send_after: 0,
                    expect,
                    received: Vec::new(),
                    closes_first,
                    closes_at_all,
                    closed,
                }
            }
        }
    }
}
