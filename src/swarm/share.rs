//! Replicated storage (S24): sharing a file stores each piece, and the manifest, on the r peers
//! closest to its key; fetching asks those peers; and every node keeps what it holds alive —
//! a repair pass copies each held piece to any of the r closest peers that lacks it, then hands
//! its own copy off when it is no longer among them.

use std::time::Instant;

use futures_util::StreamExt;
use futures_util::stream;
use libp2p::PeerId;
use libp2p::kad::KBucketKey;
use serde::Serialize;

use super::client::Client;
use super::pieces::{MANIFEST, Manifest, hex, sha256, split};
use super::wire::{Key, Request, Response};

/// How many pieces move at once.
const PARALLEL: usize = 8;

/// Peers sorted closest first to `key` in Kademlia's XOR metric.
pub fn by_distance(key: &Key, peers: &mut [PeerId]) {
    let target = KBucketKey::from(key.to_vec());
    peers.sort_by_key(|p| target.distance(&KBucketKey::from(*p)));
}

/// Where one piece went, or came from.
#[derive(Clone, Debug, Serialize)]
pub struct PieceReport {
    /// The piece's index; None for the manifest.
    pub piece: Option<u32>,
    pub hash: String,
    pub holders: Vec<String>,
}

/// What `netlens swarm put` prints.
#[derive(Clone, Debug, Serialize)]
pub struct PutReport {
    pub file_id: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub replication: usize,
    pub pieces: Vec<PieceReport>,
}

/// Shares `bytes`: every piece and the manifest go to the r closest peers. With `keep_copy`
/// this node keeps every piece too (the teacher seeding a file), and never hands those off.
pub async fn put(client: &Client, name: &str, bytes: &[u8], keep_copy: bool) -> Result<PutReport, String> {
    let file = split(name, bytes)?;
    let mut work: Vec<(Key, u32, Vec<u8>)> =
        file.pieces.iter().enumerate().map(|(i, (key, data))| (*key, i as u32, data.clone())).collect();
    work.push((file.id, MANIFEST, file.manifest_bytes.clone()));
    if keep_copy {
        for (key, index, data) in &work {
            client.with_store(|s| s.put(*key, file.id, *index, data, "self"))?;
        }
    }
    let placed: Vec<Result<PieceReport, String>> = stream::iter(work)
        .map(|(key, index, data)| place(client, key, file.id, index, data))
        .buffered(PARALLEL)
        .collect()
        .await;
    let mut pieces = Vec::new();
    for report in placed {
        let mut report = report?;
        if keep_copy {
            report.holders.insert(0, client.local.to_string());
        }
        if report.holders.is_empty() {
            return Err("no peer of the class took the file: is anyone else in the swarm?".into());
        }
        pieces.push(report);
    }
    // The manifest comes last in the work list; list it first, as the file's entry.
    pieces.rotate_right(1);
    Ok(PutReport {
        file_id: hex(&file.id),
        name: file.manifest.name.clone(),
        size: file.manifest.size,
        sha256: file.manifest.sha256.clone(),
        replication: client.replication,
        pieces,
    })
}

/// Stores one piece on the r peers closest to its key.
async fn place(client: &Client, key: Key, file: Key, index: u32, data: Vec<u8>) -> Result<PieceReport, String> {
    let mut targets = client.closest(key).await?;
    targets.truncate(client.replication);
    let stores = targets.iter().map(|peer| {
        let request = Request::Store { key, file, index, data: data.clone() };
        async move { (*peer, client.request(*peer, request).await) }
    });
    let mut holders = Vec::new();
    for (peer, answer) in futures_util::future::join_all(stores).await {
        if let Ok(Response::Stored) = answer {
            holders.push(peer.to_string());
        }
    }
    Ok(PieceReport { piece: (index != MANIFEST).then_some(index), hash: hex(&key), holders })
}

/// What `netlens swarm get` prints (the bytes go to the file).
#[derive(Clone, Debug, Serialize)]
pub struct GetReport {
    pub file_id: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
    /// Which peer each piece came from.
    pub pieces: Vec<PieceReport>,
    /// How many different peers sent pieces.
    pub sources: usize,
    pub seconds: f64,
}

