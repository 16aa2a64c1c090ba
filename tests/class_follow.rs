//! The class follows the teacher, in one process over loopback TCP: twenty followers see the
//! teacher's moment and answer a question with known choices (the tally is exact, in both
//! rounds, and closed once revealed); a student who joins late lands on the step shown; a lesson
//! step signed by anyone but the teacher is refused and changes nothing; a vote from a peer that
//! is not in the registry is not counted. The tests take turns (twenty nodes keep two cores busy).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use netlens::lesson::{Lesson, builtin};
use netlens::model::class_follow::{TeacherRounds, reveal};
use netlens::model::lesson::LessonPlayer;
use netlens::swarm::follow::{LessonPosition, Tally, Vote};
use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::{ClassCode, NodeConfig, NodeEvent};

const FOLLOWERS: usize = 20;
/// A hang guard for a loaded machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(120);

static ONE_CLASS_AT_A_TIME: Mutex<()> = Mutex::new(());

fn student(code: &str, name: &str, teacher: &RunningNode) -> NodeConfig {
    let join: libp2p::Multiaddr = teacher.address.parse().unwrap();
    let mut config = NodeConfig::new(ClassCode::parse(code).unwrap(), name, vec![join]);
    config.teacher_id = Some(teacher.client.local);
    config
}

async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The first built-in lesson that asks a question with at least three choices.
fn lesson_with_question() -> Lesson {
    builtin::all()
        .unwrap()
        .into_iter()
        .find(|l| l.steps.iter().any(|s| s.question.as_ref().is_some_and(|q| q.choices.len() >= 3)))
        .expect("a built-in lesson asks a question with three choices")
}

/// The teacher's node, `followers` students logged in at its registry, and the lesson opened.
struct Class {
    teacher: RunningNode,
    students: Vec<RunningNode>,
    player: LessonPlayer,
    rounds: TeacherRounds,
}

impl Class {
    async fn start(code: &str, followers: usize) -> Class {
        let mut config = NodeConfig::new(ClassCode::parse(code).unwrap(), "teacher", Vec::new());
        config.teacher = true;
        let teacher = runner::spawn(config).await.unwrap();
        let mut students = Vec::new();
        for i in 0..followers {
            students.push(runner::spawn(student(code, &format!("s{i}"), &teacher)).await.unwrap());
        }
        wait_until("every student is in the registry", || teacher.now().registry.is_some_and(|r| r.len() == followers))
            .await;
        let (player, _) = LessonPlayer::open(lesson_with_question());
        Class { teacher, students, player, rounds: TeacherRounds::default() }
    }

    /// Tells the class where the teacher's lesson stands; waits until every student follows it.
    async fn show(&mut self) -> LessonPosition {
        let position = self.rounds.position(&self.player);
        self.teacher.client.teach(position.clone()).unwrap();
        wait_until("every student follows the teacher's moment", || {
            self.students.iter().all(|s| s.now().following.is_some_and(|f| f.same_moment(&position)))
        })
        .await;
        position
    }

    /// Moves on to the first moment that asks a question.
    async fn move_to_question(&mut self) -> LessonPosition {
        while !self.player.moment().asking || self.player.step().question.as_ref().is_none_or(|q| q.choices.len() < 3) {
            self.player.forward();
        }
        self.show().await
    }

    async fn rounds_now(&self) -> Vec<Tally> {
        self.teacher.client.tallies().await.unwrap().expect("the teacher's node teaches").rounds
    }
}

fn with_runtime<F: std::future::Future<Output = ()>>(test: F) {
    let _turn = ONE_CLASS_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(test);
    runtime.shutdown_background();
}

