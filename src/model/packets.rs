//! The Packets view's model: where the shown packets come from, the trace itself once it is
//! built, and what is under way. Each request for a new trace (a scene run or a capture read)
//! gets a generation number; a newer request supersedes the older one, whose result — if it
//! still arrives — is ignored. Jobs are described here and carried out by the app's job runner;
//! their results come back through `apply`.

use std::path::PathBuf;
use std::sync::Arc;

use crate::capture::CaptureFormat;
use crate::jobs::{FileJob, TraceJob, TraceResult};
use crate::sim::Scene;
use crate::trace::{CapturePoint, Trace};

/// Where the shown trace came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Scene(Box<Scene>),
    Capture(PathBuf),
}

/// A request still being worked on.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub generation: u64,
    pub what: String,
}

#[derive(Debug)]
pub struct PacketsModel {
    pub source: Source,
    trace: Option<Arc<Trace>>,
    /// Bumps whenever a new trace is installed, so the view resets its playback.
    trace_version: u64,
    generation: u64,
    pending: Option<Pending>,
    saving: usize,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// A file dialog is open (only one at a time).
    pub dialog_open: bool,
    /// The capture being read is the one just saved over the shown one: keep saying "saved".
    reading_saved: bool,
    /// Where a simulated run is captured; None shows the whole run as the simulator saw it.
    capture_point: Option<CapturePoint>,
    /// The whole simulated run, when the shown trace is its capture at `capture_point`.
    whole: Option<Arc<Trace>>,
}

impl PacketsModel {
    /// A model about to show `scene` (the app sends the job `new` returns).
    pub fn new(scene: Scene) -> (Self, Option<TraceJob>) {
        let mut model = Self {
            source: Source::Scene(Box::new(scene.clone())),
            trace: None,
            trace_version: 0,
            generation: 0,
            pending: None,
            saving: 0,
            error: None,
            notice: None,
            dialog_open: false,
            reading_saved: false,
            capture_point: None,
            whole: None,
        };
        let job = model.run_scene(scene);
        (model, job)
    }

    pub fn trace(&self) -> Option<&Arc<Trace>> {
        self.trace.as_ref()
    }

    pub fn trace_version(&self) -> u64 {
        self.trace_version
    }

    /// Where the shown simulated run is captured (None: the whole run).
    pub fn capture_point(&self) -> Option<CapturePoint> {
        self.capture_point
    }

    /// The shown run has a router between two hops, so it can be captured in the middle.
    pub fn has_router(&self) -> bool {
        let run = self.whole.as_ref().or(self.trace.as_ref()).and_then(|t| t.sim.as_ref());
        run.is_some_and(|run| run.second_hop.is_some())
    }

    /// Shows the simulated run as captured at `point` (None: the whole run). Kept for the runs
    /// that follow; a capture file is not affected.
    pub fn capture_at(&mut self, point: Option<CapturePoint>) {
        if self.capture_point == point {
            return;
        }
        self.capture_point = point;
        if let Some(whole) = self.whole.clone() {
            self.show_captured(whole);
        }
    }

    /// Shows `whole` (a simulated run) as seen from the capture point.
    fn show_captured(&mut self, whole: Arc<Trace>) {
        let captured = match (self.capture_point, whole.sim.as_deref()) {
            (Some(point), Some(run)) => match Trace::captured_at(run, point) {
                Some(trace) => Some(Arc::new(trace)),
                None => {
                    self.notice =
                        Some(format!("{} has one hop and no router to capture at: showing the whole run", run.scene));
                    self.capture_point = None;
                    None
                }
            },
            _ => None,
        };
        self.trace = Some(captured.unwrap_or_else(|| whole.clone()));
        self.whole = Some(whole);
        self.trace_version += 1;
    }

    /// How many runs and reads have been asked for so far (each gets the next generation).
    pub fn requests(&self) -> u64 {
        self.generation
    }

    pub fn pending(&self) -> Option<&Pending> {
        self.pending.as_ref()
    }

    /// True while a run, a read or a save is under way.
    pub fn busy(&self) -> bool {
        self.pending.is_some() || self.saving > 0
    }

    /// The scene shown, if a scene is the source.
    pub fn scene(&self) -> Option<&Scene> {
        match &self.source {
            Source::Scene(scene) => Some(scene),
            Source::Capture(_) => None,
        }
    }

    fn next(&mut self, what: String) -> u64 {
        self.generation += 1;
        self.pending = Some(Pending { generation: self.generation, what });
        self.generation
    }

    /// Asks for a run of `scene`; a scene that cannot run is refused with its reason.
    pub fn run_scene(&mut self, scene: Scene) -> Option<TraceJob> {
        if let Some(problem) = scene.problem() {
            self.error = Some(problem);
            return None;
        }
        self.source = Source::Scene(Box::new(scene.clone()));
        let generation = self.next(format!("running {}…", scene.name));
        Some(TraceJob::Simulate { generation, scene: Box::new(scene) })
    }

