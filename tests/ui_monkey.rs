//! A seeded UI monkey on the real `NetlensApp` (egui_kittest, no GPU). For thousands of steps it
//! picks a random widget from the AccessKit tree (tab, button, combo entry, checkbox, slider,
//! text field) and acts on it, mixed with random clicks, drags, scrolls, keys and window sizes
//! over the painted areas, and with the views' own intents (every Network scene in both modes,
//! every packet scene, damaged files). It fails on any panic on any thread — caught by a helper
//! thread's runtime or not — and checks every so often that the tab bar still answers.
//!
//! It runs sandboxed: a temporary HOME and working directory (saves land there), no native file
//! dialogs, and fetches that reach only `demo.test` names and loopback addresses.
//!
//! `NETLENS_MONKEY_STEPS` (default 1200) and `NETLENS_MONKEY_SEEDS` (default `1,2`) set the run;
//! a failure prints the seed and every step that led to it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, PointerButton, Pos2, Rect, Vec2, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable, by};
use netlens::app::{AppConfig, NetlensApp, Tab};
use netlens::model::network::{Mode, NetworkIntent, SessionConfig};
use netlens::netsim::{Action, SceneKind};
use netlens::sim::rng::SimRng;
use netlens::ui::lessons::LessonIntent;
use netlens::ui::packets::PacketsIntent;

/// Every step so far (for the report), and whether anything panicked anywhere.
static STEPS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static SEED: Mutex<u64> = Mutex::new(0);
static PANICKED: AtomicBool = AtomicBool::new(false);

const SIZES: [[f32; 2]; 4] = [[1366.0, 768.0], [1024.0, 768.0], [1920.0, 1080.0], [800.0, 600.0]];
const KEYS: [Key; 14] = [
    Key::Space,
    Key::ArrowLeft,
    Key::ArrowRight,
    Key::Home,
    Key::Escape,
    Key::Enter,
    Key::F5,
    Key::Tab,
    Key::PageUp,
    Key::PageDown,
    Key::B,
    Key::L,
    Key::Plus,
    Key::Minus,
];

fn log(step: String) {
    STEPS.lock().unwrap_or_else(|e| e.into_inner()).push(step);
}

static REPORTED: AtomicBool = AtomicBool::new(false);

/// Prints the seed and every step so far (once).
fn print_steps(what: &str) {
    if REPORTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let seed = *SEED.lock().unwrap_or_else(|e| e.into_inner());
    let steps = STEPS.lock().unwrap_or_else(|e| e.into_inner());
    eprintln!("\nUI monkey failed ({what}) with seed {seed} after {} steps:", steps.len());
    for (i, step) in steps.iter().enumerate() {
        eprintln!("  {i:>5}: {step}");
    }
    eprintln!(
        "reproduce: NETLENS_MONKEY_SEEDS={seed} NETLENS_MONKEY_STEPS={} cargo test --test ui_monkey",
        steps.len()
    );
}

fn report_failure(what: &str) -> ! {
    print_steps(what);
    std::process::exit(1);
}

/// What the walk has reached, to check it covered every view, scene and mode.
#[derive(Default)]
struct Coverage {
    tabs: Vec<Tab>,
    scenes: Vec<(SceneKind, Mode)>,
}

/// The interactive widgets on screen now: (role, rect, label).
fn widgets(harness: &Harness<'_, NetlensApp>) -> Vec<(Role, Rect, String)> {
    let interactive = |role: Role| {
        matches!(
            role,
            Role::Button
                | Role::CheckBox
                | Role::ComboBox
                | Role::Slider
                | Role::SpinButton
                | Role::TextInput
                | Role::MultilineTextInput
                | Role::Tab
                | Role::RadioButton
                | Role::ListBoxOption
                | Role::MenuItem
                | Role::Link
        )
    };
    harness
        .query_all(by().predicate(move |n| interactive(n.role()) && n.bounding_box().is_some()))
        .map(|n| (n.accesskit_node().role(), n.rect(), n.accesskit_node().label().unwrap_or_default()))
        .filter(|(_, rect, _)| rect.is_positive() && rect.is_finite())
        .collect()
}

fn click(harness: &Harness<'_, NetlensApp>, at: Pos2, button: PointerButton) {
    harness.event(Event::PointerMoved(at));
    harness.event(Event::PointerButton { pos: at, button, pressed: true, modifiers: Modifiers::NONE });
    harness.event(Event::PointerButton { pos: at, button, pressed: false, modifiers: Modifiers::NONE });
}

fn drag(harness: &Harness<'_, NetlensApp>, from: Pos2, to: Pos2) {
    harness.event(Event::PointerMoved(from));
    harness.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    for k in 1..=4 {
        harness.event(Event::PointerMoved(from + (to - from) * (k as f32 / 4.0)));
    }
    harness.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
}

