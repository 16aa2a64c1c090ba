//! The netlens binary: the window when run alone, a command-line tool with a subcommand.

fn main() -> std::process::ExitCode {
    netlens::cli::main()
}
