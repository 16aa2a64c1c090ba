//! Where a lesson stands: which step, and whether its question has been answered. Moving is one
//! key press at a time through the lesson's *moments* — a step with a question has two, asking
//! (the class sees the step before, and the question) and shown — and each move says which
//! actions bring the app from what it shows now to the new moment. Scenes are deterministic, so
//! going back is building the earlier moment again; going forward only adds what is new.

use crate::lesson::{Lesson, LessonAction, Step};

/// One moment of a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub step: usize,
    /// The question is on screen and the step not yet shown.
    pub asking: bool,
}

pub struct LessonPlayer {
    pub lesson: Lesson,
    moments: Vec<Moment>,
    at: usize,
    /// The complete action list the app was last brought to.
    applied: Vec<LessonAction>,
}

impl LessonPlayer {
    /// Opens `lesson` at its first moment; returns the player and the actions to apply.
    pub fn open(lesson: Lesson) -> (LessonPlayer, Vec<LessonAction>) {
        let moments = lesson
            .steps
            .iter()
            .enumerate()
            .flat_map(|(step, s)| {
                let ask = s.question.is_some().then_some(Moment { step, asking: true });
                ask.into_iter().chain(std::iter::once(Moment { step, asking: false }))
            })
            .collect();
        let mut player = LessonPlayer { lesson, moments, at: 0, applied: Vec::new() };
        let actions = player.bring();
        (player, actions)
    }

    pub fn moment(&self) -> Moment {
        self.moments[self.at]
    }

    pub fn step(&self) -> &Step {
        &self.lesson.steps[self.moment().step]
    }

    /// "Step 3 of 7".
    pub fn position(&self) -> (usize, usize) {
        (self.moment().step + 1, self.lesson.steps.len())
    }

    pub fn at_start(&self) -> bool {
        self.at == 0
    }

    pub fn at_end(&self) -> bool {
        self.at + 1 == self.moments.len()
    }

    /// The next moment (answering the question, or the next step); the actions to apply.
    pub fn forward(&mut self) -> Vec<LessonAction> {
        if self.at_end() {
            return Vec::new();
        }
        self.at += 1;
        self.bring()
    }

    pub fn back(&mut self) -> Vec<LessonAction> {
        if self.at_start() {
            return Vec::new();
        }
        self.at -= 1;
        self.bring()
    }

    /// Goes to the start of step `step` (its question, if it asks one).
    pub fn go_to(&mut self, step: usize) -> Vec<LessonAction> {
        if let Some(at) = self.moments.iter().position(|m| m.step == step) {
            self.at = at;
        }
        self.bring()
    }

    /// Goes to `moment` exactly (a followed teacher's); None if the lesson has no such moment.
    pub fn go_to_moment(&mut self, moment: Moment) -> Option<Vec<LessonAction>> {
        self.at = self.moments.iter().position(|m| *m == moment)?;
        Some(self.bring())
    }

    /// Builds the current moment again from nothing (the app was changed by hand meanwhile).
    pub fn replay(&mut self) -> Vec<LessonAction> {
        self.applied.clear();
        self.bring()
    }

    /// The actions that turn what was applied into what this moment shows.
    fn bring(&mut self) -> Vec<LessonAction> {
        let moment = self.moment();
        let target = match (moment.asking, moment.step) {
            (false, step) => self.lesson.resolved(step),
            (true, 0) => Vec::new(),
            (true, step) => self.lesson.resolved(step - 1),
        };
        let actions = difference(&self.applied, &target);
        self.applied = target;
        actions
    }
}

/// For each view, what to do to get from `from` to `to`: nothing if it is the same, the new
/// actions if `to` only adds to `from`, or all of `to` (which starts that view afresh). The Fetch
/// view comes first, and a new page makes a replay of the fetched page run again after it.
fn difference(from: &[LessonAction], to: &[LessonAction]) -> Vec<LessonAction> {
    use crate::lesson::View;
    let part = |actions: &[LessonAction], view| -> Vec<LessonAction> {
        actions.iter().filter(|a| !matches!(a, LessonAction::View(_)) && a.view() == Some(view)).cloned().collect()
    };
    let replays_the_page = |actions: &[LessonAction]| {
        actions.iter().any(|a| matches!(a, LessonAction::Packets(run) if run.scene == crate::lesson::FETCHED_SCENE))
    };
    let page_changed = part(from, View::Fetch) != part(to, View::Fetch);
    let mut out = Vec::new();
    for view in [View::Fetch, View::Packets, View::Network] {
        let (mut old, new) = (part(from, view), part(to, view));
        if view == View::Packets && page_changed && replays_the_page(&new) {
            // The packets replay the page: a new page means a new run.
            old.clear();
        }
        if new.is_empty() || old == new {
            continue;
        }
        if new.starts_with(&old) && !old.is_empty() {
            out.extend_from_slice(&new[old.len()..]);
        } else {
            out.extend(new);
        }
    }
    out.extend(to.iter().filter(|a| matches!(a, LessonAction::View(_))).cloned());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::builtin;

    #[test]
    fn a_replay_of_the_fetched_page_comes_after_its_fetch_and_again_after_a_new_one() {
        let text = r#"
schema = 1
id = "replay"
title = "Replay"
group = "messages"
concepts = ["S2"]
summary = "s"

[[steps]]
caption = "a"
do = [{ fetch = "/" }, { packets = "fetched" }, { packet = 4 }]

[[steps]]
caption = "b"
do = [{ fetch = "/missing" }]

[[steps]]
caption = "c"
do = [{ packet = 5 }]
"#;
        let lesson = crate::lesson::file::parse("replay.toml", text).unwrap();
        let (mut player, first) = LessonPlayer::open(lesson);
        let kinds = |actions: &[LessonAction]| -> Vec<&'static str> {
            actions
                .iter()
                .map(|a| match a {
                    LessonAction::Fetch(_) => "fetch",
                    LessonAction::Packets(_) => "packets",
                    LessonAction::Packet(_) => "packet",
                    _ => "other",
                })
                .filter(|k| *k != "other")
                .collect()
        };
        assert_eq!(kinds(&first), ["fetch", "packets", "packet"], "the page before its replay");
        // Another page: the replay runs again, after it.
        assert_eq!(kinds(&player.forward()), ["fetch", "packets", "packet"]);
        // Only the selection changes: nothing is fetched or run again.
        assert_eq!(kinds(&player.forward()), ["packet"]);
    }

    #[test]
    fn questions_come_before_their_step_and_back_rebuilds_the_earlier_moment() {
        let lesson = builtin::find("tcp-connection").unwrap();
        let (mut player, first) = LessonPlayer::open(lesson.clone());
        assert!(matches!(first.first(), Some(LessonAction::Packets(_))), "{first:?}");
        assert_eq!(player.moment(), Moment { step: 0, asking: false });
        // Step 2 asks first: nothing changes on screen while the question is up.
        let asking = player.forward();
        assert_eq!(player.moment(), Moment { step: 1, asking: true });
        assert!(asking.iter().all(|a| matches!(a, LessonAction::View(_))), "{asking:?}");
        // The next press reveals: only the new selection is applied.
        let reveal = player.forward();
        assert_eq!(reveal.iter().filter(|a| !matches!(a, LessonAction::View(_))).count(), 1, "{reveal:?}");
        // Back to the question: the earlier state, built afresh (the scene runs again).
        let back = player.back();
        assert!(matches!(back.first(), Some(LessonAction::Packets(_))), "{back:?}");
        while !player.at_end() {
            player.forward();
        }
        assert_eq!(player.position(), (lesson.steps.len(), lesson.steps.len()));
    }
}
