//! What a view shows, as the JSON documents lesson checks read. Each is the CLI's own report for
//! that view plus what is selected on screen, built the same way from the app's models (a test
//! drives the real window) and from a headless run (`netlens lesson check`).

use serde_json::{Value, json};

use crate::netsim::NetScene;
use crate::packet::fields;
use crate::record::{Exchange, FetchError};
use crate::trace::Trace;

/// The Packets view: `netlens simulate --format json`, plus the selected packet (by number), its
/// header fields, the selected field, and a few facts the captions talk about.
pub fn packets(trace: &Trace, selected: Option<u32>, field: Option<&str>) -> Value {
    let mut doc = crate::trace::json::report(trace);
    let packet = selected.and_then(|i| trace.packets.get(i as usize));
    let table = packet
        .and_then(|p| trace.decode(p).map(|d| fields(trace.bytes(p), &d)))
        .unwrap_or_default()
        .into_iter()
        .map(|f| json!({ "name": format!("{} {}", f.layer, f.name), "value": f.value, "offset": f.offset, "bits": f.bits }))
        .collect::<Vec<_>>();
    let chosen = field.and_then(|name| table.iter().find(|f| f["name"] == name).cloned());
    let mut labels: Vec<&str> = trace.packets.iter().map(|p| p.analysis.kind.name()).collect();
    labels.sort_unstable();
    labels.dedup();
    let intact = trace.sim.as_ref().map(|run| run.received[1] == run.sent[0] && run.received[0] == run.sent[1]);
    if let Value::Object(map) = &mut doc {
        map.insert("selected".into(), json!(packet.map(|p| p.number)));
        // The selected packet's own row, as `packets` lists it, so a check can say which packet
        // the field was read from (where it went, its label, its sequence number).
        let row = selected.and_then(|i| map.get("packets").and_then(|p| p.get(i as usize)).cloned());
        map.insert("selected_packet".into(), row.unwrap_or(Value::Null));
        map.insert("fields".into(), Value::Array(table));
        map.insert("field".into(), chosen.unwrap_or(Value::Null));
        map.insert("labels".into(), json!(labels));
        map.insert("largest_packet_bytes".into(), json!(trace.packets.iter().map(|p| p.wire_len).max()));
        // Segments that carry the applications' bytes (resent ones included).
        map.insert("data_packets".into(), json!(trace.packets.iter().filter(|p| p.len > 0).count()));
        map.insert("stream_intact".into(), json!(intact));
        // Wireshark's "previous segment not captured": holes a capture point cannot see into.
        let gaps = trace.count(crate::packet::LabelKind::LostSegment);
        map.insert("gaps".into(), json!(gaps));
    }
    doc
}

/// The Network view: the scene's state as `netlens scene run` prints it, the kinds of event that
/// happened, the nodes and whether they are alive, and the virtual time.
pub fn network(scene: &dyn NetScene, now_us: u64) -> Value {
    let mut kinds: Vec<&str> = scene.events().iter().map(|e| e.kind.name()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let nodes: Vec<Value> =
        scene.graph().nodes.iter().map(|n| json!({ "name": n.name, "role": n.role, "alive": n.alive })).collect();
    json!({
        "scene": scene.kind(),
        "t_us": now_us,
        "delivered": scene.messages_delivered(),
        "kinds": kinds,
        "nodes": nodes,
        "state": scene.state().to_json(),
    })
}

/// The Fetch view: `netlens fetch --format json`, plus the open detail tab and, under `page`,
/// the first response's status, content type and header names (lower case) and how many
/// sub-resources followed.
pub fn fetch(url: &str, exchanges: &[Exchange], error: Option<&FetchError>, tab: &str) -> Value {
    let mut doc = crate::record::fetch_json::value(url, exchanges, error);
    let response = &doc["exchanges"][0]["response"];
    let headers = response["headers"].as_array().cloned().unwrap_or_default();
    let header = |name: &str| {
        headers.iter().find(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name))).map(|h| h[1].clone())
    };
    let names: Vec<String> = headers.iter().filter_map(|h| h[0].as_str()).map(|n| n.to_ascii_lowercase()).collect();
    let roles: Vec<&str> =
        doc["exchanges"].as_array().into_iter().flatten().filter_map(|e| e["role"].as_str()).collect();
    let subresources = roles.iter().filter(|r| !matches!(**r, "page" | "redirect")).count();
    let page = json!({
        "status": response["status"],
        "content_type": header("content-type"),
        "header_names": names,
        "subresources": subresources,
    });
    if let Value::Object(map) = &mut doc {
        map.insert("tab".into(), json!(tab));
        map.insert("page".into(), page);
    }
    doc
}
