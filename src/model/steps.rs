//! The story of one exchange as steps (DNS → connect → TLS → request → response), each with its
//! time and one plain sentence of what happened and why. The Steps tab and `netlens fetch` both
//! tell it from here, so they always agree.

use crate::record::bytes::human_size;
use crate::record::{DnsLookup, DnsSource, Exchange, ExchangeState, Phase, Span};
use crate::wire::status;

/// How a step went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepStatus {
    Done,
    /// Did not need to happen (no DNS for an address, no TLS on http, a reused connection).
    Skipped,
    /// Happening now.
    Running,
    Failed,
    /// Not reached (an earlier step failed, or it has not started yet).
    NotReached,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: &'static str,
    pub status: StepStatus,
    pub millis: Option<f64>,
    pub sentence: String,
}

/// The five steps of an exchange.
pub fn steps(exchange: &Exchange) -> Vec<Step> {
    let failed_at = exchange.error.as_ref().and_then(|e| e.phase);
    let running = match exchange.state {
        ExchangeState::Running(phase) => Some(phase),
        _ => None,
    };
    let error_text = exchange.error.as_ref().map(|e| e.message.clone()).unwrap_or_default();
    // A step's status from the phases it covers.
    let status_of = |phases: &[Phase], happened: bool, skipped: bool| -> StepStatus {
        if failed_at.is_some_and(|p| phases.contains(&p)) {
            StepStatus::Failed
        } else if happened {
            if running.is_some_and(|p| phases.contains(&p)) { StepStatus::Running } else { StepStatus::Done }
        } else if skipped {
            StepStatus::Skipped
        } else if running.is_some_and(|p| phases.contains(&p)) {
            StepStatus::Running
        } else {
            StepStatus::NotReached
        }
    };
    let host = url::Url::parse(&exchange.url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let is_literal = host.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok();
    let reused = exchange.connect.as_ref().is_some_and(|c| c.reused);
    let https = exchange.url.starts_with("https:");
    let t = &exchange.timings;

    let mut out = Vec::with_capacity(5);

    let dns_status = status_of(&[Phase::Dns], exchange.dns.is_some(), is_literal);
    let dns_sentence = match (&exchange.dns, dns_status) {
        (_, StepStatus::Failed) => error_text.clone(),
        (Some(lookup), _) => describe_dns(lookup),
        (None, StepStatus::Skipped) => format!("No lookup needed: the URL names the address {host} directly."),
        _ => format!("Find the IP address of {host}."),
    };
    out.push(Step { title: "DNS", status: dns_status, millis: t.dns.map(Span::millis), sentence: dns_sentence });

    let connect_status = status_of(&[Phase::Connect], t.connect.is_some(), reused);
    let connect_sentence = match (&exchange.connect, connect_status) {
        (_, StepStatus::Failed) => error_text.clone(),
        (Some(c), _) if c.reused => format!(
            "Reused TCP connection #{} to {}, kept open after an earlier request (keep-alive): no new handshake, no new connection cost.",
            c.connection, c.remote
        ),
        (Some(c), _) => format!(
            "Opened TCP connection #{} from {} to {}: the three-way handshake (SYN, SYN-ACK, ACK) set up a reliable byte stream.",
            c.connection, c.local, c.remote
        ),
        _ => "Open a TCP connection to the server's address and port.".to_string(),
    };
    out.push(Step {
        title: "Connect",
        status: connect_status,
        millis: t.connect.map(Span::millis),
        sentence: connect_sentence,
    });

    let tls_status = status_of(&[Phase::Tls], t.tls.is_some(), !https || reused);
    let tls_sentence = match (&exchange.tls, tls_status) {
        (_, StepStatus::Failed) => error_text.clone(),
        (_, _) if !https => {
            "Plain http: nothing is encrypted, so anyone on the path could read or change these bytes.".to_string()
        }
        (Some(tls), StepStatus::Skipped) => {
            format!("The {} session already set up on this connection carries this request too.", tls.version)
        }
        (Some(tls), _) => {
            let cert = tls.certificate.as_ref().map_or_else(String::new, |c| {
                format!(" The server proved its identity with a certificate for {} issued by {}.", c.subject, c.issuer)
            });
            format!(
                "Negotiated {} with cipher suite {}{}.{}",
                tls.version,
                tls.cipher_suite,
                tls.alpn.as_ref().map_or_else(String::new, |a| format!(" and application protocol {a}")),
                cert
            )
        }
        _ => "Agree on encryption keys with the server and check its certificate.".to_string(),
    };
    out.push(Step { title: "TLS", status: tls_status, millis: t.tls.map(Span::millis), sentence: tls_sentence });

    let request_status = status_of(&[Phase::Send], t.send.is_some(), false);
    let request_sentence = match request_status {
        StepStatus::Failed => error_text.clone(),
        _ if !exchange.request.is_empty() => {
            let head = crate::wire::http_head::parse_head(exchange.request.kept());
            let (line, headers) = head.map_or_else(|| (String::new(), 0), |h| (h.start_line, h.headers.len()));
            format!(
                "Sent the request \"{line}\": {} in all, with {headers} header lines and a blank line (CRLF CRLF) marking the end.",
                human_size(exchange.request.total())
            )
        }
        _ => "Send the request: a text message naming the method, the path and some headers.".to_string(),
    };
    out.push(Step {
        title: "Request",
        status: request_status,
        millis: t.send.map(Span::millis),
        sentence: request_sentence,
    });

    let response_status = status_of(&[Phase::Wait, Phase::Download], exchange.head.is_some(), false);
    let response_millis = match (t.wait, t.download) {
        (Some(w), Some(d)) => Some(w.millis() + d.millis()),
        (Some(w), None) => Some(w.millis()),
        _ => None,
    };
    let response_sentence = match (&exchange.head, response_status) {
        (_, StepStatus::Failed) => error_text.clone(),
        (Some(head), _) => {
            let wait = t.wait.map_or_else(String::new, |w| format!(" after {:.2} ms of waiting", w.millis()));
            let body = exchange.body.as_ref().map_or(0, |b| b.decoded.total());
            let kind = head.header("Content-Type").unwrap_or("unknown type");
            let mut text = format!(
                "The server answered {} {}{wait}: {} {}",
                head.status,
                head.reason,
                status::explain(head.status),
                if exchange.is_finished() {
                    format!("Body: {} of {kind}.", human_size(body))
                } else {
                    "The body is arriving…".to_string()
                }
            );
            if head.header("Transfer-Encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
                text.push_str(" It came in chunks (Transfer-Encoding: chunked), each preceded by its length.");
            }
            if let Some(encoding) = head.header("Content-Encoding") {
                let wire = exchange.response.total().saturating_sub(head.head_len as u64);
                text.push_str(&format!(
                    " It was compressed ({encoding}): {} on the wire, {} after decompressing.",
                    human_size(wire),
                    human_size(body)
                ));
            }
            text
        }
        _ => "Wait for the server's answer: a status line, headers, a blank line, then the body.".to_string(),
    };
    out.push(Step { title: "Response", status: response_status, millis: response_millis, sentence: response_sentence });

    // Nothing after a failure happened, even a step that would have been skipped anyway.
    if let Some(failed) = out.iter().position(|s| s.status == StepStatus::Failed) {
        for step in &mut out[failed + 1..] {
            step.status = StepStatus::NotReached;
        }
    }
    out
}

fn describe_dns(lookup: &DnsLookup) -> String {
    let answer = if lookup.addresses.is_empty() {
        "no address".to_string()
    } else {
        lookup.addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
    };
    if lookup.cached {
        return format!(
            "Already looked up earlier in this page load: {} is {answer}. No new query was sent.",
            lookup.name
        );
    }
    let code = lookup.response_code.as_deref().unwrap_or("?");
    match (lookup.source, lookup.server) {
        (DnsSource::Demo, Some(server)) => format!(
            "Asked the built-in demo DNS responder at {server} (one UDP datagram each way) for the {} record of {}; it answered {answer} ({code}).",
            lookup.record_type, lookup.name
        ),
        (DnsSource::Wire, Some(server)) => format!(
            "Sent a UDP query for the {} record of {} to the system's nameserver {server}; it answered {answer} ({code}).",
            lookup.record_type, lookup.name
        ),
        _ => format!(
            "Asked the operating system's resolver for {}: {answer}. Its packets are not visible to netlens; choose DNS \"wire\" to send the query ourselves and see its bytes.",
            lookup.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ErrorKind, ExchangeRole, FetchError};

    fn exchange(url: &str) -> Exchange {
        Exchange::new(0, url.into(), None, ExchangeRole::Page, 0)
    }

    #[test]
    fn a_failed_connect_is_shown_at_the_connect_step_and_later_steps_are_not_reached() {
        let mut e = exchange("http://127.0.0.1:9/");
        e.state = ExchangeState::Failed;
        e.error = Some(FetchError::new(ErrorKind::Connect, Some(Phase::Connect), "connection refused by 127.0.0.1:9"));
        let steps = steps(&e);
        let statuses: Vec<_> = steps.iter().map(|s| s.status).collect();
        assert_eq!(
            statuses,
            [
                StepStatus::Skipped,
                StepStatus::Failed,
                StepStatus::NotReached,
                StepStatus::NotReached,
                StepStatus::NotReached
            ]
        );
        assert!(steps[1].sentence.contains("refused"));
        assert!(steps[0].sentence.contains("directly"));
    }

    #[test]
    fn a_dns_failure_is_shown_at_the_dns_step() {
        let mut e = exchange("http://nope.demo.test/");
        e.state = ExchangeState::Failed;
        e.error = Some(FetchError::new(ErrorKind::Dns, Some(Phase::Dns), "nope.demo.test does not exist"));
        let steps = steps(&e);
        assert_eq!(steps[0].status, StepStatus::Failed);
        assert_eq!(steps[0].sentence, "nope.demo.test does not exist");
        assert_eq!(steps[1].status, StepStatus::NotReached);
    }
}
