//! `netlens scene run NAME`: runs a Network scene headless in step mode (deterministic, virtual
//! time) with timed actions, and prints its event log and final state.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::json;

use super::{Format, fail};
use crate::netsim::{self, Action, SCENES};

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
    /// At virtual time T (microseconds), do ACTION: kill:NODE, restart:NODE or clients:N.
    #[arg(long = "at", value_name = "T:ACTION")]
    pub at: Vec<String>,
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
            for (name, title, _) in SCENES {
                out.push_str(&format!("{name:<20} {title}\n"));
            }
            super::print_or_fail(&out)
        }
        SceneCommand::Run(args) => match run_scene(&args) {
            Ok(out) => super::print_or_fail(&out),
            Err(reason) => fail(&reason),
        },
    }
}

fn run_scene(args: &RunArgs) -> Result<String, String> {
    let actions = args.at.iter().map(|a| parse_at(a)).collect::<Result<Vec<_>, _>>()?;
    let mut scene = netsim::create(&args.name, args.seed, args.nodes)?;
    let processed = netsim::run(scene.as_mut(), &actions, args.steps, args.until_ms.saturating_mul(1000))?;
    let state = scene.state();
    Ok(match args.format {
        Format::Json => {
            let report = json!({
                "scene": scene.name(),
                "seed": args.seed,
                "events_processed": processed,
                "t_end_us": scene.now(),
                "events": scene.events(),
                "state": state,
            });
            serde_json::to_string_pretty(&report).expect("JSON values serialize") + "\n"
        }
        Format::Text => {
            let mut out = String::with_capacity(scene.events().len() * 80);
            for e in scene.events() {
                out.push_str(&format!(
                    "{:>11.3} ms  {:<13} {} → {}  {}\n",
                    e.t_us as f64 / 1000.0,
                    e.kind,
                    e.from,
                    e.to,
                    e.detail
                ));
            }
            out.push_str(&format!("# {} events at {:.3} ms; final state:\n", processed, scene.now() as f64 / 1000.0));
            out.push_str(&serde_json::to_string_pretty(&state).expect("JSON values serialize"));
            out.push('\n');
            out
        }
    })
}
