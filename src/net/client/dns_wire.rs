//! DNS lookups that netlens sends itself, over UDP, so the query and answer bytes can be shown:
//! to the built-in responder for `demo.test`, or to the system's configured nameserver.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use hickory_proto::op::{Message, MessageType, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};

use crate::wire::dns_fields::rcode_name;

/// One query and its answer.
#[derive(Clone, Debug)]
pub struct WireExchange {
    pub query: Vec<u8>,
    pub answer: Vec<u8>,
    pub response_code: String,
    pub addresses: Vec<IpAddr>,
}

/// Why a lookup over the wire failed.
#[derive(Debug)]
pub enum WireError {
    /// The name cannot be put in a query (bad characters, too long).
    BadName(String),
    /// No answer arrived in time.
    Timeout,
    /// The lookup was stopped by the user.
    Cancelled,
    /// Nothing listens at the server's address (an ICMP "port unreachable" came back).
    Refused,
    /// The answer was not a valid DNS message for our query.
    BadAnswer(String),
    Io(io::Error),
}

/// Asks `server` for records of `record_type` for `name`. Waits at most `timeout`, checking
/// `cancelled` every 100 ms so a Stop is felt quickly.
pub fn query(
    server: SocketAddr,
    name: &str,
    record_type: RecordType,
    timeout: Duration,
    cancelled: &dyn Fn() -> bool,
) -> Result<WireExchange, WireError> {
    let fqdn = Name::from_ascii(format!("{}.", name.trim_end_matches('.')))
        .map_err(|e| WireError::BadName(format!("'{name}' is not a valid DNS name: {e}")))?;
    let mut request = Message::query();
    request.metadata.recursion_desired = true;
    request.add_query(Query::query(fqdn, record_type));
    let query_bytes = request.to_vec().map_err(|e| WireError::BadName(e.to_string()))?;

    let local: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local).map_err(WireError::Io)?;
    // Connecting lets the kernel report "port unreachable" as ECONNREFUSED on the next receive,
    // and filters out datagrams from anyone but the server.
    socket.connect(server).map_err(WireError::Io)?;
    socket.send(&query_bytes).map_err(classify)?;

    let deadline = Instant::now() + timeout;
    let mut buf = vec![0u8; 4096];
    loop {
        if cancelled() {
            return Err(WireError::Cancelled);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(WireError::Timeout);
        }
        socket.set_read_timeout(Some(left.min(Duration::from_millis(100)))).map_err(WireError::Io)?;
        let len = match socket.recv(&mut buf) {
            Ok(len) => len,
            Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => continue,
            Err(e) => return Err(classify(e)),
        };
        let answer = buf[..len].to_vec();
        let Ok(reply) = Message::from_vec(&answer) else {
            return Err(WireError::BadAnswer(format!("{len} bytes that are not a DNS message")));
        };
        // A stray or forged reply carries another ID: keep waiting for ours (RFC 5452 §9.1).
        if reply.metadata.id != request.metadata.id || reply.metadata.message_type != MessageType::Response {
            continue;
        }
        let addresses = reply
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                RData::AAAA(a) => Some(IpAddr::V6(a.0)),
                _ => None,
            })
            .collect();
        let code: u16 = reply.metadata.response_code.into();
        return Ok(WireExchange { query: query_bytes, answer, response_code: rcode_name(code), addresses });
    }
}

fn classify(e: io::Error) -> WireError {
    if e.kind() == io::ErrorKind::ConnectionRefused { WireError::Refused } else { WireError::Io(e) }
}

/// Is this answer a definite "no such name"?
pub fn is_nxdomain(exchange: &WireExchange) -> bool {
    exchange.response_code == rcode_name(ResponseCode::NXDomain.into())
}

/// The first nameserver in a resolv.conf text, on port 53.
pub fn nameserver_from_resolv_conf(text: &str) -> Option<SocketAddr> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter_map(|l| l.strip_prefix("nameserver"))
        .filter_map(|rest| rest.trim().split('%').next()?.parse::<IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .next()
}

/// The system's configured nameserver (Unix: /etc/resolv.conf).
pub fn system_nameserver() -> Result<SocketAddr, String> {
    let text = std::fs::read_to_string("/etc/resolv.conf").map_err(|e| format!("cannot read /etc/resolv.conf: {e}"))?;
    nameserver_from_resolv_conf(&text).ok_or_else(|| "/etc/resolv.conf names no nameserver".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_first_nameserver() {
        let text = "# generated\nsearch lan\nnameserver 192.0.2.53 # primary\nnameserver 2001:db8::53\n";
        assert_eq!(nameserver_from_resolv_conf(text), Some("192.0.2.53:53".parse().unwrap()));
        assert_eq!(nameserver_from_resolv_conf("nameserver fe80::1%eth0\n"), Some("[fe80::1]:53".parse().unwrap()));
        assert_eq!(nameserver_from_resolv_conf("search lan\n"), None);
    }

    #[test]
    fn a_closed_port_is_refused_not_a_hang() {
        // Bind and drop a socket so the port is (very likely) closed on loopback.
        let port = UdpSocket::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let server = SocketAddr::from(([127, 0, 0, 1], port));
        let result = query(server, "www.demo.test", RecordType::A, Duration::from_secs(5), &|| false);
        assert!(matches!(result, Err(WireError::Refused)), "{result:?}");
    }

    #[test]
    fn cancelling_ends_the_wait() {
        let silent = UdpSocket::bind("127.0.0.1:0").unwrap(); // bound but never answers
        let result =
            query(silent.local_addr().unwrap(), "www.demo.test", RecordType::A, Duration::from_secs(30), &|| true);
        assert!(matches!(result, Err(WireError::Cancelled)), "{result:?}");
    }
}
