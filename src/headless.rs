//! Lesson steps without a window, as `netlens lesson check` runs them: a step's actions build its
//! state from nothing — the packet scene run, the Network scene run to its moment, the demo page
//! fetched from the built-in site on loopback — and its checks read the same documents the
//! window's checks read (`lesson::observe`). Tests use it too, to run a step with one thing
//! changed and see its checks fail.

use serde_json::{Value, json};

use crate::lesson::check::{Check, Doc, Outcome};
use crate::lesson::{FETCHED_SCENE, Lesson, LessonAction, observe};
use crate::model::network::timeline::Timeline;
use crate::model::page_load::replay_scene;
use crate::net::client::{PageLoader, PageResult};
use crate::net::demo::{DemoConfig, DemoServices};
use crate::record::{FetchOptions, FetchRequest};
use crate::sim::simulate;
use crate::trace::Trace;

/// The demo site, started on first need, and the fetch options that reach it.
pub struct Demo {
    runtime: tokio::runtime::Runtime,
    services: Option<(DemoServices, FetchOptions)>,
}

impl Demo {
    /// A runtime for the demo site, which starts the first time a step fetches.
    pub fn new() -> Result<Demo, String> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        Ok(Demo { runtime, services: None })
    }

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

    fn http_port(&self) -> Option<u16> {
        self.services.as_ref().map(|(s, _)| s.addresses.http.port())
    }
}

/// What a step shows, built from nothing: the documents its checks read.
#[derive(Default)]
pub struct Shown {
    pub packets: Option<Value>,
    pub network: Option<Value>,
    pub fetch: Option<Value>,
    /// The class swarm's document: none headless (no class swarm runs here).
    pub swarm: Option<Value>,
}

impl Shown {
    pub fn document(&self, doc: Doc) -> Option<&Value> {
        match doc {
            Doc::Packets => self.packets.as_ref(),
            Doc::Network => self.network.as_ref(),
            Doc::Fetch => self.fetch.as_ref(),
            Doc::Swarm => self.swarm.as_ref(),
        }
    }

    /// Runs one check on the document it reads.
    pub fn check(&self, check: &Check) -> Outcome {
        Outcome::of(check, self.document(check.of))
    }
}

/// Carries out `actions` (a step's resolved list, `Lesson::resolved`) from nothing and returns
/// what the step shows.
pub fn show(lesson: &Lesson, actions: &[LessonAction], demo: &mut Demo) -> Result<Shown, String> {
    let mut trace: Option<Trace> = None;
    let (mut selected, mut field) = (None, None);
    let mut timeline: Option<Timeline> = None;
    let mut page: Option<(String, PageResult)> = None;
    let mut tab = String::from("steps");
    for action in actions {
        match action {
            LessonAction::View(_) => {}
            LessonAction::Packets(run) => {
                let scene = if run.scene == FETCHED_SCENE {
                    let (_, result) = page.as_ref().ok_or("no page was fetched to show as packets")?;
                    result.exchanges.first().and_then(replay_scene).ok_or("the fetch sent no request")?
                } else {
                    lesson.scene(&run.scene).ok_or_else(|| format!("no packet scene {:?}", run.scene))?
                };
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
                    Some(packets.iter().position(|p| p.number == *n).ok_or(format!("there is no packet #{n}"))? as u32);
                field = None;
            }
            LessonAction::Field(name) => field = Some(name.clone()),
            LessonAction::Network { scene, seed, nodes } => {
                timeline = Some(Timeline::new(*scene, *seed, nodes.unwrap_or(scene.default_nodes()))?);
            }
            LessonAction::RunMs(ms) => timeline.as_mut().ok_or("no Network scene")?.seek(ms * 1000)?,
            LessonAction::Events(n) => {
                let t = timeline.as_mut().ok_or("no Network scene")?;
                for _ in 0..*n {
                    t.step();
                }
            }
            LessonAction::Act(a) => timeline.as_mut().ok_or("no Network scene")?.act(a.clone())?,
            LessonAction::Fetch(target) => {
                let options = demo.options()?;
                let url = target.url(demo.http_port().unwrap_or_default());
                let request = FetchRequest::parse(&url).map_err(|e| e.message)?;
                let loader = PageLoader::new(&options).map_err(|e| e.message)?;
                page = Some((url, loader.run_silently(&request)));
                tab = String::from("steps");
            }
            LessonAction::Tab(t) => tab = t.clone(),
            // No class swarm runs headless: the step's scene stands in.
            LessonAction::Class(_) => {}
        }
    }
    Ok(Shown {
        packets: trace.as_ref().map(|t| observe::packets(t, selected, field.as_deref())),
        network: timeline.as_ref().map(|t| observe::network(t.scene.as_ref(), t.view_us)),
        fetch: page.as_ref().map(|(url, r)| observe::fetch(url, &r.exchanges, r.error.as_ref(), &tab)),
        swarm: None,
    })
}

/// Every step of `lesson`, with its checks' results, as `netlens lesson check --format json`
/// prints it.
pub fn check_lesson(lesson: &Lesson, demo: &mut Demo) -> Value {
    let steps: Vec<Value> = (0..lesson.steps.len())
        .map(|i| {
            let step = &lesson.steps[i];
            let shown = show(lesson, &lesson.resolved(i), demo);
            let checks: Vec<Value> = step
                .checks
                .iter()
                .map(|check| {
                    let outcome = match &shown {
                        Err(e) => Outcome::Failed(format!("the step could not be shown: {e}")),
                        Ok(shown) => shown.check(check),
                    };
                    let mut report = outcome.json(check);
                    report["line"] = json!(check.line);
                    report
                })
                .collect();
            let shown_ok = shown.as_ref().err().cloned();
            let ok = shown_ok.is_none() && checks.iter().all(|c| c["ok"] != false);
            json!({ "step": i + 1, "line": step.line, "caption": step.caption, "ok": ok, "error": shown_ok, "checks": checks })
        })
        .collect();
    let ok = steps.iter().all(|s| s["ok"] == true);
    json!({ "id": lesson.id, "title": lesson.title, "source": lesson.source, "concepts": lesson.concept_names(), "ok": ok, "steps": steps })
}
