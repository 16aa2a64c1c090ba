//! `netlens swarm`: the class swarm without a window.
//! - `node` runs one node: it prints its own multiaddr as the first line, then one JSON event per
//!   line, keeps its state as JSON with `--state-file`, and reads orders from stdin (`share FILE`;
//!   on the teacher's node `ban PEER`, `reject-name PEER`, `end`). Ctrl-C leaves the swarm.
//! - `put` shares a file through a short-lived node and prints where every piece went.
//! - `get` fetches a file by its id, checks it, and prints its SHA-256.
//! - `lookup` runs a traced lookup and prints it round by round.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::output::fail;
use crate::swarm::lookup::traced_lookup;
use crate::swarm::pieces::{parse_key, sha256};
use crate::swarm::runner::{self, RunningNode};
use crate::swarm::share;
use crate::swarm::telemetry::Order;
use crate::swarm::{ClassCode, NodeConfig, NodeEvent, NodeState};

/// How long a short-lived node (put, get, lookup) waits to join.
const JOIN_PATIENCE: Duration = Duration::from_secs(20);

#[derive(Subcommand, Debug)]
pub enum SwarmCommand {
    /// Run one node of the class swarm: listen, join, report events as JSON lines.
    Node(NodeArgs),
    /// Share a file: its pieces go to the r closest peers; prints the file id and the holders.
    Put(PutArgs),
    /// Fetch a shared file by its id, check it, and print its SHA-256.
    Get(GetArgs),
    /// Run a traced Kademlia lookup and print it round by round.
    Lookup(LookupArgs),
}

/// How to reach the class: shared by every subcommand.
#[derive(Args, Debug, Clone)]
pub struct ClassArgs {
    /// A node of the swarm to join through (repeatable), as it printed its address.
    #[arg(long, value_name = "MULTIADDR")]
    pub join: Vec<libp2p::Multiaddr>,
    /// The class code (a new one is made, and printed, when starting a swarm without it).
    #[arg(long)]
    pub code: Option<String>,
    /// Kademlia's bucket size k: small in class so lookups take several rounds.
    #[arg(long, default_value_t = 3)]
    pub bucket_size: usize,
    /// How many peers hold each piece.
    #[arg(long, default_value_t = 3)]
    pub replication: usize,
    /// Where to listen (loopback or local network only).
    #[arg(long, value_name = "MULTIADDR", default_value = "/ip4/127.0.0.1/tcp/0")]
    pub listen: libp2p::Multiaddr,
}

#[derive(Args, Debug)]
pub struct NodeArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    /// The name others see (at most 24 characters).
    #[arg(long, default_value = "anonymous")]
    pub name: String,
    /// Do not look for the class by mDNS (tests and CI always pass this).
    #[arg(long)]
    pub no_mdns: bool,
    /// A student without an address to join: find the class by mDNS (needs --code).
    #[arg(long)]
    pub student: bool,
    /// Cap this node's uploads, in KiB per second (to see capacity on a fast network).
    #[arg(long, value_name = "KIB_PER_S")]
    pub upload_limit: Option<u64>,
    /// How often held pieces are checked and copied again, in seconds.
    #[arg(long, default_value_t = 5)]
    pub repair_every: u64,
    /// Keep the node's state here as JSON, rewritten every second.
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct PutArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    /// The file to share.
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct GetArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    /// The file's id, as `put` printed it.
    pub file_id: String,
    /// Where to write the file.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Fetch every piece from this one peer (the teacher alone), not from the holders.
    #[arg(long, value_name = "PEER_ID")]
    pub only_from: Option<libp2p::PeerId>,
}

#[derive(Args, Debug)]
pub struct LookupArgs {
    #[command(flatten)]
    pub class: ClassArgs,
    /// What to look up: a file id, a peer id, or any text (its SHA-256 is the target).
    pub target: String,
}

