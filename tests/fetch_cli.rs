//! The `netlens` binary as a user runs it: `netlens fetch` against the demo services, and
//! `netlens serve` itself.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const NETLENS: &str = env!("CARGO_BIN_EXE_netlens");

fn netlens(args: &[&str]) -> Output {
    Command::new(NETLENS).args(args).output().expect("run netlens")
}

fn fetch_json(demo: &common::Demo, url: &str, extra: &[&str]) -> (Output, Value) {
    let dns = demo.addresses.dns.to_string();
    let mut args = vec!["fetch", url, "--format", "json", "--dns-server", &dns];
    args.extend_from_slice(extra);
    let out = netlens(&args);
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out, json)
}

fn stderr_line(out: &Output) -> String {
    let text = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(text.trim_end().lines().count(), 1, "one line of reason: {text:?}");
    text
}

#[test]
fn json_lists_the_page_then_its_subresources_with_every_field() {
    let demo = common::start_demo();
    let (out, json) = fetch_json(&demo, &demo.url("/"), &[]);
    assert!(out.status.success());
    assert_eq!(json["url"], demo.url("/"));
    let exchanges = json["exchanges"].as_array().unwrap();
    assert!(exchanges.len() >= 6, "page + 3 images + stylesheet + script");
    let page = &exchanges[0];
    assert_eq!(page["initiator"], Value::Null);
    assert_eq!(page["response"]["status"], 200);
    assert_eq!(page["response"]["reason"], "OK");
    assert!(page["request"]["raw"].as_str().unwrap().starts_with("GET / HTTP/1.1\r\n"));
    assert!(page["response"]["raw_head"].as_str().unwrap().starts_with("HTTP/1.1 200 OK\r\n"));
    assert_eq!(page["response"]["headers"][0].as_array().unwrap().len(), 2, "[name, value] pairs");
    assert_eq!(page["dns"]["source"], "demo");
    assert_eq!(page["dns"]["addresses"][0], "127.0.0.1");
    assert!(page["dns"]["query_hex"].as_str().unwrap().len() > 24);
    assert!(page["dns"]["answer_hex"].as_str().unwrap().len() > 24);
    assert_eq!(page["connect"]["reused"], false);
    assert_eq!(page["tls"], Value::Null);
    assert_eq!(page["error"], Value::Null);
    for key in ["dns", "connect", "tls", "send", "wait", "download", "total"] {
        assert!(page["timings_ms"].get(key).is_some(), "timings_ms.{key}");
    }
    assert!(page["timings_ms"]["total"].as_f64().unwrap() > 0.0);
    let images: Vec<_> = exchanges.iter().filter(|e| e["role"] == "image").collect();
    assert_eq!(images.len(), 3);
    for image in images {
        assert_eq!(image["initiator"], demo.url("/"));
        assert_eq!(image["connect"]["reused"], true);
        assert_eq!(image["response"]["status"], 200);
    }
}

#[test]
fn a_redirect_chain_is_listed_hop_by_hop() {
    let demo = common::start_demo();
    let (out, json) = fetch_json(&demo, &demo.url("/moved"), &["--no-subresources"]);
    assert!(out.status.success());
    let statuses: Vec<_> =
        json["exchanges"].as_array().unwrap().iter().map(|e| e["response"]["status"].clone()).collect();
    assert_eq!(statuses, [Value::from(301), Value::from(200)]);
    assert_eq!(json["exchanges"][1]["initiator"], demo.url("/moved"));
}

#[test]
fn any_http_status_exits_zero() {
    let demo = common::start_demo();
    for (path, status) in [("/missing", 404), ("/error", 500), ("/chunked", 200), ("/gzip", 200)] {
        let (out, json) = fetch_json(&demo, &demo.url(path), &["--no-subresources"]);
        assert!(out.status.success(), "{path}");
        assert_eq!(json["exchanges"][0]["response"]["status"], status, "{path}");
    }
}

