//! Exports from the real window (egui_kittest): the ladder as SVG and Mermaid exactly as shown
//! (range, playhead and selection), the ladder copied as Mermaid, the network graph as SVG, a
//! page load as HAR, and "Copy as curl" — whose command, run by curl, fetches the same page from
//! the demo site. Exports go to a directory of the test's own (no dialog in tests).

mod common;

use std::path::{Path, PathBuf};

use common::ui::run_until;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netlens::app::{AppConfig, NetlensApp};

fn start(export_dir: &Path, demo: bool) -> Harness<'static, NetlensApp> {
    let dir = export_dir.to_path_buf();
    Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| {
        let base = if demo { AppConfig::test_with_demo() } else { AppConfig::test() };
        NetlensApp::new(cc, AppConfig { export_dir: Some(dir.clone()), ..base })
    })
}

/// Waits for the export file (written on the file thread) and reads it.
fn exported(harness: &mut Harness<'static, NetlensApp>, path: PathBuf) -> String {
    run_until(harness, &format!("{} is written", path.display()), |_| path.exists());
    run_until(harness, "the notice says so", |h| {
        h.state().export_notice_text().is_some_and(|(t, _)| t.starts_with("Saved"))
    });
    std::fs::read_to_string(&path).unwrap()
}

fn menu(harness: &mut Harness<'static, NetlensApp>, item: &str) {
    harness.get_by_label("Export ▾").click();
    harness.run_steps(2);
    harness.get_by_label(item).click();
    harness.run_steps(2);
}

/// Clicks `label` and returns what the frames that follow put on the clipboard.
fn click_and_copy(harness: &mut Harness<'static, NetlensApp>, label: &str) -> Option<String> {
    harness.get_by_label(label).click();
    (0..3).find_map(|_| {
        harness.step();
        harness.output().platform_output.commands.iter().find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
    })
}

fn parses_as_svg(text: &str) {
    let tree = resvg::usvg::Tree::from_str(text, &resvg::usvg::Options::default());
    assert!(tree.is_ok(), "a real SVG library parses it: {:?}", tree.err());
}

#[test]
fn the_ladder_exports_as_shown_to_svg_and_mermaid_and_to_the_clipboard() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = start(dir.path(), false);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake has run", |h| {
        h.state().packets_model().trace().is_some() && !h.state().packets_model().busy()
    });
    let packets = harness.state().packets_model().trace().unwrap().packets.len();
    // Before playing nothing is shown: the Mermaid text has the lanes and no arrow.
    menu(&mut harness, "Ladder as Mermaid…");
    let before = exported(&mut harness, dir.path().join("handshake-ladder.mmd"));
    assert_eq!(before.lines().filter(|l| l.trim_start().starts_with("participant ")).count(), 2);
    assert_eq!(before.lines().filter(|l| l.contains("->>") || l.contains("-x")).count(), 0, "{before}");
    std::fs::remove_file(dir.path().join("handshake-ladder.mmd")).unwrap();
    // Step to the second packet: two arrows shown, the second one selected.
    harness.get_by_label("▶|").click();
    harness.run_steps(2);
    harness.get_by_label("▶|").click();
    harness.run_steps(3);
    menu(&mut harness, "Ladder as Mermaid…");
    let text = exported(&mut harness, dir.path().join("handshake-ladder.mmd"));
    let arrows: Vec<&str> = text.lines().filter(|l| l.contains("->>") || l.contains("-x")).collect();
    assert_eq!(arrows.len(), 2.min(packets), "as shown: {text}");
    assert!(arrows[0].contains("SYN") && arrows[1].contains("SYN,ACK"), "{arrows:?}");
    menu(&mut harness, "Ladder as SVG…");
    let svg = exported(&mut harness, dir.path().join("handshake-ladder.svg"));
    parses_as_svg(&svg);
    assert!(svg.contains(">#1 SYN") && svg.contains(">#2 SYN,ACK"), "the arrows' labels");
    assert!(!svg.contains(">#3 "), "the third packet is not shown yet");
    assert!(svg.contains(r#"stroke-width="3.50""#), "the selected arrow is drawn thick, as on screen");
    // Copy: the same text on the clipboard.
    harness.get_by_label("Export ▾").click();
    harness.run_steps(2);
    assert_eq!(click_and_copy(&mut harness, "Copy ladder as Mermaid").as_deref(), Some(text.as_str()));
}

#[test]
fn the_network_graph_exports_as_svg_with_its_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = start(dir.path(), false);
    harness.get_by_label("Network").click();
    run_until(&mut harness, "the scene is open", |h| !h.state().network_model().graph().nodes.is_empty());
    harness.run_steps(3);
    menu(&mut harness, "Graph as SVG…");
    let scene = harness.state().network_model().config().scene.name();
    let svg = exported(&mut harness, dir.path().join(format!("{scene}-graph.svg")));
    parses_as_svg(&svg);
    for node in &harness.state().network_model().graph().nodes {
        assert!(svg.contains(&format!(">{}</text>", node.name)), "{} is on the graph", node.name);
    }
}

#[test]
fn a_page_load_exports_as_har_and_copy_as_curl_fetches_the_same_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = start(dir.path(), true);
    run_until(&mut harness, "the demo site runs", |h| h.state().demo_addresses().is_some());
    harness.get_by_label("Fetch").click();
    harness.run_steps(2);
    harness.key_press(egui::Key::Enter);
    run_until(&mut harness, "the page has loaded", |h| h.query_all_by_label_contains("Done:").next().is_some());
    harness.run_steps(2);
    menu(&mut harness, "Page load as HAR…");
    let har: serde_json::Value =
        serde_json::from_str(&exported(&mut harness, dir.path().join("www.demo.test.har"))).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    let entries = har["log"]["entries"].as_array().unwrap();
    assert!(entries.len() >= 6, "the page and its sub-resources");
    assert_eq!(entries[0]["response"]["status"], 200);

    let command = click_and_copy(&mut harness, "Copy as curl").expect("copied");
    assert!(command.starts_with("curl ") && command.contains("--resolve 'www.demo.test:"), "{command}");
    // Run it: curl fetches the same page from the demo site on loopback.
    let out = std::process::Command::new("sh")
        .args(["-c", &format!("{command} --silent --show-error --max-time 20")])
        .output();
    let Ok(out) = out else {
        common::skip("running the copied command needs a shell");
        return;
    };
    if !out.status.success() && String::from_utf8_lossy(&out.stderr).contains("not found") {
        common::skip("running the copied command needs curl (apt-get install -y curl)");
        return;
    }
    assert!(out.status.success(), "{command}: {}", String::from_utf8_lossy(&out.stderr));
    let body = String::from_utf8_lossy(&out.stdout);
    assert_eq!(body.as_ref(), entries[0]["response"]["content"]["text"].as_str().unwrap(), "the same page");
}
