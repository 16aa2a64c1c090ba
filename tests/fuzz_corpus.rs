//! Replays the fuzz targets' inputs through the same entry points the fuzzer calls
//! (`netlens::fuzzing`): the seed corpus (`fuzz/seeds/TARGET/`) and every crash the fuzzer ever
//! found (`fuzz/regressions/TARGET/`), so a fixed crash stays fixed. Any panic fails the test.
//! The fuzzer itself runs with `scripts/fuzz.sh TARGET MINUTES` (see README, "Fuzzing").

use std::path::{Path, PathBuf};

use netlens::fuzzing::TARGETS;

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz").join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

#[test]
fn every_target_has_seeds_and_replays_them_and_every_past_crash_without_panicking() {
    let mut replayed = 0;
    for (target, run) in TARGETS {
        let seeds = inputs("seeds", target);
        assert!(!seeds.is_empty(), "fuzz/seeds/{target}/ is empty: run `cargo run --example make-fuzz-seeds`");
        for path in seeds.iter().chain(&inputs("regressions", target)) {
            let data = std::fs::read(path).unwrap();
            run(&data);
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} inputs through {} targets", TARGETS.len());
}

#[test]
fn the_seeds_are_valid_inputs_that_reach_past_the_first_check() {
    // A seed the parser rejects at once teaches the fuzzer nothing about the deeper code.
    for path in inputs("seeds", "capture") {
        let trace = netlens::capture::read_bytes(&std::fs::read(&path).unwrap(), "seed");
        assert!(trace.is_ok_and(|t| !t.packets.is_empty()), "{} does not read", path.display());
    }
    for path in inputs("seeds", "swarm_message") {
        let bytes = std::fs::read(&path).unwrap();
        let ok = match bytes[0] {
            0 => netlens::swarm::wire::decode_request(&bytes[1..]).is_ok(),
            1 => netlens::swarm::wire::decode_response(&bytes[1..]).is_ok(),
            2 => netlens::swarm::pieces::Manifest::from_bytes(&bytes[1..]).is_ok(),
            3 => netlens::swarm::telemetry::Telemetry::from_bytes(&bytes[1..]).is_ok(),
            4 => netlens::swarm::telemetry::Order::from_bytes(&bytes[1..]).is_ok(),
            _ => netlens::swarm::telemetry::SentReport::from_bytes(&bytes[1..]).is_ok_and(|r| !r.sent.is_empty()),
        };
        assert!(ok, "{} does not decode", path.display());
    }
    for path in inputs("seeds", "live_frame") {
        let frame = netlens::netsim::live_world::Frame::decode(&std::fs::read(&path).unwrap());
        assert!(frame.is_ok(), "{} does not decode: {frame:?}", path.display());
    }
    for path in inputs("seeds", "scene_file") {
        let scene = netlens::sim::Scene::parse(&std::fs::read_to_string(&path).unwrap());
        assert!(scene.is_ok(), "{}: {scene:?}", path.display());
    }
    for path in inputs("seeds", "lesson_file") {
        let lesson = netlens::lesson::file::parse("seed.toml", &std::fs::read_to_string(&path).unwrap());
        assert!(lesson.is_ok(), "{}: {:?}", path.display(), lesson.err());
    }
    for path in inputs("seeds", "http_response") {
        let head = netlens::wire::http_head::parse_response_head(&std::fs::read(&path).unwrap());
        assert!(head.is_ok(), "{}: {:?}", path.display(), head.err());
    }
}
