//! The lesson the class follows, in the window. While the teacher presents a lesson with a class
//! swarm running, every move is told to the class (only the lesson id, step, seed and round
//! travel) and the projector shows the answers' count beside the view. A student's window moves
//! its own lesson player to the teacher's moment, so its own views draw the step; the student
//! can detach to explore (moving on by hand detaches too) and follow again with one click.

use super::NetlensApp;
use super::class_state::ClassLesson;
use crate::lesson::ClassStep;
use crate::model::class_follow::{Follow, follow, step_seed};
use crate::model::lesson::Moment;
use crate::model::swarm::SwarmIntent;
use crate::swarm::class_steps::lookup_target;
use crate::swarm::follow::Vote;
use crate::ui::class_lesson::{ClassIntent, FollowerView, follower_strip, tally_panel};
use crate::ui::lessons::LessonIntent;
use crate::ui::swarm::SwarmTab;

impl NetlensApp {
    /// Each frame: the teacher's window tells the class where its lesson stands; a student's
    /// window follows.
    pub(super) fn class_lesson_logic(&mut self) {
        if !self.swarm_model.running() {
            self.class = ClassLesson { detached: self.class.detached, ..ClassLesson::default() };
            return;
        }
        if self.swarm_model.is_teacher() {
            self.teach_class();
        } else {
            self.follow_teacher();
        }
        self.class_step();
    }

    /// At a step the live class does (`{ class = … }`): the Network view shows the class swarm,
    /// a student logs out for a log-out step (and back in after), and the teacher's node, while
    /// presenting, looks up, shares or downloads. Done once each time the lesson arrives there.
    fn class_step(&mut self) {
        let Some(player) = self.lessons.player.as_ref() else {
            self.class.class_moment = None;
            return;
        };
        let moment = player.moment();
        let step = if moment.asking { None } else { player.lesson.class_step(moment.step) };
        // Every frame passes here: compare before copying the lesson's id.
        if self
            .class
            .class_moment
            .as_ref()
            .is_some_and(|(id, m, _)| (id.as_str(), *m) == (player.lesson.id.as_str(), moment))
        {
            return;
        }
        let was_class_step = self.class.class_moment.as_ref().is_some_and(|(_, _, class)| *class);
        self.class.class_moment = Some((player.lesson.id.clone(), moment, step.is_some()));
        let (seed, target) = (step_seed(&player.lesson, moment.step), lookup_target(&player.lesson.id, moment.step));
        let teacher = self.swarm_model.is_teacher();
        let log_out = !teacher && player.lesson.student_logged_out_at(moment.step, moment.asking);
        if log_out != self.class.logged_out {
            self.class.logged_out = log_out;
            self.swarm(SwarmIntent::LogIn(!log_out));
        }
        // Only a class step changes the panel: a teacher who opened the swarm by hand keeps it.
        if step.is_some() || was_class_step {
            self.show_class_swarm(step.is_some());
        }
        if let Some(step) = step {
            self.swarm_view.tab = tab_for(step);
        }
        if !teacher || !self.lessons.presenter.on {
            return;
        }
        match step {
            Some(ClassStep::Lookup) => self.swarm(SwarmIntent::Lookup(target)),
            Some(ClassStep::Share) => self.swarm(SwarmIntent::ShareLessonFile(seed)),
            Some(ClassStep::Download) => match self.swarm_model.shared.last() {
                Some(shared) => {
                    let file_id = shared.file_id.clone();
                    self.swarm(SwarmIntent::Fetch { file_id, teacher_only: false });
                }
                None => self.swarm_model.notice = Some("no file was shared yet: the step before shares it".into()),
            },
            _ => {}
        }
    }

    /// The Class swarm panel's tab now (a class step opens the tab it is about).
    pub fn swarm_tab(&self) -> SwarmTab {
        self.swarm_view.tab
    }

    fn teach_class(&mut self) {
        // The class follows a lesson presented, not one the teacher looks through beforehand.
        let Some(player) = self.lessons.player.as_ref().filter(|_| self.lessons.presenter.on) else { return };
        let moment = player.moment();
        let key = (player.lesson.id.clone(), moment, self.class.rounds.round(moment.step));
        if self.class.taught.as_ref() == Some(&key) {
            return;
        }
        let position = self.class.rounds.position(player);
        self.class.taught = Some(key);
        self.swarm(SwarmIntent::Teach(position));
    }

