//! The desktop's job threads: one for runs and reads (the newest wins), one for saves, exports
//! and lesson files (in order, never dropped), and one per file dialog.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use super::{FileJob, FilePurpose, FileResult, JobResult, TraceJob, TraceResult, Waker, save};

pub struct JobRunner {
    traces: Sender<TraceJob>,
    saves: Sender<FileJob>,
    results: Receiver<JobResult>,
    reply: Sender<JobResult>,
    /// The newest trace request; older ones give up.
    latest: Arc<AtomicU64>,
    waker: Waker,
    /// Whether to show native file dialogs (tests and the UI monkey turn them off).
    dialogs: bool,
}

impl JobRunner {
    pub fn start(waker: Waker, dialogs: bool) -> std::io::Result<JobRunner> {
        let (reply, results) = channel();
        let latest = Arc::new(AtomicU64::new(0));
        let (traces, trace_jobs) = channel();
        let (saves, save_jobs) = channel();
        let worker_reply = Reporter { sender: reply.clone(), waker: waker.clone() };
        let worker_latest = latest.clone();
        std::thread::Builder::new()
            .name("netlens-jobs".into())
            .spawn(move || run_traces(trace_jobs, worker_latest, worker_reply))?;
        let save_reply = Reporter { sender: reply.clone(), waker: waker.clone() };
        std::thread::Builder::new().name("netlens-files".into()).spawn(move || run_saves(save_jobs, save_reply))?;
        Ok(JobRunner { traces, saves, results, reply, latest, waker, dialogs })
    }

    /// Starts a run or a read; older ones give up. If it cannot be started, its failure comes
    /// back as a result.
    pub fn submit_trace(&self, job: TraceJob) {
        self.latest.fetch_max(job.generation(), Ordering::SeqCst);
        if let Err(e) = self.traces.send(job) {
            let generation = e.0.generation();
            let result = Err(STOPPED.to_string());
            self.report(JobResult::Trace(TraceResult::Trace { generation, result }));
        }
    }

    /// Starts a save, a lesson read or an export; if it cannot be started, its failure comes
    /// back as a result.
    pub fn submit_file(&self, job: FileJob) {
        if let Err(e) = self.saves.send(job) {
            self.report(JobResult::File(file_failure(e.0, STOPPED.into())));
        }
    }

    /// Asks for a file with the desktop's own dialog (the XDG portal, or zenity).
    pub fn ask_for_file(&self, purpose: FilePurpose, suggested: std::path::PathBuf) {
        if !self.dialogs {
            self.report(JobResult::FileChosen { purpose, path: None });
            return;
        }
        let reporter = Reporter { sender: self.reply.clone(), waker: self.waker.clone() };
        let spawned = std::thread::Builder::new().name("netlens-file-dialog".into()).spawn(move || {
            let dialog = match purpose {
                FilePurpose::OpenLesson => rfd::FileDialog::new().add_filter("Lessons", &["toml"]),
                FilePurpose::Export(kind) => rfd::FileDialog::new().add_filter(kind.description(), &[kind.extension()]),
                _ => rfd::FileDialog::new().add_filter("Packet captures", &["pcapng", "pcap", "cap"]),
            };
            let path = if matches!(purpose, FilePurpose::SaveCapture | FilePurpose::Export(_)) {
                let dialog = match (suggested.parent(), suggested.file_name()) {
                    (Some(dir), Some(name)) => dialog.set_directory(dir).set_file_name(name.to_string_lossy()),
                    _ => dialog,
                };
                dialog.save_file()
            } else {
                dialog.pick_file()
            };
            reporter.send(JobResult::FileChosen { purpose, path });
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no thread for the file dialog");
            self.report(JobResult::FileChosen { purpose, path: None });
        }
    }

    /// The next result, if one is ready. Never blocks.
    pub fn try_recv(&self) -> Option<JobResult> {
        self.results.try_recv().ok()
    }

    fn report(&self, result: JobResult) {
        Reporter { sender: self.reply.clone(), waker: self.waker.clone() }.send(result);
    }
}

/// A helper thread's way back to the UI.
struct Reporter {
    sender: Sender<JobResult>,
    waker: Waker,
}

impl Reporter {
    fn send(&self, result: JobResult) {
        if self.sender.send(result).is_ok() {
            (self.waker)();
        }
    }
}

const STOPPED: &str = "the background job thread has stopped";

/// The result that says a file job could not be done at all.
fn file_failure(job: FileJob, reason: String) -> FileResult {
    match job {
        FileJob::Save { path, .. } => FileResult::Saved { path, result: Err(reason), replaced_shown: false },
        FileJob::ReadLesson { .. } => FileResult::Lesson { result: Err(reason) },
        FileJob::Export { path, kind, .. } => FileResult::Exported { kind, path, result: Err(reason) },
    }
}

fn run_traces(jobs: Receiver<TraceJob>, latest: Arc<AtomicU64>, reply: Reporter) {
    while let Ok(job) = jobs.recv() {
        let generation = job.generation();
        if latest.load(Ordering::SeqCst) != generation {
            reply.send(JobResult::Trace(TraceResult::Cancelled { generation }));
            continue;
        }
        let cancelled = || latest.load(Ordering::SeqCst) != generation;
        let result = super::run_trace_job(job, &cancelled);
        reply.send(JobResult::Trace(match result {
            Some(result) => TraceResult::Trace { generation, result },
            None => TraceResult::Cancelled { generation },
        }));
    }
}

/// The file thread: saves, exports, and lesson files read and checked.
fn run_saves(jobs: Receiver<FileJob>, reply: Reporter) {
    while let Ok(job) = jobs.recv() {
        let result = match job {
            FileJob::Save { path, format, trace, shown } => {
                let replaced_shown = shown.is_some_and(|shown| save::same_file(&shown, &path));
                let result = save::save_replacing(&trace, format, &path);
                FileResult::Saved { path, result, replaced_shown }
            }
            FileJob::ReadLesson { path } => {
                let name = path.display().to_string();
                let result = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {name}: {e}"))
                    .and_then(|text| crate::lesson::file::parse(&name, &text));
                FileResult::Lesson { result }
            }
            FileJob::Export { path, kind, contents } => {
                let result = contents.into_bytes().and_then(|bytes| {
                    save::write_replacing(&path, |out| std::io::Write::write_all(out, &bytes)).map(|()| bytes.len())
                });
                FileResult::Exported { kind, path, result }
            }
        };
        reply.send(JobResult::File(result));
    }
}
