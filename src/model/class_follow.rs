//! The lesson a class follows, between the lesson player and the swarm: on the teacher's side
//! the moves (next, back, reveal, a new round) become the `LessonPosition` the class is told; on
//! a follower's side a position brings the follower's own player to the same moment, so the
//! follower's views draw the same pictures from the same lesson and seeds.

use std::collections::BTreeMap;

use crate::lesson::{Lesson, LessonAction};
use crate::model::lesson::{LessonPlayer, Moment};
use crate::swarm::follow::{LessonPosition, MAX_CHOICES, MAX_ROUNDS};

/// The seed that step `step`'s scene runs with: the last seed its actions set (0: none), so a
/// follower whose copy of the lesson differs from the teacher's notices.
pub fn step_seed(lesson: &Lesson, step: usize) -> u64 {
    lesson
        .resolved(step)
        .iter()
        .rev()
        .find_map(|action| match action {
            LessonAction::Network { seed, .. } => Some(*seed),
            LessonAction::Packets(run) => run.seed,
            _ => None,
        })
        .unwrap_or(0)
}

/// The teacher's side: the voting round of each question asked, and a count of the moves.
#[derive(Default)]
pub struct TeacherRounds {
    rounds: BTreeMap<usize, u32>,
    seq: u64,
}

impl TeacherRounds {
    /// Where `player` stands, as the class is told (a new sequence number each time).
    pub fn position(&mut self, player: &LessonPlayer) -> LessonPosition {
        self.seq += 1;
        let moment = player.moment();
        let choices = player.step().question.as_ref().map_or(0, |q| q.choices.len().min(MAX_CHOICES));
        LessonPosition {
            lesson: player.lesson.id.clone(),
            step: moment.step,
            steps: player.lesson.steps.len(),
            asking: moment.asking,
            seed: step_seed(&player.lesson, moment.step),
            round: self.round(moment.step),
            choices,
            seq: self.seq,
        }
    }

    /// The voting round of step `step`'s question (1 until a new round is started).
    pub fn round(&self, step: usize) -> u32 {
        self.rounds.get(&step).copied().unwrap_or(1)
    }

    /// After discussion, the class answers the question on screen again; the earlier round's
    /// answers stay as they were.
    pub fn new_round(&mut self, player: &LessonPlayer) -> Result<u32, String> {
        let moment = player.moment();
        if !moment.asking {
            return Err("no question is open: a new round starts while a question is on screen".into());
        }
        let round = self.round(moment.step);
        if round >= MAX_ROUNDS {
            return Err(format!("at most {MAX_ROUNDS} rounds on one question"));
        }
        self.rounds.insert(moment.step, round + 1);
        Ok(round + 1)
    }
}

/// Reveals the answer of the question on screen (the next moment of a question step).
pub fn reveal(player: &mut LessonPlayer) -> Result<Vec<LessonAction>, String> {
    if !player.moment().asking {
        return Err("no question is open to reveal".into());
    }
    Ok(player.forward())
}

/// What a follower does with the teacher's position.
#[derive(Debug, PartialEq)]
pub enum Follow {
    /// The player is at the teacher's moment: apply these actions (none if it was there).
    Moved(Vec<LessonAction>),
    /// The teacher teaches another lesson: open this built-in one, then follow again.
    Open(Lesson),
    /// The position cannot be followed here, and why.
    Cannot(String),
}

/// Brings `player` (None: no lesson open) to the teacher's `position`, finding the lesson among
/// `catalog` when it is another one.
pub fn follow(player: Option<&mut LessonPlayer>, catalog: &[Lesson], position: &LessonPosition) -> Follow {
    let Some(player) = player.filter(|p| p.lesson.id == position.lesson) else {
        return match catalog.iter().find(|l| l.id == position.lesson) {
            Some(lesson) => Follow::Open(lesson.clone()),
            None => Follow::Cannot(format!(
                "the teacher shows the lesson {:?}, which this netlens does not have: update netlens",
                position.lesson
            )),
        };
    };
    let lesson = &player.lesson;
    if lesson.steps.len() != position.steps || step_seed(lesson, position.step) != position.seed {
        return Follow::Cannot(format!(
            "this netlens's lesson {:?} differs from the teacher's (another version): update netlens",
            position.lesson
        ));
    }
    let moment = Moment { step: position.step, asking: position.asking };
    if player.moment() == moment {
        return Follow::Moved(Vec::new());
    }
    match player.go_to_moment(moment) {
        Some(actions) => Follow::Moved(actions),
        None => Follow::Cannot(format!("the teacher's step {} is not a moment of this lesson", position.step + 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::builtin;

    fn lesson_with_question() -> Lesson {
        builtin::all().unwrap().into_iter().find(|l| l.steps.iter().any(|s| s.question.is_some())).unwrap()
    }

    #[test]
    fn a_follower_reaches_every_moment_the_teacher_reaches() {
        let lesson = lesson_with_question();
        let (mut teacher, _) = LessonPlayer::open(lesson.clone());
        let (mut follower, _) = LessonPlayer::open(lesson.clone());
        let mut rounds = TeacherRounds::default();
        loop {
            let position = rounds.position(&teacher);
            assert!(matches!(follow(Some(&mut follower), &[], &position), Follow::Moved(_)));
            assert_eq!(follower.moment(), teacher.moment());
            if teacher.at_end() {
                break;
            }
            teacher.forward();
        }
        // And back again, several moments at once.
        teacher.go_to(0);
        let position = rounds.position(&teacher);
        assert!(matches!(follow(Some(&mut follower), &[], &position), Follow::Moved(a) if !a.is_empty()));
        assert_eq!(follower.moment(), teacher.moment());
    }

    #[test]
    fn rounds_start_only_on_an_open_question_and_another_lesson_is_opened() {
        let lesson = lesson_with_question();
        let (mut teacher, _) = LessonPlayer::open(lesson.clone());
        let mut rounds = TeacherRounds::default();
        while !teacher.moment().asking {
            assert!(rounds.new_round(&teacher).is_err());
            assert!(reveal(&mut teacher).is_err());
            teacher.forward();
        }
        let position = rounds.position(&teacher);
        assert_eq!((position.round, position.choices > 0, position.asking), (1, true, true));
        assert_eq!(rounds.new_round(&teacher), Ok(2));
        assert_eq!(rounds.position(&teacher).round, 2);
        assert!(rounds.position(&teacher).seq > position.seq);
        reveal(&mut teacher).unwrap();
        assert!(!teacher.moment().asking);
        assert!(matches!(follow(None, std::slice::from_ref(&lesson), &position), Follow::Open(l) if l.id == lesson.id));
        let unknown = LessonPosition { lesson: "not-built-in".into(), ..position.clone() };
        assert!(
            matches!(follow(None, std::slice::from_ref(&lesson), &unknown), Follow::Cannot(r) if r.contains("update"))
        );
        let (mut follower, _) = LessonPlayer::open(lesson);
        let other_version = LessonPosition { seed: position.seed + 1, ..position };
        assert!(matches!(follow(Some(&mut follower), &[], &other_version), Follow::Cannot(r) if r.contains("version")));
    }
}
