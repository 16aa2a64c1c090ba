//! What the app keeps about lessons: the built-in catalog, the Lessons panel's state, the lesson
//! being played, the actions of its step still waiting their turn, and presenter mode.

use std::collections::VecDeque;

use super::presenter::Presenter;
use crate::lesson::{Lesson, LessonAction, builtin};
use crate::model::lesson::LessonPlayer;
use crate::ui::lessons::LessonsView;

/// Everything about lessons the app keeps.
pub struct LessonState {
    /// The built-in lessons.
    pub catalog: Vec<Lesson>,
    pub view: LessonsView,
    pub player: Option<LessonPlayer>,
    pub(super) queue: VecDeque<LessonAction>,
    pub error: Option<String>,
    pub presenter: Presenter,
    /// What the page was last told (browser build): lesson, moment, busy, error.
    #[cfg(feature = "web")]
    pub(super) published: Option<PublishedKey>,
}

/// The lesson, its moment (step, asking), whether it was busy or presented, its error, and the
/// Packets view's trace version and notice.
#[cfg(feature = "web")]
pub(super) type PublishedKey =
    (Option<(String, usize, bool)>, bool, bool, Option<String>, (u64, Option<String>, Option<String>));

impl LessonState {
    pub fn new() -> Self {
        let (catalog, error) = match builtin::all() {
            Ok(catalog) => (catalog, None),
            // Built-in lessons are checked by the tests; if one ever fails, say which.
            Err(e) => (Vec::new(), Some(e)),
        };
        Self {
            catalog,
            view: LessonsView::default(),
            player: None,
            queue: VecDeque::new(),
            error,
            presenter: Default::default(),
            #[cfg(feature = "web")]
            published: None,
        }
    }

    /// True while a step's actions are still being carried out.
    pub fn busy(&self) -> bool {
        !self.queue.is_empty()
    }
}
