//! The eframe app: owns the worker handle, the job runner, the models and the views' states. Each
//! frame it drains the worker's events and the jobs' results into the models (`logic`), draws the
//! views, and turns the intents they return into worker commands or jobs (`ui`). It never waits
//! on either. Views never spawn threads, open sockets or write files: this is where that work is
//! handed off.

#[cfg(feature = "desktop")]
mod class_lesson;
#[cfg(feature = "desktop")]
mod class_state;
mod export_state;
mod exports;
mod lesson_state;
mod lesson_status;
mod lessons;
mod presenter;

use std::sync::Arc;
use std::time::Duration;

use egui::{RichText, Ui};

use crate::jobs::JobRunner;
use crate::jobs::{FileJob, FilePurpose, FileResult, JobResult, TraceJob};
use crate::model::navigation::Navigation;
use crate::model::network::{NetworkIntent, NetworkModel};
use crate::model::packets::PacketsModel;
use crate::model::page_load::FetchModel;
use crate::model::settings::{Settings, Theme, ZOOM_RANGE};
#[cfg(feature = "desktop")]
use crate::model::swarm::{SwarmIntent, SwarmModel};
#[cfg(feature = "desktop")]
use crate::net::demo::DemoConfig;
#[cfg(feature = "desktop")]
use crate::net::worker::{Waker, WorkerHandle};
#[cfg(feature = "desktop")]
use crate::record::request::DEFAULT_HTTP_PORT;
use crate::record::{DemoAddresses, ErrorKind, FetchError, FetchEvent, FetchRequest};
use crate::ui::fetch::{FetchContext, FetchIntent, FetchView};
use crate::ui::network::NetworkView;
use crate::ui::packets::{PacketsIntent, PacketsView};
#[cfg(feature = "desktop")]
use crate::ui::swarm::SwarmView;
use crate::ui::theme;
#[cfg(all(feature = "web", not(feature = "desktop")))]
use crate::web::worker::{Waker, WorkerHandle};
use crate::worker_api::{Command, Event};

/// Room the theme and zoom buttons need at the right of the app bar (points).
const RIGHT_SIDE_WIDTH: f32 = 240.0;

/// Where eframe keeps our settings.
const SETTINGS_KEY: &str = "netlens-settings";

/// How the app is started: the real one runs the demo services on their usual ports; tests use
/// free ports so they can run side by side.
#[derive(Clone, Debug)]
pub struct AppConfig {
    #[cfg(feature = "desktop")]
    pub demo: Option<DemoConfig>,
    /// A capture to open in the Packets view at start (`netlens open FILE`).
    pub open: Option<std::path::PathBuf>,
    /// A lesson to open at start (`netlens lesson FILE`).
    pub lesson: Option<crate::lesson::Lesson>,
    /// Test mode: fetches reach only `demo.test` names and loopback addresses, and no native
    /// file dialog opens. What users get is never sandboxed.
    pub sandboxed: bool,
    /// Exports are written here under their suggested names, without asking (tests).
    pub export_dir: Option<std::path::PathBuf>,
}

// Derivable only in the browser build, which has no demo services to configure.
#[cfg_attr(not(feature = "desktop"), allow(clippy::derivable_impls))]
impl Default for AppConfig {
    fn default() -> Self {
        Self {
            #[cfg(feature = "desktop")]
            demo: Some(DemoConfig::default()),
            open: None,
            lesson: None,
            sandboxed: false,
            export_dir: None,
        }
    }
}

#[cfg(feature = "desktop")]
impl AppConfig {
    /// For tests: no demo services, sandboxed.
    pub fn test() -> Self {
        Self { demo: None, sandboxed: true, ..Self::default() }
    }

    /// For tests: the demo services on free ports, sandboxed.
    pub fn test_with_demo() -> Self {
        Self { demo: Some(DemoConfig::ephemeral()), sandboxed: true, ..Self::default() }
    }
}

/// The built-in services, as far as the UI knows.
#[derive(Clone, Debug)]
pub enum DemoStatus {
    Starting,
    Ready(DemoAddresses),
    Failed(String),
    Off,
}

