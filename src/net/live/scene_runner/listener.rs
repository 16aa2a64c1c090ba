//! A node's listener in live mode, and the reader for each connection it accepts. Any local
//! process can connect, so a reader trusts nothing: a connection must open with the preamble of
//! the node it speaks for, with that node's session token, and every frame on it must come from
//! that node; frames are cut by tokio-util's `LengthDelimitedCodec` with a maximum length,
//! decoded strictly, and must be addressed to this node. A preamble or frame that has started
//! must finish within the timeout, though a connection may sit idle between frames for as long
//! as it likes. Each reader hands one frame at a time to the
//! session and waits for its verdict, so a flood is slowed to what the scene can take; any bad
//! frame is reported once and its connection closed.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio_util::codec::{FramedRead, LengthDelimitedCodec};

use super::session_key::SessionKey;
use crate::net::accept::Backoff;
use crate::netsim::live_world::{
    Frame, MAX_FRAME, PREAMBLE_LEN, PREAMBLE_MAGIC_LEN, decode_preamble, has_preamble_magic,
};

/// Limits on what one stranger can do to a listener.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// A frame that has started must be complete within this.
    pub frame_timeout: Duration,
    /// Connections one listener holds at once.
    pub max_connections: usize,
    /// Frames one connection may send per second (our own nodes send far fewer).
    pub max_frames_per_second: u32,
}

impl Default for Limits {
    fn default() -> Self {
        // Every other node may hold a connection to this one (a swarm); 1,024 partial frames of
        // at most `MAX_FRAME` bytes each bound what strangers can make a listener hold.
        Self { frame_timeout: Duration::from_secs(3), max_connections: 1_024, max_frames_per_second: 2_000 }
    }
}

/// What a reader hands to the session.
pub enum Incoming {
    /// A well-formed frame for this node; the session answers whether it was accepted.
    Frame { node: usize, peer: SocketAddr, frame: Frame, verdict: oneshot::Sender<bool> },
    /// A connection broke the protocol and was closed.
    Rejected { node: usize, peer: SocketAddr, reason: String },
}

/// A node's open listener. Dropping it closes the listener and every connection it accepted.
pub struct NodeListener {
    pub addr: SocketAddr,
    _tasks: JoinSet<()>,
}

/// Opens node `node`'s listener on `addr` (port 0 for any free one).
pub async fn listen(
    node: usize,
    addr: SocketAddr,
    limits: Limits,
    key: SessionKey,
    incoming: mpsc::Sender<Incoming>,
) -> std::io::Result<NodeListener> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let mut tasks = JoinSet::new();
    tasks.spawn(accept_loop(listener, node, limits, key, incoming));
    Ok(NodeListener { addr, _tasks: tasks })
}

async fn accept_loop(
    listener: TcpListener,
    node: usize,
    limits: Limits,
    key: SessionKey,
    incoming: mpsc::Sender<Incoming>,
) {
    let mut readers = JoinSet::new();
    let mut backoff = Backoff::new();
    loop {
        let Ok((stream, peer)) = listener.accept().await else {
            // Out of file descriptors, say: wait, longer each time, rather than spin.
            tokio::time::sleep(backoff.wait()).await;
            continue;
        };
        backoff.reset();
        while readers.try_join_next().is_some() {}
        if readers.len() >= limits.max_connections {
            let reason = format!("more than {} connections at once", limits.max_connections);
            drop(stream);
            if incoming.send(Incoming::Rejected { node, peer, reason }).await.is_err() {
                return;
            }
            continue;
        }
        readers.spawn(read_frames(stream, node, peer, limits, key, incoming.clone()));
    }
}

/// The codec that cuts frames: a 4-byte big-endian length of what follows, at most `MAX_FRAME`.
fn codec() -> LengthDelimitedCodec {
    LengthDelimitedCodec::builder().length_field_length(4).big_endian().max_frame_length(MAX_FRAME).new_codec()
}

