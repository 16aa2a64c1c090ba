//! Raw bytes, shown as they are: as text lines with CR, LF and non-text bytes made visible, or as
//! a hex dump with offsets. Only the rows on screen are laid out, so megabytes scroll smoothly.

use std::ops::Range;

use egui::text::LayoutJob;
use egui::{Color32, FontId, ScrollArea, TextFormat, Ui};

use crate::record::Arrival;
use crate::record::exchange::arrival_of;
use crate::ui::theme;

/// When the bytes arrived, shown in a gutter: milliseconds after `origin_us` (the request's
/// sending), printed on each line or row where a new read begins.
#[derive(Clone, Copy)]
pub struct TimeGutter<'a> {
    pub arrivals: &'a [Arrival],
    pub origin_us: u64,
}

impl TimeGutter<'_> {
    const WIDTH: usize = 12;

    /// The gutter text for a line starting at `offset`, after a line that started at `previous`.
    fn text(&self, offset: usize, previous: Option<usize>) -> String {
        let at = arrival_of(self.arrivals, offset as u64);
        let before = previous.and_then(|p| arrival_of(self.arrivals, p as u64));
        match at {
            Some(t) if before != Some(t) => {
                let ms = t.saturating_sub(self.origin_us) as f64 / 1000.0;
                format!("{:>w$}", format!("+{ms:.1} ms "), w = Self::WIDTH)
            }
            _ => " ".repeat(Self::WIDTH),
        }
    }
}

/// Where each line of a byte buffer starts and ends (the LF stays with its line). A line longer
/// than [`MAX_ROW_BYTES`] is cut into several rows, so one huge line (minified code, binary)
/// never becomes one huge label. Computed once per buffer and kept, never per frame.
#[derive(Clone, Debug, Default)]
pub struct ByteLines {
    rows: Vec<Row>,
}

#[derive(Clone, Debug)]
struct Row {
    range: Range<usize>,
    /// The line this row belongs to, from 1; continuation rows repeat it.
    line: usize,
    continuation: bool,
}

/// The most bytes one displayed row holds.
pub const MAX_ROW_BYTES: usize = 2048;

impl ByteLines {
    pub fn new(bytes: &[u8]) -> Self {
        let mut rows = Vec::new();
        let push_line = |rows: &mut Vec<Row>, range: Range<usize>, line: usize| {
            let mut start = range.start;
            loop {
                let end = (start + MAX_ROW_BYTES).min(range.end);
                rows.push(Row { range: start..end, line, continuation: start != range.start });
                if end == range.end {
                    break;
                }
                start = end;
            }
        };
        let mut start = 0;
        let mut line = 1;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                push_line(&mut rows, start..i + 1, line);
                start = i + 1;
                line += 1;
            }
        }
        if start < bytes.len() || bytes.is_empty() {
            push_line(&mut rows, start..bytes.len(), line);
        }
        Self { rows }
    }

    /// Rows to display (lines, with long ones cut).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The bytes of display row `i`.
    pub fn line(&self, i: usize) -> Range<usize> {
        self.rows[i].range.clone()
    }

    /// The line number to print beside row `i`, or `None` for a continuation row.
    fn number(&self, i: usize) -> Option<usize> {
        let row = &self.rows[i];
        (!row.continuation).then_some(row.line)
    }

    fn last_line(&self) -> usize {
        self.rows.last().map_or(1, |r| r.line)
    }
}

/// How one line is drawn: its font and colours, whether CR/LF/tab show as markers, and which
/// characters the fonts can draw (any other is shown as `\u{…}` rather than as a blank box).
struct LineStyle<'a> {
    font: &'a FontId,
    text_color: Color32,
    dark: bool,
    markers: bool,
    drawable: &'a mut dyn FnMut(char) -> bool,
}

