//! The browser's job runner: a tab has no threads, so the newest run or read is done when the
//! app next asks for results (the start of a frame), and an older one waiting is dropped as
//! cancelled. Saves and exports become downloads; opening a file uses the browser's picker,
//! whose answer arrives later, like a dialog's on the desktop.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::{FileJob, FilePurpose, FileResult, JobResult, TraceJob, TraceResult, Waker};
use crate::web::files;

pub struct JobRunner {
    /// The newest run or read not yet done.
    trace: RefCell<Option<TraceJob>>,
    files: RefCell<VecDeque<FileJob>>,
    /// Results ready for the app, including the picker's answers (which come from callbacks).
    results: Rc<RefCell<VecDeque<JobResult>>>,
    waker: Waker,
}

impl JobRunner {
    /// `_dialogs` is the desktop's switch for native dialogs; a browser's picker is part of the
    /// page, so there is nothing to turn off.
    pub fn start(waker: Waker, _dialogs: bool) -> std::io::Result<JobRunner> {
        Ok(JobRunner { trace: RefCell::default(), files: RefCell::default(), results: Rc::default(), waker })
    }

    /// Queues a run or a read; one already waiting is cancelled.
    pub fn submit_trace(&self, job: TraceJob) {
        if let Some(older) = self.trace.borrow_mut().replace(job) {
            let generation = older.generation();
            self.results.borrow_mut().push_back(JobResult::Trace(TraceResult::Cancelled { generation }));
        }
        (self.waker)();
    }

    /// Queues a save, a lesson read or an export.
    pub fn submit_file(&self, job: FileJob) {
        self.files.borrow_mut().push_back(job);
        (self.waker)();
    }

    /// Where a save goes is the browser's download folder, so a save is "chosen" at once under
    /// the suggested name; opening shows the browser's file picker.
    pub fn ask_for_file(&self, purpose: FilePurpose, suggested: PathBuf) {
        if matches!(purpose, FilePurpose::SaveCapture | FilePurpose::Export(_)) {
            let name = suggested.file_name().map_or_else(|| PathBuf::from("netlens"), PathBuf::from);
            self.answer(JobResult::FileChosen { purpose, path: Some(name) });
            return;
        }
        let extensions = match purpose {
            FilePurpose::OpenLesson => ".toml",
            _ => ".pcapng,.pcap,.cap",
        };
        let (results, waker) = (self.results.clone(), self.waker.clone());
        let asked = files::pick_file(extensions, move |picked| {
            results.borrow_mut().push_back(match picked {
                Ok((name, bytes)) => JobResult::FilePicked { purpose, name, bytes },
                Err(reason) if reason.is_empty() => JobResult::FileChosen { purpose, path: None },
                Err(reason) => JobResult::PickFailed { purpose, reason },
            });
            waker();
        });
        if let Err(reason) = asked {
            self.answer(JobResult::PickFailed { purpose, reason });
        }
    }

    /// Reads a file dropped on the page; it comes back like a picked one.
    pub fn read_dropped(&self, purpose: FilePurpose, file: egui::DroppedFileHandle) {
        let (results, waker) = (self.results.clone(), self.waker.clone());
        wasm_bindgen_futures::spawn_local(async move {
            let name = file.path().display().to_string();
            let result = match file.bytes_async().await {
                Ok(bytes) => JobResult::FilePicked { purpose, name, bytes },
                Err(e) => JobResult::PickFailed { purpose, reason: format!("could not read {name}: {e}") },
            };
            results.borrow_mut().push_back(result);
            waker();
        });
    }

    /// The next result: one already waiting, or else the waiting run, or else the next file job.
    pub fn try_recv(&self) -> Option<JobResult> {
        if let Some(result) = self.results.borrow_mut().pop_front() {
            return Some(result);
        }
        if let Some(job) = self.trace.borrow_mut().take() {
            let generation = job.generation();
            return Some(JobResult::Trace(match super::run_trace_job(job, &|| false) {
                Some(result) => TraceResult::Trace { generation, result },
                None => TraceResult::Cancelled { generation },
            }));
        }
        let job = self.files.borrow_mut().pop_front()?;
        Some(JobResult::File(download(job)))
    }

    fn answer(&self, result: JobResult) {
        self.results.borrow_mut().push_back(result);
        (self.waker)();
    }
}

/// A save or an export as a download; a lesson can only come from the picker.
fn download(job: FileJob) -> FileResult {
    match job {
        FileJob::Save { path, format, trace, .. } => {
            let mut bytes = Vec::new();
            let result = crate::capture::write_capture(&trace, format, &mut bytes)
                .map_err(|e| e.to_string())
                .and_then(|()| files::download(&file_name(&path), &bytes, "application/vnd.tcpdump.pcap"))
                .map(|()| trace.packets.len());
            FileResult::Saved { path, result, replaced_shown: false }
        }
        FileJob::ReadLesson { path } => FileResult::Lesson {
            result: Err(format!(
                "{}: in a browser, open a lesson with the Open button or drop it on the page",
                path.display()
            )),
        },
        FileJob::Export { path, kind, contents } => {
            let result = contents
                .into_bytes()
                .and_then(|bytes| files::download(&file_name(&path), &bytes, kind.media_type()).map(|()| bytes.len()));
            FileResult::Exported { kind, path, result }
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "netlens".into(), |n| n.to_string_lossy().into_owned())
}
