//! Drives the real app's Packets view with egui_kittest: open the handshake scene, step
//! through it and read the inspector; open a capture from the command line's path.

mod common;

use common::ui::run_until;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use netlens::app::{AppConfig, NetlensApp, Tab};
use netlens::ui::packets::{PacketsIntent, with_override};

fn start_app(open: Option<std::path::PathBuf>) -> Harness<'static, NetlensApp> {
    Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| NetlensApp::new(cc, AppConfig { open: open.clone(), ..AppConfig::test() }))
}

fn has_label(harness: &Harness<'static, NetlensApp>, text: &str) -> bool {
    harness.query_all_by_label(text).next().is_some()
}

#[test]
fn stepping_through_the_handshake_shows_syn_syn_ack_ack_in_the_inspector() {
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake scene has run", |h| {
        let model = h.state().packets_model();
        model.trace().is_some() && !model.busy()
    });
    assert!(has_label(&harness, "The three-way handshake"), "the scene's title and explanation show");
    for (step, label) in [(1, "SYN"), (2, "SYN-ACK"), (3, "ACK")] {
        harness.get_by_label("▶|").click();
        harness.run_steps(3);
        assert!(has_label(&harness, &format!("Packet #{step}")), "step {step}: inspector shows packet #{step}");
        assert!(has_label(&harness, label), "step {step}: inspector labels it {label}");
    }
    // The inspector lists the TCP header fields with their offsets.
    assert!(has_label(&harness, "TCP Sequence number"));
    assert!(has_label(&harness, "IPv4 Destination address"));
    assert!(has_label(&harness, "192.0.2.80"), "the destination address value");
}

#[test]
fn a_capture_given_at_start_opens_in_the_packets_view() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lossy.pcap");
    let trace =
        netlens::trace::Trace::from_sim(netlens::sim::simulate(&netlens::sim::Scene::named("lossy-transfer").unwrap()));
    let mut bytes = Vec::new();
    netlens::capture::write_capture(&trace, netlens::capture::CaptureFormat::Pcap, &mut bytes).unwrap();
    std::fs::write(&path, bytes).unwrap();

    let mut harness = start_app(Some(path));
    assert_eq!(harness.state().tab, Tab::Packets);
    run_until(&mut harness, "the capture is read", |h| {
        let model = h.state().packets_model();
        model.trace().is_some() && !model.busy()
    });
    let packets = trace.packets.len();
    assert!(
        has_label(&harness, &format!("Events: {packets} of {packets} packets")),
        "a capture shows all its packets at once"
    );
}

#[test]
fn a_damaged_capture_says_where_it_is_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.pcap");
    std::fs::write(&path, b"this is not a capture file at all").unwrap();
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    harness.step();
    harness.state_mut().packets(PacketsIntent::Open(path));
    run_until(&mut harness, "the read fails", |h| !h.state().packets_model().busy());
    assert!(harness.query_all_by_label_contains("not a pcap or pcapng file").next().is_some());
}

#[test]
fn show_as_packets_replays_the_selected_exchange_byte_for_byte() {
    use egui::accesskit::Role;
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(|cc| NetlensApp::new(cc, AppConfig::test_with_demo()));
    run_until(&mut harness, "the demo services start", |h| h.state().demo_addresses().is_some());
    harness.get_by_label("Fetch").click();
    harness.run_steps(2);
    let url = format!("{}missing", harness.state().demo_addresses().unwrap().home_url());
    harness.get_by_role(Role::TextInput).focus();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.get_by_role(Role::TextInput).type_text(&url);
    harness.step();
    harness.key_press(egui::Key::Enter);
    run_until(&mut harness, "the 404 arrives", |h| h.query_all_by_label_contains("Done:").next().is_some());

    harness.get_by_label("Show as packets").click();
    run_until(&mut harness, "the replay has run", |h| {
        let model = h.state().packets_model();
        !model.busy() && model.trace().as_ref().is_some_and(|t| t.title.starts_with("fetch-replay"))
    });
    assert_eq!(harness.state().tab, Tab::Packets);
    let run = harness.state().packets_model().trace().unwrap().sim.clone().unwrap();
    assert!(run.received[1].starts_with(b"GET /missing HTTP/1.1\r\n"), "the server got the exact request");
    assert!(run.received[0].starts_with(b"HTTP/1.1 404 Not Found\r\n"), "the client got the exact response");
    harness.run_steps(2);
    assert!(harness.query_all_by_label_contains("Replay of").next().is_some(), "the scene says what it replays");
}