pub fn run(command: SwarmCommand) -> ExitCode {
    on_node_runtime(|runtime| match command {
        SwarmCommand::Node(args) => runtime.block_on(node(args)),
        SwarmCommand::Put(args) => runtime.block_on(put(args)),
        SwarmCommand::Get(args) => runtime.block_on(get(args)),
        SwarmCommand::Lookup(args) => runtime.block_on(lookup(args)),
    })
}

/// Runs a swarm command's work on a two-thread runtime (as the window's worker does) and turns
/// its result into the exit code, a failure as one line.
pub(super) fn on_node_runtime(work: impl FnOnce(&tokio::runtime::Runtime) -> Result<(), String>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let result = work(&runtime);
    // Pieces and connections go with the runtime; do not wait for stray tasks.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => fail(&reason),
    }
}

/// The node configuration the class arguments describe.
fn config(class: &ClassArgs, name: &str, may_start: bool) -> Result<NodeConfig, String> {
    let code = match (&class.code, class.join.is_empty() && may_start) {
        (Some(text), _) => ClassCode::parse(text)?,
        (None, true) => ClassCode::generate(),
        (None, false) => return Err("give the class code (--code) to join a class swarm".into()),
    };
    let mut config = NodeConfig::new(code, name, class.join.clone());
    config.listen = class.listen.clone();
    config.bucket_size = class.bucket_size;
    config.replication = class.replication.clamp(1, 20);
    Ok(config)
}

async fn node(args: NodeArgs) -> Result<(), String> {
    if args.student && args.no_mdns && args.class.join.is_empty() {
        return Err("a student with --no-mdns needs --join ADDRESS to find the class".into());
    }
    let mut config = config(&args.class, &args.name, !args.student)?;
    config.teacher = args.class.join.is_empty() && !args.student;
    config.mdns = !args.no_mdns;
    config.upload_limit = args.upload_limit.map(|k| k.saturating_mul(1024));
    config.repair_every = Duration::from_secs(args.repair_every.clamp(1, 3600));
    let code = config.code.as_str().to_string();
    let mut running = runner::spawn(config).await?;
    if emit(&[
        running.address.clone(),
        serde_json::json!({ "event": "class_code", "code": code }).to_string(),
        serde_json::to_string(&NodeEvent::Listening { addr: running.address.clone() }).unwrap_or_default(),
    ])
    .is_err()
    {
        return Ok(());
    }
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut orders = stdin_lines();
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            event = running.events.recv() => {
                let Some(event) = event else { return Ok(()) };
                if matches!(event, NodeEvent::Listening { .. }) {
                    continue;
                }
                let ended = matches!(event, NodeEvent::SessionEnded { .. });
                if emit(&[serde_json::to_string(&event).unwrap_or_default()]).is_err() {
                    // Whoever read our output has gone (`| head -1`): leave quietly.
                    return Ok(());
                }
                if let Some(reason) = running.now().join_failure {
                    return Err(format!("could not join the class swarm: {reason}"));
                }
                if ended {
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    return Ok(());
                }
            }
            Some(line) = orders.recv() => {
                if let Some(path) = line.trim().strip_prefix("share ") {
                    share_file(&running, PathBuf::from(path.trim()));
                    continue;
                }
                if let Err(reason) = order(&running, &line) {
                    let _ = emit(&[serde_json::json!({ "event": "error", "reason": reason }).to_string()]);
                }
            }
            _ = tick.tick() => {
                if let Some(reason) = running.now().join_failure {
                    return Err(format!("could not join the class swarm: {reason}"));
                }
                if let Some(path) = &args.state_file {
                    write_state(path, &running.now())?;
                }
            }
            _ = &mut stop => {
                let _ = running.client.leave();
                tokio::time::sleep(Duration::from_millis(400)).await;
                return Ok(());
            }
        }
    }
}

