//! A view's own keys (Space to play, ← → to step, …). They work unless the user is typing: a
//! focused button does not swallow them. A key the view takes is consumed, so a focused button
//! is not also pressed by it, and keyboard focus is dropped, so arrows are not spent moving it.

use egui::{Key, Modifiers, Ui};

/// Which of `keys` were pressed this frame (without modifiers), taken for the view.
pub fn take(ui: &Ui, keys: &[Key]) -> Vec<Key> {
    let ctx = ui.ctx();
    if ctx.text_edit_focused() {
        return Vec::new();
    }
    let pressed: Vec<Key> =
        ui.input_mut(|i| keys.iter().copied().filter(|&k| i.consume_key(Modifiers::NONE, k)).collect());
    if !pressed.is_empty()
        && let Some(focused) = ctx.memory(|m| m.focused())
    {
        ctx.memory_mut(|m| m.surrender_focus(focused));
    }
    pressed
}