struct Monkey {
    rng: SimRng,
    size: Vec2,
    files: Vec<String>,
}

impl Monkey {
    fn below(&mut self, n: usize) -> usize {
        self.rng.up_to(n as u64 - 1) as usize
    }

    fn point(&mut self) -> Pos2 {
        pos2(self.rng.unit() as f32 * self.size.x, self.rng.unit() as f32 * self.size.y)
    }

    fn point_in(&mut self, rect: Rect) -> Pos2 {
        rect.min + vec2(self.rng.unit() as f32 * rect.width(), self.rng.unit() as f32 * rect.height())
    }

    fn text(&mut self) -> String {
        let choices = [
            "http://www.demo.test:8080/".to_string(),
            "www.demo.test/missing".into(),
            "http://127.0.0.1:1/".into(),
            "https://www.demo.test:8443/".into(),
            "http://example.com/".into(),
            "http://10.1.2.3/".into(),
            "ftp://nope".into(),
            "http://[::1]:9/".into(),
            "".into(),
            "\u{0}\u{7f}ÿ😀".into(),
            "x".repeat(300),
            "17".into(),
            "-5".into(),
            "1e9".into(),
            "saved.pcapng".into(),
            "saved.pcap".into(),
            "sub/dir/none.pcap".into(),
        ];
        let i = self.below(choices.len() + self.files.len());
        choices.get(i).cloned().unwrap_or_else(|| self.files[i - choices.len()].clone())
    }

    /// One random action; returns what it did, for the report.
    fn act(&mut self, harness: &mut Harness<'_, NetlensApp>) -> String {
        let roll = self.below(100);
        match roll {
            0..=39 => {
                let widgets = widgets(harness);
                if widgets.is_empty() {
                    return "no widgets".into();
                }
                let (role, rect, label) = widgets[self.below(widgets.len())].clone();
                let what = format!("{role:?} {label:?} at {:.0},{:.0}", rect.center().x, rect.center().y);
                match role {
                    Role::TextInput | Role::MultilineTextInput => {
                        click(harness, rect.center(), PointerButton::Primary);
                        harness.step();
                        harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
                        let text = self.text();
                        harness.event(Event::Text(text.clone()));
                        if self.rng.chance(0.6) {
                            harness.key_press(Key::Enter);
                        }
                        format!("type {text:?} into {what}")
                    }
                    Role::Slider | Role::SpinButton => {
                        let to = self.point_in(rect.expand(40.0));
                        drag(harness, self.point_in(rect), to);
                        format!("drag {what}")
                    }
                    _ => {
                        let button =
                            if self.rng.chance(0.1) { PointerButton::Secondary } else { PointerButton::Primary };
                        click(harness, self.point_in(rect), button);
                        format!("click {button:?} {what}")
                    }
                }
            }
            40..=49 => {
                let at = self.point();
                let button = if self.rng.chance(0.15) { PointerButton::Secondary } else { PointerButton::Primary };
                click(harness, at, button);
                format!("click {button:?} at {:.0},{:.0}", at.x, at.y)
            }
            50..=57 => {
                let (from, to) = (self.point(), self.point());
                drag(harness, from, to);
                format!("drag {:.0},{:.0} → {:.0},{:.0}", from.x, from.y, to.x, to.y)
            }
            58..=64 => {
                let at = self.point();
                let delta = vec2(0.0, (self.rng.unit() as f32 - 0.5) * 400.0);
                let modifiers = if self.rng.chance(0.4) { Modifiers::COMMAND } else { Modifiers::NONE };
                harness.event(Event::PointerMoved(at));
                harness.event(Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta,
                    modifiers,
                    phase: egui::TouchPhase::Move,
                    source: egui::MouseWheelSource::Wheel,
                });
                format!("scroll {:.0} at {:.0},{:.0} {modifiers:?}", delta.y, at.x, at.y)
            }
            65..=74 => {
                let key = KEYS[self.below(KEYS.len())];
                if self.rng.chance(0.2) {
                    harness.key_press_modifiers(Modifiers::COMMAND, key);
                    format!("key Ctrl+{key:?}")
                } else {
                    harness.key_press(key);
                    format!("key {key:?}")
                }
            }
            75..=80 => {
                let tab = ["Lessons", "Fetch", "Packets", "Network"][self.below(4)];
                if let Some(node) = harness.query_all_by_label(tab).next() {
                    node.click();
                }
                format!("tab {tab}")
            }
            81..=87 => {
                let scene = SceneKind::ALL[self.below(SceneKind::ALL.len())];
                let mode = if self.rng.chance(0.4) { Mode::Live } else { Mode::Step };
                let range = scene.node_range();
                let nodes = if self.rng.chance(0.7) { scene.default_nodes() } else { *range.start() + self.below(40) };
                let config = SessionConfig { scene, seed: self.rng.up_to(5), nodes, mode };
                harness.state_mut().network(NetworkIntent::Open(config.clone()));
                if self.rng.chance(0.5) {
                    harness.state_mut().network(NetworkIntent::TogglePlay);
                }
                if self.rng.chance(0.3) {
                    let name = ["server", "peer-2", "peer-3", "server-b", "client-1", "nobody"][self.below(6)];
                    let action =
                        if self.rng.chance(0.5) { Action::Kill(name.into()) } else { Action::Restart(name.into()) };
                    harness.state_mut().network(NetworkIntent::Act(action));
                }
                harness.state_mut().tab = Tab::Network;
                format!("network open {config:?}")
            }
            88..=91 => {
                let scenes = netlens::sim::Scene::built_in();
                let what = if self.rng.chance(0.25) {
                    // A capture point, router included even where the run has none.
                    let points = netlens::trace::CapturePoint::ALL;
                    let point = (!self.rng.chance(0.25)).then(|| points[self.below(points.len())]);
                    harness.state_mut().packets(PacketsIntent::CaptureAt(point));
                    format!("packets captured at {point:?}")
                } else if self.rng.chance(0.6) {
                    let mut scene = scenes[self.below(scenes.len())].clone();
                    scene.link.loss = self.rng.unit() * 0.3;
                    scene.seed = self.rng.up_to(50);
                    let name = scene.name.clone();
                    harness.state_mut().packets(PacketsIntent::RunScene(Box::new(scene)));
                    format!("packets run {name}")
                } else {
                    let file = self.text();
                    harness.state_mut().packets(PacketsIntent::Open(file.clone().into()));
                    format!("packets open {file:?}")
                };
                harness.state_mut().tab = Tab::Packets;
                what
            }
            92..=94 => self.lesson_action(harness),
            95 => {
                let ms = 10 + self.below(90) as u64;
                std::thread::sleep(Duration::from_millis(ms));
                format!("wait {ms} ms")
            }
            _ => {
                let size = SIZES[self.below(SIZES.len())];
                self.size = size.into();
                harness.set_size(self.size);
                format!("resize {size:?}")
            }
        }
    }
}

