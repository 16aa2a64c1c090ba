//! What peers tell the class on gossipsub: every node's telemetry (for the teacher's live graph)
//! and the teacher's orders (ban a peer, reject a name, end the session). Both are small JSON
//! messages, read strictly; text in them is cleaned before anyone sees it, and an order counts
//! only when the teacher's node signed it.

use serde::{Deserialize, Serialize};

use super::names::clean_name;

/// The topic every node reports itself on.
pub const TELEMETRY_TOPIC: &str = "netlens/class/telemetry/1";
/// The topic the teacher's orders travel on.
pub const ORDERS_TOPIC: &str = "netlens/class/orders/1";
/// The topic students report the messages they sent on, once a second, so the teacher's graph
/// can draw messages between two students. Only the teacher's node subscribes: a student's
/// report goes to the teacher alone, not to the whole class.
pub const SENT_TOPIC: &str = "netlens/class/sent/1";
/// At most this many messages are reported at once (the rest of a busy second is not drawn).
pub const MAX_REPORTED_SENT: usize = 64;
/// The messages that are reported: the pieces protocol's requests.
pub const SENT_KINDS: [&str; 3] = ["store", "fetch", "find_node"];
/// A reported message is at most this old (ms): reports go out every second.
const MAX_SENT_AGE_MS: u32 = 10_000;
/// At most this many of a peer's connections are accepted in a report.
pub const MAX_REPORTED_LINKS: usize = 48;
/// How many a node reports: enough to draw the class, and a smaller message for every laptop to
/// check (each link is a 52-character peer id).
pub const LINKS_SENT: usize = 16;
/// At most this many held pieces are reported.
pub const MAX_REPORTED_PIECES: usize = 256;
/// How many hex digits of a piece's hash telemetry carries.
pub const SHORT_HASH: usize = 16;
/// At most this many files are reported.
pub const MAX_REPORTED_FILES: usize = 16;

/// One node's report, published every two seconds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Telemetry {
    pub name: String,
    pub table_size: usize,
    pub pieces: usize,
    pub connections: usize,
    /// Peer ids it is connected to (at most `MAX_REPORTED_LINKS`).
    pub links: Vec<String>,
    /// The pieces it holds, by the first 16 hex digits of their hash (at most `MAX_REPORTED_PIECES`).
    #[serde(default)]
    pub held: Vec<String>,
    /// The files whose manifest it holds, so that every laptop can list what the class shares
    /// (at most `MAX_REPORTED_FILES`).
    #[serde(default)]
    pub files: Vec<FileNote>,
}

/// A file as the class lists it: its id (the manifest's hash), name, size and piece count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileNote {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub pieces: usize,
}

impl FileNote {
    /// Whether a peer's note is one a manifest could have made: a 64-digit id and a piece count
    /// that fits the size.
    fn is_plausible(&self) -> bool {
        let pieces_needed = self.size.div_ceil(super::pieces::PIECE_SIZE as u64);
        self.id.len() == 64
            && self.id.bytes().all(|b| b.is_ascii_hexdigit())
            && self.pieces <= super::pieces::MAX_PIECES
            && self.pieces as u64 == pieces_needed
    }
}

impl Telemetry {
    /// Reads a peer's report; names are cleaned and lists cut to their bounds.
    pub fn from_bytes(bytes: &[u8]) -> Result<Telemetry, String> {
        let mut telemetry: Telemetry =
            serde_json::from_slice(bytes).map_err(|e| format!("malformed telemetry: {e}"))?;
        telemetry.name = clean_name(&telemetry.name);
        telemetry.links.truncate(MAX_REPORTED_LINKS);
        telemetry.links.retain(|l| l.len() <= 64 && l.parse::<libp2p::PeerId>().is_ok());
        telemetry.held.truncate(MAX_REPORTED_PIECES);
        telemetry.held.retain(|h| h.len() == SHORT_HASH && h.bytes().all(|b| b.is_ascii_hexdigit()));
        telemetry.files.truncate(MAX_REPORTED_FILES);
        telemetry.files.retain(FileNote::is_plausible);
        for file in &mut telemetry.files {
            file.name = clean_name(&file.name);
            file.id.make_ascii_lowercase();
        }
        Ok(telemetry)
    }
}

/// One message a student sent: to whom, what kind, and how long before the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sent {
    pub to: String,
    pub kind: String,
    pub ago_ms: u32,
}

/// A student's messages since its last report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentReport {
    pub sent: Vec<Sent>,
}

