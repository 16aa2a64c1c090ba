//! `netlens class`: a lesson the class follows, without a window (tests, labs without displays).
//! - `teach LESSON_ID` starts the teacher's node, reads `next`, `back`, `reveal`, `round` and
//!   `end` on stdin, and prints JSON lines: where it listens, each step shown, each change of the
//!   open question's count, and votes or orders it refused. At a step of the real class
//!   (`{ class = "lookup" }` …) it does the teacher's part (`class_done`) and prints the step's
//!   `swarm` checks run on its node each time their results change (`checks`).
//! - `follow --join ADDRESS` joins as a student, prints each step the teacher shows, and with
//!   `--answer K` answers every question with choice K (counted from 1). At a log-out step it
//!   logs out of the teacher's registry, and back in when the teacher moves on.
//!
//! Steps in the JSON lines count from 1, as the window's "Step 3 of 7" does.

use std::collections::HashSet;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use super::swarm::{emit, on_node_runtime, stdin_lines};
use crate::lesson::check::Outcome;
use crate::lesson::{ClassStep, Lesson, builtin};
use crate::model::class_follow::{Follow, TeacherRounds, follow, reveal, step_seed};
use crate::model::lesson::LessonPlayer;
use crate::swarm::class_steps::{self, ClassRecord, Done, TeacherStep};
use crate::swarm::config::peer_in;
use crate::swarm::follow::{LessonPosition, Tally, Vote};
use crate::swarm::runner::{self, RunningNode};
use crate::swarm::telemetry::Order;
use crate::swarm::{ClassCode, NodeConfig, NodeEvent};

/// How long a follower waits to join the class.
const JOIN_PATIENCE: Duration = Duration::from_secs(20);

#[derive(Subcommand, Debug)]
pub enum ClassCommand {
    /// Teach a lesson to the class: the teacher's node, moved on by next/back/reveal/round on stdin.
    Teach(TeachArgs),
    /// Follow the teacher's lesson as a student, answering its questions with --answer.
    Follow(FollowArgs),
}

#[derive(Args, Debug)]
pub struct TeachArgs {
    /// A built-in lesson's id (`netlens lesson list`).
    pub lesson: String,
    /// The class code (a new one is made, and printed, without it).
    #[arg(long)]
    pub code: Option<String>,
    /// Where to listen (loopback or local network only).
    #[arg(long, value_name = "MULTIADDR", default_value = "/ip4/127.0.0.1/tcp/0")]
    pub listen: libp2p::Multiaddr,
}

#[derive(Args, Debug)]
pub struct FollowArgs {
    /// The teacher's address, as `class teach` printed it (with its /p2p/ peer id).
    #[arg(long, value_name = "MULTIADDR")]
    pub join: libp2p::Multiaddr,
    #[arg(long)]
    pub code: String,
    /// The name the teacher sees (at most 24 characters).
    #[arg(long, default_value = "student")]
    pub name: String,
    /// Answer every question with this choice (1 is the first).
    #[arg(long, value_name = "K")]
    pub answer: Option<usize>,
    /// Where to listen (loopback or local network only).
    #[arg(long, value_name = "MULTIADDR", default_value = "/ip4/127.0.0.1/tcp/0")]
    pub listen: libp2p::Multiaddr,
}

pub fn run(command: ClassCommand) -> ExitCode {
    on_node_runtime(|runtime| match command {
        ClassCommand::Teach(args) => runtime.block_on(teach(args)),
        ClassCommand::Follow(args) => runtime.block_on(follow_teacher(args)),
    })
}

/// The line that says which moment of `lesson` is shown.
fn step_line(lesson: &Lesson, position: &LessonPosition) -> String {
    let step = &lesson.steps[position.step];
    let question = step.question.as_ref().filter(|_| position.asking);
    json!({
        "event": "step",
        "lesson": lesson.id,
        "step": position.step + 1,
        "steps": position.steps,
        "caption": if position.asking { "" } else { step.caption.as_str() },
        "asking": position.asking,
        "question": question.map(|q| q.text.as_str()),
        "choices": question.map(|q| q.choices.clone()),
        "round": position.round,
    })
    .to_string()
}

