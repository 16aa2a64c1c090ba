//! The live class's part in the peer-to-peer lesson (S21–S24): what the teacher's node does at a
//! step that names a `ClassStep` (a traced lookup, sharing the lesson's file, downloading it back
//! after laptops closed), and the `swarm` document that step's checks read — this laptop's
//! `NodeState` with the facts the captions talk about. The window and `netlens class teach` both
//! use it, so the projector and the headless twin check the same things.

use serde_json::{Value, json};

use super::client::Client;
use super::lookup::{round_bound, traced_lookup};
use super::lookup_trace::LookupTrace;
use super::pieces::{PIECE_SIZE, parse_key, sha256};
use super::share::{self, GetReport, PutReport};
use super::state::NodeState;

/// What the teacher's node last did for the lesson's class steps.
#[derive(Clone, Debug, Default)]
pub struct ClassRecord {
    pub lookup: Option<LookupTrace>,
    pub shared: Option<PutReport>,
    pub download: Option<GetReport>,
}

/// One thing done.
#[derive(Clone, Debug)]
pub enum Done {
    Lookup(LookupTrace),
    Shared(PutReport),
    Downloaded(GetReport),
}

impl ClassRecord {
    pub fn record(&mut self, done: Done) {
        match done {
            Done::Lookup(trace) => self.lookup = Some(trace),
            Done::Shared(report) => {
                // A new file: an older download says nothing about it.
                self.download = None;
                self.shared = Some(report);
            }
            Done::Downloaded(report) => self.download = Some(report),
        }
    }
}

/// What the teacher's lookup at step `step` of `lesson` looks for (text, hashed to a key).
pub fn lookup_target(lesson: &str, step: usize) -> String {
    format!("{lesson} step {}", step + 1)
}

