//! What the window keeps about the lesson the class follows (`class_lesson.rs` acts on it): the
//! teacher's voting rounds and what the class was last told; on a student's laptop whether it
//! follows, what it last followed, and why a step cannot be shown.

use crate::model::class_follow::TeacherRounds;
use crate::model::lesson::Moment;
use crate::swarm::follow::LessonPosition;

#[derive(Default)]
pub struct ClassLesson {
    pub(super) rounds: TeacherRounds,
    /// What the class was last told: lesson, moment and round.
    pub(super) taught: Option<(String, Moment, u32)>,
    /// The student explores on their own instead of following.
    pub detached: bool,
    /// The teacher's position this window last brought its lesson to.
    pub(super) followed: Option<LessonPosition>,
    /// Why the teacher's step cannot be shown on this laptop.
    pub problem: Option<String>,
    /// The lesson moment the class steps last acted on, and whether it was a class step.
    pub(super) class_moment: Option<(String, Moment, bool)>,
    /// This student logged out of the registry for a log-out step.
    pub(super) logged_out: bool,
}
