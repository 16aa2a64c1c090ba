//! The open lesson's state as one JSON document: which moment it is at, whether its actions are
//! still under way, the current step's checks run on what the views show now, and the
//! documents they read (`swarm`: the class swarm node, where one runs). In a browser, a check on what the browser hides (raw bytes, DNS) is
//! marked `hidden_by_browser`. The browser build hands it to the page (`window.netlensLesson`), so a
//! test driving a real browser can see what the student sees without reading pixels.

use serde_json::{Value, json};

use super::NetlensApp;
use crate::lesson::browser::hidden_in_browser;
use crate::lesson::check::{Doc, ON_TEACHERS_LAPTOP, Outcome};

impl NetlensApp {
    /// The lesson's state now (`"lesson": null` when none is open), and what the Packets view
    /// shows (its title and packet count, and its notice).
    pub fn lesson_status(&self) -> Value {
        let packets_view = json!({
            "title": self.packets_model.trace().map(|t| t.title.clone()),
            "packets": self.packets_model.trace().map(|t| t.packets.len()),
            "notice": self.packets_model.notice,
            "error": self.packets_model.error,
        });
        let Some(player) = self.lessons.player.as_ref() else {
            return json!({ "lesson": null, "error": self.lessons.error, "packets_view": packets_view });
        };
        let (step, steps) = player.position();
        let moment = player.moment();
        let busy = self.lesson_busy();
        let (packets, network, fetch) = if busy { (None, None, None) } else { self.observed() };
        let swarm = if busy { None } else { self.swarm_document() };
        let actions = player.lesson.resolved(moment.step);
        let checks: Vec<Value> = if busy {
            Vec::new()
        } else {
            player
                .step()
                .checks
                .iter()
                .map(|check| {
                    let hidden = crate::ui::platform::IN_BROWSER && hidden_in_browser(check, &actions);
                    let doc = match check.of {
                        Doc::Packets => packets.as_ref(),
                        Doc::Network => network.as_ref(),
                        Doc::Fetch => fetch.as_ref(),
                        Doc::Swarm => swarm.as_ref(),
                    };
                    let outcome = match doc {
                        Some(d) if check.of == Doc::Swarm && d["role"] == "student" => {
                            Outcome::NotRun(ON_TEACHERS_LAPTOP)
                        }
                        _ => Outcome::of(check, doc),
                    };
                    let mut report = outcome.json(check);
                    report["hidden_by_browser"] = json!(hidden);
                    report
                })
                .collect()
        };
        json!({
            "lesson": player.lesson.id,
            "step": step,
            "steps": steps,
            "asking": moment.asking,
            "at_end": player.at_end(),
            "busy": busy,
            "presenting": self.lessons.presenter.on,
            "error": self.lessons.error,
            "note": self.class_note(),
            "checks": checks,
            "documents": { "packets": packets, "network": network, "fetch": fetch, "swarm": swarm },
            "packets_view": packets_view,
        })
    }

    /// The `swarm` document a lesson's class steps check: this laptop's class swarm node with what
    /// those steps did; None when no class swarm runs (always, in a browser).
    pub fn swarm_document(&self) -> Option<Value> {
        #[cfg(feature = "desktop")]
        return self
            .swarm_model
            .running()
            .then(|| crate::swarm::class_steps::document(&self.swarm_model.state, &self.swarm_model.class_record()));
        #[cfg(not(feature = "desktop"))]
        return None;
    }

    /// Gives the page the lesson's state when it has changed (browser build).
    #[cfg(feature = "web")]
    pub(super) fn publish_lesson_status(&mut self) {
        let key = self.lessons.player.as_ref().map(|p| (p.lesson.id.clone(), p.moment().step, p.moment().asking));
        let busy = self.lesson_busy();
        let packets =
            (self.packets_model.trace_version(), self.packets_model.notice.clone(), self.packets_model.error.clone());
        let now: super::lesson_state::PublishedKey =
            (key, busy, self.lessons.presenter.on, self.lessons.error.clone(), packets);
        if self.lessons.published.as_ref() == Some(&now) {
            return;
        }
        crate::web::publish("netlensLesson", &self.lesson_status().to_string());
        self.lessons.published = Some(now);
    }
}
