//! The first links of our ureq connector chain: a TCP connector that times the connect and keeps a
//! handle on the socket, and a transport wrapper that copies every byte written or read into the
//! page load's recorder.

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use ureq::Error;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, LazyBuffers, NextTimeout, ShutdownHandle, Transport,
};

use super::recorder::{Layer, LoadRecorder};
use super::tcp_transport::TcpTransport;
use crate::record::{Phase, Span};

/// Wraps a transport and records what passes through it at one layer.
pub struct Recording<T> {
    inner: T,
    recorder: Arc<LoadRecorder>,
    connection: u32,
    layer: Layer,
}

impl<T: Transport> Recording<T> {
    pub fn new(inner: T, recorder: Arc<LoadRecorder>, connection: u32, layer: Layer) -> Self {
        Self { inner, recorder, connection, layer }
    }

    pub fn connection(&self) -> u32 {
        self.connection
    }
}

impl<T> fmt::Debug for Recording<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Recording").field("connection", &self.connection).field("layer", &self.layer).finish()
    }
}

impl<T: Transport> Transport for Recording<T> {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.inner.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        self.recorder.record_sent(self.connection, self.layer, &self.inner.buffers().output()[..amount]);
        self.inner.transmit_output(amount, timeout)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        if self.layer == Layer::Http {
            self.recorder.note_awaiting();
        }
        let before = self.inner.buffers().input().len();
        let more = self.inner.await_input(timeout)?;
        let input = self.inner.buffers().input();
        if input.len() > before {
            self.recorder.record_received(self.connection, self.layer, &input[before..]);
        }
        Ok(more)
    }

    fn is_open(&mut self) -> bool {
        self.inner.is_open()
    }

    fn is_tls(&self) -> bool {
        self.inner.is_tls()
    }
}

/// Opens TCP connections, trying each resolved address in turn, and records each one.
pub struct RecordingTcpConnector {
    pub recorder: Arc<LoadRecorder>,
}

impl fmt::Debug for RecordingTcpConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecordingTcpConnector")
    }
}

impl Connector<()> for RecordingTcpConnector {
    type Out = Recording<TcpTransport>;

    fn connect(&self, details: &ConnectionDetails, _chained: Option<()>) -> Result<Option<Self::Out>, Error> {
        self.recorder.set_phase(Phase::Connect);
        let start_us = self.recorder.now_us();
        let timeout = details.timeout.not_zero().map(|t| *t);
        let stream = match connect_any(&details.addrs, timeout) {
            Ok(stream) => stream,
            Err((addr, e)) => {
                self.recorder.note_failure(Phase::Connect, describe_connect_error(addr, &e));
                return Err(if e.kind() == io::ErrorKind::TimedOut {
                    Error::Timeout(ureq::Timeout::Connect)
                } else {
                    Error::Io(e)
                });
            }
        };
        let span = Span { start_us, end_us: self.recorder.now_us() };
        stream.set_nodelay(details.config.no_delay())?;
        let remote = stream.peer_addr()?;
        let local = stream.local_addr()?;
        let handle = Arc::new(stream.try_clone()?);
        // Let the agent shut this socket down too (Agent::shutdown), like ureq's own connector.
        let weak = Arc::downgrade(&handle) as std::sync::Weak<dyn ShutdownHandle>;
        (details.register_shutdown)(weak)?;
        let connection = self.recorder.open_connection(handle, remote, local, span);
        let buffers = LazyBuffers::new(details.config.input_buffer_size(), details.config.output_buffer_size());
        let layer = if details.needs_tls() { Layer::TlsRecords } else { Layer::Http };
        Ok(Some(Recording::new(TcpTransport::new(stream, buffers), self.recorder.clone(), connection, layer)))
    }
}

/// Connects to the first address that accepts, splitting the time budget between them.
fn connect_any(addrs: &[SocketAddr], timeout: Option<Duration>) -> Result<TcpStream, (Option<SocketAddr>, io::Error)> {
    let mut last = (None, io::Error::new(io::ErrorKind::NotFound, "the name resolved to no address"));
    let share = timeout.map(|t| (t / addrs.len().max(1) as u32).max(Duration::from_millis(100)));
    for &addr in addrs {
        let attempt = match share {
            Some(t) => TcpStream::connect_timeout(&addr, t),
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(e) => last = (Some(addr), e),
        }
    }
    Err(last)
}

/// A sentence for a failed connect that says what it means, not just the errno.
pub fn describe_connect_error(addr: Option<SocketAddr>, e: &io::Error) -> String {
    let at = addr.map_or_else(String::new, |a| format!(" {a}"));
    match e.kind() {
        io::ErrorKind::ConnectionRefused => format!(
            "connection refused by{at}: the machine answered, but no program is listening on that port (is the server running? is the port right?)"
        ),
        io::ErrorKind::TimedOut => format!(
            "no answer from{at} within the connect timeout: the machine may be down or a firewall drops the packets"
        ),
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => {
            format!("cannot reach{at}: there is no route to that network")
        }
        _ => format!("could not connect to{at}: {e}"),
    }
}
