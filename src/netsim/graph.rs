//! The nodes and links of a scene as it stands, for drawing: what each node is (its role), whether
//! it is alive, what the view shows about it, and the path being traced.

use serde::Serialize;

/// What a node is, for its shape and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Client,
    Server,
    Dns,
    Peer,
    Supernode,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Client, Role::Server, Role::Dns, Role::Peer, Role::Supernode];

    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "client",
            Role::Server => "server",
            Role::Dns => "DNS server",
            Role::Peer => "peer",
            Role::Supernode => "supernode",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub name: String,
    pub role: Role,
    pub alive: bool,
    /// Something is wrong here (a client whose last request failed): drawn in red.
    pub alarm: bool,
    /// The teacher may kill and restart this node.
    pub can_fail: bool,
    /// What the view shows when the node is selected: (what, value) pairs.
    pub details: Vec<(String, String)>,
}

/// The nodes and links of a scene as it stands, for drawing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub links: Vec<(usize, usize)>,
    /// Nodes on the path being traced (routing), in order.
    pub highlight: Vec<usize>,
}
