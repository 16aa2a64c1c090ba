//! The Fetch view: a browser-like URL bar, the waterfall of every request of the page load, and
//! for the selected request its steps, raw bytes, headers, body and DNS exchange.
//!
//! The view only draws and returns [`FetchIntent`]s; the app turns them into worker commands.

mod cache;
mod intent;
mod tab_body;
mod tab_dns;
mod tab_headers;
mod tab_raw;
mod tab_steps;
mod toolbar;
mod waterfall;

use std::sync::Arc;

use egui::{RichText, Ui};

pub use intent::{FetchContext, FetchIntent};
pub use toolbar::AddressBar;

use crate::export::{ExportFile, ExportKind, ExportRequest, file_stem};
use crate::model::page_load::{LoadState, PageLoad};
use crate::record::bytes::human_size;
use crate::record::{DemoAddresses, Exchange, ExchangeState};
use crate::ui::theme;
use crate::wire::status;

/// The detail tabs for the selected request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DetailTab {
    Steps,
    Raw,
    Headers,
    Body,
    Dns,
}

impl DetailTab {
    const ALL: [DetailTab; 5] = [DetailTab::Steps, DetailTab::Raw, DetailTab::Headers, DetailTab::Body, DetailTab::Dns];

    /// A tab by the name lesson files use: steps, raw, headers, body, dns.
    pub fn parse(name: &str) -> Option<DetailTab> {
        Self::ALL.into_iter().find(|t| t.title().eq_ignore_ascii_case(name))
    }

    fn title(self) -> &'static str {
        match self {
            DetailTab::Steps => "Steps",
            DetailTab::Raw => "Raw",
            DetailTab::Headers => "Headers",
            DetailTab::Body => "Body",
            DetailTab::Dns => "DNS",
        }
    }
}

/// The Fetch view's own state: what is typed, selected and shown.
pub struct FetchView {
    /// What the address bar holds.
    pub address: AddressBar,
    selected: usize,
    /// The load the selection belongs to; a new load selects its page again.
    selected_load: u64,
    tab: DetailTab,
    raw_hex: bool,
    /// The DNS field picked in the DNS tab: (in the answer?, index).
    dns_field: Option<(bool, usize)>,
    cache: cache::ViewCache,
    /// An intent raised deep in the detail pane, handed out with the others.
    pending_intent: Option<FetchIntent>,
    /// Exports keep Cookie and Authorization values (off unless the user says so).
    keep_secrets: bool,
    /// An export asked for this frame, for the app to carry out.
    pub export: Option<ExportRequest>,
    /// Presenter mode: the waterfall takes less room.
    pub presenting: bool,
}

