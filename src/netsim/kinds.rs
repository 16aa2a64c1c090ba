//! The names the Network scenes are built from, as enums: which scene, what kind of message
//! travels, what kind of thing happened. The UI draws its legend and colours from these, the
//! live protocol decodes its `kind` field into `MessageKind` (anything else is rejected), and the
//! CLI prints the same names, so none of them can drift apart.

use serde::Serialize;

/// A Network scene. Its name is what the CLI takes and the JSON says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SceneKind {
    ClientServer,
    Modularity,
    Capacity,
    Overlay,
    Routing,
    Supernodes,
    ReplicatedStorage,
}

impl SceneKind {
    /// Every scene, in teaching order.
    pub const ALL: [SceneKind; 7] = [
        SceneKind::ClientServer,
        SceneKind::Modularity,
        SceneKind::Capacity,
        SceneKind::Overlay,
        SceneKind::Routing,
        SceneKind::Supernodes,
        SceneKind::ReplicatedStorage,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SceneKind::ClientServer => "client-server",
            SceneKind::Modularity => "modularity",
            SceneKind::Capacity => "capacity",
            SceneKind::Overlay => "overlay",
            SceneKind::Routing => "routing",
            SceneKind::Supernodes => "supernodes",
            SceneKind::ReplicatedStorage => "replicated-storage",
        }
    }

    /// Parses a scene name; the error lists the names there are.
    pub fn parse(name: &str) -> Result<SceneKind, String> {
        Self::ALL.into_iter().find(|k| k.name() == name).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
            format!("no scene called {name:?}; try one of: {}", names.join(", "))
        })
    }

    pub fn title(self) -> &'static str {
        match self {
            SceneKind::ClientServer => "Many clients, one server",
            SceneKind::Modularity => "Two servers, one protocol",
            SceneKind::Capacity => "One server against a swarm",
            SceneKind::Overlay => "An overlay of neighbours",
            SceneKind::Routing => "Routing through neighbours",
            SceneKind::Supernodes => "Supernodes",
            SceneKind::ReplicatedStorage => "A file that survives a dead peer",
        }
    }

    /// What the teacher says about the scene.
    pub fn explanation(self) -> &'static str {
        match self {
            SceneKind::ClientServer => {
                "One server with a few worker slots and a short queue serves every client. Add clients: while the server has free slots each request is answered in its service time; beyond that requests wait in the queue (latency climbs) and when the queue is full they are refused. Kill the server and every client's requests fail; restart it and they succeed again."
            }
            SceneKind::Modularity => {
                "Each client asks for the n-th prime number. Two different server programs answer: server-a looks the answer up in a table it built when it started; server-b works it out for every request, which takes longer for a larger n. The clients get the same bytes from both and cannot tell them apart: a protocol is a contract, and any implementation that keeps it can take part."
            }
            SceneKind::Capacity => {
                "The same file goes to every node. A single server uploads one piece at a time, so the last node waits longer the more nodes there are. In peer-to-peer every node that has a piece uploads it too, so capacity grows with the number of nodes and completion time barely moves."
            }
            SceneKind::Overlay => {
                "Each peer keeps the addresses of only a few neighbours. Together these neighbour tables form an overlay network on top of the internet: no peer knows everyone, yet everyone is connected through someone."
            }
            SceneKind::Routing => {
                "A message from one peer to another is handed from neighbour to neighbour, each choosing the neighbour closest to the destination, until it arrives (as Skype once relayed calls). Watch the path light up hop by hop and count the hops."
            }
            SceneKind::Supernodes => {
                "A few well-connected supernodes keep the registry of who is online and where. Peers log in and out through them; a newcomer asks a supernode for neighbours and takes its place in the overlay; when peers leave, the ones that lost neighbours ask for new ones and the overlay restructures."
            }
            SceneKind::ReplicatedStorage => {
                "A file is split into pieces and each piece is stored on r different peers. When a peer dies, every piece it held is copied again from a surviving replica onto another peer, so each piece is back to r copies and the file still reads back intact. Only if every holder of a piece dies is that piece lost."
            }
        }
    }

    /// How many clients or peers the scene starts with.
    pub fn default_nodes(self) -> usize {
        match self {
            SceneKind::ClientServer => 4,
            SceneKind::Modularity => 6,
            SceneKind::Capacity => 32,
            SceneKind::Overlay | SceneKind::Routing => 16,
            SceneKind::Supernodes => 12,
            SceneKind::ReplicatedStorage => 8,
        }
    }

    /// The numbers of clients or peers the scene accepts. Each scene's own limits (its
    /// `MAX_CLIENTS`, `MAX_PEERS`…) are read from here, so there is one source for both.
    pub const fn node_range(self) -> std::ops::RangeInclusive<usize> {
        match self {
            SceneKind::ClientServer | SceneKind::Modularity => 1..=200,
            SceneKind::Capacity => 2..=2_000,
            SceneKind::Overlay | SceneKind::Routing => 4..=20_000,
            SceneKind::Supernodes => 4..=2_000,
            // One more peer than the replication factor (3), so a failure leaves a peer to copy to.
            SceneKind::ReplicatedStorage => 4..=1_000,
        }
    }

    /// True when the node count is a number of clients (and can change while it runs).
    pub fn has_clients(self) -> bool {
        matches!(self, SceneKind::ClientServer | SceneKind::Modularity)
    }

    /// "clients" or "peers", for the node-count control.
    pub fn node_word(self) -> &'static str {
        if self.has_clients() { "clients" } else { "peers" }
    }

    /// The kinds of message this scene sends, for its legend.
    pub fn message_kinds(self) -> &'static [MessageKind] {
        use MessageKind::*;
        match self {
            SceneKind::ClientServer | SceneKind::Modularity => &[Request, Response, Refused, Failure, Lookup, Answer],
            SceneKind::Capacity => &[Piece],
            SceneKind::Overlay => &[Hello],
            SceneKind::Routing => &[Route],
            SceneKind::Supernodes => &[Login, Welcome, Logout, Bye, Sync, Hello, Lookup],
            SceneKind::ReplicatedStorage => &[Store, Copy, Piece],
        }
    }
}

