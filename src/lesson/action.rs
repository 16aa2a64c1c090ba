//! What a lesson step does to the app: the same things a teacher does with the views (open a
//! view, run a packet scene with impairments, select a packet and a header field, open a Network
//! scene and run it to a moment, kill or restart a node, fetch a demo page, open a detail tab).
//! In a lesson file each action is a small inline table keyed by its name:
//! `{ packets = "lossy-transfer", loss = 0.1 }`, `{ packet = 3 }`, `{ network = "routing" }`,
//! `{ run_ms = 400 }`, `{ act = "kill:peer-3" }`, `{ fetch = "/missing" }`, `{ tab = "raw" }`.
//! A step of the real class (`{ class = "lookup" }`) is done by the class swarm when one runs;
//! the step's scene stands in when none does (`ClassStep`).

use crate::netsim::{Action, SceneKind};
use crate::sim::{OverrideAction, PacketOverride, Scene};

/// The app's three views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Fetch,
    Packets,
    Network,
}

impl View {
    pub fn parse(text: &str) -> Option<View> {
        match text {
            "fetch" => Some(View::Fetch),
            "packets" => Some(View::Packets),
            "network" => Some(View::Network),
            _ => None,
        }
    }
}

/// What the live class swarm does at a step (S21–S24). Only the step that names it does it; the
/// step's own Network scene is shown instead when no class swarm runs on this laptop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassStep {
    /// Look at this laptop's own routing table.
    Table,
    /// The teacher's node runs a traced lookup of the step's key, round by round.
    Lookup,
    /// Every student logs out of the teacher's registry while the step is shown.
    LogOut,
    /// The teacher's node shares the lesson's file (keeping no copy of its own).
    Share,
    /// The teacher's node downloads the shared file back from the class.
    Download,
}

impl ClassStep {
    pub const ALL: [ClassStep; 5] =
        [ClassStep::Table, ClassStep::Lookup, ClassStep::LogOut, ClassStep::Share, ClassStep::Download];

    pub fn name(self) -> &'static str {
        match self {
            ClassStep::Table => "table",
            ClassStep::Lookup => "lookup",
            ClassStep::LogOut => "log-out",
            ClassStep::Share => "share",
            ClassStep::Download => "download",
        }
    }

    pub fn parse(text: &str) -> Option<ClassStep> {
        Self::ALL.into_iter().find(|s| s.name() == text)
    }
}

/// A packet scene run, with the impairments the step sets.
#[derive(Clone, Debug, PartialEq)]
pub struct PacketsRun {
    pub scene: String,
    pub seed: Option<u64>,
    pub loss: Option<f64>,
    pub duplicate: Option<f64>,
    pub reorder: Option<f64>,
    pub delay_ms: Option<f64>,
    pub mtu: Option<usize>,
    /// Packets the link drops on purpose (numbers from 1).
    pub drop: Vec<u32>,
    /// Where the run is captured (`at = "router"`); none: the whole run.
    pub at: Option<crate::trace::CapturePoint>,
}

impl PacketsRun {
    /// The scene to run: the named one with this run's settings.
    pub fn build(&self, base: Scene) -> Result<Scene, String> {
        let mut scene = base;
        if let Some(seed) = self.seed {
            scene.seed = seed;
        }
        let link_set =
            [self.loss, self.duplicate, self.reorder, self.delay_ms].iter().any(Option::is_some) || self.mtu.is_some();
        let link = &mut scene.link;
        if let Some(loss) = self.loss {
            link.loss = loss;
        }
        if let Some(duplicate) = self.duplicate {
            link.duplicate = duplicate;
        }
        if let Some(reorder) = self.reorder {
            link.reorder = reorder;
        }
        if let Some(delay) = self.delay_ms {
            link.delay_us = (delay * 1000.0).round() as u64;
        }
        if let Some(mtu) = self.mtu {
            link.mtu = mtu;
        }
        // A step's link settings apply both ways; a step that sets none keeps the scene's own.
        if let Some(reverse) = scene.reverse_link.as_mut().filter(|_| link_set) {
            *reverse = scene.link.clone();
        }
        if let Some(hop) = scene.second_hop.as_mut().filter(|_| link_set) {
            *hop = scene.link.clone();
        }
        for &packet in &self.drop {
            scene.overrides.push(PacketOverride { packet: packet as usize, action: OverrideAction::Drop });
        }
        match scene.problem() {
            Some(problem) => Err(problem),
            None => Ok(scene),
        }
    }
}

/// A page of the demo site to fetch: its path, on a name in the demo zone (`www.demo.test`
/// unless the step names another, such as one that does not exist).
#[derive(Clone, Debug, PartialEq)]
pub struct FetchPage {
    pub path: String,
    pub name: String,
}

