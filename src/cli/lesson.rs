//! `netlens lesson`: list the built-in lessons, check lessons headless, or open a lesson file in
//! the window. `lesson check` builds every step's state from nothing, as the window does — the
//! packet scene run, the Network scene run to its moment, the demo page fetched from the built-in
//! site on loopback — and runs the step's checks on what it shows.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{Format, fail};
use crate::lesson::check::Doc;
use crate::lesson::{Lesson, LessonAction, builtin, file, observe};
use crate::model::network::timeline::Timeline;
use crate::net::client::PageLoader;
use crate::net::demo::{DemoConfig, DemoServices};
use crate::record::{FetchOptions, FetchRequest};
use crate::sim::simulate;
use crate::trace::Trace;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LessonArgs {
    #[command(subcommand)]
    pub command: Option<LessonCommand>,
    /// A lesson file to open in the window.
    pub file: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum LessonCommand {
    /// List the built-in lessons: id, title, concepts, steps.
    List {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run lessons' steps headless and check what each shows (all built-in ones by default).
    Check {
        /// Built-in lesson ids or lesson files.
        lessons: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

pub fn run(args: LessonArgs) -> ExitCode {
    match (args.command, args.file) {
        (Some(LessonCommand::List { format }), _) => list(format),
        (Some(LessonCommand::Check { lessons, format }), _) => check(&lessons, format),
        (None, Some(path)) => match read(&path.display().to_string()) {
            Ok(lesson) => match crate::app::run_native_with(crate::app::Startup { open: None, lesson: Some(lesson) }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&format!("cannot open the window: {e}")),
            },
            Err(reason) => fail(&reason),
        },
        (None, None) => {
            fail("say what to do: netlens lesson list, netlens lesson check [ID|FILE]…, or netlens lesson FILE")
        }
    }
}

/// A built-in lesson by id, or a lesson file by path.
pub fn read(name: &str) -> Result<Lesson, String> {
    if let Some(lesson) = builtin::find(name) {
        return Ok(lesson);
    }
    let path = std::path::Path::new(name);
    if !path.exists() {
        let ids: Vec<String> = builtin::all()?.into_iter().map(|l| l.id).collect();
        return Err(format!("no lesson called {name:?} and no such file; built-in lessons: {}", ids.join(", ")));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    file::parse(name, &text)
}

fn list(format: Format) -> ExitCode {
    let lessons = match builtin::all() {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let out = match format {
        Format::Json => {
            let rows: Vec<Value> = lessons
                .iter()
                .map(|l| {
                    json!({
                        "id": l.id,
                        "title": l.title,
                        "group": l.group,
                        "concepts": l.concept_names(),
                        "steps": l.steps.len(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&json!({ "lessons": rows })).unwrap_or_default() + "\n"
        }
        Format::Text => lessons
            .iter()
            .map(|l| {
                format!(
                    "{:<16} {:<14} {:<40} {} steps  {}\n",
                    l.id,
                    l.group.name(),
                    l.title,
                    l.steps.len(),
                    l.concept_names().join(" ")
                )
            })
            .collect(),
    };
    super::output::print_or_fail(&out)
}

/// The demo site, started on first need, and the fetch options that reach it.
struct Demo {
    runtime: tokio::runtime::Runtime,
    services: Option<(DemoServices, FetchOptions)>,
}

impl Demo {
    fn options(&mut self) -> Result<FetchOptions, String> {
        if self.services.is_none() {
            let services = self.runtime.block_on(DemoServices::start(&DemoConfig::ephemeral()))?;
            let mut options =
                FetchOptions { demo_dns: services.addresses.dns, loopback_only: true, ..FetchOptions::default() };
            options.extra_roots.extend(services.addresses.certificate_der.iter().cloned());
            self.services = Some((services, options));
        }
        self.services.as_ref().map(|(_, o)| o.clone()).ok_or_else(|| "the demo site did not start".into())
    }

    fn home(&self) -> Option<String> {
        self.services.as_ref().map(|(s, _)| s.addresses.home_url())
    }
}

/// What a step shows, built from nothing.
#[derive(Default)]
struct Shown {
    packets: Option<Value>,
    network: Option<Value>,
    fetch: Option<Value>,
}

fn observe_step(lesson: &Lesson, index: usize, demo: &mut Demo) -> Result<Shown, String> {
    let mut trace: Option<Trace> = None;
    let (mut selected, mut field) = (None, None);
    let mut timeline: Option<Timeline> = None;
    let mut page: Option<(String, crate::net::client::PageResult)> = None;
    let mut tab = String::from("steps");
    for action in lesson.resolved(index) {
        match action {
            LessonAction::View(_) => {}
            LessonAction::Packets(run) => {
                let scene = lesson.scene(&run.scene).ok_or_else(|| format!("no packet scene {:?}", run.scene))?;
                let whole = simulate(&run.build(scene)?);
                trace = Some(match run.at {
                    None => Trace::from_sim(whole),
                    Some(point) => {
                        Trace::captured_at(&whole, point).ok_or(format!("{} has no router to capture at", run.scene))?
                    }
                });
                (selected, field) = (None, None);
            }
            LessonAction::Packet(n) => {
                let packets = &trace.as_ref().ok_or("no packet scene ran")?.packets;
                selected =
                    Some(packets.iter().position(|p| p.number == n).ok_or(format!("there is no packet #{n}"))? as u32);
                field = None;
            }
            LessonAction::Field(name) => field = Some(name),
            LessonAction::Network { scene, seed, nodes } => {
                timeline = Some(Timeline::new(scene, seed, nodes.unwrap_or(scene.default_nodes()))?);
            }
            LessonAction::RunMs(ms) => timeline.as_mut().ok_or("no Network scene")?.seek(ms * 1000)?,
            LessonAction::Events(n) => {
                let t = timeline.as_mut().ok_or("no Network scene")?;
                for _ in 0..n {
                    t.step();
                }
            }
            LessonAction::Act(a) => timeline.as_mut().ok_or("no Network scene")?.act(a)?,
            LessonAction::Fetch(path) => {
                let options = demo.options()?;
                let url = format!("{}{}", demo.home().unwrap_or_default().trim_end_matches('/'), path);
                let request = FetchRequest::parse(&url).map_err(|e| e.message)?;
                let loader = PageLoader::new(&options).map_err(|e| e.message)?;
                page = Some((url, loader.run_silently(&request)));
                tab = String::from("steps");
            }
            LessonAction::Tab(t) => tab = t,
        }
    }
    Ok(Shown {
        packets: trace.as_ref().map(|t| observe::packets(t, selected, field.as_deref())),
        network: timeline.as_ref().map(|t| observe::network(t.scene.as_ref(), t.view_us)),
        fetch: page.as_ref().map(|(url, r)| observe::fetch(url, &r.exchanges, r.error.as_ref(), &tab)),
    })
}

/// Every step of `lesson`, with its checks' results.
fn check_lesson(lesson: &Lesson, demo: &mut Demo) -> Value {
    let steps: Vec<Value> = (0..lesson.steps.len())
        .map(|i| {
            let step = &lesson.steps[i];
            let shown = observe_step(lesson, i, demo);
            let checks: Vec<Value> = step
                .checks
                .iter()
                .map(|check| {
                    let result = match &shown {
                        Err(e) => Err(format!("the step could not be shown: {e}")),
                        Ok(shown) => {
                            let doc = match check.of {
                                Doc::Packets => shown.packets.as_ref(),
                                Doc::Network => shown.network.as_ref(),
                                Doc::Fetch => shown.fetch.as_ref(),
                            };
                            doc.ok_or(format!("the step shows no {}", check.of.name())).and_then(|d| check.run(d))
                        }
                    };
                    json!({ "check": check.describe(), "line": check.line, "ok": result.is_ok(), "why": result.err() })
                })
                .collect();
            let shown_ok = shown.as_ref().err().cloned();
            let ok = shown_ok.is_none() && checks.iter().all(|c| c["ok"] == true);
            json!({ "step": i + 1, "line": step.line, "caption": step.caption, "ok": ok, "error": shown_ok, "checks": checks })
        })
        .collect();
    let ok = steps.iter().all(|s| s["ok"] == true);
    json!({ "id": lesson.id, "title": lesson.title, "source": lesson.source, "concepts": lesson.concept_names(), "ok": ok, "steps": steps })
}

fn check(names: &[String], format: Format) -> ExitCode {
    let lessons: Result<Vec<Lesson>, String> =
        if names.is_empty() { builtin::all() } else { names.iter().map(|n| read(n)).collect() };
    let lessons = match lessons {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    let mut demo = Demo { runtime, services: None };
    let reports: Vec<Value> = lessons.iter().map(|l| check_lesson(l, &mut demo)).collect();
    let ok = reports.iter().all(|r| r["ok"] == true);
    let out = match format {
        Format::Json => {
            serde_json::to_string_pretty(&json!({ "ok": ok, "lessons": reports })).unwrap_or_default() + "\n"
        }
        Format::Text => {
            let mut out = String::new();
            for r in &reports {
                out.push_str(&format!(
                    "{} {} ({})\n",
                    if r["ok"] == true { "✓" } else { "✗" },
                    r["id"].as_str().unwrap_or(""),
                    r["source"].as_str().unwrap_or("")
                ));
                for s in r["steps"].as_array().into_iter().flatten() {
                    let mark = if s["ok"] == true { "✓" } else { "✗" };
                    out.push_str(&format!("  {mark} step {} (line {})\n", s["step"], s["line"]));
                    if let Some(e) = s["error"].as_str() {
                        out.push_str(&format!("      {e}\n"));
                    }
                    for c in s["checks"].as_array().into_iter().flatten().filter(|c| c["ok"] != true) {
                        out.push_str(&format!("      {}\n", c["why"].as_str().unwrap_or("")));
                    }
                }
            }
            out
        }
    };
    let printed = super::output::print_or_fail(&out);
    if ok { printed } else { ExitCode::FAILURE }
}
