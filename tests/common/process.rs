//! `netlens` processes for the multi-process tests: each one's stdout lines arrive on a channel,
//! read as JSON; the process is killed when dropped.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use serde_json::Value;

pub const NETLENS: &str = env!("CARGO_BIN_EXE_netlens");
/// A hang guard for a loaded machine, not a speed check.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct Process {
    pub child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    pub name: String,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `netlens ARGS`, called `name` in failure messages.
pub fn spawn(name: &str, args: &[&str]) -> Process {
    let mut child = Command::new(NETLENS)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlens starts");
    let stdout = child.stdout.take().unwrap();
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    Process { stdin: child.stdin.take(), child, lines, name: name.into() }
}

impl Process {
    /// The next line (as JSON) that `wanted` accepts; the lines before it are passed over.
    pub fn until(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.lines.recv_timeout(left).unwrap_or_else(|_| panic!("{}: no line with {what}", self.name));
            let value: Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("{}: not a JSON line ({e}): {line}", self.name));
            if wanted(&value) {
                return value;
            }
        }
    }

    /// Writes one command line to its stdin.
    pub fn say(&mut self, command: &str) {
        writeln!(self.stdin.as_mut().unwrap(), "{command}").unwrap();
    }

    /// Waits for it to exit (failing the test after `PATIENCE`).
    pub fn exit_status(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "{} did not exit", self.name);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Accepts lines whose `event` is `name`.
pub fn event(name: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v["event"] == name
}
