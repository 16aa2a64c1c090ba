//! The app's job runner: work that takes too long for the UI thread — running a scene in the
//! simulator, reading a capture, saving one, reading a lesson, writing an export, asking for a
//! file with the desktop's dialog — on named helper threads. The app sends `Job`s and drains `JobResult`s each
//! frame; a waker repaints the window when a result is ready.
//!
//! Runs and reads go to one thread in order; a newer request makes the older one give up (the
//! simulator checks between turns of its clock) or be skipped if it has not started. Saves go to
//! another thread and are never dropped. A dialog gets a thread of its own, because it blocks
//! until the user answers. A job that cannot be started is reported as a result, with its reason.

mod save;

pub use save::write_replacing;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

use crate::model::packets::{FilePurpose, Job, JobResult};
use crate::trace::Trace;

/// Called after every result, to wake the UI.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

pub struct JobRunner {
    traces: Sender<Job>,
    saves: Sender<Job>,
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

    /// Starts a job; if it cannot be started, its failure comes back as a result.
    pub fn submit(&self, job: Job) {
        let sent = match job {
            Job::Simulate { generation, .. } | Job::Open { generation, .. } => {
                self.latest.fetch_max(generation, Ordering::SeqCst);
                self.traces.send(job).map_err(|e| e.0)
            }
            Job::Save { .. } | Job::ReadLesson { .. } | Job::Export { .. } => self.saves.send(job).map_err(|e| e.0),
        };
        if let Err(job) = sent {
            self.report(failure(job, "the background job thread has stopped".into()));
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

/// The result that says a job could not be done at all.
fn failure(job: Job, reason: String) -> JobResult {
    match job {
        Job::Simulate { generation, .. } | Job::Open { generation, .. } => {
            JobResult::Trace { generation, result: Err(reason) }
        }
        Job::Save { path, .. } => JobResult::Saved { path, result: Err(reason), replaced_shown: false },
        Job::ReadLesson { .. } => JobResult::Lesson { result: Err(reason) },
        Job::Export { path, kind, .. } => JobResult::Exported { kind, path, result: Err(reason) },
    }
}

fn run_traces(jobs: Receiver<Job>, latest: Arc<AtomicU64>, reply: Reporter) {
    while let Ok(job) = jobs.recv() {
        let generation = match &job {
            Job::Simulate { generation, .. } | Job::Open { generation, .. } => *generation,
            Job::Save { .. } | Job::ReadLesson { .. } | Job::Export { .. } => continue,
        };
        if latest.load(Ordering::SeqCst) != generation {
            reply.send(JobResult::Cancelled { generation });
            continue;
        }
        let result = match job {
            Job::Simulate { scene, .. } => {
                let cancelled = || latest.load(Ordering::SeqCst) != generation;
                crate::sim::simulate_cancellable(&scene, &cancelled).map(|run| Ok(Trace::from_sim(run)))
            }
            Job::Open { path, .. } => Some(crate::capture::open(&path)),
            Job::Save { .. } | Job::ReadLesson { .. } | Job::Export { .. } => None,
        };
        match result {
            Some(result) => reply.send(JobResult::Trace { generation, result }),
            None => reply.send(JobResult::Cancelled { generation }),
        }
    }
}

/// The file thread: saves, and lesson files read and checked.
fn run_saves(jobs: Receiver<Job>, reply: Reporter) {
    while let Ok(job) = jobs.recv() {
        match job {
            Job::Save { path, format, trace, shown } => {
                let replaced_shown = shown.is_some_and(|shown| save::same_file(&shown, &path));
                let result = save::save_replacing(&trace, format, &path);
                reply.send(JobResult::Saved { path, result, replaced_shown });
            }
            Job::ReadLesson { path } => {
                let name = path.display().to_string();
                let result = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {name}: {e}"))
                    .and_then(|text| crate::lesson::file::parse(&name, &text));
                reply.send(JobResult::Lesson { result });
            }
            Job::Export { path, kind, contents } => {
                let result = contents.into_bytes().and_then(|bytes| {
                    save::write_replacing(&path, |out| std::io::Write::write_all(out, &bytes)).map(|()| bytes.len())
                });
                reply.send(JobResult::Exported { kind, path, result });
            }
            Job::Simulate { .. } | Job::Open { .. } => {}
        }
    }
}