#[test]
fn text_output_reads_like_curl_verbose_with_timings() {
    let demo = common::start_demo();
    let dns = demo.addresses.dns.to_string();
    let out = netlens(&["fetch", &demo.url("/gzip"), "--dns-server", &dns, "--no-subresources"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\n> GET /gzip HTTP/1.1\n"), "{text}");
    assert!(text.contains("\n< HTTP/1.1 200 OK\n"));
    assert!(text.contains("< Content-Encoding: gzip"));
    assert!(text.contains("* timings (ms): dns "));
    assert!(text.contains("compressed (gzip)"));
}

/// Runs `netlens` and returns its peak resident memory in KiB, read from the kernel's rusage for
/// exactly that child.
#[allow(clippy::zombie_processes)] // reaped by wait4 below, which also gives its rusage
fn peak_memory_kib(args: &[&str]) -> (i32, i64) {
    let child = Command::new(NETLENS).args(args).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, zero is a valid value; wait4 fills it for our own child,
    // which has not been waited for (we never call child.wait()).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(rc, pid);
    (libc::WEXITSTATUS(status), usage.ru_maxrss)
}

#[test]
fn fifty_megabytes_download_in_bounded_memory() {
    let demo = common::start_demo();
    let dns = demo.addresses.dns.to_string();
    let url = demo.url("/bytes/50000000");
    let (code, peak_kib) = peak_memory_kib(&["fetch", &url, "--dns-server", &dns, "--no-subresources"]);
    assert_eq!(code, 0);
    assert!(peak_kib < 64 * 1024, "peak memory {peak_kib} KiB for a 50 MB body");
    let (_, json) = fetch_json(&demo, &url, &["--no-subresources"]);
    assert_eq!(json["exchanges"][0]["response"]["body_bytes"], 50_000_000);
}

#[test]
fn failures_exit_non_zero_with_a_one_line_reason() {
    let demo = common::start_demo();
    let dns = demo.addresses.dns.to_string();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nxdomain = format!("http://nowhere.demo.test:{}/", demo.addresses.http.port());
    let refused = format!("http://127.0.0.1:{closed}/");
    let slow = demo.url("/slow?ms=10000");
    let garbage = format!("http://{}/", common::misbehaving_server(b"220 smtp.example ESMTP\r\n\r\n".to_vec()));
    let cases: [(&[&str], &str); 6] = [
        (&["fetch", &garbage], "netlens: http: "),
        (&["fetch", &nxdomain, "--dns-server", &dns], "netlens: dns: "),
        (&["fetch", &refused], "netlens: connect: "),
        (&["fetch", &slow, "--dns-server", &dns, "--timeout", "0.5"], "netlens: timeout: "),
        (&["fetch", "http://exa mple.test/"], "netlens: malformed URL: "),
        (&["fetch", &demo.https_url("/"), "--dns-server", &dns], "netlens: tls: "),
    ];
    for (args, prefix) in cases {
        let out = netlens(args);
        assert!(!out.status.success(), "{args:?}");
        let line = stderr_line(&out);
        assert!(line.starts_with(prefix), "{args:?}: {line}");
    }
    let out = netlens(&["fetch", "http://x.test/", "--timeout", "soon"]);
    assert!(!out.status.success(), "a bad option value is refused");
}

#[test]
fn https_is_fetched_when_the_demo_authority_is_trusted() {
    let demo = common::start_demo();
    let ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca.path(), &demo.authority_pem).unwrap();
    let ca_path = ca.path().to_str().unwrap();
    let (out, json) = fetch_json(&demo, &demo.https_url("/"), &["--cacert", ca_path, "--no-subresources"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = &json["exchanges"][0];
    assert_eq!(page["tls"]["version"], "TLS 1.3");
    assert_eq!(page["tls"]["alpn"], "http/1.1");
    assert!(page["tls"]["certificate"]["issuer"].as_str().unwrap().contains("netlens demo CA"));
    assert!(page["request"]["raw"].as_str().unwrap().starts_with("GET / HTTP/1.1"));
}

#[test]
fn serve_runs_the_demo_services_until_stopped() {
    let mut child = Command::new(NETLENS)
        .args(["serve", "--port", "0", "--https-port", "0", "--dns-port", "0", "--ca-file"])
        .arg(std::env::temp_dir().join(format!("netlens-test-ca-{}.pem", std::process::id())))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut site = None;
    let mut dns = None;
    for line in lines.by_ref().take(8) {
        let line = line.unwrap();
        if let Some(rest) = line.strip_prefix("netlens demo site") {
            site = rest.split_whitespace().nth(1).map(|u| u.trim_start_matches('(').trim_end_matches(')').to_string());
        }
        if let Some(rest) = line.strip_prefix("netlens demo DNS") {
            dns = rest.split_whitespace().nth(1).map(str::to_string);
        }
        if line.starts_with("press Ctrl-C") {
            break;
        }
    }
    let (site, dns) = (site.expect("site address printed"), dns.expect("DNS address printed"));
    let out = netlens(&["fetch", &format!("{site}missing"), "--dns-server", &dns, "--format", "json"]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["exchanges"][0]["response"]["status"], 404);
    assert_eq!(json["exchanges"][0]["dns"]["source"], "demo");
}
