//! The command line: `netlens` alone opens the window; subcommands run headless and reuse the
//! same engines (`net::client`, `net::demo`).

mod fetch;
mod report_json;
mod report_text;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::record::DnsMode;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DnsChoice {
    /// The operating system's resolver (its packets are not visible).
    System,
    /// A UDP query to the nameserver in /etc/resolv.conf, so the bytes show.
    Wire,
}

impl From<DnsChoice> for DnsMode {
    fn from(choice: DnsChoice) -> Self {
        match choice {
            DnsChoice::System => DnsMode::System,
            DnsChoice::Wire => DnsMode::Wire,
        }
    }
}

/// Parses the arguments and runs the subcommand, or the GUI when there is none.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match cli.command {
        Some(Commands::Fetch(args)) => fetch::run(args),
        Some(Commands::Serve(args)) => serve::run(args),
        None => match crate::app::run_native() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("cannot open the window: {e}")),
        },
    }
}

/// Logs go to stderr, quiet unless RUST_LOG asks for more.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,winit=error,egui_system_font_provider=error"));
    // A second initialisation (in tests) is harmless; keep the first.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

/// Prints a one-line reason to stderr and returns the failure exit code.
pub(crate) fn fail(reason: &str) -> ExitCode {
    eprintln!("netlens: {reason}");
    ExitCode::FAILURE
}