impl FetchPage {
    pub fn new(path: &str) -> FetchPage {
        FetchPage { path: path.to_string(), name: format!("www.{}", crate::record::request::DEMO_ZONE) }
    }

    /// The URL on the demo site listening on `port`.
    pub fn url(&self, port: u16) -> String {
        format!("http://{}:{port}{}", self.name, self.path)
    }
}

/// One thing a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    /// Show this view.
    View(View),
    /// Run a packet scene (starts the Packets view afresh).
    Packets(PacketsRun),
    /// Select packet N (from 1), as stepping to it does.
    Packet(u32),
    /// Select a header field of the selected packet, by its inspector name ("TCP Flags").
    Field(String),
    /// Open a Network scene in step mode (starts the Network view afresh).
    Network { scene: SceneKind, seed: u64, nodes: Option<usize> },
    /// Network: go to this virtual time, in milliseconds.
    RunMs(u64),
    /// Network: run this many more events.
    Events(u64),
    /// Network: kill or restart a node, or set the number of clients.
    Act(Action),
    /// Fetch this page of the demo site (starts the Fetch view afresh).
    Fetch(FetchPage),
    /// Fetch: open this detail tab (steps, raw, headers, body, dns).
    Tab(String),
    /// What the live class swarm does at this step (the Network scene stands in without one).
    Class(ClassStep),
}

/// The detail tabs of the Fetch view, as lesson files name them.
pub const TABS: [&str; 5] = ["steps", "raw", "headers", "body", "dns"];

impl LessonAction {
    /// Reads one action from its inline table; the error says what is wrong with it.
    pub fn from_table(table: &toml::Table) -> Result<LessonAction, String> {
        let keys: Vec<&str> = table.keys().map(String::as_str).collect();
        let main =
            ["view", "packets", "packet", "field", "network", "run_ms", "events", "act", "fetch", "tab", "class"];
        let named: Vec<&str> = keys.iter().copied().filter(|k| main.contains(k)).collect();
        let [key] = named.as_slice() else {
            return Err(format!(
                "an action names exactly one of {}; this one has {}",
                main.join(", "),
                if named.is_empty() { "none".to_string() } else { named.join(" and ") }
            ));
        };
        let allowed: &[&str] = match *key {
            "packets" => &["packets", "seed", "loss", "dup", "reorder", "delay_ms", "mtu", "drop", "at"],
            "network" => &["network", "seed", "nodes"],
            "fetch" => &["fetch", "name"],
            other => &[other][..],
        };
        if let Some(extra) = keys.iter().find(|k| !allowed.contains(k)) {
            return Err(format!("{key} takes no {extra:?} (it takes {})", allowed.join(", ")));
        }
        let text = |k: &str| table.get(k).and_then(|v| v.as_str()).ok_or(format!("{k} must be a string"));
        let number = |k: &str| -> Result<Option<u64>, String> {
            match table.get(k) {
                None => Ok(None),
                Some(v) => v
                    .as_integer()
                    .and_then(|n| u64::try_from(n).ok())
                    .map(Some)
                    .ok_or(format!("{k} must be a whole number ≥ 0")),
            }
        };
        let fraction = |k: &str| -> Result<Option<f64>, String> {
            match table.get(k) {
                None => Ok(None),
                Some(v) => v
                    .as_float()
                    .or_else(|| v.as_integer().map(|n| n as f64))
                    .filter(|f| (0.0..=1.0).contains(f))
                    .map(Some)
                    .ok_or(format!("{k} must be a chance from 0 to 1")),
            }
        };
        Ok(match *key {
            "view" => LessonAction::View(View::parse(text("view")?).ok_or("view is fetch, packets or network")?),
            "packets" => {
                let drop = match table.get("drop") {
                    None => Vec::new(),
                    Some(v) => v
                        .as_array()
                        .and_then(|a| a.iter().map(|n| n.as_integer().and_then(|n| u32::try_from(n).ok())).collect())
                        .ok_or("drop must be a list of packet numbers")?,
                };
                let delay_ms = match table.get("delay_ms") {
                    None => None,
                    Some(v) => Some(
                        v.as_float()
                            .or_else(|| v.as_integer().map(|n| n as f64))
                            .filter(|d| (0.0..=10_000.0).contains(d))
                            .ok_or("delay_ms must be from 0 to 10000")?,
                    ),
                };
                LessonAction::Packets(PacketsRun {
                    scene: text("packets")?.to_string(),
                    seed: number("seed")?,
                    loss: fraction("loss")?,
                    duplicate: fraction("dup")?,
                    reorder: fraction("reorder")?,
                    delay_ms,
                    mtu: number("mtu")?.map(|m| m as usize),
                    drop,
                    at: match table.get("at") {
                        None => None,
                        Some(_) => Some(
                            crate::trace::CapturePoint::parse(text("at")?)
                                .ok_or("at is where the run is captured: client, router or server")?,
                        ),
                    },
                })
            }
            "packet" => LessonAction::Packet(
                number("packet")?
                    .filter(|&n| n >= 1)
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or("packet numbers start at 1")?,
            ),
            "field" => LessonAction::Field(text("field")?.to_string()),
            "network" => LessonAction::Network {
                scene: SceneKind::parse(text("network")?)?,
                seed: number("seed")?.unwrap_or(1),
                nodes: number("nodes")?.map(|n| n as usize),
            },
            "run_ms" => LessonAction::RunMs(number("run_ms")?.ok_or("run_ms must be a number")?),
            "events" => LessonAction::Events(number("events")?.ok_or("events must be a number")?),
            "act" => LessonAction::Act(Action::parse(text("act")?)?),
            "fetch" => {
                let path = text("fetch")?;
                if !path.starts_with('/') {
                    return Err(format!("fetch takes a path of the demo site, such as \"/missing\", not {path:?}"));
                }
                let mut page = FetchPage::new(path);
                if table.contains_key("name") {
                    let name = text("name")?.to_ascii_lowercase();
                    if !crate::record::request::is_demo_name(&name) || name.contains(['/', ':', '@']) {
                        return Err(format!(
                            "name is a name in the demo zone, such as \"nosuch.demo.test\", not {name:?}"
                        ));
                    }
                    page.name = name;
                }
                LessonAction::Fetch(page)
            }
            "tab" => {
                let tab = text("tab")?;
                if !TABS.contains(&tab) {
                    return Err(format!("tab is one of {}, not {tab:?}", TABS.join(", ")));
                }
                LessonAction::Tab(tab.to_string())
            }
            "class" => {
                let name = text("class")?;
                LessonAction::Class(ClassStep::parse(name).ok_or_else(|| {
                    let names: Vec<&str> = ClassStep::ALL.iter().map(|s| s.name()).collect();
                    format!("class is one of {}, not {name:?}", names.join(", "))
                })?)
            }
            _ => return Err(format!("unknown action {key:?}")),
        })
    }

