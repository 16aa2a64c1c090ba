//! The command line: `netlens` alone opens the window; subcommands run headless and reuse the
//! same engines (`net::client`, `net::demo`).

mod class;
mod fetch;
mod inspect;
mod lesson;
mod load;
mod output;
mod report_text;
mod scene;
mod scenes;
mod serve;
mod simulate;
mod swarm;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use output::fail;

#[derive(Parser, Debug)]
#[command(name = "netlens", version = crate::version::version(), about = "See how computers cooperate over a network.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Commands>,
}

#[derive(Subcommand, Debug)]
pub enum Commands {
    /// Fetch a URL and show every step: DNS, connect, TLS, the exact bytes, timings.
    Fetch(fetch::FetchArgs),
    /// Run the demo web site and DNS responder without the window.
    Serve(serve::ServeArgs),
    /// List the built-in packet scenes.
    Scenes,
    /// Run a packet scene in the simulator (smoltcp over an impaired link) and print every packet.
    Simulate(simulate::SimulateArgs),
    /// Read a pcap/pcapng capture and print its packets with netlens's labels, or a summary.
    Inspect(inspect::InspectArgs),
    /// Network scenes in step mode: `netlens scene run NAME`, `netlens scene list`.
    #[command(subcommand)]
    Scene(scene::SceneCommand),
    /// The live client/server scene on loopback: requests per second, latency and refusals per client count.
    Load(load::LoadArgs),
    /// Lessons: `netlens lesson list`, `netlens lesson check [ID|FILE]…`, `netlens lesson FILE`.
    Lesson(lesson::LessonArgs),
    /// The class swarm (rust-libp2p): `netlens swarm node [--join MULTIADDR]… [--code CODE]`.
    #[command(subcommand)]
    Swarm(swarm::SwarmCommand),
    /// A lesson the class follows: `netlens class teach LESSON_ID`, `netlens class follow --join ADDRESS`.
    #[command(subcommand)]
    Class(class::ClassCommand),
    /// Open a capture in the Packets view.
    Open {
        /// A pcap or pcapng file.
        file: std::path::PathBuf,
    },
}

/// Parses the arguments and runs the subcommand, or the GUI when there is none.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Some(Commands::Fetch(args)) => fetch::run(args),
        Some(Commands::Serve(args)) => serve::run(args),
        Some(Commands::Scenes) => scenes::run(),
        Some(Commands::Scene(command)) => scene::run(command),
        Some(Commands::Load(args)) => load::run(args),
        Some(Commands::Simulate(args)) => simulate::run(args),
        Some(Commands::Inspect(args)) => inspect::run(args),
        Some(Commands::Lesson(args)) => lesson::run(args),
        Some(Commands::Swarm(command)) => swarm::run(command),
        Some(Commands::Class(command)) => class::run(command),
        Some(Commands::Open { file }) => {
            // Say so now rather than opening a window that can only show an error.
            if let Err(reason) = crate::capture::open(&file) {
                return fail(&reason);
            }
            match crate::app::run_native(Some(file)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("cannot open the window: {e}")),
            }
        }
        None => match crate::app::run_native(None) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot open the window: {e}")),
        },
    }
}

/// Logs go to stderr, quiet unless RUST_LOG asks for more.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(
            "warn,winit=error,egui_system_font_provider=error,libp2p_kad=error,libp2p_swarm=error",
        )
    });
    // A second initialisation (in tests) is harmless; keep the first.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