pub struct NetlensApp {
    ctx: egui::Context,
    worker: Result<WorkerHandle, String>,
    jobs: Result<JobRunner, String>,
    sandboxed: bool,
    settings: Settings,
    demo: DemoStatus,
    fetch_model: FetchModel,
    navigation: Navigation,
    fetch_view: FetchView,
    packets_model: PacketsModel,
    packets_view: PacketsView,
    network_model: NetworkModel,
    network_view: NetworkView,
    /// The Network view shows the scenes, or the class swarm.
    class_swarm: bool,
    #[cfg(feature = "desktop")]
    swarm_model: SwarmModel,
    #[cfg(feature = "desktop")]
    swarm_view: SwarmView,
    /// The lesson the class follows (the teacher's moves told, a student's window following).
    #[cfg(feature = "desktop")]
    class: class_state::ClassLesson,
    lessons: lesson_state::LessonState,
    exports: export_state::ExportState,
    export_dir: Option<std::path::PathBuf>,
    pub tab: Tab,
    applied_theme: Option<Theme>,
}

/// The views, one tab each (the lessons first: what a new user sees).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Lessons,
    Fetch,
    Packets,
    Network,
}

impl NetlensApp {
    pub fn new(cc: &eframe::CreationContext<'_>, config: AppConfig) -> Self {
        egui_extras::install_image_loaders(&cc.egui_ctx);
        theme::install_fonts(&cc.egui_ctx);
        let settings =
            cc.storage.and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY)).unwrap_or_default().sanitized();
        cc.egui_ctx.set_zoom_factor(settings.zoom);
        let ctx = cc.egui_ctx.clone();
        // A few milliseconds of delay lets a burst of events share one repaint.
        let waker: Waker = Arc::new(move || ctx.request_repaint_after(Duration::from_millis(5)));
        #[cfg(feature = "desktop")]
        let (demo, worker) = (
            if config.demo.is_some() { DemoStatus::Starting } else { DemoStatus::Off },
            WorkerHandle::start(config.demo, waker.clone())
                .map_err(|e| format!("the background worker could not start: {e}")),
        );
        // In a browser the demo site is the page's own folder, which needs nothing started.
        #[cfg(not(feature = "desktop"))]
        let (demo, worker) = (DemoStatus::Off, Ok(WorkerHandle::start(waker.clone())));
        let jobs = JobRunner::start(waker, !config.sandboxed)
            .map_err(|e| format!("the background job threads could not start: {e}"));
        let (packets_model, first_run) = PacketsModel::new(crate::sim::Scene::handshake());
        let mut app = Self {
            ctx: cc.egui_ctx.clone(),
            worker,
            jobs,
            sandboxed: config.sandboxed,
            settings,
            demo,
            fetch_model: FetchModel::default(),
            navigation: Navigation::default(),
            fetch_view: FetchView::new(first_address()),
            packets_model,
            packets_view: PacketsView::new(),
            network_model: NetworkModel::new(),
            network_view: NetworkView::new(),
            class_swarm: false,
            #[cfg(feature = "desktop")]
            swarm_model: SwarmModel::default(),
            #[cfg(feature = "desktop")]
            swarm_view: SwarmView::default(),
            #[cfg(feature = "desktop")]
            class: class_state::ClassLesson::default(),
            lessons: lesson_state::LessonState::new(),
            exports: export_state::ExportState::default(),
            export_dir: config.export_dir,
            tab: Tab::Lessons,
            applied_theme: None,
        };
        if let Some(job) = first_run {
            app.submit_trace(job);
        }
        if let Some(path) = config.open {
            app.packets(PacketsIntent::Open(path));
            app.tab = Tab::Packets;
        }
        if let Some(lesson) = config.lesson {
            app.lesson(crate::ui::lessons::LessonIntent::Open(Box::new(lesson)));
        }
        app
    }

    /// Why the last lesson action could not be done, if one could not (tests read it).
    pub fn lesson_error(&self) -> Option<&str> {
        self.lessons.error.as_deref()
    }

    /// The open lesson, if any, for tests.
    pub fn lesson_player(&self) -> Option<&crate::model::lesson::LessonPlayer> {
        self.lessons.player.as_ref()
    }

    /// True while presenter mode is on.
    pub fn presenting(&self) -> bool {
        self.lessons.presenter.on
    }

    /// True while a lesson step's actions are still being carried out.
    pub fn lesson_busy(&self) -> bool {
        self.lessons.busy() || self.packets_model.busy() || self.fetch_model.running_load().is_some()
    }

    /// What each view shows now, as the documents lesson checks read.
    pub fn observed(&self) -> (Option<serde_json::Value>, Option<serde_json::Value>, Option<serde_json::Value>) {
        use crate::lesson::observe;
        let packets = self.packets_model.trace().map(|t| {
            observe::packets(
                t,
                self.packets_view.selected,
                self.packets_view.selected_field(&self.packets_model).as_deref(),
            )
        });
        let network = self.network_model.observed();
        let fetch = self.fetch_model.current.as_ref().map(|load| {
            let exchanges: Vec<crate::record::Exchange> = load.exchanges.iter().map(|e| (**e).clone()).collect();
            let error = match &load.state {
                crate::model::page_load::LoadState::Failed(e) => Some(e),
                _ => None,
            };
            observe::fetch(&load.url, &exchanges, error, self.fetch_view.tab_name())
        });
        (packets, network, fetch)
    }

    /// The Packets view's model, for tests.
    pub fn packets_model(&self) -> &PacketsModel {
        &self.packets_model
    }

    /// The Packets view's state (playback, selection, paths), for tests.
    pub fn packets_view(&mut self) -> &mut PacketsView {
        &mut self.packets_view
    }

    /// The Network view's model, for tests.
    pub fn network_model(&self) -> &NetworkModel {
        &self.network_model
    }

    /// The Network view's state (selection), for tests.
    pub fn network_view(&self) -> &NetworkView {
        &self.network_view
    }

    /// Does what the Packets view would ask for.
    pub fn packets(&mut self, intent: PacketsIntent) {
        match intent {
            PacketsIntent::RunScene(scene) => {
                if let Some(job) = self.packets_model.run_scene(*scene) {
                    self.submit_trace(job);
                }
            }
            PacketsIntent::Open(path) => {
                let job = self.packets_model.open(path);
                self.submit_trace(job);
            }
            PacketsIntent::OpenBytes { name, bytes } => {
                let job = self.packets_model.open_bytes(name, bytes);
                self.submit_trace(job);
            }
            PacketsIntent::Dropped(file) => self.read_dropped(FilePurpose::OpenCapture, file.0),
            PacketsIntent::CaptureAt(point) => self.packets_model.capture_at(point),
            PacketsIntent::Save(path) => {
                if let Some(job) = self.packets_model.save(&path) {
                    self.submit_file(job);
                }
            }
            PacketsIntent::AskForFile { saving } => {
                let purpose = if saving { FilePurpose::SaveCapture } else { FilePurpose::OpenCapture };
                self.ask_for_file(purpose);
            }
        }
    }

    /// Asks for a file with the desktop's dialog (one at a time).
    fn ask_for_file(&mut self, purpose: FilePurpose) {
        let suggested = std::path::PathBuf::from(&self.packets_view.save_path);
        // An open dialog already has the user's attention; a second click waits for it.
        self.ask_for_file_named(purpose, suggested);
    }

    /// Asks with `suggested` as the proposed file; false when a dialog is already open (or the
    /// job threads are not running), so nothing was asked.
    fn ask_for_file_named(&mut self, purpose: FilePurpose, suggested: std::path::PathBuf) -> bool {
        if self.packets_model.dialog_open {
            return false;
        }
        let Ok(jobs) = &self.jobs else { return false };
        self.packets_model.dialog_open = true;
        jobs.ask_for_file(purpose, suggested);
        true
    }

    pub(crate) fn ask_for_lesson_file(&mut self) {
        self.ask_for_file(FilePurpose::OpenLesson);
    }

    /// Reads a lesson file on the file thread; it opens when it has been read and checked.
    pub(crate) fn read_lesson_file(&mut self, path: std::path::PathBuf) {
        self.submit_file(FileJob::ReadLesson { path });
    }

    /// Reads a file dropped on the window: by its path on the desktop; in a browser its bytes
    /// are read first (asynchronously) and come back like a picked file's.
    pub(crate) fn read_dropped(&mut self, purpose: FilePurpose, file: egui::DroppedFileHandle) {
        #[cfg(feature = "desktop")]
        match purpose {
            FilePurpose::OpenLesson => self.read_lesson_file(file.path().to_path_buf()),
            _ => self.packets(PacketsIntent::Open(file.path().to_path_buf())),
        }
        #[cfg(not(feature = "desktop"))]
        if let Ok(jobs) = &self.jobs {
            jobs.read_dropped(purpose, file);
        }
    }

    fn submit_trace(&mut self, job: TraceJob) {
        match &self.jobs {
            Ok(jobs) => jobs.submit_trace(job),
            Err(reason) => self.packets_model.job_failed(reason.clone()),
        }
    }

    fn submit_file(&mut self, job: FileJob) {
        match &self.jobs {
            Ok(jobs) => jobs.submit_file(job),
            Err(reason) => self.packets_model.job_failed(reason.clone()),
        }
    }

    /// Does what the class swarm panel would ask for.
    #[cfg(feature = "desktop")]
    pub fn swarm(&mut self, mut intent: SwarmIntent) {
        if let (true, SwarmIntent::Start(start)) = (self.sandboxed, &mut intent) {
            // Tests never listen beyond loopback nor send multicast on the machine's interfaces.
            start.on_network = false;
            start.mdns = false;
        }
        let commands = self.swarm_model.handle(intent);
        let Ok(worker) = &self.worker else {
            if !commands.is_empty() {
                self.swarm_model.apply(crate::worker_api::swarm::SwarmUpdate::Failed(
                    "the background worker is not running".into(),
                ));
            }
            return;
        };
        for command in commands {
            worker.send(command);
        }
    }

    /// The class swarm panel's model, for tests.
    #[cfg(feature = "desktop")]
    pub fn swarm_model(&self) -> &SwarmModel {
        &self.swarm_model
    }

    /// Shows the class swarm (true) or the scenes in the Network view.
    pub fn show_class_swarm(&mut self, on: bool) {
        self.class_swarm = on;
    }

    /// Does what the Network view would ask for.
    pub fn network(&mut self, intent: NetworkIntent) {
        for command in self.network_model.handle(intent) {
            let sent = self.worker.as_ref().is_ok_and(|worker| worker.send(command));
            if !sent {
                self.network_model.worker_unavailable();
            }
        }
    }

    fn drain_jobs(&mut self) {
        let Ok(jobs) = &self.jobs else { return };
        let mut results = Vec::new();
        while let Some(result) = jobs.try_recv() {
            results.push(result);
        }
        for result in results {
            match result {
                JobResult::FileChosen { purpose, path } => {
                    self.packets_model.dialog_open = false;
                    let none = "No file chosen. If no dialog appeared, type a path in the box instead.";
                    match (path, purpose) {
                        (Some(path), FilePurpose::SaveCapture) => {
                            self.packets_view.save_path = path.display().to_string();
                            self.packets(PacketsIntent::Save(self.packets_view.save_path.clone()));
                        }
                        (Some(path), FilePurpose::OpenCapture) => self.packets(PacketsIntent::Open(path)),
                        (Some(path), FilePurpose::OpenLesson) => self.read_lesson_file(path),
                        (path, FilePurpose::Export(_)) => self.export_path_chosen(path),
                        (None, FilePurpose::OpenLesson) => self.lessons.error = Some(none.into()),
                        (None, _) => self.packets_model.notice = Some(none.into()),
                    }
                }
                JobResult::FilePicked { purpose, name, bytes } => {
                    self.packets_model.dialog_open = false;
                    match purpose {
                        FilePurpose::OpenLesson => {
                            let result = String::from_utf8(bytes)
                                .map_err(|_| format!("{name} is not a text file"))
                                .and_then(|text| crate::lesson::file::parse(&name, &text));
                            self.lesson_file_read(result);
                        }
                        _ => self.packets(PacketsIntent::OpenBytes { name, bytes: bytes.into() }),
                    }
                }
                JobResult::PickFailed { purpose, reason } => {
                    self.packets_model.dialog_open = false;
                    match purpose {
                        FilePurpose::OpenLesson => self.lessons.error = Some(reason),
                        _ => self.packets_model.notice = Some(reason),
                    }
                }
                JobResult::File(FileResult::Lesson { result }) => self.lesson_file_read(result),
                JobResult::File(FileResult::Exported { kind, path, result }) => self.exported(kind, path, result),
                JobResult::File(FileResult::Saved { path, result, replaced_shown }) => {
                    if let Some(job) = self.packets_model.saved(path, result, replaced_shown) {
                        self.submit_trace(job);
                    }
                }
                JobResult::Trace(result) => self.packets_model.apply(result),
            }
        }
    }

    /// The settings as they stand (what `save` will store).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The Fetch view's model (tests read what was loaded, or that nothing was).
    pub fn fetch_model(&self) -> &FetchModel {
        &self.fetch_model
    }

    /// Where the built-in services listen, once they do.
    pub fn demo_addresses(&self) -> Option<&DemoAddresses> {
        match &self.demo {
            DemoStatus::Ready(addresses) => Some(addresses),
            _ => None,
        }
    }

    fn drain_events(&mut self) {
        let Ok(worker) = &self.worker else { return };
        while let Some(event) = worker.try_recv() {
            match event {
                Event::DemoReady(addresses) => {
                    if self.fetch_view.address.is_default {
                        self.fetch_view.address.text = addresses.home_url();
                    }
                    self.demo = DemoStatus::Ready(addresses);
                }
                Event::DemoFailed(reason) => self.demo = DemoStatus::Failed(reason),
                Event::Fetch { load, event } => {
                    if !self.fetch_model.apply(load, event) {
                        tracing::trace!(load, "ignored an event from a superseded page load");
                    }
                }
                #[cfg(feature = "desktop")]
                Event::Swarm(update) => self.swarm_model.apply(update),
                Event::Live { session, update } => {
                    if !self.network_model.apply_live(session, update) {
                        tracing::trace!(session, "ignored a report from a replaced live session");
                    }
                }
            }
        }
    }

    fn handle(&mut self, intent: FetchIntent) {
        match intent {
            FetchIntent::Load(text) => self.load(&text, true),
            FetchIntent::Stop => self.stop(),
            FetchIntent::Back => {
                if let Some(url) = self.navigation.back() {
                    self.load(&url, false);
                }
            }
            FetchIntent::Forward => {
                if let Some(url) = self.navigation.forward() {
                    self.load(&url, false);
                }
            }
            FetchIntent::ShowAsPackets(scene) => {
                self.packets(PacketsIntent::RunScene(scene));
                self.tab = Tab::Packets;
            }
            FetchIntent::Reload => {
                if let Some(url) = self.navigation.current().map(str::to_string) {
                    self.load(&url, false);
                }
            }
        }
    }

    /// Loads an address as if typed in the bar (a lesson step does this).
    pub(crate) fn load_url(&mut self, url: &str) {
        self.load(url, true);
    }

    /// Starts loading what the user typed; a malformed address fails at once, with its reason.
    fn load(&mut self, text: &str, visit: bool) {
        let request = match FetchRequest::parse(text) {
            Ok(r) => r,
            Err(error) => {
                self.fetch_model.begin_failed(text.to_string(), error);
                return;
            }
        };
        let url = request.as_str().to_string();
        self.fetch_view.address.text = url.clone();
        self.fetch_view.address.is_default = false;
        if visit {
            self.navigation.visit(&url);
        }
        self.settings.remember_url(&url);
        let load = self.fetch_model.begin(url);
        let options =
            Box::new(crate::record::FetchOptions { loopback_only: self.sandboxed, ..self.settings.fetch_options() });
        let sent = match &self.worker {
            Ok(worker) => worker.send(Command::Fetch { load, request, options }),
            Err(_) => false,
        };
        if !sent {
            let error =
                FetchError::new(ErrorKind::Io, None, "the background worker is not running, so nothing can be fetched");
            self.fetch_model.apply(load, FetchEvent::Finished { error: Some(error) });
        }
    }

    fn stop(&mut self) {
        if let Some(load) = self.fetch_model.running_load() {
            if let Ok(worker) = &self.worker {
                // If the worker is gone there is nothing left to stop.
                let _ = worker.send(Command::Stop { load });
            }
            if let Some(current) = self.fetch_model.current.as_mut() {
                current.stop();
            }
        }
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.applied_theme != Some(self.settings.theme) {
            ctx.set_theme(match self.settings.theme {
                Theme::Dark => egui::ThemePreference::Dark,
                Theme::Light => egui::ThemePreference::Light,
            });
            self.applied_theme = Some(self.settings.theme);
        }
    }

    fn app_bar(&mut self, ui: &mut Ui) {
        let mut fits = true;
        ui.horizontal(|ui| {
            ui.label(RichText::new("netlens").strong().size(20.0));
            ui.separator();
            for (tab, name, hint) in [
                (Tab::Lessons, "Lessons", "Guided lessons through the section, step by step; F5 presents one"),
                (Tab::Fetch, "Fetch", "A client fetching a page: DNS, connect, TLS, HTTP, every byte"),
                (Tab::Packets, "Packets", "IP packets and TCP segments on an unreliable link, or from a capture file"),
                (Tab::Network, "Network", "Client/server and peer-to-peer systems: many nodes, messages, failures"),
            ] {
                if ui.selectable_label(self.tab == tab, RichText::new(name).strong()).on_hover_text(hint).clicked() {
                    self.tab = tab;
                }
            }
            // The theme and zoom buttons need about this much; on a narrow window (or at a big
            // zoom) they go to a second row rather than over the tabs.
            fits = ui.available_width() >= RIGHT_SIDE_WIDTH;
            if fits {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| self.app_bar_right(ui));
            }
        });
        if !fits {
            ui.horizontal(|ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| self.app_bar_right(ui));
            });
        }
    }

    /// Theme, zoom and the demo services' status, right to left; the status is cut to what
    /// space is left, never drawn over the tabs.
    fn app_bar_right(&mut self, ui: &mut Ui) {
        let dark = self.settings.theme == Theme::Dark;
        let (icon, hint) =
            if dark { ("☀ Light", "Switch to the light theme") } else { ("🌙 Dark", "Switch to the dark theme") };
        if ui.button(icon).on_hover_text(hint).clicked() {
            self.settings.theme = if dark { Theme::Light } else { Theme::Dark };
        }
        zoom_controls(ui);
        ui.separator();
        demo_status(ui, &self.demo);
    }
}

