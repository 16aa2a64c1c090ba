//! The simulator's ground truth, scene by scene: smoltcp at both ends, the link's fates, and
//! our labels, checked against what really happened (and against etherparse's decoding).

use netlens::capture::{CaptureFormat, write_capture};
use netlens::packet::{LabelKind, decode::SYN, decode_ip};
use netlens::sim::{Fate, OverrideAction, PacketOverride, Scene, SimRun, simulate};
use netlens::trace::Trace;

fn run(name: &str) -> SimRun {
    simulate(&Scene::named(name).unwrap_or_else(|| panic!("scene {name}")))
}

fn capture_bytes(run: SimRun) -> Vec<u8> {
    let mut out = Vec::new();
    write_capture(&Trace::from_sim(run), CaptureFormat::PcapNg, &mut out).unwrap();
    out
}

#[test]
fn same_scene_and_seed_give_identical_captures_and_events_another_seed_differs() {
    let scene = Scene::named("lossy-transfer").unwrap();
    let (a, b) = (simulate(&scene), simulate(&scene));
    assert_eq!(a, b, "the event lists differ");
    assert_eq!(capture_bytes(a.clone()), capture_bytes(b), "the captures differ");
    let other = simulate(&Scene { seed: scene.seed + 1, ..scene });
    let lost = |r: &SimRun| r.packets.iter().filter(|p| p.fate == Fate::Lost).map(|p| p.number).collect::<Vec<_>>();
    assert_ne!(lost(&a), lost(&other), "another seed should lose other packets");
}

#[test]
fn handshake_is_syn_syn_ack_ack_and_both_sides_establish() {
    let run = run("handshake");
    let trace = Trace::from_sim(run.clone());
    let kinds: Vec<LabelKind> = trace.packets.iter().map(|p| p.analysis.kind).collect();
    assert_eq!(kinds, vec![LabelKind::Syn, LabelKind::SynAck, LabelKind::Ack]);
    assert_eq!(trace.packets[0].flags, SYN);
    assert_eq!(trace.packets[1].ack, trace.packets[0].seq.wrapping_add(1), "SYN-ACK acknowledges the SYN");
    for side in ["client", "server"] {
        let last = run.states.iter().rfind(|s| s.side.name() == side).unwrap();
        assert_eq!(last.state, "ESTABLISHED", "{side}");
    }
    assert!(run.completed_us.is_some(), "{}", run.outcome);
}

#[test]
fn teardown_sends_fin_both_ways_and_walks_the_closing_states() {
    let run = run("teardown");
    let trace = Trace::from_sim(run.clone());
    let fins: Vec<bool> =
        trace.packets.iter().filter(|p| p.analysis.kind == LabelKind::Fin).map(|p| p.forward).collect();
    assert_eq!(fins, vec![true, false], "client FIN, then server FIN");
    let states =
        |side: &str| run.states.iter().filter(|s| s.side.name() == side).map(|s| s.state.as_str()).collect::<Vec<_>>();
    let client = states("client");
    assert!(client.contains(&"FIN-WAIT-1") && client.ends_with(&["TIME-WAIT"]), "{client:?}");
    let server = states("server");
    assert!(
        server.contains(&"CLOSE-WAIT") && server.contains(&"LAST-ACK") && server.ends_with(&["CLOSED"]),
        "{server:?}"
    );
}

#[test]
fn lossy_transfer_delivers_every_byte_and_labels_each_retransmission() {
    let run = run("lossy-transfer");
    assert!(run.completed_us.is_some(), "{}", run.outcome);
    assert_eq!(run.received[0], run.sent[1], "client got the server's bytes intact");
    assert_eq!(run.received[1], run.sent[0], "server got the request intact");
    let trace = Trace::from_sim(run.clone());
    let lost_data: Vec<u32> = trace
        .packets
        .iter()
        .filter(|p| p.fate == netlens::trace::PacketFate::Sim(Fate::Lost) && p.len > 0)
        .map(|p| p.number)
        .collect();
    assert!(!lost_data.is_empty(), "the scene's seed should lose a data segment");
    for lost in &lost_data {
        let lost_packet = &trace.packets[*lost as usize - 1];
        let resent = trace.packets.iter().find(|p| {
            p.analysis.kind == LabelKind::Retransmission && p.seq == lost_packet.seq && p.forward == lost_packet.forward
        });
        assert!(resent.is_some(), "lost #{lost} was never labelled as retransmitted");
    }
    // Every retransmission really repeats bytes its sender had sent before.
    for p in trace.packets.iter().filter(|p| p.analysis.kind == LabelKind::Retransmission) {
        let original = &trace.packets[p.analysis.refers_to as usize - 1];
        assert_eq!((original.seq, original.forward), (p.seq, p.forward));
        assert!(original.number < p.number);
    }
    assert!(trace.count(LabelKind::DuplicateAck) >= 1, "the hole should cause duplicate ACKs");
}

