//! The built-in DNS responder: authoritative for the `demo.test` zone, answering over real UDP so
//! a lookup is an exchange of bytes that can be shown. It answers nothing outside its zone.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use hickory_proto::op::{Message, MessageType, OpCode, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA};
use hickory_proto::rr::{RData, Record, RecordType};
use tokio::net::UdpSocket;

use crate::record::request::is_demo_name;

/// The names that exist in the zone (besides the zone's own name).
pub const DEMO_HOSTS: [&str; 3] = ["www", "api", "img"];
/// How long clients may cache an answer, in seconds.
pub const TTL: u32 = 60;

/// The addresses every demo name maps to.
#[derive(Clone, Copy, Debug)]
pub struct ZoneAddresses {
    pub v4: Ipv4Addr,
    pub v6: Ipv6Addr,
}

impl Default for ZoneAddresses {
    fn default() -> Self {
        Self { v4: Ipv4Addr::LOCALHOST, v6: Ipv6Addr::LOCALHOST }
    }
}

/// Serves queries on `socket` until the task is dropped.
pub async fn serve(socket: UdpSocket, zone: ZoneAddresses) {
    let socket = Arc::new(socket);
    let mut buf = vec![0u8; 4096];
    loop {
        let (len, peer) = match socket.recv_from(&mut buf).await {
            Ok(v) => v,
            Err(e) => {
                // ICMP errors from earlier replies surface here on some systems; keep serving.
                tracing::debug!(error = %e, "DNS responder receive error");
                continue;
            }
        };
        if let Some(reply) = answer(&buf[..len], zone)
            && let Err(e) = socket.send_to(&reply, peer).await
        {
            tracing::debug!(error = %e, %peer, "DNS responder could not reply");
        }
    }
}

/// The reply to one query message, or `None` when the bytes deserve no reply at all (too short
/// to carry an ID, or not a query).
pub fn answer(query: &[u8], zone: ZoneAddresses) -> Option<Vec<u8>> {
    let request = match Message::from_vec(query) {
        Ok(m) => m,
        Err(_) if query.len() >= 2 => {
            let id = u16::from_be_bytes([query[0], query[1]]);
            return Message::error_msg(id, OpCode::Query, ResponseCode::FormErr).to_vec().ok();
        }
        Err(_) => return None,
    };
    if request.metadata.message_type != MessageType::Query {
        return None;
    }
    let mut response = Message::response(request.metadata.id, request.metadata.op_code);
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    response.add_queries(request.queries.clone());
    response.metadata.response_code = decide(&request, zone, &mut response);
    response.to_vec().ok()
}

fn decide(request: &Message, zone: ZoneAddresses, response: &mut Message) -> ResponseCode {
    if request.metadata.op_code != OpCode::Query {
        return ResponseCode::NotImp;
    }
    let [question] = request.queries.as_slice() else {
        return ResponseCode::FormErr;
    };
    let name = question.name().to_ascii().trim_end_matches('.').to_ascii_lowercase();
    if !is_demo_name(&name) {
        // Not our zone, and this is not a recursive resolver.
        return ResponseCode::Refused;
    }
    response.metadata.authoritative = true;
    let host = name.strip_suffix(crate::record::request::DEMO_ZONE).unwrap_or(&name).trim_end_matches('.');
    if !(host.is_empty() || DEMO_HOSTS.contains(&host)) {
        return ResponseCode::NXDomain;
    }
    let owner = question.name().clone();
    match question.query_type() {
        RecordType::A => {
            response.add_answer(Record::from_rdata(owner, TTL, RData::A(A(zone.v4))));
        }
        RecordType::AAAA => {
            response.add_answer(Record::from_rdata(owner, TTL, RData::AAAA(AAAA(zone.v6))));
        }
        // The name exists but has no records of this type: NOERROR with no answers ("NODATA").
        _ => {}
    }
    ResponseCode::NoError
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::op::Query;
    use hickory_proto::rr::Name;

    fn ask(name: &str, rtype: RecordType) -> Message {
        let mut query = Message::query();
        query.metadata.recursion_desired = true;
        query.add_query(Query::query(Name::from_ascii(name).unwrap(), rtype));
        let reply = answer(&query.to_vec().unwrap(), ZoneAddresses::default()).unwrap();
        let reply = Message::from_vec(&reply).unwrap();
        assert_eq!(reply.metadata.id, query.metadata.id, "the reply carries the query's ID");
        reply
    }

    #[test]
    fn demo_hosts_resolve_to_loopback() {
        let reply = ask("www.demo.test.", RecordType::A);
        assert_eq!(reply.metadata.response_code, ResponseCode::NoError);
        assert!(reply.metadata.authoritative);
        assert_eq!(reply.answers.len(), 1);
        assert_eq!(reply.answers[0].data, RData::A(A(Ipv4Addr::LOCALHOST)));
        let reply = ask("IMG.demo.test.", RecordType::AAAA);
        assert_eq!(reply.answers[0].data, RData::AAAA(AAAA(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn other_names_in_the_zone_do_not_exist() {
        let reply = ask("nope.demo.test.", RecordType::A);
        assert_eq!(reply.metadata.response_code, ResponseCode::NXDomain);
        assert!(reply.answers.is_empty());
    }

    #[test]
    fn names_outside_the_zone_are_refused() {
        assert_eq!(ask("example.com.", RecordType::A).metadata.response_code, ResponseCode::Refused);
    }

    #[test]
    fn garbage_gets_formerr_or_nothing() {
        let reply = answer(&[0xab, 0xcd, 0xff], ZoneAddresses::default()).unwrap();
        let reply = Message::from_vec(&reply).unwrap();
        assert_eq!((reply.metadata.id, reply.metadata.response_code), (0xabcd, ResponseCode::FormErr));
        assert!(answer(&[1], ZoneAddresses::default()).is_none());
    }
}
