//! "Copy as curl": a request as the curl command that sends the same request. Headers curl
//! would write itself (Host, and the ones ureq adds the same way) are left to curl; the rest
//! are passed with -H. A name under `.test` (the demo site's) is not in any public DNS, so the
//! command pins it to the address netlens connected to with --resolve, and runs as it is.
//! Cookie and Authorization values are secrets: they are replaced unless `keep_secrets`.

use crate::record::Exchange;
use crate::wire::http_head::parse_head;

/// Headers whose values are credentials (requests) or set them (responses).
pub const SECRET_HEADERS: [&str; 3] = ["cookie", "set-cookie", "authorization"];

/// What a redacted value is replaced with.
pub const REDACTED: &str = "[redacted by netlens]";

/// Whether `name`'s value is a secret.
pub fn is_secret(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// The curl command line for the exchange's request.
pub fn command(exchange: &Exchange, keep_secrets: bool) -> String {
    let mut parts = vec!["curl".to_string()];
    if let Some(head) = parse_head(exchange.request.kept()) {
        let method = head.start_line.split(' ').next().unwrap_or("GET");
        if method != "GET" {
            parts.push(format!("-X {}", quote(method)));
        }
        for (name, value) in &head.headers {
            if name.eq_ignore_ascii_case("host") {
                continue;
            }
            let value = if is_secret(name) && !keep_secrets { REDACTED } else { value.as_str() };
            parts.push(format!("-H {}", quote(&format!("{name}: {value}"))));
        }
        if head.headers.iter().any(|(n, v)| n.eq_ignore_ascii_case("accept-encoding") && v.contains("gzip")) {
            // Let curl undo the gzip the request asked for, as netlens did.
            parts.push("--compressed".to_string());
        }
    }
    if let (Ok(url), Some(connect)) = (url::Url::parse(&exchange.url), &exchange.connect)
        && let Some(host) = url.host_str()
        && host.ends_with(".test")
    {
        let port = url.port_or_known_default().unwrap_or(80);
        let ip = match connect.remote.ip() {
            std::net::IpAddr::V6(v6) => format!("[{v6}]"),
            v4 => v4.to_string(),
        };
        parts.push(format!("--resolve {}", quote(&format!("{host}:{port}:{ip}"))));
    }
    parts.push(quote(&exchange.url));
    parts.join(" ")
}

/// A shell word in single quotes (a quote inside becomes '\'').
fn quote(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    format!("'{}'", clean.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{ConnectInfo, ExchangeRole};

    /// A request as the client sent it, with credentials in it.
    fn exchange_with_secrets() -> Exchange {
        let mut e = Exchange::new(0, "http://www.demo.test:8080/a?x=1".into(), None, ExchangeRole::Page, 0);
        e.request = crate::record::CappedBytes::with_cap(4096);
        e.request.push(
            b"GET /a?x=1 HTTP/1.1\r\nHost: www.demo.test:8080\r\nCookie: session=s3cr3t; theme=dark\r\n\
              Authorization: Bearer t0ken\r\nAccept-Encoding: gzip\r\nX-Note: it's\r\n\r\n",
        );
        e.connect = Some(ConnectInfo {
            connection: 1,
            remote: "127.0.0.1:8080".parse().unwrap(),
            local: "127.0.0.1:50000".parse().unwrap(),
            reused: false,
        });
        e
    }

    #[test]
    fn secrets_are_redacted_unless_kept_and_the_command_is_shell_safe() {
        let e = exchange_with_secrets();
        let redacted = command(&e, false);
        assert!(!redacted.contains("s3cr3t") && !redacted.contains("t0ken"), "{redacted}");
        assert!(redacted.contains(&format!("-H 'Cookie: {REDACTED}'")), "{redacted}");
        assert!(redacted.contains(&format!("-H 'Authorization: {REDACTED}'")), "{redacted}");
        let kept = command(&e, true);
        assert!(kept.contains("-H 'Cookie: session=s3cr3t; theme=dark'") && kept.contains("Bearer t0ken"), "{kept}");
        // Host is curl's to write; the demo name is pinned to the address used; quotes survive.
        assert!(!kept.contains("Host:"), "{kept}");
        assert!(kept.contains("--resolve 'www.demo.test:8080:127.0.0.1'"), "{kept}");
        assert!(kept.contains(r"-H 'X-Note: it'\''s'"), "{kept}");
        assert!(kept.contains("--compressed") && kept.ends_with("'http://www.demo.test:8080/a?x=1'"), "{kept}");
    }
}
