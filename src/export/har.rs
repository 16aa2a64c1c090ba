//! A page load as HAR 1.2 (<http://www.softwareishard.com/blog/har-12-spec/>), the format the
//! DevTools Network panels of Chrome, Firefox and Safari import. One page, one entry per request
//! in the order they started. Times come from the same clock as the Fetch view's waterfall:
//! `dns`, `connect` (which includes `ssl`, as HAR says), `send`, `wait` and `receive` are the
//! phases netlens measured, `blocked` is the rest of the request's time that no phase accounts
//! for (before the first phase and between phases), and `time` is their sum — the request's
//! whole measured time. Cookie, Set-Cookie and
//! Authorization values are replaced unless `keep_secrets`.

use std::borrow::Borrow;
use std::time::Duration;

use web_time::SystemTime;

use base64::Engine;
use serde_json::{Value, json};

use super::curl::{REDACTED, is_secret};
use crate::record::{Exchange, Span};
use crate::wire::http_head::parse_head;

/// The HAR document for a load of `url` that started at `started` (wall clock).
pub fn document<E: Borrow<Exchange>>(url: &str, exchanges: &[E], started: SystemTime, keep_secrets: bool) -> Value {
    let exchanges: Vec<&Exchange> = exchanges.iter().map(Borrow::borrow).collect();
    let origin_us = exchanges.iter().map(|e| e.timings.start_us).min().unwrap_or(0);
    let on_load_us = exchanges.iter().filter_map(|e| e.timings.end_us).max().map(|end| end.saturating_sub(origin_us));
    let at = |t_us: u64| iso8601(started + Duration::from_micros(t_us.saturating_sub(origin_us)));
    let entries: Vec<Value> = exchanges.iter().map(|e| entry(e, at(e.timings.start_us), keep_secrets)).collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": { "name": "netlens", "version": env!("CARGO_PKG_VERSION") },
            "pages": [{
                "startedDateTime": at(origin_us),
                "id": "page_1",
                "title": url,
                "pageTimings": {
                    "onContentLoad": -1,
                    "onLoad": on_load_us.map_or(-1.0, ms),
                },
            }],
            "entries": entries,
            "comment": if keep_secrets { "" } else { "Cookie, Set-Cookie and Authorization values are redacted." },
        }
    })
}

fn ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn span_ms(span: Option<Span>) -> f64 {
    span.map_or(-1.0, |s| ms(s.end_us.saturating_sub(s.start_us)))
}

/// The entry's `timings` and `time` (the sum of the timings that apply, `ssl` excluded since
/// `connect` includes it).
pub fn timings(e: &Exchange) -> (Value, f64) {
    let t = &e.timings;
    let dns = span_ms(t.dns);
    let ssl = span_ms(t.tls);
    let connect = match (t.connect, t.tls) {
        (Some(c), Some(s)) => ms(c.end_us.max(s.end_us).saturating_sub(c.start_us)),
        (Some(c), None) => ms(c.end_us.saturating_sub(c.start_us)),
        (None, _) => -1.0,
    };
    let send = span_ms(t.send).max(0.0);
    let wait = span_ms(t.wait).max(0.0);
    let receive = span_ms(t.download).max(0.0);
    let phases: f64 = [dns, connect, send, wait, receive].iter().filter(|v| **v >= 0.0).sum();
    // `blocked` takes the time no phase accounts for (before the first, and between phases),
    // so `time` is the request's whole measured time, as the waterfall shows it.
    let blocked = match t.total() {
        Some(total) => (ms(total.end_us.saturating_sub(total.start_us)) - phases).max(0.0),
        None => -1.0,
    };
    let time = phases + blocked.max(0.0);
    let timings = json!({
        "blocked": blocked, "dns": dns, "connect": connect, "ssl": ssl,
        "send": send, "wait": wait, "receive": receive,
    });
    (timings, time)
}

fn entry(e: &Exchange, started: String, keep_secrets: bool) -> Value {
    let (timings, time) = timings(e);
    let mut entry = json!({
        "pageref": "page_1",
        "startedDateTime": started,
        "time": time,
        "request": request(e, keep_secrets),
        "response": response(e, keep_secrets),
        "cache": {},
        "timings": timings,
    });
    if let Some(connect) = &e.connect {
        entry["serverIPAddress"] = json!(connect.remote.ip().to_string());
        entry["connection"] = json!(connect.connection.to_string());
    }
    if let Some(error) = &e.error {
        entry["_error"] = json!(error.message);
    }
    entry
}

