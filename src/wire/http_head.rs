//! HTTP/1.x message heads read straight from the bytes: a start line, header lines, a blank line,
//! all delimited by CRLF (RFC 9112 §2). Headers are kept in wire order with their original case,
//! which is what a student should see (a parsed header map would sort and fold them).

use crate::record::ResponseHead;

/// The head of a request or response: its first line and its header lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageHead {
    pub start_line: String,
    pub headers: Vec<(String, String)>,
    /// Bytes up to and including the blank line that ends the head.
    pub head_len: usize,
}

/// Where the head ends: the index just past the first empty line (CRLF CRLF, or a bare LF LF,
/// which RFC 9112 §2.2 lets a recipient accept). `None` while the head is incomplete.
pub fn head_end(bytes: &[u8]) -> Option<usize> {
    let mut line_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            let line = &bytes[line_start..i];
            if line.is_empty() || line == b"\r" {
                return Some(i + 1);
            }
            line_start = i + 1;
        }
    }
    None
}

/// Reads a message head. `None` while the blank line has not arrived yet.
pub fn parse_head(bytes: &[u8]) -> Option<MessageHead> {
    let head_len = head_end(bytes)?;
    let text = String::from_utf8_lossy(&bytes[..head_len]);
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let start_line = lines.next().unwrap_or_default().to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .map(|line| match line.split_once(':') {
            Some((name, value)) => (name.to_string(), value.trim().to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect();
    Some(MessageHead { start_line, headers, head_len })
}

/// Why a response head could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeadError {
    Incomplete,
    BadStatusLine(String),
}

/// Reads a response head: `HTTP/1.1 200 OK` and its headers.
pub fn parse_response_head(bytes: &[u8]) -> Result<ResponseHead, HeadError> {
    let head = parse_head(bytes).ok_or(HeadError::Incomplete)?;
    let mut parts = head.start_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let status = parts.next().unwrap_or_default();
    let reason = parts.next().unwrap_or_default();
    let status: u16 = match status.parse() {
        Ok(code) if version.starts_with("HTTP/") && status.len() == 3 => code,
        _ => return Err(HeadError::BadStatusLine(head.start_line)),
    };
    Ok(ResponseHead {
        version: version.to_string(),
        status,
        reason: reason.to_string(),
        headers: head.headers,
        head_len: head.head_len,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESPONSE: &[u8] = b"HTTP/1.1 404 Not Found\r\nDate: Mon, 23 Nov 2026 10:00:00 GMT\r\nServer: netlens-demo\r\nX-Dup: 1\r\nx-dup: 2\r\n\r\n<html>";

    #[test]
    fn response_head_keeps_wire_order_case_and_duplicates() {
        let head = parse_response_head(RESPONSE).unwrap();
        assert_eq!(head.status, 404);
        assert_eq!(head.reason, "Not Found");
        assert_eq!(head.version, "HTTP/1.1");
        let names: Vec<_> = head.headers.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Date", "Server", "X-Dup", "x-dup"]);
        assert_eq!(head.header("server"), Some("netlens-demo"));
        assert_eq!(&RESPONSE[head.head_len..], b"<html>");
    }

    #[test]
    fn an_incomplete_head_is_not_an_error_yet() {
        assert_eq!(parse_response_head(b"HTTP/1.1 200 OK\r\nA: b\r\n"), Err(HeadError::Incomplete));
    }

    #[test]
    fn a_bad_status_line_says_what_it_was() {
        let err = parse_response_head(b"SSH-2.0-OpenSSH\r\n\r\n").unwrap_err();
        assert_eq!(err, HeadError::BadStatusLine("SSH-2.0-OpenSSH".into()));
    }

    #[test]
    fn bare_lf_heads_are_accepted() {
        let head = parse_head(b"GET / HTTP/1.1\nHost: x\n\nbody").unwrap();
        assert_eq!(head.start_line, "GET / HTTP/1.1");
        assert_eq!(head.headers, vec![("Host".to_string(), "x".to_string())]);
        assert_eq!(head.head_len, 24);
    }
}
