//! What netlens remembers between runs (through eframe's storage): theme, zoom, the addresses the
//! user fetched, and the fetch options. The window's size eframe remembers itself.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::record::{DnsMode, FetchOptions};

/// How many fetched addresses are remembered.
pub const HISTORY_LEN: usize = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    Dark,
    Light,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub theme: Theme,
    pub zoom: f32,
    /// The zoom presenter mode uses (on a projector narrower than 1,200 pixels, at most 125 %).
    pub presenter_zoom: f32,
    /// Addresses fetched, most recent first, without repeats.
    pub url_history: Vec<String>,
    pub dns_mode: DnsMode,
    pub subresources: bool,
    pub max_redirects: u32,
    pub connect_timeout_secs: f32,
    pub read_timeout_secs: f32,
    pub total_timeout_secs: f32,
}

impl Default for Settings {
    fn default() -> Self {
        let defaults = FetchOptions::default();
        Self {
            theme: Theme::Dark,
            zoom: 1.0,
            presenter_zoom: 1.5,
            url_history: Vec::new(),
            dns_mode: defaults.dns_mode,
            subresources: defaults.subresources,
            max_redirects: defaults.max_redirects,
            connect_timeout_secs: defaults.connect_timeout.as_secs_f32(),
            read_timeout_secs: defaults.read_timeout.as_secs_f32(),
            total_timeout_secs: defaults.total_timeout.as_secs_f32(),
        }
    }
}

/// Zoom stays within what is readable and fits a window.
pub const ZOOM_RANGE: std::ops::RangeInclusive<f32> = 0.5..=3.0;

impl Settings {
    /// Puts `url` first in the history.
    pub fn remember_url(&mut self, url: &str) {
        self.url_history.retain(|u| u != url);
        self.url_history.insert(0, url.to_string());
        self.url_history.truncate(HISTORY_LEN);
    }

    /// The fetch options these settings describe; the worker adds the demo's addresses.
    pub fn fetch_options(&self) -> FetchOptions {
        let secs = |s: f32, lo: f32| Duration::from_secs_f32(if s.is_finite() { s.clamp(lo, 3600.0) } else { lo });
        FetchOptions {
            dns_mode: self.dns_mode,
            subresources: self.subresources,
            max_redirects: self.max_redirects.min(50),
            connect_timeout: secs(self.connect_timeout_secs, 0.1),
            read_timeout: secs(self.read_timeout_secs, 0.1),
            total_timeout: secs(self.total_timeout_secs, 0.1),
            ..FetchOptions::default()
        }
    }

    /// Repairs values a damaged or hand-edited storage file could hold.
    pub fn sanitized(mut self) -> Self {
        if !self.zoom.is_finite() {
            self.zoom = 1.0;
        }
        self.zoom = self.zoom.clamp(*ZOOM_RANGE.start(), *ZOOM_RANGE.end());
        if !self.presenter_zoom.is_finite() {
            self.presenter_zoom = 1.5;
        }
        self.presenter_zoom = self.presenter_zoom.clamp(*ZOOM_RANGE.start(), *ZOOM_RANGE.end());
        self.url_history.truncate(HISTORY_LEN);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_is_most_recent_first_without_repeats_and_bounded() {
        let mut s = Settings::default();
        for i in 0..40 {
            s.remember_url(&format!("http://x.test/{i}"));
        }
        s.remember_url("http://x.test/35");
        assert_eq!(s.url_history.len(), HISTORY_LEN);
        assert_eq!(s.url_history[0], "http://x.test/35");
        assert_eq!(s.url_history.iter().filter(|u| *u == "http://x.test/35").count(), 1);
    }

    #[test]
    fn bad_stored_values_are_repaired() {
        let s = Settings { zoom: f32::NAN, total_timeout_secs: -5.0, ..Settings::default() }.sanitized();
        assert_eq!(s.zoom, 1.0);
        assert!(s.fetch_options().total_timeout >= Duration::from_millis(100));
    }
}
