//! The live class: every peer the telemetry tells of, on a circle (sorted by peer id, so a
//! laptop keeps its place), its connections as thin lines, and the messages this laptop sends
//! and receives drawn as they happen — a coloured dot travelling along the line for a second,
//! one colour per kind of message. On the teacher's laptop, messages between two students are
//! drawn too, replayed from the students' reports a second late. Roles differ by shape: the teacher's node is a square, this
//! laptop has a double outline.

use std::collections::HashMap;

use egui::{Align2, Color32, FontId, Pos2, Sense, Stroke, Ui, vec2};

use crate::model::swarm::SwarmModel;
use crate::swarm::NodeEvent;
use crate::swarm::share::Repair;
use crate::swarm::state::ClassPeer;
use crate::ui::palette::{Hue, node_color};

/// How long a message stays on screen, in seconds.
const FLIGHT: f64 = 1.2;

/// The message kinds and their colours, for the drawing and its legend.
pub const KINDS: [(&str, Hue); 4] =
    [("store", Hue::Orange), ("fetch", Hue::SkyBlue), ("find_node", Hue::BluishGreen), ("repair", Hue::Vermillion)];

fn hue(kind: &str) -> Hue {
    KINDS.iter().find(|(k, _)| *k == kind).map_or(Hue::ReddishPurple, |(_, h)| *h)
}

pub fn show(ui: &mut Ui, model: &SwarmModel) {
    let dark = ui.visuals().dark_mode;
    let text = ui.visuals().text_color();
    let size = (ui.available_size() - vec2(0.0, 28.0)).max(vec2(60.0, 60.0));
    let (rect, _) = ui.allocate_exact_size(size, Sense::hover());
    let painter = ui.painter_at(rect);
    let class: &[ClassPeer] = &model.state.class;
    if class.is_empty() {
        painter.text(
            rect.center(),
            Align2::CENTER_CENTER,
            "Waiting for the class to report…",
            FontId::proportional(16.0),
            text,
        );
        return;
    }
    // Room beside the circle for the labels, which run outward from each node.
    let radius = (rect.width() * 0.5 - 140.0).min(rect.height() * 0.5 - 40.0).max(20.0);
    let positions: HashMap<&str, Pos2> = class
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let angle = std::f32::consts::TAU * i as f32 / class.len() as f32 - std::f32::consts::FRAC_PI_2;
            (c.peer.as_str(), rect.center() + radius * vec2(angle.cos(), angle.sin()))
        })
        .collect();
    let faint = if dark { Color32::from_gray(70) } else { Color32::from_gray(200) };
    for c in class {
        for link in c.links.iter() {
            if let (Some(a), Some(b)) = (positions.get(c.peer.as_str()), positions.get(link.as_str()))
                && c.peer < *link
            {
                painter.line_segment([*a, *b], Stroke::new(1.0, faint));
            }
        }
    }
    // Messages as they happen: from this laptop to a peer or back.
    let me = model.state.peer_id.as_str();
    let now = model.now();
    for seen in &model.recent {
        let age = now - seen.at;
        // (from, to, kind, seconds since it should start moving)
        let flights: Vec<(&str, &str, &str, f64)> = match &seen.event {
            NodeEvent::Message { peer, kind, outgoing, .. } => {
                let (from, to) = if *outgoing { (me, peer.as_str()) } else { (peer.as_str(), me) };
                vec![(from, to, kind.as_str(), age)]
            }
            NodeEvent::Repaired { repairs } => repairs
                .iter()
                .filter_map(|r| match r {
                    Repair::Copied { to, .. } => Some((me, to.as_str(), "repair", age)),
                    Repair::HandedOff { .. } => None,
                })
                .collect(),
            // A student's last second, replayed from when the report arrived, in its order.
            NodeEvent::ClassMessages { from, sent } => {
                let oldest = sent.iter().map(|s| s.ago_ms).max().unwrap_or(0);
                sent.iter()
                    .map(|s| {
                        (from.as_str(), s.to.as_str(), s.kind.as_str(), age - f64::from(oldest - s.ago_ms) / 1000.0)
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        for (from, to, kind, age) in flights {
            if !(0.0..FLIGHT).contains(&age) {
                continue;
            }
            if let (Some(a), Some(b)) = (positions.get(from), positions.get(to)) {
                let color = hue(kind).color(dark);
                painter.line_segment([*a, *b], Stroke::new(2.5, color.gamma_multiply(0.6)));
                let t = (age / FLIGHT) as f32;
                painter.circle_filled(a.lerp(*b, t), 6.0, color);
            }
        }
    }
    let teacher = model.state.teacher.as_deref();
    let node = node_color(dark);
    for c in class {
        let Some(&p) = positions.get(c.peer.as_str()) else { continue };
        // Two periods without news: drawn faded (the period grows with the class).
        let stale = c.age > 2 * model.state.telemetry_every.max(2);
        let fill = if stale { node.gamma_multiply(0.35) } else { node };
        if Some(c.peer.as_str()) == teacher {
            painter.rect_filled(egui::Rect::from_center_size(p, vec2(22.0, 22.0)), 2.0, fill);
        } else {
            painter.circle_filled(p, 11.0, fill);
        }
        if c.peer == me {
            painter.circle_stroke(p, 17.0, Stroke::new(2.0, text));
        }
        let label = format!("{}\n{} in table · {} pieces", c.name, c.table_size, c.pieces);
        let outward = (p - rect.center()).normalized();
        let anchor = if outward.x < -0.3 {
            Align2::RIGHT_CENTER
        } else if outward.x > 0.3 {
            Align2::LEFT_CENTER
        } else if outward.y < 0.0 {
            // Above or below the node, never over it.
            Align2::CENTER_BOTTOM
        } else {
            Align2::CENTER_TOP
        };
        painter.text(p + outward * 20.0, anchor, label, FontId::proportional(12.0), text);
    }
    // The legend: shapes for roles, colours for messages.
    ui.horizontal_wrapped(|ui| {
        ui.label("■ teacher  ● student  ◎ you");
        for (kind, hue) in KINDS {
            ui.colored_label(hue.color(dark), format!("● {}", kind.replace('_', " ")));
        }
    });
}
