//! A step's checks: facts about what the step shows, read from the same JSON the CLI prints for
//! that view (`lesson::observe`), so a check fails if the state is not what the caption says.
//! A check names the document (`packets`, `network`, `fetch`, or `swarm`: this laptop's class
//! swarm node, as `--state-file` keeps it, with a few facts the captions talk about), a JSON pointer into it — where
//! `*` stands for every element of a list, all of which must pass — and one test:
//! `equals`, `at_least`, `at_most`, `contains` (text), `len` (list length), `includes` (a list
//! holding this value).
//!
//! ```toml
//! checks = [
//!   { of = "packets", path = "/packets/1/label", equals = "SYN-ACK" },
//!   { of = "network", path = "/state/pieces/*/holders", len = 3 },
//! ]
//! ```
//!
//! A `swarm` check is not run where no class swarm runs (the step shows its scene, and its other
//! checks, instead), nor on a student's laptop (the class's checks are the projector's): it is
//! reported as not run, with why, never as passed.

use serde_json::{Value, json};

/// Why a `swarm` check did not run.
pub const NO_CLASS_SWARM: &str = "no class swarm runs here: the step shows its scene instead";
pub const ON_TEACHERS_LAPTOP: &str = "the class's checks run on the teacher's laptop";

/// Which view's document a check reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Doc {
    Packets,
    Network,
    Fetch,
    Swarm,
}

