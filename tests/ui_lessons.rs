//! Lessons in the real window (egui_kittest): a teacher opens each built-in lesson from the
//! Lessons panel, presents it and walks through every step with the keyboard alone, at a
//! projector's 1024×768. At every step the window really shows what the step's checks say —
//! the checks run on the app's own models — and no control is cut off. Going back restores the
//! earlier step exactly. Presenter mode's keys, zoom and blank screen.

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use netlens::app::{AppConfig, NetlensApp, Tab};
use netlens::lesson::check::Doc;
use netlens::lesson::{Lesson, builtin};
use serde_json::Value;

const PATIENCE: Duration = Duration::from_secs(60);

fn start(size: [f32; 2]) -> Harness<'static, NetlensApp> {
    let mut harness =
        Harness::builder().with_size(size).build_eframe(|cc| NetlensApp::new(cc, AppConfig::test_with_demo()));
    settle(&mut harness, |h| h.state().demo_addresses().is_some());
    harness
}

/// Steps the app until `done` holds (the worker and job threads run on their own).
fn settle(harness: &mut Harness<'static, NetlensApp>, done: impl Fn(&Harness<'static, NetlensApp>) -> bool) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        harness.step();
        if done(harness) {
            harness.run_steps(2);
            return;
        }
        assert!(Instant::now() < deadline, "gave up waiting");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn idle(harness: &mut Harness<'static, NetlensApp>) {
    settle(harness, |h| !h.state().lesson_busy());
}

/// The documents the window shows now.
fn shown(harness: &Harness<'static, NetlensApp>) -> (Option<Value>, Option<Value>, Option<Value>) {
    harness.state().observed()
}

/// Runs a step's checks on what the window shows; the errors.
fn failures(lesson: &Lesson, step: usize, docs: &(Option<Value>, Option<Value>, Option<Value>)) -> Vec<String> {
    lesson.steps[step]
        .checks
        .iter()
        .filter_map(|check| {
            let doc = match check.of {
                Doc::Packets => docs.0.as_ref(),
                Doc::Network => docs.1.as_ref(),
                Doc::Fetch => docs.2.as_ref(),
                // No class swarm runs in this window: not run (the step's note says so).
                Doc::Swarm => return None,
            };
            match doc {
                None => Some(format!("{}: the window shows no {}", check.describe(), check.of.name())),
                Some(doc) => check.run(doc).err(),
            }
        })
        .collect()
}

/// Controls or labels outside the window.
fn cut_off(harness: &Harness<'static, NetlensApp>, width: f32) -> Vec<String> {
    let roles = |r: Role| {
        matches!(
            r,
            Role::Button
                | Role::CheckBox
                | Role::ComboBox
                | Role::Slider
                | Role::SpinButton
                | Role::TextInput
                | Role::Label
        )
    };
    harness
        .query_all(by().predicate(move |n| roles(n.role()) && n.bounding_box().is_some()))
        .filter(|n| {
            let r = n.rect();
            r.min.x < -0.5 || r.max.x > width + 0.5 || r.min.y < -0.5
        })
        .map(|n| format!("{:?} at {:?}", n.accesskit_node().label().or(n.accesskit_node().value()), n.rect()))
        .collect()
}

#[test]
fn every_built_in_lesson_presents_from_first_step_to_last_and_back_with_the_keyboard_alone_at_1024x768() {
    let mut harness = start([1024.0, 768.0]);
    assert_eq!(harness.state().tab, Tab::Lessons, "the Lessons panel is the first thing a new user sees");
    // F5 with no lesson open presents the first; → past a lesson's last step goes on to the next.
    harness.key_press(egui::Key::F5);
    harness.step();
    idle(&mut harness);
    for lesson in builtin::all().unwrap() {
        assert!(harness.state().presenting());
        assert_eq!(harness.state().lesson_player().unwrap().lesson.id, lesson.id, "the lessons in order");
        let zoom = harness.ctx.zoom_factor();
        assert!((zoom - 1.25).abs() < 0.01, "a 1024-pixel projector gets 125 %, not {zoom}");
        let width = 1024.0 / zoom;
        let mut seen = Vec::new();
        loop {
            let moment = harness.state().lesson_player().unwrap().moment();
            if !moment.asking {
                let docs = shown(&harness);
                let failed = failures(&lesson, moment.step, &docs);
                if lesson.class_step(moment.step).is_some() {
                    assert_eq!(
                        harness.state().class_note(),
                        Some(netlens::ui::platform::NO_CLASS_SWARM_NOTE),
                        "{} step {}: the scene stands in, and the step says so",
                        lesson.id,
                        moment.step + 1
                    );
                }
                assert!(failed.is_empty(), "{} step {}: {failed:#?}", lesson.id, moment.step + 1);
                let outside = cut_off(&harness, width);
                assert!(outside.is_empty(), "{} step {}: cut off: {outside:#?}", lesson.id, moment.step + 1);
                seen.push((moment.step, docs));
            }
            if harness.state().lesson_player().unwrap().at_end() {
                break;
            }
            harness.key_press(egui::Key::ArrowRight);
            harness.step();
            idle(&mut harness);
        }
        assert_eq!(seen.len(), lesson.steps.len(), "{}: every step shown", lesson.id);
        // Back to the start with PageUp (a clicker's key): each step as it was.
        while !harness.state().lesson_player().unwrap().at_start() {
            harness.key_press(egui::Key::PageUp);
            harness.step();
            idle(&mut harness);
            let moment = harness.state().lesson_player().unwrap().moment();
            if !moment.asking {
                let failed = failures(&lesson, moment.step, &shown(&harness));
                assert!(failed.is_empty(), "{} back at step {}: {failed:#?}", lesson.id, moment.step + 1);
            }
        }
        // Forward to the end again (PageDown), then one more: the next lesson.
        while !harness.state().lesson_player().unwrap().at_end() {
            harness.key_press(egui::Key::PageDown);
            harness.step();
            idle(&mut harness);
        }
        harness.key_press(egui::Key::PageDown);
        harness.step();
        idle(&mut harness);
    }
    // After the last lesson there is no next: it stays, and Esc leaves.
    assert!(harness.state().lesson_player().unwrap().at_end());
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(!harness.state().presenting());
    assert!((harness.ctx.zoom_factor() - 1.0).abs() < 0.01, "leaving restores the zoom");
}

