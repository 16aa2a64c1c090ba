//! Names and text that come from peers are strangers' words: they are cleaned before anyone sees
//! them. Control characters, bidirectional overrides and other invisible characters go; runs of
//! spaces become one; at most 24 characters are kept.

/// The longest display name, in characters.
pub const MAX_NAME: usize = 24;

/// A display name fit to show: printable characters only, spaces collapsed, at most 24
/// characters; "anonymous" when nothing is left.
pub fn clean_name(text: &str) -> String {
    let mut out = String::new();
    let mut last_space = true;
    for c in text.chars() {
        let invisible = c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}');
        if invisible {
            continue;
        }
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
        if out.chars().count() >= MAX_NAME {
            break;
        }
    }
    let out = out.trim_end().to_string();
    if out.is_empty() { "anonymous".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_controls_and_overrides_and_are_cut_to_24_characters() {
        assert_eq!(clean_name("  Ada   Lovelace \n"), "Ada Lovelace");
        assert_eq!(clean_name("evil\u{202E}txt.exe\u{7}"), "eviltxt.exe");
        assert_eq!(clean_name("\u{1b}[31m"), "[31m");
        assert_eq!(clean_name(&"é".repeat(40)).chars().count(), MAX_NAME);
        assert_eq!(clean_name("\u{200B}\t"), "anonymous");
    }
}