/// Which node a connection speaks for: its preamble, read in full within the frame timeout once
/// its first byte came, with the right token for that node.
async fn sender_of(
    stream: &mut BufReader<TcpStream>,
    node: usize,
    limits: Limits,
    key: SessionKey,
) -> Result<usize, String> {
    match stream.fill_buf().await {
        Ok([]) | Err(_) => return Err("the connection closed before saying which node it is".into()),
        Ok(_) => {}
    }
    // The magic first, so a stranger's frame is named for what it is without waiting for more.
    let mut preamble = [0u8; PREAMBLE_LEN];
    let read = async {
        stream.read_exact(&mut preamble[..PREAMBLE_MAGIC_LEN]).await?;
        if !has_preamble_magic(&preamble) {
            return Ok(false);
        }
        stream.read_exact(&mut preamble[PREAMBLE_MAGIC_LEN..]).await.map(|_| true)
    };
    match tokio::time::timeout(limits.frame_timeout, read).await {
        Err(_) => return Err(format!("the preamble was started and not finished within {:?}", limits.frame_timeout)),
        Ok(Err(_)) => return Err("the connection closed in the middle of its preamble".into()),
        Ok(Ok(_)) => {}
    }
    let (sender, token) = decode_preamble(&preamble)?;
    if sender == node {
        return Err(format!("it says it is node {sender}, this listener's own node"));
    }
    if token != key.token(sender) {
        return Err(format!("it says it is node {sender} without that node's session token"));
    }
    Ok(sender)
}

async fn read_frames(
    stream: TcpStream,
    node: usize,
    peer: SocketAddr,
    limits: Limits,
    key: SessionKey,
    incoming: mpsc::Sender<Incoming>,
) {
    let _ = stream.set_nodelay(true);
    let mut stream = BufReader::new(stream);
    let sender = match sender_of(&mut stream, node, limits, key).await {
        Ok(sender) => sender,
        Err(reason) => {
            let _ = incoming.send(Incoming::Rejected { node, peer, reason }).await;
            return;
        }
    };
    let mut framed = FramedRead::new(stream, codec());
    let mut window_start = Instant::now();
    let mut frames_in_window = 0u32;
    loop {
        // Wait as long as it takes for the first byte of the next frame: idle is allowed.
        if framed.read_buffer().is_empty() && framed.get_ref().buffer().is_empty() {
            match framed.get_mut().fill_buf().await {
                Ok([]) | Err(_) => return,
                Ok(_) => {}
            }
        }
        let result = match tokio::time::timeout(limits.frame_timeout, framed.next()).await {
            Err(_) => Err(format!("a frame was started and not finished within {:?}", limits.frame_timeout)),
            Ok(None) => Err("the connection closed in the middle of a frame".to_string()),
            Ok(Some(Err(e))) => Err(describe_codec_error(&e)),
            Ok(Some(Ok(body))) => Frame::decode_body(&body).and_then(|frame| {
                if frame.to != node {
                    Err(format!("addressed to node {}, but this listener is node {node}", frame.to))
                } else if frame.from != sender {
                    Err(format!("it claims to come from node {}, but this connection is node {sender}'s", frame.from))
                } else {
                    Ok(frame)
                }
            }),
        };
        if window_start.elapsed() >= Duration::from_secs(1) {
            window_start = Instant::now();
            frames_in_window = 0;
        }
        frames_in_window += 1;
        let result = result.and_then(|frame| {
            if frames_in_window > limits.max_frames_per_second {
                Err(format!("more than {} frames a second", limits.max_frames_per_second))
            } else {
                Ok(frame)
            }
        });
        match result {
            Ok(frame) => {
                let (verdict, answer) = oneshot::channel();
                if incoming.send(Incoming::Frame { node, peer, frame, verdict }).await.is_err() {
                    return;
                }
                // Rejected (the session said why) or the session is gone: close.
                if answer.await != Ok(true) {
                    return;
                }
            }
            Err(reason) => {
                let _ = incoming.send(Incoming::Rejected { node, peer, reason }).await;
                return;
            }
        }
    }
}

fn describe_codec_error(e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::InvalidData {
        format!("a frame longer than {MAX_FRAME} bytes")
    } else if e.kind() == std::io::ErrorKind::UnexpectedEof || e.to_string().contains("bytes remaining") {
        "the connection closed in the middle of a frame".into()
    } else {
        format!("the connection failed: {e}")
    }
}