fn zoom_controls(ui: &mut Ui) {
    let ctx = ui.ctx().clone();
    let zoom = ctx.zoom_factor();
    let set = |z: f32| ctx.set_zoom_factor((z * 10.0).round() / 10.0);
    if ui.button("+").on_hover_text("Larger (Ctrl +)").clicked() {
        set((zoom + 0.1).min(*ZOOM_RANGE.end()));
    }
    if ui.button(format!("{:.0}%", zoom * 100.0)).on_hover_text("Back to 100% (Ctrl 0)").clicked() {
        set(1.0);
    }
    if ui.button("−").on_hover_text("Smaller (Ctrl −)").clicked() {
        set((zoom - 0.1).max(*ZOOM_RANGE.start()));
    }
}

/// The demo services' status, cut to the space there is (the whole text shows on hover).
fn demo_status(ui: &mut Ui, demo: &DemoStatus) {
    let (text, hint) = match demo {
        DemoStatus::Starting => (RichText::new("demo site starting…").weak(), None),
        DemoStatus::Ready(a) => {
            let https = a.https.map_or_else(String::new, |h| format!(" · https :{}", h.port()));
            let text = format!("demo site www.demo.test:{}{https} · DNS {}", a.http.port(), a.dns);
            let hint = format!("{text}\nThe built-in web site and DNS responder, on this computer only (loopback).");
            (RichText::new(text).weak(), Some(hint))
        }
        DemoStatus::Failed(reason) => {
            let text = format!("demo site unavailable: {reason}");
            (RichText::new(text.clone()).color(theme::error_color(ui.visuals().dark_mode)), Some(text))
        }
        DemoStatus::Off => return,
    };
    let response = ui.add(egui::Label::new(text).truncate());
    if let Some(hint) = hint {
        response.on_hover_text(hint);
    }
}

