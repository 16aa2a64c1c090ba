//! The class follows the teacher's lesson: where the teacher's lesson stands (published on
//! gossipsub, signed by the teacher's node, and obeyed only from it), a student's vote on the
//! question on screen (sent to the teacher alone), and the teacher's ballot box, which counts one
//! answer per registered student per question per round and shows only counts. Only the lesson's
//! id, the step, its seed and the round travel: the same lesson and seed draw the same pictures.

use std::collections::{BTreeMap, HashMap};

use libp2p::PeerId;
use serde::{Deserialize, Serialize};

/// The topic the teacher's lesson position travels on.
pub const LESSON_TOPIC: &str = "netlens/class/lesson/1";
/// A lesson id is at most this long (built-in ids are short words with dashes).
pub const MAX_LESSON_ID: usize = 64;
/// A question has at most this many choices.
pub const MAX_CHOICES: usize = 8;
/// A lesson has at most this many steps.
pub const MAX_STEPS: usize = 1000;
/// At most this many voting rounds on one question (peer instruction uses two).
pub const MAX_ROUNDS: u32 = 4;
/// A student may change their answer at most this many times in one round: more is a stranger
/// trying to make the teacher's node work, not a student thinking again.
pub const MAX_CHANGES: u32 = 20;

/// Where the teacher's lesson stands, as every follower is told (again every second, so a
/// student who joins late lands on it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LessonPosition {
    /// The built-in lesson's id.
    pub lesson: String,
    /// The step shown, from 0.
    pub step: usize,
    pub steps: usize,
    /// The step's question is on screen and its answer not yet revealed: votes are open.
    pub asking: bool,
    /// The seed of the step's scene, so a follower whose copy of the lesson differs can say so.
    pub seed: u64,
    /// The voting round on this step's question, from 1.
    pub round: u32,
    /// How many choices the step's question has (0: no question).
    pub choices: usize,
    /// Counts the teacher's moves, so a follower never goes back to an older position that
    /// arrives late.
    pub seq: u64,
}

impl LessonPosition {
    /// Reads a position strictly: a well-formed id, a step inside the lesson, bounded counts.
    pub fn from_bytes(bytes: &[u8]) -> Result<LessonPosition, String> {
        let position: LessonPosition =
            serde_json::from_slice(bytes).map_err(|e| format!("a malformed lesson position: {e}"))?;
        position.check()?;
        Ok(position)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    fn check(&self) -> Result<(), String> {
        check_lesson_id(&self.lesson)?;
        if self.steps == 0 || self.steps > MAX_STEPS || self.step >= self.steps {
            return Err(format!("step {} of {} is not a step of a lesson", self.step, self.steps));
        }
        if self.round == 0 || self.round > MAX_ROUNDS {
            return Err(format!("round {} (rounds go from 1 to {MAX_ROUNDS})", self.round));
        }
        if self.choices > MAX_CHOICES {
            return Err(format!("{} choices (at most {MAX_CHOICES})", self.choices));
        }
        Ok(())
    }

    /// Whether students may answer now.
    pub fn votes_open(&self) -> bool {
        self.asking && self.choices > 0
    }

    /// The same moment of the same lesson (what a republished position repeats).
    pub fn same_moment(&self, other: &LessonPosition) -> bool {
        LessonPosition { seq: 0, ..self.clone() } == LessonPosition { seq: 0, ..other.clone() }
    }
}

/// Lesson ids as the built-in lessons spell them: lowercase letters, digits, dashes, underscores
/// and dots.
pub fn check_lesson_id(id: &str) -> Result<(), String> {
    let fits = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
    if id.is_empty() || id.len() > MAX_LESSON_ID || !id.chars().all(fits) {
        let shown: String = id.chars().filter(|c| !c.is_control()).take(MAX_LESSON_ID).collect();
        return Err(format!("{shown:?} is not a lesson id"));
    }
    Ok(())
}

/// A student's answer to the question on screen: choice `choice` (from 0) to the question of
/// step `step` of `lesson`, in round `round`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Vote {
    pub lesson: String,
    pub step: u32,
    pub round: u32,
    pub choice: u32,
}

