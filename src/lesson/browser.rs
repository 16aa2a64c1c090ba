//! What a lesson check reads that a browser tab cannot show: the browser fetches for the page and
//! hides the raw request and response bytes, the DNS lookup, the connection and TLS, so a
//! check on those (and on a replay of the fetched bytes as packets) cannot pass there. The web
//! build reports such checks as hidden, not failed, and says the desktop app shows them.

use super::check::{Check, Doc};
use super::{FETCHED_SCENE, LessonAction};

/// The parts of a fetched exchange only the desktop app records.
const HIDDEN_FETCH_PARTS: [&str; 6] = ["request", "connect", "dns", "tls_sent", "tls_received", "tcp"];

/// Whether `check`, in a step brought about by `actions` (its resolved list), reads something a
/// browser hides.
pub fn hidden_in_browser(check: &Check, actions: &[LessonAction]) -> bool {
    match check.of {
        Doc::Fetch => {
            let mut parts = check.path.trim_start_matches('/').split('/');
            let (first, _, third) = (parts.next(), parts.next(), parts.next());
            check.path.contains("raw")
                || (first == Some("exchanges") && third.is_some_and(|part| HIDDEN_FETCH_PARTS.contains(&part)))
        }
        // The packets shown come from the last run; a replay of the fetch needs its bytes.
        Doc::Packets => actions
            .iter()
            .rev()
            .find_map(|a| match a {
                LessonAction::Packets(run) => Some(run.scene == FETCHED_SCENE),
                _ => None,
            })
            .unwrap_or(false),
        // A tab runs no class swarm: such a check is not run there, as on a desktop without one.
        Doc::Network | Doc::Swarm => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::builtin;

    fn hidden_count(id: &str) -> (usize, usize) {
        let lesson = builtin::all().unwrap().into_iter().find(|l| l.id == id).unwrap();
        let mut hidden = 0;
        let mut all = 0;
        for (i, step) in lesson.steps.iter().enumerate() {
            let actions = lesson.resolved(i);
            for check in &step.checks {
                all += 1;
                hidden += usize::from(hidden_in_browser(check, &actions));
            }
        }
        (hidden, all)
    }

    #[test]
    fn the_bytes_lesson_reads_raw_bytes_and_their_replay_which_a_browser_hides() {
        let (hidden, all) = hidden_count("bytes");
        assert_eq!(hidden, all, "every check of the bytes lesson reads raw bytes or their replay");
    }

    #[test]
    fn lessons_without_a_fetch_hide_nothing() {
        for id in ["ip-packets", "tcp-connection", "one-server", "peers"] {
            assert_eq!(hidden_count(id).0, 0, "{id}");
        }
    }

    #[test]
    fn the_fetch_lesson_hides_its_dns_and_raw_checks_but_not_its_status_and_headers() {
        let (hidden, all) = hidden_count("fetch-a-page");
        assert!(hidden > 0 && hidden < all, "{hidden} of {all}");
    }
}
