//! Text that came from outside — bytes off a socket, a header value, a file's contents — made
//! fit to draw: characters no bundled font has are shown as `\u{NNNN}` (not as blank boxes),
//! and control characters as `\xNN`, so what is on screen always says what the bytes were.

use std::borrow::Cow;

use egui::{FontId, Ui};

/// `text` as it can be drawn in `font`; borrowed unchanged when every character can be.
pub fn drawable<'a>(ui: &Ui, font: &FontId, text: &'a str) -> Cow<'a, str> {
    let fits = |c: char| (c.is_ascii() && !c.is_ascii_control()) || ui.fonts_mut(|f| f.has_glyph(font, c));
    escape_where(text, |c| !(c == '\n' || c == '\t') && (c.is_control() || !fits(c)))
}

/// Replaces every character for which `escape` holds by its escape.
fn escape_where(text: &str, mut escape: impl FnMut(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&mut escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !escape(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undrawable_and_control_characters_are_escaped() {
        let escaped = escape_where("aé\u{1}ѯ\n", |c| c == 'ѯ' || c == '\u{1}');
        assert_eq!(escaped, "aé\\x01\\u{46f}\n");
        assert!(matches!(escape_where("plain", |_| false), Cow::Borrowed(_)));
    }
}
