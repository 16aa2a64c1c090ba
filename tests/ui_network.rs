//! Drives the real app's Network view with egui_kittest: replicated storage survives a dead
//! peer; the client/server scene's server can be killed from its button.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netlens::app::{AppConfig, NetlensApp};

fn start_app() -> Harness<'static, NetlensApp> {
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(|cc| NetlensApp::new(cc, AppConfig { demo: None, open: None }));
    harness.get_by_label("Network").click();
    harness.run_steps(2);
    harness
}

fn has_label(harness: &Harness<'static, NetlensApp>, text: &str) -> bool {
    harness.query_all_by_label(text).next().is_some()
}

#[test]
fn killing_a_peer_in_replicated_storage_is_repaired_back_to_r_copies() {
    let mut harness = start_app();
    harness.get_by_label("scene").click();
    harness.run_steps(2);
    harness.get_by_label_contains("replicated-storage —").click();
    harness.run_steps(2);
    // Let the pieces be placed.
    for _ in 0..40 {
        harness.get_by_label("Step").click();
        harness.step();
    }
    assert!(has_label(&harness, "Pieces at 3 copies: 12 of 12"), "every piece starts at r copies");

    harness.get_by_label("peer-3").click();
    harness.run_steps(2);
    harness.get_by_label("Kill peer-3").click();
    harness.run_steps(2);
    assert!(harness.query_all_by_label_contains("Pieces at 3 copies:").next().is_some());
    assert!(!has_label(&harness, "Pieces at 3 copies: 12 of 12"), "peer-3's pieces are down a copy");
    assert!(has_label(&harness, "Restart peer-3"), "a dead peer can be restarted");

    let mut steps = 0;
    while !has_label(&harness, "Pieces at 3 copies: 12 of 12") {
        harness.get_by_label("Step").click();
        harness.step();
        steps += 1;
        assert!(steps < 200, "repair did not finish within 200 events");
    }
    assert!(has_label(&harness, "The file reads back intact (same hash)."));
    assert!(harness.query_all_by_label_contains("repair").next().is_some(), "the event list shows the repair copies");
}

#[test]
fn the_kill_server_button_makes_requests_fail() {
    let mut harness = start_app();
    for _ in 0..30 {
        harness.get_by_label("Step").click();
        harness.step();
    }
    harness.get_by_label("Kill server").click();
    harness.run_steps(2);
    assert!(has_label(&harness, "Restart server"));
    for _ in 0..40 {
        harness.get_by_label("Step").click();
        harness.step();
    }
    assert!(harness.query_all_by_label_contains("connection refused, the server is down").next().is_some());
}
