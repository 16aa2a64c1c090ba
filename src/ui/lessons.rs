//! The Lessons panel (the first thing a new user sees): the built-in lessons grouped as the
//! section is, what each teaches and its steps, a teacher's own lesson file; and, while a lesson
//! is open, its bar — the step's caption, its question before the answer, and the keys — small
//! above the view, or large below it in presenter mode. Views return intents; the app acts.

use egui::{RichText, Ui};

use crate::lesson::{Group, Lesson};
use crate::model::lesson::LessonPlayer;

/// What the user asked of the lessons.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonIntent {
    /// Start this lesson (at its first step).
    Open(Box<Lesson>),
    /// Read a lesson file from this path.
    OpenFile(String),
    /// Ask for a lesson file with the desktop's dialog.
    AskForFile,
    /// Enter presenter mode (F5).
    Present,
    /// Leave presenter mode (Esc).
    Leave,
    /// Close the lesson.
    Close,
    Next,
    Previous,
    /// Go to the start of this step (from 0).
    GoTo(usize),
}

#[derive(Default)]
pub struct LessonsView {
    /// The lesson file path typed in the box.
    pub path: String,
    /// The lesson whose details are shown (its id).
    picked: Option<String>,
}

impl LessonsView {
    /// The lesson picked in the panel, if any (F5 presents it when none is open).
    pub fn picked(&self) -> Option<&str> {
        self.picked.as_deref()
    }
}

pub fn catalog(
    ui: &mut Ui,
    view: &mut LessonsView,
    lessons: &[Lesson],
    player: Option<&LessonPlayer>,
    error: Option<&str>,
) -> Vec<LessonIntent> {
    let mut intents = Vec::new();
    let picked_id = view.picked.clone().or_else(|| player.map(|p| p.lesson.id.clone()));
    egui::Panel::left("lesson-list").resizable(true).default_size(320.0).size_range(220.0..=520.0).show(ui, |ui| {
        egui::ScrollArea::vertical().id_salt("lesson-list-scroll").show(ui, |ui| {
            ui.heading("Guided lessons");
            ui.label(
                RichText::new(
                    "Each lesson walks through ideas of the section one step at a time. F5 presents the open lesson (or the picked one, or the first).",
                )
                .weak(),
            );
            for group in Group::ALL {
                ui.add_space(6.0);
                ui.label(RichText::new(group.title()).strong());
                for lesson in lessons.iter().filter(|l| l.group == group) {
                    let text = format!("{}  ({})", lesson.title, lesson.concept_names().join(" "));
                    if ui.selectable_label(picked_id.as_deref() == Some(lesson.id.as_str()), text).clicked() {
                        view.picked = Some(lesson.id.clone());
                    }
                }
            }
            ui.separator();
            ui.label(RichText::new("Your own lesson").strong());
            ui.horizontal_wrapped(|ui| {
                if ui
                    .button("Open lesson file…")
                    .on_hover_text("A .toml lesson file (or drop one on the window)")
                    .clicked()
                {
                    intents.push(LessonIntent::AskForFile);
                }
                // A browser gives a page no paths: the button's picker (or a drop) is the way in.
                if !crate::ui::platform::IN_BROWSER {
                    ui.add(
                        egui::TextEdit::singleline(&mut view.path)
                            .hint_text("path to a .toml lesson")
                            .desired_width(180.0),
                    );
                    if ui.button("Open").clicked() && !view.path.trim().is_empty() {
                        intents.push(LessonIntent::OpenFile(view.path.trim().to_string()));
                    }
                }
            });
            if let Some(error) = error {
                ui.colored_label(crate::ui::theme::error_color(ui.visuals().dark_mode), error);
            }
        });
    });
    egui::CentralPanel::default().show(ui, |ui| {
        let lesson = picked_id.as_deref().and_then(|id| {
            player.map(|p| &p.lesson).filter(|l| l.id == id).or_else(|| lessons.iter().find(|l| l.id == id))
        });
        let Some(lesson) = lesson else {
            ui.label(RichText::new("Pick a lesson on the left.").weak());
            return;
        };
        egui::ScrollArea::vertical().id_salt("lesson-details").show(ui, |ui| {
            ui.heading(&lesson.title);
            ui.label(
                RichText::new(format!(
                    "{} · teaches {} · {} steps",
                    lesson.group.title(),
                    lesson.concept_names().join(", "),
                    lesson.steps.len()
                ))
                .weak(),
            );
            ui.label(&lesson.summary);
            ui.horizontal(|ui| {
                if ui.button(RichText::new("▶ Start lesson").strong()).clicked() {
                    intents.push(LessonIntent::Open(Box::new(lesson.clone())));
                }
                if ui.button("Present (F5)").on_hover_text("Start it full screen, for a class").clicked() {
                    intents.push(LessonIntent::Open(Box::new(lesson.clone())));
                    intents.push(LessonIntent::Present);
                }
            });
            ui.separator();
            for (i, step) in lesson.steps.iter().enumerate() {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(format!("{}.", i + 1)).strong());
                    if let Some(q) = &step.question {
                        ui.label(RichText::new(format!("Question: {}", q.text)).italics());
                    }
                    ui.label(&step.caption);
                });
            }
        });
    });
    intents
}