fn headers(list: &[(String, String)], keep_secrets: bool) -> Vec<Value> {
    list.iter()
        .map(|(name, value)| {
            let value = if is_secret(name) && !keep_secrets { REDACTED } else { value.as_str() };
            json!({ "name": name, "value": value })
        })
        .collect()
}

fn request(e: &Exchange, keep_secrets: bool) -> Value {
    let head = parse_head(e.request.kept());
    let (method, version) = head.as_ref().map_or((e.method.clone(), "HTTP/1.1".to_string()), |h| {
        let mut words = h.start_line.split(' ');
        let method = words.next().unwrap_or("GET").to_string();
        (method, words.nth(1).unwrap_or("HTTP/1.1").to_string())
    });
    let list = head.as_ref().map_or(&[][..], |h| &h.headers[..]);
    let cookies: Vec<Value> = list
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .map(|(name, value)| json!({ "name": name, "value": if keep_secrets { value } else { REDACTED } }))
        .collect();
    let query: Vec<Value> = url::Url::parse(&e.url)
        .map(|u| u.query_pairs().map(|(n, v)| json!({ "name": n, "value": v })).collect())
        .unwrap_or_default();
    let (headers_size, body_size) = match &head {
        Some(h) => (h.head_len as i64, e.request.total() as i64 - h.head_len as i64),
        None => (-1, -1),
    };
    json!({
        "method": method,
        "url": e.url,
        "httpVersion": version,
        "cookies": cookies,
        "headers": headers(list, keep_secrets),
        "queryString": query,
        "headersSize": headers_size,
        "bodySize": body_size,
    })
}

fn response(e: &Exchange, keep_secrets: bool) -> Value {
    let Some(head) = &e.head else {
        // No response: HAR still wants the object; status 0 is what browsers write.
        return json!({
            "status": 0, "statusText": "", "httpVersion": "", "cookies": [], "headers": [],
            "content": { "size": 0, "mimeType": "x-unknown" },
            "redirectURL": "", "headersSize": -1, "bodySize": -1,
        });
    };
    let cookies: Vec<Value> = head
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
        .filter_map(|(_, v)| set_cookie(v, keep_secrets))
        .collect();
    let mime = head.header("content-type").unwrap_or("x-unknown").to_string();
    let body_size = e.response.total() as i64 - head.head_len as i64;
    let mut content = json!({ "size": 0, "mimeType": mime });
    if let Some(body) = &e.body {
        let size = body.decoded.total() as i64;
        content["size"] = json!(size);
        content["compression"] = json!(size - body_size);
        let kept = body.decoded.kept();
        match std::str::from_utf8(kept) {
            Ok(text) => content["text"] = json!(text),
            Err(_) => {
                content["text"] = json!(base64::engine::general_purpose::STANDARD.encode(kept));
                content["encoding"] = json!("base64");
            }
        }
        if body.decoded.is_truncated() {
            content["comment"] = json!(format!("text holds the first {} bytes of the body", kept.len()));
        }
    }
    json!({
        "status": head.status,
        "statusText": head.reason,
        "httpVersion": head.version,
        "cookies": cookies,
        "headers": headers(&head.headers, keep_secrets),
        "content": content,
        "redirectURL": head.header("location").unwrap_or(""),
        "headersSize": head.head_len,
        "bodySize": body_size,
    })
}

/// A Set-Cookie value as a HAR cookie: name, value and the attributes HAR names.
fn set_cookie(value: &str, keep_secrets: bool) -> Option<Value> {
    let mut parts = value.split(';');
    let (name, cookie_value) = parts.next()?.trim().split_once('=')?;
    let mut cookie = json!({ "name": name, "value": if keep_secrets { cookie_value } else { REDACTED } });
    for attribute in parts {
        let (key, val) = attribute.trim().split_once('=').unwrap_or((attribute.trim(), ""));
        match key.to_ascii_lowercase().as_str() {
            "path" => cookie["path"] = json!(val),
            "domain" => cookie["domain"] = json!(val),
            "expires" => cookie["expires"] = json!(val),
            "httponly" => cookie["httpOnly"] = json!(true),
            "secure" => cookie["secure"] = json!(true),
            _ => {}
        }
    }
    Some(cookie)
}