/// The line that gives a question's count in one round: counts only, never who.
fn tally_line(lesson: &Lesson, tally: &Tally) -> String {
    let question = lesson.steps.get(tally.step).and_then(|s| s.question.as_ref()).map(|q| q.text.as_str());
    json!({
        "event": "tally",
        "question": question,
        "step": tally.step + 1,
        "round": tally.round,
        "answered": tally.answered,
        "counts": tally.counts,
    })
    .to_string()
}

/// The swarm checks of `lesson`'s step `step`, run on the teacher's node now: the line, and
/// whether all passed. None for a step without swarm checks.
fn checks_line(lesson: &Lesson, step: usize, running: &RunningNode, record: &ClassRecord) -> Option<(String, bool)> {
    let checks: Vec<_> =
        lesson.steps.get(step)?.checks.iter().filter(|c| c.of == crate::lesson::check::Doc::Swarm).collect();
    if checks.is_empty() {
        return None;
    }
    let doc = class_steps::document(&running.now(), record);
    let outcomes: Vec<Outcome> = checks.iter().map(|c| Outcome::of(c, Some(&doc))).collect();
    let passed = outcomes.iter().all(|o| *o == Outcome::Passed);
    let reports: Vec<_> = checks.iter().zip(&outcomes).map(|(c, o)| o.json(c)).collect();
    Some((json!({ "event": "checks", "step": step + 1, "passed": passed, "checks": reports }).to_string(), passed))
}

/// The teacher's part of a class step, in the background; its result comes back on `done`.
fn start_class_step(
    running: &RunningNode,
    lesson: &Lesson,
    step: usize,
    record: &ClassRecord,
    done: &tokio::sync::mpsc::UnboundedSender<(usize, Result<Done, String>)>,
) {
    let class_step = match lesson.class_step(step) {
        Some(ClassStep::Lookup) => TeacherStep::Lookup,
        Some(ClassStep::Share) => TeacherStep::Share,
        Some(ClassStep::Download) => TeacherStep::Download,
        // A student's own step, or none: nothing for the teacher's node to do.
        _ => return,
    };
    let (client, done) = (running.client.clone(), done.clone());
    let (target, seed) = (class_steps::lookup_target(&lesson.id, step), step_seed(lesson, step));
    let shared = record.shared.clone();
    let bucket_size = running.now().bucket_size;
    tokio::spawn(async move {
        let result = class_steps::teacher_does(&client, class_step, &target, seed, bucket_size, shared.as_ref()).await;
        let _ = done.send((step, result));
    });
}

/// The line that says what the teacher's part of a class step did.
fn class_done_line(step: usize, result: &Result<Done, String>) -> String {
    let what = match result {
        Ok(Done::Lookup(trace)) => json!({ "lookup": trace }),
        Ok(Done::Shared(put)) => json!({ "shared": put }),
        Ok(Done::Downloaded(got)) => json!({ "downloaded": got }),
        Err(_) => Value::Null,
    };
    json!({ "event": "class_done", "step": step + 1, "ok": result.is_ok(), "reason": result.as_ref().err(), "did": what })
        .to_string()
}

/// Node events a class command tells (the rest of the swarm's life stays quiet). A follower
/// leaves out refused incoming connections: classmates dialling each other at once refuse one
/// of the two links, which says nothing to a student.
fn worth_telling(event: &NodeEvent, teacher: bool) -> bool {
    (teacher || !matches!(event, NodeEvent::IncomingRefused { .. }))
        && matches!(
            event,
            NodeEvent::LoggedIn { .. }
                | NodeEvent::LoggedOut { .. }
                | NodeEvent::VoteRefused { .. }
                | NodeEvent::OrderRefused { .. }
                | NodeEvent::Misbehaved { .. }
                | NodeEvent::IncomingRefused { .. }
                | NodeEvent::SessionEnded { .. }
        )
}

