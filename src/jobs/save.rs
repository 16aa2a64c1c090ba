//! Saving a trace without ever truncating a file that may be in use: the capture is written to a
//! temporary file in the same directory and renamed over the target only once it is complete.
//! The capture being shown is read from a memory mapping of its file; renaming replaces the
//! directory entry, not the mapped data, so saving over the open capture is safe.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::capture::{CaptureFormat, write_capture};
use crate::trace::Trace;

/// Writes `trace` to `path` (via a temporary file beside it); returns the packets written.
pub fn save_replacing(trace: &Trace, format: CaptureFormat, path: &Path) -> Result<usize, String> {
    write_replacing(path, |out| write_capture(trace, format, out))?;
    Ok(trace.packets.len())
}

/// Writes what `write` produces to `path`: into a temporary file beside it, synced, then renamed
/// over the target, so a reader never sees half a file and a failure leaves the old one.
pub fn write_replacing(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), String> {
    let temporary = temporary_beside(path)?;
    let written = std::fs::File::create(&temporary).and_then(|file| {
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        out.flush()?;
        out.get_ref().sync_all()
    });
    let renamed = written.and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = renamed {
        // Best effort: a leftover temporary file is only clutter, and the error says what failed.
        let _ = std::fs::remove_file(&temporary);
        return Err(e.to_string());
    }
    Ok(())
}

/// A name for the temporary file in the target's own directory (so the rename stays on one
/// file system and is atomic).
fn temporary_beside(path: &Path) -> Result<PathBuf, String> {
    let name = path.file_name().ok_or_else(|| format!("{} is not a file name", path.display()))?;
    let mut temporary = name.to_os_string();
    temporary.push(format!(".netlens-{}.tmp", std::process::id()));
    Ok(path.with_file_name(temporary))
}

/// Whether two paths name the same file (both resolved; a path that does not exist yet is only
/// the same as itself).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}
