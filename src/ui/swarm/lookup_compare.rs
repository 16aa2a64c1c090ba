//! S22 side by side: the class's real Kademlia lookup, round by round, beside the Routing step
//! scene's relay (a message handed from neighbour to neighbour, as Skype once relayed calls)
//! over a ring of as many peers. Both are revealed one step a second, so round i sits beside
//! hop i: in both the next step gets closer to the target using only what one peer knows, but
//! Kademlia's asker asks and goes itself, while the relay hands the message on.

use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, pos2, vec2};

use super::peer_label::peer_label;
use crate::model::swarm::SwarmModel;
use crate::netsim::scenes::overlay::{hop_bound, relay_once};
use crate::swarm::lookup::round_bound;
use crate::swarm::lookup_trace::LookupTrace;
use crate::ui::palette::{Hue, node_color};

/// Seconds between one round (and one hop) and the next.
const STEP_SECONDS: f64 = 1.0;
/// The relay's ring is the class's size, within what a ring drawing can show.
const RELAY_PEERS: std::ops::RangeInclusive<usize> = 4..=200;
/// How many random messages the relay plays to find one that crosses the ring.
const RELAYS_TRIED: u64 = 16;

/// What the comparison remembers between frames: which lookup it is replaying, since when,
/// and the relay played for it (played once, not every frame).
#[derive(Default)]
pub struct Comparison {
    shown: Option<(String, usize, u64)>,
    started: f64,
    relay: Option<Relay>,
}

struct Relay {
    neighbours: Vec<Vec<usize>>,
    path: Vec<usize>,
}

impl Comparison {
    /// Starts the replay again from the first round and hop.
    fn replay(&mut self, now: f64) {
        self.started = now;
    }

    /// Plays the relay for a new lookup (seeded by its target, so one lookup always shows the
    /// same relay), and restarts the replay; `done` counts finished lookups, so running the same
    /// lookup again replays it too.
    fn follow(&mut self, trace: &LookupTrace, class: usize, done: u64, now: f64) {
        let peers = class.clamp(*RELAY_PEERS.start(), *RELAY_PEERS.end());
        let key = (trace.target.clone(), peers, done);
        if self.shown.as_ref() == Some(&key) {
            return;
        }
        let seed =
            trace.target.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
        // A message to a near peer takes one hop and shows nothing: of a few messages, the
        // one that travels furthest (the caption says so).
        self.relay = (0..RELAYS_TRIED)
            .filter_map(|i| relay_once(seed.wrapping_add(i), peers).ok())
            .max_by_key(|(_, path)| path.len())
            .map(|(neighbours, path)| Relay { neighbours, path });
        self.shown = Some(key);
        self.started = now;
    }
}

/// The two drawings side by side, with their captions; shown in place of the class graph
/// while the Lookup tab is open.
pub fn show(ui: &mut Ui, model: &SwarmModel, comparison: &mut Comparison) {
    let Some(trace) = &model.lookup else {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            ui.label("Run a lookup (on the right) to see it drawn round by round, beside the step scene's relay.");
        });
        return;
    };
    let now = ui.input(|i| i.time);
    let class = model.state.class.len().max(2);
    comparison.follow(trace, class, model.lookups_done, now);
    let step = ((now - comparison.started) / STEP_SECONDS).max(0.0) as usize;
    let hops = comparison.relay.as_ref().map_or(0, |r| r.path.len().saturating_sub(1));
    if step <= trace.rounds.len().max(hops) {
        ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
    }
    ui.horizontal(|ui| {
        ui.label(RichText::new("Hop by hop (S22): a real lookup beside the step scene's relay").strong());
        if ui.button("Replay").on_hover_text("Show the rounds and hops again, one a second").clicked() {
            comparison.replay(now);
        }
    });
    let dark = ui.visuals().dark_mode;
    // Room below for the legends and the caption, which wrap in a narrow window.
    let height = (ui.available_height() - 160.0).max(160.0);
    ui.columns(2, |columns| {
        let left = &mut columns[0];
        left.label(format!(
            "Kademlia lookup in this class: {} round{} for {class} peers (at most ⌈log2 N⌉ + 2 = {})",
            trace.rounds.len(),
            if trace.rounds.len() == 1 { "" } else { "s" },
            round_bound(class),
        ));
        let (rect, _) = left.allocate_exact_size(vec2(left.available_width(), height), Sense::hover());
        paint_lookup(left, rect, model, trace, step, dark);
        left.label(RichText::new("● asked and answered   ○ asked, no answer   ◯ closest known after the round").weak());

        let right = &mut columns[1];
        match &comparison.relay {
            Some(relay) => {
                let peers = relay.neighbours.len();
                right.label(format!(
                    "The Routing step scene's relay, {peers} peers: {hops} hop{} (at most ⌈log2 N⌉ = {}; the \
                     longest of {RELAYS_TRIED} random messages)",
                    if hops == 1 { "" } else { "s" },
                    hop_bound(peers)
                ));
                let (rect, _) = right.allocate_exact_size(vec2(right.available_width(), height), Sense::hover());
                paint_relay(right, rect, relay, step, dark);
                right.label(
                    RichText::new(
                        "Grey lines: each peer's neighbours, the next peers and those 4, 8, 16 … places ahead",
                    )
                    .weak(),
                );
            }
            None => {
                right.label("The relay could not be played for this class size.");
            }
        }
    });
    ui.label(
        RichText::new(
            "Both close in using only one peer's knowledge at each step. In Kademlia this laptop asks, and \
             each answer names peers closer in XOR distance; it then contacts the closest itself. In the \
             relay the message itself is handed on, each peer choosing its neighbour nearest the destination.",
        )
        .weak(),
    );
}

