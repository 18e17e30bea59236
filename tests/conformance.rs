//! Language-neutral conformance cases (`tests/cases/*.json`, rows of `[name, input, expected]`),
//! run against the native engine. The browser tests read the same files.

use serde_json::{json, Value};
use trailmark::core::replay::{apply, parse_line, ReplayInput};
use trailmark::core::{Config, Engine, EventKind};

fn cases(file: &str) -> Vec<(String, Value, Value)> {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<(String, Value, Value)> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(!rows.is_empty(), "{path} has no cases");
    rows
}

/// Builds an engine from a case's optional `config` and feeds it the case's `events`.
fn run(input: &Value, name: &str) -> (Engine, u64) {
    let config = match input.get("config") {
        Some(c) => Config::parse(c).unwrap_or_else(|e| panic!("{name}: config: {e:?}")),
        None => Config::default(),
    };
    let mut engine = Engine::new(config);
    let mut at = 0;
    for (i, line) in input["events"]
        .as_array()
        .expect("events")
        .iter()
        .enumerate()
    {
        let parsed = parse_line(&line.to_string(), at)
            .unwrap_or_else(|e| panic!("{name}: event {i}: {e}"))
            .expect("not blank");
        at = match &parsed {
            ReplayInput::Touchpoint(_, t) | ReplayInput::Tick(t) => *t,
        };
        apply(&mut engine, &parsed);
    }
    (engine, at)
}

#[test]
fn event_names_and_aliases() {
    for (name, input, expected) in cases("events.json") {
        let got = EventKind::parse(input.as_str().unwrap()).map_or("custom", EventKind::name);
        assert_eq!(got, expected.as_str().unwrap(), "{name}");
    }
}

#[test]
fn micro_journeys() {
    for (name, input, expected) in cases("micro_journeys.json") {
        let (engine, _) = run(&input, &name);
        let id = input["journey"].as_str().unwrap();
        let j = engine
            .journey(id)
            .unwrap_or_else(|| panic!("{name}: no journey {id}"));
        assert_eq!(
            j.status.name(),
            expected["status"].as_str().unwrap(),
            "{name}: {j:?}"
        );
        assert_eq!(
            u64::from(j.step),
            expected["step"].as_u64().unwrap(),
            "{name}: {j:?}"
        );
        if let Some(b) = expected.get("backtracks") {
            assert_eq!(
                u64::from(j.backtracks),
                b.as_u64().unwrap(),
                "{name}: {j:?}"
            );
        }
    }
}

#[test]
fn stage_inference() {
    for (name, input, expected) in cases("stages.json") {
        let (engine, at) = run(&input, &name);
        let estimates = engine.stage(at);
        let probabilities: Value = estimates
            .iter()
            .map(|e| (e.stage.clone(), json!(e.probability)))
            .collect();
        let sum: f64 = estimates.iter().map(|e| e.probability).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{name}: sum {sum}");
        assert_eq!(
            engine.top_stage(at).0,
            expected["top_stage"].as_str().unwrap(),
            "{name}: {probabilities}"
        );
        for (bound, ok) in [("min", true), ("max", false)] {
            for (stage, limit) in expected
                .get(bound)
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let p = probabilities[stage].as_f64().unwrap();
                let limit = limit.as_f64().unwrap();
                assert_eq!(p >= limit, ok, "{name}: {bound} {stage} {limit}, got {p}");
            }
        }
    }
}

/// Checks that parsing each case's document reports exactly the expected error paths.
fn assert_error_paths(file: &str, document: impl Fn(Value) -> Value) {
    for (name, input, expected) in cases(file) {
        let mut got: Vec<String> = match Config::parse(&document(input)) {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| e.path).collect(),
        };
        got.sort();
        let mut want: Vec<String> = expected
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        want.sort();
        assert_eq!(got, want, "{file}: {name}");
    }
}

#[test]
fn config_errors_name_their_paths() {
    assert_error_paths("config.json", |doc| doc);
}

#[test]
fn capture_section() {
    assert_error_paths("capture.json", |capture| json!({ "capture": capture }));
}
