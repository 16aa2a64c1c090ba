//! Exports from the command line, opened with the tools people use: the ladder and graph SVGs
//! parse and render with resvg (a real SVG library) and show the drawing where it should be; the
//! Mermaid text has one participant per lane and one arrow per packet; the HAR has every field
//! HAR 1.2 requires, with times that add up, and redacts secrets.

mod common;

use std::process::{Command, Output};

use serde_json::Value;

const NETLENS: &str = env!("CARGO_BIN_EXE_netlens");

fn netlens(args: &[&str]) -> Output {
    Command::new(NETLENS).args(args).output().expect("run netlens")
}

/// Parses and renders an SVG file as resvg does; the picture.
fn render(path: &std::path::Path) -> resvg::tiny_skia::Pixmap {
    let data = std::fs::read(path).unwrap();
    let mut options = resvg::usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    // Machines without the fonts the SVG names still render it (text is drawn when any is found).
    options.fontdb_mut().set_sans_serif_family("DejaVu Sans");
    options.fontdb_mut().set_monospace_family("DejaVu Sans Mono");
    let tree = resvg::usvg::Tree::from_data(&data, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let size = tree.size().to_int_size();
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    if let Some(dir) = std::env::var_os("NETLENS_EXPORT_PNGS") {
        pixmap.save_png(std::path::Path::new(&dir).join(path.file_name().unwrap()).with_extension("png")).unwrap();
    }
    pixmap
}

/// The colour at a pixel, [r, g, b, a].
fn pixel(pixmap: &resvg::tiny_skia::Pixmap, x: u32, y: u32) -> [u8; 4] {
    let p = pixmap.pixel(x, y).unwrap();
    [p.red(), p.green(), p.blue(), p.alpha()]
}

/// Every `x="…"` (or other attribute) number of the elements named `element`.
fn attributes(svg: &str, element: &str, attribute: &str) -> Vec<f32> {
    svg.lines()
        .filter(|l| l.starts_with(&format!("<{element} ")))
        .filter_map(|l| {
            let at = l.find(&format!(" {attribute}=\""))? + attribute.len() + 3;
            l[at..].split('"').next()?.parse().ok()
        })
        .collect()
}

#[test]
fn a_simulated_ladder_exports_as_svg_that_renders_and_mermaid_with_an_arrow_per_packet() {
    let dir = tempfile::tempdir().unwrap();
    let (svg, mermaid) = (dir.path().join("lossy.svg"), dir.path().join("lossy.mmd"));
    let out = netlens(&[
        "simulate",
        "lossy-transfer",
        "--svg",
        svg.to_str().unwrap(),
        "--mermaid",
        mermaid.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packets = report["packets"].as_array().unwrap();
    let lost = packets.iter().filter(|p| p["fate"] == "lost").count();
    assert!(lost > 0, "the lossy scene loses packets");

    // Mermaid: two participants, one arrow per packet, lost ones ending in a cross.
    let text = std::fs::read_to_string(&mermaid).unwrap();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    assert_eq!(lines[0], "sequenceDiagram");
    let participants: Vec<&&str> = lines.iter().filter(|l| l.starts_with("participant ")).collect();
    assert_eq!(participants.len(), 2, "{participants:?}");
    assert!(participants[0].contains("client 192.0.2.1:") && participants[1].contains("server 192.0.2.80:80"));
    let arrows: Vec<&&str> = lines.iter().filter(|l| l.starts_with("A-") || l.starts_with("B-")).collect();
    assert_eq!(arrows.len(), packets.len(), "one arrow per packet");
    assert_eq!(arrows.iter().filter(|l| l.contains("-x")).count(), lost, "lost packets end in a cross");
    for (arrow, packet) in arrows.iter().zip(packets) {
        assert!(arrow.contains(&format!("#35;{} ", packet["number"])), "{arrow} is packet {}", packet["number"]);
        let forward = packet["from"].as_str().unwrap().starts_with("192.0.2.1:");
        assert_eq!(arrow.starts_with('A'), forward, "{arrow}: direction");
        assert!(!arrow.contains(';') || arrow.matches(';').count() == arrow.matches('#').count(), "escaped: {arrow}");
    }

    // SVG: parses, renders, and the lanes and arrows are where the drawing says.
    let document = std::fs::read_to_string(&svg).unwrap();
    let pixmap = render(&svg);
    let background = pixel(&pixmap, 2, pixmap.height() / 2);
    let lanes = attributes(&document, "line", "x1").into_iter().take(2).collect::<Vec<_>>();
    assert_eq!(lanes.len(), 2);
    for x in &lanes {
        assert_ne!(pixel(&pixmap, *x as u32, pixmap.height() / 2), background, "a lane is drawn at x={x}");
    }
    // One text per arrow label at least, each with a packet number.
    let texts = document.lines().filter(|l| l.starts_with("<text ")).count();
    assert!(texts >= packets.len(), "{texts} texts for {} packets", packets.len());
    for packet in packets {
        assert!(document.contains(&format!(">#{} ", packet["number"])), "packet {} is labelled", packet["number"]);
    }
    // Lost packets are drawn as crosses in the loss colour: some pixel of that colour exists.
    let red_enough = (0..pixmap.height()).step_by(2).any(|y| {
        (0..pixmap.width()).step_by(2).any(|x| {
            let [r, g, b, a] = pixel(&pixmap, x, y);
            a > 200 && r > 180 && g < 120 && b < 80
        })
    });
    assert!(red_enough, "a lost packet's cross is drawn in the loss colour");
}

#[test]
fn a_network_scene_exports_its_graph_as_svg_with_every_node() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("storage.svg");
    let out = netlens(&[
        "scene",
        "run",
        "replicated-storage",
        "--until-ms",
        "300",
        "--svg",
        svg.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let document = std::fs::read_to_string(&svg).unwrap();
    let pixmap = render(&svg);
    // Every peer that holds a piece is named on the graph; peers are hollow circles.
    let mut names: Vec<String> = report["state"]["pieces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["holders"].as_array().unwrap().iter().map(|h| h.as_str().unwrap().to_string()))
        .collect();
    names.sort();
    names.dedup();
    assert!(!names.is_empty(), "the report names its peers: {}", report["state"]);
    for name in &names {
        assert!(document.contains(&format!(">{name}</text>")), "{name} is on the graph");
    }
    let circles = attributes(&document, "circle", "cx");
    assert!(circles.len() >= names.len(), "{} circles for {} peers", circles.len(), names.len());
    let cy = attributes(&document, "circle", "cy");
    let r = attributes(&document, "circle", "r");
    // The outline of the first node is drawn (not background) where the SVG says.
    let background = pixel(&pixmap, 2, 2);
    let (x, y) = (circles[0] + r[0] * 0.9, cy[0]);
    let around = (-2i32..=2).any(|d| pixel(&pixmap, (x as i32 + d) as u32, y as u32) != background);
    assert!(around, "a node outline at {x},{y}");
}

#[test]
fn unwritable_export_paths_fail_with_one_line() {
    for args in [
        vec!["simulate", "handshake", "--svg", "/nonexistent/dir/x.svg"],
        vec!["simulate", "handshake", "--mermaid", "/nonexistent/dir/x.mmd"],
        vec!["scene", "run", "routing", "--svg", "/nonexistent/dir/x.svg"],
    ] {
        let out = netlens(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("cannot write /nonexistent/dir/x."), "{err}");
    }
}

/// What HAR 1.2 requires of an object, by the spec's field list.
fn require(object: &Value, fields: &[&str], what: &str) {
    for field in fields {
        assert!(object.get(field).is_some(), "{what} lacks the required field {field}: {object}");
    }
}

#[test]
fn a_page_load_exports_as_har_1_2_with_every_required_field_and_times_that_add_up() {
    let demo = common::start_demo();
    let dir = tempfile::tempdir().unwrap();
    let har_path = dir.path().join("page.har");
    let dns = demo.addresses.dns.to_string();
    let url = demo.url("/");
    let out = netlens(&["fetch", &url, "--dns-server", &dns, "--har", har_path.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let har: Value = serde_json::from_str(&std::fs::read_to_string(&har_path).unwrap()).unwrap();
    let log = &har["log"];
    require(log, &["version", "creator", "entries"], "log");
    assert_eq!(log["version"], "1.2");
    require(&log["creator"], &["name", "version"], "creator");
    let page = &log["pages"][0];
    require(page, &["startedDateTime", "id", "title", "pageTimings"], "page");
    let entries = log["entries"].as_array().unwrap();
    assert_eq!(entries.len(), report["exchanges"].as_array().unwrap().len(), "one entry per request");
    let mut last_start = String::new();
    for (entry, exchange) in entries.iter().zip(report["exchanges"].as_array().unwrap()) {
        require(entry, &["startedDateTime", "time", "request", "response", "cache", "timings"], "entry");
        assert_eq!(entry["pageref"], page["id"]);
        let started = entry["startedDateTime"].as_str().unwrap();
        assert_eq!(started.len(), "2026-12-01T15:08:31.123Z".len(), "ISO 8601: {started}");
        assert!(started.ends_with('Z') && started.as_bytes()[10] == b'T');
        assert!(started >= last_start.as_str(), "entries in the order they started");
        last_start = started.to_string();
        let request = &entry["request"];
        require(
            request,
            &["method", "url", "httpVersion", "cookies", "headers", "queryString", "headersSize", "bodySize"],
            "request",
        );
        assert_eq!(request["url"], exchange["url"]);
        assert_eq!(request["method"], "GET");
        assert_eq!(request["httpVersion"], "HTTP/1.1");
        let response = &entry["response"];
        require(
            response,
            &[
                "status",
                "statusText",
                "httpVersion",
                "cookies",
                "headers",
                "content",
                "redirectURL",
                "headersSize",
                "bodySize",
            ],
            "response",
        );
        require(&response["content"], &["size", "mimeType"], "content");
        assert_eq!(response["status"], exchange["response"]["status"]);
        assert_eq!(entry["serverIPAddress"], "127.0.0.1");
        // Times add up: `time` is the sum of the timings that apply (ssl is inside connect).
        let t = &entry["timings"];
        require(t, &["send", "wait", "receive"], "timings");
        let sum: f64 = ["blocked", "dns", "connect", "send", "wait", "receive"]
            .iter()
            .map(|k| t[k].as_f64().unwrap_or(-1.0))
            .filter(|v| *v >= 0.0)
            .sum();
        let time = entry["time"].as_f64().unwrap();
        assert!((time - sum).abs() < 0.001, "time {time} = sum of timings {sum}: {t}");
        // And they match what netlens measured (the JSON report's total, to rounding).
        let total = exchange["timings_ms"]["total"].as_f64().unwrap();
        assert!((time - total).abs() <= 0.01 + total * 0.001, "HAR time {time} vs measured total {total}");
        for k in ["send", "wait", "receive"] {
            assert!(t[k].as_f64().unwrap() >= 0.0, "{k} is never negative");
        }
    }
    // The page's body is in the HAR as text; an image's as base64.
    let first = &entries[0]["response"]["content"];
    assert!(first["text"].as_str().unwrap().contains("<html"), "the page's HTML");
    let image =
        entries.iter().find(|e| e["response"]["content"]["mimeType"].as_str().unwrap_or("").starts_with("image/png"));
    if let Some(image) = image {
        assert_eq!(image["response"]["content"]["encoding"], "base64");
    }
    let _ = std::fs::remove_file(&har_path);
}

/// A run captured at the router, drawn as the Packets view draws it: each hole has its bracket
/// ("gap: N B not captured") and names the segment that fills it, and the simulator's truth
/// shows where the capture cannot know it. The JSON says the same per packet.
#[test]
fn a_capture_at_the_router_draws_its_gaps_with_their_fills_and_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    let svg_path = dir.path().join("router.svg");
    let out =
        netlens(&["simulate", "two-hops", "--at", "router", "--svg", svg_path.to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let packets = json["packets"].as_array().unwrap();
    let gaps = packets.iter().filter(|p| p["label"] == "previous-segment-not-captured").count();
    assert!(gaps >= 1);
    assert!(packets.iter().any(|p| p["truth"] == "the network lost it after this point"));
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert_eq!(svg.matches(" B not captured").count(), gaps, "one bracket per gap");
    assert_eq!(svg.matches(" fills the gap").count(), gaps, "every gap's fill is named");
    render(&svg_path);
    // A one-hop scene has no router: a one-line reason and exit 1.
    let out = netlens(&["simulate", "handshake", "--at", "router"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no router"));
}
