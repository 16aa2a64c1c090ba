//! The class swarm as separate `netlens swarm node` processes on 127.0.0.1 (always --no-mdns:
//! no multicast leaves this machine from a test): five nodes, each joining through the first,
//! form one swarm — the teacher connected to every student and naming each, every student's
//! routing table holding the teacher and, found through Kademlia, other students —
//! and a node with another class code, or an address where nothing listens, fails to join
//! with a one-line reason and exit 1.

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
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path, name: &str, code: &str, join: Option<&str>) -> Node {
    let state = dir.join(format!("{name}.json"));
    let mut command = Command::new(NETLENS);
    command.args(["swarm", "node", "--no-mdns", "--code", code, "--name", name, "--state-file"]).arg(&state);
    if let Some(addr) = join {
        command.args(["--join", addr]);
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("netlens starts");
    // Read the first line, then keep draining: the node prints an event per line.
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        let _ = tx.send(lines.next().and_then(Result::ok).unwrap_or_default());
        for _ in lines {}
    });
    let addr = rx.recv_timeout(PATIENCE).unwrap_or_default().trim().to_string();
    assert!(addr.starts_with("/ip4/127.0.0.1/tcp/") && addr.contains("/p2p/"), "first line is the address: {addr:?}");
    Node { child, addr, state }
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
    // The teacher never counted it.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(state(&teacher).unwrap()["connected"].as_array().unwrap().len(), 4);

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
