//! The ladder diagram: one vertical lane per endpoint, time running down, each packet an arrow
//! from its send time to its arrival. Only what is visible is laid out and drawn; when packets
//! are denser than the pixels, each pixel row shows how many there are instead.

use egui::{Align2, Color32, FontId, Pos2, Rect, Shape, Stroke, pos2, vec2};

use crate::sim::Fate;
use crate::trace::gaps::Gap;
use crate::trace::ladder_text::{format_time, label};
use crate::trace::{PacketFate, Trace};
use crate::ui::theme;
use crate::ui::widgets::sketch::Sketch;

/// The visible stretch of time, in microseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeWindow {
    pub start_us: f64,
    pub span_us: f64,
}

impl TimeWindow {
    pub fn fit(end_us: u64) -> Self {
        Self { start_us: 0.0, span_us: (end_us as f64 * 1.04).max(1000.0) }
    }

    /// Zooms by `factor` (< 1 zooms in) keeping `anchor_us` where it is on screen.
    pub fn zoom(&mut self, factor: f64, anchor_us: f64) {
        let span = (self.span_us * factor).clamp(10.0, 1e12);
        self.start_us = anchor_us - (anchor_us - self.start_us) * span / self.span_us;
        self.span_us = span;
    }

    /// Moves so that `t_us` is visible, if it is not.
    pub fn reveal(&mut self, t_us: f64) {
        if t_us < self.start_us || t_us > self.start_us + self.span_us {
            self.start_us = t_us - self.span_us * 0.3;
        }
    }
}

/// How a conversation's ladder starts out: the whole run in view (from just before the first
/// packet), and the longest time any packet spent in flight. `order` is in send order.
pub fn whole_run(trace: &Trace, order: &[u32], end_us: u64) -> (TimeWindow, u64) {
    let max_flight_us = order
        .iter()
        .map(|&i| {
            let p = &trace.packets[i as usize];
            p.arrival_or_send() - p.t_us
        })
        .max()
        .unwrap_or(0);
    let mut window = TimeWindow::fit(end_us);
    if let Some(&first) = order.first() {
        window.start_us = trace.packets[first as usize].t_us as f64 - window.span_us * 0.02;
    }
    (window, max_flight_us)
}

/// What the ladder needs to draw one conversation.
pub struct LadderInput<'a> {
    pub trace: &'a Trace,
    /// The conversation's packets, indices into `trace.packets`, in send order.
    pub order: &'a [u32],
    /// The longest time any packet spent in flight, so arrows that started above the window
    /// but end inside it are found.
    pub max_flight_us: u64,
    pub lanes: [String; 2],
    pub window: TimeWindow,
    /// Packets sent after this are not drawn yet; None before playback starts.
    pub playhead_us: Option<u64>,
    pub selected: Option<u32>,
    pub relative: bool,
    pub dark: bool,
    /// Holes in the byte stream ("previous segment not captured") and what fills them.
    pub gaps: &'a [Gap],
}

/// What the pointer is over, for selection and the context menu.
#[derive(Default, Debug)]
pub struct LadderHits {
    pub hovered: Option<u32>,
    pub drawn: usize,
    pub dense: bool,
    /// The packets in the shown stretch of time that have been sent, in send order: one arrow
    /// each (in a dense stretch, counted in the density lines instead).
    pub shown: Vec<u32>,
}

const HEADER: f32 = 40.0;
const AXIS: f32 = 64.0;
const STATE_ROOM: f32 = 110.0;

pub struct Geometry {
    pub rect: Rect,
    pub lane_x: [f32; 2],
    pub top: f32,
    pub window: TimeWindow,
}

impl Geometry {
    pub fn new(rect: Rect, window: TimeWindow) -> Self {
        let left = rect.left() + AXIS + STATE_ROOM;
        let right = (rect.right() - STATE_ROOM).max(left + 80.0);
        Self { rect, lane_x: [left, right], top: rect.top() + HEADER, window }
    }

    pub fn height(&self) -> f32 {
        (self.rect.bottom() - self.top).max(1.0)
    }

    pub fn y(&self, t_us: f64) -> f32 {
        self.top + ((t_us - self.window.start_us) / self.window.span_us) as f32 * self.height()
    }