#[test]
fn big_message_segments_never_exceed_the_mss_and_reassemble_exactly() {
    let run = run("big-message");
    let message = &run.sent[0].clone();
    assert!(message.len() > 65_535, "the message must not fit one IP packet");
    assert_eq!(&run.received[1], message, "the server got exactly the client's bytes");
    let mss = run.link.mtu - 40;
    let trace = Trace::from_sim(run);
    let data: Vec<_> = trace.packets.iter().filter(|p| p.forward && p.len > 0).collect();
    assert!(data.len() >= message.len() / mss, "{} segments", data.len());
    for p in &data {
        assert!(p.len as usize <= mss, "#{} carries {} bytes, more than the MSS {mss}", p.number, p.len);
    }
}

#[test]
fn fragments_have_right_offsets_and_flags_and_reassemble() {
    let run = run("fragmentation");
    assert_eq!(run.received[1], run.sent[0], "the datagram arrives whole");
    let headers: Vec<_> = run.packets.iter().map(|p| decode_ip(&p.bytes).unwrap().ip).collect();
    assert!(headers.len() >= 3, "4000 bytes over a 1500 MTU need 3 fragments");
    let mut expected_offset = 0;
    for (i, ip) in headers.iter().enumerate() {
        assert!(ip.total_len <= run.link.mtu);
        assert_eq!(ip.id, headers[0].id, "one datagram, one identification");
        assert_eq!(ip.fragment_offset, expected_offset, "fragment {i}");
        assert_eq!(ip.fragment_offset % 8, 0);
        assert_eq!(ip.more_fragments, i + 1 < headers.len(), "MF on all but the last");
        expected_offset += (ip.total_len - ip.header_len) as u32;
    }
    assert_eq!(expected_offset as usize, 4000 + 8, "fragments cover the UDP header and data");
}

#[test]
fn reordering_and_duplicates_are_labelled_from_ground_truth_and_hidden_from_the_app() {
    let reordered = run("reordering");
    assert!(reordered.packets.iter().any(|p| p.fate == Fate::Reordered));
    assert_eq!(reordered.received[0], reordered.sent[1]);
    let duplicated = run("duplicates");
    let copies: Vec<_> = duplicated.packets.iter().filter(|p| p.fate == Fate::Duplicate).collect();
    assert!(!copies.is_empty());
    for copy in copies {
        let original = &duplicated.packets[copy.copy_of.unwrap() - 1];
        assert_eq!(original.bytes, copy.bytes);
    }
    assert_eq!(duplicated.received[0], duplicated.sent[1], "the application never sees a byte twice");
    let trace = Trace::from_sim(duplicated);
    assert_eq!(trace.count(LabelKind::Retransmission), 0, "network copies are not the sender's retransmissions");
}

#[test]
fn dropping_one_packet_by_number_forces_its_retransmission() {
    let mut scene = Scene::named("http-exchange").unwrap();
    let clean = Trace::from_sim(simulate(&scene));
    let request = clean.packets.iter().find(|p| p.forward && p.len > 0).unwrap().number as usize;
    scene.overrides.push(PacketOverride { packet: request, action: OverrideAction::Drop });
    let run = simulate(&scene);
    assert_eq!(run.packets[request - 1].fate, Fate::Lost);
    assert_eq!(run.received[1], run.sent[0], "the request still arrives, later");
    let trace = Trace::from_sim(run);
    assert!(
        trace
            .packets
            .iter()
            .any(|p| p.analysis.kind == LabelKind::Retransmission && p.analysis.refers_to as usize == request)
    );
    // smoltcp's minimum RTO is 1 s: the retransmission cannot come sooner.
    let resent = trace.packets.iter().find(|p| p.analysis.kind == LabelKind::Retransmission).unwrap();
    assert!(resent.t_us - trace.packets[request - 1].t_us >= 1_000_000);
}