impl Doc {
    pub fn parse(text: &str) -> Option<Doc> {
        match text {
            "packets" => Some(Doc::Packets),
            "network" => Some(Doc::Network),
            "fetch" => Some(Doc::Fetch),
            "swarm" => Some(Doc::Swarm),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Doc::Packets => "packets",
            Doc::Network => "network",
            Doc::Fetch => "fetch",
            Doc::Swarm => "swarm",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    Equals(Value),
    AtLeast(f64),
    AtMost(f64),
    Contains(String),
    Len(usize),
    Includes(Value),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub of: Doc,
    pub path: String,
    pub test: Test,
    /// Where it stands in its file.
    pub line: usize,
}

impl Check {
    /// How the check reads, for reports: `packets /packets/1/label equals "SYN-ACK"`.
    pub fn describe(&self) -> String {
        let test = match &self.test {
            Test::Equals(v) => format!("equals {v}"),
            Test::AtLeast(n) => format!("is at least {n}"),
            Test::AtMost(n) => format!("is at most {n}"),
            Test::Contains(s) => format!("contains {s:?}"),
            Test::Len(n) => format!("has {n} items"),
            Test::Includes(v) => format!("includes {v}"),
        };
        format!("{} {} {test}", self.of.name(), self.path)
    }

    /// Runs the check on its document; the error says what was found instead.
    pub fn run(&self, doc: &Value) -> Result<(), String> {
        let found = select(doc, &self.path);
        if found.is_empty() {
            return Err(format!("{}: nothing at {}", self.describe(), self.path));
        }
        for (at, value) in found {
            if !self.passes(value) {
                return Err(format!("{}: {at} is {}", self.describe(), short(value)));
            }
        }
        Ok(())
    }

    fn passes(&self, value: &Value) -> bool {
        match &self.test {
            Test::Equals(expected) => value == expected || numbers_equal(value, expected),
            Test::AtLeast(n) => value.as_f64().is_some_and(|v| v >= *n),
            Test::AtMost(n) => value.as_f64().is_some_and(|v| v <= *n),
            Test::Contains(text) => value.as_str().is_some_and(|v| v.contains(text.as_str())),
            Test::Len(n) => value.as_array().is_some_and(|a| a.len() == *n),
            Test::Includes(item) => {
                value.as_array().is_some_and(|a| a.iter().any(|v| v == item || numbers_equal(v, item)))
            }
        }
    }
}

/// How a check came out.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Passed,
    Failed(String),
    /// Not run, and why (a `swarm` check with no class swarm here).
    NotRun(&'static str),
}

impl Outcome {
    /// Runs `check` on `doc`, the document it reads if the step shows it.
    pub fn of(check: &Check, doc: Option<&Value>) -> Outcome {
        match doc {
            None if check.of == Doc::Swarm => Outcome::NotRun(NO_CLASS_SWARM),
            None => Outcome::Failed(format!("the step shows no {}", check.of.name())),
            Some(doc) => check.run(doc).map_or_else(Outcome::Failed, |()| Outcome::Passed),
        }
    }

    /// Passed, or not run: what a step that is `ok` may have.
    pub fn fine(&self) -> bool {
        !matches!(self, Outcome::Failed(_))
    }

    /// As lessons report it: `ok` is true, false, or null when the check did not run.
    pub fn json(&self, check: &Check) -> Value {
        let (ok, why, not_run) = match self {
            Outcome::Passed => (json!(true), None, None),
            Outcome::Failed(why) => (json!(false), Some(why.as_str()), None),
            Outcome::NotRun(why) => (Value::Null, None, Some(*why)),
        };
        json!({ "check": check.describe(), "ok": ok, "why": why, "not_run": not_run })
    }
}

/// 3 and 3.0 are the same number to a teacher writing a check.
fn numbers_equal(a: &Value, b: &Value) -> bool {
    matches!((a.as_f64(), b.as_f64()), (Some(x), Some(y)) if x == y)
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 120 { format!("{}…", text.chars().take(120).collect::<String>()) } else { text }
}

/// Every value a pointer reaches, with the concrete path it took (`*` expands to each index).
fn select<'a>(doc: &'a Value, path: &str) -> Vec<(String, &'a Value)> {
    let mut found = vec![(String::new(), doc)];
    for part in path.split('/').skip(1) {
        let part = part.replace("~1", "/").replace("~0", "~");
        let mut next = Vec::new();
        for (at, value) in found {
            match (part.as_str(), value) {
                ("*", Value::Array(items)) => {
                    next.extend(items.iter().enumerate().map(|(i, v)| (format!("{at}/{i}"), v)));
                }
                ("*", Value::Object(map)) => next.extend(map.iter().map(|(k, v)| (format!("{at}/{k}"), v))),
                (key, Value::Array(items)) => {
                    if let Some(v) = key.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        next.push((format!("{at}/{key}"), v));
                    }
                }
                (key, Value::Object(map)) => {
                    if let Some(v) = map.get(key) {
                        next.push((format!("{at}/{key}"), v));
                    }
                }
                _ => {}
            }
        }
        found = next;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(path: &str, test: Test) -> Check {
        Check { of: Doc::Network, path: path.into(), test, line: 1 }
    }

    #[test]
    fn pointers_wildcards_and_tests() {
        let doc = json!({"state": {"pieces": [{"holders": ["a", "b", "c"]}, {"holders": ["a", "b"]}], "lost": 0}, "kinds": ["kill", "repair"]});
        assert!(check("/state/pieces/0/holders", Test::Len(3)).run(&doc).is_ok());
        let every = check("/state/pieces/*/holders", Test::Len(3)).run(&doc).unwrap_err();
        assert!(every.contains("/state/pieces/1/holders is [\"a\",\"b\"]"), "{every}");
        assert!(check("/state/lost", Test::Equals(json!(0.0))).run(&doc).is_ok(), "0 and 0.0 are equal");
        assert!(check("/state/lost", Test::AtMost(0.0)).run(&doc).is_ok());
        assert!(check("/kinds", Test::Includes(json!("repair"))).run(&doc).is_ok());
        assert!(check("/state/nothing", Test::AtLeast(1.0)).run(&doc).unwrap_err().contains("nothing at"));
    }

    #[test]
    fn a_swarm_check_without_a_swarm_is_not_run_but_other_documents_must_be_shown() {
        let mut swarm = check("/table_peers", Test::AtLeast(1.0));
        swarm.of = Doc::Swarm;
        assert_eq!(Outcome::of(&swarm, None), Outcome::NotRun(NO_CLASS_SWARM));
        assert_eq!(Outcome::of(&swarm, None).json(&swarm)["ok"], Value::Null);
        assert!(!Outcome::of(&check("/state", Test::Len(1)), None).fine(), "a scene's check needs its scene");
        let failed = Outcome::of(&swarm, Some(&json!({"table_peers": 0})));
        assert!(matches!(&failed, Outcome::Failed(why) if why.contains("is 0")), "{failed:?}");
        assert_eq!(Outcome::of(&swarm, Some(&json!({"table_peers": 3}))), Outcome::Passed);
    }
}