async fn teach(args: TeachArgs) -> Result<(), String> {
    let lesson = builtin::find(&args.lesson)
        .ok_or_else(|| format!("no built-in lesson {:?} (`netlens lesson list` lists them)", args.lesson))?;
    let code = match &args.code {
        Some(text) => ClassCode::parse(text)?,
        None => ClassCode::generate(),
    };
    let mut config = NodeConfig::new(code.clone(), "teacher", Vec::new());
    config.listen = args.listen.clone();
    config.teacher = true;
    let mut running = runner::spawn(config).await?;
    let (mut player, _) = LessonPlayer::open(lesson.clone());
    let mut rounds = TeacherRounds::default();
    let mut record = ClassRecord::default();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    // The swarm checks last printed, so a line comes only when their results change.
    let mut last_checks: Option<String> = None;
    let mut check_every = tokio::time::interval(Duration::from_millis(500));
    let listening = json!({ "event": "listening", "addr": running.address, "code": code.as_str() });
    if emit(&[listening.to_string()]).is_err() {
        return Ok(());
    }
    let show = |running: &RunningNode, player: &LessonPlayer, rounds: &mut TeacherRounds| {
        let position = rounds.position(player);
        let _ = running.client.teach(position.clone());
        emit(&[step_line(&player.lesson, &position)])
    };
    show(&running, &player, &mut rounds).map_err(|e| e.to_string())?;
    start_class_step(&running, &lesson, player.moment().step, &record, &done_tx);
    let mut commands = stdin_lines();
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            event = running.events.recv() => {
                let Some(event) = event else { return Ok(()) };
                let line = match &event {
                    NodeEvent::Tally { tally } => tally_line(&lesson, tally),
                    event if worth_telling(event, true) => serde_json::to_string(event).unwrap_or_default(),
                    _ => continue,
                };
                if emit(&[line]).is_err() {
                    return Ok(());
                }
                if matches!(event, NodeEvent::SessionEnded { .. }) {
                    // The order to end still has to leave: the node runs a moment longer.
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    return Ok(());
                }
            }
            Some((step, result)) = done_rx.recv() => {
                let line = class_done_line(step, &result);
                if let Ok(done) = result {
                    record.record(done);
                }
                last_checks = None;
                if emit(&[line]).is_err() {
                    return Ok(());
                }
            }
            _ = check_every.tick() => {
                let moment = player.moment();
                if moment.asking {
                    continue;
                }
                if let Some((line, _)) = checks_line(&lesson, moment.step, &running, &record) {
                    // Only the results decide whether the line is new (not the step's text).
                    if last_checks.as_ref() != Some(&line) {
                        last_checks = Some(line.clone());
                        if emit(&[line]).is_err() {
                            return Ok(());
                        }
                    }
                }
            }
            Some(line) = commands.recv() => {
                let before = player.moment();
                let done = match line.trim() {
                    "" => continue,
                    "next" => Ok(!player.forward().is_empty() || player.moment() != before),
                    "back" => Ok(!player.back().is_empty() || player.moment() != before),
                    "reveal" => reveal(&mut player).map(|_| true),
                    "round" => rounds.new_round(&player).map(|_| true),
                    "end" => {
                        let _ = running.client.order(Order::End);
                        continue;
                    }
                    other => Err(format!("unknown command {other:?}: next, back, reveal, round or end")),
                };
                let closing = running.client.tallies().await.ok().flatten();
                match done {
                    Ok(true) => {
                        // The round that closes: its final count, before the class moves on.
                        if let Some(teaching) = closing.filter(|t| t.position.votes_open()) {
                            let closed = teaching.rounds.iter().find(|t| t.round == teaching.position.round);
                            if let Some(tally) = closed {
                                let _ = emit(&[tally_line(&lesson, tally)]);
                            }
                        }
                        show(&running, &player, &mut rounds).map_err(|e| e.to_string())?;
                        last_checks = None;
                        if !player.moment().asking {
                            start_class_step(&running, &lesson, player.moment().step, &record, &done_tx);
                        }
                    }
                    Ok(false) => {
                        let _ = emit(&[json!({ "event": "error", "reason": "already there" }).to_string()]);
                    }
                    Err(reason) => {
                        let _ = emit(&[json!({ "event": "error", "reason": reason }).to_string()]);
                    }
                }
            }
            _ = &mut stop => {
                let _ = running.client.order(Order::End);
                tokio::time::sleep(Duration::from_millis(400)).await;
                return Ok(());
            }
        }
    }
}

