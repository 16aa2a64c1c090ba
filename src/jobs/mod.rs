//! The app's job runner: work that takes too long to do inside one frame — running a scene in
//! the simulator, reading a capture, saving one, reading a lesson, writing an export, asking for
//! a file. The app sends `TraceJob`s and `FileJob`s (`work.rs`) and drains `JobResult`s each
//! frame; a waker repaints the window when a result is ready.
//!
//! On the desktop (`threads.rs`) runs and reads go to one helper thread in order; a newer
//! request makes the older one give up (the simulator checks between turns of its clock) or be
//! skipped if it has not started. Saves go to another thread and are never dropped. A dialog
//! gets a thread of its own, because it blocks until the user answers. A job that cannot be
//! started is reported as a result, with its reason. In a browser (`in_frame.rs`), which has no
//! threads, the newest run is done at the start of the next frame, saves and exports become
//! downloads, and files are opened with the browser's picker.

#[cfg(not(feature = "desktop"))]
mod in_frame;
#[cfg(feature = "desktop")]
mod save;
#[cfg(feature = "desktop")]
mod threads;
mod work;

#[cfg(not(feature = "desktop"))]
pub use in_frame::JobRunner;
#[cfg(feature = "desktop")]
pub use threads::JobRunner;

#[cfg(feature = "desktop")]
pub use save::write_replacing;
pub use work::{FileJob, FilePurpose, FileResult, JobResult, TraceJob, TraceResult};

use std::sync::Arc;

use crate::trace::Trace;

/// Called after every result, to wake the UI.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Does a run or a read; `cancelled` is asked between turns of the simulator's clock. None if
/// the run gave up because a newer one was asked for.
pub(crate) fn run_trace_job(job: TraceJob, cancelled: &dyn Fn() -> bool) -> Option<Result<Box<Trace>, String>> {
    match job {
        TraceJob::Simulate { scene, .. } => {
            crate::sim::simulate_cancellable(&scene, cancelled).map(|run| Ok(Box::new(Trace::from_sim(run))))
        }
        TraceJob::Open { path, .. } => Some(crate::capture::open(&path).map(Box::new)),
        TraceJob::Read { name, bytes, .. } => Some(crate::capture::read_bytes(&bytes, &name).map(Box::new)),
    }
}
