//! Live mode for any Network scene: every node gets a real TCP listener on 127.0.0.1, and the
//! scene's messages travel between them as frames of our small protocol (`netsim::live_world`)
//! over real connections. Timers follow the wall clock. The scene logic is the step-mode logic,
//! unchanged; killing a node really closes its sockets.
//!
//! The session task owns the scene; nobody else touches it. It reports what happened through a
//! callback (`LiveUpdate`: each listener as it opens, then snapshots at most every
//! `publish_every`), so the window reads copies and never waits on a lock. The listeners are
//! reachable by any local process: `listener` decodes strictly and closes bad connections, and
//! every frame the scene refuses is logged as a "rejected" event, never a panic.

pub mod handle;
mod listener;
pub mod session_key;
mod writers;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::netsim::live_world::Frame;
pub use crate::netsim::live_world::MAX_LIVE_NODES;
use crate::netsim::{Action, NetScene};
use crate::worker_api::live::{LiveCommand, LiveSnapshot, LiveUpdate, WireFrame};
pub use listener::Limits;
use listener::{Incoming, NodeListener, listen};
pub use session_key::SessionKey;
use writers::Writers;

/// Frames kept for a snapshot between two publications.
const KEPT_FRAMES: usize = 300;
/// Events run per wake-up at most, so commands and sockets are never kept waiting long.
const EVENTS_PER_WAKE: usize = 10_000;

#[derive(Clone, Copy, Debug)]
pub struct LiveConfig {
    pub limits: Limits,
    /// Snapshots go out at most this often.
    pub publish_every: Duration,
    /// The secret the session's nodes prove themselves with (a fresh one for every session).
    pub key: SessionKey,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self { limits: Limits::default(), publish_every: Duration::from_millis(50), key: SessionKey::random() }
    }
}

/// Everything a session keeps besides the scene.
struct Session {
    start: Instant,
    config: LiveConfig,
    listeners: Vec<Option<NodeListener>>,
    addresses: Vec<SocketAddr>,
    incoming: mpsc::Sender<Incoming>,
    writers: Writers,
    frames: Vec<WireFrame>,
    seen: Seen,
    rejected: u64,
    notice: Option<String>,
    dirty: bool,
    last_publish: Option<Instant>,
}

impl Session {
    fn now_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    /// Opens a listener for every node that has none yet (client-server adds clients).
    async fn open_listeners(
        &mut self,
        scene: &mut dyn NetScene,
        report: &mut (dyn FnMut(LiveUpdate) + Send),
    ) -> Result<(), String> {
        let count = scene.live_world().node_count();
        if count > MAX_LIVE_NODES {
            return Err(format!("live mode runs at most {MAX_LIVE_NODES} nodes; this scene has {count}"));
        }
        while self.listeners.len() < count {
            let node = self.listeners.len();
            let listener = listen(
                node,
                SocketAddr::from(([127, 0, 0, 1], 0)),
                self.config.limits,
                self.config.key,
                self.incoming.clone(),
            )
            .await
            .map_err(|e| format!("cannot listen on loopback: {e}"))?;
            let name = scene.live_world().node_name(node).unwrap_or_default().to_string();
            report(LiveUpdate::Listening { node: name, addr: listener.addr });
            self.addresses.push(listener.addr);
            self.listeners.push(Some(listener));
        }
        Ok(())
    }

    /// Hands what the scene sent to the writers, and keeps a copy for the view.
    fn carry_outbox(&mut self, scene: &mut dyn NetScene) {
        let now = self.now_us();
        let frames = scene.live_world().take_outbox();
        for frame in frames {
            let world = scene.live_world();
            let name = |i: usize| world.node_name(i).unwrap_or_default().to_string();
            self.frames.push(WireFrame {
                t_us: now,
                from: name(frame.from),
                to: name(frame.to),
                kind: frame.kind,
                bytes: frame.bytes.clone(),
            });
            if self.frames.len() > 2 * KEPT_FRAMES {
                self.frames.drain(..KEPT_FRAMES);
            }
            match self.listeners.get(frame.to).and_then(Option::as_ref) {
                Some(listener) => self.writers.send(frame, listener.addr),
                // Killed: nobody listens there; the scene learns it as in step mode.
                None => self.hand_over(scene, &frame),
            }
            self.dirty = true;
        }
    }