/// Appends one line of bytes to `job`: text as text, `\r` `\n` `\t` as coloured markers (or
/// nothing, without `markers`), bytes that are not UTF-8 text as `\xNN`, and characters no
/// bundled font has (random bytes that happen to decode as, say, Cyrillic) as `\u{NNNN}`.
fn append_line(job: &mut LayoutJob, bytes: &[u8], style: LineStyle<'_>) {
    let LineStyle { font, text_color, dark, markers, drawable } = style;
    let plain = TextFormat::simple(font.clone(), text_color);
    let marker = TextFormat::simple(font.clone(), theme::marker_color(dark));
    let escaped = TextFormat::simple(font.clone(), theme::escape_color(dark));
    let mut text = String::new();
    let flush = |job: &mut LayoutJob, text: &mut String| {
        if !text.is_empty() {
            job.append(text, 0.0, plain.clone());
            text.clear();
        }
    };
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            let special = match c {
                '\r' if markers => Some(("\\r".to_string(), &marker)),
                '\n' if markers => Some(("\\n".to_string(), &marker)),
                '\n' | '\r' => Some((String::new(), &marker)),
                '\t' if markers => Some(("\\t".to_string(), &marker)),
                '\t' => Some(("    ".to_string(), &plain)),
                c if c.is_control() => Some((format!("\\x{:02x}", c as u32), &escaped)),
                c if !c.is_ascii() && !drawable(c) => Some((format!("\\u{{{:x}}}", c as u32), &escaped)),
                _ => None,
            };
            match special {
                Some((shown, format)) => {
                    flush(job, &mut text);
                    if !shown.is_empty() {
                        job.append(&shown, 0.0, format.clone());
                    }
                }
                None => text.push(c),
            }
        }
        flush(job, &mut text);
        for b in chunk.invalid() {
            job.append(&format!("\\x{b:02x}"), 0.0, escaped.clone());
        }
    }
}

/// Shows `bytes` as numbered text lines in a scroll area at most `max_height` tall.
pub fn show_text(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    bytes: &[u8],
    lines: &ByteLines,
    max_height: f32,
    markers: bool,
    gutter: Option<TimeGutter<'_>>,
) {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.fonts_mut(|f| f.row_height(&font));
    let dark = ui.visuals().dark_mode;
    let text_color = ui.visuals().text_color();
    let number_color = ui.visuals().weak_text_color();
    let digits = lines.last_line().to_string().len().max(3);
    ScrollArea::both().id_salt(id_salt).max_height(max_height).auto_shrink([false, true]).show_rows(
        ui,
        row_height,
        lines.len(),
        |ui, rows| {
            for row in rows {
                let range = lines.line(row);
                let mut job = LayoutJob::default();
                if let Some(gutter) = &gutter {
                    let previous = row.checked_sub(1).map(|p| lines.line(p).start);
                    job.append(
                        &gutter.text(range.start, previous),
                        0.0,
                        TextFormat::simple(font.clone(), number_color),
                    );
                }
                let number = lines.number(row).map_or_else(|| "↪".to_string(), |n| n.to_string());
                job.append(&format!("{number:>digits$}  "), 0.0, TextFormat::simple(font.clone(), number_color));
                let mut drawable = |c: char| ui.fonts_mut(|f| f.has_glyph(&font, c));
                let style = LineStyle { font: &font, text_color, dark, markers, drawable: &mut drawable };
                append_line(&mut job, &bytes[range], style);
                job.wrap.max_width = f32::INFINITY;
                ui.add(egui::Label::new(job).extend());
            }
        },
    );
}

/// Shows `bytes` as a hex dump (offset, 16 bytes, their text) in a scroll area at most
/// `max_height` tall. Bytes in `highlight` get a coloured background.
/// Characters in one hex dump row of `per_row` bytes: gutter, offset, hex, gap, text.
fn hex_row_chars(per_row: usize, gutter: usize) -> usize {
    gutter + 10 + per_row * 3 + usize::from(per_row == 16) + 1 + per_row
}

