//! The export's Segment batch format (`core::export`) against `tests/cases/export.json`, the
//! rows `js/test/exporter.test.mjs` checks the browser's encoder (`js/exporter.js`) against, so
//! both write the same payloads.

use serde_json::Value;
use trailmark::core::export::{segment_batch, ExportEvent, Sender};

#[test]
fn export_batches_match_the_shared_cases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/export.json");
    let rows: Vec<(String, Value, Value)> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(rows.len() >= 3);
    for (name, input, expected) in rows {
        let events: Vec<ExportEvent> = input["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| ExportEvent::from_json(e).unwrap())
            .collect();
        let s = &input["sender"];
        let who = Sender {
            namespace: s["namespace"].as_str().unwrap(),
            anonymous_id: s["anonymous_id"].as_str().unwrap(),
            user_id: s["user_id"].as_str(),
            version: s["version"].as_str().unwrap(),
        };
        let got = segment_batch(&events, &who, input["sent_at"].as_u64().unwrap());
        assert_eq!(got, expected, "{name}");
    }
}
