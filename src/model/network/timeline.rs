//! A step-mode session's timeline: the scene, how many events it has run, and what the teacher
//! did at which point. Scenes are deterministic, so any earlier moment is the same scene re-run
//! to the same event count with the same actions at the same points; checkpoints (copies of the
//! scene taken every so often, thinned out as the session grows, so their number stays bounded)
//! mean a step back re-runs only from the nearest one. Stepping forward again replays the
//! actions recorded ahead; a new action there starts a new future and forgets the old one.

use crate::netsim::{Action, History, NetScene, SceneKind, create_kind};

/// Checkpoints kept at most; when full, every other one is dropped and the spacing doubles.
const MAX_CHECKPOINTS: usize = 16;
/// Events between checkpoints at first.
const FIRST_SPACING: u64 = 2_000;

/// Something the teacher did: after how many events, at what virtual time, what.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub after_events: u64,
    pub at_us: u64,
    pub action: Action,
}

/// A copy of the scene at a known point of the timeline.
struct Checkpoint {
    events: u64,
    applied: usize,
    view_us: u64,
    scene: Box<dyn NetScene>,
}

pub struct Timeline {
    kind: SceneKind,
    seed: u64,
    nodes: usize,
    pub scene: Box<dyn NetScene>,
    /// Events run since the start.
    events: u64,
    /// The virtual time shown; the scene has run every event up to it.
    pub view_us: u64,
    /// The furthest virtual time reached (where the scrub bar ends).
    horizon_us: u64,
    recorded: Vec<Recorded>,
    /// How many of `recorded` have been applied to `scene`.
    applied: usize,
    checkpoints: Vec<Checkpoint>,
    spacing: u64,
}

impl Timeline {
    pub fn new(kind: SceneKind, seed: u64, nodes: usize) -> Result<Timeline, String> {
        let scene = fresh(kind, seed, nodes)?;
        let mut timeline = Timeline {
            kind,
            seed,
            nodes,
            scene,
            events: 0,
            view_us: 0,
            horizon_us: 0,
            recorded: Vec::new(),
            applied: 0,
            checkpoints: Vec::new(),
            spacing: FIRST_SPACING,
        };
        timeline.checkpoint();
        Ok(timeline)
    }

    pub fn events(&self) -> u64 {
        self.events
    }

    pub fn horizon_us(&self) -> u64 {
        self.horizon_us.max(self.view_us)
    }

    /// Runs the next event (applying any recorded action due first); false at the end.
    pub fn step(&mut self) -> bool {
        self.apply_due(u64::MAX);
        self.step_event()
    }

    /// Runs every event up to virtual time `t_us`, at most `budget` of them; returns how many ran.
    pub fn run_to(&mut self, t_us: u64, budget: usize) -> usize {
        let mut ran = 0;
        while ran < budget {
            self.apply_due(t_us);
            if self.scene.next_time().is_none_or(|t| t > t_us) || !self.step_event() {
                break;
            }
            ran += 1;
        }
        self.view_us = if ran == budget { self.scene.now().max(self.view_us) } else { t_us.max(self.view_us) };
        self.horizon_us = self.horizon_us.max(self.view_us);
        ran
    }

    pub fn finished(&self) -> bool {
        self.scene.next_time().is_none() && self.recorded.get(self.applied).is_none()
    }

    /// Does what the teacher asked, now; the future that was recorded after this point is gone.
    pub fn act(&mut self, action: Action) -> Result<(), String> {
        self.apply_due(u64::MAX);
        self.scene.advance_to(self.view_us);
        self.scene.apply(&action)?;
        self.recorded.truncate(self.applied);
        self.recorded.push(Recorded { after_events: self.events, at_us: self.view_us, action });
        self.applied += 1;
        self.checkpoints.retain(|c| c.events < self.events || (c.events == self.events && c.applied < self.applied));
        self.horizon_us = self.view_us;
        Ok(())
    }

    /// Goes back one moment — one event, or the action taken at this point — and shows the
    /// scene exactly as it was then.
    pub fn step_back(&mut self) -> Result<(), String> {
        let (events, applied) = if self.applied > 0 && self.recorded[self.applied - 1].after_events == self.events {
            (self.events, self.applied - 1)
        } else if self.events > 0 {
            let events = self.events - 1;
            (events, self.recorded.iter().take_while(|r| r.after_events <= events).count())
        } else {
            return Ok(());
        };
        self.restore(|c| c.events < events || (c.events == events && c.applied <= applied))?;
        loop {
            while self.applied < applied && self.recorded[self.applied].after_events == self.events {
                self.apply_next();
            }
            if self.events >= events || !self.step_event() {
                break;
            }
        }
        let action_here =
            self.applied.checked_sub(1).map(|i| &self.recorded[i]).filter(|r| r.after_events == self.events);
        self.view_us = self.scene.now().max(action_here.map_or(0, |r| r.at_us));
        Ok(())
    }

    /// Moves to virtual time `t_us` (back by re-running, forward by running).
    pub fn seek(&mut self, t_us: u64) -> Result<(), String> {
        if t_us < self.view_us {
            self.restore(|c| c.view_us <= t_us)?;
        }
        let horizon = self.horizon_us;
        self.run_to(t_us, usize::MAX);
        self.view_us = t_us;
        self.horizon_us = horizon.max(t_us);
        Ok(())
    }

