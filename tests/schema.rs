//! The published config JSON Schema (`schema/trailmark.config.schema.json`) is generated from the
//! Rust types, so it cannot drift from what the parser accepts. Regenerate with
//! `TRAILMARK_BLESS=1 cargo test --features schema --test schema`.
#![cfg(feature = "schema")]

use serde_json::Value;
use trailmark::core::Config;

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/schema/trailmark.config.schema.json"
);

fn generated() -> Value {
    serde_json::to_value(schemars::schema_for!(Config)).unwrap()
}

#[test]
fn committed_schema_matches_the_rust_types() {
    let schema = generated();
    let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
    if std::env::var_os("TRAILMARK_BLESS").is_some() {
        std::fs::write(PATH, &text).unwrap();
    }
    let committed = std::fs::read_to_string(PATH).expect("schema file; bless it first");
    assert_eq!(
        committed, text,
        "schema is stale: rerun with TRAILMARK_BLESS=1"
    );
}

#[test]
fn schema_lists_every_top_level_field_the_parser_accepts() {
    let schema = generated();
    let properties = schema["properties"].as_object().unwrap();
    for key in [
        "$schema",
        "namespace",
        "stages",
        "signals",
        "inference",
        "micro_journeys",
        "custom_events",
        "channels",
        "session",
        "lifecycle",
        "retention",
        "slots",
        "capture",
        "privacy",
        "prompts",
        "surveys",
        "fatigue",
        "experiments",
        "recommend",
    ] {
        assert!(properties.contains_key(key), "schema lacks {key}");
        // Each documented field is accepted by the parser on its own (with its default value).
        let doc = serde_json::json!({ key: Value::Null });
        assert!(Config::parse(&doc).is_ok(), "parser rejects {key}");
    }
    assert_eq!(
        properties.len(),
        19,
        "a field was added: list it above and in the parser"
    );
    assert_eq!(schema["additionalProperties"], false);
}