/// The open lesson's bar above the view (not presenting): where it is, the caption, the keys.
pub fn lesson_bar(ui: &mut Ui, player: &LessonPlayer, note: Option<&str>) -> Vec<LessonIntent> {
    let mut intents = Vec::new();
    let (step, steps) = player.position();
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("Lesson: {}", player.lesson.title)).strong());
        ui.label(RichText::new(format!("step {step} of {steps}")).weak());
        if ui.add_enabled(!player.at_start(), egui::Button::new("◀ Previous")).clicked() {
            intents.push(LessonIntent::Previous);
        }
        let next = if player.moment().asking { "Show the answer ▶" } else { "Next ▶" };
        if ui.add_enabled(!player.at_end(), egui::Button::new(next)).clicked() {
            intents.push(LessonIntent::Next);
        }
        if ui.button("Present (F5)").clicked() {
            intents.push(LessonIntent::Present);
        }
        if ui.button("Close lesson").clicked() {
            intents.push(LessonIntent::Close);
        }
    });
    step_text(ui, player, 1.0, note);
    intents
}

/// The caption bar of presenter mode: large, with the keys.
pub fn caption_bar(ui: &mut Ui, player: &LessonPlayer, note: Option<&str>) -> Vec<LessonIntent> {
    let mut intents = Vec::new();
    let (step, steps) = player.position();
    ui.add_space(4.0);
    step_text(ui, player, 1.6, note);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("{} · step {step} of {steps}", player.lesson.title)).weak());
        ui.label(RichText::new("→ Space PageDown: next · ← PageUp: back · B: blank · Esc: leave").weak());
        if ui.small_button("Leave").clicked() {
            intents.push(LessonIntent::Leave);
        }
    });
    ui.add_space(4.0);
    intents
}

/// The step's caption, or its question while it is being asked, and a note under it (why a
/// scene stands in for the live class); `scale` enlarges it.
fn step_text(ui: &mut Ui, player: &LessonPlayer, scale: f32, note: Option<&str>) {
    let size = ui.text_style_height(&egui::TextStyle::Body) * scale;
    let step = player.step();
    match (&step.question, player.moment().asking) {
        (Some(q), true) => {
            ui.label(RichText::new(&q.text).size(size * 1.1).strong());
            for (i, choice) in q.choices.iter().enumerate() {
                ui.label(RichText::new(format!("{}. {choice}", (b'A' + i as u8) as char)).size(size));
            }
            ui.label(RichText::new("Think, then press → for the answer.").size(size * 0.8).weak());
        }
        (Some(q), false) => {
            let answer = q.choices.get(q.answer).map_or("", String::as_str);
            ui.label(
                RichText::new(format!("{} — {}. {answer}", q.text, (b'A' + q.answer as u8) as char))
                    .size(size)
                    .strong(),
            );
            ui.label(RichText::new(&step.caption).size(size));
        }
        (None, _) => {
            ui.label(RichText::new(&step.caption).size(size));
        }
    }
    if let Some(note) = note {
        ui.label(RichText::new(note).size(size * 0.8).italics());
    }
}
