//! The consent mapping (`core::consent`) against `tests/cases/consent.json`, the rows
//! `js/test/consent-cases.test.mjs` checks the browser's `js/consent.js` against, so both map TCF
//! v2.2, Consent Mode v2, GPC and frames to purposes the same way.

use serde_json::{json, Value};
use trailmark::core::consent::{
    consent_mode_purposes, consent_mode_state, resolve, tcf_purposes, ConsentInputs, Purposes, Tcf,
};

fn tcf_json(t: Option<Tcf>) -> Value {
    match t {
        None => Value::Null,
        Some(Tcf::NotApplicable) => json!({"applies": false}),
        Some(Tcf::Pending) => json!("pending"),
        Some(Tcf::Decided(p)) => p.to_json(),
    }
}

fn inputs(r: &Value) -> ConsentInputs {
    let privacy = &r["privacy"];
    ConsentInputs {
        defaults: Purposes::from_json(&r["defaults"]),
        choice: r["choice"].as_object().cloned().unwrap_or_default(),
        tcf: match &r["tcf"] {
            Value::Null => None,
            Value::String(s) if s == "pending" => Some(Tcf::Pending),
            v if v["applies"] == json!(false) => Some(Tcf::NotApplicable),
            v => Some(Tcf::Decided(Purposes::from_json(v))),
        },
        consent_mode: (!r["gcm"].is_null()).then(|| Purposes::from_json(&r["gcm"])),
        gpc: r["gpc"] == json!(true),
        gpc_allows_export: privacy["gpc"]["export"] == json!(true),
        gpc_stops_personalization: privacy["gpc"]["personalization"] == json!(false),
        cross_site_frame: r["frame"] == json!(true),
        iframe_storage: privacy["iframe_storage"] == json!(true),
    }
}

#[test]
fn consent_mapping_matches_the_shared_cases() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/consent.json");
    let rows: Vec<(String, Value, Value)> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut kinds = [0; 3];
    for (name, input, expected) in rows {
        let got = if let Some(tc) = input.get("tcf_data") {
            kinds[0] += 1;
            tcf_json(tcf_purposes(tc))
        } else if let Some(dl) = input.get("data_layer") {
            kinds[1] += 1;
            let state = consent_mode_state(dl);
            json!({
                "state": state.clone().map(Value::Object),
                "purposes": state.map(|s| consent_mode_purposes(&s).to_json()),
            })
        } else {
            kinds[2] += 1;
            Value::Object(resolve(&inputs(&input["resolve"])))
        };
        assert_eq!(got, expected, "{name}");
    }
    assert!(
        kinds.iter().all(|&n| n >= 5),
        "cases of each kind: {kinds:?}"
    );
}