/// Fetches a file by its id, each piece from one of its holders (spread across them), or every
/// piece from `only_from` (the teacher alone, for the capacity comparison).
pub async fn get(client: &Client, file_id: Key, only_from: Option<PeerId>) -> Result<(Vec<u8>, GetReport), String> {
    let started = Instant::now();
    if only_from == Some(client.local) {
        return Err("this node would download from itself: pick another peer".into());
    }
    let first = match only_from {
        Some(peer) => vec![peer],
        None => client.closest(file_id).await?,
    };
    let Some((_, bytes)) = from_holders(client, file_id, first, only_from.is_none()).await else {
        return Err(format!(
            "no peer of the class holds a file with id {} (a wrong id, or every copy of it is gone)",
            hex(&file_id)
        ));
    };
    let manifest = Manifest::from_bytes(&bytes)?;
    let keys = manifest.piece_keys();
    let fetched: Vec<(u32, Option<Sourced>)> = stream::iter(keys.iter().copied().enumerate())
        .map(|(i, key)| async move { (i as u32, fetch_piece(client, key, i, only_from).await) })
        .buffered(PARALLEL)
        .collect()
        .await;
    let lost: Vec<String> = fetched.iter().filter(|(_, got)| got.is_none()).map(|(i, _)| i.to_string()).collect();
    if let (false, Some(peer)) = (lost.is_empty(), only_from) {
        return Err(format!(
            "{peer} does not hold piece {} (only a file it shared itself is whole on that node)",
            lost.join(", ")
        ));
    }
    if !lost.is_empty() {
        return Err(format!(
            "piece{} {} of {:?} {} lost: every peer that held {} has left",
            if lost.len() > 1 { "s" } else { "" },
            lost.join(", "),
            manifest.name,
            if lost.len() > 1 { "are" } else { "is" },
            if lost.len() > 1 { "them" } else { "it" },
        ));
    }
    let mut bytes = Vec::with_capacity(manifest.size as usize);
    let mut pieces = Vec::new();
    let mut sources = std::collections::HashSet::new();
    for ((i, got), key) in fetched.into_iter().zip(&keys) {
        let (peer, data) = got.unwrap_or_else(|| unreachable!("lost pieces were reported above"));
        sources.insert(peer);
        bytes.extend_from_slice(&data);
        pieces.push(PieceReport { piece: Some(i), hash: hex(key), holders: vec![peer.to_string()] });
    }
    let sha = hex(&sha256(&bytes));
    if sha != manifest.sha256 {
        return Err(format!("the pieces put together do not match the file's hash {}", manifest.sha256));
    }
    let report = GetReport {
        file_id: hex(&file_id),
        name: manifest.name.clone(),
        size: bytes.len() as u64,
        sha256: sha,
        pieces,
        sources: sources.len(),
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((bytes, report))
}

/// One piece from the first holder that has it, starting at a different holder for each piece
/// so a download draws on every holder at once.
async fn fetch_piece(client: &Client, key: Key, index: usize, only_from: Option<PeerId>) -> Option<(PeerId, Vec<u8>)> {
    let mut holders = match only_from {
        Some(peer) => vec![peer],
        None => client.closest(key).await.ok()?,
    };
    holders.truncate(client.replication.max(1) * 2);
    if !holders.is_empty() {
        let turn = index % holders.len().min(client.replication.max(1));
        holders.rotate_left(turn);
    }
    from_holders(client, key, holders, only_from.is_none()).await
}

/// `key`'s bytes from the first of `first` that holds them; if none does and `widen`, from the
/// peers a wider lookup finds (with k as small as a class's, the peers that knew a holder may
/// have left).
async fn from_holders(client: &Client, key: Key, first: Vec<PeerId>, widen: bool) -> Option<Sourced> {
    for peer in &first {
        if let Some(data) = fetch_from(client, *peer, key).await {
            return Some((*peer, data));
        }
    }
    if !widen {
        return None;
    }
    for peer in client.closest_wide(key).await.ok()?.into_iter().filter(|p| !first.contains(p)) {
        if let Some(data) = fetch_from(client, peer, key).await {
            return Some((peer, data));
        }
    }
    None
}

/// The piece `key` from `peer`, if it holds it (and it is what the key says).
async fn fetch_from(client: &Client, peer: PeerId, key: Key) -> Option<Vec<u8>> {
    match client.request(peer, Request::Fetch { key }).await {
        Ok(Response::Piece(data)) if sha256(&data) == key => Some(data),
        _ => None,
    }
}

/// A piece and the peer it came from.
type Sourced = (PeerId, Vec<u8>);

/// What a repair pass did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Repair {
    /// A piece was copied to a peer among its r closest that lacked it.
    Copied { hash: String, to: String },
    /// This node is no longer among the piece's r closest, and they all hold it: it let go.
    HandedOff { hash: String },
}

/// Checks every held piece once: each of the r closest peers to its key (this node included)
/// must hold it. Returns what it changed.
pub async fn repair(client: &Client) -> Vec<Repair> {
    let mut done = Vec::new();
    for key in client.with_store(|s| s.keys()) {
        let Ok(mut targets) = client.closest(key).await else { break };
        targets.push(client.local);
        by_distance(&key, &mut targets);
        targets.truncate(client.replication);
        let Some((file, index, data)) =
            client.with_store(|s| s.place(&key).and_then(|(file, index)| Some((file, index, s.get(&key)?))))
        else {
            continue;
        };
        let mut confirmed = 0;
        for peer in targets.iter().filter(|p| **p != client.local) {
            match client.request(*peer, Request::Has { key }).await {
                Ok(Response::Have(true)) => confirmed += 1,
                Ok(Response::Have(false)) => {
                    let store = Request::Store { key, file, index, data: data.clone() };
                    if let Ok(Response::Stored) = client.request(*peer, store).await {
                        confirmed += 1;
                        done.push(Repair::Copied { hash: hex(&key), to: peer.to_string() });
                    }
                }
                _ => {}
            }
        }
        let pinned = client.with_store(|s| s.is_pinned(&key));
        if !targets.contains(&client.local) && confirmed == targets.len() && !pinned {
            client.with_store(|s| s.remove(&key));
            done.push(Repair::HandedOff { hash: hex(&key) });
        }
    }
    done
}
