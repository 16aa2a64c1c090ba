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

use super::session_key::SessionKey;
use crate::netsim::live_world::{Frame, PREAMBLE_LEN, encode_preamble};

const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const WRITE_TIMEOUT: Duration = Duration::from_secs(2);

pub struct Writers {
    writers: HashMap<(usize, usize), mpsc::UnboundedSender<Frame>>,
    bounces: mpsc::UnboundedSender<Frame>,
    key: SessionKey,
}

impl Writers {
    /// Frames nobody could be found to take come back on `bounces`; `key` makes each
    /// connection's preamble.
    pub fn new(bounces: mpsc::UnboundedSender<Frame>, key: SessionKey) -> Self {
        Self { writers: HashMap::new(), bounces, key }
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
        let preamble = encode_preamble(u16::try_from(frame.from).unwrap_or(u16::MAX), &self.key.token(frame.from));
        tokio::spawn(write_loop(addr, preamble, receiver, self.bounces.clone()));
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
    preamble: [u8; PREAMBLE_LEN],
    mut frames: mpsc::UnboundedReceiver<Frame>,
    bounces: mpsc::UnboundedSender<Frame>,
) {
    let mut stream = None;
    while let Some(frame) = frames.recv().await {
        if !deliver(&mut stream, addr, &preamble, &frame).await && bounces.send(frame).is_err() {
            return;
        }
    }
}

/// Writes one frame on the cached connection, or a fresh one (opened with the sender's
/// preamble); false if nobody listens.
async fn deliver(stream: &mut Option<TcpStream>, addr: SocketAddr, preamble: &[u8], frame: &Frame) -> bool {
    // A connection the other side has closed (its node restarted) reads as end-of-file; writing
    // on it could still "succeed" into the kernel's buffer and lose the frame, so replace it now.
    if stream.as_ref().is_some_and(closed_by_peer) {
        *stream = None;
    }
    for _attempt in 0..2 {
        if stream.is_none() {
            match tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(addr)).await {
                Ok(Ok(mut fresh)) => {
                    let _ = fresh.set_nodelay(true);
                    if !matches!(tokio::time::timeout(WRITE_TIMEOUT, fresh.write_all(preamble)).await, Ok(Ok(()))) {
                        return false;
                    }
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

/// True when the peer has closed the connection (nodes never send on a connection they accepted,
/// so anything readable here is the end of it).
fn closed_by_peer(stream: &TcpStream) -> bool {
    let mut probe = [0u8; 1];
    !matches!(stream.try_read(&mut probe), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::AsyncReadExt;
    use tokio::net::TcpListener;

    use super::*;
    use crate::netsim::MessageKind;

    fn frame(n: u8) -> Frame {
        Frame::encode(1, 2, MessageKind::Hello, &[b'"', b'0' + n, b'"'])
    }

    async fn read_preamble(stream: &mut TcpStream) -> [u8; PREAMBLE_LEN] {
        let mut bytes = [0u8; PREAMBLE_LEN];
        stream.read_exact(&mut bytes).await.unwrap();
        bytes
    }

    async fn read_frame(stream: &mut TcpStream) -> Vec<u8> {
        let mut bytes = vec![0u8; frame(0).bytes.len()];
        stream.read_exact(&mut bytes).await.unwrap();
        bytes
    }

    #[test]
    fn a_connection_closed_by_the_receiver_is_replaced_and_no_frame_is_lost() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let (bounces, mut bounced) = mpsc::unbounded_channel();
            let key = SessionKey::from_secret([1; 16]);
            let mut writers = Writers::new(bounces, key);
            writers.send(frame(1), addr);
            let (mut first, _) = listener.accept().await.unwrap();
            assert_eq!(read_preamble(&mut first).await, encode_preamble(1, &key.token(1)), "it says who it is");
            assert_eq!(read_frame(&mut first).await, frame(1).bytes);
            // The receiver restarts: the cached connection is now stale.
            drop(first);
            tokio::time::sleep(Duration::from_millis(100)).await;
            writers.send(frame(2), addr);
            // A hang guard, not a speed check: without the fix frame 2 is lost and nobody comes.
            let accepted = tokio::time::timeout(Duration::from_secs(30), listener.accept()).await;
            let (mut second, _) = accepted.expect("frame 2 was lost on the stale connection").unwrap();
            assert_eq!(read_preamble(&mut second).await, encode_preamble(1, &key.token(1)));
            assert_eq!(read_frame(&mut second).await, frame(2).bytes, "sent again on a fresh connection");
            assert!(bounced.try_recv().is_err(), "a stale connection is not a dead node");
        });
    }
}
