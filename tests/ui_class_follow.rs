//! The class follows the teacher in the window (egui_kittest on the real app, real nodes on
//! 127.0.0.1, no mDNS). A student's window joins a teacher's node, lands on the teacher's step
//! (its own lesson player at the teacher's moment), and its vote button sends an answer the
//! teacher's node counts; detaching keeps it where it is while the teacher moves on, and one
//! click follows again. A teacher's window presenting a lesson tells the class its moves, and its
//! projector count shows a student's answer. Presenting the peers lesson, the teacher's window
//! does its class steps (lookup, share, download) on the panel tab each is about, and their swarm
//! checks pass; a student's window logs out of the registry at the log-out step and back in
//! after it.

mod common;

use common::ui::run_until;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netlens::app::{AppConfig, NetlensApp};
use netlens::lesson::{ClassStep, Lesson, builtin};
use netlens::model::class_follow::TeacherRounds;
use netlens::model::lesson::{LessonPlayer, Moment};
use netlens::model::swarm::SwarmIntent;
use netlens::swarm::follow::{LessonPosition, Vote};
use netlens::swarm::runner::{self, RunningNode};
use netlens::swarm::{ClassCode, NodeConfig};
use netlens::ui::lessons::LessonIntent;
use netlens::ui::swarm::SwarmTab;
use netlens::worker_api::swarm::SwarmStart;

fn has_text(harness: &Harness<'static, NetlensApp>, text: &str) -> bool {
    harness.query_all_by_label_contains(text).next().is_some()
        || harness
            .query_all(egui_kittest::kittest::by().predicate(|n| n.value().is_some_and(|v| v.contains(text))))
            .next()
            .is_some()
}

fn lesson_with_question() -> Lesson {
    builtin::all().unwrap().into_iter().find(|l| l.steps.iter().any(|s| s.question.is_some())).unwrap()
}

fn start(teacher: bool, code: &str, join: &str) -> SwarmStart {
    SwarmStart {
        teacher,
        code: code.into(),
        join: join.into(),
        name: if teacher { "teacher".into() } else { "window-student".into() },
        on_network: false,
        mdns: false,
        bucket_size: 3,
        replication: 3,
        upload_kib: 0,
    }
}

fn window() -> Harness<'static, NetlensApp> {
    Harness::builder().with_size([1400.0, 900.0]).build_eframe(|cc| NetlensApp::new(cc, AppConfig::test()))
}

fn moment_of(h: &Harness<'static, NetlensApp>) -> Option<(String, Moment)> {
    h.state().lesson_player().map(|p| (p.lesson.id.clone(), p.moment()))
}

fn at(position: &LessonPosition) -> Option<(String, Moment)> {
    Some((position.lesson.clone(), Moment { step: position.step, asking: position.asking }))
}

/// A teacher's window running a class with `count` in-process students, all logged in.
fn teacher_with_students(
    runtime: &tokio::runtime::Runtime,
    code: &str,
    count: usize,
) -> (Harness<'static, NetlensApp>, Vec<RunningNode>) {
    let mut harness = window();
    harness.state_mut().swarm(SwarmIntent::Start(start(true, code, "")));
    run_until(&mut harness, "the teacher's node runs", |h| h.state().swarm_model().running());
    let address: libp2p::Multiaddr = harness.state().swarm_model().address.parse().unwrap();
    let students: Vec<RunningNode> = (0..count)
        .map(|i| {
            let mut config = NodeConfig::new(ClassCode::parse(code).unwrap(), &format!("s{i}"), vec![address.clone()]);
            config.teacher_id = netlens::swarm::config::peer_in(&address);
            runtime.block_on(runner::spawn(config)).unwrap()
        })
        .collect();
    run_until(&mut harness, "the students in the registry", |h| {
        h.state().swarm_model().state.registry.as_ref().is_some_and(|r| r.len() == count)
    });
    (harness, students)
}

