//! What a simulation produced: every IP packet with its bytes and fate, each side's TCP state
//! changes, and what each application received when. Plain data, shared by the UI and the CLI.

use std::net::Ipv4Addr;

use super::link::{Fate, LinkConfig};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn other(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimPacket {
    /// 1-based, in the order packets entered the link (what overrides refer to).
    pub number: usize,
    pub from: Side,
    pub t_send_us: u64,
    /// Arrival time; None when lost.
    pub t_arrive_us: Option<u64>,
    /// Where along its flight a lost packet vanished.
    pub t_lost_us: Option<u64>,
    /// When it passed the router, on a two-hop path; None with one hop, when it was lost
    /// before the router, or for a copy made after it.
    pub t_router_us: Option<u64>,
    pub fate: Fate,
    /// For a network-made copy: the number of the packet it copies.
    pub copy_of: Option<usize>,
    pub bytes: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StateChange {
    pub t_us: u64,
    pub side: Side,
    pub state: String,
}

/// The receiving application read `len` bytes at stream offset `offset`.
#[derive(Clone, Debug, PartialEq)]
pub struct AppDelivery {
    pub t_us: u64,
    pub side: Side,
    pub offset: usize,
    pub len: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimEndpoint {
    pub address: Ipv4Addr,
    pub port: u16,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimRun {
    pub scene: String,
    pub seed: u64,
    pub link: LinkConfig,
    pub reverse_link: LinkConfig,
    /// The hop between the router and the server, when the path has two (then `link` and
    /// `reverse_link` are the client's hop).
    pub second_hop: Option<LinkConfig>,
    pub endpoints: [SimEndpoint; 2],
    pub packets: Vec<SimPacket>,
    pub states: Vec<StateChange>,
    pub deliveries: Vec<AppDelivery>,
    /// What each side's application sent and received, indexed by `Side::index`.
    pub sent: [Vec<u8>; 2],
    pub received: [Vec<u8>; 2],
    /// When the workload finished (both sides done and nothing in flight), if it did.
    pub completed_us: Option<u64>,
    /// Why the run stopped, in one sentence.
    pub outcome: String,
}

impl SimRun {
    pub fn endpoint(&self, side: Side) -> &SimEndpoint {
        &self.endpoints[side.index()]
    }
}
