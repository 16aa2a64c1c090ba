//! Outgoing frames in live mode: one writer task per (sender, receiver) pair keeps a connection
//! open between frames and writes them in order. A connection that has gone stale (its node was
//! restarted) is replaced once before the frame is given up; only a refused connection means
//! nobody listens there, and such a frame is bounced back for the scene to learn it, as a
//! delivery to a dead node in step mode.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::mpsc;

use crate::netsim::live_world::Frame;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Writers {
    writers: HashMap<(usize, usize), mpsc::UnboundedSender<Frame>>,
    bounces: mpsc::UnboundedSender<Frame>,
}

impl Writers {
    /// Frames nobody could be found to take come back on `bounces`.
    pub fn new(bounces: mpsc::UnboundedSender<Frame>) -> Self {
        Self { writers: HashMap::new(), bounces }
    }

    /// Queues `frame` for the node listening at `addr`.
    pub fn send(&mut self, frame: Frame, addr: SocketAddr) {
        let key = (frame.from, frame.to);
        let frame = match self.writers.get(&key) {
            Some(writer) => match writer.send(frame) {
                Ok(()) => return,
                // The writer ended (it never does on its own, but a fresh one costs nothing).
                Err(mpsc::error::SendError(frame)) => frame,
            },
            None => frame,
        };
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(write_loop(addr, receiver, self.bounces.clone()));
        if let Err(mpsc::error::SendError(frame)) = sender.send(frame) {
            let _ = self.bounces.send(frame);
        }
        self.writers.insert(key, sender);
    }

    /// Drops every connection from or to `node` (it was killed).
    pub fn forget_node(&mut self, node: usize) {
        self.writers.retain(|&(from, to), _| from != node && to != node);
    }
}

async fn write_loop(
    addr: SocketAddr,
    mut frames: mpsc::UnboundedReceiver<Frame>,
    bounces: mpsc::UnboundedSender<Frame>,
) {
    let mut stream = None;
    while let Some(frame) = frames.recv().await {
        if !deliver(&mut stream, addr, &frame).await && bounces.send(frame).is_err() {
            return;
        }
    }
}

/// Writes one frame on the cached connection, or a fresh one; false if nobody listens.
async fn deliver(stream: &mut Option<TcpStream>, addr: SocketAddr, frame: &Frame) -> bool {
    for _attempt in 0..2 {
        if stream.is_none() {
            match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
                Ok(Ok(fresh)) => {
                    let _ = fresh.set_nodelay(true);
                    *stream = Some(fresh);
                }
                _ => return false,
            }
        }
        if let Some(open) = stream.as_mut() {
            match tokio::time::timeout(WRITE_TIMEOUT, open.write_all(&frame.bytes)).await {
                Ok(Ok(())) => return true,
                // Stale: forget it and try once more on a new connection.
                _ => *stream = None,
            }
        }
    }
    false
}
