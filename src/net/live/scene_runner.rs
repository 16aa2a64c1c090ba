//! Live mode for any Network scene: every node gets a real TCP listener on 127.0.0.1, and the
//! scene's messages travel between them as frames of our small protocol (`netsim::live_world`)
//! over real connections, on a thread of its own running tokio. Timers follow the wall clock.
//! The scene logic is the step-mode logic, unchanged; killing a node really closes its socket.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::netsim::live_world::{Frame, MAX_FRAME};
use crate::netsim::{Action, NetScene};

/// A frame seen on the wire, kept for the view to open as bytes.
#[derive(Clone, Debug)]
pub struct WireFrame {
    pub t_us: u64,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// How many recent frames are kept for inspection.
pub const KEPT_FRAMES: usize = 300;

pub struct LiveState {
    pub scene: Box<dyn NetScene>,
    pub frames: VecDeque<WireFrame>,
    pub addresses: Vec<SocketAddr>,
    pub error: Option<String>,
}

enum Command {
    Act(Action),
    Stop,
}

/// A scene running live; dropping it stops every task and closes every socket.
pub struct LiveScene {
    pub shared: Arc<Mutex<LiveState>>,
    commands: mpsc::UnboundedSender<Command>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LiveScene {
    /// Starts `scene` live. `wake` is called whenever something changed (to repaint).
    pub fn start(mut scene: Box<dyn NetScene>, wake: Arc<dyn Fn() + Send + Sync>) -> std::io::Result<LiveScene> {
        scene.live_world().go_live();
        let shared =
            Arc::new(Mutex::new(LiveState { scene, frames: VecDeque::new(), addresses: Vec::new(), error: None }));
        let (commands, receiver) = mpsc::unbounded_channel();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let state = shared.clone();
        let thread = std::thread::Builder::new().name("netlens-live".into()).spawn(move || {
            runtime.block_on(async move {
                if let Err(e) = drive(state.clone(), receiver, wake).await {
                    state.lock().expect("live state").error = Some(e);
                }
            });
        })?;
        Ok(LiveScene { shared, commands, thread: Some(thread) })
    }

    pub fn act(&self, action: Action) {
        let _ = self.commands.send(Command::Act(action));
    }
}

impl Drop for LiveScene {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One node's listener and the connections it accepted.
struct Node {
    addr: SocketAddr,
    /// Held only so that dropping the node aborts its listener and readers (closing sockets).
    _tasks: JoinSet<()>,
}

async fn listen(addr: SocketAddr, incoming: mpsc::UnboundedSender<Frame>) -> std::io::Result<Node> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let mut tasks = JoinSet::new();
    tasks.spawn(async move {
        let mut readers = JoinSet::new();
        while let Ok((stream, _)) = listener.accept().await {
            let incoming = incoming.clone();
            readers.spawn(read_frames(stream, incoming));
            while readers.try_join_next().is_some() {}
        }
    });
    Ok(Node { addr, _tasks: tasks })
}

async fn read_frames(mut stream: TcpStream, incoming: mpsc::UnboundedSender<Frame>) {
    loop {
        let mut length = [0u8; 4];
        if stream.read_exact(&mut length).await.is_err() {
            return;
        }
        let rest = u32::from_be_bytes(length) as usize;
        if rest > MAX_FRAME {
            return;
        }
        let mut bytes = length.to_vec();
        bytes.resize(4 + rest, 0);
        if stream.read_exact(&mut bytes[4..]).await.is_err() {
            return;
        }
        match Frame::decode(bytes) {
            Ok(frame) => {
                if incoming.send(frame).is_err() {
                    return;
                }
            }
            Err(_) => return,
        }
    }
}

fn elapsed_us(start: Instant) -> u64 {
    start.elapsed().as_micros() as u64
}

async fn drive(
    state: Arc<Mutex<LiveState>>,
    mut commands: mpsc::UnboundedReceiver<Command>,
    wake: Arc<dyn Fn() + Send + Sync>,
) -> Result<(), String> {
    let start = Instant::now();
    let (incoming_sender, mut incoming) = mpsc::unbounded_channel();
    let mut nodes: Vec<Option<Node>> = Vec::new();
    let mut connections: HashMap<(usize, usize), TcpStream> = HashMap::new();
    let lock = || state.lock().expect("live state");
    loop {
        // Every node has a listener (client-server adds nodes as clients join).
        let count = lock().scene.live_world().node_count();
        while nodes.len() < count {
            let node = listen(SocketAddr::from(([127, 0, 0, 1], 0)), incoming_sender.clone())
                .await
                .map_err(|e| format!("cannot listen on loopback: {e}"))?;
            lock().addresses.push(node.addr);
            nodes.push(Some(node));
        }
        // Carry what the scene sent over real sockets.
        let frames = {
            let mut s = lock();
            s.scene.live_world().set_now(elapsed_us(start));
            s.scene.live_world().take_outbox()
        };
        for frame in frames {
            let sent = match nodes.get(frame.to).and_then(Option::as_ref) {
                Some(node) => send(&mut connections, &frame, node.addr).await,
                None => false,
            };
            let mut s = lock();
            let t_us = elapsed_us(start);
            let names = s.scene.graph().nodes;
            let name = |i: usize| names.get(i).map(|n| n.name.clone()).unwrap_or_default();
            s.frames.push_back(WireFrame {
                t_us,
                from: name(frame.from),
                to: name(frame.to),
                kind: frame.kind.clone(),
                bytes: frame.bytes.clone(),
            });
            if s.frames.len() > KEPT_FRAMES {
                s.frames.pop_front();
            }
            if !sent {
                // Refused by a dead node: the scene learns it the same way as in step mode.
                s.scene.live_world().set_now(t_us);
                let _ = s.scene.live_world().deliver(&frame);
                s.scene.step();
            }
        }
        let wait = {
            let s = lock();
            let now = elapsed_us(start);
            s.scene.next_time().map_or(Duration::from_millis(50), |t| Duration::from_micros(t.saturating_sub(now)))
        };
        tokio::select! {
            Some(frame) = incoming.recv() => {
                let mut s = lock();
                s.scene.live_world().set_now(elapsed_us(start));
                if s.scene.live_world().deliver(&frame).is_ok() {
                    s.scene.step();
                }
            }
            command = commands.recv() => match command {
                Some(Command::Act(action)) => {
                    let result = {
                        let mut s = lock();
                        s.scene.advance_to(elapsed_us(start));
                        s.scene.apply(&action)
                    };
                    match (&action, result) {
                        (_, Err(e)) => lock().error = Some(e),
                        (Action::Kill(name), Ok(())) => {
                            // Close its listener and every connection it accepted.
                            if let Some(i) = lock().scene.graph().nodes.iter().position(|n| &n.name == name)
                                && let Some(node) = nodes.get_mut(i)
                            {
                                *node = None;
                                connections.retain(|&(_, to), _| to != i);
                            }
                        }
                        (Action::Restart(name), Ok(())) => {
                            let found = lock().scene.graph().nodes.iter().position(|n| &n.name == name);
                            if let Some(i) = found.filter(|&i| i < nodes.len() && nodes[i].is_none()) {
                                let addr = lock().addresses[i];
                                match listen(addr, incoming_sender.clone()).await {
                                    Ok(node) => nodes[i] = Some(node),
                                    Err(e) => lock().error = Some(format!("{name} cannot listen again: {e}")),
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Some(Command::Stop) | None => return Ok(()),
            },
            _ = tokio::time::sleep(wait.min(Duration::from_millis(50))) => {
                let mut s = lock();
                let now = elapsed_us(start);
                s.scene.live_world().set_now(now);
                let mut ran = 0;
                while s.scene.next_time().is_some_and(|t| t <= now) && ran < 10_000 {
                    s.scene.step();
                    ran += 1;
                }
            }
        }
        wake();
    }
}

/// Writes a frame on the (cached) connection to `addr`; false if nobody is listening there.
async fn send(connections: &mut HashMap<(usize, usize), TcpStream>, frame: &Frame, addr: SocketAddr) -> bool {
    let key = (frame.from, frame.to);
    let stream = match connections.entry(key) {
        std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
        std::collections::hash_map::Entry::Vacant(entry) => match TcpStream::connect(addr).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                entry.insert(stream)
            }
            Err(_) => return false,
        },
    };
    if stream.write_all(&frame.bytes).await.is_err() {
        connections.remove(&key);
        return false;
    }
    true
}
