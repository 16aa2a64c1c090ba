//! The browser build in a real browser: the web folder (`scripts/web.sh build`) served on
//! loopback and opened in headless chromium, driven with keys as a student would. The page hands
//! the app's lesson state to `window.netlensLesson` (the current step, its checks run on what
//! the views show, and the documents they read), which these tests read back.
//!
//! Needs chromium and a built web folder (NETLENS_WEB_DIR, or target/netlens-web); without
//! them the tests say so and skip, and with CI=true that is a failure (.ci/run builds both).

mod browser;
mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;

use browser::devtools::Browser;
use serde_json::Value;

/// One browser at a time: two software-rendered pages on two cores would only slow each other.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

const F5: (&str, u32) = ("F5", 116);
const RIGHT: (&str, u32) = ("ArrowRight", 39);

/// The web folder and chromium, or why the test cannot run.
fn setup() -> Option<(PathBuf, String)> {
    let folder = std::env::var_os("NETLENS_WEB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/netlens-web"));
    if !folder.join("netlens_bg.wasm").is_file() {
        common::skip(&format!("no web build in {} (scripts/web.sh build makes it)", folder.display()));
        return None;
    }
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok_and(|o| o.status.success()));
    let Some(chromium) = chromium else {
        common::skip("chromium is not installed (apt-get install chromium)");
        return None;
    };
    Some((folder, chromium.to_string()))
}

/// The page's lesson state, once the app has started and published one.
fn status(browser: &mut Browser) -> Value {
    let text = browser.evaluate("window.netlensLesson || null");
    text.as_str().and_then(|t| serde_json::from_str(t).ok()).unwrap_or(Value::Null)
}

