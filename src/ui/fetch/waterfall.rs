//! The waterfall: one row per request of the page load, with its status, type, size and time, and
//! a bar whose coloured segments are its phases on a time axis shared by all rows.

use egui::{Align2, Color32, CornerRadius, FontId, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};

use crate::model::page_load::PageLoad;
use crate::record::bytes::human_size;
use crate::record::{Exchange, ExchangeRole, ExchangeState, Phase};
use crate::ui::theme;

/// Column widths, in points, of the fixed-size columns.
const INDEX_W: f32 = 34.0;
const STATUS_W: f32 = 86.0;
const TYPE_W: f32 = 92.0;
const SIZE_W: f32 = 84.0;
const TIME_W: f32 = 84.0;

/// Shows the legend and the rows; returns the row clicked, if any.
pub fn show(ui: &mut Ui, load: &PageLoad, selected: usize) -> Option<usize> {
    legend(ui);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let total_us = load.end_us().max(1000) as f32;
    let mut clicked = None;
    header(ui, row_height);
    egui::ScrollArea::vertical().auto_shrink([false, false]).show_rows(
        ui,
        row_height,
        load.exchanges.len(),
        |ui, rows| {
            for index in rows {
                let exchange = &load.exchanges[index];
                let progress = load.progress.get(&index).copied();
                if row(ui, exchange, progress, index == selected, row_height, total_us).clicked() {
                    clicked = Some(index);
                }
            }
        },
    );
    clicked
}

fn legend(ui: &mut Ui) {
    ui.horizontal_wrapped(|ui| {
        for phase in Phase::ALL {
            let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
            ui.painter().rect_filled(rect, CornerRadius::same(2), theme::phase_color(phase));
            ui.label(phase.name());
            ui.add_space(6.0);
        }
        ui.label(RichText::new("· hover a bar for its durations, click a row for its details").weak());
    });
}

/// Where each column starts and how wide the timeline is, for a row of this width.
struct Columns {
    url: f32,
    url_w: f32,
    status: f32,
    kind: f32,
    size: f32,
    time: f32,
    bar: f32,
    bar_w: f32,
}

impl Columns {
    fn for_rect(rect: Rect) -> Self {
        let flexible = (rect.width() - INDEX_W - STATUS_W - TYPE_W - SIZE_W - TIME_W).max(200.0);
        let url_w = (flexible * 0.42).max(140.0);
        let url = rect.left() + INDEX_W;
        let status = url + url_w;
        let kind = status + STATUS_W;
        let size = kind + TYPE_W;
        let time = size + SIZE_W;
        let bar = time + TIME_W;
        Self { url, url_w, status, kind, size, time, bar, bar_w: (rect.right() - bar - 8.0).max(40.0) }
    }
}

fn header(ui: &mut Ui, height: f32) {
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::hover());
    let c = Columns::for_rect(rect);
    let weak = ui.visuals().weak_text_color();
    let font = FontId::proportional(ui.text_style_height(&egui::TextStyle::Small).max(12.0));
    let y = rect.center().y;
    for (x, text) in [
        (rect.left() + 4.0, "#"),
        (c.url, "Request"),
        (c.status, "Status"),
        (c.kind, "Type"),
        (c.size, "Size"),
        (c.time, "Time"),
        (c.bar, "Timeline"),
    ] {
        ui.painter().text(pos2(x, y), Align2::LEFT_CENTER, text, font.clone(), weak);
    }
    ui.painter().line_segment(
        [rect.left_bottom(), rect.right_bottom()],
        Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color),
    );
}