    /// Goes back to the latest checkpoint that `usable` accepts (the start if none).
    fn restore(&mut self, usable: impl Fn(&Checkpoint) -> bool) -> Result<(), String> {
        let horizon = self.horizon_us;
        match self.checkpoints.iter().rposition(usable) {
            Some(i) => {
                let c = &self.checkpoints[i];
                self.scene = c.scene.clone_box();
                self.events = c.events;
                self.applied = c.applied;
                self.view_us = c.view_us;
                self.checkpoints.truncate(i + 1);
            }
            None => {
                self.scene = fresh(self.kind, self.seed, self.nodes)?;
                self.events = 0;
                self.applied = 0;
                self.view_us = 0;
                self.checkpoints.clear();
                self.checkpoint();
            }
        }
        self.horizon_us = horizon;
        Ok(())
    }

    /// Runs the scene's next event; false when it has none.
    fn step_event(&mut self) -> bool {
        if !self.scene.step() {
            return false;
        }
        self.events += 1;
        self.view_us = self.view_us.max(self.scene.now());
        self.horizon_us = self.horizon_us.max(self.view_us);
        if self.events.is_multiple_of(self.spacing) {
            self.checkpoint();
        }
        true
    }

    /// Applies the recorded actions due at this point, up to virtual time `until_us` (replaying a
    /// future that was recorded).
    fn apply_due(&mut self, until_us: u64) {
        while self.recorded.get(self.applied).is_some_and(|r| r.after_events == self.events && r.at_us <= until_us) {
            self.apply_next();
        }
    }

    fn apply_next(&mut self) {
        let Some(r) = self.recorded.get(self.applied) else { return };
        self.scene.advance_to(r.at_us);
        self.view_us = self.view_us.max(r.at_us);
        // It worked the first time; the same scene at the same point gives the same answer.
        let _ = self.scene.apply(&r.action);
        self.applied += 1;
    }

    fn checkpoint(&mut self) {
        if self.checkpoints.last().is_some_and(|c| c.events == self.events && c.applied == self.applied) {
            return;
        }
        self.checkpoints.push(Checkpoint {
            events: self.events,
            applied: self.applied,
            view_us: self.view_us,
            scene: self.scene.clone_box(),
        });
        if self.checkpoints.len() > MAX_CHECKPOINTS {
            // Keep the start and every other one after it.
            let mut keep = 0;
            self.checkpoints.retain(|_| {
                keep += 1;
                keep % 2 == 1
            });
            self.spacing *= 2;
        }
    }
}

fn fresh(kind: SceneKind, seed: u64, nodes: usize) -> Result<Box<dyn NetScene>, String> {
    let mut scene = create_kind(kind, seed, Some(nodes))?;
    scene.set_history(History::Bounded);
    Ok(scene)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the scene looks like, enough to tell two moments apart.
    fn fingerprint(t: &Timeline) -> String {
        format!("{} {} {:?} {:?}", t.events, t.scene.now(), t.scene.state(), t.scene.events().last())
    }

    #[test]
    fn a_step_back_is_exactly_the_earlier_scene() {
        let mut t = Timeline::new(SceneKind::ReplicatedStorage, 3, 8).unwrap();
        let mut seen = vec![fingerprint(&t)];
        for _ in 0..30 {
            t.step();
            seen.push(fingerprint(&t));
        }
        t.act(Action::Kill("peer-2".into())).unwrap();
        let after_kill = fingerprint(&t);
        // The repair: the scene runs until it has nothing left to do.
        let mut after = 0;
        while t.step() {
            after += 1;
        }
        assert!(after > 5, "the repair took some events");
        let end = fingerprint(&t);
        for _ in 0..after {
            t.step_back().unwrap();
        }
        assert_eq!(fingerprint(&t), after_kill, "back to just after the kill");
        t.step_back().unwrap();
        assert_eq!(fingerprint(&t), seen[30], "one more: just before the kill");
        while t.step() {}
        assert_eq!(fingerprint(&t), end, "forward again replays the recorded kill");
        for _ in 0..after + 1 + 30 {
            t.step_back().unwrap();
        }
        assert_eq!(fingerprint(&t), seen[0], "back to the start");
        for expected in &seen[1..] {
            t.step();
            assert_eq!(&fingerprint(&t), expected);
        }
    }

    #[test]
    fn stepping_back_far_into_a_long_run_uses_a_bounded_number_of_checkpoints() {
        let mut t = Timeline::new(SceneKind::ClientServer, 1, 8).unwrap();
        t.run_to(20_000_000, usize::MAX);
        assert!(t.checkpoints.len() <= MAX_CHECKPOINTS);
        let before = fingerprint(&t);
        t.step();
        t.step_back().unwrap();
        assert_eq!(fingerprint(&t), before);
        t.seek(3_000_000).unwrap();
        assert_eq!(t.view_us, 3_000_000);
        assert!(t.horizon_us() >= 20_000_000, "the scrub bar still reaches where the run had got to");
        let mut again = Timeline::new(SceneKind::ClientServer, 1, 8).unwrap();
        again.run_to(3_000_000, usize::MAX);
        assert_eq!(t.scene.state(), again.scene.state(), "seeking back is the same as running there");
    }

    #[test]
    fn a_new_action_after_a_step_back_replaces_the_recorded_future() {
        let mut t = Timeline::new(SceneKind::ClientServer, 1, 4).unwrap();
        t.run_to(500_000, usize::MAX);
        t.act(Action::Kill("server".into())).unwrap();
        t.run_to(800_000, usize::MAX);
        t.seek(300_000).unwrap();
        t.act(Action::Clients(10)).unwrap();
        t.run_to(800_000, usize::MAX);
        let kills = t.scene.events().iter().filter(|e| e.kind == "kill").count();
        assert_eq!(kills, 0, "the old future's kill is forgotten");
        assert_eq!(t.recorded.len(), 1);
    }
}
