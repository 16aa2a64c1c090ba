//! Exports on their way: one waiting for the user to pick a file, a window picture being taken,
//! and the notice that says where the last one went.

use web_time::Instant;

use crate::export::{ExportContents, ExportKind};

/// Exports on their way.
#[derive(Default)]
pub struct ExportState {
    /// Made and waiting for the user to pick a file.
    pub(super) waiting_for_path: Option<(ExportKind, ExportContents)>,
    /// A screenshot was asked for; the integration sends its image here after drawing.
    pub(super) screenshots: Option<std::sync::mpsc::Receiver<std::sync::Arc<egui::ColorImage>>>,
    /// What the last export came to, and until when to show it.
    pub notice: Option<(String, bool, Instant)>,
}
