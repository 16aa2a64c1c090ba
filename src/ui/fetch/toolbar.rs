//! The browser-like bar: back, forward, reload, stop, the address, Go, history, options, and one
//! click to each page of the demo site.

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};

use super::intent::{FetchContext, FetchIntent};
use crate::model::settings::Settings;
use crate::record::DnsMode;

/// What the address bar holds.
pub struct AddressBar {
    pub text: String,
    /// True until the user edits it, so the demo's real address can replace the default.
    pub is_default: bool,
    /// The bar has been given the keyboard focus once, at start-up.
    focused_once: bool,
}

impl AddressBar {
    pub fn new(text: String) -> Self {
        Self { text, is_default: true, focused_once: false }
    }
}

/// The demo pages worth a button: path and what it teaches.
const DEMO_PAGES: [(&str, &str, &str); 8] = [
    ("/", "/ (200)", "The front page: HTML with three images, a stylesheet and a script"),
    ("/moved", "/moved (301)", "A redirect: the server sends the client elsewhere"),
    ("/missing", "/missing (404)", "A page that does not exist"),
    ("/error", "/error (500)", "A server that fails"),
    ("/slow?ms=2000", "/slow", "A server that takes two seconds to answer: watch the wait phase"),
    ("/chunked", "/chunked", "A body sent in pieces with pauses (chunked transfer encoding)"),
    ("/gzip", "/gzip", "A compressed body (Content-Encoding: gzip)"),
    ("/bytes/10000000", "/bytes (10 MB)", "Ten million bytes: watch the download phase"),
];

/// The demo pages a browser can fetch from the site's copy beside the page: its files are there,
/// and any other path is a real 404 from the page's server. (The desktop's demo server also
/// redirects, fails, waits, streams and compresses on purpose; a plain web server does not.)
const BROWSER_DEMO_PAGES: [(&str, &str, &str); 3] = [
    ("/", "/ (200)", "The front page: HTML with three images, a stylesheet and a script"),
    ("/missing", "/missing (404)", "A page that does not exist"),
    ("/style.css", "/style.css", "The stylesheet alone"),
];

pub fn show(
    ui: &mut Ui,
    view: &mut AddressBar,
    cx: &mut FetchContext<'_>,
    running: bool,
    intents: &mut Vec<FetchIntent>,
) {
    let url_id = ui.make_persistent_id("url_bar");
    shortcuts(ui, url_id, running, intents);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let nav = cx.navigation;
        if ui.add_enabled(nav.can_go_back(), egui::Button::new("◀")).on_hover_text("Back (Alt+←)").clicked() {
            intents.push(FetchIntent::Back);
        }
        if ui.add_enabled(nav.can_go_forward(), egui::Button::new("▶")).on_hover_text("Forward (Alt+→)").clicked() {
            intents.push(FetchIntent::Forward);
        }
        if ui.add_enabled(nav.current().is_some(), egui::Button::new("⟳")).on_hover_text("Reload (Ctrl+R)").clicked()
        {
            intents.push(FetchIntent::Reload);
        }
        if ui.add_enabled(running, egui::Button::new("✖ Stop")).on_hover_text("Stop loading (Esc)").clicked() {
            intents.push(FetchIntent::Stop);
        }
        let right_width = 240.0;
        let url_edit = egui::TextEdit::singleline(&mut view.text)
            .id(url_id)
            .hint_text("Type a URL, such as http://www.demo.test:8080/")
            .font(egui::TextStyle::Monospace)
            .desired_width((ui.available_width() - right_width).max(200.0));
        let response = ui.add(url_edit).on_hover_text("The address to fetch (Ctrl+L)");
        if response.changed() {
            view.is_default = false;
        }
        // The address bar has the keyboard from the start, so a teacher can just press Enter.
        if !view.focused_once {
            response.request_focus();
            view.focused_once = true;
        }
        let nothing_focused = ui.memory(|m| m.focused().is_none());
        let entered = (response.lost_focus() || nothing_focused) && ui.input(|i| i.key_pressed(Key::Enter));
        if ui.button(RichText::new("Go").strong()).clicked() || entered {
            intents.push(FetchIntent::Load(view.text.clone()));
        }
        history_menu(ui, &cx.settings.url_history, intents);
        // The options choose how the desktop's client resolves and connects; a browser does
        // both itself.
        if !crate::ui::platform::IN_BROWSER {
            options_menu(ui, cx.settings);
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Demo pages:").weak());
        if let Some(base) = &cx.browser_demo {
            let base = base.trim_end_matches('/');
            for (path, label, hint) in BROWSER_DEMO_PAGES {
                if ui.link(label).on_hover_text(hint).clicked() {
                    intents.push(FetchIntent::Load(format!("{base}{path}")));
                }
            }
            return;
        }
        match cx.demo {
            Some(demo) => {
                let base = demo.home_url();
                let base = base.trim_end_matches('/');
                for (path, label, hint) in DEMO_PAGES {
                    if ui.link(label).on_hover_text(hint).clicked() {
                        intents.push(FetchIntent::Load(format!("{base}{path}")));
                    }
                }
                if let Some(https) = demo.https_home_url()
                    && ui
                        .link("https /")
                        .on_hover_text("The front page over TLS, with the demo site's own certificate")
                        .clicked()
                {
                    intents.push(FetchIntent::Load(https));
                }
            }
            None => {
                ui.label(RichText::new("(the demo site is starting…)").weak());
            }
        }
    });
    ui.add_space(2.0);
}

