//! Raw bytes, shown as they are: as text lines with CR, LF and non-text bytes made visible, or as
//! a hex dump with offsets. Only the rows on screen are laid out, so megabytes scroll smoothly.

use std::ops::Range;

use egui::text::LayoutJob;
use egui::{Color32, FontId, ScrollArea, TextFormat, Ui};

use crate::ui::theme;

/// Where each line of a byte buffer starts and ends (the LF stays with its line). Computed once
/// per buffer and kept, never per frame.
#[derive(Clone, Debug, Default)]
pub struct ByteLines {
    ranges: Vec<Range<usize>>,
}

impl ByteLines {
    pub fn new(bytes: &[u8]) -> Self {
        let mut ranges = Vec::new();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                ranges.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < bytes.len() || bytes.is_empty() {
            ranges.push(start..bytes.len());
        }
        Self { ranges }
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn line(&self, i: usize) -> Range<usize> {
        self.ranges[i].clone()
    }
}

/// One line of bytes as a layout: text as text, `\r` `\n` `\t` as coloured markers, bytes that
/// are not UTF-8 text as `\xNN`.
pub fn line_job(bytes: &[u8], font: &FontId, text_color: Color32, dark: bool, markers: bool) -> LayoutJob {
    let mut job = LayoutJob::default();
    append_line(&mut job, bytes, font, text_color, dark, markers);
    job
}

/// Appends one line of bytes to `job`; see [`line_job`].
fn append_line(job: &mut LayoutJob, bytes: &[u8], font: &FontId, text_color: Color32, dark: bool, markers: bool) {
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
) {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.fonts_mut(|f| f.row_height(&font));
    let dark = ui.visuals().dark_mode;
    let text_color = ui.visuals().text_color();
    let number_color = ui.visuals().weak_text_color();
    let digits = lines.len().to_string().len().max(3);
    ScrollArea::both().id_salt(id_salt).max_height(max_height).auto_shrink([false, true]).show_rows(
        ui,
        row_height,
        lines.len(),
        |ui, rows| {
            for row in rows {
                let range = lines.line(row);
                let mut job = LayoutJob::default();
                job.append(&format!("{:>digits$}  ", row + 1), 0.0, TextFormat::simple(font.clone(), number_color));
                append_line(&mut job, &bytes[range], &font, text_color, dark, markers);
                job.wrap.max_width = f32::INFINITY;
                ui.add(egui::Label::new(job).extend());
            }
        },
    );
}

/// Shows `bytes` as a hex dump (offset, 16 bytes, their text) in a scroll area at most
/// `max_height` tall. Bytes in `highlight` get a coloured background.
pub fn show_hex(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    bytes: &[u8],
    highlight: Option<Range<usize>>,
    max_height: f32,
) {
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let row_height = ui.fonts_mut(|f| f.row_height(&font));
    let dark = ui.visuals().dark_mode;
    let text_color = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let background = theme::highlight_color(dark);
    let rows = bytes.len().div_ceil(16).max(1);
    ScrollArea::both().id_salt(id_salt).max_height(max_height).auto_shrink([false, true]).show_rows(
        ui,
        row_height,
        rows,
        |ui, rows| {
            for row in rows {
                let start = row * 16;
                let end = (start + 16).min(bytes.len());
                let mut job = LayoutJob::default();
                job.append(&format!("{start:08x}  "), 0.0, TextFormat::simple(font.clone(), weak));
                let lit = |i: usize| highlight.as_ref().is_some_and(|h| h.contains(&i));
                for i in start..start + 16 {
                    let mut format = TextFormat::simple(font.clone(), text_color);
                    if lit(i) {
                        format.background = background;
                    }
                    let text =
                        bytes.get(i).filter(|_| i < end).map_or_else(|| "  ".to_string(), |b| format!("{b:02x}"));
                    job.append(&text, 0.0, format);
                    job.append(
                        if i == start + 7 { "  " } else { " " },
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
    fn markers_make_crlf_and_binary_visible() {
        let font = FontId::monospace(12.0);
        let job = line_job(b"OK\r\n\xff\x01", &font, Color32::WHITE, true, true);
        assert_eq!(job.text, "OK\\r\\n\\xff\\x01");
    }
}