#[test]
fn overriding_a_packet_reruns_the_scene_with_it_dropped() {
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake has run", |h| !h.state().packets_model().busy());
    let scene = with_override(harness.state().packets_model().scene(), 1, netlens::sim::OverrideAction::Drop).unwrap();
    harness.state_mut().packets(PacketsIntent::RunScene(Box::new(scene)));
    run_until(&mut harness, "the re-run finishes", |h| !h.state().packets_model().busy());
    let trace = harness.state().packets_model().trace().unwrap();
    assert_eq!(trace.packets[0].fate.name(), "lost");
    assert_eq!(trace.packets[1].analysis.kind, netlens::packet::LabelKind::Retransmission, "the SYN is sent again");
    harness.run_steps(2);
    assert!(has_label(&harness, "1 packet override ✖"), "the override is listed and can be cleared");
}

#[test]
fn saving_over_the_open_capture() {
    // The capture shown is read from a memory mapping of its file. Saving over that very file
    // used to truncate it under the mapping (SIGBUS); now it is written beside and renamed, and
    // the view then shows the saved file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("open.pcapng");
    let trace =
        netlens::trace::Trace::from_sim(netlens::sim::simulate(&netlens::sim::Scene::named("lossy-transfer").unwrap()));
    let mut bytes = Vec::new();
    netlens::capture::write_capture(&trace, netlens::capture::CaptureFormat::Pcap, &mut bytes).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let mut harness = start_app(Some(path.clone()));
    run_until(&mut harness, "the capture is read", |h| h.state().packets_model().trace().is_some());
    let shown_before = harness.state().packets_model().trace_version();

    harness.state_mut().packets(PacketsIntent::Save(path.display().to_string()));
    run_until(&mut harness, "the save finishes and the file is read again", |h| {
        let model = h.state().packets_model();
        !model.busy() && model.trace_version() > shown_before
    });
    let model = harness.state().packets_model();
    assert!(model.notice.as_deref().unwrap_or("").starts_with(&format!("saved {} packets", trace.packets.len())));
    assert_eq!(model.trace().unwrap().packets.len(), trace.packets.len(), "the saved file is shown");
    let written = std::fs::read(&path).unwrap();
    assert_eq!(&written[..4], &[0x0a, 0x0d, 0x0d, 0x0a], "pcapng now, by the file name");
    assert_eq!(netlens::capture::open(&path).unwrap().packets.len(), trace.packets.len());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
}

#[test]
fn a_save_that_cannot_be_written_says_why_and_keeps_the_view() {
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake has run", |h| h.state().packets_model().trace().is_some());
    harness.state_mut().packets(PacketsIntent::Save("/nonexistent-dir/x.pcap".into()));
    run_until(&mut harness, "the save fails", |h| !h.state().packets_model().busy());
    let notice = harness.state().packets_model().notice.clone().unwrap();
    assert!(notice.starts_with("could not save to /nonexistent-dir/x.pcap"), "{notice}");
    assert!(harness.state().packets_model().trace().is_some());
}

