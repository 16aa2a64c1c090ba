//! The app's side of lessons: opening one (built in, from a file, dropped on the window), moving
//! through it, and carrying out each step's actions through the views' own intents. Actions wait
//! their turn: after a packet scene is asked to run, selecting its packet waits until the run is
//! there; after a page is asked for, opening its tab waits until it has loaded.

use super::{NetlensApp, Tab};
use crate::lesson::{FETCHED_SCENE, Lesson, LessonAction, View};
use crate::model::lesson::{LessonPlayer, Moment};
use crate::model::network::{Mode, NetworkIntent, SessionConfig};
use crate::ui::lessons::LessonIntent;
use crate::ui::packets::PacketsIntent;

impl NetlensApp {
    /// Does what the lessons panel, a lesson bar or a key asked for.
    pub fn lesson(&mut self, intent: LessonIntent) {
        let actions = match intent {
            LessonIntent::Open(lesson) => {
                let (player, actions) = LessonPlayer::open(*lesson);
                self.lessons.player = Some(player);
                self.lessons.error = None;
                actions
            }
            LessonIntent::OpenFile(path) => {
                self.read_lesson_file(path.into());
                Vec::new()
            }
            LessonIntent::AskForFile => {
                self.ask_for_lesson_file();
                Vec::new()
            }
            LessonIntent::Present => {
                if self.lessons.player.is_none() {
                    // Keyboard alone: F5 presents the lesson picked in the panel, or the first.
                    let picked = self.lessons.view.picked().map(str::to_string);
                    let lesson = self
                        .lessons
                        .catalog
                        .iter()
                        .find(|l| Some(l.id.as_str()) == picked.as_deref())
                        .or(self.lessons.catalog.first())
                        .cloned();
                    let Some(lesson) = lesson else {
                        self.tab = Tab::Lessons;
                        return;
                    };
                    self.lesson(LessonIntent::Open(Box::new(lesson)));
                }
                let ctx = self.ctx.clone();
                self.lessons.presenter.enter(&ctx, self.settings.presenter_zoom);
                Vec::new()
            }
            LessonIntent::Leave => {
                let ctx = self.ctx.clone();
                self.lessons.presenter.leave(&ctx);
                Vec::new()
            }
            LessonIntent::Close => {
                let ctx = self.ctx.clone();
                self.lessons.presenter.leave(&ctx);
                self.lessons.player = None;
                self.lessons.queue.clear();
                Vec::new()
            }
            LessonIntent::Next => {
                // Past the last step of a built-in lesson, presenting goes on to the next one, as
                // slides do, so a whole course runs from the keyboard.
                let next =
                    self.lessons.player.as_ref().filter(|p| p.at_end() && self.lessons.presenter.on).and_then(|p| {
                        let at = self
                            .lessons
                            .catalog
                            .iter()
                            .position(|l| l.id == p.lesson.id && l.source == p.lesson.source)?;
                        self.lessons.catalog.get(at + 1).cloned()
                    });
                match next {
                    Some(lesson) => return self.lesson(LessonIntent::Open(Box::new(lesson))),
                    None => self.lessons.player.as_mut().map(LessonPlayer::forward).unwrap_or_default(),
                }
            }
            LessonIntent::Previous => self.lessons.player.as_mut().map(LessonPlayer::back).unwrap_or_default(),
            LessonIntent::GoTo(step) => self.lessons.player.as_mut().map(|p| p.go_to(step)).unwrap_or_default(),
        };
        self.lessons.queue.extend(actions);
        self.run_lesson_queue();
    }

    /// A lesson that was read from a file (or failed to be).
    pub fn lesson_file_read(&mut self, result: Result<Lesson, String>) {
        match result {
            Ok(lesson) => {
                self.lessons.view.path = lesson.source.clone();
                self.lesson(LessonIntent::Open(Box::new(lesson)));
            }
            Err(reason) => {
                self.lessons.error = Some(reason);
                self.tab = Tab::Lessons;
            }
        }
    }

    /// Carries out the queued actions that can be done now.
    pub fn run_lesson_queue(&mut self) {
        while let Some(action) = self.lessons.queue.front().cloned() {
            if self.lesson_must_wait(&action) {
                return;
            }
            self.lessons.queue.pop_front();
            if let Err(problem) = self.apply_lesson_action(action) {
                self.lessons.error = Some(problem);
            }
        }
    }

    /// Whether an earlier action is still under way (a run, a page load) that this one needs.
    fn lesson_must_wait(&self, action: &LessonAction) -> bool {
        match action {
            LessonAction::Packet(_) | LessonAction::Field(_) => self.packets_model.busy(),
            LessonAction::Tab(_) => self.fetch_model.running_load().is_some(),
            // The replay of the fetched page needs the page.
            LessonAction::Packets(run) if run.scene == FETCHED_SCENE => self.fetch_model.running_load().is_some(),
            LessonAction::Fetch(_) => {
                self.demo_addresses().is_none() && matches!(self.demo, super::DemoStatus::Starting)
            }
            _ => false,
        }
    }

