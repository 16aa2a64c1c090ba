//! The browser build's platform (wasm32, feature `web`): what the desktop does with sockets,
//! threads and files, done with what a browser tab has. `worker.rs` answers the app's worker
//! commands (page loads through `browser_fetch.rs`, the browser's own fetch; live sessions are
//! refused with the reason), `files.rs` turns saves into downloads and opens files with the
//! browser's picker. The page's entry point, which starts the app, is `web_entry` (above the
//! app, as `cli` is on the desktop).

pub mod browser_fetch;
pub mod files;
pub mod outbox;
pub mod worker;

/// The demo site's copy in the web folder (`scripts/web.sh build` puts it in `demo/`, beside
/// the app), at `path` ("/" is its front page): the browser fetches it from the page's own
/// server, so it needs no permission from anyone else.
pub fn demo_url(path: &str) -> String {
    let here = web_sys::window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    // The folder the app was loaded from, without the page's name, query or fragment.
    let here = here.split(['?', '#']).next().unwrap_or_default();
    let folder = here.rfind('/').map_or(here, |slash| &here[..=slash]);
    format!("{folder}demo{}", if path.starts_with('/') { path.to_string() } else { format!("/{path}") })
}

/// Sets `window[name]` to `text`, for the page's own script (and tests driving the browser).
pub fn publish(name: &str, text: &str) {
    if let Some(window) = web_sys::window() {
        let _ = js_sys::Reflect::set(&window, &name.into(), &text.into());
    }
}

/// A JavaScript exception as one line of text.
pub(crate) fn js_error(value: wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast as _;
    if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}