impl NetlensApp {
    /// The app bar, the lesson bars and the open view; the views' intents carried out.
    fn show_views(&mut self, ui: &mut Ui) {
        egui::Panel::top("app_bar").show(ui, |ui| {
            ui.add_space(2.0);
            self.app_bar(ui);
            ui.add_space(2.0);
        });
        if let Err(reason) = &self.worker {
            egui::Panel::top("worker_error").show(ui, |ui| {
                ui.colored_label(theme::error_color(ui.visuals().dark_mode), reason);
            });
        }
        if let Some((text, error)) = self.export_notice_text() {
            let dark = ui.visuals().dark_mode;
            let color = if error { theme::error_color(dark) } else { theme::marker_color(dark) };
            let text = text.to_string();
            egui::Panel::top("export_notice").show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
            });
        }
        self.lesson_bars(ui);
        #[cfg(feature = "desktop")]
        self.class_lesson_panels(ui);
        self.dropped_lesson(ui);
        let presenting = self.lessons.presenter.on;
        self.packets_view.presenting = presenting;
        self.network_view.presenting = presenting;
        self.fetch_view.presenting = presenting;
        self.lessons.presenter.paint_overlay(ui.ctx());
        match self.tab {
            Tab::Lessons => {
                let player = self.lessons.player.as_ref();
                let error = self.lessons.error.as_deref();
                let intents =
                    crate::ui::lessons::catalog(ui, &mut self.lessons.view, &self.lessons.catalog, player, error);
                for intent in intents {
                    self.lesson(intent);
                }
                return;
            }
            Tab::Packets => {
                for intent in self.packets_view.show(ui, &self.packets_model) {
                    self.packets(intent);
                }
                return;
            }
            Tab::Network => {
                egui::Panel::top("network_mode").show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.selectable_value(&mut self.class_swarm, false, "Scenes")
                            .on_hover_text("Simulated and live scenes on this machine");
                        ui.selectable_value(&mut self.class_swarm, true, "Class swarm")
                            .on_hover_text("Join the class swarm: every laptop in the room as a peer");
                    });
                });
                if self.class_swarm {
                    self.show_class_swarm_panel(ui);
                } else {
                    for intent in self.network_view.show(ui, &self.network_model) {
                        self.network(intent);
                    }
                }
                return;
            }
            Tab::Fetch => {}
        }
        let demo = match &self.demo {
            DemoStatus::Ready(addresses) => Some(addresses.clone()),
            _ => None,
        };
        let intents = self.fetch_view.show(
            ui,
            FetchContext {
                model: &self.fetch_model,
                navigation: &self.navigation,
                demo: demo.as_ref(),
                browser_demo: browser_demo_home(),
                settings: &mut self.settings,
            },
        );
        for intent in intents {
            self.handle(intent);
        }
    }
}