impl Monkey {
    /// Lessons through their intents: open a built-in one (or a damaged or missing file), move
    /// on and back — often while its last step is still being carried out — present, leave.
    fn lesson_action(&mut self, harness: &mut Harness<'_, NetlensApp>) -> String {
        let lessons = netlens::lesson::builtin::all().expect("the built-in lessons");
        let intent = match self.below(8) {
            0 | 1 => LessonIntent::Open(Box::new(lessons[self.below(lessons.len())].clone())),
            2 => LessonIntent::OpenFile(self.lesson_file()),
            3 | 4 => LessonIntent::Next,
            5 => LessonIntent::Previous,
            6 => LessonIntent::GoTo(self.below(12)),
            _ => {
                if self.rng.chance(0.5) {
                    LessonIntent::Present
                } else {
                    LessonIntent::Leave
                }
            }
        };
        let what = format!("lesson {intent:?}").chars().take(80).collect();
        harness.state_mut().lesson(intent);
        what
    }

    /// A lesson file: a good one, one cut short, garbage, or a path that is not there.
    fn lesson_file(&mut self) -> String {
        let good = netlens::lesson::builtin::source("peers").unwrap_or_default();
        let dir = std::env::current_dir().expect("the sandbox");
        let path = dir.join(format!("lesson-{}.toml", self.below(4)));
        let text = match self.below(4) {
            0 => good.to_string(),
            1 => good[..good.len() / 2].to_string(),
            2 => self.text(),
            _ => return dir.join("missing.toml").display().to_string(),
        };
        std::fs::write(&path, text).expect("write a lesson file");
        path.display().to_string()
    }
}

/// Clicks each tab and checks the app follows: the window still answers. A first click may only
/// close an open popup or menu, as it would for a user, so each tab gets three tries.
fn check_tab_bar(harness: &mut Harness<'_, NetlensApp>) {
    for (label, tab) in [("Network", Tab::Network), ("Fetch", Tab::Fetch), ("Packets", Tab::Packets)] {
        for _try in 0..3 {
            harness.key_press(Key::Escape);
            harness.event(Event::PointerMoved(pos2(1.0, 1.0)));
            harness.run_steps(2);
            let Some(rect) =
                harness.query_all_by_label(label).map(|n| n.rect()).min_by(|a, b| a.min.y.total_cmp(&b.min.y))
            else {
                report_failure(&format!("the tab bar has no {label} tab"));
            };
            click(harness, rect.center(), PointerButton::Primary);
            harness.run_steps(2);
            if harness.state().tab == tab {
                break;
            }
        }
        if harness.state().tab != tab {
            report_failure(&format!("clicking the {label} tab three times did not switch to it"));
        }
    }
}