    pub fn t_at(&self, y: f32) -> f64 {
        self.window.start_us + f64::from((y - self.top) / self.height()) * self.window.span_us
    }
}

fn distance_to_segment(p: Pos2, a: Pos2, b: Pos2) -> f32 {
    let ab = b - a;
    let t = if ab.length_sq() == 0.0 { 0.0 } else { ((p - a).dot(ab) / ab.length_sq()).clamp(0.0, 1.0) };
    p.distance(a + ab * t)
}

/// Draws the ladder into `sketch` within `geometry.rect`; `pointer` is for hovering.
pub fn paint(
    sketch: &mut Sketch<'_>,
    geometry: &Geometry,
    input: &LadderInput<'_>,
    pointer: Option<Pos2>,
) -> LadderHits {
    let mut hits = LadderHits::default();
    let started = input.playhead_us.is_some();
    let playhead_us = input.playhead_us.unwrap_or(0);
    let dark = input.dark;
    let text = if dark { Color32::from_gray(220) } else { Color32::from_gray(30) };
    let weak = if dark { Color32::from_gray(120) } else { Color32::from_gray(150) };
    let g = geometry;
    let font = FontId::proportional(12.0);
    let small = FontId::proportional(10.5);
    let mono = FontId::monospace(11.0);

    // Lanes and their headers.
    for (lane, x) in g.lane_x.iter().enumerate() {
        sketch.line([pos2(*x, g.top), pos2(*x, g.rect.bottom())], Stroke::new(2.0, weak));
        sketch.text(
            pos2(*x, g.rect.top() + 4.0),
            Align2::CENTER_TOP,
            &input.lanes[lane],
            FontId::monospace(12.5),
            text,
        );
    }
    time_axis(sketch, g, weak);

    // TCP states along the lanes (simulator only).
    for state in input.trace.states.iter().filter(|s| s.t_us <= playhead_us) {
        let y = g.y(state.t_us as f64);
        if y < g.top - 20.0 || y > g.rect.bottom() {
            continue;
        }
        let (x, align) = if state.lane == 0 {
            (g.lane_x[0] - 8.0, Align2::RIGHT_CENTER)
        } else {
            (g.lane_x[1] + 8.0, Align2::LEFT_CENTER)
        };
        sketch.circle_filled(pos2(g.lane_x[state.lane], y), 3.5, text);
        sketch.text(pos2(x, y), align, &state.state, mono.clone(), text);
    }

    let start = g.window.start_us - input.max_flight_us as f64;
    let end = g.window.start_us + g.window.span_us;
    let packets = &input.trace.packets;
    let first = input.order.partition_point(|&i| (packets[i as usize].t_us as f64) < start);
    let last = input.order.partition_point(|&i| (packets[i as usize].t_us as f64) <= end);
    let visible = &input.order[first..last.max(first)];
    let rows = (g.height() / 3.0).max(1.0) as usize;

    if visible.len() > rows {
        // The packets the density lines stand for: sent by the playhead, in the stretch shown.
        hits.shown = visible
            .iter()
            .copied()
            .filter(|&i| {
                let p = &packets[i as usize];
                let end_us = p.arrive_us.or(p.lost_us).unwrap_or(p.t_us).min(playhead_us);
                started && p.t_us <= playhead_us && (end_us as f64) >= g.window.start_us
            })
            .collect();
        // Denser than the pixels: one line per pixel row, its strength the number of packets.
        hits.dense = true;
        let row_us = g.window.span_us / rows as f64;
        let counts: Vec<usize> = (0..rows)
            .map(|r| {
                let a = g.window.start_us + r as f64 * row_us;
                let b = if started { (a + row_us).min(playhead_us as f64 + 1.0) } else { a };
                let lo = input.order.partition_point(|&i| (packets[i as usize].t_us as f64) < a);
                let hi = input.order.partition_point(|&i| (packets[i as usize].t_us as f64) < b);
                hi.saturating_sub(lo)
            })
            .collect();
        let peak = counts.iter().copied().max().unwrap_or(1).max(1) as f32;
        let data = theme::packet_color(crate::packet::LabelKind::Data, PacketFate::Captured, dark);
        for (r, &count) in counts.iter().enumerate().filter(|(_, c)| **c > 0) {
            let y = g.top + (r as f32 + 0.5) * 3.0;
            let alpha = (0.25 + 0.75 * count as f32 / peak).min(1.0);
            sketch.line([pos2(g.lane_x[0], y), pos2(g.lane_x[1], y)], Stroke::new(2.0, data.gamma_multiply(alpha)));
        }
        sketch.text(
            pos2((g.lane_x[0] + g.lane_x[1]) / 2.0, g.top + 4.0),
            Align2::CENTER_TOP,
            format!("{} packets here — zoom in (Ctrl + scroll) to see each one", visible.len()),
            font.clone(),
            text,
        );
        hits.drawn = counts.iter().filter(|c| **c > 0).count();
        return hits;
    }

    let show_labels = visible.len() as f32 <= g.height() / 14.0;
    let mut best: Option<(f32, u32)> = None;
    let mut shapes = Vec::with_capacity(visible.len() * 3);
    for &index in visible {
        let p = &packets[index as usize];
        if !started || p.t_us > playhead_us {
            continue;
        }
        let (from, to) = if p.forward { (0, 1) } else { (1, 0) };
        let end_us = p.arrive_us.or(p.lost_us).unwrap_or(p.t_us);
        let shown_end = end_us.min(playhead_us);
        let fraction = if end_us == p.t_us { 1.0 } else { (shown_end - p.t_us) as f32 / (end_us - p.t_us) as f32 };
        let lost = p.fate == PacketFate::Sim(Fate::Lost);
        // A lost packet's line runs only part of the way across.
        let reach = if lost { 0.5 } else { 1.0 };
        let a = pos2(g.lane_x[from], g.y(p.t_us as f64));
        let full_b = pos2(g.lane_x[from] + (g.lane_x[to] - g.lane_x[from]) * reach, g.y(end_us as f64));
        let b = a + (full_b - a) * fraction;
        if a.y > g.rect.bottom() + 10.0 && b.y > g.rect.bottom() + 10.0 || a.y < g.top - 10.0 && b.y < g.top - 10.0 {
            continue;
        }
        hits.drawn += 1;
        hits.shown.push(index);
        let selected = input.selected == Some(index);
        let color = theme::packet_color(p.analysis.kind, p.fate, dark);
        let width = if selected { 3.5 } else { 1.6 };
        let stroke = Stroke::new(width, color);
        if matches!(p.fate, PacketFate::Sim(Fate::Duplicate | Fate::Reordered)) {
            shapes.extend(Shape::dashed_line(&[a, b], stroke, 6.0, 4.0));
        } else {
            shapes.push(Shape::line_segment([a, b], stroke));
        }
        if fraction >= 1.0 {
            if lost {
                let s = 6.0;
                let cross = Stroke::new(2.5, color);
                shapes.push(Shape::line_segment([b + vec2(-s, -s), b + vec2(s, s)], cross));
                shapes.push(Shape::line_segment([b + vec2(-s, s), b + vec2(s, -s)], cross));
            } else {
                let dir = (b - a).normalized();
                let normal = vec2(-dir.y, dir.x);
                let head = [b, b - dir * 9.0 + normal * 4.5, b - dir * 9.0 - normal * 4.5];
                shapes.push(Shape::convex_polygon(head.to_vec(), color, Stroke::NONE));
            }
        } else {
            // In flight: a dot where the packet is now.
            shapes.push(Shape::circle_filled(b, 4.5, color));
        }
        if selected {
            shapes.push(Shape::circle_stroke(a, 6.0, Stroke::new(2.0, text)));
        }
        if let Some(pointer) = pointer {
            let d = distance_to_segment(pointer, a, b);
            if d < 8.0 && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, index));
            }
        }
        if show_labels {
            let mid = a + (b - a) * 0.5;
            let text_color = if selected { text } else { color };
            let truth = crate::trace::truth::disagreement(input.trace, index as usize)
                .map_or_else(String::new, |t| format!(" · truth: {t}"));
            let galley = sketch.layout_no_wrap(
                format!("#{} {}{truth}", p.number, label(p, input.relative)),
                small.clone(),
                text_color,
            );
            let at = Align2::CENTER_BOTTOM.anchor_size(mid + vec2(0.0, -2.0), galley.size()).min;
            shapes.push(Shape::galley(at, galley, text_color));
        }
    }
    sketch.shapes.extend(shapes);
    hits.hovered = best.map(|(_, i)| i);
    paint_gaps(sketch, g, input, playhead_us, show_labels);

    // The playhead.
    let y = g.y(playhead_us as f64);
    if started && y >= g.top && y <= g.rect.bottom() {
        let color = theme::marker_color(dark);
        sketch.line([pos2(g.rect.left() + AXIS, y), pos2(g.rect.right(), y)], Stroke::new(1.0, color));
        sketch.text(
            pos2(g.rect.right() - 4.0, y - 2.0),
            Align2::RIGHT_BOTTOM,
            format_time(playhead_us as f64),
            font,
            color,
        );
    }
    hits
}

