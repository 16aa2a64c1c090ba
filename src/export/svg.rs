//! egui shapes as an SVG document. The ladder and the graph draw into a `Sketch`; the same shapes
//! that go to the screen come here, so the file shows exactly what the window showed — the same
//! positions, colours, dashes and text. Text is written as text (editable on a slide), each row
//! stretched to the width egui laid it out at, so a different font on the reader's machine still
//! lines up.

use std::fmt::Write;

use egui::epaint::{CircleShape, ColorMode, PathShape, RectShape, TextShape};
use egui::{Color32, FontFamily, Pos2, Rect, Shape, Stroke};

/// An SVG document of `shapes`, cut to `area` (whose top-left corner becomes 0,0), on `background`.
pub fn document(shapes: &[Shape], area: Rect, background: Color32) -> String {
    let mut out = String::new();
    let (w, h) = (area.width().max(1.0), area.height().max(1.0));
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="0 0 {w:.1} {h:.1}">"#
    );
    let _ = writeln!(out, r#"<defs><clipPath id="area"><rect width="{w:.1}" height="{h:.1}"/></clipPath></defs>"#);
    let _ = writeln!(out, r#"<rect width="100%" height="100%"{}/>"#, fill(background));
    let _ = writeln!(
        out,
        r#"<g clip-path="url(#area)" transform="translate({:.2} {:.2})" stroke-linecap="round">"#,
        -area.min.x, -area.min.y
    );
    let mut writer = Writer { out };
    for shape in shapes {
        writer.shape(shape);
    }
    let mut out = writer.out;
    out.push_str("</g>\n</svg>\n");
    out
}

struct Writer {
    out: String,
}

impl Writer {
    fn shape(&mut self, shape: &Shape) {
        match shape {
            Shape::Vec(shapes) => shapes.iter().for_each(|s| self.shape(s)),
            Shape::LineSegment { points, stroke } => self.line(points, *stroke),
            Shape::Circle(circle) => self.circle(circle),
            Shape::Path(path) => self.path(path),
            Shape::Rect(rect) => self.rect(rect),
            Shape::Text(text) => self.text(text),
            // The ladder and the graph draw none of these.
            _ => {}
        }
    }

    fn line(&mut self, [a, b]: &[Pos2; 2], stroke: Stroke) {
        if stroke.width <= 0.0 || stroke.color == Color32::TRANSPARENT {
            return;
        }
        let _ = writeln!(
            self.out,
            r#"<line x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}"{}/>"#,
            a.x,
            a.y,
            b.x,
            b.y,
            stroke_attributes(stroke)
        );
    }

    fn circle(&mut self, c: &CircleShape) {
        let _ = writeln!(
            self.out,
            r#"<circle cx="{:.2}" cy="{:.2}" r="{:.2}"{}{}/>"#,
            c.center.x,
            c.center.y,
            c.radius,
            fill(c.fill),
            stroke_attributes(c.stroke)
        );
    }

    fn path(&mut self, p: &PathShape) {
        if p.points.is_empty() {
            return;
        }
        let points: Vec<String> = p.points.iter().map(|q| format!("{:.2},{:.2}", q.x, q.y)).collect();
        let element = if p.closed { "polygon" } else { "polyline" };
        let stroke = match &p.stroke.color {
            ColorMode::Solid(color) => stroke_attributes(Stroke::new(p.stroke.width, *color)),
            ColorMode::UV(_) => String::new(),
        };
        let fill = if p.closed { fill(p.fill) } else { r#" fill="none""#.to_string() };
        let _ = writeln!(self.out, r#"<{element} points="{}"{fill}{stroke}/>"#, points.join(" "));
    }

    fn rect(&mut self, r: &RectShape) {
        let radius = f32::from(r.corner_radius.nw);
        let _ = writeln!(
            self.out,
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" rx="{radius:.1}"{}{}/>"#,
            r.rect.min.x,
            r.rect.min.y,
            r.rect.width(),
            r.rect.height(),
            fill(r.fill),
            stroke_attributes(r.stroke)
        );
    }

    fn text(&mut self, t: &TextShape) {
        let galley = &t.galley;
        let Some(format) = galley.job.sections.first().map(|s| &s.format) else { return };
        let color = t.override_text_color.unwrap_or(if format.color == Color32::PLACEHOLDER {
            t.fallback_color
        } else {
            format.color
        });
        // egui's own fonts first (Ubuntu, Hack), then common look-alikes, then the generic one.
        let family = match format.font_id.family {
            FontFamily::Monospace => "Hack, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
            _ => "Ubuntu, 'DejaVu Sans', 'Segoe UI', Arial, sans-serif",
        };
        for row in &galley.rows {
            let text: String = row.row.glyphs.iter().map(|g| g.chr).collect();
            let Some(first) = row.row.glyphs.first() else { continue };
            if text.trim().is_empty() {
                continue;
            }
            let x = t.pos.x + row.pos.x + first.pos.x;
            let baseline = t.pos.y + row.pos.y + first.pos.y;
            let width = row.row.size.x;
            let _ = writeln!(
                self.out,
                r#"<text x="{x:.2}" y="{baseline:.2}" font-family="{family}" font-size="{:.1}" textLength="{width:.1}" lengthAdjust="spacingAndGlyphs"{}>{}</text>"#,
                format.font_id.size,
                fill(color),
                escape(&text)
            );
        }
    }
}

/// ` fill="#rrggbb"` with its opacity, or no fill.
fn fill(color: Color32) -> String {
    if color.a() == 0 {
        return r#" fill="none""#.to_string();
    }
    let [r, g, b, a] = color.to_srgba_unmultiplied();
    let opacity = if a == 255 { String::new() } else { format!(r#" fill-opacity="{:.3}""#, f32::from(a) / 255.0) };
    format!(r##" fill="#{r:02x}{g:02x}{b:02x}"{opacity}"##)
}

fn stroke_attributes(stroke: Stroke) -> String {
    if stroke.width <= 0.0 || stroke.color.a() == 0 {
        return String::new();
    }
    let [r, g, b, a] = stroke.color.to_srgba_unmultiplied();
    let opacity = if a == 255 { String::new() } else { format!(r#" stroke-opacity="{:.3}""#, f32::from(a) / 255.0) };
    format!(r##" stroke="#{r:02x}{g:02x}{b:02x}" stroke-width="{:.2}"{opacity}"##, stroke.width)
}

/// Text as XML character data: the five special characters escaped, control characters dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
