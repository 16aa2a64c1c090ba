//! The class follows the teacher as separate processes on 127.0.0.1: `netlens class teach` and
//! five `netlens class follow --answer K`. The teacher's `next` moves every follower to the same
//! step (the followers print the very line the teacher prints); on a question the tally equals
//! the answers given, a second round counts again, `reveal` closes the question, and `end` ends
//! every follower. A follower with the wrong class code fails to join with a one-line reason and
//! exit 1, and changes nothing.

mod common;

use std::process::Command;

use common::process::{NETLENS, Process, event, spawn};
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
