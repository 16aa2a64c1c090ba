//! Presenter mode: for a class at a projector. The lesson's caption in a large bar, the teacher's
//! zoom (150 %, or 125 % on a projector narrower than 1,200 pixels, so everything still fits),
//! secondary panels folded away, a ring around the pointer, and the keys a presentation clicker
//! sends: → Space PageDown for the next step, ← PageUp to go back, B to blank the screen, Esc to
//! leave. While presenting, those keys belong to the lesson; the views do not see them.

use egui::{Color32, Context, Id, Key, LayerId, Modifiers, Order, Stroke};

/// Narrower than this (in pixels), presenter mode zooms to at most `NARROW_ZOOM`.
const NARROW_PIXELS: f32 = 1_200.0;
const NARROW_ZOOM: f32 = 1.25;

#[derive(Default)]
pub struct Presenter {
    pub on: bool,
    /// The screen is blanked (B).
    pub blank: bool,
    /// The zoom before presenting, restored on leaving.
    before: Option<f32>,
}

/// A key press presenter mode acts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PresenterKey {
    Next,
    Previous,
    Blank,
    Leave,
}

impl Presenter {
    pub fn enter(&mut self, ctx: &Context, zoom: f32) {
        if self.on {
            return;
        }
        let before = ctx.zoom_factor();
        let pixels = ctx.content_rect().width() * before;
        let zoom = if pixels < NARROW_PIXELS { zoom.min(NARROW_ZOOM) } else { zoom };
        ctx.set_zoom_factor(zoom);
        self.before = Some(before);
        self.on = true;
        self.blank = false;
    }

    pub fn leave(&mut self, ctx: &Context) {
        if !self.on {
            return;
        }
        self.on = false;
        self.blank = false;
        if let Some(zoom) = self.before.take() {
            ctx.set_zoom_factor(zoom);
        }
    }

    /// The zoom to remember for next time (not presenter mode's).
    pub fn zoom_to_save(&self) -> Option<f32> {
        self.before.filter(|_| self.on)
    }

    /// Takes the keys presenter mode owns from this frame's input (when presenting).
    pub fn keys(&self, ctx: &Context) -> Vec<PresenterKey> {
        if !self.on {
            return Vec::new();
        }
        let table = [
            (Key::ArrowRight, PresenterKey::Next),
            (Key::Space, PresenterKey::Next),
            (Key::PageDown, PresenterKey::Next),
            (Key::ArrowLeft, PresenterKey::Previous),
            (Key::PageUp, PresenterKey::Previous),
            (Key::B, PresenterKey::Blank),
            (Key::Escape, PresenterKey::Leave),
        ];
        ctx.input_mut(|i| table.iter().filter(|(k, _)| i.consume_key(Modifiers::NONE, *k)).map(|(_, p)| *p).collect())
    }

    /// Draws over everything: the blank screen, or the ring around the pointer.
    pub fn paint_overlay(&self, ctx: &Context) {
        if !self.on {
            return;
        }
        let painter = ctx.layer_painter(LayerId::new(Order::Foreground, Id::NULL.with("presenter-overlay")));
        if self.blank {
            painter.rect_filled(ctx.content_rect(), 0.0, Color32::BLACK);
            return;
        }
        if let Some(pointer) = ctx.pointer_hover_pos() {
            let ring = Color32::from_rgba_unmultiplied(0xe6, 0x9f, 0x00, 0xc0);
            painter.circle_stroke(pointer, 26.0, Stroke::new(4.0, ring));
        }
    }
}