/// The lookup as a staircase: one row per round, each asked peer a dot at its XOR distance to
/// the target (⌊log2⌋, farther left), filled if it answered; the best known distance after each
/// round is joined round to round, stepping towards the target at the right.
fn paint_lookup(ui: &Ui, rect: Rect, model: &SwarmModel, trace: &LookupTrace, step: usize, dark: bool) {
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    let faint = ui.visuals().weak_text_color();
    let color = Hue::BluishGreen.color(dark);
    let distances = trace.rounds.iter().flat_map(|r| r.asked.iter().map(|a| a.distance).chain([r.best]));
    let (Some(far), Some(near)) = (distances.clone().max(), distances.min()) else {
        painter.text(rect.center(), Align2::CENTER_CENTER, "No peer was asked.", FontId::proportional(14.0), text);
        return;
    };
    // The target sits one step right of the nearest distance shown.
    let span = (far - near + 1) as f32;
    let (left, right) = (rect.left() + 44.0, rect.right() - 24.0);
    let x = |d: u32| left + (far - d) as f32 / span * (right - left);
    let row_height = ((rect.height() - 48.0) / trace.rounds.len().max(1) as f32).min(110.0);
    // The rounds sit in the middle of the drawing's height.
    let top = rect.top() + 24.0 + ((rect.height() - 48.0) - row_height * trace.rounds.len() as f32).max(0.0) / 2.0;
    let y = |round: usize| top + (round as f32 + 0.5) * row_height;

    // The distance axis and the target.
    painter.text(pos2(rect.left() + 4.0, top - 20.0), Align2::LEFT_BOTTOM, "round", FontId::proportional(11.0), faint);
    painter.text(
        pos2((left + right) / 2.0, top - 20.0),
        Align2::CENTER_BOTTOM,
        "XOR distance to the target →",
        FontId::proportional(11.0),
        faint,
    );
    // The distance scale under the rows: the farthest and the nearest distance asked.
    let bottom = top + row_height * trace.rounds.len() as f32 + 4.0;
    let scale = if far == near { vec![far] } else { vec![far, near] };
    for d in scale {
        painter.text(pos2(x(d), bottom), Align2::CENTER_TOP, format!("2^{d}"), FontId::proportional(11.0), faint);
    }
    let target_x = x(near) + (right - left) / span;
    painter.line_segment(
        [pos2(target_x, top), pos2(target_x, top + row_height * trace.rounds.len() as f32)],
        Stroke::new(2.0, text),
    );
    painter.text(pos2(target_x, top - 20.0), Align2::CENTER_BOTTOM, "target", FontId::proportional(12.0), text);

    let mut previous_best: Option<Pos2> = None;
    for (i, round) in trace.rounds.iter().enumerate().take(step + 1) {
        let row = y(i);
        painter.text(
            pos2(rect.left() + 8.0, row),
            Align2::LEFT_CENTER,
            format!("{}", i + 1),
            FontId::monospace(12.0),
            faint,
        );
        painter.line_segment([pos2(left, row), pos2(right, row)], Stroke::new(1.0, faint.gamma_multiply(0.3)));
        // Peers at the same distance sit side by side, not on top of each other.
        let mut seen_at: Vec<u32> = Vec::new();
        for asked in &round.asked {
            let twins = seen_at.iter().filter(|&&d| d == asked.distance).count();
            seen_at.push(asked.distance);
            // Labels alternate above and below, so neighbours at one distance keep apart.
            let p = pos2(x(asked.distance) + twins as f32 * 30.0, row);
            if asked.answered.is_some() {
                painter.circle_filled(p, 6.0, color);
            } else {
                painter.circle_stroke(p, 6.0, Stroke::new(2.0, color));
            }
            // The name without the id's tail (the list on the right has both).
            let name = peer_label(model, &asked.peer);
            let short: String = name.split(" …").next().unwrap_or_default().chars().take(10).collect();
            let below = if twins % 2 == 0 { 9.0 } else { -9.0 };
            let anchor = if below > 0.0 { Align2::CENTER_TOP } else { Align2::CENTER_BOTTOM };
            painter.text(p + vec2(0.0, below), anchor, short, FontId::proportional(10.0), faint);
        }
        let best = pos2(x(round.best), row);
        painter.circle_stroke(best, 10.0, Stroke::new(2.0, text));
        if let Some(from) = previous_best {
            arrow(&painter, from, best, 10.0, Stroke::new(2.0, text));
        }
        previous_best = Some(best);
    }
}

