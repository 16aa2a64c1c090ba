//! The browser build's entry point: `index.html` calls `start("netlens_canvas")` once the module
//! has loaded, and the app runs on that canvas with eframe's `WebRunner` (WebGL through glow,
//! which every school laptop's browser has), with the built-in lesson the address names
//! (`?lesson=ID`) open. A panic is shown on the page instead of a frozen
//! canvas, and written to the console.

use wasm_bindgen::JsCast as _;
use wasm_bindgen::prelude::*;

use crate::app::{AppConfig, NetlensApp};

/// The running app, kept by the page so it is not dropped.
#[wasm_bindgen]
pub struct WebHandle {
    runner: eframe::WebRunner,
}

#[wasm_bindgen]
impl WebHandle {
    /// True once the app has panicked (the page then shows the message).
    #[wasm_bindgen(js_name = hasPanicked)]
    pub fn has_panicked(&self) -> bool {
        self.runner.has_panicked()
    }

    /// The panic's message, if there was one.
    #[wasm_bindgen(js_name = panicMessage)]
    pub fn panic_message(&self) -> Option<String> {
        self.runner.panic_summary().map(|s| s.message())
    }
}

/// Starts netlens on the canvas whose id is `canvas_id`.
#[wasm_bindgen]
pub async fn start(canvas_id: String) -> Result<WebHandle, JsValue> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("this page has no document")?;
    let canvas: web_sys::HtmlCanvasElement = document
        .get_element_by_id(&canvas_id)
        .ok_or_else(|| format!("no element with id {canvas_id:?}"))?
        .dyn_into()
        .map_err(|_| format!("{canvas_id:?} is not a canvas"))?;
    let options = eframe::WebOptions { renderer: eframe::Renderer::Glow, ..Default::default() };
    let config = AppConfig { lesson: asked_lesson(), ..AppConfig::default() };
    let runner = eframe::WebRunner::new();
    runner.start(canvas, options, Box::new(|cc| Ok(Box::new(NetlensApp::new(cc, config))))).await?;
    Ok(WebHandle { runner })
}

/// The built-in lesson the page's address asks for (`?lesson=tcp-connection`), so a teacher can
/// hand out a link that opens one.
fn asked_lesson() -> Option<crate::lesson::Lesson> {
    let search = web_sys::window()?.location().search().ok()?;
    let id = search.trim_start_matches('?').split('&').find_map(|pair| pair.strip_prefix("lesson="))?;
    let lesson = crate::lesson::builtin::all().ok()?.into_iter().find(|l| l.id == id);
    if lesson.is_none() {
        web_sys::console::warn_1(&format!("netlens: there is no built-in lesson {id:?}").into());
    }
    lesson
}
