//! The Network view's model: exactly one scene session at a time, in step mode (the scene runs
//! here, on a virtual clock, a bounded number of events per frame) or live (the scene runs on
//! the worker over real sockets and sends snapshots). Changing scene, mode, seed or node count
//! is one intent, `Open`: it stops the old session and replaces it, and everything the view
//! draws is tagged with the session it came from. What the view reads is rebuilt only when the
//! scene moved, and every history it keeps is bounded, so an open window runs for hours flat.

pub mod timeline;

use std::collections::VecDeque;
use std::net::SocketAddr;

use crate::netsim::live_world::MAX_LIVE_NODES;
use crate::netsim::world::KEPT_EVENTS;
use crate::netsim::{Action, Graph, InFlight, LogEvent, SceneKind, SceneState};
use crate::worker_api::Command;
use crate::worker_api::live::{LiveCommand, LiveSnapshot, LiveStart, LiveUpdate, SessionId, WireFrame};
use timeline::Timeline;

/// Speeds offered: how much virtual time one second on screen shows.
pub const SPEEDS: [(f64, &str); 5] = [(0.01, "1/100×"), (0.05, "1/20×"), (0.2, "1/5×"), (1.0, "1×"), (5.0, "5×")];
/// Events run per frame at most, so a frame stays short whatever the speed.
pub const EVENTS_PER_FRAME: usize = 20_000;
/// Frames on the wire a live session keeps for the view.
pub const KEPT_FRAMES: usize = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A deterministic simulation on a virtual clock.
    Step,
    /// Real TCP listeners on loopback, in real time.
    Live,
}

/// Everything that defines a session; changing any of it starts a new one.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionConfig {
    pub scene: SceneKind,
    pub seed: u64,
    pub nodes: usize,
    pub mode: Mode,
}

impl SessionConfig {
    pub fn new(scene: SceneKind) -> Self {
        Self { scene, seed: 1, nodes: scene.default_nodes(), mode: Mode::Step }
    }
}

/// What the Network view asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum NetworkIntent {
    /// Replace the session (another scene, mode, seed or node count, or the same afresh).
    Open(SessionConfig),
    TogglePlay,
    /// Run the next event (step mode).
    Step,
    /// Go back one event (or the action taken there): the scene exactly as it was (step mode).
    StepBack,
    /// Go to this virtual time, back or forward (step mode's scrub bar).
    Seek(u64),
    SetSpeed(f64),
    /// Kill or restart a node, or change the number of clients.
    Act(Action),
}

/// How a live session is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveStatus {
    Starting,
    Running,
    Failed(String),
}

struct StepRun {
    timeline: Timeline,
    playing: bool,
}

struct LiveRun {
    status: LiveStatus,
    now_us: u64,
    delivered: u64,
    flights: Vec<InFlight>,
    events: Vec<LogEvent>,
    frames: VecDeque<WireFrame>,
    listening: Vec<(String, SocketAddr)>,
    rejected: u64,
    last_rejection: Option<String>,
}

enum Run {
    Step(StepRun),
    Live(LiveRun),
}

pub struct NetworkModel {
    config: SessionConfig,
    session: SessionId,
    run: Run,
    speed: f64,
    /// The graph and state as of the last change, from this session only.
    graph: Graph,
    state: Option<SceneState>,
    /// Bumps whenever `graph` and `state` are rebuilt.
    version: u64,
    error: Option<String>,
}

impl Default for NetworkModel {
    fn default() -> Self {
        Self::new()
    }
}

