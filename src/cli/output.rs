//! How every subcommand reports: text or JSON, a report on stdout (a closed pipe is no error),
//! a failure as one line on stderr with a non-zero exit, and files written whole.

use std::process::ExitCode;

use clap::ValueEnum;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Writes a report to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn print_or_fail(text: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write the report: {e}")),
    }
}

/// Prints a one-line reason to stderr and returns the failure exit code.
pub fn fail(reason: &str) -> ExitCode {
    eprintln!("netlens: {reason}");
    ExitCode::FAILURE
}

/// Writes an export file (via a temporary file and a rename, like the window's saves); the error
/// is a one-line reason naming the file.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    crate::jobs::write_replacing(path, |out| std::io::Write::write_all(out, bytes))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
