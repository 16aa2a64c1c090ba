//! Hostile bytes to every listener of a headless live scene: each broken connection is turned
//! away with one visible "rejected frame" event, no node is marked dead because of it, and the
//! scene still tells its story — replicated storage gets back to r copies with the same hash
//! after a real kill. Most attacks open with a real node's preamble (the test knows the session's
//! key, as a buggy node of the session would), so that the frame after it is what is judged;
//! three attack the preamble itself: none at all, a node's name without its token, and a
//! connection that says it is one node and then speaks for another (posing as the tracker).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use netlens::net::live::scene_runner::handle::LiveHandle;
use netlens::net::live::scene_runner::{Limits, LiveConfig, SessionKey};
use netlens::netsim::live_world::{Frame, MAX_FRAME, encode_preamble};
use netlens::netsim::{Action, MessageKind, create};
use netlens::worker_api::live::LiveUpdate;

const PATIENCE: Duration = Duration::from_secs(60);
/// Short, so the trickle and the unfinished frame are cut off quickly in this test.
const FRAME_TIMEOUT: Duration = Duration::from_millis(400);

/// The session's key, known to this test.
const KEY: [u8; 16] = *b"hostile-test-key";

/// How a hostile connection opens.
#[derive(Clone, Copy, PartialEq)]
enum Opening {
    /// With the preamble of the node it sends as, token and all.
    Own,
    /// Straight into a frame.
    Nothing,
    /// With a node's name and a made-up token.
    WithoutToken,
    /// With the preamble of this sender, token and all (one the scene does not have).
    OwnAs(u16),
}

/// One kind of hostile connection: a name, how it opens, and the bytes it then sends as node
/// `from` to node `to` (then it waits).
struct Attack {
    name: &'static str,
    opening: Opening,
    bytes: fn(from: u16, to: u16) -> Vec<u8>,
    /// Send one byte at a time, slowly.
    trickle: bool,
    /// Close the connection right after sending.
    close: bool,
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
    bytes.extend_from_slice(body);
    bytes
}

fn body(from: u16, to: u16, kind: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut b = from.to_be_bytes().to_vec();
    b.extend_from_slice(&to.to_be_bytes());
    b.push(kind.len() as u8);
    b.extend_from_slice(kind);
    b.extend_from_slice(payload);
    b
}

fn attacks() -> Vec<Attack> {
    vec![
        Attack {
            name: "no preamble",
            opening: Opening::Nothing,
            bytes: |from, to| framed(&body(from, to, b"hello", b"\"Hello\"")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "a node's name without its token",
            opening: Opening::WithoutToken,
            bytes: |from, to| framed(&body(from, to, b"hello", b"\"Hello\"")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "posing as another node (the tracker) on a node's connection",
            opening: Opening::Own,
            bytes: |from, to| {
                let other = if from == 0 { 2 } else { 0 };
                framed(&body(if to == other { from + 3 } else { other }, to, b"store", b"{}"))
            },
            trickle: false,
            close: false,
        },
        Attack {
            name: "bad UTF-8 kind",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to, &[0xff, 0xff], b"{}")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "the 11 bytes of the issue",
            opening: Opening::Own,
            bytes: |_, _| vec![0, 0, 0, 7, 0, 0, 0, 1, 2, 0xff, 0xff],
            trickle: false,
            close: false,
        },
        Attack {
            name: "unknown kind",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to, b"explode", b"{}")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "length longer than what follows",
            opening: Opening::Own,
            bytes: |from, to| {
                let mut b = framed(&body(from, to, b"store", b"{}"));
                b[3] = 200;
                b
            },
            trickle: false,
            close: false,
        },
        Attack {
            name: "length shorter than the kind",
            opening: Opening::Own,
            bytes: |from, to| {
                let mut b = framed(&body(from, to, b"store", b"{\"Store\":{}}"));
                b[3] = 6;
                b
            },
            trickle: false,
            close: false,
        },
        Attack {
            name: "unknown sender",
            opening: Opening::OwnAs(999),
            bytes: |_, to| framed(&body(999, to, b"hello", b"\"Hello\"")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "addressed to another node",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to + 1, b"store", b"{}")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "garbage JSON",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to, b"store", b"{not json at all")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "a message of the wrong shape",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to, b"store", b"{\"Store\":{\"piece\":99,\"bytes\":[1,2,3]}}")),
            trickle: false,
            close: false,
        },
        Attack {
            name: "1 MiB",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to, b"store", &vec![b'x'; 1 << 20])),
            trickle: false,
            close: false,
        },
        Attack {
            name: "a trickle",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to, b"store", &[b' '; 64])),
            trickle: true,
            close: false,
        },
        Attack {
            name: "closed in the middle of a frame",
            opening: Opening::Own,
            bytes: |from, to| framed(&body(from, to, b"store", b"{\"Store\":"))[..10].to_vec(),
            trickle: false,
            close: true,
        },
    ]
}

