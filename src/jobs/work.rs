//! The work the app hands its helper threads — one type per queue, so a queue never receives a
//! job it cannot do — and what comes back.

use std::path::PathBuf;
use std::sync::Arc;

use crate::capture::CaptureFormat;
use crate::export::{ExportContents, ExportKind};
use crate::sim::Scene;
use crate::trace::Trace;

/// Work for the trace thread: a newer job (a higher generation) supersedes an older one.
#[derive(Debug)]
pub enum TraceJob {
    Simulate {
        generation: u64,
        scene: Box<Scene>,
    },
    Open {
        generation: u64,
        path: PathBuf,
    },
    /// A capture's bytes, already read (a file picked or dropped in a browser).
    Read {
        generation: u64,
        name: String,
        bytes: Arc<[u8]>,
    },
}

impl TraceJob {
    pub fn generation(&self) -> u64 {
        match self {
            TraceJob::Simulate { generation, .. }
            | TraceJob::Open { generation, .. }
            | TraceJob::Read { generation, .. } => *generation,
        }
    }
}

/// Work for the file thread: done in order, never dropped.
#[derive(Debug)]
pub enum FileJob {
    /// `shown` is the capture file on screen, if any: the saver says whether it was replaced.
    Save { path: PathBuf, format: CaptureFormat, trace: Arc<Trace>, shown: Option<PathBuf> },
    /// Read and check a lesson file.
    ReadLesson { path: PathBuf },
    /// Write an export (a picture is encoded on the file thread).
    Export { path: PathBuf, kind: ExportKind, contents: ExportContents },
}

/// What a file dialog was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilePurpose {
    OpenCapture,
    SaveCapture,
    OpenLesson,
    Export(ExportKind),
}

/// What the trace thread reports.
#[derive(Debug)]
pub enum TraceResult {
    /// A trace for request `generation` (or why there is none).
    Trace { generation: u64, result: Result<Box<Trace>, String> },
    /// A run was cancelled because a newer one was asked for.
    Cancelled { generation: u64 },
}

/// What the file thread reports.
#[derive(Debug)]
pub enum FileResult {
    /// Packets written (or why not); `replaced_shown` says the file saved over is the one shown.
    Saved { path: PathBuf, result: Result<usize, String>, replaced_shown: bool },
    /// An export written (its size in bytes), or why not.
    Exported { kind: ExportKind, path: PathBuf, result: Result<usize, String> },
    /// A lesson file, read and validated (or why not).
    Lesson { result: Result<crate::lesson::Lesson, String> },
}

/// Everything that comes back to the app, from any helper thread.
#[derive(Debug)]
pub enum JobResult {
    Trace(TraceResult),
    File(FileResult),
    /// The file dialog's answer (none if it was dismissed or none could be shown).
    FileChosen {
        purpose: FilePurpose,
        path: Option<PathBuf>,
    },
    /// A file the browser's picker read (there are no paths in a browser).
    FilePicked {
        purpose: FilePurpose,
        name: String,
        bytes: Vec<u8>,
    },
    /// The browser's picker could not read the chosen file; the text says why.
    PickFailed {
        purpose: FilePurpose,
        reason: String,
    },
}