    fn follow_teacher(&mut self) {
        let Some(position) = self.swarm_model.following.clone() else { return };
        if self.class.detached {
            return;
        }
        if self.class.followed.as_ref().is_some_and(|f| f.seq == position.seq) {
            // Moving on by hand is exploring: say so, and offer to follow again.
            let here = self.lessons.player.as_ref().map(|p| (p.lesson.id.as_str(), p.moment()));
            if self.class.problem.is_none()
                && here != Some((position.lesson.as_str(), Moment { step: position.step, asking: position.asking }))
            {
                self.class.detached = true;
            }
            return;
        }
        self.class.followed = Some(position.clone());
        self.class.problem = None;
        for _ in 0..2 {
            match follow(self.lessons.player.as_mut(), &self.lessons.catalog, &position) {
                Follow::Moved(actions) => {
                    self.lessons.queue.extend(actions);
                    self.run_lesson_queue();
                    return;
                }
                Follow::Open(lesson) => self.lesson(LessonIntent::Open(Box::new(lesson))),
                Follow::Cannot(reason) => {
                    self.class.problem = Some(reason);
                    return;
                }
            }
        }
    }

    fn class_intent(&mut self, intent: ClassIntent) {
        match intent {
            ClassIntent::Vote(choice) => {
                let Some(position) = self.swarm_model.following.clone() else { return };
                match Vote::on(&position, choice) {
                    Ok(vote) => self.swarm(SwarmIntent::Vote(vote)),
                    Err(reason) => self.class.problem = Some(reason),
                }
            }
            ClassIntent::Detach => self.class.detached = true,
            ClassIntent::Attach => {
                self.class.detached = false;
                self.class.followed = None;
            }
            ClassIntent::Reveal => self.lesson(LessonIntent::Next),
            ClassIntent::NewRound => {
                if let Some(player) = &self.lessons.player
                    && let Err(reason) = self.class.rounds.new_round(player)
                {
                    self.lessons.error = Some(reason);
                }
            }
        }
    }

    /// A student's strip above the view, or the projector's count beside it.
    pub(super) fn class_lesson_panels(&mut self, ui: &mut egui::Ui) {
        if !self.swarm_model.running() {
            return;
        }
        let intents = if self.swarm_model.is_teacher() {
            self.teacher_panel(ui)
        } else {
            let position = self.swarm_model.following.as_ref();
            let question = position.filter(|p| p.votes_open()).and_then(|p| {
                let lesson = self.lessons.catalog.iter().find(|l| l.id == p.lesson)?;
                lesson.steps.get(p.step)?.question.as_ref()
            });
            let view = FollowerView {
                position,
                question,
                detached: self.class.detached,
                my_vote: position.and_then(|p| self.swarm_model.my_vote(p)),
                problem: self.class.problem.as_deref(),
            };
            egui::Panel::top("class-follow").show(ui, |ui| follower_strip(ui, &view)).inner
        };
        for intent in intents {
            self.class_intent(intent);
        }
    }

    fn teacher_panel(&mut self, ui: &mut egui::Ui) -> Vec<ClassIntent> {
        let (Some(player), true) = (&self.lessons.player, self.lessons.presenter.on) else { return Vec::new() };
        let Some(question) = player.step().question.as_ref() else { return Vec::new() };
        let Some(teaching) = &self.swarm_model.state.teaching else { return Vec::new() };
        if teaching.position.step != player.moment().step {
            return Vec::new();
        }
        let class_size = self.swarm_model.state.registry.as_ref().map_or(0, Vec::len);
        let asking = player.moment().asking;
        egui::Panel::right("class-votes")
            .default_size(360.0)
            .show(ui, |ui| tally_panel(ui, question, &teaching.rounds, class_size, asking))
            .inner
    }
}

/// The Class swarm panel's tab a class step is about.
fn tab_for(step: ClassStep) -> SwarmTab {
    match step {
        ClassStep::Table => SwarmTab::Table,
        ClassStep::Lookup => SwarmTab::Lookup,
        ClassStep::LogOut => SwarmTab::Registry,
        ClassStep::Share | ClassStep::Download => SwarmTab::Files,
    }
}
