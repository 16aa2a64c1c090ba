//! Runs a scene headless, as `netlens scene run` and lesson checks do: actions at their times,
//! until a number of events or a moment of virtual time.

use super::action::Action;
use super::scene::NetScene;

/// Runs `scene` headless: actions at their times, until `max_events` events or `until_us`.
pub fn run(scene: &mut dyn NetScene, actions: &[(u64, Action)], max_events: u64, until_us: u64) -> Result<u64, String> {
    let mut actions: Vec<&(u64, Action)> = actions.iter().collect();
    actions.sort_by_key(|(t, _)| *t);
    let mut actions = actions.into_iter().peekable();
    let mut processed = 0;
    while processed < max_events {
        let next_event = scene.next_time();
        if let Some(&&(at, ref action)) = actions.peek()
            && next_event.is_none_or(|t| at <= t)
        {
            scene.advance_to(at);
            scene.apply(action)?;
            actions.next();
            continue;
        }
        match next_event {
            Some(t) if t <= until_us => {
                scene.step();
                processed += 1;
            }
            _ => break,
        }
    }
    Ok(processed)
}