/// Waits for the lesson state to satisfy `done`.
fn wait_status(browser: &mut Browser, what: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    loop {
        let now = status(browser);
        if done(&now) {
            return now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not happen; last state: {now}; errors: {:?}",
            browser.errors
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens `url`, waits for the app to start, and gives the canvas the keyboard.
fn open(browser: &mut Browser, url: &str) {
    browser.navigate(url);
    browser.wait_for("typeof window.netlensHandle", Duration::from_secs(120), "the app starting", |v| v == "object");
    browser.evaluate("document.getElementById('netlens_canvas').focus(), true");
}

/// No panic reached the console, and the app says it has not panicked.
fn assert_no_panic(browser: &mut Browser) {
    let panicked = browser.evaluate("window.netlensHandle.hasPanicked()");
    assert_eq!(panicked, Value::Bool(false), "the app panicked: {:?}", browser.errors);
    let panics: Vec<&String> = browser.errors.iter().filter(|e| e.contains("panicked")).collect();
    assert!(panics.is_empty(), "a panic reached the console: {panics:?}");
}

/// Presses → until the lesson's last moment has been shown, calling `at_step` at every step
/// once its actions are done. Returns how many moments were visited.
fn play_to_the_end(browser: &mut Browser, mut at_step: impl FnMut(&Value)) -> usize {
    let mut moments = 0;
    loop {
        let now =
            wait_status(browser, "the step's actions finishing", |s| s["busy"] == false && s["lesson"].is_string());
        moments += 1;
        at_step(&now);
        if now["at_end"] == true {
            return moments;
        }
        let (step, asking) = (now["step"].clone(), now["asking"].clone());
        browser.press(RIGHT.0, RIGHT.1);
        wait_status(browser, "the next moment", |s| s["step"] != step || s["asking"] != asking);
    }
}

/// The desktop window's lesson state at every moment of `lesson`, played the same way (F5, then
/// → to the end) in egui_kittest: the same app code, on the desktop's platform.
fn desktop_moments(lesson: &str) -> Vec<Value> {
    use egui_kittest::Harness;
    use netlens::app::{AppConfig, NetlensApp};
    let lesson = netlens::lesson::builtin::all().unwrap().into_iter().find(|l| l.id == lesson).unwrap();
    let config = AppConfig { lesson: Some(lesson), ..AppConfig::test() };
    let mut harness = Harness::builder().with_size([1280.0, 800.0]).build_eframe(|cc| NetlensApp::new(cc, config));
    let idle = |harness: &mut Harness<'static, NetlensApp>| {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            harness.step();
            if !harness.state().lesson_busy() {
                harness.run_steps(2);
                return harness.state().lesson_status();
            }
            assert!(std::time::Instant::now() < deadline, "the desktop window stayed busy");
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    idle(&mut harness);
    harness.key_press(egui::Key::F5);
    let mut moments = vec![idle(&mut harness)];
    while moments.last().unwrap()["at_end"] != true {
        harness.key_press(egui::Key::ArrowRight);
        moments.push(idle(&mut harness));
    }
    moments
}

#[test]
fn keys_start_the_first_lesson_and_play_it_to_its_last_step_without_a_panic() {
    let Some((folder, chromium)) = setup() else { return };
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let site = browser::static_site::serve(&folder);
    let mut browser = Browser::start(&chromium);
    open(&mut browser, &format!("http://{site}/"));

    // The canvas is drawn: the Lessons panel, not one flat colour.
    let picture = image::load_from_memory(&browser.screenshot()).expect("a PNG").to_rgb8();
    let colours: std::collections::HashSet<[u8; 3]> = picture.pixels().map(|p| p.0).collect();
    assert!(colours.len() > 20, "the page looks blank: {} colours", colours.len());

    // F5 presents the first lesson, as in the desktop app.
    browser.press(F5.0, F5.1);
    let first = wait_status(&mut browser, "a lesson opening", |s| s["lesson"].is_string() && s["presenting"] == true);
    assert_eq!(first["lesson"], "bytes", "F5 opens the first lesson of the catalog");
    let mut checks = (0, 0, 0);
    let moments = play_to_the_end(&mut browser, |step| {
        if step["asking"] == true {
            return;
        }
        for check in step["checks"].as_array().unwrap() {
            match (check["ok"] == true, check["hidden_by_browser"] == true) {
                (true, _) => checks.0 += 1,
                (false, true) => checks.1 += 1,
                (false, false) => checks.2 += 1,
            }
        }
    });
    assert!(moments >= 4, "the bytes lesson has four steps and a question: {moments} moments");
    // Every check of this lesson reads raw bytes, which a browser hides: each is reported as
    // hidden rather than failed, and none fails for another reason.
    assert_eq!(checks.2, 0, "checks that failed for a reason other than the browser: {checks:?}");
    assert!(checks.1 > 0, "{checks:?}");
    assert_no_panic(&mut browser);
}

#[test]
fn lessons_show_the_same_documents_in_the_browser_as_in_the_desktop_window_and_pass_their_checks() {
    let Some((folder, chromium)) = setup() else { return };
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let site = browser::static_site::serve(&folder);
    let mut browser = Browser::start(&chromium);
    for lesson in ["ip-packets", "tcp-connection", "one-server", "peers"] {
        let desktop = desktop_moments(lesson);
        open(&mut browser, &format!("http://{site}/?lesson={lesson}"));
        wait_status(&mut browser, "the linked lesson opening", |s| s["lesson"] == lesson);
        browser.press(F5.0, F5.1);
        wait_status(&mut browser, "presenter mode", |s| s["presenting"] == true);
        let mut web = Vec::new();
        play_to_the_end(&mut browser, |moment| web.push(moment.clone()));
        assert_eq!(web.len(), desktop.len(), "{lesson}: the browser and the desktop have as many moments");
        let mut passed = 0;
        for (web, desktop) in web.iter().zip(&desktop) {
            let at = format!("{lesson} step {} (asking: {})", web["step"], web["asking"]);
            assert_eq!((&web["step"], &web["asking"]), (&desktop["step"], &desktop["asking"]), "{at}");
            for doc in ["packets", "network", "fetch"] {
                assert_eq!(
                    web["documents"][doc], desktop["documents"][doc],
                    "{at}: the {doc} document differs between the browser and the desktop window"
                );
            }
            assert_eq!(web["checks"], desktop["checks"], "{at}: the checks came out differently");
            // While a question is asked the class still sees the step before.
            if web["asking"] == false {
                for check in web["checks"].as_array().unwrap() {
                    // A tab runs no class swarm: the class's checks are not run, and say why.
                    if check["ok"].is_null() {
                        assert_eq!(check["not_run"], netlens::lesson::check::NO_CLASS_SWARM, "{at}: {check}");
                        continue;
                    }
                    assert_eq!(check["ok"], true, "{at}: {check}");
                    passed += 1;
                }
            }
        }
        assert!(passed > 0, "{lesson}: no check ran");
        assert_no_panic(&mut browser);
    }
}

/// Where the Packets tab and its "Download pcapng" button are in a 1280×800 page.
const PACKETS_TAB: (f64, f64) = (251.0, 15.0);
const DOWNLOAD_BUTTON: (f64, f64) = (732.0, 47.0);

/// A built-in scene's run as a pcapng file's bytes, and its packet count.
fn capture_of(scene: &str) -> (Vec<u8>, usize) {
    let scene = netlens::sim::Scene::built_in().into_iter().find(|s| s.name == scene).expect("a built-in scene");
    let trace = netlens::trace::Trace::from_sim(netlens::sim::simulate(&scene));
    let mut bytes = Vec::new();
    netlens::capture::write_capture(&trace, netlens::capture::CaptureFormat::PcapNg, &mut bytes).unwrap();
    (bytes, trace.packets.len())
}

#[test]
fn the_shown_run_downloads_as_a_capture_and_dropped_captures_open_even_damaged_ones() {
    let Some((folder, chromium)) = setup() else { return };
    let _one = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let site = browser::static_site::serve(&folder);
    let mut browser = Browser::start(&chromium);
    let files = tempfile::tempdir().unwrap();
    let downloads = files.path().join("downloads");
    std::fs::create_dir(&downloads).unwrap();
    open(&mut browser, &format!("http://{site}/"));
    browser.allow_downloads(&downloads);

    // The start-up run (the handshake) saved as a download: a capture with its packets.
    browser.click(PACKETS_TAB.0, PACKETS_TAB.1);
    let shown = wait_status(&mut browser, "the first run", |s| s["packets_view"]["packets"].is_number());
    let packets = shown["packets_view"]["packets"].as_u64().unwrap() as usize;
    browser.click(DOWNLOAD_BUTTON.0, DOWNLOAD_BUTTON.1);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let saved = loop {
        let done = std::fs::read_dir(&downloads)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "pcapng"));
        if let Some(path) = done {
            break path;
        }
        assert!(std::time::Instant::now() < deadline, "no download arrived; errors: {:?}", browser.errors);
        std::thread::sleep(Duration::from_millis(100));
    };
    let trace = netlens::capture::open(&saved).expect("the download is a capture netlens reads");
    assert_eq!(trace.packets.len(), packets, "the download holds the shown run");

    // A capture dropped on the page opens, read in the tab.
    let (bytes, lossy_packets) = capture_of("lossy-transfer");
    let dropped = files.path().join("lossy.pcapng");
    std::fs::write(&dropped, &bytes).unwrap();
    browser.drop_file(640.0, 450.0, &dropped);
    let opened =
        wait_status(&mut browser, "the dropped capture opening", |s| s["packets_view"]["title"] == "lossy.pcapng");
    assert_eq!(opened["packets_view"]["packets"].as_u64(), Some(lossy_packets as u64));

    // A damaged one shows the packets before the damage, and says where it is.
    let cut = files.path().join("cut.pcapng");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    browser.drop_file(640.0, 450.0, &cut);
    let damaged =
        wait_status(&mut browser, "the damaged capture opening", |s| s["packets_view"]["title"] == "cut.pcapng");
    let kept = damaged["packets_view"]["packets"].as_u64().unwrap();
    assert!(kept > 0 && kept < lossy_packets as u64, "{damaged}");
    // And a file that is no capture at all is refused with a reason, the app still standing.
    let junk = files.path().join("notes.pcap");
    std::fs::write(&junk, b"these are not packets").unwrap();
    browser.drop_file(640.0, 450.0, &junk);
    let refused = wait_status(&mut browser, "the junk file refused", |s| s["packets_view"]["error"].is_string());
    assert!(refused["packets_view"]["error"].as_str().unwrap().contains("not a"), "{refused}");
    assert_no_panic(&mut browser);
}