/// "2026-12-01T15:08:31.123Z".
pub fn iso8601(t: SystemTime) -> String {
    let since = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let at =
        time::OffsetDateTime::from_unix_timestamp(since.as_secs() as i64).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{CappedBytes, ExchangeRole, ResponseHead};

    fn exchange() -> Exchange {
        let mut e = Exchange::new(0, "http://www.demo.test:8080/a?x=1&y=two".into(), None, ExchangeRole::Page, 1_000);
        e.request = CappedBytes::with_cap(4096);
        e.response = CappedBytes::with_cap(4096);
        e.request.push(b"GET /a?x=1&y=two HTTP/1.1\r\nHost: www.demo.test\r\nCookie: session=s3cr3t\r\nAuthorization: Basic dTpw\r\n\r\n");
        let head = b"HTTP/1.1 200 OK\r\nSet-Cookie: id=abc123; Path=/; HttpOnly\r\nContent-Type: text/plain\r\n\r\n";
        e.response.push(head);
        e.response.push(b"hello");
        e.head = Some(ResponseHead {
            version: "HTTP/1.1".into(),
            status: 200,
            reason: "OK".into(),
            headers: vec![
                ("Set-Cookie".into(), "id=abc123; Path=/; HttpOnly".into()),
                ("Content-Type".into(), "text/plain".into()),
            ],
            head_len: head.len(),
        });
        let mut decoded = CappedBytes::with_cap(1024);
        decoded.push(b"hello");
        e.body = Some(crate::record::BodySummary { decoded, xxh3: String::new(), complete: true });
        e.timings.dns = Some(Span { start_us: 1_000, end_us: 1_500 });
        e.timings.connect = Some(Span { start_us: 1_600, end_us: 2_000 });
        e.timings.send = Some(Span { start_us: 2_000, end_us: 2_100 });
        e.timings.wait = Some(Span { start_us: 2_100, end_us: 3_100 });
        e.timings.download = Some(Span { start_us: 3_100, end_us: 3_300 });
        e.timings.end_us = Some(3_400);
        e
    }

    #[test]
    fn cookies_and_authorization_are_redacted_by_default_and_kept_on_request() {
        let redacted = document("http://www.demo.test:8080/", &[exchange()], SystemTime::UNIX_EPOCH, false).to_string();
        for secret in ["s3cr3t", "dTpw", "abc123"] {
            assert!(!redacted.contains(secret), "{secret} leaked: {redacted}");
        }
        assert!(redacted.contains(REDACTED));
        let kept = document("http://www.demo.test:8080/", &[exchange()], SystemTime::UNIX_EPOCH, true);
        let entry = &kept["log"]["entries"][0];
        assert_eq!(entry["request"]["cookies"][0], json!({"name": "session", "value": "s3cr3t"}));
        assert_eq!(entry["response"]["cookies"][0]["value"], "abc123");
        assert_eq!(entry["response"]["cookies"][0]["httpOnly"], true);
        assert_eq!(entry["response"]["cookies"][0]["path"], "/");
    }

    #[test]
    fn fields_sizes_and_times_follow_the_spec() {
        let har = document("http://www.demo.test:8080/", &[exchange()], SystemTime::UNIX_EPOCH, false);
        let entry = &har["log"]["entries"][0];
        assert_eq!(entry["startedDateTime"], "1970-01-01T00:00:00.000Z");
        assert_eq!(entry["request"]["queryString"][1], json!({"name": "y", "value": "two"}));
        assert_eq!(entry["response"]["content"]["size"], 5);
        assert_eq!(entry["response"]["bodySize"], 5);
        assert_eq!(entry["response"]["content"]["text"], "hello");
        let t = &entry["timings"];
        assert_eq!((t["dns"].as_f64(), t["connect"].as_f64(), t["ssl"].as_f64()), (Some(0.5), Some(0.4), Some(-1.0)));
        // 2.4 ms from start to end: 0.5 + 0.4 + 0.1 + 1.0 + 0.2 = 2.2 in phases, 0.2 blocked.
        assert!((t["blocked"].as_f64().unwrap() - 0.2).abs() < 1e-9, "{t}");
        assert!((entry["time"].as_f64().unwrap() - 2.4).abs() < 1e-9);
        assert_eq!(har["log"]["pages"][0]["pageTimings"]["onLoad"], 2.4);
    }
}