pub fn show_hex(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    bytes: &[u8],
    highlight: Option<Range<usize>>,
    max_height: f32,
    gutter: Option<TimeGutter<'_>>,
) {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.fonts_mut(|f| f.row_height(&font));
    let dark = ui.visuals().dark_mode;
    let text_color = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let background = theme::highlight_color(dark);
    // 16 bytes a row when they fit, else 8: on a projector's zoom the dump stays inside its panel.
    let glyph = ui.fonts_mut(|f| f.glyph_width(&font, '0')).max(1.0);
    let gutter_chars = if gutter.is_some() { TimeGutter::WIDTH } else { 0 };
    let per_row = if hex_row_chars(16, gutter_chars) as f32 * glyph <= ui.available_width() { 16 } else { 8 };
    let rows = bytes.len().div_ceil(per_row).max(1);
    ScrollArea::both().id_salt(id_salt).max_height(max_height).auto_shrink([false, true]).show_rows(
        ui,
        row_height,
        rows,
        |ui, rows| {
            for row in rows {
                let start = row * per_row;
                let end = (start + per_row).min(bytes.len());
                let mut job = LayoutJob::default();
                if let Some(gutter) = &gutter {
                    let previous = start.checked_sub(per_row);
                    job.append(&gutter.text(start, previous), 0.0, TextFormat::simple(font.clone(), weak));
                }
                job.append(&format!("{start:08x}  "), 0.0, TextFormat::simple(font.clone(), weak));
                let lit = |i: usize| highlight.as_ref().is_some_and(|h| h.contains(&i));
                for i in start..start + per_row {
                    let mut format = TextFormat::simple(font.clone(), text_color);
                    if lit(i) {
                        format.background = background;
                    }
                    let text =
                        bytes.get(i).filter(|_| i < end).map_or_else(|| "  ".to_string(), |b| format!("{b:02x}"));
                    job.append(&text, 0.0, format);
                    job.append(
                        if per_row == 16 && i == start + 7 { "  " } else { " " },
                        0.0,
                        TextFormat::simple(font.clone(), text_color),
                    );
                }
                job.append(" ", 0.0, TextFormat::simple(font.clone(), text_color));
                for (i, &b) in bytes.iter().enumerate().take(end).skip(start) {
                    let mut format = TextFormat::simple(
                        font.clone(),
                        if b.is_ascii_graphic() || b == b' ' { text_color } else { weak },
                    );
                    if lit(i) {
                        format.background = background;
                    }
                    let c = if b.is_ascii_graphic() || b == b' ' { b as char } else { '·' };
                    job.append(&c.to_string(), 0.0, format);
                }
                job.wrap.max_width = f32::INFINITY;
                ui.add(egui::Label::new(job).extend());
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_their_lf_and_cover_every_byte() {
        let bytes = b"GET / HTTP/1.1\r\nHost: x\r\n\r\ntail";
        let lines = ByteLines::new(bytes);
        assert_eq!(lines.len(), 4);
        assert_eq!(&bytes[lines.line(0)], b"GET / HTTP/1.1\r\n");
        assert_eq!(&bytes[lines.line(2)], b"\r\n");
        assert_eq!(&bytes[lines.line(3)], b"tail");
        assert_eq!(ByteLines::new(b"").len(), 1);
    }

    #[test]
    fn a_huge_line_is_cut_into_rows_that_keep_its_number() {
        let mut bytes = vec![b'a'; MAX_ROW_BYTES * 2 + 10];
        bytes.extend_from_slice(b"\nnext");
        let lines = ByteLines::new(&bytes);
        assert_eq!(lines.len(), 4);
        assert_eq!(
            (lines.number(0), lines.number(1), lines.number(2), lines.number(3)),
            (Some(1), None, None, Some(2))
        );
        assert_eq!(lines.line(2), MAX_ROW_BYTES * 2..MAX_ROW_BYTES * 2 + 11);
    }

    #[test]
    fn markers_make_crlf_and_binary_visible() {
        let font = FontId::monospace(12.0);
        let mut job = LayoutJob::default();
        let style =
            LineStyle { font: &font, text_color: Color32::WHITE, dark: true, markers: true, drawable: &mut |_| true };
        append_line(&mut job, b"OK\r\n\xff\x01", style);
        assert_eq!(job.text, "OK\\r\\n\\xff\\x01");
    }

    #[test]
    fn characters_no_font_has_are_escaped_not_drawn_as_boxes() {
        let font = FontId::monospace(12.0);
        let mut job = LayoutJob::default();
        let style = LineStyle {
            font: &font,
            text_color: Color32::WHITE,
            dark: true,
            markers: true,
            drawable: &mut |c| c != 'ѯ',
        };
        append_line(&mut job, "aé ѯ".as_bytes(), style);
        assert_eq!(job.text, "aé \\u{46f}");
    }
}