    /// Asks for a capture to be read.
    pub fn open(&mut self, path: PathBuf) -> TraceJob {
        self.reading_saved = false;
        self.source = Source::Capture(path.clone());
        let generation = self.next(format!("reading {}…", path.display()));
        TraceJob::Open { generation, path }
    }

    /// Reads a capture already in memory, named `name` (a file picked or dropped in a browser).
    pub fn open_bytes(&mut self, name: String, bytes: std::sync::Arc<[u8]>) -> TraceJob {
        self.reading_saved = false;
        self.source = Source::Capture(PathBuf::from(&name));
        let generation = self.next(format!("reading {name}…"));
        TraceJob::Read { generation, name, bytes }
    }

    /// Asks for the shown trace to be saved at `path` (pcapng or pcap by its extension).
    pub fn save(&mut self, path: &str) -> Option<FileJob> {
        let path = PathBuf::from(path.trim());
        if path.as_os_str().is_empty() {
            self.notice = Some("type a file name to save to".into());
            return None;
        }
        let Some(trace) = self.trace.clone() else {
            self.notice = Some("nothing to save yet".into());
            return None;
        };
        self.saving += 1;
        self.notice = Some(format!("saving to {}…", path.display()));
        let shown = match &self.source {
            Source::Capture(shown) => Some(shown.clone()),
            Source::Scene(_) => None,
        };
        Some(FileJob::Save { format: CaptureFormat::for_path(&path), path, trace, shown })
    }

    /// Shows a trace built elsewhere (a fetch replay), superseding any request.
    pub fn show_trace(&mut self, trace: Trace) {
        self.next(String::new());
        self.pending = None;
        self.install(trace);
    }

    /// Applies the trace thread's result (a result for an older generation is ignored).
    pub fn apply(&mut self, result: TraceResult) {
        match result {
            TraceResult::Trace { generation, result } => {
                if generation != self.generation {
                    return;
                }
                self.pending = None;
                match result {
                    Ok(trace) => self.install(*trace),
                    Err(reason) => self.error = Some(reason),
                }
            }
            TraceResult::Cancelled { generation } => {
                if generation == self.generation {
                    self.pending = None;
                }
            }
        }
    }

    /// A save finished (or failed). When the file saved over is the capture shown, asks to read
    /// it back, to show what is in it now.
    pub fn saved(&mut self, path: PathBuf, result: Result<usize, String>, replaced_shown: bool) -> Option<TraceJob> {
        self.saving = self.saving.saturating_sub(1);
        match result {
            Ok(packets) => {
                self.notice = Some(format!("saved {packets} packets to {}", path.display()));
                if replaced_shown && matches!(self.source, Source::Capture(_)) {
                    let job = self.open(path);
                    self.reading_saved = true;
                    return Some(job);
                }
            }
            Err(reason) => self.notice = Some(format!("could not save to {}: {reason}", path.display())),
        }
        None
    }

    /// The job runner could not take a job: say so instead of waiting for ever.
    pub fn job_failed(&mut self, reason: String) {
        self.pending = None;
        self.saving = 0;
        self.error = Some(reason);
    }

    fn install(&mut self, trace: Trace) {
        self.error = None;
        let keep_notice = std::mem::take(&mut self.reading_saved) || self.saving > 0;
        if let Some(damage) = &trace.damage {
            self.notice = Some(damage.clone());
        } else if !keep_notice {
            self.notice = None;
        }
        if trace.sim.is_some() {
            self.show_captured(Arc::new(trace));
        } else {
            self.whole = None;
            self.trace = Some(Arc::new(trace));
            self.trace_version += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace_of(scene: &Scene) -> Trace {
        Trace::from_sim(crate::sim::simulate(scene))
    }

    #[test]
    fn a_newer_request_supersedes_an_older_one() {
        let scene = Scene::named("handshake").unwrap();
        let (mut model, first) = PacketsModel::new(scene.clone());
        let Some(TraceJob::Simulate { generation: first, .. }) = first else { panic!("a run was asked for") };
        let mut other = Scene::named("teardown").unwrap();
        other.seed = 9;
        let Some(TraceJob::Simulate { generation: second, .. }) = model.run_scene(other.clone()) else { panic!() };
        assert!(second > first);
        // The old result arrives late: ignored.
        model.apply(TraceResult::Trace { generation: first, result: Ok(Box::new(trace_of(&scene))) });
        assert!(model.trace().is_none() && model.busy());
        model.apply(TraceResult::Trace { generation: second, result: Ok(Box::new(trace_of(&other))) });
        assert!(!model.busy());
        assert_eq!(model.trace().unwrap().title, trace_of(&other).title);
    }

    #[test]
    fn a_failed_run_shows_its_real_reason() {
        let (mut model, job) = PacketsModel::new(Scene::named("handshake").unwrap());
        let Some(TraceJob::Simulate { generation, .. }) = job else { panic!() };
        model.apply(TraceResult::Trace { generation, result: Err("could not start: no threads left".into()) });
        assert_eq!(model.error.as_deref(), Some("could not start: no threads left"));
    }
}
