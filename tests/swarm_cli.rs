//! The class swarm as separate `netlens swarm node` processes on 127.0.0.1 (always --no-mdns:
//! no multicast leaves this machine from a test): five nodes, each joining through the first,
//! form one swarm — the teacher connected to every student and naming each, every student's
//! routing table holding the teacher and, found through Kademlia, other students —
//! and a node with another class code, or an address where nothing listens, fails to join
//! with a one-line reason and exit 1. A file put into the swarm survives killing two of its
//! holders and downloads with the same hash; the teacher's orders typed on its stdin ban a
//! student and end the session for everyone.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NETLENS: &str = env!("CARGO_BIN_EXE_netlens");
/// A hang guard for a loaded machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(60);

/// A node process, killed when dropped.
struct Node {
    child: Child,
    addr: String,
    state: PathBuf,
    /// Every line it printed after its address: one JSON event each.
    events: std::sync::mpsc::Receiver<String>,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, name: &str, code: &str, join: Option<&str>) -> Node {
    start_with(dir, name, code, join, &[])
}

fn start_with(dir: &Path, name: &str, code: &str, join: Option<&str>, extra: &[&str]) -> Node {
    let state = dir.join(format!("{name}.json"));
    let mut command = Command::new(NETLENS);
    command.args(["swarm", "node", "--no-mdns", "--code", code, "--name", name, "--state-file"]).arg(&state);
    command.args(extra).stdin(Stdio::piped());
    if let Some(addr) = join {
        command.args(["--join", addr]);
    }
    let errors = dir.join(format!("{name}.err"));
    let stderr = std::fs::File::create(&errors).unwrap();
    let mut child = command.stdout(Stdio::piped()).stderr(stderr).spawn().expect("netlens starts");
    // Read the first line, then keep draining: the node prints an event per line.
    let (tx, rx) = std::sync::mpsc::channel();
    let (events_tx, events) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next().and_then(Result::ok).unwrap_or_default());
        for line in lines.map_while(Result::ok) {
            let _ = events_tx.send(line);
        }
    });
    let addr = rx.recv_timeout(PATIENCE).unwrap_or_default().trim().to_string();
    assert!(
        addr.starts_with("/ip4/127.0.0.1/tcp/") && addr.contains("/p2p/"),
        "{name}: first line is the address: {addr:?} ({})",
        std::fs::read_to_string(&errors).unwrap_or_default()
    );
    Node { child, addr, state, events }
}

fn state(node: &Node) -> Option<serde_json::Value> {
    serde_json::from_str(&std::fs::read_to_string(&node.state).ok()?).ok()
}

