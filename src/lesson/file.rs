//! Reading a lesson file (TOML) into a validated `Lesson`, once, at the edge. Every problem is
//! reported as `FILE:LINE: what is wrong`: the schema version, unknown keys, a concept outside
//! S1–S24, a scene that does not exist, a packet selected before any scene ran, an answer that is
//! not one of the choices, a check with no test.
//!
//! ```toml
//! schema = 1
//! id = "handshake"
//! title = "Opening a connection"
//! group = "tcp-ip"            # messages, tcp-ip, client-server or peer-to-peer
//! concepts = ["S8"]
//!
//! [[steps]]
//! caption = "The client opens with a SYN."
//! do = [{ packets = "handshake" }, { packet = 1 }]
//! checks = [{ of = "packets", path = "/packets/0/label", equals = "SYN" }]
//!
//! [[steps]]
//! question = "What does the server answer?"
//! choices = ["SYN", "SYN-ACK", "FIN"]
//! answer = 2                  # from 1
//! caption = "SYN-ACK: its own SYN and an ACK of the client's, in one segment."
//! do = [{ packet = 2 }]
//! checks = [{ of = "packets", path = "/packets/1/label", equals = "SYN-ACK" }]
//! ```
//!
//! A lesson may carry packet scenes of its own under `[scenes.NAME]` (the fields of a scene file).

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::action::LessonAction;
use super::check::{Check, Doc, Test};
use super::{CONCEPTS, Group, Lesson, Question, Step};
use crate::sim::Scene;

/// The lesson file format this netlens reads.
pub const SCHEMA: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    schema: Spanned<u32>,
    id: Spanned<String>,
    title: String,
    group: Spanned<String>,
    concepts: Spanned<Vec<String>>,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    scenes: BTreeMap<String, Spanned<Scene>>,
    steps: Vec<Spanned<RawStep>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    caption: String,
    question: Option<String>,
    #[serde(default)]
    choices: Vec<String>,
    answer: Option<usize>,
    #[serde(default, rename = "do")]
    actions: Vec<Spanned<toml::Table>>,
    #[serde(default)]
    checks: Vec<Spanned<RawCheck>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    of: String,
    path: String,
    equals: Option<toml::Value>,
    at_least: Option<f64>,
    at_most: Option<f64>,
    contains: Option<String>,
    len: Option<usize>,
    includes: Option<toml::Value>,
}

/// Where in the text a problem is.
struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        self.text[..span.start.min(self.text.len())].matches('\n').count() + 1
    }

    fn error(&self, span: Range<usize>, problem: impl std::fmt::Display) -> String {
        format!("{}:{}: {problem}", self.name, self.line(span))
    }
}

