//! Conformance: runs the language-neutral cases in `tests/cases/channels.json` through
//! `classify`. Each case is `[name, {"url", "referrer"?, "config"?}, expected]`, where expected
//! is `"same_site"` or `{"group", "source", "medium", "campaign", "term", "click_id"?}`.

use serde_json::Value;
use trailmark::core::channel::{classify, ChannelConfig, VisitSource};

#[test]
fn channel_cases() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/channels.json"
    ))
    .expect("reading tests/cases/channels.json");
    let cases: Vec<(String, Value, Value)> = serde_json::from_str(&text).expect("cases parse");
    assert!(cases.len() >= 60, "the case file looks truncated");
    let mut failures = Vec::new();
    for (name, input, expected) in &cases {
        let config: ChannelConfig = match input.get("config") {
            Some(c) => {
                serde_json::from_value(c.clone()).unwrap_or_else(|e| panic!("{name}: config: {e}"))
            }
            None => ChannelConfig::default(),
        };
        let mut errors = Vec::new();
        config.validate("$.channels", &mut errors);
        assert!(errors.is_empty(), "{name}: config problems {errors:?}");
        let url = input["url"].as_str().expect("url");
        let referrer = input.get("referrer").and_then(Value::as_str);
        let actual = match classify(&config, url, referrer, 1_000) {
            VisitSource::SameSite => Value::from("same_site"),
            VisitSource::Touch(t) => {
                assert_eq!(t.at_ms, 1_000);
                let mut v = serde_json::json!({
                    "group": t.group, "source": t.source, "medium": t.medium,
                    "campaign": t.campaign, "term": t.term,
                });
                if expected.get("click_id").is_some() || t.click_id.is_some() {
                    v["click_id"] = t.click_id.into();
                }
                v
            }
        };
        if actual != *expected {
            failures.push(format!(
                "{name}\n  expected {expected}\n  actual   {actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_default_group_is_covered_in_order() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/cases/channels.json"
    ))
    .unwrap();
    let cases: Vec<(String, Value, Value)> = serde_json::from_str(&text).unwrap();
    let groups = [
        "Direct",
        "Cross-network",
        "Paid Shopping",
        "Paid Search",
        "Paid Social",
        "Paid Video",
        "Display",
        "Paid Other",
        "Organic Shopping",
        "Organic Social",
        "Organic Video",
        "Organic Search",
        "Referral",
        "Email",
        "Affiliates",
        "Audio",
        "SMS",
        "Mobile Push Notifications",
        "Unassigned",
    ];
    for group in groups {
        let n = cases
            .iter()
            .filter(|(_, input, exp)| input.get("config").is_none() && exp["group"] == group)
            .count();
        assert!(n >= 2, "{group}: only {n} default-config case(s)");
    }
}
