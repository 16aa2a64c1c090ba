//! Files as pieces: a shared file is cut into pieces of at most `PIECE_SIZE` bytes, each named by
//! its SHA-256, and described by a manifest (itself stored like a piece, so the file's id is the
//! manifest's hash). `PieceStore` keeps the pieces a node holds on disk under netlens's cache
//! directory, in files whose names it makes up itself, and removes them when the node stops.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::wire::{Key, MAX_PIECE};

/// How big a piece is: a few megabytes of lesson file make a dozen pieces.
pub const PIECE_SIZE: usize = MAX_PIECE;
/// The most pieces one file may have (128 MiB).
pub const MAX_PIECES: usize = 512;
/// The `index` that marks a file's manifest rather than one of its pieces.
pub const MANIFEST: u32 = u32::MAX;
/// What one node keeps for the whole class, and for any one peer.
pub const STORE_LIMIT: u64 = 512 * 1024 * 1024;
pub const PER_PEER_LIMIT: u64 = 192 * 1024 * 1024;

pub fn sha256(bytes: &[u8]) -> Key {
    Sha256::digest(bytes).into()
}

pub fn hex(key: &Key) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// A key from 64 hex digits.
pub fn parse_key(text: &str) -> Result<Key, String> {
    let text = text.trim();
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("{:?} is not a file id (64 hex digits)", text.chars().take(80).collect::<String>()));
    }
    let mut key = [0; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    Ok(key)
}

/// What a file is made of: enough to fetch every piece and check the whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    pub size: u64,
    pub sha256: String,
    pub piece_size: usize,
    pub pieces: Vec<String>,
}

impl Manifest {
    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a manifest a peer sent, checking that its numbers agree.
    pub fn from_bytes(bytes: &[u8]) -> Result<Manifest, String> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|e| format!("a malformed manifest: {e}"))?;
        let expected = manifest.size.div_ceil(manifest.piece_size.max(1) as u64);
        if manifest.piece_size == 0 || manifest.piece_size > MAX_PIECE {
            return Err(format!("a manifest with {}-byte pieces", manifest.piece_size));
        }
        if manifest.pieces.len() > MAX_PIECES || manifest.pieces.len() as u64 != expected {
            return Err(format!("a manifest of {} bytes with {} pieces", manifest.size, manifest.pieces.len()));
        }
        parse_key(&manifest.sha256)?;
        for piece in &manifest.pieces {
            parse_key(piece)?;
        }
        Ok(manifest)
    }

    pub fn piece_keys(&self) -> Vec<Key> {
        self.pieces.iter().filter_map(|p| parse_key(p).ok()).collect()
    }
}

/// A file cut into pieces, ready to share.
pub struct SplitFile {
    pub manifest: Manifest,
    pub manifest_bytes: Vec<u8>,
    /// The file's id: the manifest's hash.
    pub id: Key,
    pub pieces: Vec<(Key, Vec<u8>)>,
}

pub fn split(name: &str, bytes: &[u8]) -> Result<SplitFile, String> {
    let pieces: Vec<(Key, Vec<u8>)> = bytes.chunks(PIECE_SIZE).map(|c| (sha256(c), c.to_vec())).collect();
    if pieces.len() > MAX_PIECES {
        return Err(format!(
            "the file has {} bytes; a class swarm shares at most {} MiB",
            bytes.len(),
            MAX_PIECES * PIECE_SIZE / (1024 * 1024)
        ));
    }
    let manifest = Manifest {
        name: super::names::clean_name(name),
        size: bytes.len() as u64,
        sha256: hex(&sha256(bytes)),
        piece_size: PIECE_SIZE,
        pieces: pieces.iter().map(|(k, _)| hex(k)).collect(),
    };
    let manifest_bytes = manifest.to_bytes();
    Ok(SplitFile { id: sha256(&manifest_bytes), manifest, manifest_bytes, pieces })
}

/// A piece this node holds, as the state file lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PieceHeld {
    pub file: String,
    /// The piece's index within the file; None for the file's manifest.
    pub piece: Option<u32>,
    pub hash: String,
    pub bytes: usize,
}

struct Held {
    path: PathBuf,
    len: usize,
    file: Key,
    index: u32,
    from: String,
}

/// The pieces a node holds, on disk under generated names, removed when the store is dropped.
pub struct PieceStore {
    dir: PathBuf,
    held: HashMap<Key, Held>,
    next_name: u64,
    total: u64,
    by_peer: HashMap<String, u64>,
}

/// Where netlens keeps a running node's pieces: `$NETLENS_CACHE_DIR`, else the user's cache.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("NETLENS_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("netlens")
}

impl PieceStore {
    /// A fresh, empty directory for this node's pieces.
    pub fn open(owner: &str) -> Result<PieceStore, String> {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let short: String = owner.chars().rev().take(8).collect();
        let dir = cache_root().join("swarm").join(format!("{}-{}-{stamp}", std::process::id(), short));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make the piece cache {}: {e}", dir.display()))?;
        Ok(PieceStore { dir, held: HashMap::new(), next_name: 0, total: 0, by_peer: HashMap::new() })
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.dir
    }

    pub fn has(&self, key: &Key) -> bool {
        self.held.contains_key(key)
    }