#[test]
fn five_processes_form_one_swarm_and_a_wrong_code_cannot_join() {
    let dir = tempfile::tempdir().unwrap();
    let teacher = start(dir.path(), "teacher", "CHASE2", None);
    let students: Vec<Node> =
        (1..=4).map(|i| start(dir.path(), &format!("student-{i}"), "chase-2", Some(&teacher.addr))).collect();
    let nodes: Vec<&Node> = std::iter::once(&teacher).chain(&students).collect();
    let deadline = Instant::now() + PATIENCE;
    loop {
        let states: Vec<Option<serde_json::Value>> = nodes.iter().map(|n| state(n)).collect();
        let table = |s: &serde_json::Value| -> usize {
            s["routing_table"]
                .as_array()
                .map_or(0, |b| b.iter().map(|b| b["peers"].as_array().map_or(0, Vec::len)).sum())
        };
        let names = |s: &serde_json::Value| s["names"].as_object().map_or(0, |n| n.len());
        // The teacher knows every student; each student knows the teacher and, through
        // Kademlia, at least one other student (with k = 3 a bucket may not hold them all).
        let formed = states.iter().all(Option::is_some) && {
            let states: Vec<&serde_json::Value> = states.iter().flatten().collect();
            names(states[0]) == 4 && table(states[0]) >= 3 && states[1..].iter().all(|s| table(s) >= 2 && names(s) >= 2)
        };
        if formed {
            let teacher_state = states[0].as_ref().unwrap();
            let names: Vec<&str> =
                teacher_state["names"].as_object().unwrap().values().filter_map(|v| v.as_str()).collect();
            for i in 1..=4 {
                assert!(names.contains(&format!("student-{i}").as_str()), "{names:?}");
            }
            assert_eq!(teacher_state["connected"].as_array().unwrap().len(), 4);
            break;
        }
        assert!(Instant::now() < deadline, "the swarm did not form: {states:#?}");
        std::thread::sleep(Duration::from_millis(200));
    }

    // Another class's code: the private-network handshake fails, and the node says so.
    let out = Command::new(NETLENS)
        .args(["swarm", "node", "--no-mdns", "--code", "QWERTY", "--join", &teacher.addr])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("a different class code"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "one line: {said}");
    // The teacher's side of that handshake: it reports the stranger turned away (an accepted
    // stranger would have been a connection instead), and still counts four students.
    let deadline = Instant::now() + PATIENCE;
    loop {
        match teacher.events.recv_timeout(Duration::from_millis(500)) {
            Ok(line) if line.contains("\"event\":\"incoming_refused\"") => break,
            Ok(_) | Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(e) => panic!("the teacher's output ended: {e}"),
        }
        assert!(Instant::now() < deadline, "the teacher never reported the refused handshake");
    }
    let after = state(&teacher).unwrap();
    assert_eq!(after["connected"].as_array().unwrap().len(), 4);
    assert_eq!(after["names"].as_object().unwrap().len(), 4, "nobody new identified itself");

    // Nothing listening, a bad code, a public listen address: one line, exit 1.
    let unreachable = teacher.addr.replacen(&teacher.addr.split('/').nth(4).unwrap().to_string(), "1", 1);
    for args in [
        vec!["--code", "CHASE2", "--join", unreachable.as_str()],
        vec!["--code", "NO"],
        vec!["--code", "CHASE2", "--listen", "/ip4/8.8.8.8/tcp/0"],
        vec!["--join", teacher.addr.as_str()],
    ] {
        let out = Command::new(NETLENS).args(["swarm", "node", "--no-mdns"]).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.starts_with("netlens: ") && said.trim().lines().count() == 1, "{args:?}: {said}");
    }
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn peer_id(node: &Node) -> String {
    let mut id = String::new();
    wait_for("the node writes its state", || {
        id = state(node).and_then(|s| s["peer_id"].as_str().map(str::to_string)).unwrap_or_default();
        !id.is_empty()
    });
    id
}

/// Which of `nodes` hold the piece `hash`, by their state files.
fn holding<'a>(nodes: &[&'a Node], hash: &str) -> Vec<&'a Node> {
    nodes
        .iter()
        .filter(|n| {
            state(n).is_some_and(|s| {
                s["pieces_held"].as_array().is_some_and(|p| p.iter().any(|p| p["hash"].as_str() == Some(hash)))
            })
        })
        .copied()
        .collect()
}

fn swarm(args: &[&str]) -> std::process::Output {
    Command::new(NETLENS).arg("swarm").args(args).output().unwrap()
}

