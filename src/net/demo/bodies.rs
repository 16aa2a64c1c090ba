//! Response bodies the demo site makes as it sends them: exactly N deterministic bytes streamed
//! without holding them in memory, and HTML in chunks with pauses between them.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::LazyLock;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

/// The `/bytes/N` content repeats this block; byte `i` of any body is `BLOCK[i % BLOCK_LEN]`.
pub const BLOCK_LEN: usize = 4096;

/// Bytes handed to hyper per frame: big enough to keep syscalls few, small enough to stream.
const FRAME_LEN: usize = 256 * 1024;

/// 64 readable lines of 64 bytes, so a preview of `/bytes/N` reads as text.
static BLOCK: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut block = Vec::with_capacity(BLOCK_LEN);
    for line in 0..BLOCK_LEN / 64 {
        let text = format!("netlens /bytes/N: line {line:02} of a 4096-byte block that repeats");
        let mut bytes = text.into_bytes();
        bytes.resize(63, b'.');
        bytes.push(b'\n');
        block.extend_from_slice(&bytes);
    }
    block
});

/// One frame's worth of the repeating block plus one extra block, so any frame starting at any
/// offset is a zero-copy slice of it.
static FRAME_SOURCE: LazyLock<Bytes> = LazyLock::new(|| {
    let mut source = Vec::with_capacity(FRAME_LEN + BLOCK_LEN);
    while source.len() < FRAME_LEN + BLOCK_LEN {
        source.extend_from_slice(&BLOCK);
    }
    Bytes::from(source)
});

/// The byte at `offset` of every `/bytes/N` body.
pub fn generated_byte(offset: u64) -> u8 {
    BLOCK[(offset % BLOCK_LEN as u64) as usize]
}

/// Exactly `len` bytes of the repeating block, produced frame by frame.
pub struct GeneratedBytes {
    sent: u64,
    len: u64,
}

impl GeneratedBytes {
    pub fn new(len: u64) -> Self {
        Self { sent: 0, len }
    }
}

impl Body for GeneratedBytes {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let left = self.len - self.sent;
        if left == 0 {
            return Poll::Ready(None);
        }
        let start = (self.sent % BLOCK_LEN as u64) as usize;
        let take = left.min(FRAME_LEN as u64) as usize;
        self.sent += take as u64;
        Poll::Ready(Some(Ok(Frame::data(FRAME_SOURCE.slice(start..start + take)))))
    }

    fn is_end_stream(&self) -> bool {
        self.sent == self.len
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len - self.sent)
    }
}

/// Pieces of a body sent one at a time with a pause before each but the first. Having no known
/// length, hyper sends them with chunked transfer encoding, one chunk per piece.
pub struct PacedChunks {
    pieces: VecDeque<Bytes>,
    pause: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl PacedChunks {
    pub fn new(pieces: Vec<Bytes>, pause: Duration) -> Self {
        Self { pieces: pieces.into(), pause, sleep: None }
    }
}

impl Body for PacedChunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if let Some(sleep) = self.sleep.as_mut() {
            if sleep.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.sleep = None;
        }
        match self.pieces.pop_front() {
            Some(piece) => {
                if !self.pieces.is_empty() {
                    let pause = self.pause;
                    self.sleep = Some(Box::pin(tokio::time::sleep(pause)));
                }
                Poll::Ready(Some(Ok(Frame::data(piece))))
            }
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.pieces.is_empty() && self.sleep.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn generated_bodies_have_exactly_the_asked_length_and_content() {
        for len in [0u64, 1, 4095, 4096, 300_000] {
            let collected = GeneratedBytes::new(len).collect().await.unwrap().to_bytes();
            assert_eq!(collected.len() as u64, len);
            assert!(collected.iter().enumerate().all(|(i, &b)| b == generated_byte(i as u64)));
        }
    }

    #[test]
    fn the_block_is_readable_lines() {
        assert_eq!(BLOCK.len(), BLOCK_LEN);
        assert!(BLOCK.starts_with(b"netlens /bytes/N: line 00"));
        assert_eq!(BLOCK.iter().filter(|&&b| b == b'\n').count(), 64);
    }

    #[tokio::test]
    async fn paced_chunks_arrive_in_order() {
        let pieces = vec![Bytes::from_static(b"a"), Bytes::from_static(b"bc"), Bytes::from_static(b"d")];
        let body = PacedChunks::new(pieces, Duration::from_millis(1));
        assert_eq!(body.collect().await.unwrap().to_bytes(), Bytes::from_static(b"abcd"));
    }
}
