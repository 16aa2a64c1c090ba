//! The class swarm as the Network view's swarm panel reads it: whether a node runs, what it
//! knows (the newest `NodeState`), the messages it saw lately (drawn as they happen), the files
//! shared and the downloads made (for the capacity comparison), and the last lookup. Changed only
//! through `SwarmIntent`s and by applying the worker's `SwarmUpdate`s.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;

use crate::swarm::class_steps::ClassRecord;
use crate::swarm::follow::{LessonPosition, Vote};
use crate::swarm::lookup_trace::LookupTrace;
use crate::swarm::share::{GetReport, PieceReport, PutReport};
use crate::swarm::telemetry::{FileNote, Order, SHORT_HASH};
use crate::swarm::{NodeEvent, NodeState};
use crate::worker_api::Command;
use crate::worker_api::swarm::{SwarmCommand, SwarmStart, SwarmUpdate};

/// How many recent messages are kept for drawing and the log (the teacher's node also gets one
/// report a second from each student).
const RECENT: usize = 256;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SwarmStatus {
    Off,
    Starting,
    Running,
    /// Starting or joining failed, or the node stopped on an error.
    Failed(String),
    /// The teacher ended the session (or banned this laptop).
    EndedByTeacher,
}

/// A message seen by this node, with when (seconds on the model's clock).
#[derive(Clone, Debug, PartialEq)]
pub struct SeenMessage {
    pub at: f64,
    pub event: NodeEvent,
}

/// One download, for the capacity plot.
#[derive(Clone, Debug)]
pub struct Download {
    pub report: GetReport,
    pub teacher_only: bool,
}

/// An answer this laptop gave: the choice and, once the teacher's node answered, whether it counted.
pub type MyVote = (u32, Option<Result<(), String>>);

#[derive(Debug)]
pub enum SwarmIntent {
    Start(SwarmStart),
    Share(PathBuf),
    Fetch {
        file_id: String,
        teacher_only: bool,
    },
    Lookup(String),
    Order(Order),
    Teach(LessonPosition),
    Vote(Vote),
    /// Share the file a lesson's share step shares (made from this seed; no copy kept here).
    ShareLessonFile(u64),
    /// Log out of the teacher's registry while staying in the class (false), or back in.
    LogIn(bool),
    Leave,
}

#[derive(Default)]
pub struct SwarmModel {
    status: Option<SwarmStatus>,
    pub address: String,
    pub code: String,
    pub state: NodeState,
    pub recent: VecDeque<SeenMessage>,
    pub shared: Vec<PutReport>,
    pub downloads: Vec<Download>,
    pub lookup: Option<LookupTrace>,
    /// How many lookups this laptop asked for have finished (a new one replays its drawing).
    pub lookups_done: u64,
    /// The last thing that went wrong with a share, download or lookup.
    pub notice: Option<String>,
    /// A share, download or lookup under way.
    pub busy: usize,
    /// On a student's laptop: where the teacher's lesson stands (the newest heard).
    pub following: Option<LessonPosition>,
    /// This laptop's answers, by (lesson, step, round): the choice and, once the teacher's node
    /// answered, whether it counted.
    pub votes: BTreeMap<(String, u32, u32), MyVote>,
    clock: f64,
}

impl SwarmModel {
    pub fn status(&self) -> SwarmStatus {
        self.status.clone().unwrap_or(SwarmStatus::Off)
    }

    pub fn running(&self) -> bool {
        self.status() == SwarmStatus::Running
    }

    pub fn is_teacher(&self) -> bool {
        self.state.registry.is_some()
    }

    /// Seconds on the model's clock (advanced by the window each frame).
    pub fn now(&self) -> f64 {
        self.clock
    }

    pub fn tick(&mut self, dt: f64) {
        self.clock += dt.max(0.0);
    }

    /// What the worker must do for `intent`.
    pub fn handle(&mut self, intent: SwarmIntent) -> Vec<Command> {
        let command = match intent {
            SwarmIntent::Start(start) => {
                let clock = self.clock;
                *self = SwarmModel { status: Some(SwarmStatus::Starting), clock, ..Default::default() };
                SwarmCommand::Start(start)
            }
            SwarmIntent::Leave => {
                self.status = Some(SwarmStatus::Off);
                SwarmCommand::Leave
            }
            _ if !self.running() => return Vec::new(),
            SwarmIntent::Share(path) => {
                self.busy += 1;
                SwarmCommand::Share { path }
            }
            SwarmIntent::Fetch { file_id, teacher_only } => {
                self.busy += 1;
                SwarmCommand::Fetch { file_id, teacher_only }
            }
            SwarmIntent::Lookup(target) => {
                self.busy += 1;
                SwarmCommand::Lookup { target }
            }
            SwarmIntent::ShareLessonFile(seed) => {
                self.busy += 1;
                SwarmCommand::ShareLessonFile { seed }
            }
            SwarmIntent::LogIn(on) => SwarmCommand::LogIn(on),
            SwarmIntent::Order(order) => SwarmCommand::Order(order),
            SwarmIntent::Teach(position) => SwarmCommand::Teach(position),
            SwarmIntent::Vote(vote) => {
                self.votes.insert((vote.lesson.clone(), vote.step, vote.round), (vote.choice, None));
                SwarmCommand::Vote(vote)
            }
        };
        vec![Command::Swarm(command)]
    }