    /// Gives the scene a frame (ours, bounced from a dead node) and lets it react.
    fn hand_over(&mut self, scene: &mut dyn NetScene, frame: &Frame) {
        scene.live_world().set_now(self.now_us());
        if scene.deliver(frame).is_ok() {
            scene.step();
        }
    }

    fn on_incoming(&mut self, scene: &mut dyn NetScene, incoming: Incoming) {
        scene.live_world().set_now(self.now_us());
        match incoming {
            Incoming::Frame { node, peer, frame, verdict } => match scene.deliver(&frame) {
                Ok(()) => {
                    scene.step();
                    let _ = verdict.send(true);
                }
                Err(reason) => {
                    self.reject(scene, node, peer, &reason);
                    let _ = verdict.send(false);
                }
            },
            Incoming::Rejected { node, peer, reason } => self.reject(scene, node, peer, &reason),
        }
        self.dirty = true;
    }

    fn reject(&mut self, scene: &mut dyn NetScene, node: usize, peer: SocketAddr, reason: &str) {
        self.rejected += 1;
        tracing::info!(%peer, node, reason, "live mode rejected a frame");
        scene.live_world().record_rejected(&peer.to_string(), node, reason);
    }

    async fn act(&mut self, scene: &mut dyn NetScene, action: &Action) {
        scene.advance_to(self.now_us());
        if let Err(e) = scene.apply(action) {
            self.notice = Some(e);
            self.dirty = true;
            return;
        }
        self.notice = None;
        self.dirty = true;
        let node = match action {
            Action::Kill(name) | Action::Restart(name) => {
                let world = scene.live_world();
                (0..world.node_count()).find(|&i| world.node_name(i) == Some(name.as_str()))
            }
            Action::Clients(_) => None,
        };
        match action {
            Action::Kill(_) => {
                // Close its listener and every connection from or to it.
                if let Some(i) = node
                    && let Some(slot) = self.listeners.get_mut(i)
                {
                    *slot = None;
                    self.writers.forget_node(i);
                }
            }
            Action::Restart(name) => {
                let Some(i) = node.filter(|&i| self.listeners.get(i).is_some_and(Option::is_none)) else {
                    return;
                };
                match listen(i, self.addresses[i], self.config.limits, self.config.key, self.incoming.clone()).await {
                    Ok(listener) => self.listeners[i] = Some(listener),
                    Err(e) => self.notice = Some(format!("{name} cannot listen again: {e}")),
                }
            }
            Action::Clients(_) => {}
        }
    }

    /// Runs every event that is due by the wall clock.
    fn run_due(&mut self, scene: &mut dyn NetScene) {
        let now = self.now_us();
        scene.live_world().set_now(now);
        let mut ran = 0;
        while ran < EVENTS_PER_WAKE && scene.next_time().is_some_and(|t| t <= now) {
            scene.step();
            ran += 1;
        }
        self.dirty |= ran > 0;
    }

    fn snapshot(&mut self, scene: &mut dyn NetScene) -> LiveSnapshot {
        let keep_from = self.frames.len().saturating_sub(KEPT_FRAMES);
        let new_frames = self.frames.split_off(keep_from);
        self.frames.clear();
        let mut snapshot = snapshot(scene, self.now_us(), &mut self.seen, new_frames);
        snapshot.rejected = self.rejected;
        snapshot.notice = self.notice.clone();
        snapshot
    }