    /// The view this action works in.
    pub fn view(&self) -> Option<View> {
        match self {
            LessonAction::View(v) => Some(*v),
            LessonAction::Packets(_) | LessonAction::Packet(_) | LessonAction::Field(_) => Some(View::Packets),
            LessonAction::Network { .. }
            | LessonAction::RunMs(_)
            | LessonAction::Events(_)
            | LessonAction::Act(_)
            | LessonAction::Class(_) => Some(View::Network),
            LessonAction::Fetch(_) | LessonAction::Tab(_) => Some(View::Fetch),
        }
    }

    /// True for the actions that start their view afresh.
    pub fn starts_view(&self) -> bool {
        matches!(self, LessonAction::Packets(_) | LessonAction::Network { .. } | LessonAction::Fetch(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<LessonAction, String> {
        let table: toml::Table = toml::from_str(&format!("a = {text}")).unwrap();
        LessonAction::from_table(table["a"].as_table().unwrap())
    }

    #[test]
    fn actions_read_from_inline_tables_and_bad_ones_say_why() {
        assert_eq!(parse("{ packet = 3 }"), Ok(LessonAction::Packet(3)));
        assert!(
            matches!(parse("{ packets = \"lossy-transfer\", loss = 0.1 }"), Ok(LessonAction::Packets(r)) if r.loss == Some(0.1))
        );
        assert_eq!(parse("{ act = \"kill:peer-3\" }"), Ok(LessonAction::Act(Action::Kill("peer-3".into()))));
        assert!(parse("{ packet = 0 }").unwrap_err().contains("start at 1"));
        assert!(parse("{ packets = \"x\", loss = 2 }").unwrap_err().contains("from 0 to 1"));
        assert!(parse("{ packet = 1, network = \"routing\" }").unwrap_err().contains("exactly one"));
        assert!(parse("{ network = \"routing\", loss = 0.1 }").unwrap_err().contains("takes no \"loss\""));
        assert!(parse("{ network = \"nope\" }").unwrap_err().contains("no scene called"));
        assert!(parse("{ tab = \"everything\" }").unwrap_err().contains("raw"));
        assert!(parse("{ fetch = \"missing\" }").unwrap_err().contains("path"));
        assert_eq!(
            parse("{ fetch = \"/\", name = \"nosuch.demo.test\" }"),
            Ok(LessonAction::Fetch(FetchPage { path: "/".into(), name: "nosuch.demo.test".into() }))
        );
        assert!(parse("{ fetch = \"/\", name = \"example.com\" }").unwrap_err().contains("demo zone"));
        assert_eq!(parse("{ class = \"log-out\" }"), Ok(LessonAction::Class(ClassStep::LogOut)));
        assert!(parse("{ class = \"dance\" }").unwrap_err().contains("table, lookup"));
    }
}
