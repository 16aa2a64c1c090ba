//! `netlens lesson`: list the built-in lessons, check lessons headless (`crate::headless` builds
//! each step's state and runs its checks), or open a lesson file in the window.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::output::{Format, fail};
use crate::headless::{Demo, check_lesson};
use crate::lesson::{Lesson, builtin, file};

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

fn check(names: &[String], format: Format) -> ExitCode {
    let lessons: Result<Vec<Lesson>, String> =
        if names.is_empty() { builtin::all() } else { names.iter().map(|n| read(n)).collect() };
    let lessons = match lessons {
        Ok(l) => l,
        Err(e) => return fail(&e),
    };
    let mut demo = match Demo::new() {
        Ok(demo) => demo,
        Err(e) => return fail(&e),
    };
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