    fn publish_if_due(&mut self, scene: &mut dyn NetScene, report: &mut (dyn FnMut(LiveUpdate) + Send), force: bool) {
        let due = self.last_publish.is_none_or(|t| t.elapsed() >= self.config.publish_every);
        if (self.dirty && due) || force {
            let snapshot = self.snapshot(scene);
            report(LiveUpdate::Snapshot(Box::new(snapshot)));
            self.dirty = false;
            self.last_publish = Some(Instant::now());
        }
    }

    /// How long to sleep: until the scene's next event, the next publication, or 50 ms.
    fn wait(&self, scene: &dyn NetScene) -> Duration {
        let now = self.now_us();
        let mut wait = Duration::from_millis(50);
        if let Some(t) = scene.next_time() {
            wait = wait.min(Duration::from_micros(t.saturating_sub(now)));
        }
        if self.dirty
            && let Some(last) = self.last_publish
        {
            wait = wait.min(self.config.publish_every.saturating_sub(last.elapsed()));
        }
        wait
    }
}

/// What a snapshot has to say that the previous one did not.
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen {
    /// Log lines ever written, as of the last snapshot.
    pub events: u64,
    /// The newest message sent, as of the last snapshot.
    pub message: u64,
}

/// The scene as it stands at `now_us`, with the log lines and messages added since `seen`
/// (which is moved on) and the frames sent since the last snapshot.
pub fn snapshot(scene: &mut dyn NetScene, now_us: u64, seen: &mut Seen, new_frames: Vec<WireFrame>) -> LiveSnapshot {
    let flights: Vec<_> = scene.flights().iter().filter(|f| f.id > seen.message).cloned().collect();
    seen.message = flights.iter().map(|f| f.id).max().unwrap_or(seen.message);
    let events = scene.events();
    let logged = scene.events_logged();
    let new = (logged.saturating_sub(seen.events)).min(events.len() as u64) as usize;
    let new_events = events[events.len() - new..].to_vec();
    seen.events = logged;
    LiveSnapshot {
        now_us,
        delivered: scene.messages_delivered(),
        graph: scene.graph(),
        flights,
        state: scene.state(),
        new_events,
        new_frames,
        rejected: 0,
        notice: None,
    }
}

/// Runs `scene` live until told to stop (or its command channel closes), reporting through
/// `report`; returns the scene for a final report. An error means it could not go on.
pub async fn run(
    mut scene: Box<dyn NetScene>,
    config: LiveConfig,
    mut commands: mpsc::UnboundedReceiver<LiveCommand>,
    mut report: impl FnMut(LiveUpdate) + Send,
) -> Result<Box<dyn NetScene>, String> {
    scene.live_world().go_live();
    let (incoming_sender, mut incoming) = mpsc::channel(64);
    let (bounce_sender, mut bounces) = mpsc::unbounded_channel();
    let mut session = Session {
        start: Instant::now(),
        config,
        listeners: Vec::new(),
        addresses: Vec::new(),
        incoming: incoming_sender,
        writers: Writers::new(bounce_sender, config.key),
        frames: Vec::new(),
        seen: Seen::default(),
        rejected: 0,
        notice: None,
        dirty: true,
        last_publish: None,
    };
    let scene_ref = scene.as_mut();
    loop {
        session.open_listeners(scene_ref, &mut report).await?;
        session.carry_outbox(scene_ref);
        session.publish_if_due(scene_ref, &mut report, false);
        let wait = session.wait(scene_ref);
        tokio::select! {
            Some(item) = incoming.recv() => session.on_incoming(scene_ref, item),
            Some(frame) = bounces.recv() => {
                session.hand_over(scene_ref, &frame);
                session.dirty = true;
            }
            command = commands.recv() => match command {
                Some(LiveCommand::Act(action)) => session.act(scene_ref, &action).await,
                Some(LiveCommand::Stop) | None => break,
            },
            _ = tokio::time::sleep(wait) => session.run_due(scene_ref),
        }
    }
    session.publish_if_due(scene_ref, &mut report, true);
    Ok(scene)
}