#[test]
fn presenter_mode_takes_its_keys_blanks_the_screen_and_fits_1280x720_at_150_percent() {
    let mut harness = start([1280.0, 720.0]);
    let lesson = builtin::find("one-server").unwrap();
    harness.get_by_label_contains(&lesson.title).click();
    harness.run_steps(2);
    harness.get_by_label("▶ Start lesson").click();
    harness.run_steps(2);
    idle(&mut harness);
    assert_eq!(harness.state().tab, Tab::Network, "the lesson shows its view");
    harness.key_press(egui::Key::F5);
    harness.run_steps(3);
    assert!(harness.state().presenting());
    assert!((harness.ctx.zoom_factor() - 1.5).abs() < 0.01, "150 % on a 1280-pixel screen");
    let outside = cut_off(&harness, 1280.0 / 1.5);
    assert!(outside.is_empty(), "cut off: {outside:#?}");
    // Space belongs to the lesson now: it moves on (to the question) instead of playing.
    harness.key_press(egui::Key::Space);
    harness.run_steps(2);
    idle(&mut harness);
    let moment = harness.state().lesson_player().unwrap().moment();
    assert_eq!((moment.step, moment.asking), (1, true));
    assert!(harness.query_all_by_label_contains("switched off").next().is_some(), "the question is on screen");
    assert!(!harness.state().network_model().playing(), "the Network view did not take the key");
    // B blanks the screen and B again brings it back.
    harness.key_press(egui::Key::B);
    harness.run_steps(2);
    harness.key_press(egui::Key::B);
    harness.run_steps(2);
    harness.key_press(egui::Key::PageDown);
    harness.run_steps(2);
    idle(&mut harness);
    let failed = failures(&lesson, 1, &shown(&harness));
    assert!(failed.is_empty(), "{failed:#?}");
    harness.key_press(egui::Key::Escape);
    harness.run_steps(2);
    assert!(!harness.state().presenting());
}

/// Found by looking at the window: a lesson file opened at start, before the demo site is up,
/// whose first step fetches a page and shows it as packets. The replay must wait for its page
/// (the Fetch view's actions go first), and show that page's bytes, not the start-up scene.
#[test]
fn a_lesson_opened_at_start_replays_the_page_its_step_fetches() {
    let text = r#"
schema = 1
id = "replay-at-start"
title = "The page, as packets"
group = "messages"
concepts = ["S2"]
summary = "s"

[[steps]]
caption = "The page just fetched, replayed byte for byte."
do = [{ fetch = "/" }, { packets = "fetched" }, { packet = 4 }, { field = "IPv4 Destination address" }]
checks = [
  { of = "packets", path = "/scene", equals = "fetch-replay" },
  { of = "packets", path = "/field/value", equals = "192.0.2.80" },
  { of = "packets", path = "/packets/3/bytes_hex", contains = "474554202f20485454502f312e310d0a" },
]
"#;
    let lesson = netlens::lesson::file::parse("replay.toml", text).unwrap();
    let opened = lesson.clone();
    let mut harness = Harness::builder().with_size([1280.0, 800.0]).build_eframe(move |cc| {
        NetlensApp::new(cc, AppConfig { lesson: Some(opened.clone()), ..AppConfig::test_with_demo() })
    });
    settle(&mut harness, |h| h.state().demo_addresses().is_some());
    idle(&mut harness);
    settle(&mut harness, |h| !h.state().packets_model().busy() && h.state().packets_model().trace().is_some());
    idle(&mut harness);
    assert_eq!(harness.state().lesson_error(), None);
    let failed = failures(&lesson, 0, &shown(&harness));
    assert!(failed.is_empty(), "{failed:#?}");
}