/// Each hole in the byte stream: a bracket beside the receiving lane where the segment after it
/// was seen, and, once the fill has been seen, a dashed line down to the segment that fills it.
fn paint_gaps(sketch: &mut Sketch<'_>, g: &Geometry, input: &LadderInput<'_>, playhead_us: u64, labels: bool) {
    let color = theme::packet_color(crate::packet::LabelKind::LostSegment, PacketFate::Captured, input.dark);
    let font = FontId::proportional(10.5);
    let conversation = input.order.first().map(|&i| input.trace.packets[i as usize].conversation);
    for gap in input.gaps {
        let hole = &input.trace.packets[gap.after_hole as usize];
        if Some(hole.conversation) != conversation || hole.t_us > playhead_us {
            continue;
        }
        let to = usize::from(hole.forward);
        let outward = if to == 1 { 1.0 } else { -1.0 };
        let x = g.lane_x[to] + outward * 10.0;
        let y = g.y(hole.arrival_or_send() as f64);
        let fill = gap.filled_by.map(|i| &input.trace.packets[i as usize]).filter(|f| f.t_us <= playhead_us);
        let y_end = fill.map_or(y, |f| g.y(f.arrival_or_send() as f64));
        if y_end < g.top || y > g.rect.bottom() {
            continue;
        }
        let stroke = Stroke::new(2.0, color);
        // A bracket: the hole sits just before this segment.
        sketch.line([pos2(x, y - 8.0), pos2(x + outward * 6.0, y - 8.0)], stroke);
        sketch.line([pos2(x, y - 8.0), pos2(x, y)], stroke);
        sketch.line([pos2(x, y), pos2(x + outward * 6.0, y)], stroke);
        let align = if to == 1 { Align2::LEFT_CENTER } else { Align2::RIGHT_CENTER };
        if labels {
            sketch.text(
                pos2(x + outward * 9.0, y - 4.0),
                align,
                format!("gap: {} B not captured", gap.missing),
                font.clone(),
                color,
            );
        }
        if let Some(fill) = fill {
            let fill_x = x + outward * 3.0;
            sketch.shapes.extend(Shape::dashed_line(
                &[pos2(fill_x, y), pos2(fill_x, y_end)],
                Stroke::new(1.2, color),
                4.0,
                3.0,
            ));
            sketch.circle_filled(pos2(fill_x, y_end), 3.0, color);
            if labels {
                sketch.text(
                    pos2(x + outward * 9.0, y_end),
                    align,
                    format!("#{} fills the gap", fill.number),
                    font.clone(),
                    color,
                );
            }
        }
    }
}

fn time_axis(sketch: &mut Sketch<'_>, g: &Geometry, color: Color32) {
    let target = g.window.span_us / 8.0;
    let step = [1.0, 2.0, 5.0]
        .iter()
        .flat_map(|m| (0..13).map(move |e| m * 10f64.powi(e)))
        .find(|s| *s >= target)
        .unwrap_or(1e12);
    let mut t = (g.window.start_us / step).ceil() * step;
    while t <= g.window.start_us + g.window.span_us {
        let y = g.y(t);
        sketch.line([pos2(g.rect.left() + AXIS - 6.0, y), pos2(g.rect.left() + AXIS, y)], Stroke::new(1.0, color));
        sketch.text(
            pos2(g.rect.left() + AXIS - 8.0, y),
            Align2::RIGHT_CENTER,
            format_time(t),
            FontId::proportional(10.0),
            color,
        );
        t += step;
    }
}
