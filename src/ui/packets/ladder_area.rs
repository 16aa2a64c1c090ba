//! The ladder with its interactions — zoom, pan, click to inspect, right-click to change a
//! packet's fate — its legend, and its Export menu.

use egui::{RichText, Sense, Ui};

use super::ladder::{self, Geometry, LadderInput, TimeWindow};
use crate::export::{self, ExportFile, ExportKind, ExportRequest, file_stem};
use crate::sim::OverrideAction;
use crate::trace::Trace;
use crate::ui::theme;
use crate::ui::widgets::sketch::Sketch;

pub struct LadderArea<'a> {
    pub trace: &'a Trace,
    pub order: &'a [u32],
    pub max_flight_us: u64,
    pub lanes: [String; 2],
    pub window: &'a mut TimeWindow,
    pub selected: Option<u32>,
    pub relative: bool,
    pub playhead_us: Option<u64>,
    pub gaps: &'a [crate::trace::gaps::Gap],
}

/// What happened in the ladder area this frame.
#[derive(Default)]
pub struct LadderOutcome {
    pub clicked: Option<u32>,
    /// A right-click override: packet number and what to do with it.
    pub action: Option<(u32, OverrideAction)>,
    pub export: Option<ExportRequest>,
}

/// The ladder with its interactions and its legend (with the Export menu).
pub fn ladder_area(ui: &mut Ui, area: LadderArea<'_>, simulated: bool) -> LadderOutcome {
    let legend_texts: Vec<String> = theme::packet_legend().iter().map(|(name, _, _)| format!("━ {name}")).collect();
    let legend_height = crate::ui::widgets::legend::height(ui, &legend_texts, 0.0);
    let size = ui.available_size() - egui::vec2(0.0, legend_height);
    let (rect, response) = ui.allocate_exact_size(size.max(egui::vec2(200.0, 120.0)), Sense::click_and_drag());
    let geometry = Geometry::new(rect, *area.window);
    // Scroll pans in time; Ctrl + scroll (or pinch) zooms around the pointer.
    if response.hovered() {
        let (scroll, zoom, pointer) = ui.input(|i| (i.smooth_scroll_delta.y, i.zoom_delta(), i.pointer.hover_pos()));
        if zoom != 1.0 {
            let anchor = pointer.map_or(area.window.start_us + area.window.span_us / 2.0, |p| geometry.t_at(p.y));
            area.window.zoom(1.0 / f64::from(zoom), anchor);
        } else if scroll != 0.0 {
            area.window.start_us -= f64::from(scroll / geometry.height()) * area.window.span_us;
        }
    }
    if response.dragged() {
        area.window.start_us -= f64::from(response.drag_delta().y / geometry.height()) * area.window.span_us;
    }
    let input = LadderInput {
        trace: area.trace,
        order: area.order,
        max_flight_us: area.max_flight_us,
        lanes: area.lanes,
        window: *area.window,
        playhead_us: area.playhead_us,
        selected: area.selected,
        relative: area.relative,
        dark: ui.visuals().dark_mode,
        gaps: area.gaps,
    };
    let painter = ui.painter_at(rect);
    let mut sketch = Sketch::new(&painter);
    let hits = ladder::paint(&mut sketch, &geometry, &input, response.hover_pos());
    let mut clicked = None;
    if let Some(hovered) = hits.hovered {
        let p = &area.trace.packets[hovered as usize];
        let truth = crate::trace::truth::disagreement(area.trace, hovered as usize)
            .map_or_else(String::new, |t| format!(" (simulator's truth: {t})"));
        response.clone().on_hover_text(format!(
            "#{} {}{truth} — click to inspect{}",
            p.number,
            p.label_text(),
            if simulated { ", right-click to change its fate" } else { "" }
        ));
        if response.clicked() {
            clicked = Some(hovered);
        }
    }
    let menu_id = ui.scope_id().with("ladder-menu-packet");
    if response.secondary_clicked() {
        ui.memory_mut(|m| m.data.insert_temp(menu_id, hits.hovered));
    }
    let mut action = None;
    if simulated {
        response.context_menu(|ui| {
            let Some(Some(index)) = ui.memory(|m| m.data.get_temp::<Option<u32>>(menu_id)) else {
                ui.label("Right-click a packet to change its fate.");
                return;
            };
            let number = area.trace.packets[index as usize].number;
            ui.label(RichText::new(format!("Packet #{number}")).strong());
            if ui.button("Drop it").clicked() {
                action = Some((number, OverrideAction::Drop));
                ui.close();
            }
            if ui.button("Delay it by 50 ms").clicked() {
                action = Some((number, OverrideAction::DelayUs(50_000)));
                ui.close();
            }
            if ui.button("Duplicate it").clicked() {
                action = Some((number, OverrideAction::Duplicate));
                ui.close();
            }
        });
    }
    let mut export = None;
    ui.horizontal_wrapped(|ui| {
        let dark = ui.visuals().dark_mode;
        for (name, kind, fate) in theme::packet_legend() {
            ui.colored_label(theme::packet_color(kind, fate, dark), format!("━ {name}"));
        }
        if hits.dense {
            ui.label(RichText::new("(dense: zoom in)").weak());
        }
        ui.separator();
        export = export_menu(ui, &sketch, rect, &input, &hits.shown);
    });
    // Painted after the menu so an export holds exactly this frame's drawing.
    sketch.paint();
    LadderOutcome { clicked, action, export }
}

/// The ladder's Export menu: SVG and Mermaid of what is shown (range, playhead, selection), to a
/// file or the clipboard, and the window as PNG.
fn export_menu(
    ui: &mut Ui,
    sketch: &Sketch<'_>,
    rect: egui::Rect,
    input: &LadderInput<'_>,
    shown: &[u32],
) -> Option<ExportRequest> {
    let mut request = None;
    let name = file_stem(&input.trace.sim.as_ref().map_or_else(|| "capture".to_string(), |r| r.scene.clone()));
    let mermaid = || export::mermaid::ladder_diagram(input.trace, &input.lanes, shown, input.relative);
    ui.menu_button("Export ▾", |ui| {
        if ui
            .button("Ladder as SVG…")
            .on_hover_text("The ladder exactly as shown, as a vector picture for slides")
            .clicked()
        {
            let background = ui.visuals().panel_fill;
            let svg = export::svg::document(&sketch.shapes, rect, background);
            request = Some(ExportRequest::File(ExportFile {
                kind: ExportKind::LadderSvg,
                name: format!("{name}-ladder.svg"),
                bytes: svg.into_bytes(),
            }));
            ui.close();
        }
        if ui.button("Ladder as Mermaid…").on_hover_text("A sequenceDiagram: one arrow per packet shown").clicked() {
            request = Some(ExportRequest::File(ExportFile {
                kind: ExportKind::LadderMermaid,
                name: format!("{name}-ladder.mmd"),
                bytes: mermaid().into_bytes(),
            }));
            ui.close();
        }
        if ui
            .button("Copy ladder as Mermaid")
            .on_hover_text("Paste it into Markdown between ```mermaid fences")
            .clicked()
        {
            ui.ctx().copy_text(mermaid());
            ui.close();
        }
        ui.separator();
        if ui.button("Window as PNG…").clicked() {
            request = Some(ExportRequest::Screenshot);
            ui.close();
        }
    });
    request
}
