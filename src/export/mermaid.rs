//! The ladder as Mermaid `sequenceDiagram` text, for slides and homework that embed diagrams as
//! text (GitHub, GitLab, Notion and most Markdown editors render it). One participant per lane,
//! one arrow per packet shown, with the ladder's own text: a lost packet ends in a cross, a
//! duplicated or held-back one is dotted, as on the ladder.

use std::fmt::Write;

use crate::sim::Fate;
use crate::trace::ladder_text::{format_time, label};
use crate::trace::{PacketFate, Trace};

/// The diagram of the packets `shown` (indices into `trace.packets`, in send order).
pub fn ladder_diagram(trace: &Trace, lanes: &[String; 2], shown: &[u32], relative: bool) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let source = trace.sim.as_ref().map_or_else(|| "a capture".to_string(), |run| format!("scene {}", run.scene));
    let range = match (shown.first(), shown.last()) {
        (Some(&a), Some(&b)) => {
            format!("packets #{} to #{}", trace.packets[a as usize].number, trace.packets[b as usize].number)
        }
        _ => "no packets".to_string(),
    };
    let _ = writeln!(out, "    %% netlens ladder: {}, {range}", comment(&source));
    let _ = writeln!(out, "    participant A as {}", text(&lanes[0]));
    let _ = writeln!(out, "    participant B as {}", text(&lanes[1]));
    for &index in shown {
        let Some(p) = trace.packets.get(index as usize) else { continue };
        let (from, to) = if p.forward { ("A", "B") } else { ("B", "A") };
        let arrow = match p.fate {
            PacketFate::Sim(Fate::Lost) => "-x",
            PacketFate::Sim(Fate::Duplicate | Fate::Reordered) => "-->>",
            _ => "->>",
        };
        let at = format_time(p.t_us as f64);
        let _ =
            writeln!(out, "    {from}{arrow}{to}: {}", text(&format!("#{} {} ({at})", p.number, label(p, relative))));
    }
    out
}

/// Text safe inside a Mermaid statement: characters Mermaid reads as syntax become its entity
/// codes (`#35;` for `#`), line breaks become spaces.
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text safe in a `%%` comment (one line).
fn comment(raw: &str) -> String {
    raw.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}
