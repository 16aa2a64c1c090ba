//! Headless chromium driven over its DevTools protocol: start it, open a page, evaluate script,
//! press keys, take a screenshot, and keep every console error and uncaught exception the page
//! reports. Chromium is told to stay off the network except for the loopback page it is given.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

pub struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    /// Console errors and uncaught exceptions, as text.
    pub errors: Vec<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts headless chromium (software WebGL) and attaches to its first page.
    pub fn start(chromium: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--use-gl=swiftshader",
                "--enable-unsafe-swiftshader",
                "--remote-debugging-port=0",
                "--window-size=1280,800",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-default-apps",
                "--disable-sync",
                "--disable-extensions",
                "--metrics-recording-only",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let port = devtools_port(&mut child);
        let page_url = page_socket(port);
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let (socket, _) = tungstenite::client(page_url.as_str(), stream).expect("attach to the page");
        let mut browser = Browser { child, socket, next_id: 1, errors: Vec::new(), _profile: profile };
        browser.call("Runtime.enable", json!({}));
        browser.call("Page.enable", json!({}));
        browser
    }

    /// Sends a command and waits for its answer (events that arrive meanwhile are kept).
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket.send(Message::text(message)).expect("send to chromium");
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            assert!(Instant::now() < deadline, "chromium did not answer {method}");
            let Some(reply) = self.receive() else { continue };
            if reply["id"] == id {
                assert!(reply.get("error").is_none(), "{method} failed: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// One message, if one came within the read timeout; events are noted.
    fn receive(&mut self) -> Option<Value> {
        let text = match self.socket.read() {
            Ok(Message::Text(text)) => text.to_string(),
            Ok(_) => return None,
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
            {
                return None;
            }
            Err(e) => panic!("the connection to chromium broke: {e}"),
        };
        let value: Value = serde_json::from_str(&text).ok()?;
        match value["method"].as_str() {
            Some("Runtime.consoleAPICalled") if value["params"]["type"] == "error" => {
                let args = value["params"]["args"].as_array().cloned().unwrap_or_default();
                let text: Vec<String> =
                    args.iter().map(|a| a["value"].as_str().map_or_else(|| a.to_string(), str::to_string)).collect();
                self.errors.push(text.join(" "));
            }
            Some("Runtime.exceptionThrown") => self.errors.push(value["params"]["exceptionDetails"].to_string()),
            _ => {}
        }
        Some(value)
    }

    pub fn navigate(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
    }

    /// The value of a script expression (JSON-serialisable).
    pub fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true }));
        result["result"]["value"].clone()
    }

    /// Polls `expression` until it gives something for which `done` is true, or panics with
    /// `what` after `limit`.
    pub fn wait_for(&mut self, expression: &str, limit: Duration, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let value = self.evaluate(expression);
            if done(&value) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not happen within {limit:?}; last: {value}; errors: {:?}",
                self.errors
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Presses and releases a key (`key` as the DOM names it, with its Windows key code).
    pub fn press(&mut self, key: &str, code: u32) {
        for kind in ["rawKeyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "nativeVirtualKeyCode": code }),
            );
        }
    }

    /// A left click at a point of the page (CSS pixels).
    pub fn click(&mut self, x: f64, y: f64) {
        self.call("Input.dispatchMouseEvent", json!({ "type": "mouseMoved", "x": x, "y": y }));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// Drops a file from this computer on a point of the page, as a user dragging it there.
    pub fn drop_file(&mut self, x: f64, y: f64, path: &std::path::Path) {
        let data = json!({ "items": [], "files": [path.display().to_string()], "dragOperationsMask": 1 });
        for kind in ["dragEnter", "dragOver", "drop"] {
            self.call("Input.dispatchDragEvent", json!({ "type": kind, "x": x, "y": y, "data": data }));
        }
    }

    /// Downloads go to `folder` without asking.
    pub fn allow_downloads(&mut self, folder: &std::path::Path) {
        self.call(
            "Page.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": folder.display().to_string() }),
        );
    }

    /// The page as a PNG.
    pub fn screenshot(&mut self) -> Vec<u8> {
        use base64::Engine as _;
        let result = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        base64::engine::general_purpose::STANDARD.decode(result["data"].as_str().unwrap()).unwrap()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Reads chromium's "DevTools listening on ws://127.0.0.1:PORT/…" line; the rest of its log is
/// drained so it never blocks on a full pipe.
fn devtools_port(child: &mut Child) -> u16 {
    let stderr = child.stderr.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("ws://127.0.0.1:").nth(1) {
                let _ = sender.send(rest.split('/').next().and_then(|p| p.parse::<u16>().ok()));
            }
        }
    });
    receiver
        .recv_timeout(Duration::from_secs(60))
        .ok()
        .flatten()
        .expect("chromium did not say where its DevTools listen")
}

/// The WebSocket address of the browser's page target.
fn page_socket(port: u16) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(stream, "GET /json/list HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
        let text = read_http_answer(&mut stream);
        let body = text.split("\r\n\r\n").nth(1).unwrap_or_default();
        let targets: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let page = targets.as_array().and_then(|t| t.iter().find(|t| t["type"] == "page")).cloned();
        if let Some(url) = page.and_then(|p| p["webSocketDebuggerUrl"].as_str().map(str::to_string)) {
            return url;
        }
        assert!(Instant::now() < deadline, "chromium has no page to attach to: {body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// An HTTP answer read up to its Content-Length (chromium keeps the connection open).
fn read_http_answer(stream: &mut TcpStream) -> String {
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .and_then(|v| v.parse::<usize>().ok());
            if length.is_some_and(|n| body.len() >= n) {
                return text;
            }
        }
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&bytes).into_owned(),
            Ok(n) => bytes.extend_from_slice(&buffer[..n]),
        }
    }
}