impl Vote {
    /// The vote for `choice` on the question `position` shows, if votes are open.
    pub fn on(position: &LessonPosition, choice: usize) -> Result<Vote, String> {
        if !position.votes_open() {
            return Err("there is no open question to answer".into());
        }
        if choice >= position.choices {
            return Err(format!("choice {} of a question with {} choices", choice + 1, position.choices));
        }
        Ok(Vote {
            lesson: position.lesson.clone(),
            step: position.step as u32,
            round: position.round,
            choice: choice as u32,
        })
    }
}

/// One round of one question, as the projector shows it: counts only, never who.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub step: usize,
    pub round: u32,
    pub answered: usize,
    pub counts: Vec<usize>,
}

/// What the teacher's node tells about the lesson it teaches: where it stands, and every round of
/// the question on this step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Teaching {
    pub position: LessonPosition,
    pub rounds: Vec<Tally>,
}

/// The answers of one round: each student's latest choice, and how often they changed it.
#[derive(Default)]
struct Round {
    choices: usize,
    answers: HashMap<PeerId, (u32, u32)>,
}

/// The teacher's ballot box: the lesson's position and every round of every question asked in it.
#[derive(Default)]
pub struct BallotBox {
    position: Option<LessonPosition>,
    rounds: BTreeMap<(usize, u32), Round>,
}

impl BallotBox {
    /// The teacher moved: a new lesson starts a fresh count; the same lesson keeps earlier rounds
    /// (going back to a question shows what it got).
    pub fn teach(&mut self, position: LessonPosition) {
        if self.position.as_ref().is_some_and(|p| p.lesson != position.lesson) {
            self.rounds.clear();
        }
        if position.choices > 0 {
            let round = self.rounds.entry((position.step, position.round)).or_default();
            round.choices = position.choices;
        }
        self.position = Some(position);
    }

    pub fn position(&self) -> Option<&LessonPosition> {
        self.position.as_ref()
    }

    /// Counts `peer`'s vote if it answers the open question, `peer` is in the class registry,
    /// and it has not changed its mind too often; says why not otherwise. A changed answer
    /// replaces the earlier one.
    pub fn vote(&mut self, peer: PeerId, vote: &Vote, registered: bool) -> Result<(), String> {
        if !registered {
            return Err("not in the class registry: not counted".into());
        }
        let Some(position) = self.position.as_ref().filter(|p| p.votes_open()) else {
            return Err("no question is open".into());
        };
        if vote.lesson != position.lesson || vote.step as usize != position.step || vote.round != position.round {
            return Err("that question is closed".into());
        }
        let round = self.rounds.entry((position.step, position.round)).or_default();
        if vote.choice as usize >= round.choices {
            return Err(format!("there is no choice {}", vote.choice.saturating_add(1)));
        }
        let answer = round.answers.entry(peer).or_insert((vote.choice, 0));
        if answer.0 != vote.choice {
            if answer.1 >= MAX_CHANGES {
                return Err(format!("an answer changed more than {MAX_CHANGES} times"));
            }
            *answer = (vote.choice, answer.1 + 1);
        }
        Ok(())
    }

    /// The open question's current round, if a question is on screen.
    pub fn current(&self) -> Option<Tally> {
        let position = self.position.as_ref().filter(|p| p.choices > 0)?;
        self.tally(position.step, position.round)
    }

    /// Every round of the question on step `step`, first round first.
    pub fn rounds_of(&self, step: usize) -> Vec<Tally> {
        self.rounds.keys().filter(|(s, _)| *s == step).filter_map(|(s, r)| self.tally(*s, *r)).collect()
    }

    /// What the state shows: the position and this step's rounds.
    pub fn teaching(&self) -> Option<Teaching> {
        let position = self.position.clone()?;
        Some(Teaching { rounds: self.rounds_of(position.step), position })
    }

    /// The highest round the question on `step` has had (1 if none yet).
    pub fn last_round(&self, step: usize) -> u32 {
        self.rounds.keys().filter(|(s, _)| *s == step).map(|(_, r)| *r).max().unwrap_or(1)
    }

