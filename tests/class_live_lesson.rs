//! The peer-to-peer lesson's steps on the real class, as separate processes on 127.0.0.1:
//! `netlens class teach peers` and eight `netlens class follow`. At each step the class does, the
//! teacher's `checks` line (the step's `swarm` checks run on its node) must come out passed:
//! its own routing table (S21), a traced lookup within ⌈log2 N⌉ + 2 rounds (S22), the registry
//! emptied while every student logs out and stays in the class (S23), a shared file whose
//! pieces sit on three laptops each, and which still downloads, whole, after three laptops that
//! held pieces were closed (S24). Without a class the same steps' swarm checks are not run
//! (`lesson check`), and the step says the scene stands in.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::process::{Process, event, spawn};
use serde_json::Value;

const FOLLOWERS: usize = 8;

/// The class step each step of the lesson does (1-based), from the lesson file itself.
fn class_steps() -> HashMap<u64, &'static str> {
    let lesson = netlens::lesson::builtin::find("peers").unwrap();
    (0..lesson.steps.len()).filter_map(|i| Some((i as u64 + 1, lesson.class_step(i)?.name()))).collect()
}

/// Says `next` until the teacher shows a step (not its question) that `wanted` accepts; every
/// follower shows the same line.
fn next_until(teacher: &mut Process, followers: &[&Process], wanted: impl Fn(&Value) -> bool) -> Value {
    loop {
        teacher.say("next");
        let step = teacher.until("a step", event("step"));
        for f in followers {
            assert_eq!(f.until("the teacher's step", event("step")), step, "{} follows", f.name);
        }
        if wanted(&step) {
            return step;
        }
    }
}

/// The teacher's checks line for `step` once all its swarm checks pass (failing after PATIENCE
/// with the last line it printed).
fn passed(teacher: &Process, step: &Value) -> Value {
    teacher.until(&format!("step {}'s swarm checks passing", step["step"]), |v| {
        v["event"] == "checks" && v["step"] == step["step"] && v["passed"] == true
    })
}