impl std::fmt::Display for SceneKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a message on a link is. The live protocol carries this name in every frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    Lookup,
    Answer,
    Request,
    Response,
    Refused,
    Failure,
    Hello,
    Route,
    Store,
    Copy,
    Piece,
    Login,
    Welcome,
    Logout,
    Bye,
    Sync,
}

impl MessageKind {
    pub const ALL: [MessageKind; 16] = [
        MessageKind::Lookup,
        MessageKind::Answer,
        MessageKind::Request,
        MessageKind::Response,
        MessageKind::Refused,
        MessageKind::Failure,
        MessageKind::Hello,
        MessageKind::Route,
        MessageKind::Store,
        MessageKind::Copy,
        MessageKind::Piece,
        MessageKind::Login,
        MessageKind::Welcome,
        MessageKind::Logout,
        MessageKind::Bye,
        MessageKind::Sync,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MessageKind::Lookup => "lookup",
            MessageKind::Answer => "answer",
            MessageKind::Request => "request",
            MessageKind::Response => "response",
            MessageKind::Refused => "refused",
            MessageKind::Failure => "failure",
            MessageKind::Hello => "hello",
            MessageKind::Route => "route",
            MessageKind::Store => "store",
            MessageKind::Copy => "copy",
            MessageKind::Piece => "piece",
            MessageKind::Login => "login",
            MessageKind::Welcome => "welcome",
            MessageKind::Logout => "logout",
            MessageKind::Bye => "bye",
            MessageKind::Sync => "sync",
        }
    }

    /// The kind named by exactly these bytes (as a frame carries them), or none.
    pub fn from_wire(bytes: &[u8]) -> Option<MessageKind> {
        Self::ALL.into_iter().find(|k| k.name().as_bytes() == bytes)
    }

    /// What the message does, for the legend's hover text.
    pub fn meaning(self) -> &'static str {
        match self {
            MessageKind::Lookup => "asks where something is (a name, a neighbour)",
            MessageKind::Answer => "the DNS server's answer",
            MessageKind::Request => "a client asks the server",
            MessageKind::Response => "the server's answer",
            MessageKind::Refused => "the server is full and turns the request away",
            MessageKind::Failure => "nobody answers: the server is down",
            MessageKind::Hello => "a peer greets a neighbour",
            MessageKind::Route => "a message handed on towards its destination",
            MessageKind::Store => "the tracker stores a piece on a peer",
            MessageKind::Copy => "the tracker asks a peer to copy a piece",
            MessageKind::Piece => "a piece of the file, peer to peer",
            MessageKind::Login => "a peer logs in at its supernode",
            MessageKind::Welcome => "the supernode's answer, with neighbours",
            MessageKind::Logout => "a peer logs out",
            MessageKind::Bye => "a leaving peer tells its neighbours",
            MessageKind::Sync => "supernodes keep their registries in step",
        }
    }
}

impl std::fmt::Display for MessageKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What a line of a scene's event log says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    Request,
    Dns,
    Response,
    Refused,
    Failure,
    Kill,
    Restart,
    Clients,
    Send,
    Delivered,
    Undeliverable,
    Forward,
    Hello,
    Lost,
    Detect,
    Repair,
    Stored,
    Error,
    Login,
    Welcome,
    Logout,
    Lookup,
    Complete,
    Piece,
    /// Live mode: a frame from a socket broke the protocol and its connection was closed.
    Rejected,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Request => "request",
            EventKind::Dns => "dns",
            EventKind::Response => "response",
            EventKind::Refused => "refused",
            EventKind::Failure => "failure",
            EventKind::Kill => "kill",
            EventKind::Restart => "restart",
            EventKind::Clients => "clients",
            EventKind::Send => "send",
            EventKind::Delivered => "delivered",
            EventKind::Undeliverable => "undeliverable",
            EventKind::Forward => "forward",
            EventKind::Hello => "hello",
            EventKind::Lost => "lost",
            EventKind::Detect => "detect",
            EventKind::Repair => "repair",
            EventKind::Stored => "stored",
            EventKind::Error => "error",
            EventKind::Login => "login",
            EventKind::Welcome => "welcome",
            EventKind::Logout => "logout",
            EventKind::Lookup => "lookup",
            EventKind::Complete => "complete",
            EventKind::Piece => "piece",
            EventKind::Rejected => "rejected",
        }
    }
}

impl std::fmt::Display for EventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq<&str> for EventKind {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in SceneKind::ALL {
            assert_eq!(SceneKind::parse(kind.name()), Ok(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
        for kind in MessageKind::ALL {
            assert_eq!(MessageKind::from_wire(kind.name().as_bytes()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
        assert_eq!(serde_json::to_value(EventKind::Rejected).unwrap(), "rejected");
        assert!(SceneKind::parse("nope").unwrap_err().contains("replicated-storage"));
        assert_eq!(MessageKind::from_wire(b"requesT"), None);
        assert_eq!(MessageKind::from_wire(&[0xff, 0xff]), None);
    }
}