impl SentReport {
    /// Reads a student's report strictly: at most `MAX_REPORTED_SENT` messages, each to a
    /// well-formed peer id, of a known kind, and recent.
    pub fn from_bytes(bytes: &[u8]) -> Result<SentReport, String> {
        let mut report: SentReport =
            serde_json::from_slice(bytes).map_err(|e| format!("a malformed message report: {e}"))?;
        report.sent.truncate(MAX_REPORTED_SENT);
        report.sent.retain(|s| {
            s.to.len() <= 64
                && s.to.parse::<libp2p::PeerId>().is_ok()
                && SENT_KINDS.contains(&s.kind.as_str())
                && s.ago_ms <= MAX_SENT_AGE_MS
        });
        Ok(report)
    }
}

/// What the teacher can tell every node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "order", rename_all = "snake_case", deny_unknown_fields)]
pub enum Order {
    /// Hide and disconnect this peer for the rest of the session.
    Ban { peer: String },
    /// Show this peer without its name.
    RejectName { peer: String },
    /// The lesson is over: everyone leaves.
    End,
}

impl Order {
    pub fn from_bytes(bytes: &[u8]) -> Result<Order, String> {
        let order: Order = serde_json::from_slice(bytes).map_err(|e| format!("a malformed order: {e}"))?;
        match &order {
            Order::Ban { peer } | Order::RejectName { peer } if peer.parse::<libp2p::PeerId>().is_err() => {
                Err("an order about a malformed peer id".into())
            }
            _ => Ok(order),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telemetry_is_cleaned_and_orders_are_strict() {
        let peer = libp2p::PeerId::random().to_string();
        let text =
            format!(r#"{{"name":"a\u202eb","table_size":3,"pieces":1,"connections":2,"links":["{peer}","nonsense"]}}"#);
        let t = Telemetry::from_bytes(text.as_bytes()).unwrap();
        assert_eq!(t.name, "ab");
        assert_eq!(t.links, vec![peer.clone()]);
        assert!(Telemetry::from_bytes(b"{\"name\":\"x\"}").is_err());
        assert_eq!(Order::from_bytes(br#"{"order":"end"}"#), Ok(Order::End));
        assert!(Order::from_bytes(br#"{"order":"ban","peer":"nobody"}"#).is_err());
        let ban = serde_json::to_vec(&Order::Ban { peer: peer.clone() }).unwrap();
        assert!(matches!(Order::from_bytes(&ban), Ok(Order::Ban { .. })));
    }

    #[test]
    fn reported_files_are_cleaned_and_implausible_ones_dropped() {
        let id = "ab".repeat(32);
        let note = |id: &str, name: &str, size: u64, pieces: usize| FileNote {
            id: id.into(),
            name: name.into(),
            size,
            pieces,
        };
        let telemetry = Telemetry {
            name: "x".into(),
            files: vec![
                note(&id.to_uppercase(), "notes\u{202e}.txt", 600_000, 3),
                note(&id, "too many pieces", 10, 3),
                note("nothex", "bad id", 10, 1),
                note(&id, "empty", 0, 0),
            ],
            ..Telemetry::default()
        };
        let read = Telemetry::from_bytes(&serde_json::to_vec(&telemetry).unwrap()).unwrap();
        assert_eq!(read.files, vec![note(&id, "notes.txt", 600_000, 3), note(&id, "empty", 0, 0)]);
        let many = Telemetry { files: vec![note(&id, "f", 1, 1); 40], ..Telemetry::default() };
        assert_eq!(Telemetry::from_bytes(&serde_json::to_vec(&many).unwrap()).unwrap().files.len(), MAX_REPORTED_FILES);
    }

    #[test]
    fn message_reports_keep_only_well_formed_recent_messages_of_known_kinds() {
        let peer = libp2p::PeerId::random().to_string();
        let sent = |to: &str, kind: &str, ago_ms: u32| Sent { to: to.into(), kind: kind.into(), ago_ms };
        let report = SentReport {
            sent: vec![
                sent(&peer, "store", 10),
                sent("nobody", "store", 10),
                sent(&peer, "delete_everything", 10),
                sent(&peer, "fetch", 3_600_000),
                sent(&peer, "find_node", 900),
            ],
        };
        let read = SentReport::from_bytes(&serde_json::to_vec(&report).unwrap()).unwrap();
        assert_eq!(read.sent, vec![sent(&peer, "store", 10), sent(&peer, "find_node", 900)]);
        let flood = SentReport { sent: vec![sent(&peer, "store", 1); 500] };
        assert_eq!(SentReport::from_bytes(&serde_json::to_vec(&flood).unwrap()).unwrap().sent.len(), MAX_REPORTED_SENT);
        assert!(SentReport::from_bytes(br#"{"sent":[],"extra":1}"#).is_err());
    }
}