#[test]
fn a_students_window_follows_the_teacher_votes_detaches_and_follows_again() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut config = NodeConfig::new(ClassCode::parse("WNDW22").unwrap(), "teacher", Vec::new());
    config.teacher = true;
    let teacher: RunningNode = runtime.block_on(runner::spawn(config)).unwrap();
    let mut harness = window();
    harness.state_mut().swarm(SwarmIntent::Start(start(false, "WNDW22", &teacher.address)));
    run_until(&mut harness, "the student's node is in the registry", |_| {
        teacher.now().registry.is_some_and(|r| r.len() == 1)
    });

    // The teacher moves to the first question: the window lands on it.
    let (mut player, _) = LessonPlayer::open(lesson_with_question());
    let mut rounds = TeacherRounds::default();
    while !player.moment().asking {
        player.forward();
    }
    let question = rounds.position(&player);
    teacher.client.teach(question.clone()).unwrap();
    run_until(&mut harness, "the window shows the teacher's step", |h| moment_of(h) == at(&question));
    harness.run_steps(2);
    let step_text = format!("Following the teacher · step {} of {}", question.step + 1, question.steps);
    assert!(has_text(&harness, &step_text), "the strip says it follows");

    // The second choice's button sends the answer; the teacher's node counts it.
    let choice = &player.step().question.as_ref().unwrap().choices[1];
    harness.get_by_role_and_label(egui::accesskit::Role::Button, &format!("B. {choice}")).click();
    run_until(&mut harness, "the teacher counts the window's answer", |_| {
        let rounds = runtime.block_on(teacher.client.tallies()).unwrap().unwrap().rounds;
        rounds.first().is_some_and(|t| t.answered == 1 && t.counts[1] == 1)
    });
    run_until(&mut harness, "the window says the answer counted", |h| has_text(h, "Your answer B is counted"));

    // Detached, the window stays while the teacher moves on; one click follows again.
    harness.get_by_label("Explore on my own").click();
    harness.run_steps(2);
    player.forward();
    let revealed = rounds.position(&player);
    teacher.client.teach(revealed.clone()).unwrap();
    run_until(&mut harness, "the strip shows where the teacher is", |h| {
        h.state().swarm_model().following.as_ref().is_some_and(|f| f.seq == revealed.seq)
    });
    harness.run_steps(3);
    assert_eq!(moment_of(&harness), at(&question), "a detached window stays where it was");
    harness.get_by_label("Follow the teacher again").click();
    run_until(&mut harness, "the window is back at the teacher's step", |h| moment_of(h) == at(&revealed));

    // At the peers lesson's log-out step the window leaves the registry (and shows its class
    // swarm); at the next step it logs in again.
    let peers = builtin::find("peers").unwrap();
    let log_out = (0..peers.steps.len()).find(|&i| peers.class_step(i) == Some(ClassStep::LogOut)).unwrap();
    let (mut player, _) = LessonPlayer::open(peers);
    while player.moment() != (Moment { step: log_out, asking: false }) {
        player.forward();
    }
    teacher.client.teach(rounds.position(&player)).unwrap();
    run_until(&mut harness, "the window logs out", |_| teacher.now().registry.is_some_and(|r| r.is_empty()));
    assert!(has_text(&harness, "Routing table"), "the class swarm is shown");
    player.forward();
    teacher.client.teach(rounds.position(&player)).unwrap();
    run_until(&mut harness, "the window logs in again", |_| teacher.now().registry.is_some_and(|r| r.len() == 1));
}

#[test]
fn a_teachers_window_tells_the_class_and_counts_an_answer_on_the_projector() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (mut harness, mut students) = teacher_with_students(&runtime, "PRQJ22", 1);
    let student = students.remove(0);

    let lesson = lesson_with_question();
    harness.state_mut().lesson(LessonIntent::Open(Box::new(lesson)));
    harness.state_mut().lesson(LessonIntent::Present);
    while !harness.state().lesson_player().unwrap().moment().asking {
        harness.state_mut().lesson(LessonIntent::Next);
    }
    let shown = moment_of(&harness).unwrap();
    run_until(&mut harness, "the student follows the presented question", |_| {
        student.now().following.is_some_and(|f| (f.lesson.clone(), Moment { step: f.step, asking: f.asking }) == shown)
    });
    let position = student.now().following.unwrap();
    runtime.block_on(student.client.vote(Vote::on(&position, 0).unwrap())).unwrap();
    run_until(&mut harness, "the projector shows the answer", |h| has_text(h, "Round 1: 1 of 1 answered"));
    assert!(has_text(&harness, "Reveal the answer"));
    harness.get_by_label("Discuss, then answer again").click();
    run_until(&mut harness, "the class is asked again", |_| student.now().following.is_some_and(|f| f.round == 2));
    run_until(&mut harness, "the projector shows round 2", |h| has_text(h, "Round 2: 0 of 1 answered"));
}

/// The teacher's window's lesson status now.
fn status(h: &Harness<'static, NetlensApp>) -> serde_json::Value {
    h.state().lesson_status()
}

/// True once every check of the step shown passed (swarm checks included: none not run).
fn all_passed(h: &mut Harness<'static, NetlensApp>) -> bool {
    let status = status(h);
    let checks = status["checks"].as_array().cloned().unwrap_or_default();
    status["busy"] == false && !checks.is_empty() && checks.iter().all(|c| c["ok"] == true)
}

#[test]
fn a_teachers_window_does_the_peers_lessons_class_steps_and_their_checks_pass() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (mut harness, students) = teacher_with_students(&runtime, "PEERW2", 4);

    let lesson = builtin::find("peers").unwrap();
    harness.state_mut().lesson(LessonIntent::Open(Box::new(lesson.clone())));
    harness.state_mut().lesson(LessonIntent::Present);
    loop {
        let moment = harness.state().lesson_player().unwrap().moment();
        if let Some(step) = lesson.class_step(moment.step).filter(|_| !moment.asking) {
            // The students' windows would log out here: their nodes do as a window would.
            let log_out = step == ClassStep::LogOut;
            if log_out {
                students.iter().for_each(|s| s.client.set_logged_in(false).unwrap());
            }
            run_until(
                &mut harness,
                &format!("step {} ({}) passing its checks", moment.step + 1, step.name()),
                all_passed,
            );
            assert!(harness.state().class_note().is_none(), "a class runs: no scene stands in");
            assert!(has_text(&harness, "Routing table"), "the class swarm is shown");
            let tab = match step {
                ClassStep::Table => SwarmTab::Table,
                ClassStep::Lookup => SwarmTab::Lookup,
                ClassStep::LogOut => SwarmTab::Registry,
                ClassStep::Share | ClassStep::Download => SwarmTab::Files,
            };
            assert_eq!(harness.state().swarm_tab(), tab, "step {} opens the tab it is about", moment.step + 1);
            if log_out {
                students.iter().for_each(|s| s.client.set_logged_in(true).unwrap());
            }
        }
        if harness.state().lesson_player().unwrap().at_end() {
            break;
        }
        harness.state_mut().lesson(LessonIntent::Next);
    }
    let swarm = &status(&harness)["documents"]["swarm"];
    assert_eq!(swarm["download"]["matches_shared"], true, "{}", swarm["download"]);
}
