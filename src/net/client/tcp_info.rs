//! The kernel's own statistics for a TCP connection (Linux `TCP_INFO`, see tcp(7)): round-trip
//! time, segment sizes, congestion window, retransmissions. Reading them needs no privileges.

use std::net::TcpStream;

use crate::record::TcpStats;

/// The counters for `stream`, or `None` where the OS does not offer them.
#[cfg(target_os = "linux")]
pub fn tcp_stats(stream: &TcpStream) -> Option<TcpStats> {
    use std::os::fd::AsRawFd;

    // SAFETY: tcp_info is plain old data, valid when zeroed; getsockopt writes at most `len`
    // bytes into it and we pass its true size. The descriptor is owned by `stream`, alive for
    // the duration of the call.
    let info = unsafe {
        let mut info: libc::tcp_info = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::tcp_info>() as libc::socklen_t;
        let rc = libc::getsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INFO,
            (&raw mut info).cast::<libc::c_void>(),
            &mut len,
        );
        if rc != 0 {
            return None;
        }
        info
    };
    Some(TcpStats {
        rtt_us: info.tcpi_rtt,
        rtt_var_us: info.tcpi_rttvar,
        snd_mss: info.tcpi_snd_mss,
        rcv_mss: info.tcpi_rcv_mss,
        snd_cwnd: info.tcpi_snd_cwnd,
        total_retrans: info.tcpi_total_retrans,
        pmtu: info.tcpi_pmtu,
    })
}

#[cfg(not(target_os = "linux"))]
pub fn tcp_stats(_stream: &TcpStream) -> Option<TcpStats> {
    None
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    #[test]
    fn a_loopback_connection_has_stats_that_make_sense() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        client.write_all(b"ping").unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).unwrap();
        server.write_all(b"pong").unwrap();
        client.read_exact(&mut buf).unwrap();
        let stats = tcp_stats(&client).unwrap();
        assert!(stats.snd_mss > 0 && stats.snd_cwnd > 0, "{stats:?}");
        assert!(stats.pmtu >= 1280, "loopback's MTU is large: {stats:?}");
    }
}