fn shortcuts(ui: &mut Ui, url_id: egui::Id, running: bool, intents: &mut Vec<FetchIntent>) {
    let (stop, back, forward, reload, focus) = ui.input_mut(|i| {
        (
            running && i.consume_key(Modifiers::NONE, Key::Escape),
            i.consume_shortcut(&KeyboardShortcut::new(Modifiers::ALT, Key::ArrowLeft)),
            i.consume_shortcut(&KeyboardShortcut::new(Modifiers::ALT, Key::ArrowRight)),
            i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::R)),
            i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::L)),
        )
    });
    if stop {
        intents.push(FetchIntent::Stop);
    }
    if back {
        intents.push(FetchIntent::Back);
    }
    if forward {
        intents.push(FetchIntent::Forward);
    }
    if reload {
        intents.push(FetchIntent::Reload);
    }
    if focus {
        ui.memory_mut(|m| m.request_focus(url_id));
    }
}

fn history_menu(ui: &mut Ui, history: &[String], intents: &mut Vec<FetchIntent>) {
    ui.menu_button("History", |ui| {
        if history.is_empty() {
            ui.label(RichText::new("Nothing fetched yet").weak());
        }
        for url in history {
            if ui.button(RichText::new(url).monospace()).clicked() {
                intents.push(FetchIntent::Load(url.clone()));
                ui.close();
            }
        }
    });
}

fn options_menu(ui: &mut Ui, settings: &mut Settings) {
    ui.menu_button("Options", |ui| {
        ui.set_min_width(340.0);
        ui.label(RichText::new("Names outside demo.test are looked up with").strong());
        ui.radio_value(&mut settings.dns_mode, DnsMode::System, "the system resolver (its packets are not visible)");
        ui.radio_value(&mut settings.dns_mode, DnsMode::Wire, "a UDP query to the system's nameserver (bytes visible)");
        ui.separator();
        ui.checkbox(&mut settings.subresources, "Fetch the images, stylesheets and scripts the page names");
        ui.horizontal(|ui| {
            ui.label("Follow at most");
            ui.add(egui::DragValue::new(&mut settings.max_redirects).range(0..=50));
            ui.label("redirects (0 shows the redirect itself)");
        });
        ui.separator();
        ui.label(RichText::new("Timeouts (seconds)").strong());
        egui::Grid::new("timeouts").num_columns(2).show(ui, |ui| {
            for (label, value) in [
                ("connect", &mut settings.connect_timeout_secs),
                ("each read", &mut settings.read_timeout_secs),
                ("whole request", &mut settings.total_timeout_secs),
            ] {
                ui.label(label);
                ui.add(egui::DragValue::new(value).range(0.1..=3600.0).speed(0.5).max_decimals(1));
                ui.end_row();
            }
        });
    });
}