impl FetchView {
    /// The open detail tab, as lesson files name it.
    pub fn tab_name(&self) -> &'static str {
        match self.tab {
            DetailTab::Steps => "steps",
            DetailTab::Raw => "raw",
            DetailTab::Headers => "headers",
            DetailTab::Body => "body",
            DetailTab::Dns => "dns",
        }
    }

    /// Opens a detail tab (a lesson step does this); false for a name that is not one.
    pub fn set_tab(&mut self, name: &str) -> bool {
        DetailTab::parse(name).map(|tab| self.tab = tab).is_some()
    }

    pub fn new(url_text: String) -> Self {
        Self {
            address: AddressBar::new(url_text),
            selected: 0,
            selected_load: 0,
            tab: DetailTab::Steps,
            raw_hex: false,
            pending_intent: None,
            dns_field: None,
            cache: cache::ViewCache::default(),
            keep_secrets: false,
            export: None,
            presenting: false,
        }
    }

    /// Shows the view and returns what the user asked for.
    pub fn show(&mut self, ui: &mut Ui, mut cx: FetchContext<'_>) -> Vec<FetchIntent> {
        let mut intents = Vec::new();
        let running = cx.model.running_load().is_some();
        egui::Panel::top("fetch_toolbar").show(ui, |ui| {
            toolbar::show(ui, &mut self.address, &mut cx, running, &mut intents);
            if crate::ui::platform::IN_BROWSER && !self.presenting {
                ui.add(egui::Label::new(RichText::new(crate::ui::platform::FETCH_IN_BROWSER).weak()).wrap());
            }
        });

        let Some(load) = cx.model.current.as_ref() else {
            egui::CentralPanel::default().show(ui, |ui| welcome(ui, cx.demo));
            return intents;
        };
        if self.selected_load != load.id {
            self.selected_load = load.id;
            self.selected = 0;
            self.dns_field = None;
        }
        self.selected = self.selected.min(load.exchanges.len().saturating_sub(1));

        // While presenting, the waterfall keeps a smaller share (its own remembered size), so the
        // detail tab the lesson opened stays readable under the caption.
        let (waterfall_id, waterfall_size) = if self.presenting {
            ("fetch_waterfall_presenting", (ui.available_height() * 0.3).clamp(90.0, 240.0))
        } else {
            ("fetch_waterfall", 240.0)
        };
        egui::Panel::top(waterfall_id).resizable(true).default_size(waterfall_size).size_range(90.0..=900.0).show(
            ui,
            |ui| {
                load_status(ui, load);
                if let Some(clicked) = waterfall::show(ui, load, self.selected) {
                    self.selected = clicked;
                    self.dns_field = None;
                }
            },
        );
        egui::CentralPanel::default().show(ui, |ui| match load.exchanges.get(self.selected) {
            Some(exchange) => self.details(ui, load, exchange),
            None => {
                if let LoadState::Failed(error) = &load.state {
                    ui.colored_label(theme::error_color(ui.visuals().dark_mode), &error.message);
                }
            }
        });
        intents.extend(self.pending_intent.take());
        intents
    }

    fn details(&mut self, ui: &mut Ui, load: &PageLoad, exchange: &Arc<Exchange>) {
        status_banner(ui, exchange);
        ui.horizontal(|ui| {
            for tab in DetailTab::ALL {
                if ui.selectable_label(self.tab == tab, RichText::new(tab.title()).strong()).clicked() {
                    self.tab = tab;
                }
            }
            if self.tab == DetailTab::Raw {
                ui.separator();
                ui.checkbox(&mut self.raw_hex, "hex");
            }
            ui.separator();
            let can_replay = !exchange.request.is_empty();
            let button = ui
                .add_enabled(can_replay, egui::Button::new("Show as packets"))
                .on_hover_text("Replay this request and response, byte for byte, as TCP segments in the Packets view");
            if button.clicked()
                && let Some(scene) = crate::model::page_load::replay_scene(exchange)
            {
                self.pending_intent = Some(FetchIntent::ShowAsPackets(Box::new(scene)));
            }
            self.export_menu(ui, load, exchange);
        });
        ui.separator();
        let entry = self.cache.entry(load.id, exchange);
        match self.tab {
            DetailTab::Steps => tab_steps::show(ui, exchange, &entry.steps),
            DetailTab::Raw => tab_raw::show(ui, exchange, entry, self.raw_hex),
            DetailTab::Headers => tab_headers::show(ui, exchange, entry.request_head.as_ref()),
            DetailTab::Body => tab_body::show(ui, load.id, exchange, entry),
            DetailTab::Dns => tab_dns::show(ui, exchange, entry, &mut self.dns_field),
        }
    }
}

impl FetchView {
    /// "Copy as curl" for the selected request, and the Export menu: the page load as HAR, the
    /// window as PNG. Cookie and Authorization values stay out unless the user keeps them.
    fn export_menu(&mut self, ui: &mut Ui, load: &PageLoad, exchange: &Exchange) {
        let secrets = if self.keep_secrets { "" } else { " (cookies and authorization redacted)" };
        if ui
            .add_enabled(!exchange.request.is_empty(), egui::Button::new("Copy as curl"))
            .on_hover_text(format!("The curl command that sends this request{secrets}"))
            .clicked()
        {
            ui.ctx().copy_text(crate::export::curl::command(exchange, self.keep_secrets));
        }
        ui.menu_button("Export ▾", |ui| {
            let finished = !load.is_running();
            let har = ui
                .add_enabled(finished, egui::Button::new("Page load as HAR…"))
                .on_hover_text(
                    "HAR 1.2: every request with its headers, body and timings; DevTools' Network panel imports it",
                )
                .on_disabled_hover_text("When the page has loaded");
            if har.clicked() {
                let document =
                    crate::export::har::document(&load.url, &load.exchanges, load.started, self.keep_secrets);
                let host = url::Url::parse(&load.url).ok().and_then(|u| u.host_str().map(str::to_string));
                self.export = Some(ExportRequest::File(ExportFile {
                    kind: ExportKind::Har,
                    name: format!("{}.har", file_stem(host.as_deref().unwrap_or("page"))),
                    bytes: serde_json::to_vec_pretty(&document).unwrap_or_default(),
                }));
                ui.close();
            }
            ui.checkbox(&mut self.keep_secrets, "Keep Cookie and Authorization values").on_hover_text(
                "Off by default: a HAR or curl command shared with a class should not carry anyone's login",
            );
            ui.separator();
            if ui.button("Window as PNG…").clicked() {
                self.export = Some(ExportRequest::Screenshot);
                ui.close();
            }
        });
    }
}

