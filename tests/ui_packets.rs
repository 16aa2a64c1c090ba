//! Drives the real app's Packets view with egui_kittest: open the handshake scene, step
//! through it and read the inspector; open a capture from the command line's path.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use netlens::app::{AppConfig, NetlensApp, Tab};

/// Generous: only a hang guard for a loaded CI machine, not a speed check.
const PATIENCE: Duration = Duration::from_secs(60);

fn start_app(open: Option<std::path::PathBuf>) -> Harness<'static, NetlensApp> {
    Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(move |cc| NetlensApp::new(cc, AppConfig { demo: None, open: open.clone() }))
}

fn run_until(
    harness: &mut Harness<'static, NetlensApp>,
    what: &str,
    done: impl Fn(&mut Harness<'static, NetlensApp>) -> bool,
) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(Instant::now() < deadline, "gave up waiting until {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn has_label(harness: &Harness<'static, NetlensApp>, text: &str) -> bool {
    harness.query_all_by_label(text).next().is_some()
}

#[test]
fn stepping_through_the_handshake_shows_syn_syn_ack_ack_in_the_inspector() {
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake scene has run", |h| {
        let view = h.state_mut().packets_view();
        view.trace.is_some() && !view.busy()
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
        let view = h.state_mut().packets_view();
        view.trace.is_some() && !view.busy()
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
    harness.state_mut().packets_view().open_file(path);
    run_until(&mut harness, "the read fails", |h| !h.state_mut().packets_view().busy());
    assert!(harness.query_all_by_label_contains("not a pcap or pcapng file").next().is_some());
}

#[test]
fn show_as_packets_replays_the_selected_exchange_byte_for_byte() {
    use egui::accesskit::Role;
    use netlens::net::demo::DemoConfig;
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .build_eframe(|cc| NetlensApp::new(cc, AppConfig { demo: Some(DemoConfig::ephemeral()), open: None }));
    run_until(&mut harness, "the demo services start", |h| h.state().demo_addresses().is_some());
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
        let view = h.state_mut().packets_view();
        !view.busy() && view.trace.as_ref().is_some_and(|t| t.title.starts_with("fetch-replay"))
    });
    assert_eq!(harness.state().tab, Tab::Packets);
    let run = harness.state_mut().packets_view().trace.as_ref().unwrap().sim.clone().unwrap();
    assert!(run.received[1].starts_with(b"GET /missing HTTP/1.1\r\n"), "the server got the exact request");
    assert!(run.received[0].starts_with(b"HTTP/1.1 404 Not Found\r\n"), "the client got the exact response");
    harness.run_steps(2);
    assert!(harness.query_all_by_label_contains("Replay of").next().is_some(), "the scene says what it replays");
}

#[test]
fn overriding_a_packet_reruns_the_scene_with_it_dropped() {
    let mut harness = start_app(None);
    harness.get_by_label("Packets").click();
    run_until(&mut harness, "the handshake has run", |h| !h.state_mut().packets_view().busy());
    harness.state_mut().packets_view().override_packet(1, netlens::sim::OverrideAction::Drop);
    run_until(&mut harness, "the re-run finishes", |h| !h.state_mut().packets_view().busy());
    let trace = harness.state_mut().packets_view().trace.as_ref().unwrap();
    assert_eq!(trace.packets[0].fate.name(), "lost");
    assert_eq!(trace.packets[1].analysis.kind, netlens::packet::LabelKind::Retransmission, "the SYN is sent again");
    harness.run_steps(2);
    assert!(has_label(&harness, "1 packet override ✖"), "the override is listed and can be cleared");
}
