//! Drives the real app's class swarm panel with egui_kittest, with real nodes on 127.0.0.1
//! (no mDNS): the teacher starts a class and sees the code, two students join (in-process nodes),
//! the live class and the registry show them, a shared file lists its pieces and holders and
//! downloads with the same hash from the class (and, for a student, from the teacher alone), a file a
//! student shares is listed and downloads with a click (and its stores to the other student are
//! reported to the teacher's graph), a traced lookup is drawn round by round beside
//! the step scene's relay, removing a student bans it, and leaving brings the join form back.

mod common;

use common::ui::run_until;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netlens::app::{AppConfig, NetlensApp};
use netlens::model::swarm::{SwarmIntent, SwarmStatus};
use netlens::swarm::pieces::{hex, sha256};
use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::{ClassCode, NodeConfig, NodeEvent};

/// Whether any widget's label or shown text contains `text`.
fn has_label_containing(harness: &Harness<'static, NetlensApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
        || harness
            .query_all(egui_kittest::kittest::by().predicate(|n| n.value().is_some_and(|v| v.contains(text))))
            .next()
            .is_some()
}

fn student(runtime: &tokio::runtime::Runtime, code: &str, name: &str, join: &str) -> RunningNode {
    let config = NodeConfig::new(ClassCode::parse(code).unwrap(), name, vec![join.parse().unwrap()]);
    runtime.block_on(runner::spawn(config)).unwrap()
}

#[test]
fn a_teacher_starts_a_class_students_join_and_the_panel_shows_the_live_swarm() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut harness =
        Harness::builder().with_size([1400.0, 900.0]).build_eframe(|cc| NetlensApp::new(cc, AppConfig::test()));
    harness.get_by_label("Network").click();
    harness.run_steps(2);
    harness.get_by_label("Class swarm").click();
    harness.run_steps(2);
    assert!(has_label_containing(&harness, "Join the class swarm"), "the join form");
    harness.get_by_label("Start a class (teacher)").click();
    run_until(&mut harness, "the teacher's node runs", |h| h.state().swarm_model().running());
    let (code, address) = {
        let model = harness.state().swarm_model();
        (model.code.clone(), model.address.clone())
    };
    assert_eq!(code.len(), 6);
    assert!(address.starts_with("/ip4/127.0.0.1/tcp/"), "{address}");
    assert!(has_label_containing(&harness, &code), "the class code is shown");

    let students: Vec<RunningNode> =
        (1..=2).map(|i| student(&runtime, &code, &format!("student-{i}"), &address)).collect();
    run_until(&mut harness, "both students are in the registry and the telemetry", |h| {
        let state = &h.state().swarm_model().state;
        state.registry.as_ref().is_some_and(|r| r.len() == 2) && state.class.len() == 3
    });
    harness.get_by_label("Registry").click();
    harness.run_steps(3);
    assert!(has_label_containing(&harness, "student-1"), "the registry names the students");
    harness.get_by_label("Routing table").click();
    harness.run_steps(3);
    assert!(has_label_containing(&harness, "bucket "), "the routing table by bucket");

    // Share a file: the teacher keeps every piece, the class holds copies.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lesson.bin");
    let bytes: Vec<u8> = (0..600_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 9) as u8).collect();
    std::fs::write(&path, &bytes).unwrap();
    harness.state_mut().swarm(SwarmIntent::Share(path));
    run_until(&mut harness, "the file is shared", |h| !h.state().swarm_model().shared.is_empty());
    harness.get_by_label("Files").click();
    run_until(&mut harness, "every piece shows three holders", |h| has_label_containing(h, "piece 2: 3 copies"));
    harness.get_by_label("Download from the class").click();
    run_until(&mut harness, "the download finishes", |h| h.state().swarm_model().downloads.len() == 1);
    let sha = hex(&sha256(&bytes));
    assert_eq!(harness.state().swarm_model().downloads[0].report.sha256, sha);
    // A student downloads from the teacher alone (S20's comparison): every piece from one peer.
    let file_id = netlens::swarm::pieces::parse_key(&harness.state().swarm_model().shared[0].file_id).unwrap();
    let teacher: libp2p::PeerId = harness.state().swarm_model().state.peer_id.parse().unwrap();
    let (_, alone) = runtime.block_on(netlens::swarm::share::get(&students[0].client, file_id, Some(teacher))).unwrap();
    assert_eq!((alone.sha256.as_str(), alone.sources), (sha.as_str(), 1));

    // A student shares a file: the teacher's Files tab lists it, from the telemetry of the peers
    // holding its manifest, and it downloads with a click, no id typed.
    let notes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let put = runtime.block_on(netlens::swarm::share::put(&students[1].client, "notes.bin", &notes, true)).unwrap();
    run_until(&mut harness, "the student's file is listed", |h| has_label_containing(h, "Download notes.bin"));
    // The teacher's graph draws messages between two students: the sharer reports its stores.
    let (sharer, other) = (students[1].client.local.to_string(), students[0].client.local.to_string());
    run_until(&mut harness, "the teacher hears of a store between the students", |h| {
        h.state().swarm_model().recent.iter().any(|seen| match &seen.event {
            NodeEvent::ClassMessages { from, sent } => {
                *from == sharer && sent.iter().any(|m| m.kind == "store" && m.to == other)
            }
            _ => false,
        })
    });
    assert!(has_label_containing(&harness, "Shared in the class (1)"));
    harness.get_by_label("Download notes.bin").click();
    run_until(&mut harness, "the listed file downloads", |h| h.state().swarm_model().downloads.len() == 2);
    let fetched = &harness.state().swarm_model().downloads[1].report;
    assert_eq!(
        (fetched.file_id.as_str(), fetched.sha256.as_str()),
        (put.file_id.as_str(), hex(&sha256(&notes)).as_str())
    );
    harness.run_steps(2);
    assert!(!has_label_containing(&harness, "Download notes.bin"), "once here, it is listed piece by piece instead");

    // A traced lookup, round by round.
    harness.get_by_label("Lookup").click();
    harness.run_steps(2);
    harness.get_by_label("Run lookup").click();
    run_until(&mut harness, "the lookup is drawn", |h| has_label_containing(h, "Round 1:"));
    assert!(has_label_containing(&harness, "traced replay"));
    // Beside it, in the middle, the step scene's relay over a ring as large as the class.
    let rounds = harness.state().swarm_model().lookup.as_ref().unwrap().rounds.len();
    let plural = if rounds == 1 { "" } else { "s" };
    assert!(has_label_containing(&harness, &format!("Kademlia lookup in this class: {rounds} round{plural} for ")));
    assert!(has_label_containing(&harness, "The Routing step scene's relay, "), "the relay is drawn beside the lookup");

    // The teacher removes a student: it is banned for the session and leaves.
    harness.get_by_label("Registry").click();
    harness.run_steps(2);
    harness.query_all_by_label("Remove").next().unwrap().click();
    run_until(&mut harness, "the ban is listed", |h| h.state().swarm_model().state.banned.len() == 1);

    harness.get_by_label("Leave").click();
    run_until(&mut harness, "the join form is back", |h| h.state().swarm_model().status() == SwarmStatus::Off);
    harness.run_steps(2);
    assert!(has_label_containing(&harness, "Start a class (teacher)"));
    drop(students);
    runtime.shutdown_background();
}