    fn apply_lesson_action(&mut self, action: LessonAction) -> Result<(), String> {
        match action {
            LessonAction::View(view) => {
                self.tab = match view {
                    View::Fetch => Tab::Fetch,
                    View::Packets => Tab::Packets,
                    View::Network => Tab::Network,
                };
            }
            LessonAction::Packets(run) => {
                let lesson = self.lessons.player.as_ref().map(|p| &p.lesson).ok_or("no lesson is open")?;
                let scene = if run.scene == FETCHED_SCENE {
                    self.fetched_page_replay()?
                } else {
                    lesson.scene(&run.scene).ok_or(format!("no packet scene {:?}", run.scene))?
                };
                // The capture point first: it applies to the run when its result arrives.
                self.packets(PacketsIntent::CaptureAt(run.at));
                self.packets(PacketsIntent::RunScene(Box::new(run.build(scene)?)));
            }
            LessonAction::Packet(n) => {
                if !self.packets_view.select_number(&self.packets_model, n) {
                    return Err(format!("this run has no packet #{n}"));
                }
            }
            LessonAction::Field(name) => {
                if !self.packets_view.select_field(&self.packets_model, &name) {
                    return Err(format!("the selected packet has no field {name:?}"));
                }
            }
            LessonAction::Network { scene, seed, nodes } => {
                let nodes = nodes.unwrap_or(scene.default_nodes());
                self.network(NetworkIntent::Open(SessionConfig { scene, seed, nodes, mode: Mode::Step }));
            }
            LessonAction::RunMs(ms) => self.network(NetworkIntent::Seek(ms * 1000)),
            LessonAction::Events(n) => {
                for _ in 0..n {
                    self.network(NetworkIntent::Step);
                }
            }
            LessonAction::Act(action) => self.network(NetworkIntent::Act(action)),
            LessonAction::Fetch(target) => {
                let url = self.demo_page_url(&target)?;
                self.fetch_view.address.text = url.clone();
                self.load_url(&url);
            }
            LessonAction::Tab(tab) => {
                self.fetch_view.set_tab(&tab);
            }
            // What the live class does is not a view's action: `class_lesson.rs` does it.
            LessonAction::Class(_) => {}
        }
        Ok(())
    }
}

impl NetlensApp {
    /// Where a lesson's demo page is: on the built-in site, by its demo-zone name.
    #[cfg(feature = "desktop")]
    fn demo_page_url(&self, target: &crate::lesson::FetchPage) -> Result<String, String> {
        let port = self.demo_addresses().map(|a| a.http.port()).ok_or("the demo site is not running")?;
        Ok(target.url(port))
    }

    /// In a browser: the copy of the demo site beside the page. The browser resolves names
    /// itself, so a page on another demo-zone name (one that does not exist) cannot be shown.
    #[cfg(not(feature = "desktop"))]
    fn demo_page_url(&self, target: &crate::lesson::FetchPage) -> Result<String, String> {
        if target.name != crate::lesson::FetchPage::new("/").name {
            return Err(format!(
                "in a browser, netlens cannot ask for {}: the browser looks up names itself, and this one exists only in the desktop app's demo zone",
                target.name
            ));
        }
        Ok(crate::web::demo_url(&target.path))
    }

    /// The replay of the page the Fetch view loaded last: its first exchange's exact bytes.
    fn fetched_page_replay(&self) -> Result<crate::sim::Scene, String> {
        let load = self.fetch_model.current.as_ref().ok_or("nothing was fetched to show as packets")?;
        let page = load.exchanges.first().ok_or("nothing was fetched to show as packets")?;
        crate::model::page_load::replay_scene(page).ok_or_else(|| {
            if crate::ui::platform::IN_BROWSER {
                "in a browser the bytes of a fetch are hidden, so they cannot be replayed as packets here; the desktop app replays them".into()
            } else {
                "the fetch sent no request to show".into()
            }
        })
    }
}

impl NetlensApp {
    /// F5 enters presenter mode; while presenting, the lesson's keys.
    pub(super) fn lesson_keys(&mut self, ctx: &egui::Context) {
        use super::presenter::PresenterKey;
        let f5 = !ctx.text_edit_focused() && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::F5));
        if f5 && !self.lessons.presenter.on {
            self.lesson(LessonIntent::Present);
        }
        for key in self.lessons.presenter.keys(ctx) {
            match key {
                PresenterKey::Next => self.lesson(LessonIntent::Next),
                PresenterKey::Previous => self.lesson(LessonIntent::Previous),
                PresenterKey::Blank => self.lessons.presenter.blank = !self.lessons.presenter.blank,
                PresenterKey::Leave => self.lesson(LessonIntent::Leave),
            }
        }
    }

    /// Under a step the live class does, when no class swarm runs here: why the scene stands in.
    pub fn class_note(&self) -> Option<&'static str> {
        let player = self.lessons.player.as_ref()?;
        let moment = player.moment();
        player.lesson.class_step(moment.step).filter(|_| !moment.asking)?;
        #[cfg(feature = "desktop")]
        if self.swarm_model.running() {
            return None;
        }
        Some(crate::ui::platform::NO_CLASS_SWARM_NOTE)
    }

    /// The open lesson's bar: small above the view, or large below it while presenting.
    pub(super) fn lesson_bars(&mut self, ui: &mut egui::Ui) {
        let note = self.class_note();
        let Some(player) = &self.lessons.player else { return };
        let intents = if self.lessons.presenter.on {
            egui::Panel::bottom("lesson-caption").show(ui, |ui| crate::ui::lessons::caption_bar(ui, player, note)).inner
        } else if self.tab != Tab::Lessons || player.moment() == (Moment { step: 0, asking: true }) {
            // On the Lessons panel too while the first step's question is asked: no view shows
            // yet, and without the bar starting such a lesson would seem to do nothing.
            egui::Panel::top("lesson-bar").show(ui, |ui| crate::ui::lessons::lesson_bar(ui, player, note)).inner
        } else {
            Vec::new()
        };
        for intent in intents {
            self.lesson(intent);
        }
    }

    /// A lesson file dropped anywhere on the window opens.
    pub(super) fn dropped_lesson(&mut self, ui: &egui::Ui) {
        let dropped = ui
            .input(|i| i.raw.dropped_files.iter().find(|f| f.path().extension().is_some_and(|e| e == "toml")).cloned());
        if let Some(file) = dropped {
            self.read_dropped(crate::jobs::FilePurpose::OpenLesson, file);
        }
    }
}