#[test]
fn twenty_followers_answer_and_the_tally_is_exact_in_both_rounds() {
    with_runtime(async {
        let mut class = Class::start("VQTE22", FOLLOWERS).await;
        let first = class.show().await;
        assert_eq!(first.step, 0);
        let question = class.move_to_question().await;
        let choices = question.choices;
        assert!(question.votes_open() && question.round == 1);

        // Round 1: student i answers i mod choices; student 0 changes its mind first.
        class.students[0].client.vote(Vote::on(&question, choices - 1).unwrap()).await.unwrap();
        for (i, s) in class.students.iter().enumerate() {
            s.client.vote(Vote::on(&question, i % choices).unwrap()).await.unwrap();
        }
        let mut expected = vec![0; choices];
        (0..FOLLOWERS).for_each(|i| expected[i % choices] += 1);
        let rounds = class.rounds_now().await;
        assert_eq!(
            rounds,
            vec![Tally { step: question.step, round: 1, answered: FOLLOWERS, counts: expected.clone() }]
        );

        // Round 2 after discussion: fifteen answer again, all with the last choice.
        class.rounds.new_round(&class.player).unwrap();
        let second = class.show().await;
        assert_eq!(second.round, 2);
        assert!(
            class.students[1].client.vote(Vote::on(&question, 0).unwrap()).await.unwrap_err().contains("closed"),
            "a vote for round 1 is late"
        );
        for s in &class.students[..15] {
            s.client.vote(Vote::on(&second, choices - 1).unwrap()).await.unwrap();
        }
        let mut counts = vec![0; choices];
        counts[choices - 1] = 15;
        let rounds = class.rounds_now().await;
        assert_eq!(rounds[0].counts, expected, "round 1 stays as it was");
        assert_eq!(rounds[1], Tally { step: question.step, round: 2, answered: 15, counts });

        // Revealed: no more votes.
        reveal(&mut class.player).unwrap();
        let revealed = class.show().await;
        assert!(!revealed.asking);
        let late = class.students[19].client.vote(Vote::on(&second, 0).unwrap()).await;
        assert!(late.unwrap_err().contains("no question"), "a vote after the reveal is refused");
        assert_eq!(class.rounds_now().await[1].answered, 15);
    });
}

#[test]
fn a_student_who_joins_late_lands_on_the_step_shown() {
    with_runtime(async {
        let mut class = Class::start("KATE22", 3).await;
        for _ in 0..3 {
            class.player.forward();
        }
        let position = class.show().await;
        let late = runner::spawn(student("KATE22", "late", &class.teacher)).await.unwrap();
        wait_until("the late student follows the step shown", || {
            late.now().following.is_some_and(|f| f.same_moment(&position))
        })
        .await;
        assert!(late.now().following.unwrap().seq >= position.seq);
    });
}

#[test]
fn a_lesson_step_signed_by_another_peer_is_refused_and_changes_nothing() {
    with_runtime(async {
        let mut class = Class::start("FQRG22", 3).await;
        let position = class.show().await;
        // A student's laptop that claims to be a teacher: it signs lesson steps of its own.
        let mut config = student("FQRG22", "forger", &class.teacher);
        config.teacher = true;
        config.teacher_id = None;
        let forger = runner::spawn(config).await.unwrap();
        let forged = LessonPosition { step: position.steps - 1, seq: position.seq + 1000, ..position.clone() };
        let mut events = std::mem::replace(&mut class.students[0].events, tokio::sync::mpsc::unbounded_channel().1);
        let deadline = Instant::now() + PATIENCE;
        // It publishes until a student says it refused the forged step (which proves it arrived).
        let refused = loop {
            assert!(Instant::now() < deadline, "no student heard the forged step");
            forger.client.teach(forged.clone()).unwrap();
            let heard = tokio::time::timeout(Duration::from_millis(500), async {
                loop {
                    match events.recv().await {
                        Some(NodeEvent::OrderRefused { peer, reason }) if peer == forger.client.local.to_string() => {
                            break Some(reason);
                        }
                        Some(_) => continue,
                        None => break None,
                    }
                }
            })
            .await;
            if let Ok(Some(reason)) = heard {
                break reason;
            }
        };
        assert!(refused.contains("not signed by the teacher"), "{refused}");
        for s in &class.students {
            assert!(s.now().following.is_some_and(|f| f.same_moment(&position)), "a student moved on a forged step");
        }
    });
}

#[test]
fn a_vote_from_outside_the_registry_is_not_counted() {
    with_runtime(async {
        let mut class = Class::start("REGH22", 2).await;
        let question = class.move_to_question().await;
        let mut config = student("REGH22", "visitor", &class.teacher);
        config.register = false;
        let mut visitor = runner::spawn(config).await.unwrap();
        visitor.joined(PATIENCE).await.unwrap();
        wait_until("the visitor follows the question", || visitor.now().following.is_some()).await;
        let refused = visitor.client.vote(Vote::on(&question, 0).unwrap()).await.unwrap_err();
        assert!(refused.contains("registry"), "{refused}");
        class.students[0].client.vote(Vote::on(&question, 1).unwrap()).await.unwrap();
        let rounds = class.rounds_now().await;
        assert_eq!((rounds[0].answered, rounds[0].counts[0], rounds[0].counts[1]), (1, 0, 1));
    });
}
