//! `netlens scene run NAME`: runs a Network scene headless with timed actions, and prints its
//! event log and final state — in step mode (deterministic, virtual time) or with `--live` over
//! real loopback sockets for some seconds of wall time, printing each node's listener first.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};
use serde_json::json;

use super::output::{Format, fail};
use crate::net::live::scene_runner::LiveConfig;
use crate::net::live::scene_runner::handle::LiveHandle;
use crate::netsim::{self, Action, NetScene, SceneKind};
use crate::worker_api::live::LiveUpdate;

#[derive(Subcommand, Debug)]
pub enum SceneCommand {
    /// Run a Network scene in step mode and print its event log and final state.
    Run(RunArgs),
    /// List the Network scenes.
    List,
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// client-server, modularity, capacity, overlay, routing, supernodes or replicated-storage.
    pub name: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Clients (client-server, modularity) or peers (the others).
    #[arg(long)]
    pub nodes: Option<usize>,
    /// Stop after this many events.
    #[arg(long, default_value_t = 1_000_000)]
    pub steps: u64,
    /// Stop at this virtual time, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 5_000)]
    pub until_ms: u64,
    /// At time T (microseconds; virtual, or since the start with --live), do ACTION:
    /// kill:NODE, restart:NODE or clients:N.
    #[arg(long = "at", value_name = "T:ACTION")]
    pub at: Vec<String>,
    /// Run over real TCP sockets on 127.0.0.1, in real time.
    #[arg(long)]
    pub live: bool,
    /// With --live: how long to run, in seconds.
    #[arg(long, default_value_t = 5.0)]
    pub seconds: f64,
    /// Save the graph as it stands at the end (nodes, links, messages in flight) as SVG.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<std::path::PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

fn parse_at(text: &str) -> Result<(u64, Action), String> {
    let (t, action) =
        text.split_once(':').ok_or_else(|| format!("{text:?}: expected T:ACTION, e.g. 500000:kill:server"))?;
    let t = t.parse().map_err(|_| format!("{text:?}: {t:?} is not a time in microseconds"))?;
    Ok((t, Action::parse(action)?))
}

pub fn run(command: SceneCommand) -> ExitCode {
    match command {
        SceneCommand::List => {
            let mut out = String::new();
            for kind in SceneKind::ALL {
                out.push_str(&format!("{:<20} {}\n", kind.name(), kind.title()));
            }
            super::output::print_or_fail(&out)
        }
        SceneCommand::Run(args) => match run_scene(&args) {
            Ok(out) => super::output::print_or_fail(&out),
            Err(reason) => fail(&reason),
        },
    }
}

fn run_scene(args: &RunArgs) -> Result<String, String> {
    let actions = args.at.iter().map(|a| parse_at(a)).collect::<Result<Vec<_>, _>>()?;
    let scene = netsim::create(&args.name, args.seed, args.nodes)?;
    let (scene, processed) = if args.live {
        run_live(scene, &actions, args.seconds)?
    } else {
        let mut scene = scene;
        let processed = netsim::run(scene.as_mut(), &actions, args.steps, args.until_ms.saturating_mul(1000))?;
        (scene, processed)
    };
    if let Some(path) = &args.svg {
        let drawing = crate::ui::render::graph_of_scene(scene.as_ref(), egui::vec2(720.0, 720.0), false);
        super::output::write_file(path, drawing.svg().as_bytes())?;
    }
    Ok(report(args, scene.as_ref(), processed))
}

/// Runs the scene live for `seconds`, doing each action at its time, printing every node's
/// listener as it opens. Returns the scene and the number of log lines it wrote.
fn run_live(
    scene: Box<dyn NetScene>,
    actions: &[(u64, Action)],
    seconds: f64,
) -> Result<(Box<dyn NetScene>, u64), String> {
    if !(seconds.is_finite() && (0.1..=86_400.0).contains(&seconds)) {
        return Err("--seconds must be between 0.1 and 86400".into());
    }
    let handle =
        LiveHandle::start(scene, LiveConfig::default()).map_err(|e| format!("live mode could not start: {e}"))?;
    let start = Instant::now();
    let end = Duration::from_secs_f64(seconds);
    let mut actions: Vec<&(u64, Action)> = actions.iter().collect();
    actions.sort_by_key(|(t, _)| *t);
    let mut actions = actions.into_iter().peekable();
    let mut stdout = std::io::stdout();
    while start.elapsed() < end {
        while let Some((_, action)) = actions.next_if(|(t, _)| Duration::from_micros(*t) <= start.elapsed()) {
            handle.act(action.clone());
        }
        let next_action = actions.peek().map_or(end, |(t, _)| Duration::from_micros(*t).min(end));
        let wait =
            next_action.saturating_sub(start.elapsed()).clamp(Duration::from_millis(1), Duration::from_millis(100));
        match handle.recv_timeout(wait) {
            Some(LiveUpdate::Listening { node, addr }) => {
                // A closed pipe only loses these lines; the run goes on.
                let _ = writeln!(stdout, "listening {node} {addr}");
                let _ = stdout.flush();
            }
            Some(LiveUpdate::Failed(reason)) => return Err(reason),
            Some(LiveUpdate::Snapshot(_)) | None => {
                if handle.is_finished() {
                    break;
                }
            }
        }
    }
    let scene = handle.stop()?;
    let logged = scene.events_logged();
    Ok((scene, logged))
}

fn report(args: &RunArgs, scene: &dyn NetScene, processed: u64) -> String {
    let state = scene.state().to_json();
    match args.format {
        Format::Json => {
            let report = json!({
                "scene": scene.kind(),
                "mode": if args.live { "live" } else { "step" },
                "seed": args.seed,
                "events_processed": processed,
                "t_end_us": scene.now(),
                "events": scene.events(),
                "state": state,
            });
            serde_json::to_string_pretty(&report).unwrap_or_default() + "\n"
        }
        Format::Text => {
            let mut out = String::with_capacity(scene.events().len() * 80);
            for e in scene.events() {
                out.push_str(&format!(
                    "{:>11.3} ms  {:<13} {} → {}  {}\n",
                    e.t_us as f64 / 1000.0,
                    e.kind.name(),
                    e.from,
                    e.to,
                    e.detail
                ));
            }
            out.push_str(&format!("# {} events at {:.3} ms; final state:\n", processed, scene.now() as f64 / 1000.0));
            out.push_str(&serde_json::to_string_pretty(&state).unwrap_or_default());
            out.push('\n');
            out
        }
    }
}
