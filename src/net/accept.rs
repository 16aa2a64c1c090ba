//! Accepting strangers' connections, bounded. Any program on this computer (or the network, for
//! a demo site bound beyond loopback) can connect, so a server holds at most a set number of
//! connections at once — one more is closed as soon as it is accepted, which its client sees at
//! once rather than waiting in a queue — and an accept that fails (usually: no file descriptors
//! left) backs off, 5 ms doubling to a second, instead of spinning a core.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long to wait after an accept error: doubling from the first to the last, reset by a
/// success. Pure, so its sequence is tested without a listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    next: Duration,
}

impl Backoff {
    pub const FIRST: Duration = Duration::from_millis(5);
    pub const LAST: Duration = Duration::from_secs(1);

    pub fn new() -> Backoff {
        Backoff { next: Self::FIRST }
    }

    /// How long to wait now; the wait after it is twice as long, up to `LAST`.
    pub fn wait(&mut self) -> Duration {
        let now = self.next;
        self.next = (self.next * 2).min(Self::LAST);
        now
    }

    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

/// A listener that hands out at most `max` connections at once.
pub struct BoundedListener {
    listener: TcpListener,
    open: Arc<Semaphore>,
    backoff: Backoff,
    what: &'static str,
}

impl BoundedListener {
    /// `what` names the server in the log ("demo web site").
    pub fn new(listener: TcpListener, max: usize, what: &'static str) -> BoundedListener {
        BoundedListener { listener, open: Arc::new(Semaphore::new(max.max(1))), backoff: Backoff::new(), what }
    }

    /// The next connection within the cap, with the permit it holds until it is dropped (keep it
    /// with the connection's task).
    pub async fn next(&mut self) -> (TcpStream, SocketAddr, OwnedSemaphorePermit) {
        loop {
            match self.listener.accept().await {
                Ok((stream, peer)) => {
                    self.backoff.reset();
                    match self.open.clone().try_acquire_owned() {
                        Ok(permit) => return (stream, peer, permit),
                        Err(_) => {
                            tracing::debug!(%peer, server = self.what, "over the connection cap: closed");
                            drop(stream);
                        }
                    }
                }
                Err(e) => {
                    let wait = self.backoff.wait();
                    tracing::warn!(error = %e, server = self.what, ?wait, "could not accept a connection");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    #[test]
    fn the_back_off_doubles_to_a_second_and_a_success_starts_it_again() {
        let mut backoff = Backoff::new();
        let waits: Vec<u64> = (0..10).map(|_| backoff.wait().as_millis() as u64).collect();
        assert_eq!(waits, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
        backoff.reset();
        assert_eq!(backoff.wait(), Backoff::FIRST);
    }

    #[test]
    fn one_connection_over_the_cap_is_closed_at_once_and_a_freed_place_is_taken_again() {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let mut bounded = BoundedListener::new(listener, 2, "test");
            // The server greets every connection it takes and holds it (and its place) until the
            // client hangs up.
            let server = tokio::spawn(async move {
                loop {
                    let (mut stream, _, permit) = bounded.next().await;
                    tokio::spawn(async move {
                        let _place = permit;
                        stream.write_all(b"hi").await.unwrap();
                        let mut rest = Vec::new();
                        let _ = stream.read_to_end(&mut rest).await;
                    });
                }
            });
            let greeted = |mut stream: TcpStream| async move {
                let mut buf = [0u8; 2];
                stream.read_exact(&mut buf).await.map(|_| stream)
            };
            let first = greeted(TcpStream::connect(addr).await.unwrap()).await.expect("the first is taken");
            let _second = greeted(TcpStream::connect(addr).await.unwrap()).await.expect("the second is taken");
            // The third: accepted by the kernel, then closed by the server without a word.
            let mut third = TcpStream::connect(addr).await.unwrap();
            let mut buf = [0u8; 2];
            let said = tokio::time::timeout(Duration::from_secs(30), third.read(&mut buf)).await;
            assert!(matches!(said, Ok(Ok(0)) | Ok(Err(_))), "the third was closed, not served: {said:?}");
            // The first leaves; once the server has seen it go, its place is taken again.
            drop(first);
            let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
            loop {
                if greeted(TcpStream::connect(addr).await.unwrap()).await.is_ok() {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline, "the freed place was never taken again");
                tokio::task::yield_now().await;
            }
            server.abort();
        });
    }
}