/// Parses and validates a lesson; `name` is the file name the errors give.
pub fn parse(name: &str, text: &str) -> Result<Lesson, String> {
    let source = Source { name, text };
    let raw: RawLesson = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| source.line(s));
        let message = e.message().trim_end().to_string();
        format!("{name}:{line}: {message}")
    })?;
    if *raw.schema.get_ref() != SCHEMA {
        return Err(source.error(
            raw.schema.span(),
            format!("schema {} is not one this netlens reads (it reads schema {SCHEMA})", raw.schema.get_ref()),
        ));
    }
    let id = raw.id.get_ref().clone();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(source.error(raw.id.span(), "id must be letters, digits and dashes"));
    }
    let group = Group::parse(raw.group.get_ref()).ok_or_else(|| {
        let names: Vec<&str> = Group::ALL.iter().map(|g| g.name()).collect();
        source.error(raw.group.span(), format!("group is one of {}", names.join(", ")))
    })?;
    let mut concepts = Vec::new();
    for c in raw.concepts.get_ref() {
        let n = c.strip_prefix('S').and_then(|n| n.parse::<u8>().ok()).filter(|n| (1..=CONCEPTS).contains(n));
        concepts.push(
            n.ok_or_else(|| source.error(raw.concepts.span(), format!("{c:?} is not a concept S1 to S{CONCEPTS}")))?,
        );
    }
    let mut scenes = BTreeMap::new();
    for (scene_name, scene) in raw.scenes {
        let span = scene.span();
        let mut scene = scene.into_inner();
        scene.name = scene_name.clone();
        if let Some(problem) = scene.problem() {
            return Err(source.error(span, format!("scene {scene_name:?}: {problem}")));
        }
        scenes.insert(scene_name, scene);
    }
    if raw.steps.is_empty() {
        return Err(format!("{name}:1: a lesson needs at least one [[steps]]"));
    }
    let mut lesson = Lesson {
        id,
        title: raw.title,
        group,
        concepts,
        summary: raw.summary,
        steps: Vec::new(),
        scenes,
        source: name.to_string(),
    };
    for raw_step in raw.steps {
        let step_span = raw_step.span();
        let step = raw_step.into_inner();
        let mut actions = Vec::new();
        for action in step.actions {
            let span = action.span();
            let action = LessonAction::from_table(action.get_ref()).map_err(|e| source.error(span.clone(), e))?;
            if let LessonAction::Packets(run) = &action {
                let scene = if run.scene == super::FETCHED_SCENE {
                    // The page is only known when the step runs; its settings are checked now.
                    Some(Scene::fetch_replay("", b"GET / HTTP/1.1\r\n\r\n".to_vec(), Vec::new(), false))
                } else {
                    lesson.scene(&run.scene)
                };
                let scene = scene.ok_or_else(|| {
                    let names: Vec<String> =
                        Scene::names().map(String::from).chain(lesson.scenes.keys().cloned()).collect();
                    source.error(
                        span.clone(),
                        format!("no packet scene called {:?}; try one of: {}", run.scene, names.join(", ")),
                    )
                })?;
                run.build(scene).map_err(|e| source.error(span.clone(), e))?;
            }
            actions.push(action);
        }
        let question = match (step.question, step.answer) {
            (None, None) if step.choices.is_empty() => None,
            (Some(text), Some(answer)) if (1..=step.choices.len()).contains(&answer) && step.choices.len() >= 2 => {
                Some(Question { text, choices: step.choices, answer: answer - 1 })
            }
            _ => {
                return Err(source.error(
                    step_span,
                    "a question needs `question`, at least two `choices` and an `answer` numbering one of them (from 1)",
                ));
            }
        };
        let mut checks = Vec::new();
        for check in step.checks {
            let span = check.span();
            checks.push(read_check(check.into_inner(), source.line(span.clone())).map_err(|e| source.error(span, e))?);
        }
        lesson.steps.push(Step { caption: step.caption, question, actions, checks, line: source.line(step_span) });
    }
    validate_order(&lesson, &source)?;
    Ok(lesson)
}

fn read_check(raw: RawCheck, line: usize) -> Result<Check, String> {
    let of = Doc::parse(&raw.of).ok_or("`of` is packets, network, fetch or swarm")?;
    if !raw.path.starts_with('/') {
        return Err(format!("a check's path is a JSON pointer starting with '/', not {:?}", raw.path));
    }
    let json = |v: toml::Value| serde_json::to_value(v).map_err(|e| format!("cannot compare with that value: {e}"));
    let mut tests = Vec::new();
    if let Some(v) = raw.equals {
        tests.push(Test::Equals(json(v)?));
    }
    if let Some(n) = raw.at_least {
        tests.push(Test::AtLeast(n));
    }
    if let Some(n) = raw.at_most {
        tests.push(Test::AtMost(n));
    }
    if let Some(s) = raw.contains {
        tests.push(Test::Contains(s));
    }
    if let Some(n) = raw.len {
        tests.push(Test::Len(n));
    }
    if let Some(v) = raw.includes {
        tests.push(Test::Includes(json(v)?));
    }
    let mut tests = tests.into_iter();
    match (tests.next(), tests.next()) {
        (Some(test), None) => Ok(Check { of, path: raw.path, test, line }),
        _ => Err("a check has exactly one of equals, at_least, at_most, contains, len, includes".into()),
    }
}