async fn follow_teacher(args: FollowArgs) -> Result<(), String> {
    let teacher = peer_in(&args.join)
        .ok_or("give the teacher's address with its peer id (…/p2p/12D3KooW…), as `class teach` printed it")?;
    let mut config = NodeConfig::new(ClassCode::parse(&args.code)?, &args.name, vec![args.join.clone()]);
    config.listen = args.listen.clone();
    config.teacher = false;
    config.teacher_id = Some(teacher);
    let mut running = runner::spawn(config).await?;
    running.joined(JOIN_PATIENCE).await?;
    if emit(&[json!({ "event": "joined", "peer": running.client.local.to_string(), "teacher": teacher.to_string() })
        .to_string()])
    .is_err()
    {
        return Ok(());
    }
    let catalog = builtin::all()?;
    let mut player: Option<LessonPlayer> = None;
    let mut registered = false;
    // Logged out of the registry for a log-out step of the lesson.
    let mut logged_out = false;
    // The open question this follower still has to answer, and the ones it has answered.
    let mut to_answer: Option<Vote> = None;
    let mut answered: HashSet<(String, u32, u32)> = HashSet::new();
    let (results_tx, mut results) = tokio::sync::mpsc::unbounded_channel::<(Vote, Result<(), String>)>();
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            event = running.events.recv() => {
                let Some(event) = event else { return Ok(()) };
                let mut after = None;
                let line = match &event {
                    NodeEvent::Registered { .. } => {
                        registered = true;
                        None
                    }
                    NodeEvent::Following { position } => {
                        let shown = show_position(&mut player, &catalog, position);
                        let log_out =
                            player.as_ref().is_some_and(|p| p.lesson.student_logged_out_at(position.step, position.asking));
                        // Told after the step line: the step is what asks for it.
                        if log_out != logged_out {
                            logged_out = log_out;
                            registered &= !log_out;
                            let _ = running.client.set_logged_in(!log_out);
                            after = Some(json!({ "event": if log_out { "logged_out" } else { "logging_in" } }).to_string());
                        }
                        to_answer = match (args.answer, shown.is_ok()) {
                            (Some(k), true) if position.votes_open() => Vote::on(position, k.saturating_sub(1))
                                .ok()
                                .filter(|v| !answered.contains(&(v.lesson.clone(), v.step, v.round))),
                            _ => None,
                        };
                        Some(shown.unwrap_or_else(|reason| json!({ "event": "error", "reason": reason }).to_string()))
                    }
                    event if worth_telling(event, false) => Some(serde_json::to_string(event).unwrap_or_default()),
                    _ => None,
                };
                if let Some(line) = line
                    && emit(&[line]).is_err()
                {
                    return Ok(());
                }
                if let Some(line) = after.take()
                    && emit(&[line]).is_err()
                {
                    return Ok(());
                }
                if matches!(event, NodeEvent::SessionEnded { .. }) {
                    return Ok(());
                }
                // A vote goes once the registry knows this laptop (the teacher counts only its class).
                if registered && let Some(vote) = to_answer.take() {
                    answered.insert((vote.lesson.clone(), vote.step, vote.round));
                    let (client, results_tx) = (running.client.clone(), results_tx.clone());
                    tokio::spawn(async move {
                        let result = client.vote(vote.clone()).await;
                        let _ = results_tx.send((vote, result));
                    });
                }
            }
            Some((vote, result)) = results.recv() => {
                let line = json!({
                    "event": if result.is_ok() { "voted" } else { "vote_refused" },
                    "step": vote.step + 1,
                    "round": vote.round,
                    "choice": vote.choice + 1,
                    "reason": result.err(),
                });
                if emit(&[line.to_string()]).is_err() {
                    return Ok(());
                }
            }
            _ = &mut stop => {
                let _ = running.client.leave();
                tokio::time::sleep(Duration::from_millis(400)).await;
                return Ok(());
            }
        }
    }
}

/// Brings the follower's lesson to the teacher's position; the step line, or why it cannot.
fn show_position(
    player: &mut Option<LessonPlayer>,
    catalog: &[Lesson],
    position: &LessonPosition,
) -> Result<String, String> {
    loop {
        match follow(player.as_mut(), catalog, position) {
            Follow::Moved(_) => break,
            Follow::Open(lesson) => *player = Some(LessonPlayer::open(lesson).0),
            Follow::Cannot(reason) => return Err(reason),
        }
    }
    let player = player.as_ref().ok_or("no lesson is open")?;
    Ok(step_line(&player.lesson, position))
}
