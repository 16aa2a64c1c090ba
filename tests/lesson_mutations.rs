//! Lesson checks check what happened. For every step of every built-in lesson that carries
//! checks, the step's run is built again with one thing changed — another seed, a dropped packet,
//! a killed node, another node count, another fetch path, an action left out — and at least one
//! of the step's checks must then fail on the document it reads (a check that fails only because
//! its view shows nothing at all does not count). A check that passes whatever the run did would
//! let such a wrong run through. The report lists, for every check, which changes it caught.

use std::collections::BTreeMap;

use netlens::headless::{Demo, Shown, show};
use netlens::lesson::{FETCHED_SCENE, FetchPage, Lesson, LessonAction, builtin};
use netlens::netsim::{Action, create_kind};

/// One thing changed in a step's run.
struct Mutation {
    what: String,
    actions: Vec<LessonAction>,
}

fn replaced(actions: &[LessonAction], at: usize, with: LessonAction) -> Vec<LessonAction> {
    let mut out = actions.to_vec();
    out[at] = with;
    out
}

/// Every run that differs from `actions` in one thing.
fn mutations(lesson: &Lesson, actions: &[LessonAction]) -> Vec<Mutation> {
    let mut out = Vec::new();
    for (at, action) in actions.iter().enumerate() {
        match action {
            LessonAction::Packets(run) => {
                let base_seed =
                    if run.scene == FETCHED_SCENE { 1 } else { lesson.scene(&run.scene).map_or(1, |s| s.seed) };
                let mut other = run.clone();
                other.seed = Some(run.seed.unwrap_or(base_seed) + 1);
                out.push(Mutation {
                    what: format!("{} with seed {}", run.scene, other.seed.unwrap_or(0)),
                    actions: replaced(actions, at, LessonAction::Packets(other)),
                });
                for packet in 1..=6 {
                    if run.drop.contains(&packet) {
                        continue;
                    }
                    let mut other = run.clone();
                    other.drop.push(packet);
                    out.push(Mutation {
                        what: format!("{} with packet {packet} dropped", run.scene),
                        actions: replaced(actions, at, LessonAction::Packets(other)),
                    });
                }
            }
            LessonAction::Network { scene, seed, nodes } => {
                let n = nodes.unwrap_or(scene.default_nodes());
                out.push(Mutation {
                    what: format!("{} with seed {}", scene.name(), seed + 1),
                    actions: replaced(
                        actions,
                        at,
                        LessonAction::Network { scene: *scene, seed: seed + 1, nodes: *nodes },
                    ),
                });
                for other in [n.saturating_sub(1), n + 1] {
                    if other != n && scene.node_range().contains(&other) {
                        out.push(Mutation {
                            what: format!("{} with {other} nodes instead of {n}", scene.name()),
                            actions: replaced(
                                actions,
                                at,
                                LessonAction::Network { scene: *scene, seed: *seed, nodes: Some(other) },
                            ),
                        });
                    }
                }
                // A node killed at the start: the first, one in the middle and the last that can fail.
                let graph = create_kind(*scene, *seed, Some(n)).expect("the step's scene starts").graph();
                let can_fail: Vec<String> = graph.nodes.iter().filter(|g| g.can_fail).map(|g| g.name.clone()).collect();
                let mut victims: Vec<&String> = [can_fail.first(), can_fail.get(can_fail.len() / 2), can_fail.last()]
                    .into_iter()
                    .flatten()
                    .collect();
                victims.dedup();
                for victim in victims {
                    let mut killed = actions.to_vec();
                    killed.insert(at + 1, LessonAction::Act(Action::Kill(victim.clone())));
                    out.push(Mutation { what: format!("{victim} killed at the start"), actions: killed });
                }
            }
            LessonAction::Act(act) => {
                let mut left_out = actions.to_vec();
                left_out.remove(at);
                out.push(Mutation { what: format!("without {act:?}"), actions: left_out });
            }
            LessonAction::Fetch(page) => {
                for other in ["/missing", "/moved", "/"] {
                    if other != page.path {
                        let changed = FetchPage { path: other.to_string(), ..page.clone() };
                        out.push(Mutation {
                            what: format!("fetching {other} instead of {}", page.path),
                            actions: replaced(actions, at, LessonAction::Fetch(changed)),
                        });
                    }
                }
                let elsewhere = FetchPage { name: "nosuch.demo.test".into(), ..page.clone() };
                out.push(Mutation {
                    what: format!("fetching {} from nosuch.demo.test", page.path),
                    actions: replaced(actions, at, LessonAction::Fetch(elsewhere)),
                });
            }
            _ => {}
        }
    }
    out
}

/// Which checks of a step fail on `shown`, counting only those whose document is there.
fn failing(lesson: &Lesson, step: usize, shown: &Shown) -> Vec<usize> {
    lesson.steps[step]
        .checks
        .iter()
        .enumerate()
        .filter(|(_, check)| shown.document(check.of).is_some() && !shown.check(check).fine())
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn a_wrong_run_fails_at_least_one_check_of_every_step() {
    let mut demo = Demo::new().expect("a runtime for the demo site");
    let mut uncaught = Vec::new();
    let mut report = String::new();
    let mut steps_checked = 0;
    for lesson in builtin::all().expect("the built-in lessons read") {
        for (step, content) in lesson.steps.iter().enumerate() {
            if content.checks.is_empty() {
                continue;
            }
            steps_checked += 1;
            let actions = lesson.resolved(step);
            let shown =
                show(&lesson, &actions, &mut demo).unwrap_or_else(|e| panic!("{} step {}: {e}", lesson.id, step + 1));
            let baseline = failing(&lesson, step, &shown);
            assert!(
                baseline.is_empty(),
                "{} step {}: the lesson's own run fails checks {baseline:?}",
                lesson.id,
                step + 1
            );
            let mut caught_by: BTreeMap<usize, Vec<String>> = BTreeMap::new();
            let (mut tried, mut caught) = (0, 0);
            for mutation in mutations(&lesson, &actions) {
                // A change the step cannot even show (a packet that no longer exists) is no run.
                let Ok(shown) = show(&lesson, &mutation.actions, &mut demo) else { continue };
                tried += 1;
                let failed = failing(&lesson, step, &shown);
                if !failed.is_empty() {
                    caught += 1;
                }
                for check in failed {
                    caught_by.entry(check).or_default().push(mutation.what.clone());
                }
            }
            report.push_str(&format!(
                "{} step {} (line {}): {caught} of {tried} changed runs caught\n",
                lesson.id,
                step + 1,
                content.line
            ));
            for (i, check) in content.checks.iter().enumerate() {
                match caught_by.get(&i) {
                    Some(by) => report.push_str(&format!(
                        "    {} — fails with {} change(s), e.g. {}\n",
                        check.describe(),
                        by.len(),
                        by[0]
                    )),
                    None => report.push_str(&format!("    {} — no change made it fail\n", check.describe())),
                }
            }
            if tried == 0 || caught == 0 {
                uncaught.push(format!("{} step {} (line {})", lesson.id, step + 1, content.line));
            }
        }
    }
    println!("{report}");
    assert!(steps_checked >= 30, "only {steps_checked} steps with checks");
    assert!(uncaught.is_empty(), "steps whose checks pass whatever the run did: {uncaught:?}\n{report}");
}