/// Sends one attack on a fresh connection; returns the connection's own address.
fn attack(addr: SocketAddr, to: u16, attack: &Attack) -> SocketAddr {
    let mut stream = TcpStream::connect(addr).unwrap();
    let local = stream.local_addr().unwrap();
    let key = SessionKey::from_secret(KEY);
    // A node of the session, not the one attacked.
    let from: u16 = if to == 0 { 1 } else { 0 };
    let mut bytes = match attack.opening {
        Opening::Own => encode_preamble(from, &key.token(from.into())).to_vec(),
        Opening::OwnAs(sender) => encode_preamble(sender, &key.token(sender.into())).to_vec(),
        Opening::Nothing => Vec::new(),
        Opening::WithoutToken => encode_preamble(from, &[7; 16]).to_vec(),
    };
    bytes.extend((attack.bytes)(from, to));
    // A refused write just means the node already closed us, as it should.
    if attack.trickle {
        for byte in bytes {
            if stream.write_all(&[byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    } else {
        let _ = stream.write_all(&bytes);
    }
    if !attack.close {
        // Wait until the node closes the connection (or the hang guard).
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let mut sink = [0u8; 64];
        let _ = stream.read(&mut sink);
    }
    local
}

#[test]
fn hostile_frames_to_every_listener_are_rejected_and_the_scene_still_repairs() {
    const { assert!(1 << 20 > MAX_FRAME) };
    let config = LiveConfig {
        limits: Limits { frame_timeout: FRAME_TIMEOUT, ..Limits::default() },
        key: SessionKey::from_secret(KEY),
        ..LiveConfig::default()
    };
    let live = LiveHandle::start(create("replicated-storage", 3, Some(6)).unwrap(), config).unwrap();
    let mut listening = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while listening.len() < 7 {
        if let Some(LiveUpdate::Listening { node, addr }) = live.recv_timeout(Duration::from_millis(50)) {
            listening.push((node, addr));
        }
        assert!(Instant::now() < deadline, "the listeners did not open");
    }

    // Every attack against every node, all at once.
    let mut threads = Vec::new();
    for (index, (node, addr)) in listening.iter().cloned().enumerate() {
        for (k, _) in attacks().iter().enumerate() {
            let node = node.clone();
            threads.push(std::thread::spawn(move || {
                let attack_kind = &attacks()[k];
                (attack(addr, index as u16, attack_kind), node, attack_kind.name)
            }));
        }
    }
    // (The attacker's address and the node attacked: an ephemeral port freed by one connection
    // may be reused at once by another to a different node.)
    let hostile: Vec<(SocketAddr, String, &str)> = threads.into_iter().map(|t| t.join().unwrap()).collect();

    // Then the story goes on: a real kill, and the repair.
    live.act(Action::Kill("peer-2".into()));
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(LiveUpdate::Snapshot(snapshot)) = live.recv_timeout(Duration::from_millis(50)) {
            let state = snapshot.state.to_json();
            let back = state["pieces"].as_array().unwrap().iter().all(|p| {
                let holders = p["holders"].as_array().unwrap();
                holders.len() == 3 && !holders.iter().any(|h| h == "peer-2")
            });
            if back {
                assert_eq!(state["hash_after"], state["hash_before"]);
                assert!(
                    snapshot.graph.nodes.iter().filter(|n| n.name != "peer-2").all(|n| n.alive),
                    "nobody else died"
                );
                break;
            }
        }
        assert!(Instant::now() < deadline, "repair did not finish");
    }
    let scene = live.stop().unwrap();

    // One rejected event per hostile connection, naming it.
    let mut rejected: HashMap<(String, String), Vec<String>> = HashMap::new();
    for e in scene.events().iter().filter(|e| e.kind == "rejected") {
        rejected.entry((e.from.clone(), e.to.clone())).or_default().push(e.detail.clone());
    }
    for (addr, node, name) in &hostile {
        let events = rejected.get(&(addr.to_string(), node.clone())).cloned().unwrap_or_default();
        assert_eq!(events.len(), 1, "{name} from {addr}: {events:?}");
        assert!(events[0].starts_with(&format!("rejected frame from {addr}: ")), "{}", events[0]);
    }
    assert_eq!(rejected.values().map(Vec::len).sum::<usize>(), hostile.len(), "no other rejections");
    let reasons: Vec<&String> = rejected.values().flatten().collect();
    for expected in [
        "not valid UTF-8",
        "unknown kind",
        "not finished within",
        "longer than",
        "not a message of this scene",
        "names node 999",
        "addressed to node",
        "does not exist",
        "closed in the middle",
        "did not open by saying which node it is",
        "without that node's session token",
        "but this connection is node",
    ] {
        assert!(reasons.iter().any(|r| r.contains(expected)), "no rejection says {expected:?}: {reasons:?}");
    }
    assert!(!scene.events().iter().any(|e| e.kind == "kill" && e.from != "peer-2"), "only peer-2 was killed");
}

#[test]
fn an_idle_connection_is_not_closed_by_the_frame_timeout() {
    // A connection that sits idle longer than the frame timeout, then sends a good frame, is
    // still heard: the timeout bounds unfinished frames, not quiet connections.
    let config = LiveConfig {
        limits: Limits { frame_timeout: FRAME_TIMEOUT, ..Limits::default() },
        key: SessionKey::from_secret(KEY),
        ..LiveConfig::default()
    };
    let live = LiveHandle::start(create("routing", 1, Some(4)).unwrap(), config).unwrap();
    let mut listening = Vec::new();
    while listening.len() < 4 {
        if let Some(LiveUpdate::Listening { addr, .. }) = live.recv_timeout(PATIENCE) {
            listening.push(addr);
        }
    }
    let mut stream = TcpStream::connect(listening[1]).unwrap();
    let local = stream.local_addr().unwrap();
    // Idle for three frame timeouts, listening all the while for the close that a timeout on
    // quiet connections would bring.
    stream.set_read_timeout(Some(FRAME_TIMEOUT * 3)).unwrap();
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
        Ok(0) => panic!("the node closed the idle connection"),
        other => panic!("the node sent something to an idle connection: {other:?}"),
    }
    // peer-1 greets peer-2, its neighbour: a real message of this scene (the routing scene sends
    // no greetings of its own, so a hello from peer-1 to peer-2 is this one).
    let hello = Frame::encode(0, 1, MessageKind::Hello, b"\"Hello\"");
    stream.write_all(&encode_preamble(0, &SessionKey::from_secret(KEY).token(0))).unwrap();
    stream.write_all(&hello.bytes).unwrap();
    let deadline = Instant::now() + PATIENCE;
    'delivered: loop {
        if let Some(LiveUpdate::Snapshot(snapshot)) = live.recv_timeout(Duration::from_millis(50)) {
            for e in &snapshot.new_events {
                assert!(!(e.kind == "rejected" && e.from == local.to_string()), "rejected: {}", e.detail);
                if e.kind == "hello" && e.from == "peer-1" && e.to == "peer-2" {
                    break 'delivered;
                }
            }
        }
        assert!(Instant::now() < deadline, "the frame sent after the idle time was never delivered");
    }
    let scene = live.stop().unwrap();
    assert!(
        !scene.events().iter().any(|e| e.kind == "rejected" && e.from == local.to_string()),
        "the idle connection was not rejected"
    );
    assert!(
        scene.events().iter().any(|e| e.kind == "hello" && e.from == "peer-1" && e.to == "peer-2"),
        "the frame sent after the idle time was delivered"
    );
}