#[test]
fn the_peers_lesson_runs_on_a_class_of_eight_processes_and_its_swarm_checks_pass() {
    let class_steps = class_steps();
    let step_doing = |what: &str| *class_steps.iter().find(|(_, w)| **w == what).unwrap().0;
    let mut teacher = spawn("teacher", &["class", "teach", "peers", "--code", "PEERS2"]);
    let addr = teacher.until("its address", event("listening"))["addr"].as_str().unwrap().to_string();
    let mut followers: Vec<Process> = (0..FOLLOWERS)
        .map(|i| {
            let name = format!("s{i}");
            spawn(&name, &["class", "follow", "--join", &addr, "--code", "PEERS2", "--name", &name, "--answer", "2"])
        })
        .collect();
    let ids: Vec<String> =
        followers.iter().map(|f| f.until("joining", event("joined"))["peer"].as_str().unwrap().to_string()).collect();
    for _ in 0..FOLLOWERS {
        teacher.until("a student logging in", event("logged_in"));
    }

    // S21: each laptop's own routing table.
    let all: Vec<&Process> = followers.iter().collect();
    let at = |n: u64| move |v: &Value| v["step"] == n && v["asking"] == false;
    let table = next_until(&mut teacher, &all, at(step_doing("table")));
    let checks = passed(&teacher, &table);
    assert_eq!(checks["checks"].as_array().unwrap().len(), 2, "{checks}");

    // S22: the teacher's traced lookup, round by round.
    let lookup = next_until(&mut teacher, &all, at(step_doing("lookup")));
    let done = teacher.until("the lookup", event("class_done"));
    assert_eq!(done["ok"], true, "{done}");
    let rounds = done["did"]["lookup"]["rounds"].as_array().unwrap().len();
    assert!((1..=6).contains(&rounds), "⌈log2 9⌉ + 2 = 6 rounds at most: {rounds}");
    passed(&teacher, &lookup);

    // S23: everyone logs out; the registry empties while the class stays.
    let log_out = next_until(&mut teacher, &all, at(step_doing("log-out")));
    for f in &followers {
        f.until("logging out", event("logged_out"));
    }
    for _ in 0..FOLLOWERS {
        teacher.until("a student logging out", event("logged_out"));
    }
    passed(&teacher, &log_out);
    // The next step logs them back in.
    next_until(&mut teacher, &all, |_| true);
    for f in &followers {
        f.until("logging back in", event("logging_in"));
    }
    for _ in 0..FOLLOWERS {
        teacher.until("a student logging back in", event("logged_in"));
    }

    // S24: the teacher shares a file; every piece on three laptops, none on the teacher's.
    let share = next_until(&mut teacher, &all, at(step_doing("share")));
    let done = teacher.until("the share", event("class_done"));
    assert_eq!(done["ok"], true, "{done}");
    passed(&teacher, &share);
    let pieces: Vec<BTreeSet<String>> = done["did"]["shared"]["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["holders"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_string()).collect())
        .collect();
    // Three laptops that held pieces close — never all three copies of one piece.
    let mut closing: BTreeSet<String> = BTreeSet::new();
    for holder in pieces.iter().flatten() {
        let mut with = closing.clone();
        with.insert(holder.clone());
        if closing.len() < 3 && pieces.iter().all(|p| !p.is_subset(&with)) {
            closing = with;
        }
    }
    assert_eq!(closing.len(), 3, "three laptops that held pieces: {pieces:?}");

    // Three laptops close; the question is asked of the five still open.
    followers.retain(|f| !closing.contains(&ids[f.name[1..].parse::<usize>().unwrap()]));
    assert_eq!(followers.len(), FOLLOWERS - 3);
    let open: Vec<&Process> = followers.iter().collect();
    let download = step_doing("download");
    let asked = next_until(&mut teacher, &open, |v| v["step"] == download && v["asking"] == true);
    assert!(asked["question"].as_str().unwrap().contains("close your laptops"), "{asked}");
    teacher.until("the open laptops' answers", |v| v["event"] == "tally" && v["answered"] == 5);

    // Revealed: the round's final count is the five open laptops', and the teacher downloads the
    // file from them.
    teacher.say("reveal");
    let closed = teacher.until("the round's final count", event("tally"));
    assert_eq!((&closed["answered"], &closed["counts"]), (&serde_json::json!(5), &serde_json::json!([0, 5])));
    let shown = teacher.until("the revealed step", event("step"));
    for f in &open {
        assert_eq!(f.until("the revealed step", event("step")), shown);
    }
    let done = teacher.until("the download", event("class_done"));
    assert_eq!(done["ok"], true, "{done}");
    let sources: BTreeSet<&str> = done["did"]["downloaded"]["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["holders"][0].as_str().unwrap())
        .collect();
    assert!(sources.iter().all(|s| !closing.contains(*s)), "no piece came from a closed laptop: {sources:?}");
    passed(&teacher, &shown);
    teacher.say("end");
    for mut f in followers {
        f.until("the session's end", event("session_ended"));
        assert!(f.exit_status().success(), "{}", f.name);
    }
}

#[test]
fn without_a_class_the_swarm_checks_are_not_run_and_the_scene_checks_pass() {
    let out = std::process::Command::new(common::process::NETLENS)
        .args(["lesson", "check", "peers", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps = report["lessons"][0]["steps"].as_array().unwrap();
    let mut not_run = 0;
    for (i, step) in steps.iter().enumerate() {
        let swarm = class_steps().contains_key(&(i as u64 + 1));
        for check in step["checks"].as_array().unwrap() {
            if check["check"].as_str().unwrap().starts_with("swarm ") {
                assert!(swarm, "a swarm check in step {}", i + 1);
                assert_eq!(check["ok"], Value::Null, "{check}");
                assert_eq!(check["not_run"], netlens::lesson::check::NO_CLASS_SWARM);
                not_run += 1;
            } else {
                assert_eq!(check["ok"], true, "step {}: {check}", i + 1);
            }
        }
    }
    assert_eq!(class_steps().len(), 5, "table, lookup, log-out, share, download");
    assert!(not_run >= 10, "{not_run}");
}
