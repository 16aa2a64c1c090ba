//! Files in a browser tab: every save and export becomes a download, and opening a file uses the
//! browser's file picker. The bytes are read inside the tab; nothing is sent anywhere.

use wasm_bindgen::JsCast as _;
use wasm_bindgen::closure::Closure;

use super::js_error;

/// The largest file the tab reads (a capture of about a million packets): the tab's memory is
/// the student's laptop's, and a browser gives one page a few gigabytes at most.
pub const MAX_OPEN_BYTES: f64 = 256.0 * 1024.0 * 1024.0;

/// Offers `bytes` to the user as a download named `name`.
pub fn download(name: &str, bytes: &[u8], media_type: &str) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("this page has no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(media_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(js_error)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
    let anchor: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(js_error)?.dyn_into().map_err(|_| "could not make a link")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The download starts after this event; the blob's address is released a minute later.
    let release = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(release.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// What the picker gave: the file's name and bytes, or why there are none.
pub type Picked = Result<(String, Vec<u8>), String>;

/// Opens the browser's file picker for files ending in one of `extensions` (".pcapng,.pcap").
/// `done` gets the file, an error, or `Err` with an empty text when the user cancelled.
pub fn pick_file(extensions: &str, done: impl FnOnce(Picked) + 'static) -> Result<(), String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("this page has no document")?;
    let input: web_sys::HtmlInputElement =
        document.create_element("input").map_err(js_error)?.dyn_into().map_err(|_| "could not make a file picker")?;
    input.set_type("file");
    input.set_accept(extensions);
    // One of "change" and "cancel" fires; whichever does first takes `done`.
    let done = std::rc::Rc::new(std::cell::RefCell::new(Some(Box::new(done) as Box<dyn FnOnce(Picked)>)));
    let on_cancel = {
        let done = done.clone();
        Closure::once_into_js(move || {
            if let Some(done) = done.borrow_mut().take() {
                done(Err(String::new()));
            }
        })
    };
    let chosen = input.clone();
    let on_change = Closure::once_into_js(move || {
        let Some(done) = done.borrow_mut().take() else { return };
        let Some(file) = chosen.files().and_then(|files| files.get(0)) else {
            done(Err(String::new()));
            return;
        };
        let name = file.name();
        if file.size() > MAX_OPEN_BYTES {
            done(Err(format!(
                "{name} is {} MiB; the browser build opens files up to {} MiB (the desktop app has no such limit)",
                (file.size() / 1048576.0).round(),
                MAX_OPEN_BYTES / 1048576.0
            )));
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            let read = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await;
            done(match read {
                Ok(buffer) => Ok((name, js_sys::Uint8Array::new(&buffer).to_vec())),
                Err(e) => Err(format!("could not read {name}: {}", js_error(e))),
            });
        });
    });
    input.set_onchange(Some(on_change.unchecked_ref()));
    input.set_oncancel(Some(on_cancel.unchecked_ref()));
    input.click();
    Ok(())
}