    /// Takes in what the worker reports. Reports after leaving are ignored.
    pub fn apply(&mut self, update: SwarmUpdate) {
        if matches!(self.status(), SwarmStatus::Off | SwarmStatus::Failed(_) | SwarmStatus::EndedByTeacher) {
            return;
        }
        match update {
            SwarmUpdate::Started { address, code } => {
                self.status = Some(SwarmStatus::Running);
                self.address = address;
                self.code = code;
            }
            SwarmUpdate::Failed(reason) => self.status = Some(SwarmStatus::Failed(reason)),
            SwarmUpdate::Event(event) => {
                match &event {
                    NodeEvent::Lookup { trace } => self.lookup = Some(trace.clone()),
                    NodeEvent::Following { position } => self.follow(position.clone()),
                    // The projector's count moves with each vote, not with the next state.
                    NodeEvent::Tally { tally } => {
                        if let Some(teaching) = &mut self.state.teaching {
                            match teaching.rounds.iter_mut().find(|t| t.step == tally.step && t.round == tally.round) {
                                Some(shown) => *shown = tally.clone(),
                                None if tally.step == teaching.position.step => teaching.rounds.push(tally.clone()),
                                None => {}
                            }
                        }
                    }
                    _ => {}
                }
                self.recent.push_back(SeenMessage { at: self.clock, event });
                while self.recent.len() > RECENT {
                    self.recent.pop_front();
                }
            }
            SwarmUpdate::State(state) => {
                if let Some(position) = state.following.clone() {
                    self.follow(position);
                }
                self.state = *state;
            }
            SwarmUpdate::Voted { vote, result } => {
                let key = (vote.lesson.clone(), vote.step, vote.round);
                // Only the answer last given: an earlier one's reply may come late.
                if let Some((choice, status)) = self.votes.get_mut(&key)
                    && *choice == vote.choice
                {
                    *status = Some(result);
                }
            }
            SwarmUpdate::Shared(report) => {
                self.busy = self.busy.saturating_sub(1);
                self.shared.retain(|s| s.file_id != report.file_id);
                self.shared.push(*report);
            }
            SwarmUpdate::Fetched { report, teacher_only } => {
                self.busy = self.busy.saturating_sub(1);
                // A file fetched by id joins the list, so its pieces and holders show too.
                if !self.shared.iter().any(|s| s.file_id == report.file_id) {
                    self.shared.push(fetched_file(&report, self.state.replication));
                }
                self.downloads.push(Download { report: *report, teacher_only });
            }
            SwarmUpdate::WorkFailed(reason) => {
                self.busy = self.busy.saturating_sub(1);
                self.notice = Some(reason);
            }
            SwarmUpdate::Lookup(trace) => {
                self.busy = self.busy.saturating_sub(1);
                self.lookup = Some(*trace);
                self.lookups_done += 1;
            }
            SwarmUpdate::Stopped { by_teacher } => {
                self.status = Some(if by_teacher { SwarmStatus::EndedByTeacher } else { SwarmStatus::Off });
            }
        }
    }

    /// The teacher's newest position (events and states may bring the same one twice).
    fn follow(&mut self, position: LessonPosition) {
        if self.following.as_ref().is_none_or(|old| position.seq >= old.seq) {
            self.following = Some(position);
        }
    }

    /// What this laptop last looked up, shared and downloaded, as a lesson's class steps check it.
    pub fn class_record(&self) -> ClassRecord {
        ClassRecord {
            lookup: self.lookup.clone(),
            shared: self.shared.last().cloned(),
            download: self.downloads.last().map(|d| d.report.clone()),
        }
    }

    /// This laptop's answer to the question `position` asks, and whether it was counted.
    pub fn my_vote(&self, position: &LessonPosition) -> Option<&MyVote> {
        self.votes.get(&(position.lesson.clone(), position.step as u32, position.round))
    }

    /// Every piece of a shared file with the peers holding it now, by their telemetry (a
    /// holder counts while it reports). A lost piece has no holders.
    pub fn piece_holders(&self, file: &PutReport) -> Vec<(Option<u32>, Vec<String>)> {
        file.pieces
            .iter()
            .map(|p| {
                let short = &p.hash[..SHORT_HASH.min(p.hash.len())];
                let holders = self
                    .state
                    .class
                    .iter()
                    .filter(|c| c.held.iter().any(|h| h == short))
                    .map(|c| c.peer.clone())
                    .collect();
                (p.piece, holders)
            })
            .collect()
    }

