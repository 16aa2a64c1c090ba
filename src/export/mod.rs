//! Exports for slides and homework: the ladder and the network graph as SVG (the very shapes the
//! window draws), the ladder as Mermaid text, a page load as HAR 1.2, a request as a curl
//! command, and the window as PNG. Everything here is pure — it makes bytes; the job runner
//! writes them (temporary file, then rename) off the UI thread.

pub mod curl;
pub mod har;
pub mod mermaid;
pub mod png;
pub mod svg;

/// What an export makes, for its file name, its dialog filter and its notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    LadderSvg,
    LadderMermaid,
    GraphSvg,
    Har,
    Png,
}

impl ExportKind {
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::LadderSvg | ExportKind::GraphSvg => "svg",
            ExportKind::LadderMermaid => "mmd",
            ExportKind::Har => "har",
            ExportKind::Png => "png",
        }
    }

    /// The media type a browser's download is labelled with.
    pub fn media_type(self) -> &'static str {
        match self {
            ExportKind::LadderSvg | ExportKind::GraphSvg => "image/svg+xml",
            ExportKind::LadderMermaid => "text/plain",
            ExportKind::Har => "application/json",
            ExportKind::Png => "image/png",
        }
    }

    /// Words for the file dialog's filter and the notice after saving.
    pub fn description(self) -> &'static str {
        match self {
            ExportKind::LadderSvg => "Ladder diagram (SVG)",
            ExportKind::LadderMermaid => "Ladder diagram (Mermaid)",
            ExportKind::GraphSvg => "Network graph (SVG)",
            ExportKind::Har => "Page load (HAR 1.2)",
            ExportKind::Png => "Window picture (PNG)",
        }
    }
}

/// An export a view asks the app for.
#[derive(Debug)]
pub enum ExportRequest {
    /// Bytes made from what is shown, to be written to a file the user picks.
    File(ExportFile),
    /// A picture of the whole window (egui's viewport screenshot, which arrives a frame later).
    Screenshot,
}

#[derive(Debug)]
pub struct ExportFile {
    pub kind: ExportKind,
    /// A file name to suggest, with its extension.
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What an export file holds: bytes ready to write, or a picture to encode as PNG first.
#[derive(Debug)]
pub enum ExportContents {
    Bytes(Vec<u8>),
    Image(std::sync::Arc<egui::ColorImage>),
}

impl ExportContents {
    /// The bytes to write (encoding a picture takes a while: done on the file thread).
    pub fn into_bytes(self) -> Result<Vec<u8>, String> {
        match self {
            ExportContents::Bytes(bytes) => Ok(bytes),
            ExportContents::Image(image) => png::encode(&image),
        }
    }
}

/// A file name from free text (a scene name, a host): letters, digits, '-' and '.', at most 60.
pub fn file_stem(text: &str) -> String {
    let stem: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c } else { '-' })
        .take(60)
        .collect();
    let stem = stem.trim_matches(['-', '.']).to_string();
    if stem.is_empty() { "netlens".to_string() } else { stem }
}
