//! Drives the real app with egui_kittest: type a demo address, press Enter, and check what a
//! student would see. The app starts its own demo services on free loopback ports.

mod common;

use std::time::{Duration, Instant};

use common::ui::run_until;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netlens::app::{AppConfig, NetlensApp};

fn start_app() -> Harness<'static, NetlensApp> {
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(|cc| NetlensApp::new(cc, AppConfig::test_with_demo()));
    run_until(&mut harness, "the demo services start", |h| h.state().demo_addresses().is_some());
    // The app opens on its lessons; these tests are about the Fetch view.
    harness.get_by_label("Fetch").click();
    harness.run_steps(2);
    harness
}

fn has_label(harness: &Harness<'static, NetlensApp>, text: &str) -> bool {
    harness.query_all_by_label(text).next().is_some()
}

fn has_label_containing(harness: &Harness<'static, NetlensApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
}

/// Replaces the address bar's text with `url` and presses Enter, as a user would.
fn type_url_and_enter(harness: &mut Harness<'static, NetlensApp>, url: &str) {
    harness.get_by_role(Role::TextInput).focus();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.step();
    harness.get_by_role(Role::TextInput).type_text(url);
    harness.step();
    harness.key_press(egui::Key::Enter);
    harness.step();
}

#[test]
fn typing_the_demo_address_and_enter_loads_the_page_its_images_and_raw_bytes() {
    let mut harness = start_app();
    let home = harness.state().demo_addresses().unwrap().home_url();
    type_url_and_enter(&mut harness, &home);

    run_until(&mut harness, "the waterfall lists the page and its three images", |h| {
        ["/img/client.png", "/img/network.png", "/img/server.png", "/style.css", "/app.js"]
            .iter()
            .all(|p| has_label(h, p))
            && has_label_containing(h, "Done:")
    });
    assert!(has_label(&harness, &home), "the page itself is the first row");
    assert!(
        has_label_containing(&harness, "Asked the built-in demo DNS responder"),
        "the Steps tab tells the DNS step"
    );

    harness.get_by_label("Raw").click();
    run_until(&mut harness, "the Raw tab shows the status line", |h| has_label_containing(h, "HTTP/1.1 200 OK"));
    assert!(has_label_containing(&harness, "GET / HTTP/1.1\\r\\n"), "the request line with its CRLF made visible");
}

#[test]
fn the_missing_page_shows_404_and_what_it_means() {
    let mut harness = start_app();
    let missing = format!("{}missing", harness.state().demo_addresses().unwrap().home_url());
    type_url_and_enter(&mut harness, &missing);
    run_until(&mut harness, "the 404 arrives", |h| has_label(h, "404 Not Found") && has_label_containing(h, "Done:"));
    assert!(has_label_containing(&harness, "nothing at this address"), "the meaning of 404 is shown in plain language");
    harness.get_by_label("Raw").click();
    run_until(&mut harness, "the Raw tab shows the 404 status line", |h| {
        has_label_containing(h, "HTTP/1.1 404 Not Found")
    });
}

#[test]
fn a_refused_connection_is_shown_at_the_connect_step() {
    let mut harness = start_app();
    // Bind then drop a listener so the port is closed.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    type_url_and_enter(&mut harness, &format!("http://127.0.0.1:{port}/"));
    run_until(&mut harness, "the failure is shown", |h| has_label_containing(h, "connection refused"));
    assert!(has_label(&harness, "2. Connect"));
}