#[test]
fn our_decoder_agrees_with_etherparse_on_every_packet() {
    use etherparse::{NetHeaders, PacketHeaders, TransportHeader};
    for name in ["lossy-transfer", "fragmentation", "big-message"] {
        for packet in run(name).packets {
            let ours = decode_ip(&packet.bytes).unwrap();
            let theirs = PacketHeaders::from_ip_slice(&packet.bytes).unwrap();
            let Some(NetHeaders::Ipv4(ip, _)) = theirs.net else { panic!("IPv4 expected") };
            assert_eq!(ours.ip.id, u32::from(ip.identification));
            assert_eq!(ours.ip.more_fragments, ip.more_fragments);
            assert_eq!(ours.ip.fragment_offset, u32::from(ip.fragment_offset.value()) * 8);
            assert_eq!(ours.ip.ttl, ip.time_to_live);
            if let (Some(tcp), Some(TransportHeader::Tcp(t))) = (ours.tcp(), theirs.transport) {
                assert_eq!((tcp.src_port, tcp.dst_port), (t.source_port, t.destination_port));
                assert_eq!((tcp.seq, tcp.ack, tcp.window), (t.sequence_number, t.acknowledgment_number, t.window_size));
                assert_eq!(tcp.flags & SYN != 0, t.syn);
                assert_eq!(tcp.payload_len, theirs.payload.slice().len());
            }
        }
    }
}

#[test]
fn fetch_replay_carries_the_exact_bytes() {
    let request = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n".to_vec();
    let response = netlens::sim::scene::generated(70_000);
    let scene = Scene::fetch_replay("http://a/x", request.clone(), response.clone(), false);
    let run = simulate(&scene);
    assert_eq!(run.received[1], request);
    assert_eq!(run.received[0], response);
}

/// The two-hop scene seen from its three capture points: each capture holds exactly the packets
/// that passed there, at the time they passed, and a loss upstream of the capture point shows as
/// Wireshark's "previous segment not captured" gap, which a retransmission later fills.
#[test]
fn a_two_hop_run_captured_at_client_router_and_server_sees_what_passed_each_point() {
    use netlens::trace::CapturePoint;
    let run = run("two-hops");
    assert!(run.completed_us.is_some(), "{}", run.outcome);
    let server_sent = |p: &&netlens::sim::SimPacket| p.from == netlens::sim::Side::Server && p.copy_of.is_none();
    let lost_before_router =
        run.packets.iter().filter(server_sent).filter(|p| p.fate == Fate::Lost && p.t_router_us.is_none()).count();
    let lost_after_router =
        run.packets.iter().filter(server_sent).filter(|p| p.fate == Fate::Lost && p.t_router_us.is_some()).count();
    assert!(lost_before_router > 0 && lost_after_router > 0, "the scene loses data on both hops");
    for p in &run.packets {
        if let (Some(router), Some(arrive)) = (p.t_router_us, p.t_arrive_us) {
            assert!(
                p.t_send_us < router && router < arrive,
                "#{} passes the router between send and arrival",
                p.number
            );
        }
    }
    let at = |point| Trace::captured_at(&run, point).expect("a two-hop run has all three points");
    let (client, router, server) = (at(CapturePoint::Client), at(CapturePoint::Router), at(CapturePoint::Server));
    assert_eq!(router.packets.len(), run.packets.iter().filter(|p| p.t_router_us.is_some()).count());
    // The server's segments thin out along the way: each hop loses some.
    let from_server = |t: &Trace| t.packets.iter().filter(|p| !p.forward).count();
    assert!(from_server(&server) > from_server(&router) && from_server(&router) > from_server(&client));
    // The sender's capture has every segment it sent: no gaps, and the retransmissions.
    assert_eq!(server.count(LabelKind::LostSegment), 0);
    assert!(server.retransmissions() > 0);
    // Downstream of a loss, a gap comes first; a retransmission then fills it.
    for trace in [&router, &client] {
        let gap = trace.packets.iter().position(|p| p.analysis.kind == LabelKind::LostSegment);
        let gap = gap.unwrap_or_else(|| panic!("{}: a gap", trace.title));
        assert!(
            trace.packets[gap..]
                .iter()
                .any(|p| p.analysis.kind.is_retransmission() || p.analysis.kind == LabelKind::OutOfOrder),
            "{}: the gap is filled later",
            trace.title
        );
    }
    // Captures keep the simulator's truth: the server's shows the packets the network lost.
    assert!(server.packets.iter().any(|p| p.fate == netlens::trace::PacketFate::Sim(Fate::Lost)));
    let lost = netlens::trace::PacketFate::Sim(Fate::Lost);
    assert!(
        client.packets.iter().filter(|p| !p.forward).all(|p| p.fate != lost),
        "what reached the client was not lost"
    );
    // A one-hop run has no router to capture at.
    assert!(Trace::captured_at(&simulate(&Scene::named("lossy-transfer").unwrap()), CapturePoint::Router).is_none());
}
