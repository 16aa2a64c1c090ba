//! `netlens swarm node`: one node of the class swarm without a window. It prints its own
//! multiaddr as the first line, then one JSON event per line, and with `--state-file` keeps its
//! state as JSON, rewritten every second. Ctrl-C leaves the swarm.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};

use super::fail;
use crate::swarm::names::clean_name;
use crate::swarm::node::{BOOTSTRAP_EVERY, Node, NodeConfig};
use crate::swarm::{ClassCode, NodeEvent};

#[derive(Subcommand, Debug)]
pub enum SwarmCommand {
    /// Run one node of the class swarm: listen, join, report events as JSON lines.
    Node(NodeArgs),
}

#[derive(Args, Debug)]
pub struct NodeArgs {
    /// Where to listen (loopback or local network only).
    #[arg(long, value_name = "MULTIADDR", default_value = "/ip4/127.0.0.1/tcp/0")]
    pub listen: libp2p::Multiaddr,
    /// A node of the swarm to join through (repeatable), as it printed its address.
    #[arg(long, value_name = "MULTIADDR")]
    pub join: Vec<libp2p::Multiaddr>,
    /// The class code (a new one is made, and printed, when starting a swarm without it).
    #[arg(long)]
    pub code: Option<String>,
    /// The name others see (at most 24 characters).
    #[arg(long, default_value = "anonymous")]
    pub name: String,
    /// Kademlia's bucket size k: small in class so lookups take several rounds.
    #[arg(long, default_value_t = 3)]
    pub bucket_size: usize,
    /// Do not look for the class by mDNS (tests and CI always pass this).
    #[arg(long)]
    pub no_mdns: bool,
    /// Keep the node's state here as JSON, rewritten every second.
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
}

pub fn run(command: SwarmCommand) -> ExitCode {
    match command {
        SwarmCommand::Node(args) => node(args),
    }
}

fn node(args: NodeArgs) -> ExitCode {
    let code = match (&args.code, args.join.is_empty()) {
        (Some(text), _) => match ClassCode::parse(text) {
            Ok(code) => code,
            Err(reason) => return fail(&reason),
        },
        (None, true) => ClassCode::generate(),
        (None, false) => return fail("give the class code (--code) to join a class swarm"),
    };
    let config = NodeConfig {
        listen: args.listen.clone(),
        join: args.join.clone(),
        code,
        name: clean_name(&args.name),
        bucket_size: args.bucket_size,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(serve(config, args.state_file)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => fail(&reason),
    }
}

async fn serve(config: NodeConfig, state_file: Option<PathBuf>) -> Result<(), String> {
    let mut node = Node::start(&config)?;
    let mut announced = false;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut since_bootstrap = Duration::ZERO;
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            event = node.next_event() => {
                let Some(event) = event else { continue };
                let mut lines = Vec::new();
                if let (false, NodeEvent::Listening { addr }) = (announced, &event) {
                    announced = true;
                    // The first line is the address alone, for scripts and for students to copy.
                    lines.push(addr.clone());
                    lines.push(serde_json::json!({ "event": "class_code", "code": config.code.as_str() }).to_string());
                }
                lines.push(serde_json::to_string(&event).unwrap_or_default());
                if emit(&lines).is_err() {
                    // Whoever read our output has gone (`| head -1`): leave quietly.
                    return Ok(());
                }
                if let Some(reason) = node.join_failure() {
                    return Err(format!("could not join the class swarm: {reason}"));
                }
            }
            _ = tick.tick() => {
                since_bootstrap += Duration::from_secs(1);
                if since_bootstrap >= BOOTSTRAP_EVERY {
                    since_bootstrap = Duration::ZERO;
                    node.bootstrap();
                }
                if let Some(path) = &state_file {
                    write_state(path, &node.state())?;
                }
            }
            _ = &mut stop => return Ok(()),
        }
    }
}

/// Prints lines to stdout, flushed, without panicking when nobody reads any more.
fn emit(lines: &[String]) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        writeln!(out, "{line}")?;
    }
    out.flush()
}

/// Rewrites the state file through a temporary file, so a reader never sees half of it.
fn write_state(path: &std::path::Path, state: &crate::swarm::NodeState) -> Result<(), String> {
    let text = serde_json::to_string_pretty(state).unwrap_or_default();
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, text)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| format!("cannot write the state file {}: {e}", path.display()))
}
