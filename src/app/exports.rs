//! The app's side of exports: a view asks (`ExportRequest`); the app asks where to save with the
//! desktop's dialog, or takes the window's picture first (egui's viewport screenshot comes to a
//! callback after the next frame is drawn), and hands the bytes to the file thread. When the file is written a
//! notice in the app bar says where, or why not.

use std::path::PathBuf;
use std::time::Duration;

use web_time::Instant;

use super::NetlensApp;
use crate::export::{ExportContents, ExportKind, ExportRequest};
use crate::jobs::{FileJob, FilePurpose};

/// How long the notice after an export stays.
const NOTICE_TIME: Duration = Duration::from_secs(8);

impl NetlensApp {
    /// Takes the export a view asked for this frame, if any.
    pub(super) fn take_exports(&mut self) {
        let requests =
            [self.fetch_view.export.take(), self.packets_view.export.take(), self.network_view.export.take()];
        for request in requests.into_iter().flatten() {
            self.export(request);
        }
    }

    fn export(&mut self, request: ExportRequest) {
        match request {
            ExportRequest::File(file) => {
                self.save_export(file.kind, file.name, ExportContents::Bytes(file.bytes));
            }
            ExportRequest::Screenshot => {
                let (sender, receiver) = std::sync::mpsc::channel();
                self.exports.screenshots = Some(receiver);
                let ctx = self.ctx.clone();
                self.ctx.request_screenshot(move |image| {
                    // The app may have gone; then nobody wants the picture.
                    let _ = sender.send(image);
                    ctx.request_repaint();
                });
            }
        }
    }

    /// The window's picture, when it arrives.
    pub(super) fn receive_screenshot(&mut self) {
        let Some(image) = self.exports.screenshots.as_ref().and_then(|r| r.try_recv().ok()) else { return };
        self.exports.screenshots = None;
        let name = format!("netlens-{}.png", self.tab_name());
        self.save_export(ExportKind::Png, name, ExportContents::Image(image));
    }

    /// Asks where to save (or, with an export directory, saves there straight away).
    fn save_export(&mut self, kind: ExportKind, name: String, contents: ExportContents) {
        if let Some(dir) = &self.export_dir {
            let path = dir.join(&name);
            self.submit_file(FileJob::Export { path, kind, contents });
            return;
        }
        let suggested = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(".")).join(&name);
        if self.ask_for_file_named(FilePurpose::Export(kind), suggested) {
            self.exports.waiting_for_path = Some((kind, contents));
        } else {
            self.export_notice(format!("{} not saved: a file dialog is already open", kind.description()), true);
        }
    }

    /// The file dialog's answer for an export.
    pub(super) fn export_path_chosen(&mut self, path: Option<PathBuf>) {
        let Some((kind, contents)) = self.exports.waiting_for_path.take() else { return };
        match path {
            Some(path) => self.submit_file(FileJob::Export { path, kind, contents }),
            None => self.export_notice(format!("{} not saved: no file chosen", kind.description()), true),
        }
    }

    /// The file thread's report.
    pub(super) fn exported(&mut self, kind: ExportKind, path: PathBuf, result: Result<usize, String>) {
        match result {
            Ok(bytes) => self.export_notice(
                format!(
                    "Saved {} to {} ({})",
                    kind.description(),
                    path.display(),
                    crate::record::bytes::human_size(bytes as u64)
                ),
                false,
            ),
            Err(reason) => self.export_notice(format!("Could not save {}: {reason}", path.display()), true),
        }
    }

    fn export_notice(&mut self, text: String, error: bool) {
        self.exports.notice = Some((text, error, Instant::now() + NOTICE_TIME));
        self.ctx.request_repaint_after(NOTICE_TIME);
    }

    /// The notice, while it lasts.
    pub fn export_notice_text(&self) -> Option<(&str, bool)> {
        self.exports.notice.as_ref().filter(|(_, _, until)| Instant::now() < *until).map(|(t, e, _)| (t.as_str(), *e))
    }

    fn tab_name(&self) -> &'static str {
        match self.tab {
            super::Tab::Lessons => "lessons",
            super::Tab::Fetch => "fetch",
            super::Tab::Packets => "packets",
            super::Tab::Network => "network",
        }
    }
}
