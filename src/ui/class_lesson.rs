//! The lesson the class follows, as the window shows it: on a student's laptop a strip that says
//! whether it follows the teacher (with one click to detach or follow again) and, while the
//! teacher asks a question, the choices to answer with; on the projector the answers' histogram
//! (egui_plot), round beside round, with how many of the class answered — counts only, never who.

use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Legend, Plot};

use crate::lesson::Question;
use crate::model::swarm::MyVote;
use crate::swarm::follow::{LessonPosition, Tally};
use crate::ui::palette::Hue;

/// What the class strip or the projector's count asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClassIntent {
    /// Answer the open question with this choice (from 0).
    Vote(usize),
    /// Explore on one's own.
    Detach,
    /// Follow the teacher again (back to the teacher's step).
    Attach,
    /// The teacher reveals the answer.
    Reveal,
    /// The teacher asks the class to answer again after discussion.
    NewRound,
}

/// What a student's strip shows.
pub struct FollowerView<'a> {
    pub position: Option<&'a LessonPosition>,
    /// The open question, from this laptop's own copy of the lesson.
    pub question: Option<&'a Question>,
    pub detached: bool,
    /// This laptop's answer to the open question, and whether the teacher's node counted it.
    pub my_vote: Option<&'a MyVote>,
    /// Why the teacher's step cannot be shown here.
    pub problem: Option<&'a str>,
}

/// Letters for choices: A, B, C…
pub fn choice_letter(i: usize) -> char {
    (b'A' + (i as u8).min(25)) as char
}

/// A student's strip: follow state, then the question's choices as buttons.
pub fn follower_strip(ui: &mut Ui, view: &FollowerView) -> Vec<ClassIntent> {
    let mut intents = Vec::new();
    ui.horizontal_wrapped(|ui| {
        match (view.position, view.detached) {
            (None, _) => {
                ui.label("In the class swarm: when the teacher presents a lesson, it shows here.");
            }
            (Some(p), false) => {
                ui.label(RichText::new(format!("Following the teacher · step {} of {}", p.step + 1, p.steps)).strong());
                if ui.button("Explore on my own").on_hover_text("Stop following; come back with one click").clicked() {
                    intents.push(ClassIntent::Detach);
                }
            }
            (Some(p), true) => {
                ui.label(format!("Exploring on your own · the teacher is at step {} of {}", p.step + 1, p.steps));
                if ui.button("Follow the teacher again").clicked() {
                    intents.push(ClassIntent::Attach);
                }
            }
        }
        if let Some(problem) = view.problem {
            ui.colored_label(crate::ui::theme::error_color(ui.visuals().dark_mode), problem);
        }
    });
    let (Some(position), Some(question)) = (view.position, view.question) else { return intents };
    if !position.votes_open() {
        return intents;
    }
    ui.separator();
    let round = if position.round > 1 { format!(" (round {})", position.round) } else { String::new() };
    ui.label(RichText::new(format!("The teacher asks{round}: {}", question.text)).strong());
    ui.horizontal_wrapped(|ui| {
        for (i, choice) in question.choices.iter().enumerate() {
            let mine = view.my_vote.is_some_and(|(c, _)| *c as usize == i);
            let text = format!("{}. {choice}", choice_letter(i));
            if ui.add(egui::Button::selectable(mine, text)).clicked() && !mine {
                intents.push(ClassIntent::Vote(i));
            }
        }
    });
    let status = match view.my_vote {
        None => "Pick an answer: only the count is shown, not who answered what.".to_string(),
        Some((c, None)) => format!("Sending {}…", choice_letter(*c as usize)),
        Some((c, Some(Ok(())))) => {
            format!(
                "Your answer {} is counted. You may change it until the teacher reveals.",
                choice_letter(*c as usize)
            )
        }
        Some((_, Some(Err(reason)))) => format!("Not counted: {reason}"),
    };
    ui.label(RichText::new(status).weak());
    intents
}

/// The projector's count of a question: a histogram per round, side by side, how many answered
/// out of the class, and the teacher's buttons.
pub fn tally_panel(
    ui: &mut Ui,
    question: &Question,
    rounds: &[Tally],
    class_size: usize,
    asking: bool,
) -> Vec<ClassIntent> {
    let mut intents = Vec::new();
    let dark = ui.visuals().dark_mode;
    ui.heading("The class answers");
    let current = rounds.last();
    let answered = current.map_or(0, |t| t.answered);
    let round = current.map_or(1, |t| t.round);
    ui.label(RichText::new(format!("Round {round}: {answered} of {class_size} answered")).size(18.0).strong());
    let hues = [Hue::Blue, Hue::Orange, Hue::BluishGreen, Hue::ReddishPurple];
    let width = 0.8 / rounds.len().max(1) as f64;
    Plot::new("class-votes")
        .height(220.0)
        .legend(Legend::default())
        .allow_scroll(false)
        .allow_drag(false)
        .allow_zoom(false)
        .include_y(0.0)
        .include_y(class_size.max(1) as f64)
        .x_axis_formatter(|mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                choice_letter(i as usize).to_string()
            } else {
                String::new()
            }
        })
        .show(ui, |plot| {
            for (n, tally) in rounds.iter().enumerate() {
                let offset = (n as f64 - (rounds.len() as f64 - 1.0) / 2.0) * width;
                let bars = tally
                    .counts
                    .iter()
                    .enumerate()
                    .map(|(i, count)| Bar::new(i as f64 + offset, *count as f64).width(width * 0.9))
                    .collect();
                let hue = hues[n % hues.len()];
                plot.bar_chart(BarChart::new(format!("round {}", tally.round), bars).color(hue.color(dark)));
            }
        });
    for (i, choice) in question.choices.iter().enumerate() {
        let counts: Vec<String> = rounds.iter().map(|t| t.counts.get(i).copied().unwrap_or(0).to_string()).collect();
        ui.label(format!("{}. {choice} — {}", choice_letter(i), counts.join(" → ")));
    }
    if asking {
        ui.horizontal(|ui| {
            if ui.button("Reveal the answer").clicked() {
                intents.push(ClassIntent::Reveal);
            }
            if ui.button("Discuss, then answer again").on_hover_text("A new round; this one's count stays").clicked() {
                intents.push(ClassIntent::NewRound);
            }
        });
    }
    intents
}