    fn tally(&self, step: usize, round: u32) -> Option<Tally> {
        let answers = self.rounds.get(&(step, round))?;
        let mut counts = vec![0; answers.choices];
        for (choice, _) in answers.answers.values() {
            if let Some(count) = counts.get_mut(*choice as usize) {
                *count += 1;
            }
        }
        Some(Tally { step, round, answered: answers.answers.len(), counts })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asking(step: usize, round: u32, choices: usize) -> LessonPosition {
        LessonPosition { lesson: "peers".into(), step, steps: 6, asking: true, seed: 7, round, choices, seq: 1 }
    }

    #[test]
    fn positions_are_read_strictly() {
        let good = asking(2, 1, 3);
        assert_eq!(LessonPosition::from_bytes(&good.to_bytes()), Ok(good.clone()));
        for bad in [
            LessonPosition { lesson: "Peers!".into(), ..good.clone() },
            LessonPosition { lesson: "x".repeat(65), ..good.clone() },
            LessonPosition { step: 6, ..good.clone() },
            LessonPosition { round: 0, ..good.clone() },
            LessonPosition { round: MAX_ROUNDS + 1, ..good.clone() },
            LessonPosition { choices: MAX_CHOICES + 1, ..good.clone() },
        ] {
            assert!(LessonPosition::from_bytes(&bad.to_bytes()).is_err(), "{bad:?}");
        }
        assert!(LessonPosition::from_bytes(b"{\"lesson\":\"peers\"}").is_err());
        let mut extra = serde_json::to_value(&good).unwrap();
        extra["picture"] = serde_json::json!("...");
        assert!(LessonPosition::from_bytes(extra.to_string().as_bytes()).is_err(), "unknown fields are refused");
    }

    #[test]
    fn one_answer_per_registered_peer_per_round_and_changes_replace() {
        let mut ballot = BallotBox::default();
        ballot.teach(asking(2, 1, 3));
        let (a, b, stranger) = (PeerId::random(), PeerId::random(), PeerId::random());
        let vote = |choice| Vote::on(&asking(2, 1, 3), choice).unwrap();
        ballot.vote(a, &vote(0), true).unwrap();
        ballot.vote(b, &vote(0), true).unwrap();
        ballot.vote(b, &vote(2), true).unwrap();
        ballot.vote(b, &vote(2), true).unwrap();
        assert!(ballot.vote(stranger, &vote(1), false).unwrap_err().contains("registry"));
        assert!(ballot.vote(a, &Vote { choice: 3, ..vote(0) }, true).is_err(), "no fourth choice");
        assert_eq!(ballot.current(), Some(Tally { step: 2, round: 1, answered: 2, counts: vec![1, 0, 1] }));

        // A second round counts again; the first stays as it was.
        ballot.teach(asking(2, 2, 3));
        assert!(ballot.vote(a, &vote(1), true).unwrap_err().contains("closed"), "a first-round vote is late");
        ballot.vote(a, &Vote { round: 2, ..vote(1) }, true).unwrap();
        assert_eq!(ballot.rounds_of(2).len(), 2);
        assert_eq!(ballot.rounds_of(2)[0].counts, vec![1, 0, 1]);
        assert_eq!(ballot.rounds_of(2)[1].counts, vec![0, 1, 0]);
        assert_eq!(ballot.last_round(2), 2);

        // Revealed: votes are closed.
        ballot.teach(LessonPosition { asking: false, ..asking(2, 2, 3) });
        assert!(ballot.vote(b, &Vote { round: 2, ..vote(0) }, true).unwrap_err().contains("no question"));
    }

    #[test]
    fn a_peer_that_keeps_changing_its_mind_is_refused() {
        let mut ballot = BallotBox::default();
        ballot.teach(asking(0, 1, 2));
        let peer = PeerId::random();
        let mut refused = 0;
        for i in 0..100 {
            if ballot.vote(peer, &Vote::on(&asking(0, 1, 2), i % 2).unwrap(), true).is_err() {
                refused += 1;
            }
        }
        // After MAX_CHANGES changes the answer stays put: every later vote for the other choice
        // is refused, and a repeat of the kept one is no change.
        let later_changes = (MAX_CHANGES as usize + 1..100).filter(|i| i % 2 != MAX_CHANGES as usize % 2).count();
        assert_eq!(refused, later_changes);
        assert_eq!(ballot.current().unwrap().answered, 1);
    }

    #[test]
    fn a_new_lesson_starts_a_fresh_count() {
        let mut ballot = BallotBox::default();
        ballot.teach(asking(1, 1, 2));
        ballot.vote(PeerId::random(), &Vote::on(&asking(1, 1, 2), 1).unwrap(), true).unwrap();
        ballot.teach(LessonPosition { lesson: "bytes".into(), ..asking(1, 1, 2) });
        assert_eq!(ballot.current().unwrap().answered, 0);
    }
}