/// The file the teacher shares at a lesson's share step: a little over three pieces of bytes
/// made from `seed`, so every run shares the same file and its hash can be checked.
pub fn lesson_file(seed: u64) -> (String, Vec<u8>) {
    let mut x = seed | 1;
    let bytes = (0..3 * PIECE_SIZE + 1000)
        .map(|_| {
            // xorshift64: the same bytes from the same seed, on every machine.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    (format!("lesson-{seed}.bin"), bytes)
}

/// Shares the lesson's file made from `seed`. No copy stays on the teacher's laptop: the file
/// lives only on the class's.
pub async fn share_lesson_file(client: &Client, seed: u64) -> Result<PutReport, String> {
    let (name, bytes) = lesson_file(seed);
    share::put(client, &name, &bytes, false).await
}

/// The teacher's node's part of a lesson's class step (the lesson's `ClassStep` names it; the
/// swarm layer does not read lessons).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TeacherStep {
    Lookup,
    Share,
    Download,
}

/// Does `step` on the teacher's node; `shared` is the file the lesson shared before (a download
/// fetches that one).
pub async fn teacher_does(
    client: &Client,
    step: TeacherStep,
    target: &str,
    seed: u64,
    bucket_size: usize,
    shared: Option<&PutReport>,
) -> Result<Done, String> {
    match step {
        TeacherStep::Lookup => {
            let trace = traced_lookup(client, sha256(target.as_bytes()), bucket_size).await?;
            Ok(Done::Lookup(trace))
        }
        TeacherStep::Share => Ok(Done::Shared(share_lesson_file(client, seed).await?)),
        TeacherStep::Download => {
            let shared = shared.ok_or("no file was shared yet: the step before shares it")?;
            let (_, report) = share::get(client, parse_key(&shared.file_id)?, None).await?;
            Ok(Done::Downloaded(report))
        }
    }
}

/// The `swarm` document: `state` as `--state-file` keeps it, plus `role`, `table_peers`,
/// `class_size`, `registry_size` (the teacher's node; null on a student's), and what the lesson's
/// class steps did: `lookup` (rounds against ⌈log2 N⌉ + 2), `shared` (each piece's holders) and
/// `download` (whether it matches the shared file's hash).
pub fn document(state: &NodeState, record: &ClassRecord) -> Value {
    let mut doc = serde_json::to_value(state).unwrap_or(Value::Null);
    let table_peers: usize = state.routing_table.iter().map(|b| b.peers.len()).sum();
    let class_size = state.class.len().max(1);
    let lookup = record.lookup.as_ref().map(|trace| {
        let bound = round_bound(class_size);
        json!({
            "target": trace.target,
            "rounds": trace.rounds.len(),
            "round_bound": bound,
            "within_bound": trace.rounds.len() <= bound,
            "found": !trace.closest.is_empty(),
            "closest": trace.closest,
        })
    });
    let shared = record.shared.as_ref().map(|put| {
        json!({
            "file_id": put.file_id,
            "name": put.name,
            "sha256": put.sha256,
            "pieces": put.pieces,
            "teacher_keeps_copy": put.pieces.iter().any(|p| p.holders.contains(&state.peer_id)),
        })
    });
    let download = record.download.as_ref().map(|got| {
        let matches = record.shared.as_ref().is_some_and(|s| s.file_id == got.file_id && s.sha256 == got.sha256);
        json!({
            "file_id": got.file_id,
            "sha256": got.sha256,
            "matches_shared": matches,
            "sources": got.sources,
            "from_teacher": got.pieces.iter().any(|p| p.holders.contains(&state.peer_id)),
        })
    });
    if let Value::Object(map) = &mut doc {
        map.insert("role".into(), json!(if state.registry.is_some() { "teacher" } else { "student" }));
        map.insert("table_peers".into(), json!(table_peers));
        map.insert("class_size".into(), json!(class_size));
        map.insert("registry_size".into(), json!(state.registry.as_ref().map(Vec::len)));
        map.insert("lookup".into(), lookup.unwrap_or(Value::Null));
        map.insert("shared".into(), shared.unwrap_or(Value::Null));
        map.insert("download".into(), download.unwrap_or(Value::Null));
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::swarm::state::{Bucket, Registered};

    #[test]
    fn the_lesson_file_is_the_same_from_the_same_seed_and_spans_four_pieces() {
        let (name, a) = lesson_file(7);
        assert_eq!(name, "lesson-7.bin");
        assert_eq!(a, lesson_file(7).1);
        assert_ne!(a, lesson_file(8).1);
        assert_eq!(a.len().div_ceil(PIECE_SIZE), 4);
    }

    #[test]
    fn the_document_counts_the_table_and_registry_and_compares_the_download_with_the_share() {
        let mut state = NodeState { peer_id: "me".into(), ..NodeState::default() };
        state.routing_table = vec![Bucket { bucket: 250, peers: vec!["a".into(), "b".into()] }];
        state.registry = Some(vec![Registered { peer: "a".into(), name: "ann".into(), addrs: Vec::new() }]);
        let doc = document(&state, &ClassRecord::default());
        assert_eq!(
            (doc["role"].as_str(), &doc["table_peers"], &doc["registry_size"]),
            (Some("teacher"), &json!(2), &json!(1))
        );
        assert!(doc["download"].is_null() && doc["lookup"].is_null());
        let put = PutReport {
            file_id: "f".into(),
            name: "x".into(),
            size: 1,
            sha256: "h".into(),
            replication: 3,
            pieces: Vec::new(),
        };
        let got = |sha: &str| GetReport {
            file_id: "f".into(),
            name: "x".into(),
            size: 1,
            sha256: sha.into(),
            pieces: Vec::new(),
            sources: 2,
            seconds: 0.1,
        };
        let mut record = ClassRecord::default();
        record.record(Done::Shared(put));
        record.record(Done::Downloaded(got("h")));
        assert_eq!(document(&state, &record)["download"]["matches_shared"], true);
        record.record(Done::Downloaded(got("other")));
        assert_eq!(document(&state, &record)["download"]["matches_shared"], false);
    }
}
