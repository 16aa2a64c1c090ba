//! `netlens lesson list` and `netlens lesson check`, as CI and a teacher run them: every built-in
//! lesson's every step reaches its state and passes its checks; a step whose check does not hold
//! fails with the reason; a broken file is refused with its name, line and problem.

use std::process::Command;

use serde_json::Value;

const NETLENS: &str = env!("CARGO_BIN_EXE_netlens");

fn json(args: &[&str]) -> (bool, Value) {
    let out = Command::new(NETLENS).args(args).output().unwrap();
    let value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.success(), value)
}

#[test]
fn lesson_list_names_ids_titles_concepts_and_steps() {
    let (ok, list) = json(&["lesson", "list", "--format", "json"]);
    assert!(ok);
    let lessons = list["lessons"].as_array().unwrap();
    assert!(lessons.len() >= 6);
    let mut concepts = Vec::new();
    for l in lessons {
        for key in ["id", "title", "concepts", "steps"] {
            assert!(l.get(key).is_some(), "{key} in {l}");
        }
        assert!(l["steps"].as_u64().unwrap() >= 3);
        concepts.extend(l["concepts"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()));
    }
    for n in 1..=24 {
        assert!(concepts.contains(&format!("S{n}")), "S{n} is taught");
    }
}

#[test]
fn every_built_in_lesson_passes_its_checks() {
    let (ok, report) = json(&["lesson", "check", "--format", "json"]);
    for lesson in report["lessons"].as_array().unwrap() {
        for step in lesson["steps"].as_array().unwrap() {
            assert_eq!(step["ok"], true, "{} step {}: {step}", lesson["id"], step["step"]);
            assert!(
                !step["checks"].as_array().unwrap().is_empty(),
                "{} step {} checks something",
                lesson["id"],
                step["step"]
            );
        }
    }
    assert!(ok && report["ok"] == true);
}

const LESSON: &str = r#"schema = 1
id = "mine"
title = "My lesson"
group = "tcp-ip"
concepts = ["S8"]

[[steps]]
caption = "The handshake."
do = [{ packets = "handshake" }, { packet = 2 }]
checks = [{ of = "packets", path = "/packets/1/label", equals = "SYN-ACK" }]
"#;

#[test]
fn a_teachers_lesson_file_is_checked_and_a_false_check_fails_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("mine.toml");
    std::fs::write(&good, LESSON).unwrap();
    let (ok, report) = json(&["lesson", "check", good.to_str().unwrap(), "--format", "json"]);
    assert!(ok, "{report}");
    assert_eq!(report["lessons"][0]["id"], "mine");

    let wrong = dir.path().join("wrong.toml");
    std::fs::write(&wrong, LESSON.replace("equals = \"SYN-ACK\"", "equals = \"FIN\"")).unwrap();
    let (ok, report) = json(&["lesson", "check", wrong.to_str().unwrap(), "--format", "json"]);
    assert!(!ok, "a check that does not hold fails the run");
    let check = &report["lessons"][0]["steps"][0]["checks"][0];
    assert_eq!(check["ok"], false);
    assert!(check["why"].as_str().unwrap().contains("\"SYN-ACK\""), "it says what it found: {check}");
}

#[test]
fn a_broken_lesson_file_is_refused_in_one_line_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, LESSON.replace("{ packet = 2 }", "{ packet = 2, colour = \"red\" }")).unwrap();
    let out = Command::new(NETLENS).args(["lesson", "check", broken.to_str().unwrap()]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("broken.toml:9: packet takes no \"colour\""), "{stderr}");
}

#[test]
fn the_readme_example_lesson_passes_its_checks() {
    let readme = include_str!("../README.md");
    let start = readme.find("schema = 1\nid = \"lost-packet\"").expect("the README's example lesson");
    let end = start + readme[start..].find("```").expect("its closing fence");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lost-packet.toml");
    std::fs::write(&path, &readme[start..end]).unwrap();
    let (ok, report) = json(&["lesson", "check", path.to_str().unwrap(), "--format", "json"]);
    assert!(ok, "{report:#}");
    let steps = report[0]["steps"].as_array().or_else(|| report["lessons"][0]["steps"].as_array());
    assert_eq!(steps.map(Vec::len), Some(2), "{report:#}");
}