    /// The files the class shares that this laptop has not shared or downloaded (those are
    /// listed piece by piece), by name. A file is listed while any holder of its manifest
    /// reports it, so a student who joins late sees what was shared before.
    pub fn class_files(&self) -> Vec<ClassFile> {
        let mut files: Vec<ClassFile> = Vec::new();
        for peer in self.state.class.iter() {
            for note in peer.files.iter() {
                if self.shared.iter().any(|s| s.file_id == note.id) {
                    continue;
                }
                match files.iter_mut().find(|f| f.note.id == note.id) {
                    Some(file) => file.manifest_holders.push(peer.peer.clone()),
                    None => files.push(ClassFile { note: note.clone(), manifest_holders: vec![peer.peer.clone()] }),
                }
            }
        }
        files.sort_by(|a, b| (&a.note.name, &a.note.id).cmp(&(&b.note.name, &b.note.id)));
        files
    }
}

/// A file the class shares, as the telemetry lists it, with the peers that hold its manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassFile {
    pub note: FileNote,
    pub manifest_holders: Vec<String>,
}

/// A downloaded file as the Files tab lists it: its manifest and pieces, holders from telemetry.
fn fetched_file(report: &GetReport, replication: usize) -> PutReport {
    let manifest = PieceReport { piece: None, hash: report.file_id.clone(), holders: Vec::new() };
    let pieces = report.pieces.iter().map(|p| PieceReport { holders: Vec::new(), ..p.clone() });
    PutReport {
        file_id: report.file_id.clone(),
        name: report.name.clone(),
        size: report.size,
        sha256: report.sha256.clone(),
        replication,
        pieces: std::iter::once(manifest).chain(pieces).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start() -> SwarmStart {
        SwarmStart {
            teacher: true,
            code: String::new(),
            join: String::new(),
            name: "t".into(),
            on_network: false,
            mdns: false,
            bucket_size: 3,
            replication: 3,
            upload_kib: 0,
        }
    }

    #[test]
    fn work_waits_for_a_running_node_and_reports_after_leaving_are_ignored() {
        let mut model = SwarmModel::default();
        assert!(model.handle(SwarmIntent::Lookup("x".into())).is_empty(), "nothing runs yet");
        assert_eq!(model.handle(SwarmIntent::Start(start())).len(), 1);
        assert_eq!(model.status(), SwarmStatus::Starting);
        model.apply(SwarmUpdate::Started { address: "/ip4/127.0.0.1/tcp/1".into(), code: "CHASE2".into() });
        assert!(model.running());
        assert_eq!(model.handle(SwarmIntent::Lookup("x".into())).len(), 1);
        assert_eq!(model.busy, 1);
        model.apply(SwarmUpdate::WorkFailed("no peers".into()));
        assert_eq!((model.busy, model.notice.as_deref()), (0, Some("no peers")));
        model.handle(SwarmIntent::Leave);
        model.apply(SwarmUpdate::Started { address: "late".into(), code: "X".into() });
        assert_eq!(model.status(), SwarmStatus::Off);
        assert_eq!(model.code, "CHASE2");
    }

    #[test]
    fn class_files_are_listed_once_with_their_manifest_holders_and_not_when_already_here() {
        use crate::swarm::state::ClassPeer;
        let note =
            |id: char, name: &str| FileNote { id: id.to_string().repeat(64), name: name.into(), size: 1, pieces: 1 };
        let peer = |id: &str, files: Vec<FileNote>| ClassPeer {
            peer: id.into(),
            name: id.into(),
            table_size: 0,
            pieces: 0,
            connections: 0,
            links: Vec::new().into(),
            held: Vec::new().into(),
            files: files.into(),
            age: 0,
        };
        let mut model = SwarmModel::default();
        model.state.class = std::sync::Arc::new(vec![
            peer("p1", vec![note('b', "slides.pdf"), note('a', "notes.txt")]),
            peer("p2", vec![note('a', "notes.txt")]),
            peer("p3", vec![]),
        ]);
        let files = model.class_files();
        let listed: Vec<(&str, usize)> =
            files.iter().map(|f| (f.note.name.as_str(), f.manifest_holders.len())).collect();
        assert_eq!(listed, vec![("notes.txt", 2), ("slides.pdf", 1)]);
        model.shared.push(PutReport {
            file_id: "a".repeat(64),
            name: "notes.txt".into(),
            size: 1,
            sha256: String::new(),
            replication: 3,
            pieces: Vec::new(),
        });
        let names: Vec<String> = model.class_files().into_iter().map(|f| f.note.name).collect();
        assert_eq!(names, vec!["slides.pdf"], "a file this laptop has is listed piece by piece instead");
    }

    #[test]
    fn each_finished_lookup_is_counted_so_the_same_one_run_again_replays() {
        let mut model = SwarmModel::default();
        model.handle(SwarmIntent::Start(start()));
        model.apply(SwarmUpdate::Started { address: "/ip4/127.0.0.1/tcp/1".into(), code: "CHASE2".into() });
        let trace = LookupTrace { target: "lesson".into(), rounds: Vec::new(), closest: Vec::new() };
        for expected in 1..=2 {
            model.handle(SwarmIntent::Lookup("lesson".into()));
            model.apply(SwarmUpdate::Lookup(Box::new(trace.clone())));
            assert_eq!((model.lookups_done, model.busy), (expected, 0));
        }
        assert_eq!(model.lookup, Some(trace));
    }
}