/// A packet cannot be selected before a scene ran, nor a Network scene stepped before one was
/// opened, nor a check read a view nothing has shown yet.
fn validate_order(lesson: &Lesson, source: &Source<'_>) -> Result<(), String> {
    let (mut packets, mut network, mut fetch) = (false, false, false);
    for step in &lesson.steps {
        let at = |problem: String| format!("{}:{}: {problem}", source.name, step.line);
        for action in &step.actions {
            match action {
                LessonAction::Packets(run) if run.scene == super::FETCHED_SCENE && !fetch => {
                    return Err(at("the fetched page is shown as packets before anything was fetched".into()));
                }
                LessonAction::Packets(_) => packets = true,
                LessonAction::Network { .. } => network = true,
                LessonAction::Fetch(_) => fetch = true,
                LessonAction::Packet(_) | LessonAction::Field(_) if !packets => {
                    return Err(at("a packet is selected before any packet scene ran".into()));
                }
                LessonAction::RunMs(_) | LessonAction::Events(_) | LessonAction::Act(_) if !network => {
                    return Err(at("a Network scene is run before one was opened".into()));
                }
                LessonAction::Tab(_) if !fetch => {
                    return Err(at("a Fetch tab is opened before anything was fetched".into()));
                }
                // Without a class swarm the step falls back to its scene: it must have one.
                LessonAction::Class(_) if !network => {
                    return Err(at("a class step needs a Network scene to show when no class swarm runs".into()));
                }
                _ => {}
            }
        }
        let class = step.actions.iter().any(|a| matches!(a, LessonAction::Class(_)));
        for check in &step.checks {
            let shown = match check.of {
                Doc::Packets => packets,
                Doc::Network => network,
                Doc::Fetch => fetch,
                Doc::Swarm => class,
            };
            if check.of == Doc::Swarm && !class {
                return Err(format!(
                    "{}:{}: a swarm check belongs to a step that does something in the class ({{ class = \"table\" }} …)",
                    source.name, check.line
                ));
            }
            if !shown {
                return Err(format!(
                    "{}:{}: a check reads {} before it shows anything",
                    source.name,
                    check.line,
                    check.of.name()
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
schema = 1
id = "handshake"
title = "Opening a connection"
group = "tcp-ip"
concepts = ["S8"]

[[steps]]
caption = "The client opens with a SYN."
do = [{ packets = "handshake" }, { packet = 1 }]
checks = [{ of = "packets", path = "/packets/0/label", equals = "SYN" }]

[[steps]]
question = "What does the server answer?"
choices = ["SYN", "SYN-ACK"]
answer = 2
caption = "SYN-ACK."
do = [{ packet = 2 }]
"#;

    #[test]
    fn a_good_lesson_reads() {
        let lesson = parse("good.toml", GOOD).unwrap();
        assert_eq!(lesson.concept_names(), ["S8"]);
        assert_eq!(lesson.steps.len(), 2);
        assert_eq!(lesson.steps[1].question.as_ref().unwrap().answer, 1);
        assert_eq!(lesson.steps[0].line, 8, "the line of its [[steps]]");
        assert_eq!(lesson.resolved(1).len(), 4, "the run, both selections, the view");
    }

    #[test]
    fn the_fetched_page_can_be_shown_as_packets_after_a_fetch() {
        let text =
            GOOD.replace("{ packets = \"handshake\" }", "{ fetch = \"/\" }, { packets = \"fetched\", loss = 0.1 }");
        let lesson = parse("fetched.toml", &text).unwrap();
        let resolved = lesson.resolved(0);
        assert!(matches!(&resolved[0], LessonAction::Fetch(page) if page.path == "/"), "the page first: {resolved:?}");
        assert!(matches!(&resolved[1], LessonAction::Packets(run) if run.scene == "fetched"), "{resolved:?}");
    }

    #[test]
    fn problems_name_the_file_and_the_line() {
        let cases = [
            (GOOD.replace("schema = 1", "schema = 2"), ":2: schema 2"),
            (GOOD.replace("\"S8\"", "\"S25\""), ":6: \"S25\" is not a concept"),
            (GOOD.replace("{ packet = 2 }", "{ packet = 2, loss = 1 }"), ":18: packet takes no \"loss\""),
            (GOOD.replace("\"handshake\" }", "\"no-such\" }"), ":10: no packet scene called \"no-such\""),
            (GOOD.replace("answer = 2", "answer = 3"), ":13: a question needs"),
            (GOOD.replace("equals = \"SYN\"", "equal = \"SYN\""), ":11: unknown field `equal`"),
            (GOOD.replace("caption = \"SYN-ACK.\"", "caption = \"SYN-ACK.\"\nbogus = 1"), "unknown field `bogus`"),
            (GOOD.replace("{ packets = \"handshake\" }, ", ""), ":8: a packet is selected before"),
            (GOOD.replace("\"handshake\" }", "\"fetched\" }"), ":8: the fetched page is shown as packets before"),
            (GOOD.replace("{ packet = 2 }", "{ class = \"lookup\" }"), ":13: a class step needs a Network scene"),
            (GOOD.replace("of = \"packets\"", "of = \"swarm\""), ":11: a swarm check belongs to a step"),
        ];
        for (text, expected) in cases {
            let error = parse("lesson.toml", &text).unwrap_err();
            assert!(error.starts_with("lesson.toml:"), "{error}");
            assert!(error.contains(expected), "expected {expected:?} in {error:?}");
        }
    }
}