    /// Keeps a piece `from` a peer (or "self"). It must hash to its key; limits are per peer.
    pub fn put(&mut self, key: Key, file: Key, index: u32, data: &[u8], from: &str) -> Result<bool, String> {
        if self.held.contains_key(&key) {
            return Ok(false);
        }
        if data.len() > MAX_PIECE {
            return Err("the piece is too big".into());
        }
        if sha256(data) != key {
            return Err("the piece does not match its hash".into());
        }
        let len = data.len() as u64;
        let from_peer = self.by_peer.get(from).copied().unwrap_or(0);
        if self.total + len > STORE_LIMIT || (from != "self" && from_peer + len > PER_PEER_LIMIT) {
            return Err("this node's piece store is full".into());
        }
        let path = self.dir.join(format!("piece-{:06}", self.next_name));
        self.next_name += 1;
        std::fs::write(&path, data).map_err(|e| format!("cannot store the piece: {e}"))?;
        self.total += len;
        *self.by_peer.entry(from.to_string()).or_default() += len;
        self.held.insert(key, Held { path, len: data.len(), file, index, from: from.to_string() });
        Ok(true)
    }

    /// A held piece's bytes, checked against its key (a damaged file is dropped, not served).
    pub fn get(&mut self, key: &Key) -> Option<Vec<u8>> {
        let data = std::fs::read(&self.held.get(key)?.path).ok();
        match data {
            Some(data) if sha256(&data) == *key => Some(data),
            _ => {
                self.remove(key);
                None
            }
        }
    }

    pub fn remove(&mut self, key: &Key) {
        if let Some(held) = self.held.remove(key) {
            let _ = std::fs::remove_file(&held.path);
            self.total -= held.len as u64;
            if let Some(n) = self.by_peer.get_mut(&held.from) {
                *n = n.saturating_sub(held.len as u64);
            }
        }
    }

    /// How many pieces are held.
    pub fn len(&self) -> usize {
        self.held.len()
    }

    pub fn is_empty(&self) -> bool {
        self.held.is_empty()
    }

    pub fn keys(&self) -> Vec<Key> {
        let mut keys: Vec<Key> = self.held.keys().copied().collect();
        keys.sort();
        keys
    }

    /// The manifests held (one per file), in key order.
    pub fn manifests(&self) -> Vec<Key> {
        let mut keys: Vec<Key> = self.held.iter().filter(|(_, h)| h.index == MANIFEST).map(|(k, _)| *k).collect();
        keys.sort();
        keys
    }

    /// Pieces this node shared itself: it keeps them, whoever else holds them.
    pub fn is_pinned(&self, key: &Key) -> bool {
        self.held.get(key).is_some_and(|h| h.from == "self")
    }

    /// The file and index a held piece belongs to.
    pub fn place(&self, key: &Key) -> Option<(Key, u32)> {
        self.held.get(key).map(|h| (h.file, h.index))
    }

    pub fn held(&self) -> Vec<PieceHeld> {
        let mut held: Vec<PieceHeld> = self
            .held
            .iter()
            .map(|(key, h)| PieceHeld {
                file: hex(&h.file),
                piece: (h.index != MANIFEST).then_some(h.index),
                hash: hex(key),
                bytes: h.len,
            })
            .collect();
        held.sort_by(|a, b| (&a.file, a.piece).cmp(&(&b.file, b.piece)));
        held
    }
}

impl Drop for PieceStore {
    fn drop(&mut self) {
        // Students' caches are cleared on exit.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_splits_into_hashed_pieces_and_a_manifest_that_reads_back() {
        let bytes: Vec<u8> = (0..(PIECE_SIZE * 2 + 10)).map(|i| (i % 251) as u8).collect();
        let split = split("notes.txt", &bytes).unwrap();
        assert_eq!(split.pieces.len(), 3);
        assert_eq!(split.pieces[2].1.len(), 10);
        assert_eq!(split.id, sha256(&split.manifest_bytes));
        assert_eq!(Manifest::from_bytes(&split.manifest_bytes).unwrap(), split.manifest);
        let mut lying = split.manifest.clone();
        lying.size = 1;
        assert!(Manifest::from_bytes(&lying.to_bytes()).is_err());
        assert!(Manifest::from_bytes(b"{\"name\":1}").is_err());
    }

    #[test]
    fn the_store_checks_hashes_and_clears_itself() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = PieceStore {
            dir: dir.path().join("s"),
            held: HashMap::new(),
            next_name: 0,
            total: 0,
            by_peer: HashMap::new(),
        };
        std::fs::create_dir_all(store.dir()).unwrap();
        let data = b"hello".to_vec();
        assert!(store.put([0; 32], [0; 32], 0, &data, "p").is_err(), "a wrong hash is refused");
        assert_eq!(store.put(sha256(&data), [1; 32], 0, &data, "p"), Ok(true));
        assert_eq!(store.put(sha256(&data), [1; 32], 0, &data, "p"), Ok(false));
        assert_eq!(store.get(&sha256(&data)), Some(data));
        assert_eq!(store.held().len(), 1);
        let path = store.dir().to_path_buf();
        drop(store);
        assert!(!path.exists());
    }
}
