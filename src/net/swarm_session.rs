//! The window's class-swarm node, run by the worker: starts it from the join form, forwards its
//! events and (twice a second) its state, and carries out the panel's requests — sharing a file,
//! downloading one, a traced lookup, the teacher's orders, the lesson the class follows and a
//! student's votes, leaving — as tasks of their own, so
//! the node keeps running while they work and the UI thread never waits.

use std::time::Duration;

use tokio::sync::mpsc;

use crate::swarm::lookup::traced_lookup;
use crate::swarm::pieces::{parse_key, sha256};
use crate::swarm::runner::{self, RunningNode};
use crate::swarm::{ClassCode, NodeConfig, NodeEvent, share};
use crate::worker_api::swarm::{SwarmCommand, SwarmStart, SwarmUpdate};

/// How often the panel gets a fresh state.
const STATE_EVERY: Duration = Duration::from_millis(500);

/// Starts a node on the current runtime; commands go in through the returned sender.
pub fn start<R>(start: SwarmStart, report: R) -> mpsc::UnboundedSender<SwarmCommand>
where
    R: Fn(SwarmUpdate) + Clone + Send + Sync + 'static,
{
    let (commands, receiver) = mpsc::unbounded_channel();
    let reporter = report.clone();
    let task = tokio::spawn(async move {
        match config(&start) {
            Ok(config) => run(config, receiver, reporter).await,
            Err(reason) => reporter(SwarmUpdate::Failed(reason)),
        }
    });
    // A panic stays in the task (tokio contains it); the panel hears that the node stopped.
    tokio::spawn(async move {
        if let Err(e) = task.await
            && e.is_panic()
        {
            report(SwarmUpdate::Failed("the class swarm node stopped on an internal error".into()));
        }
    });
    commands
}

/// The node configuration the join form describes.
pub fn config(start: &SwarmStart) -> Result<NodeConfig, String> {
    let code = if start.teacher && start.code.trim().is_empty() {
        ClassCode::generate()
    } else {
        ClassCode::parse(&start.code)?
    };
    let join = if start.teacher || start.join.trim().is_empty() {
        Vec::new()
    } else {
        vec![start.join.trim().parse().map_err(|_| format!("{:?} is not a node's address", start.join.trim()))?]
    };
    if !start.teacher && join.is_empty() && !start.mdns {
        return Err("type the teacher's address, or turn on \"find the class on this network\" (mDNS)".into());
    }
    let mut config = NodeConfig::new(code, &start.name, join);
    config.teacher = start.teacher;
    // The teacher's own address names its peer id: only that peer's orders and steps count.
    config.teacher_id = config.join.first().and_then(crate::swarm::config::peer_in);
    config.mdns = start.mdns;
    if start.on_network {
        config.listen = "/ip4/0.0.0.0/tcp/0".parse().map_err(|_| "bad listen address".to_string())?;
    }
    config.bucket_size = start.bucket_size.clamp(1, 20);
    config.replication = start.replication.clamp(1, 20);
    config.upload_limit = (start.upload_kib > 0).then(|| start.upload_kib.saturating_mul(1024));
    Ok(config)
}

async fn run<R>(config: NodeConfig, mut commands: mpsc::UnboundedReceiver<SwarmCommand>, report: R)
where
    R: Fn(SwarmUpdate) + Clone + Send + Sync + 'static,
{
    let code = config.code.as_str().to_string();
    let bucket_size = config.bucket_size;
    let mut running: RunningNode = match runner::spawn(config).await {
        Ok(running) => running,
        Err(reason) => return report(SwarmUpdate::Failed(reason)),
    };
    report(SwarmUpdate::Started { address: running.address.clone(), code });
    let mut tick = tokio::time::interval(STATE_EVERY);
    loop {
        tokio::select! {
            event = running.events.recv() => {
                let Some(event) = event else { break };
                if let NodeEvent::SessionEnded { by_teacher } = event {
                    report(SwarmUpdate::Stopped { by_teacher });
                    return;
                }
                report(SwarmUpdate::Event(event));
            }
            _ = tick.tick() => {
                let state = running.now();
                if let Some(reason) = state.join_failure.clone() {
                    return report(SwarmUpdate::Failed(format!("could not join the class swarm: {reason}")));
                }
                report(SwarmUpdate::State(Box::new(state)));
            }
            command = commands.recv() => match command {
                None | Some(SwarmCommand::Leave) => {
                    let _ = running.client.leave();
                    tokio::time::sleep(Duration::from_millis(400)).await;
                    report(SwarmUpdate::Stopped { by_teacher: false });
                    return;
                }
                Some(command) => work(&running, command, bucket_size, report.clone()),
            },
        }
    }
    report(SwarmUpdate::Stopped { by_teacher: false });
}