#[test]
fn dragging_a_slider_runs_the_scene_once_when_released() {
    // Each change during a drag used to start a simulation thread of its own.
    use egui::{Event, Modifiers, PointerButton};
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake has run", |h| !h.state().packets_model().busy());
    let before = harness.state().packets_model().requests();
    let rect = harness
        .get_all_by_label("loss")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::Slider)
        .unwrap()
        .rect();
    let from = rect.left_center() + egui::vec2(4.0, 0.0);
    harness.event(Event::PointerMoved(from));
    harness.event(Event::PointerButton {
        pos: from,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    for k in 1..=20 {
        harness.event(Event::PointerMoved(from + egui::vec2(k as f32 * rect.width() / 25.0, 0.0)));
    }
    harness.step();
    assert_eq!(harness.state().packets_model().requests(), before, "nothing runs while the slider is held");
    let to = from + egui::vec2(rect.width() * 0.8, 0.0);
    harness.event(Event::PointerButton {
        pos: to,
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    harness.run_steps(2);
    assert_eq!(harness.state().packets_model().requests(), before + 1, "one run, on release");
    run_until(&mut harness, "the run finishes", |h| !h.state().packets_model().busy());
    let loss = harness.state().packets_model().scene().unwrap().link.loss;
    assert!(loss > 0.05, "the run has the dragged loss: {loss}");
}

/// The "captured at" buttons: the router is offered only where there is one; each point shows
/// the same run as that capture would hold it, with the gaps a loss upstream leaves, and going
/// back to "whole run" shows every packet again. A new run keeps the chosen point.
#[test]
fn the_captured_at_buttons_show_one_run_from_client_router_and_server() {
    use netlens::trace::CapturePoint;
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake has run", |h| !h.state().packets_model().busy());
    // One hop: no router to click.
    assert!(harness.get_by_label("router").accesskit_node().is_disabled(), "the handshake scene has no router");
    let scene = netlens::sim::Scene::named("two-hops").unwrap();
    harness.state_mut().packets(PacketsIntent::RunScene(Box::new(scene)));
    run_until(&mut harness, "the two-hop run finishes", |h| !h.state().packets_model().busy());
    harness.run_steps(2);
    let whole = harness.state().packets_model().trace().unwrap().packets.len();
    let mut seen = Vec::new();
    for point in CapturePoint::ALL {
        harness.get_by_label(point.name()).click();
        harness.run_steps(2);
        let model = harness.state().packets_model();
        assert_eq!(model.capture_point(), Some(point));
        let trace = model.trace().unwrap();
        assert!(trace.title.contains(match point {
            CapturePoint::Client => "the client",
            CapturePoint::Router => "the router",
            CapturePoint::Server => "the server",
        }));
        // The server's segments, which thin out hop by hop.
        let from_server = trace.packets.iter().filter(|p| !p.forward).count();
        seen.push((from_server, trace.count(netlens::packet::LabelKind::LostSegment)));
    }
    let [(client, client_gaps), (router, router_gaps), (server, server_gaps)] = seen[..] else { unreachable!() };
    assert!(client < router && router < server && server < whole, "{seen:?} of {whole}");
    assert_eq!(server_gaps, 0, "the sender's own capture has no holes");
    assert!(router_gaps >= 1 && client_gaps >= router_gaps, "{seen:?}");
    // A re-run (another seed) is shown from the same point.
    let mut other = netlens::sim::Scene::named("two-hops").unwrap();
    other.seed = 9;
    harness.state_mut().packets(PacketsIntent::RunScene(Box::new(other)));
    run_until(&mut harness, "the re-run finishes", |h| !h.state().packets_model().busy());
    assert!(harness.state().packets_model().trace().unwrap().title.contains("the server"));
    harness.get_by_label("whole run").click();
    harness.run_steps(2);
    let model = harness.state().packets_model();
    assert_eq!(model.capture_point(), None);
    assert!(model.trace().unwrap().sim.is_some(), "the whole run is the simulator's own trace again");
}

/// The Stream tab, stepped through a lossy transfer: the bytes given to the client only grow,
/// and at the end it has every byte, in order. (Holes and waiting bytes are checked on the
/// snapshot the tab draws, in model::stream.)
#[test]
fn the_stream_tab_follows_the_playhead_through_a_lossy_transfer() {
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake has run", |h| !h.state().packets_model().busy());
    let scene = netlens::sim::Scene::named("lossy-transfer").unwrap();
    harness.state_mut().packets(PacketsIntent::RunScene(Box::new(scene)));
    run_until(&mut harness, "the run finishes", |h| !h.state().packets_model().busy());
    harness.run_steps(2);
    harness.get_by_label("Stream (client receives)").click();
    harness.run_steps(2);
    let packets = harness.state().packets_model().trace().unwrap().packets.len();
    let received = |h: &Harness<'static, NetlensApp>| -> Option<usize> {
        let node = h.query_all_by_label_contains("client has received").next()?;
        let text = node.accesskit_node().value().or(node.accesskit_node().label())?.to_string();
        text.split_whitespace().nth(3)?.parse().ok()
    };
    let mut seen = Vec::new();
    for _ in 0..packets {
        harness.get_by_label("▶|").click();
        harness.run_steps(1);
        if let Some(n) = received(&harness) {
            seen.push(n);
        }
    }
    assert!(seen.len() > packets / 2, "the tab says how much the client has at most steps");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "the in-order bytes only grow: {seen:?}");
    assert_eq!(seen.last(), Some(&40_000), "at the end the client has the whole stream");
    assert!(seen.iter().any(|&n| n > 0 && n < 40_000), "and it grew step by step");
}
