//! Opening the window on the desktop: the renderer chosen (wgpu, or OpenGL when wgpu cannot start) and what the command line asked to show at start.

use super::{AppConfig, NetlensApp};

/// What the window opens with, from the command line.
#[derive(Clone, Debug, Default)]
pub struct Startup {
    pub open: Option<std::path::PathBuf>,
    pub lesson: Option<crate::lesson::Lesson>,
}

/// Opens the window with a capture to show, if any.
pub fn run_native(open: Option<std::path::PathBuf>) -> Result<(), String> {
    run_native_with(Startup { open, lesson: None })
}

/// Opens the window. Tries the wgpu renderer first and falls back to OpenGL (glow) for machines
/// whose GPU or driver wgpu cannot use; `NETLENS_RENDERER=glow` picks OpenGL directly.
pub fn run_native_with(startup: Startup) -> Result<(), String> {
    let wants_glow = std::env::var("NETLENS_RENDERER").is_ok_and(|r| r.eq_ignore_ascii_case("glow"));
    let first = if wants_glow { eframe::Renderer::Glow } else { eframe::Renderer::Wgpu };
    match run_with(first, startup.clone()) {
        Ok(()) => Ok(()),
        Err(e) if first == eframe::Renderer::Wgpu => {
            tracing::warn!(error = %e, "wgpu could not start; trying OpenGL");
            run_with(eframe::Renderer::Glow, startup).map_err(|e2| format!("{e}; OpenGL also failed: {e2}"))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn run_with(renderer: eframe::Renderer, startup: Startup) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("netlens")
            .with_app_id("netlens")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([720.0, 480.0]),
        renderer,
        persist_window: true,
        ..Default::default()
    };
    eframe::run_native(
        "netlens",
        options,
        Box::new(|cc| {
            // NETLENS_EXPORT_DIR: exports go to this folder without a dialog (preparing many
            // slides at once, or a desktop without a file dialog).
            let export_dir = std::env::var_os("NETLENS_EXPORT_DIR").map(std::path::PathBuf::from);
            let config = AppConfig { open: startup.open, lesson: startup.lesson, export_dir, ..AppConfig::default() };
            Ok(Box::new(NetlensApp::new(cc, config)))
        }),
    )
    .map_err(|e| e.to_string())
}