impl NetlensApp {
    /// The class swarm: the desktop app's peer on rust-libp2p.
    #[cfg(feature = "desktop")]
    fn show_class_swarm_panel(&mut self, ui: &mut Ui) {
        self.swarm_view.form.sandboxed = self.sandboxed;
        for intent in self.swarm_view.show(ui, &self.swarm_model) {
            self.swarm(intent);
        }
    }

    /// A browser tab cannot listen for the class's connections: the panel says so.
    #[cfg(not(feature = "desktop"))]
    fn show_class_swarm_panel(&mut self, ui: &mut Ui) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.add_space(24.0);
            ui.heading("Class swarm: desktop app only");
            ui.add(egui::Label::new(crate::ui::platform::CLASS_SWARM_IN_BROWSER).wrap());
        });
    }
}

/// In a browser: the front page of the demo site's copy beside the page.
fn browser_demo_home() -> Option<String> {
    #[cfg(feature = "desktop")]
    return None;
    #[cfg(not(feature = "desktop"))]
    return Some(crate::web::demo_url("/"));
}

/// What the address bar shows first: the demo site's front page.
fn first_address() -> String {
    #[cfg(feature = "desktop")]
    return format!("http://www.demo.test:{DEFAULT_HTTP_PORT}/");
    #[cfg(not(feature = "desktop"))]
    return crate::web::demo_url("/");
}

impl eframe::App for NetlensApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events();
        self.drain_jobs();
        self.lesson_keys(ctx);
        #[cfg(feature = "desktop")]
        self.class_lesson_logic();
        self.receive_screenshot();
        self.run_lesson_queue();
        if self.tab == Tab::Network {
            let dt = ctx.input(|i| f64::from(i.stable_dt));
            self.network_model.tick(dt);
            #[cfg(feature = "desktop")]
            self.swarm_model.tick(dt);
        }
        self.apply_theme(ctx);
        // Presenter mode's zoom is not the one to remember.
        let zoom = self.lessons.presenter.zoom_to_save().unwrap_or(ctx.zoom_factor());
        self.settings.zoom = zoom.clamp(*ZOOM_RANGE.start(), *ZOOM_RANGE.end());
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.show_views(ui);
        self.take_exports();
        // After the views have drawn: they settle their selection on a new run as they draw.
        #[cfg(feature = "web")]
        self.publish_lesson_status();
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        let ctx = self.ctx.clone();
        self.lessons.presenter.leave(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}

#[cfg(feature = "desktop")]
mod native;
#[cfg(feature = "desktop")]
pub use native::{Startup, run_native, run_native_with};