impl NetworkModel {
    pub fn new() -> Self {
        let config = SessionConfig::new(SceneKind::ClientServer);
        let run = match step_run(&config) {
            Ok(run) => Run::Step(run),
            // The built-in default cannot fail to build; if it ever did, say so and show nothing.
            Err(e) => Run::Live(LiveRun::failed(e)),
        };
        let mut model = Self {
            config,
            session: 1,
            run,
            speed: 0.05,
            graph: Graph::default(),
            state: None,
            version: 0,
            error: None,
        };
        model.rebuild();
        model
    }

    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Which session everything shown belongs to.
    pub fn session(&self) -> SessionId {
        self.session
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    pub fn graph(&self) -> &Graph {
        &self.graph
    }

    pub fn state(&self) -> Option<&SceneState> {
        self.state.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    pub fn is_live(&self) -> bool {
        matches!(self.run, Run::Live(_))
    }

    pub fn playing(&self) -> bool {
        matches!(&self.run, Run::Step(s) if s.playing)
    }

    /// The live session's status (none in step mode).
    pub fn live_status(&self) -> Option<&LiveStatus> {
        match &self.run {
            Run::Live(live) => Some(&live.status),
            Run::Step(_) => None,
        }
    }

    /// What the view shows, as lesson checks read it (step mode).
    pub fn observed(&self) -> Option<serde_json::Value> {
        match &self.run {
            Run::Step(s) => Some(crate::lesson::observe::network(s.timeline.scene.as_ref(), s.timeline.view_us)),
            Run::Live(_) => None,
        }
    }

    /// Step mode: how far the session has run (where the scrub bar ends), and whether there is
    /// anything to step back to.
    pub fn horizon_us(&self) -> u64 {
        match &self.run {
            Run::Step(s) => s.timeline.horizon_us(),
            Run::Live(l) => l.now_us,
        }
    }

    pub fn can_step_back(&self) -> bool {
        matches!(&self.run, Run::Step(s) if s.timeline.events() > 0 || s.timeline.view_us > 0)
    }

    /// The time shown: virtual in step mode, since the start in live mode.
    pub fn now_us(&self) -> u64 {
        match &self.run {
            Run::Step(s) => s.timeline.view_us,
            Run::Live(l) => l.now_us,
        }
    }

    pub fn delivered(&self) -> u64 {
        match &self.run {
            Run::Step(s) => s.timeline.scene.messages_delivered(),
            Run::Live(l) => l.delivered,
        }
    }

    pub fn flights(&self) -> &[InFlight] {
        match &self.run {
            Run::Step(s) => s.timeline.scene.flights(),
            Run::Live(l) => &l.flights,
        }
    }

    /// The newest events (at most a bounded log's worth).
    pub fn events(&self) -> &[LogEvent] {
        match &self.run {
            Run::Step(s) => s.timeline.scene.events(),
            Run::Live(l) => &l.events,
        }
    }

    /// Live mode: the frames that went over the sockets most recently.
    pub fn frames(&self) -> Option<&VecDeque<WireFrame>> {
        match &self.run {
            Run::Live(l) => Some(&l.frames),
            Run::Step(_) => None,
        }
    }

    /// Live mode: each node's listener.
    pub fn listening(&self) -> &[(String, SocketAddr)] {
        match &self.run {
            Run::Live(l) => &l.listening,
            Run::Step(_) => &[],
        }
    }

    /// Live mode: frames from sockets that were turned away.
    pub fn rejected(&self) -> u64 {
        match &self.run {
            Run::Live(l) => l.rejected,
            Run::Step(_) => 0,
        }
    }

    /// Live mode: the newest rejection, as the event log says it ("rejected frame from …: why").
    pub fn last_rejection(&self) -> Option<&str> {
        match &self.run {
            Run::Live(l) => l.last_rejection.as_deref(),
            Run::Step(_) => None,
        }
    }

    /// True while something moves on its own (the window should keep repainting).
    pub fn animating(&self) -> bool {
        match &self.run {
            Run::Step(s) => s.playing,
            Run::Live(l) => !matches!(l.status, LiveStatus::Failed(_)),
        }
    }

    /// Carries out an intent; returns what must be sent to the worker.
    pub fn handle(&mut self, intent: NetworkIntent) -> Vec<Command> {
        match intent {
            NetworkIntent::Open(config) => return self.open(config),
            NetworkIntent::TogglePlay => {
                if let Run::Step(s) = &mut self.run {
                    s.playing = !s.playing && !s.timeline.finished();
                }
            }
            NetworkIntent::Step => {
                if let Run::Step(s) = &mut self.run {
                    s.playing = false;
                    s.timeline.step();
                    self.rebuild();
                }
            }
            NetworkIntent::StepBack => {
                if let Run::Step(s) = &mut self.run {
                    s.playing = false;
                    self.error = s.timeline.step_back().err();
                    self.rebuild();
                }
            }
            NetworkIntent::Seek(t_us) => {
                if let Run::Step(s) = &mut self.run {
                    self.error = s.timeline.seek(t_us).err();
                    self.rebuild();
                }
            }
            NetworkIntent::SetSpeed(speed) => {
                if SPEEDS.iter().any(|(s, _)| *s == speed) {
                    self.speed = speed;
                }
            }
            NetworkIntent::Act(action) => return self.act(action),
        }
        Vec::new()
    }

    /// Replaces the session. A config that cannot run is refused with a reason, and the
    /// current session goes on untouched.
    fn open(&mut self, mut config: SessionConfig) -> Vec<Command> {
        let range = config.scene.node_range();
        config.nodes = config.nodes.clamp(*range.start(), *range.end());
        let run = match config.mode {
            Mode::Step => match step_run(&config) {
                Ok(run) => Run::Step(run),
                Err(e) => {
                    self.error = Some(e);
                    return Vec::new();
                }
            },
            Mode::Live => {
                if let Err(e) = live_fits(&config) {
                    self.error = Some(e);
                    return Vec::new();
                }
                Run::Live(LiveRun::starting())
            }
        };
        let mut commands = self.stop_live();
        self.session += 1;
        self.config = config;
        self.run = run;
        self.error = None;
        self.state = None;
        if self.config.mode == Mode::Live {
            let start = LiveStart { scene: self.config.scene, seed: self.config.seed, nodes: self.config.nodes };
            commands.push(Command::StartLive { session: self.session, start });
        }
        self.rebuild();
        commands
    }

    fn stop_live(&self) -> Vec<Command> {
        match &self.run {
            Run::Live(_) => vec![Command::Live { session: self.session, command: LiveCommand::Stop }],
            Run::Step(_) => Vec::new(),
        }
    }

    /// Stops whatever runs (the window is closing, or the view is being replaced).
    pub fn shutdown(&mut self) -> Vec<Command> {
        let commands = self.stop_live();
        if let Run::Live(live) = &mut self.run {
            live.status = LiveStatus::Failed("stopped".into());
        }
        commands
    }

    fn act(&mut self, action: Action) -> Vec<Command> {
        match &mut self.run {
            Run::Step(s) => {
                self.error = s.timeline.act(action).err();
                self.rebuild();
                Vec::new()
            }
            Run::Live(live) if live.status == LiveStatus::Running => {
                vec![Command::Live { session: self.session, command: LiveCommand::Act(action) }]
            }
            Run::Live(_) => Vec::new(),
        }
    }

    /// The worker could not take a command: the live session cannot run.
    pub fn worker_unavailable(&mut self) {
        if let Run::Live(live) = &mut self.run {
            live.status = LiveStatus::Failed("the background worker is not running".into());
        }
    }

    /// Moves step mode on by `dt` seconds of screen time (while playing).
    pub fn tick(&mut self, dt: f64) {
        let Run::Step(s) = &mut self.run else { return };
        if !s.playing {
            return;
        }
        let target = s.timeline.view_us + (dt.clamp(0.0, 0.1) * 1e6 * self.speed).max(1.0) as u64;
        let ran = s.timeline.run_to(target, EVENTS_PER_FRAME);
        if s.timeline.finished() {
            s.playing = false;
        }
        if ran > 0 {
            self.rebuild();
        }
    }

    /// Applies a live session's report; reports from any other session are ignored.
    pub fn apply_live(&mut self, session: SessionId, update: LiveUpdate) -> bool {
        if session != self.session {
            return false;
        }
        let Run::Live(live) = &mut self.run else { return false };
        match update {
            LiveUpdate::Listening { node, addr } => live.listening.push((node, addr)),
            LiveUpdate::Failed(reason) => live.status = LiveStatus::Failed(reason),
            LiveUpdate::Snapshot(snapshot) => {
                let LiveSnapshot { now_us, delivered, graph, flights, state, new_events, new_frames, rejected, notice } =
                    *snapshot;
                if !matches!(live.status, LiveStatus::Failed(_)) {
                    live.status = LiveStatus::Running;
                }
                live.now_us = now_us;
                live.delivered = delivered;
                live.flights = flights;
                live.rejected = rejected;
                if let Some(e) = new_events.iter().rfind(|e| e.kind == crate::netsim::EventKind::Rejected) {
                    live.last_rejection = Some(e.detail.clone());
                }
                live.events.extend(new_events);
                if live.events.len() >= 2 * KEPT_EVENTS {
                    live.events.drain(..live.events.len() - KEPT_EVENTS);
                }
                live.frames.extend(new_frames);
                while live.frames.len() > KEPT_FRAMES {
                    live.frames.pop_front();
                }
                self.graph = graph;
                self.state = Some(state);
                self.error = notice;
                self.version += 1;
            }
        }
        true
    }

    /// Rebuilds what the view draws from the step scene (after it moved).
    fn rebuild(&mut self) {
        if let Run::Step(s) = &mut self.run {
            self.graph = s.timeline.scene.graph();
            self.state = Some(s.timeline.scene.state());
        } else if self.state.is_none() {
            self.graph = Graph::default();
        }
        self.version += 1;
    }
}

fn step_run(config: &SessionConfig) -> Result<StepRun, String> {
    Ok(StepRun { timeline: Timeline::new(config.scene, config.seed, config.nodes)?, playing: false })
}

/// Whether a session of this size can run live (each node is a real listener).
fn live_fits(config: &SessionConfig) -> Result<(), String> {
    // Servers, the DNS server and supernodes come on top of the clients or peers.
    let extra = if config.scene.has_clients() { 3 } else { 20 };
    let most = config.nodes + extra;
    if most > MAX_LIVE_NODES {
        return Err(format!(
            "live mode opens a real listener per node, at most {MAX_LIVE_NODES}; choose fewer {} (or step mode)",
            config.scene.node_word()
        ));
    }
    Ok(())
}

impl LiveRun {
    fn starting() -> Self {
        Self {
            status: LiveStatus::Starting,
            now_us: 0,
            delivered: 0,
            flights: Vec::new(),
            events: Vec::new(),
            frames: VecDeque::new(),
            listening: Vec::new(),
            rejected: 0,
            last_rejection: None,
        }
    }

    fn failed(reason: String) -> Self {
        Self { status: LiveStatus::Failed(reason), ..Self::starting() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(model: &mut NetworkModel, scene: SceneKind, mode: Mode) -> Vec<Command> {
        let config = SessionConfig { mode, ..SessionConfig::new(scene) };
        model.handle(NetworkIntent::Open(config))
    }

    #[test]
    fn switching_from_routing_to_replicated_storage_keeps_one_session_and_its_graph() {
        let mut model = NetworkModel::new();
        open(&mut model, SceneKind::Routing, Mode::Step);
        let routing = model.session();
        assert_eq!(model.graph().nodes.len(), 16);
        open(&mut model, SceneKind::ReplicatedStorage, Mode::Step);
        assert_ne!(model.session(), routing);
        assert_eq!(model.graph().nodes.len(), 9, "8 peers and the tracker, nothing left of routing");
        assert!(matches!(model.state(), Some(SceneState::Storage(_))));
    }

    #[test]
    fn going_live_stops_the_old_live_session_and_ignores_its_late_reports() {
        let mut model = NetworkModel::new();
        let commands = open(&mut model, SceneKind::ClientServer, Mode::Live);
        let first = model.session();
        assert!(matches!(commands.as_slice(), [Command::StartLive { session, .. }] if *session == first));
        let commands = open(&mut model, SceneKind::Supernodes, Mode::Live);
        assert!(matches!(
            commands.as_slice(),
            [Command::Live { session, command: LiveCommand::Stop }, Command::StartLive { .. }] if *session == first
        ));
        let late = LiveUpdate::Failed("old".into());
        assert!(!model.apply_live(first, late), "a report from the replaced session changes nothing");
        assert_eq!(model.live_status(), Some(&LiveStatus::Starting));
        let commands = open(&mut model, SceneKind::Supernodes, Mode::Step);
        assert!(matches!(commands.as_slice(), [Command::Live { command: LiveCommand::Stop, .. }]));
        assert!(!model.is_live());
    }

    #[test]
    fn a_config_that_cannot_run_leaves_the_session_alone() {
        let mut model = NetworkModel::new();
        let before = model.session();
        let commands = model.handle(NetworkIntent::Open(SessionConfig {
            nodes: 1000,
            mode: Mode::Live,
            ..SessionConfig::new(SceneKind::Overlay)
        }));
        assert!(commands.is_empty());
        assert_eq!(model.session(), before);
        assert!(model.error().unwrap().contains("at most"));
    }

    #[test]
    fn a_paused_scene_is_not_rebuilt_every_frame() {
        // Every frame used to rebuild the whole snapshot, sorting every latency ever recorded.
        let mut model = NetworkModel::new();
        let version = model.version();
        for _ in 0..100 {
            model.tick(0.016);
        }
        assert_eq!(model.version(), version, "nothing moved, nothing rebuilt");
        model.handle(NetworkIntent::TogglePlay);
        model.handle(NetworkIntent::SetSpeed(1.0));
        model.tick(0.1);
        assert!(model.version() > version, "events ran, so the graph and state were rebuilt");
    }

    #[test]
    fn node_counts_are_clamped_to_what_the_scene_runs() {
        let mut model = NetworkModel::new();
        model.handle(NetworkIntent::Open(SessionConfig {
            nodes: 0,
            ..SessionConfig::new(SceneKind::ReplicatedStorage)
        }));
        assert_eq!(model.config().nodes, 4);
    }
}