/// Lines typed on stdin, read on a thread of their own (reading blocks).
pub(super) fn stdin_lines() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// `share FILE` typed on a node's stdin: this node shares the file and keeps a whole copy (the
/// teacher seeding a file for the class); prints a `shared` event with the put report.
fn share_file(running: &RunningNode, path: PathBuf) {
    let client = running.client.clone();
    tokio::spawn(async move {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let result = match std::fs::read(&path) {
            Ok(bytes) => share::put(&client, &name, &bytes, true).await,
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        };
        let line = match result {
            Ok(report) => serde_json::json!({ "event": "shared", "report": report }),
            Err(reason) => serde_json::json!({ "event": "error", "reason": reason }),
        };
        let _ = emit(&[line.to_string()]);
    });
}

/// One of the teacher's orders typed on stdin.
fn order(running: &RunningNode, line: &str) -> Result<(), String> {
    let mut words = line.split_whitespace();
    let peer = |w: Option<&str>| -> Result<String, String> {
        let text = w.ok_or("which peer? give its peer id")?;
        text.parse::<libp2p::PeerId>().map(|p| p.to_string()).map_err(|_| format!("{text:?} is not a peer id"))
    };
    let order = match words.next() {
        None => return Ok(()),
        Some("ban") => Order::Ban { peer: peer(words.next())? },
        Some("reject-name") => Order::RejectName { peer: peer(words.next())? },
        Some("end") => Order::End,
        Some("leave") => return running.client.leave(),
        Some(other) => {
            return Err(format!("unknown order {other:?}: share FILE, ban PEER, reject-name PEER, end or leave"));
        }
    };
    if running.now().registry.is_none() {
        return Err("only the teacher's node gives orders".into());
    }
    running.client.order(order)
}

/// A short-lived node that has joined the class, for put, get and lookup.
async fn visitor(class: &ClassArgs) -> Result<RunningNode, String> {
    if class.join.is_empty() {
        return Err("give the address of a node of the class (--join MULTIADDR)".into());
    }
    let mut config = config(class, "visitor", false)?;
    config.teacher = false;
    config.register = false;
    // A visitor leaves at once: it must not take part in repairs.
    config.repair_every = Duration::from_secs(3600);
    let mut running = runner::spawn(config).await?;
    running.joined(JOIN_PATIENCE).await?;
    Ok(running)
}

async fn put(args: PutArgs) -> Result<(), String> {
    let bytes = std::fs::read(&args.file).map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let running = visitor(&args.class).await?;
    let report = share::put(&running.client, &name, &bytes, false).await?;
    let _ = running.client.leave();
    let _ = emit(&[serde_json::to_string_pretty(&report).unwrap_or_default()]);
    Ok(())
}

async fn get(args: GetArgs) -> Result<(), String> {
    let file_id = parse_key(&args.file_id)?;
    let running = visitor(&args.class).await?;
    let (bytes, report) = share::get(&running.client, file_id, args.only_from).await?;
    let _ = running.client.leave();
    let temporary = args.out.with_extension("part");
    std::fs::write(&temporary, &bytes)
        .and_then(|()| std::fs::rename(&temporary, &args.out))
        .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    let _ = emit(&[serde_json::to_string_pretty(&report).unwrap_or_default()]);
    Ok(())
}

async fn lookup(args: LookupArgs) -> Result<(), String> {
    let target = parse_key(&args.target).unwrap_or_else(|_| sha256(args.target.trim().as_bytes()));
    let running = visitor(&args.class).await?;
    let trace = traced_lookup(&running.client, target, args.class.bucket_size.max(1)).await?;
    let _ = running.client.leave();
    let _ = emit(&[serde_json::to_string_pretty(&trace).unwrap_or_default()]);
    Ok(())
}

/// Prints lines to stdout, flushed, without panicking when nobody reads any more.
pub(super) fn emit(lines: &[String]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}

/// Rewrites the state file through a temporary file, so a reader never sees half of it.
fn write_state(path: &std::path::Path, state: &NodeState) -> Result<(), String> {
    let text = serde_json::to_string_pretty(state).unwrap_or_default();
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
}
