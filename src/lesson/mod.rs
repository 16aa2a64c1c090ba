//! Lessons: a teacher's walk through the section, one step at a time. A lesson is a data file
//! (`assets/lessons/*.toml`, built into the binary, or a teacher's own); each step sets the app
//! to a state through the same intents the views use (`LessonAction`), shows a caption, may ask a
//! question first, and carries checks (`Check`) that would fail if that state did not show what
//! the caption says. The same file and seed show the same thing on every machine.
//!
//! Steps are written one after another, each adding actions to the last; `Lesson::resolved`
//! turns step k into the complete list that builds its state from nothing, so any step can be
//! shown on its own — forward, backward, or checked headless.

pub mod action;
pub mod browser;
pub mod builtin;
pub mod check;
pub mod file;
pub mod observe;

use std::collections::BTreeMap;

use serde::Serialize;

pub use action::{ClassStep, FetchPage, LessonAction, PacketsRun, View};
pub use check::Check;

use crate::sim::Scene;

/// How the section groups its ideas; lessons are listed in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Messages,
    TcpIp,
    ClientServer,
    PeerToPeer,
}

impl Group {
    pub const ALL: [Group; 4] = [Group::Messages, Group::TcpIp, Group::ClientServer, Group::PeerToPeer];

    pub fn name(self) -> &'static str {
        match self {
            Group::Messages => "messages",
            Group::TcpIp => "tcp-ip",
            Group::ClientServer => "client-server",
            Group::PeerToPeer => "peer-to-peer",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Group::Messages => "Messages",
            Group::TcpIp => "TCP/IP",
            Group::ClientServer => "Client/server",
            Group::PeerToPeer => "Peer-to-peer",
        }
    }

    pub fn parse(text: &str) -> Option<Group> {
        Self::ALL.into_iter().find(|g| g.name() == text)
    }
}

/// The packet scene a `{ packets = "fetched" }` action names: the replay, byte for byte, of the
/// page the Fetch view fetched last (what its "Show as packets" button runs).
pub const FETCHED_SCENE: &str = "fetched";

/// The seed concepts S1–S24 (`PRODUCT.md`).
pub const CONCEPTS: u8 = 24;

/// A question asked before a step is shown: the next key press reveals the answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Question {
    pub text: String,
    pub choices: Vec<String>,
    /// Index into `choices`.
    pub answer: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub caption: String,
    pub question: Option<Question>,
    /// What this step adds to the one before.
    pub actions: Vec<LessonAction>,
    pub checks: Vec<Check>,
    /// Where the step starts in its file, for messages.
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub group: Group,
    /// Seed concepts, as numbers 1 to 24.
    pub concepts: Vec<u8>,
    pub summary: String,
    pub steps: Vec<Step>,
    /// Packet scenes the lesson carries itself, by name (so one file is enough to share it).
    pub scenes: BTreeMap<String, Scene>,
    /// Where it was read from: a built-in name or a file path.
    pub source: String,
}

impl Lesson {
    /// The concepts as the CLI and the panel name them: "S8".
    pub fn concept_names(&self) -> Vec<String> {
        self.concepts.iter().map(|c| format!("S{c}")).collect()
    }

    /// The complete list of actions that builds step `index`'s state from nothing: for each
    /// view, what was done since it was last started afresh, then which view to show. The Fetch
    /// view's actions come first, so a replay of the fetched page has its page.
    pub fn resolved(&self, index: usize) -> Vec<LessonAction> {
        let mut packets = Vec::new();
        let mut network = Vec::new();
        let mut fetch = Vec::new();
        let mut view = None;
        for action in self.steps.iter().take(index + 1).flat_map(|s| &s.actions) {
            match action {
                LessonAction::View(v) => view = Some(*v),
                LessonAction::Packets(_) => {
                    packets = vec![action.clone()];
                    view = Some(View::Packets);
                }
                LessonAction::Packet(_) | LessonAction::Field(_) => packets.push(action.clone()),
                LessonAction::Network { .. } => {
                    network = vec![action.clone()];
                    view = Some(View::Network);
                }
                LessonAction::RunMs(_) | LessonAction::Events(_) | LessonAction::Act(_) => network.push(action.clone()),
                LessonAction::Fetch(_) => {
                    fetch = vec![action.clone()];
                    view = Some(View::Fetch);
                }
                LessonAction::Tab(_) => fetch.push(action.clone()),
                // Done by the live class at its own step only (`class_step`), never carried on.
                LessonAction::Class(_) => {}
            }
        }
        let mut all = fetch;
        all.extend(packets);
        all.extend(network);
        all.extend(view.map(LessonAction::View));
        all
    }

    /// What the live class swarm does at step `index`, if the step names anything.
    pub fn class_step(&self, index: usize) -> Option<ClassStep> {
        self.steps.get(index)?.actions.iter().find_map(|a| match a {
            LessonAction::Class(step) => Some(*step),
            _ => None,
        })
    }

    /// Whether a student's laptop is logged out of the teacher's registry while step `index` is
    /// shown (`asking`: its question still open, when the class step has not begun). The window
    /// and `netlens class follow` both ask this.
    pub fn student_logged_out_at(&self, index: usize, asking: bool) -> bool {
        !asking && self.class_step(index) == Some(ClassStep::LogOut)
    }

    /// The packet scene a `Packets` action names: one the lesson carries, or a built-in one.
    pub fn scene(&self, name: &str) -> Option<Scene> {
        self.scenes.get(name).cloned().or_else(|| Scene::named(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn students_are_logged_out_only_while_the_log_out_step_is_shown_and_not_asked() {
        let lesson = builtin::find("peers").unwrap();
        let log_out: Vec<usize> =
            (0..lesson.steps.len()).filter(|&i| lesson.class_step(i) == Some(ClassStep::LogOut)).collect();
        assert_eq!(log_out.len(), 1, "the peers lesson has one log-out step");
        for i in 0..lesson.steps.len() {
            assert_eq!(lesson.student_logged_out_at(i, false), log_out.contains(&i), "step {}", i + 1);
            assert!(!lesson.student_logged_out_at(i, true), "not while a question is open (step {})", i + 1);
        }
    }
}