/// One line about the whole load: running, done, stopped or failed.
fn load_status(ui: &mut Ui, load: &PageLoad) {
    let dark = ui.visuals().dark_mode;
    let count = load.exchanges.len();
    let received: u64 =
        load.exchanges.iter().map(|e| e.tls_received.as_ref().map_or(e.response.total(), |t| t.total())).sum();
    let time = format!("{:.1} ms", load.end_us() as f64 / 1000.0);
    ui.horizontal_wrapped(|ui| match &load.state {
        LoadState::Running => {
            ui.spinner();
            let downloading: u64 = load.progress.values().sum();
            let extra =
                if downloading > 0 { format!(", {} of body so far", human_size(downloading)) } else { String::new() };
            ui.label(format!("Loading {} … {count} request(s){extra}", load.url));
        }
        LoadState::Done => {
            if crate::ui::platform::IN_BROWSER {
                // The browser does not show the bytes on the wire, only the bodies it decoded.
                let bodies: u64 =
                    load.exchanges.iter().filter_map(|e| e.body.as_ref()).map(|b| b.decoded.total()).sum();
                ui.label(format!("Done: {count} request(s), {} of bodies, {time}.", human_size(bodies)));
            } else {
                ui.label(format!(
                    "Done: {count} request(s), {} received over the network, {time}.",
                    human_size(received)
                ));
            }
        }
        LoadState::Stopped => {
            ui.label(
                RichText::new(format!("Stopped after {count} request(s) and {time}.")).color(theme::error_color(dark)),
            );
        }
        LoadState::Failed(error) => {
            ui.label(RichText::new(format!("✖ {}", error.message)).color(theme::error_color(dark)));
        }
    });
}

/// The selected request's outcome in one line: its status and what it means, or its failure.
fn status_banner(ui: &mut Ui, exchange: &Exchange) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{} {}", exchange.method, exchange.url)).monospace());
        ui.label("→");
        match (&exchange.head, &exchange.error) {
            (Some(head), _) => {
                let color = theme::status_color(head.status, dark);
                ui.label(RichText::new(format!("{} {}", head.status, head.reason)).strong().size(18.0).color(color));
                ui.label(status::explain(head.status));
            }
            (None, Some(error)) => {
                ui.label(RichText::new(format!("✖ {}", error.message)).strong().color(theme::error_color(dark)));
            }
            (None, None) if exchange.state == ExchangeState::Cancelled => {
                ui.label("stopped");
            }
            (None, None) => {
                ui.spinner();
            }
        }
    });
}

fn welcome(ui: &mut Ui, demo: Option<&DemoAddresses>) {
    ui.add_space(24.0);
    ui.vertical_centered(|ui| {
        ui.heading("Press Enter to fetch the demo page");
        ui.add_space(8.0);
        ui.label(if crate::ui::platform::IN_BROWSER {
            "The browser will fetch it, and netlens shows the status, headers, body and timing the browser reports."
        } else {
            "netlens will look up the name, open a connection, send a request and show every byte that comes back."
        });
        if let Some(demo) = demo {
            ui.label(format!("The demo site runs on this computer: {} (DNS on {}).", demo.home_url(), demo.dns));
        }
    });
}
