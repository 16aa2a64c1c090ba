//! The background worker: a named thread running a tokio runtime. The UI sends it [`Command`]s and
//! drains [`Event`]s; every send wakes the UI. Nothing the UI thread does waits on it.

use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;

use super::client::{PageLoader, StopHandle};
use super::demo::{DemoConfig, DemoServices};
use super::live::scene_runner::{self, LiveConfig};
use crate::netsim::History;
use crate::record::{DemoAddresses, FetchEvent, FetchOptions, FetchRequest, LoadId};
use crate::worker_api::live::{LiveCommand, LiveStart, LiveUpdate, SessionId};
use crate::worker_api::swarm::SwarmCommand;
use crate::worker_api::{Command, Event};

/// Called after every event the worker sends, to wake the UI.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The UI's end of the worker.
pub struct WorkerHandle {
    commands: mpsc::UnboundedSender<Command>,
    events: std_mpsc::Receiver<Event>,
}

impl WorkerHandle {
    /// Starts the worker thread, which starts the demo services with `demo` (if any).
    pub fn start(demo: Option<DemoConfig>, waker: Waker) -> std::io::Result<Self> {
        let (command_tx, command_rx) = mpsc::unbounded_channel();
        let (event_tx, event_rx) = std_mpsc::channel();
        let outbox = Outbox { events: event_tx, waker };
        // Detached: dropping the handle closes the command channel, which ends the worker's loop.
        std::thread::Builder::new().name("netlens-worker".into()).spawn(move || run(demo, command_rx, outbox))?;
        Ok(Self { commands: command_tx, events: event_rx })
    }

    /// Queues a command. False when the worker has stopped (it only stops if it failed to start).
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }

    /// The next event, if one is waiting. Never blocks.
    pub fn try_recv(&self) -> Option<Event> {
        self.events.try_recv().ok()
    }
}

/// The worker's end: sends an event and wakes the UI.
#[derive(Clone)]
struct Outbox {
    events: std_mpsc::Sender<Event>,
    waker: Waker,
}

impl Outbox {
    fn send(&self, event: Event) {
        if self.events.send(event).is_ok() {
            (self.waker)();
        } else {
            tracing::debug!("the UI is gone; dropping a worker event");
        }
    }
}

fn run(demo: Option<DemoConfig>, mut commands: mpsc::UnboundedReceiver<Command>, outbox: Outbox) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("netlens-tokio")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            outbox.send(Event::DemoFailed(format!("the background worker could not start: {e}")));
            return;
        }
    };
    runtime.block_on(async move {
        let services = match demo {
            Some(config) => match DemoServices::start(&config).await {
                Ok(services) => {
                    outbox.send(Event::DemoReady(services.addresses.clone()));
                    Some(services)
                }
                Err(reason) => {
                    outbox.send(Event::DemoFailed(reason));
                    None
                }
            },
            None => None,
        };
        let demo_addresses = services.as_ref().map(|s| s.addresses.clone());
        let mut active: Option<(LoadId, StopHandle)> = None;
        let mut live: Option<(SessionId, mpsc::UnboundedSender<LiveCommand>)> = None;
        let mut swarm: Option<mpsc::UnboundedSender<SwarmCommand>> = None;
        while let Some(command) = commands.recv().await {
            match command {
                Command::StartLive { session, start } => {
                    if let Some((_, previous)) = live.take() {
                        // It may have ended already; then there is nothing to stop.
                        let _ = previous.send(LiveCommand::Stop);
                    }
                    live = Some((session, start_live(session, start, outbox.clone())));
                }
                Command::Live { session, command } => {
                    if let Some((current, sender)) = &live
                        && *current == session
                        && sender.send(command).is_err()
                    {
                        tracing::debug!(session, "the live session has ended; dropping a command");
                    }
                }
                Command::Swarm(SwarmCommand::Start(start)) => {
                    if let Some(previous) = swarm.take() {
                        let _ = previous.send(SwarmCommand::Leave);
                    }
                    let outbox = outbox.clone();
                    swarm = Some(super::swarm_session::start(start, move |update| outbox.send(Event::Swarm(update))));
                }
                Command::Swarm(command) => {
                    let leaving = matches!(command, SwarmCommand::Leave);
                    if let Some(node) = &swarm
                        && node.send(command).is_err()
                    {
                        tracing::debug!("the class swarm node has stopped; dropping a command");
                    }
                    if leaving {
                        swarm = None;
                    }
                }
                Command::Fetch { load, request, options } => {
                    if let Some((_, previous)) = active.take() {
                        previous.stop();
                    }
                    let options = with_demo(*options, demo_addresses.as_ref());
                    active = start_load(load, request, options, outbox.clone()).map(|stop| (load, stop));
                }
                Command::Stop { load } => {
                    if let Some((_, stop)) = active.take_if(|(id, _)| *id == load) {
                        stop.stop();
                    }
                }
            }
        }
        drop(services);
    });
}

/// Starts a live Network session on this runtime. A supervising task reports how it ended if it
/// did not end by being told to: an error it returned, or a panic (which tokio contains in the
/// task, so the worker and the window stay up).
fn start_live(session: SessionId, start: LiveStart, outbox: Outbox) -> mpsc::UnboundedSender<LiveCommand> {
    let (commands, receiver) = mpsc::unbounded_channel();
    let scene = crate::netsim::create_kind(start.scene, start.seed, Some(start.nodes));
    let reporter = outbox.clone();
    let report = move |update: LiveUpdate| reporter.send(Event::Live { session, update });
    let task = async move {
        let mut scene = scene?;
        scene.set_history(History::Bounded);
        scene_runner::run(scene, LiveConfig::default(), receiver, report).await.map(drop)
    };
    let handle = tokio::spawn(task);
    tokio::spawn(async move {
        let failure = match handle.await {
            Ok(Ok(())) => None,
            Ok(Err(reason)) => Some(reason),
            Err(e) if e.is_panic() => Some(format!("the live session stopped on an internal error: {}", panic_text(e))),
            Err(_) => None,
        };
        if let Some(reason) = failure {
            outbox.send(Event::Live { session, update: LiveUpdate::Failed(reason) });
        }
    });
    commands
}

fn panic_text(e: tokio::task::JoinError) -> String {
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown".into())
}

/// Points demo-zone lookups at the running responder and trusts the demo site's certificate.
fn with_demo(mut options: FetchOptions, demo: Option<&DemoAddresses>) -> FetchOptions {
    if let Some(demo) = demo {
        options.demo_dns = demo.dns;
        options.extra_roots.extend(demo.certificate_der.iter().cloned());
    }
    options
}

/// Runs a page load on a blocking thread; returns the handle that stops it.
fn start_load(load: LoadId, request: FetchRequest, options: FetchOptions, outbox: Outbox) -> Option<StopHandle> {
    let loader = match PageLoader::new(&options) {
        Ok(loader) => loader,
        Err(error) => {
            outbox.send(Event::Fetch { load, event: FetchEvent::Finished { error: Some(error) } });
            return None;
        }
    };
    let stop = loader.stop_handle();
    tokio::task::spawn_blocking(move || {
        loader.run(&request, &mut |event| outbox.send(Event::Fetch { load, event }));
    });
    Some(stop)
}
