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
