//! Turns what went wrong inside ureq into a [`FetchError`]: the kind, the phase it happened in,
//! and a sentence a student can act on. A resolver's or connector's own explanation, when it
//! left one, is better than ureq's and wins.

use std::io;

use crate::record::{ErrorKind, FetchError, FetchOptions, Phase};

/// `phase` is where the exchange was when it failed; `failure` is an explanation a resolver or
/// connector noted; `cancelled` says the user pressed Stop.
pub fn classify(
    error: ureq::Error,
    phase: Phase,
    failure: Option<(Phase, String)>,
    cancelled: bool,
    options: &FetchOptions,
) -> FetchError {
    if cancelled {
        return FetchError::new(ErrorKind::Cancelled, Some(phase), "stopped");
    }
    if let ureq::Error::Timeout(reason) = &error {
        let phase = failure.as_ref().map_or(phase, |(p, _)| *p);
        let message = failure.map_or_else(|| timeout_message(*reason, phase, options), |(_, m)| m);
        return FetchError::new(ErrorKind::Timeout, Some(phase), message);
    }
    if let Some((phase, message)) = failure {
        let kind = match phase {
            Phase::Dns => ErrorKind::Dns,
            Phase::Connect => ErrorKind::Connect,
            Phase::Tls => ErrorKind::Tls,
            _ => ErrorKind::Io,
        };
        return FetchError::new(kind, Some(phase), message);
    }
    match error {
        ureq::Error::HostNotFound => {
            FetchError::new(ErrorKind::Dns, Some(Phase::Dns), "the host name could not be resolved to an address")
        }
        ureq::Error::BadUri(m) => FetchError::new(ErrorKind::Url, None, format!("the URL cannot be requested: {m}")),
        ureq::Error::Protocol(e) => malformed(phase, &e.to_string()),
        ureq::Error::Http(e) => malformed(phase, &e.to_string()),
        ureq::Error::LargeResponseHeader(size, limit) => {
            malformed(phase, &format!("its head is larger than {limit} bytes (at least {size})"))
        }
        ureq::Error::Decompress(what, e) => FetchError::new(
            ErrorKind::Http,
            Some(Phase::Download),
            format!("the {what} body could not be decompressed: {e}"),
        ),
        ureq::Error::Tls(m) => FetchError::new(ErrorKind::Tls, Some(Phase::Tls), format!("TLS failed: {m}")),
        ureq::Error::Io(e) => io_error(&e, phase),
        other => FetchError::new(ErrorKind::Io, Some(phase), other.to_string()),
    }
}

fn malformed(phase: Phase, detail: &str) -> FetchError {
    let phase = if phase < Phase::Wait { Phase::Wait } else { phase };
    FetchError::new(ErrorKind::Http, Some(phase), format!("the server's answer is not valid HTTP/1.1: {detail}"))
}

fn io_error(e: &io::Error, phase: Phase) -> FetchError {
    let message = match (e.kind(), phase) {
        (
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted,
            Phase::Send | Phase::Wait,
        ) => "the server closed the connection without answering".to_string(),
        (
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted,
            Phase::Download,
        ) => "the server closed the connection before the whole body arrived".to_string(),
        (io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock, _) => {
            return FetchError::new(ErrorKind::Timeout, Some(phase), format!("timed out during {}", phase.name()));
        }
        _ => format!("the connection failed during {}: {e}", phase.name()),
    };
    FetchError::new(ErrorKind::Io, Some(phase), message)
}

fn timeout_message(reason: ureq::Timeout, phase: Phase, options: &FetchOptions) -> String {
    let secs = |d: std::time::Duration| format!("{:.1} s", d.as_secs_f64());
    match reason {
        ureq::Timeout::Connect => {
            format!("the connection was not established within the connect timeout ({})", secs(options.connect_timeout))
        }
        ureq::Timeout::PerCall | ureq::Timeout::Global => {
            format!(
                "the request took longer than the total timeout ({}) and was abandoned during {}",
                secs(options.total_timeout),
                phase.name()
            )
        }
        ureq::Timeout::Resolve => "the name lookup took too long".to_string(),
        _ => format!(
            "the server sent nothing for {} (the read timeout) during {}",
            secs(options.read_timeout),
            phase.name()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> FetchOptions {
        FetchOptions::default()
    }

    #[test]
    fn a_noted_explanation_wins_and_sets_the_kind() {
        let e = classify(
            ureq::Error::HostNotFound,
            Phase::Dns,
            Some((Phase::Dns, "x does not exist".into())),
            false,
            &options(),
        );
        assert_eq!((e.kind, e.phase, e.message.as_str()), (ErrorKind::Dns, Some(Phase::Dns), "x does not exist"));
        let io = ureq::Error::Io(io::Error::from(io::ErrorKind::ConnectionRefused));
        let e = classify(io, Phase::Connect, Some((Phase::Connect, "refused".into())), false, &options());
        assert_eq!(e.kind, ErrorKind::Connect);
    }

    #[test]
    fn timeouts_say_which_limit() {
        let e = classify(ureq::Error::Timeout(ureq::Timeout::PerCall), Phase::Wait, None, false, &options());
        assert_eq!((e.kind, e.phase), (ErrorKind::Timeout, Some(Phase::Wait)));
        assert!(e.message.contains("total timeout"), "{}", e.message);
    }

    #[test]
    fn stop_beats_everything() {
        let e = classify(ureq::Error::HostNotFound, Phase::Download, None, true, &options());
        assert_eq!(e.kind, ErrorKind::Cancelled);
    }

    #[test]
    fn an_early_close_is_explained_by_phase() {
        let eof = || ureq::Error::Io(io::Error::from(io::ErrorKind::UnexpectedEof));
        assert!(classify(eof(), Phase::Wait, None, false, &options()).message.contains("without answering"));
        assert!(classify(eof(), Phase::Download, None, false, &options()).message.contains("whole body"));
    }
}
