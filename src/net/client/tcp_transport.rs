//! A plain TCP transport for ureq (its own is not public): blocking reads and writes on a
//! `TcpStream`, with ureq's timeouts applied as socket timeouts.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use ureq::Error;
use ureq::unversioned::transport::{Buffers, LazyBuffers, NextTimeout, Transport};

pub struct TcpTransport {
    stream: TcpStream,
    buffers: LazyBuffers,
    /// The socket timeouts last set, so a long download does not pay a syscall per read.
    read_timeout: Option<Option<Duration>>,
    write_timeout: Option<Option<Duration>>,
}

impl TcpTransport {
    pub fn new(stream: TcpStream, buffers: LazyBuffers) -> Self {
        Self { stream, buffers, read_timeout: None, write_timeout: None }
    }
}

impl fmt::Debug for TcpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpTransport").field("peer", &self.stream.peer_addr().ok()).finish()
    }
}

/// The socket timeout for a ureq deadline; `None` waits forever. A deadline already passed is a
/// timeout error before any I/O.
fn socket_timeout(timeout: NextTimeout) -> Result<Option<Duration>, Error> {
    if timeout.after.is_zero() {
        return Err(Error::Timeout(timeout.reason));
    }
    Ok(timeout.not_zero().map(|t| *t))
}

fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock)
}

impl Transport for TcpTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), Error> {
        let timeout = timeout.for_write();
        let wanted = socket_timeout(timeout)?;
        if self.write_timeout != Some(wanted) {
            self.stream.set_write_timeout(wanted)?;
            self.write_timeout = Some(wanted);
        }
        let output = &self.buffers.output()[..amount];
        match self.stream.write_all(output) {
            Ok(()) => Ok(()),
            Err(e) if timed_out(&e) => Err(Error::Timeout(timeout.reason)),
            Err(e) => Err(e.into()),
        }
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, Error> {
        let timeout = timeout.for_read();
        let wanted = socket_timeout(timeout)?;
        // Timeouts shrink as a deadline nears; only a change of more than 10 ms is worth a syscall.
        let close_enough = matches!((self.read_timeout, wanted), (Some(Some(old)), Some(new)) if old.abs_diff(new) < Duration::from_millis(10));
        if self.read_timeout != Some(wanted) && !close_enough {
            self.stream.set_read_timeout(wanted)?;
            self.read_timeout = Some(wanted);
        }
        let input = self.buffers.input_append_buf();
        let amount = loop {
            match self.stream.read(input) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if timed_out(&e) => return Err(Error::Timeout(timeout.reason)),
                Err(e) => return Err(e.into()),
            }
        };
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    /// A pooled connection is usable when the server has neither closed it nor sent anything
    /// unasked: a non-blocking read must find nothing to read.
    fn is_open(&mut self) -> bool {
        if self.stream.set_nonblocking(true).is_err() {
            return false;
        }
        let mut probe = [0u8; 1];
        let open = matches!(self.stream.read(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        open && self.stream.set_nonblocking(false).is_ok()
    }
}