#[test]
fn a_malformed_address_gets_a_clear_message_not_a_request() {
    // A server that reports the request line of every connection it gets, and answers each.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (lines_tx, lines) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            let mut request = Vec::new();
            let mut buf = [0u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match std::io::Read::read(&mut socket, &mut buf) {
                    Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
                    _ => break,
                }
            }
            let line = String::from_utf8_lossy(&request).lines().next().unwrap_or_default().to_string();
            let _ = std::io::Write::write_all(&mut socket, b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
            if lines_tx.send(line).is_err() {
                return;
            }
        }
    });
    let mut harness = start_app();
    type_url_and_enter(&mut harness, &format!("ftp://127.0.0.1:{port}/malformed"));
    run_until(&mut harness, "the reason is shown", |h| {
        has_label_containing(h, "netlens fetches http:// and https:// URLs")
    });
    let failed = harness.state().fetch_model().current.as_ref().expect("the failure is the current load");
    assert!(failed.exchanges.is_empty(), "no exchange was begun");
    // Then a good address to the same server: the first request it ever sees must be that one,
    // so nothing was sent for the malformed one.
    type_url_and_enter(&mut harness, &format!("http://127.0.0.1:{port}/after"));
    let first = std::cell::RefCell::new(None);
    run_until(&mut harness, "the good request reaches the server", |_| {
        let mut first = first.borrow_mut();
        if first.is_none() {
            *first = lines.try_recv().ok();
        }
        first.is_some()
    });
    assert_eq!(first.into_inner().as_deref(), Some("GET /after HTTP/1.1"));
}

#[test]
fn escape_stops_a_slow_load_and_says_so() {
    let mut harness = start_app();
    let slow = format!("{}slow?ms=20000", harness.state().demo_addresses().unwrap().home_url());
    type_url_and_enter(&mut harness, &slow);
    run_until(&mut harness, "the request is waiting for the server", |h| has_label_containing(h, "Loading"));
    harness.key_press(egui::Key::Escape);
    run_until(&mut harness, "the load is shown as stopped", |h| has_label_containing(h, "Stopped after"));
}

#[test]
fn a_new_address_supersedes_a_slow_load_and_its_late_events_are_ignored() {
    let mut harness = start_app();
    let home = harness.state().demo_addresses().unwrap().home_url();
    type_url_and_enter(&mut harness, &format!("{home}slow?ms=1500"));
    run_until(&mut harness, "the slow load starts", |h| has_label_containing(h, "Loading"));
    type_url_and_enter(&mut harness, &format!("{home}missing"));
    run_until(&mut harness, "the second page is done", |h| {
        has_label(h, "404 Not Found") && has_label_containing(h, "Done:")
    });
    // Give the first request time to have answered, had it not been stopped: nothing changes.
    let until = Instant::now() + Duration::from_millis(2000);
    while Instant::now() < until {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(has_label(&harness, "404 Not Found"));
    assert!(!has_label_containing(&harness, "A slow answer"), "the slow page never replaces the new one");
}

/// eframe's storage, in memory.
#[derive(Default)]
struct MemoryStorage(std::collections::BTreeMap<String, String>);

impl eframe::Storage for MemoryStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }
    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_string(), value);
    }
    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }
    fn flush(&mut self) {}
}

#[test]
fn theme_zoom_and_url_history_survive_a_restart() {
    let mut harness = start_app();
    let missing = format!("{}missing", harness.state().demo_addresses().unwrap().home_url());
    type_url_and_enter(&mut harness, &missing);
    run_until(&mut harness, "the page loads", |h| has_label_containing(h, "Done:"));
    harness.get_by_label("☀ Light").click();
    harness.step();
    harness.get_by_label("+").click();
    harness.step();
    harness.step();
    let mut storage = MemoryStorage::default();
    eframe::App::save(harness.state_mut(), &mut storage);
    drop(harness);

    let storage: &'static MemoryStorage = Box::leak(Box::new(storage));
    let mut restarted = Harness::builder().with_size([1280.0, 800.0]).build_eframe(|cc| {
        cc.storage = Some(storage);
        NetlensApp::new(cc, AppConfig::test())
    });
    restarted.step();
    let settings = restarted.state().settings();
    assert_eq!(settings.theme, netlens::model::settings::Theme::Light);
    assert!((settings.zoom - 1.1).abs() < 0.01, "zoom {}", settings.zoom);
    assert_eq!(settings.url_history.first(), Some(&missing));
    assert!(has_label(&restarted, "🌙 Dark"), "the light theme is back on, offering dark");
}