/// The relay on a ring: every peer a small circle, the neighbour links faint, and the path so
/// far as arrows numbered hop by hop, from the sender (filled) to the destination (outlined).
fn paint_relay(ui: &Ui, rect: Rect, relay: &Relay, step: usize, dark: bool) {
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    let faint = if dark { Color32::from_gray(70) } else { Color32::from_gray(205) };
    let color = Hue::Orange.color(dark);
    let peers = relay.neighbours.len();
    // Room outside the ring for the "from" and "to" labels.
    let radius = (rect.width().min(rect.height()) * 0.5 - 44.0).max(20.0);
    let at = |i: usize| {
        let angle = std::f32::consts::TAU * i as f32 / peers as f32 - std::f32::consts::FRAC_PI_2;
        rect.center() + radius * vec2(angle.cos(), angle.sin())
    };
    // Every neighbour link of a small ring; of a large one only the path's peers' links, which
    // are the choices each hop had.
    let linked: Vec<usize> = if peers <= 40 { (0..peers).collect() } else { relay.path.clone() };
    for &a in &linked {
        for &b in &relay.neighbours[a] {
            painter.line_segment([at(a), at(b)], Stroke::new(1.0, faint));
        }
    }
    let dot = (radius * std::f32::consts::PI / peers as f32).clamp(2.0, 7.0);
    let node = node_color(dark);
    for i in 0..peers {
        painter.circle_stroke(at(i), dot, Stroke::new(1.5, node));
    }
    let (Some(&from), Some(&to)) = (relay.path.first(), relay.path.last()) else { return };
    painter.circle_filled(at(from), dot + 3.0, node);
    painter.circle_stroke(at(to), dot + 5.0, Stroke::new(2.0, text));
    for (label, peer) in [("from", from), ("to", to)] {
        let outward = (at(peer) - rect.center()).normalized();
        painter.text(at(peer) + outward * 18.0, Align2::CENTER_CENTER, label, FontId::proportional(12.0), text);
    }
    for (hop, pair) in relay.path.windows(2).enumerate().take(step + 1) {
        let (a, b) = (at(pair[0]), at(pair[1]));
        arrow(&painter, a, b, dot + 4.0, Stroke::new(3.0, color));
        let middle = a.lerp(b, 0.5);
        painter.circle_filled(middle, 9.0, color);
        painter.text(middle, Align2::CENTER_CENTER, format!("{}", hop + 1), FontId::monospace(11.0), Color32::BLACK);
    }
}

/// An arrow from `a` to `b` that stops `gap` short of each end, with a head of fixed size (egui's
/// own grows with the arrow's length).
fn arrow(painter: &egui::Painter, a: Pos2, b: Pos2, gap: f32, stroke: Stroke) {
    let along = b - a;
    if along.length() <= 2.0 * gap {
        return;
    }
    let direction = along.normalized();
    let (start, tip) = (a + direction * gap, b - direction * gap);
    painter.line_segment([start, tip], stroke);
    let back = -direction * 9.0;
    let side = direction.rot90() * 5.0;
    painter.add(egui::Shape::convex_polygon(
        vec![tip, tip + back + side, tip + back - side],
        stroke.color,
        Stroke::NONE,
    ));
}
