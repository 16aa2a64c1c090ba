//! The class follows the teacher as separate processes on 127.0.0.1: `netlens class teach` and
//! five `netlens class follow --answer K`. The teacher's `next` moves every follower to the same
//! step (the followers print the very line the teacher prints); on a question the tally equals
//! the answers given, a second round counts again, `reveal` closes the question, and `end` ends
//! every follower. A follower with the wrong class code fails to join with a one-line reason and
//! exit 1, and changes nothing; so does a lesson step signed by a laptop that is not the teacher.

mod common;

use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::process::{NETLENS, Process, event, spawn};
use netlens::swarm::follow::LessonPosition;
use netlens::swarm::runner;
use netlens::swarm::{ClassCode, NodeConfig};
use serde_json::Value;

const FOLLOWERS: usize = 5;

#[test]
fn five_follower_processes_follow_vote_in_two_rounds_and_a_wrong_code_changes_nothing() {
    // The first built-in lesson whose question has three or more choices.
    let lesson = netlens::lesson::builtin::all()
        .unwrap()
        .into_iter()
        .find(|l| l.steps.iter().any(|s| s.question.as_ref().is_some_and(|q| q.choices.len() >= 3)))
        .unwrap();
    let mut teacher = spawn("teacher", &["class", "teach", &lesson.id, "--code", "TEACH2"]);
    let listening = teacher.until("its address", event("listening"));
    let addr = listening["addr"].as_str().unwrap().to_string();
    assert_eq!(listening["code"], "TEACH2");
    let first = teacher.until("the first step", event("step"));
    assert_eq!(first["step"], 1);

    let followers: Vec<Process> = (0..FOLLOWERS)
        .map(|i| {
            let answer = (i % 3 + 1).to_string();
            let name = format!("s{i}");
            spawn(
                &name,
                &["class", "follow", "--join", &addr, "--code", "teach-2", "--name", &name, "--answer", &answer],
            )
        })
        .collect();
    for f in &followers {
        assert_eq!(f.until("the first step", event("step")), first, "{} lands on the step shown", f.name);
    }
    for _ in 0..FOLLOWERS {
        teacher.until("a student logging in", event("logged_in"));
    }

    // A stranger with another code cannot join, and says so in one line.
    let stranger = Command::new(NETLENS)
        .args(["class", "follow", "--join", &addr, "--code", "WRQNG2", "--answer", "1"])
        .output()
        .unwrap();
    assert_eq!(stranger.status.code(), Some(1));
    let said = String::from_utf8_lossy(&stranger.stderr);
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    assert!(said.contains("could not join"), "{said}");

    // `next` until the question: every follower shows the teacher's line.
    let question = loop {
        teacher.say("next");
        let step = teacher.until("a step", event("step"));
        for f in &followers {
            assert_eq!(f.until("the teacher's step", event("step")), step, "{} follows", f.name);
        }
        if step["asking"] == true && step["choices"].as_array().is_some_and(|c| c.len() >= 3) {
            break step;
        }
    };
    let choices = question["choices"].as_array().unwrap().len();
    let mut expected = vec![0u64; choices];
    (0..FOLLOWERS).for_each(|i| expected[i % 3] += 1);
    let full = |round: u64| move |v: &Value| v["event"] == "tally" && v["round"] == round && v["answered"] == FOLLOWERS;
    let tally = teacher.until("every answer counted", full(1));
    assert_eq!(tally["counts"], serde_json::json!(expected));
    assert_eq!(tally["question"], question["question"]);

    // A second round counts again, from nothing.
    teacher.say("round");
    let closed = teacher.until("round 1's final count", event("tally"));
    assert_eq!((closed["round"].as_u64(), closed["counts"].clone()), (Some(1), serde_json::json!(expected)));
    let second = teacher.until("round 2's step", event("step"));
    assert_eq!(second["round"], 2);
    for f in &followers {
        assert_eq!(f.until("round 2", event("step")), second, "{} is asked again", f.name);
    }
    let tally = teacher.until("round 2's answers counted", full(2));
    assert_eq!(tally["counts"], serde_json::json!(expected));

    teacher.say("reveal");
    let revealed = teacher.until("the revealed step", event("step"));
    assert_eq!(revealed["asking"], false);
    for f in &followers {
        assert_eq!(f.until("the revealed step", event("step")), revealed);
    }

    teacher.say("end");
    for mut f in followers {
        f.until("the session's end", event("session_ended"));
        let status = f.exit_status();
        assert!(status.success(), "{}: {status}", f.name);
    }
}

/// A laptop in the class that claims to be a teacher: its node (here, in the test's own process)
/// signs lesson steps of its own and publishes them until a follower process says it refused one.
/// The followers' next step is the real teacher's next, as if nothing had been sent.
#[test]
fn follower_processes_refuse_a_lesson_step_signed_by_another_laptop() {
    let lesson = netlens::lesson::builtin::all().unwrap().into_iter().find(|l| l.steps.len() >= 3).unwrap();
    let mut teacher = spawn("teacher", &["class", "teach", &lesson.id, "--code", "FQRGE2"]);
    let addr = teacher.until("its address", event("listening"))["addr"].as_str().unwrap().to_string();
    let first = teacher.until("the first step", event("step"));
    let followers: Vec<Process> = (0..2)
        .map(|i| {
            let name = format!("s{i}");
            spawn(&name, &["class", "follow", "--join", &addr, "--code", "FQRGE2", "--name", &name])
        })
        .collect();
    for f in &followers {
        assert_eq!(f.until("the first step", event("step")), first, "{} lands on the step shown", f.name);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut config = NodeConfig::new(ClassCode::parse("FQRGE2").unwrap(), "forger", vec![addr.parse().unwrap()]);
    config.teacher = true;
    let forger = runtime.block_on(runner::spawn(config)).unwrap();
    let forged = LessonPosition {
        lesson: lesson.id.clone(),
        step: lesson.steps.len() - 1,
        steps: lesson.steps.len(),
        asking: false,
        seed: 1,
        round: 1,
        choices: 0,
        seq: 1_000_000,
    };
    let forger_id = forger.client.local.to_string();
    let publishing = Arc::new(AtomicBool::new(true));
    let (client, still) = (forger.client.clone(), publishing.clone());
    runtime.spawn(async move {
        while still.load(Ordering::SeqCst) {
            let _ = client.teach(forged.clone());
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    });
    for f in &followers {
        let refused = f.until("the forged step refused", |v| v["event"] == "order_refused" && v["peer"] == forger_id);
        assert!(refused["reason"].as_str().unwrap().contains("not signed by the teacher"), "{refused}");
    }
    publishing.store(false, Ordering::SeqCst);

    teacher.say("next");
    let second = teacher.until("the second step", event("step"));
    assert_eq!(second["step"], 2);
    for f in &followers {
        assert_eq!(f.until("the teacher's next step", event("step")), second, "{} never took the forged step", f.name);
    }
    drop(forger);
    runtime.shutdown_background();
}