fn run(seed: u64, steps: usize, files: &[String], coverage: &mut Coverage) {
    *SEED.lock().unwrap_or_else(|e| e.into_inner()) = seed;
    STEPS.lock().unwrap_or_else(|e| e.into_inner()).clear();
    let size = SIZES[(seed as usize) % 2];
    let mut harness = Harness::builder().with_size(size).with_step_dt(1.0 / 30.0).build_eframe(|cc| {
        // Exports are written into the sandbox (no dialog in tests).
        let export_dir = std::env::current_dir().ok().map(|d| d.join("exports"));
        NetlensApp::new(cc, AppConfig { export_dir, ..AppConfig::test_with_demo() })
    });
    let mut monkey = Monkey { rng: SimRng::new(seed), size: size.into(), files: files.to_vec() };
    let started = Instant::now();
    for step in 0..steps {
        let what = monkey.act(&mut harness);
        log(what);
        let frames = 1 + monkey.below(3);
        harness.run_steps(frames);
        if PANICKED.load(Ordering::SeqCst) {
            report_failure("a panic");
        }
        let app = harness.state();
        if !coverage.tabs.contains(&app.tab) {
            coverage.tabs.push(app.tab);
        }
        let config = app.network_model().config();
        if app.tab == Tab::Network && !coverage.scenes.contains(&(config.scene, config.mode)) {
            coverage.scenes.push((config.scene, config.mode));
        }
        if step % 200 == 199 {
            check_tab_bar(&mut harness);
        }
    }
    check_tab_bar(&mut harness);
    eprintln!("ui_monkey: seed {seed}: {steps} steps survived in {:.1} s", started.elapsed().as_secs_f64());
}

fn main() {
    // `cargo test NAME` passes NAME to every test binary; run only when it names us (or nothing).
    let filters: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    if !filters.is_empty() && !filters.iter().any(|f| "ui_monkey".contains(f.as_str())) {
        return;
    }
    let sandbox = tempfile::tempdir().expect("a temporary directory");
    // Set before any thread starts: nothing else reads the environment concurrently yet.
    unsafe {
        std::env::set_var("HOME", sandbox.path());
        std::env::set_var("XDG_CONFIG_HOME", sandbox.path().join("config"));
        std::env::set_var("XDG_DATA_HOME", sandbox.path().join("data"));
    }
    std::env::set_current_dir(sandbox.path()).expect("enter the sandbox");
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICKED.store(true, Ordering::SeqCst);
        default_hook(info);
        print_steps("a panic");
    }));

    // Files for the monkey to open: a good capture, a damaged one, garbage.
    let good = sandbox.path().join("good.pcapng");
    let trace = netlens::trace::Trace::from_sim(netlens::sim::simulate(&netlens::sim::Scene::handshake()));
    let mut bytes = Vec::new();
    netlens::capture::write_capture(&trace, netlens::capture::CaptureFormat::PcapNg, &mut bytes).expect("write");
    std::fs::write(&good, &bytes).expect("write good");
    let damaged = sandbox.path().join("damaged.pcapng");
    std::fs::write(&damaged, &bytes[..bytes.len() * 2 / 3]).expect("write damaged");
    let garbage = sandbox.path().join("garbage.pcap");
    std::fs::write(&garbage, b"\xd4\xc3\xb2\xa1garbage").expect("write garbage");
    let files: Vec<String> = [good, damaged, garbage].iter().map(|p| p.display().to_string()).collect();

    let steps: usize = std::env::var("NETLENS_MONKEY_STEPS").ok().and_then(|s| s.parse().ok()).unwrap_or(1200);
    let seeds: Vec<u64> = std::env::var("NETLENS_MONKEY_SEEDS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2]);
    let mut coverage = Coverage::default();
    for &seed in &seeds {
        run(seed, steps, &files, &mut coverage);
    }
    // The default run is long enough to reach every view, every scene and both modes.
    if steps >= 1200 && seeds.len() >= 2 {
        for tab in [Tab::Lessons, Tab::Fetch, Tab::Packets, Tab::Network] {
            if !coverage.tabs.contains(&tab) {
                report_failure(&format!("the walk never reached the {tab:?} view"));
            }
        }
        for scene in SceneKind::ALL {
            for mode in [Mode::Step, Mode::Live] {
                if !coverage.scenes.contains(&(scene, mode)) {
                    report_failure(&format!("the walk never reached {scene} in {mode:?} mode"));
                }
            }
        }
    }
    println!(
        "ui_monkey: {} seeds × {steps} steps, no panic; {} scene/mode pairs reached",
        seeds.len(),
        coverage.scenes.len()
    );
}