/// Carries out one request from the panel in a task of its own.
fn work<R>(running: &RunningNode, command: SwarmCommand, bucket_size: usize, report: R)
where
    R: Fn(SwarmUpdate) + Send + Sync + 'static,
{
    let client = running.client.clone();
    let teacher = running.now().teacher;
    match command {
        SwarmCommand::Share { path } => {
            tokio::spawn(async move {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let result = match tokio::task::spawn_blocking(move || std::fs::read(&path)).await {
                    Ok(Ok(bytes)) => share::put(&client, &name, &bytes, true).await,
                    Ok(Err(e)) => Err(format!("cannot read the file: {e}")),
                    Err(_) => Err("reading the file stopped".into()),
                };
                report(match result {
                    Ok(put) => SwarmUpdate::Shared(Box::new(put)),
                    Err(reason) => SwarmUpdate::WorkFailed(reason),
                });
            });
        }
        SwarmCommand::Fetch { file_id, teacher_only } => {
            tokio::spawn(async move {
                let only_from = if teacher_only { teacher.and_then(|t| t.parse().ok()) } else { None };
                let result = match parse_key(&file_id) {
                    Ok(_) if teacher_only && only_from.is_none() => Err("no teacher is known yet".to_string()),
                    Ok(key) => share::get(&client, key, only_from).await,
                    Err(reason) => Err(reason),
                };
                report(match result {
                    Ok((_, got)) => SwarmUpdate::Fetched { report: Box::new(got), teacher_only },
                    Err(reason) => SwarmUpdate::WorkFailed(reason),
                });
            });
        }
        SwarmCommand::Lookup { target } => {
            tokio::spawn(async move {
                let key = parse_key(&target).unwrap_or_else(|_| sha256(target.trim().as_bytes()));
                report(match traced_lookup(&client, key, bucket_size).await {
                    Ok(trace) => SwarmUpdate::Lookup(Box::new(trace)),
                    Err(reason) => SwarmUpdate::WorkFailed(reason),
                });
            });
        }
        SwarmCommand::ShareLessonFile { seed } => {
            tokio::spawn(async move {
                report(match crate::swarm::class_steps::share_lesson_file(&client, seed).await {
                    Ok(put) => SwarmUpdate::Shared(Box::new(put)),
                    Err(reason) => SwarmUpdate::WorkFailed(reason),
                });
            });
        }
        SwarmCommand::LogIn(on) => {
            if let Err(reason) = client.set_logged_in(on) {
                report(SwarmUpdate::WorkFailed(reason));
            }
        }
        SwarmCommand::Order(order) => {
            if let Err(reason) = client.order(order) {
                report(SwarmUpdate::WorkFailed(reason));
            }
        }
        SwarmCommand::Teach(position) => {
            if let Err(reason) = client.teach(position) {
                report(SwarmUpdate::WorkFailed(reason));
            }
        }
        SwarmCommand::Vote(vote) => {
            tokio::spawn(async move {
                let result = client.vote(vote.clone()).await;
                report(SwarmUpdate::Voted { vote, result });
            });
        }
        SwarmCommand::Start(_) | SwarmCommand::Leave => {}
    }
}
