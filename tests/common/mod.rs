//! Shared set-up for integration tests: the demo services on loopback, on ports the system picks.

#![allow(dead_code)]

pub mod process;
pub mod ui;

use std::sync::mpsc;
use std::time::Duration;

use netlens::net::demo::{DemoConfig, DemoServices};
use netlens::record::{DemoAddresses, FetchOptions};

/// The demo services running on their own runtime thread; they stop when this is dropped.
pub struct Demo {
    pub addresses: DemoAddresses,
    pub authority_pem: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Demo {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// A test that cannot run here says why and returns — except with `CI=true`, where a skipped
/// test is a failure (`.ci/run` installs what every test needs).
pub fn skip(reason: &str) {
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "CI=true, and this test cannot run: {reason} (.ci/run installs what the tests need)"
    );
    eprintln!("skipped: {reason}");
}

/// Starts the demo site (http and https) and DNS responder on free loopback ports.
pub fn start_demo() -> Demo {
    start_demo_with(DemoConfig::ephemeral())
}

/// Starts the demo services with `config` (free loopback ports unless it says otherwise).
pub fn start_demo_with(config: DemoConfig) -> Demo {
    let (ready_tx, ready_rx) = mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        runtime.block_on(async move {
            let services = DemoServices::start(&config).await.expect("demo services start");
            ready_tx.send((services.addresses.clone(), services.authority_pem.clone().unwrap())).unwrap();
            let _ = stop_rx.await;
            drop(services);
        });
    });
    let (addresses, authority_pem) = ready_rx.recv_timeout(Duration::from_secs(30)).expect("demo started in time");
    Demo { addresses, authority_pem, stop: Some(stop_tx) }
}

impl Demo {
    /// Options that point demo-zone lookups at this responder and trust this site's certificate.
    pub fn options(&self) -> FetchOptions {
        FetchOptions {
            demo_dns: self.addresses.dns,
            extra_roots: self.addresses.certificate_der.iter().cloned().collect(),
            ..FetchOptions::default()
        }
    }

    /// `http://www.demo.test:PORT{path}`
    pub fn url(&self, path: &str) -> String {
        format!("http://www.demo.test:{}{path}", self.addresses.http.port())
    }

    pub fn https_url(&self, path: &str) -> String {
        format!("https://www.demo.test:{}{path}", self.addresses.https.unwrap().port())
    }
}

/// A one-connection-at-a-time TCP server on loopback that answers every connection with
/// `reply` (after reading whatever the client sends first) and then closes it. For hostile or
/// broken servers that the demo site will not imitate.
pub fn misbehaving_server(reply: Vec<u8>) -> std::net::SocketAddr {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(&reply);
        }
    });
    addr
}