#[test]
fn a_file_put_survives_killing_two_holders_and_the_teacher_bans_and_ends() {
    let dir = tempfile::tempdir().unwrap();
    let fast = ["--repair-every", "1"];
    let mut teacher = start_with(dir.path(), "teacher", "CHASE2", None, &fast);
    let mut students: Vec<Option<Node>> = (1..=4)
        .map(|i| Some(start_with(dir.path(), &format!("student-{i}"), "CHASE2", Some(&teacher.addr), &fast)))
        .collect();
    wait_for("every student has logged in", || {
        state(&teacher).is_some_and(|s| s["registry"].as_array().is_some_and(|r| r.len() == 4))
    });
    let bytes: Vec<u8> = (0..700_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    let file = dir.path().join("lesson.bin");
    std::fs::write(&file, &bytes).unwrap();
    let put = swarm(&["put", "--join", &teacher.addr, "--code", "CHASE2", file.to_str().unwrap()]);
    assert!(put.status.success(), "{}", String::from_utf8_lossy(&put.stderr));
    let report: serde_json::Value = serde_json::from_slice(&put.stdout).unwrap();
    let file_id = report["file_id"].as_str().unwrap().to_string();
    let sha = report["sha256"].as_str().unwrap().to_string();
    let hashes: Vec<String> =
        report["pieces"].as_array().unwrap().iter().map(|p| p["hash"].as_str().unwrap().to_string()).collect();
    assert_eq!(hashes.len(), 4, "three pieces and the manifest");
    for piece in report["pieces"].as_array().unwrap() {
        assert_eq!(piece["holders"].as_array().unwrap().len(), 3, "{piece}");
    }

    // Kill two students that hold the manifest.
    let everyone = |students: &[Option<Node>], teacher: &Node| -> Vec<String> {
        std::iter::once(teacher).chain(students.iter().flatten()).map(peer_id).collect()
    };
    let before = everyone(&students, &teacher);
    let manifest_holders: Vec<String> = {
        let live: Vec<&Node> = std::iter::once(&teacher).chain(students.iter().flatten()).collect();
        wait_for("the manifest is stored", || holding(&live, &hashes[0]).len() >= 3);
        holding(&live, &hashes[0]).iter().map(|n| peer_id(n)).collect()
    };
    let mut killed = 0;
    for slot in students.iter_mut() {
        if killed < 2 && slot.as_ref().is_some_and(|n| manifest_holders.contains(&peer_id(n))) {
            *slot = None;
            killed += 1;
        }
    }
    assert_eq!(killed, 2, "two students held the manifest: {manifest_holders:?} of {before:?}");
    // Three live nodes, r = 3: every piece is repaired onto all of them.
    wait_for("every piece is back to three copies", || {
        let live: Vec<&Node> = std::iter::once(&teacher).chain(students.iter().flatten()).collect();
        hashes.iter().all(|h| holding(&live, h).len() == 3)
    });
    let out = dir.path().join("fetched.bin");
    let get = swarm(&["get", "--join", &teacher.addr, "--code", "CHASE2", &file_id, "--out", out.to_str().unwrap()]);
    assert!(get.status.success(), "{}", String::from_utf8_lossy(&get.stderr));
    let got: serde_json::Value = serde_json::from_slice(&get.stdout).unwrap();
    assert_eq!(got["sha256"].as_str(), Some(sha.as_str()));
    assert_eq!(std::fs::read(&out).unwrap(), bytes);

    // An unknown id and a wrong code: one line, exit 1.
    let unknown = "ab".repeat(32);
    for args in [
        vec!["get", "--join", &teacher.addr, "--code", "CHASE2", &unknown, "--out", "/dev/null"],
        vec!["put", "--join", &teacher.addr, "--code", "QWERTY", file.to_str().unwrap()],
        vec!["get", "--join", &teacher.addr, "--code", "CHASE2", "not-an-id", "--out", "/dev/null"],
    ] {
        let out = swarm(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.starts_with("netlens: ") && said.trim().lines().count() == 1, "{args:?}: {said}");
    }

    // The teacher bans a student: it is told, and leaves; then the teacher ends the session.
    use std::io::Write;
    let banned = students.iter().flatten().next().map(peer_id).unwrap();
    let stdin = teacher.child.stdin.as_mut().unwrap();
    writeln!(stdin, "ban {banned}").unwrap();
    stdin.flush().unwrap();
    wait_for("the banned student leaves", || {
        students.iter_mut().flatten().any(|n| peer_id(n) == banned && n.child.try_wait().ok().flatten().is_some())
    });
    wait_for("the teacher lists the ban", || {
        state(&teacher).is_some_and(|s| s["banned"].as_array().is_some_and(|b| b.iter().any(|p| p == &banned)))
    });
    let stdin = teacher.child.stdin.as_mut().unwrap();
    writeln!(stdin, "end").unwrap();
    stdin.flush().unwrap();
    wait_for("every student has left", || {
        students.iter_mut().flatten().all(|n| n.child.try_wait().ok().flatten().is_some())
    });
    for student in students.iter_mut().flatten() {
        assert!(student.child.wait().unwrap().success());
    }
}