fn row(
    ui: &mut Ui,
    exchange: &Exchange,
    progress: Option<u64>,
    selected: bool,
    height: f32,
    total_us: f32,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::click());
    let visuals = ui.visuals().clone();
    if selected {
        ui.painter().rect_filled(rect, CornerRadius::same(3), visuals.selection.bg_fill.gamma_multiply(0.6));
    } else if response.hovered() {
        ui.painter().rect_filled(rect, CornerRadius::same(3), visuals.widgets.hovered.weak_bg_fill);
    }
    let c = Columns::for_rect(rect);
    let cell = |x: f32, w: f32| Rect::from_min_size(pos2(x, rect.top()), vec2(w - 6.0, height));
    let text_color = visuals.text_color();

    // Real labels (not painted text) so screen readers and UI tests can find every cell.
    let put = |ui: &mut Ui, r: Rect, text: RichText| {
        let layout = egui::Layout::left_to_right(egui::Align::Center);
        let mut cell = ui.new_child(egui::UiBuilder::new().max_rect(r).layout(layout));
        cell.add(egui::Label::new(text).truncate().selectable(false));
    };
    put(ui, cell(rect.left() + 4.0, INDEX_W), RichText::new(exchange.index.to_string()).weak());
    put(ui, cell(c.url, c.url_w), RichText::new(short_url(exchange)).monospace().color(text_color));
    let (status_text, status_color) = status_cell(exchange, visuals.dark_mode, visuals.weak_text_color());
    put(ui, cell(c.status, STATUS_W), RichText::new(status_text).strong().color(status_color));
    put(ui, cell(c.kind, TYPE_W), RichText::new(kind_cell(exchange)));
    put(ui, cell(c.size, SIZE_W), RichText::new(size_cell(exchange, progress)));
    let time = exchange.timings.total().map_or_else(|| "…".to_string(), |s| format!("{:.1} ms", s.millis()));
    put(ui, cell(c.time, TIME_W), RichText::new(time));

    let bar_rect = Rect::from_min_size(pos2(c.bar, rect.top() + height * 0.25), vec2(c.bar_w, height * 0.5));
    let x_of = |us: u64| bar_rect.left() + (us as f32 / total_us).min(1.0) * bar_rect.width();
    for phase in Phase::ALL {
        if let Some(span) = exchange.timings.phase(phase) {
            let left = x_of(span.start_us);
            let right = x_of(span.end_us).max(left + 1.5);
            let seg = Rect::from_min_max(pos2(left, bar_rect.top()), pos2(right, bar_rect.bottom()));
            ui.painter().rect_filled(seg, CornerRadius::same(1), theme::phase_color(phase));
        }
    }
    if exchange.error.is_some() {
        let x = exchange.timings.end_us.map_or(bar_rect.left(), x_of);
        ui.painter().text(
            pos2(x + 2.0, bar_rect.center().y),
            Align2::LEFT_CENTER,
            "✖",
            FontId::proportional(height * 0.6),
            theme::error_color(visuals.dark_mode),
        );
    }
    response.on_hover_ui(|ui| tooltip(ui, exchange))
}

/// The path for requests to the page's own site, the whole URL otherwise.
fn short_url(exchange: &Exchange) -> String {
    match url::Url::parse(&exchange.url) {
        Ok(u)
            if exchange.role != ExchangeRole::Page
                && exchange
                    .initiator
                    .as_deref()
                    .and_then(|i| url::Url::parse(i).ok())
                    .is_some_and(|i| i.origin() == u.origin()) =>
        {
            let mut path = u.path().to_string();
            if let Some(q) = u.query() {
                path.push('?');
                path.push_str(q);
            }
            path
        }
        _ => exchange.url.clone(),
    }
}

fn status_cell(exchange: &Exchange, dark: bool, weak: Color32) -> (String, Color32) {
    match (&exchange.head, &exchange.error, exchange.state) {
        (Some(head), _, _) => (head.status.to_string(), theme::status_color(head.status, dark)),
        (None, Some(error), _) => (format!("✖ {}", error.kind.as_str()), theme::error_color(dark)),
        (None, None, ExchangeState::Cancelled) => ("stopped".into(), weak),
        (None, None, ExchangeState::Running(phase)) => (format!("{}…", phase.name()), weak),
        _ => ("-".into(), weak),
    }
}

fn kind_cell(exchange: &Exchange) -> String {
    let from_header = exchange.head.as_ref().and_then(|h| h.header("Content-Type")).map(|ct| {
        let mime = ct.split(';').next().unwrap_or(ct).trim();
        mime.rsplit('/').next().unwrap_or(mime).to_string()
    });
    match (from_header, exchange.role) {
        (Some(kind), _) => kind,
        (None, ExchangeRole::Subresource(kind)) => kind.name().to_string(),
        (None, _) => "-".to_string(),
    }
}

fn size_cell(exchange: &Exchange, progress: Option<u64>) -> String {
    match (&exchange.body, progress) {
        (_, Some(received)) => format!("{}…", human_size(received)),
        (Some(body), None) => human_size(body.decoded.total()),
        (None, None) => "-".to_string(),
    }
}

fn tooltip(ui: &mut Ui, exchange: &Exchange) {
    ui.label(RichText::new(&exchange.url).monospace());
    if let Some(initiator) = &exchange.initiator {
        ui.label(format!("initiated by {initiator}"));
    }
    egui::Grid::new("phase_times").num_columns(3).show(ui, |ui| {
        for phase in Phase::ALL {
            let (rect, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
            ui.painter().rect_filled(rect, CornerRadius::same(2), theme::phase_color(phase));
            ui.label(phase.name());
            ui.label(
                exchange.timings.phase(phase).map_or_else(|| "—".to_string(), |s| format!("{:.2} ms", s.millis())),
            );
            ui.end_row();
        }
        ui.label("");
        ui.label(RichText::new("total").strong());
        ui.label(exchange.timings.total().map_or_else(|| "…".to_string(), |s| format!("{:.2} ms", s.millis())));
        ui.end_row();
    });
    if exchange.connect.as_ref().is_some_and(|c| c.reused) {
        ui.label("Reused a kept-alive connection: no DNS, connect or TLS time.");
    }
}
