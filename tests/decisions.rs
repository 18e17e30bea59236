//! Conditions and slot decisions: the language-neutral rows of `tests/cases/conditions.json` and
//! `tests/cases/slots.json`, and properties (parsing never panics on any text; evaluating any
//! parsed condition against any engine state never panics and matches the explained result).

use proptest::prelude::*;
use serde_json::{json, Value};
use trailmark::core::condition::{Condition, Context, PageContext};
use trailmark::core::replay::{apply, parse_line, ReplayInput};
use trailmark::core::{Config, Engine, Touchpoint};

fn cases(file: &str) -> Vec<(String, Value, Value)> {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<(String, Value, Value)> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(!rows.is_empty(), "{path} has no cases");
    rows
}

fn config_of(input: &Value, name: &str) -> Config {
    match input.get("config") {
        Some(c) => Config::parse(c).unwrap_or_else(|e| panic!("{name}: config: {e:?}")),
        None => Config::default(),
    }
}

/// Feeds a case's `events` (replay lines) to an engine; returns the time of the last one.
fn replay(engine: &mut Engine, input: &Value, name: &str) -> u64 {
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
        apply(engine, &parsed);
    }
    at
}

fn page_of(input: &Value, name: &str) -> PageContext {
    input.get("page").map_or_else(PageContext::default, |p| {
        serde_json::from_value(p.clone()).unwrap_or_else(|e| panic!("{name}: page: {e}"))
    })
}

#[test]
fn condition_cases() {
    for (name, input, expected) in cases("conditions.json") {
        let config = config_of(&input, &name);
        let text = input["expr"].as_str().expect("expr");
        let parsed = Condition::parse(text)
            .map_err(|e| e.to_string())
            .and_then(|c| match c.check(&config).first() {
                Some(e) => Err(e.to_string()),
                None => Ok(c),
            });
        let condition = match (parsed, expected.get("error")) {
            (Err(got), Some(want)) => {
                assert_eq!(got, want.as_str().unwrap(), "{name}: {text}");
                continue;
            }
            (Err(got), None) => panic!("{name}: {text}: unexpected error {got}"),
            (Ok(_), Some(want)) => panic!("{name}: {text}: parsed, expected error {want}"),
            (Ok(c), None) => c,
        };
        let mut engine = Engine::new(config);
        let at = replay(&mut engine, &input, &name);
        let page = page_of(&input, &name);
        let ctx = Context::new(engine.config(), engine.state(), at, &page);
        let evaluation = condition.evaluate(&ctx);
        assert_eq!(
            evaluation.matched,
            expected.as_bool().expect("true, false or {\"error\"}"),
            "{name}: {text} ({})",
            evaluation.describe()
        );
        assert_eq!(condition.is_true(&ctx), evaluation.matched, "{name}");
    }
}

#[test]
fn slot_cases() {
    for (name, input, expected) in cases("slots.json") {
        let mut engine = Engine::new(config_of(&input, &name));
        let at = replay(&mut engine, &input, &name);
        let page = page_of(&input, &name);
        let decisions = engine.decide(at, &page);
        let got: serde_json::Map<String, Value> = decisions
            .iter()
            .map(|d| {
                (
                    d.slot.clone(),
                    json!({"variant": d.variant, "rule": d.rule}),
                )
            })
            .collect();
        let want: serde_json::Map<String, Value> = expected
            .as_object()
            .expect("slot -> decision")
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    json!({"variant": v["variant"], "rule": v["rule"]}),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}");
        for d in &decisions {
            let Some(reads) = expected[&d.slot].get("reads") else {
                continue;
            };
            let got: serde_json::Map<String, Value> = d
                .explanation
                .reads
                .iter()
                .map(|(k, v)| (k.clone(), json!(v.to_string())))
                .collect();
            assert_eq!(&Value::Object(got), reads, "{name}: {}", d.slot);
            let rule = d.rule.unwrap();
            assert_eq!(
                d.explanation.condition.as_deref(),
                Some(engine.config().slots[&d.slot].rules[rule].when.text()),
                "{name}"
            );
        }
        let ids: Vec<&str> = decisions.iter().map(|d| d.slot.as_str()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted, "{name}: sorted by slot id");
        assert_eq!(decisions, engine.decide(at, &page), "{name}: pure");
    }
}

/// Pieces that combine into conditions which often parse, so evaluation is exercised too.
const PIECES: &[&str] = &[
    "stage.discovery",
    "stage.purchase",
    "top_stage",
    "journey.checkout",
    "journey.checkout.step",
    "visits",
    "returning",
    "new_visitor",
    "days_since_last_visit",
    "lapsed",
    "orders",
    "customer",
    "revenue",
    "channel.session",
    "channel.last",
    "channel.first",
    "source.last",
    "medium.last",
    "campaign.last",
    "session.number",
    "session.touchpoints",
    "cart.value",
    "cart.items",
    "cart.empty",
    "interest.shoes",
    "interest[\"Home & Garden\"]",
    "top_interest",
    "survey.nps",
    "survey.nps.score",
    "page.path",
    "page.url",
    "device",
    "consent.personalization",
    "hour",
    "weekday",
    "0",
    "1",
    "-2.5",
    "1e3",
    "\"\"",
    "\"Email\"",
    "\"/p/*\"",
    "\"mobile\"",
    "\"abandoned\"",
    "\"discovery\"",
    "true",
    "false",
    "[",
    "]",
    ",",
    "(",
    ")",
    "!",
    "&&",
    "||",
    "==",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "in",
    "contains",
    "matches",
    "[\"a\", \"b\"]",
    "[1, 2]",
];

fn touchpoints() -> impl Strategy<Value = Vec<(Touchpoint, u64)>> {
    let tp = prop_oneof![
        Just(Touchpoint::page(
            "https://shop.example/p/1",
            Some("https://www.google.com/")
        )),
        Just(Touchpoint::page(
            "https://shop.example/?utm_source=n&utm_medium=email",
            None
        )),
        Just(Touchpoint::new(
            "Product Added",
            json!({"product_id": "a", "price": 30, "category": "Shoes"})
                .as_object()
                .unwrap()
                .clone()
        )),
        Just(Touchpoint::new("Checkout Started", Default::default())),
        Just(Touchpoint::new(
            "Order Completed",
            json!({"revenue": 12.5}).as_object().unwrap().clone()
        )),
        Just(Touchpoint::new(
            "Survey Answered",
            json!({"survey_id": "nps", "score": 7})
                .as_object()
                .unwrap()
                .clone()
        )),
        Just(Touchpoint::new("Whatever", Default::default())),
    ];
    proptest::collection::vec((tp, 0u64..10 * 86_400_000), 0..12)
}

fn pages() -> impl Strategy<Value = PageContext> {
    (
        proptest::option::of("[a-z:/.?=*]{0,20}"),
        proptest::option::of(0u8..30),
        proptest::option::of(0u8..10),
        any::<bool>(),
    )
        .prop_map(|(url, hour, weekday, consent)| PageContext {
            url,
            hour,
            weekday,
            consent: [("personalization".to_string(), consent)].into(),
            ..Default::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
        let _ = Condition::parse(&text);
    }

    #[test]
    fn parsing_token_soup_never_panics(pieces in proptest::collection::vec(proptest::sample::select(PIECES), 0..12)) {
        let _ = Condition::parse(&pieces.join(" "));
        let _ = Condition::parse(&pieces.concat());
    }

    #[test]
    fn evaluating_any_condition_in_any_state_never_panics(
        pieces in proptest::collection::vec(proptest::sample::select(PIECES), 1..8),
        events in touchpoints(),
        page in pages(),
        now in 0u64..20 * 86_400_000,
    ) {
        let Ok(condition) = Condition::parse(&pieces.join(" ")) else { return Ok(()); };
        let mut engine = Engine::new(Config::default());
        for (tp, at) in &events {
            engine.ingest(tp, *at);
        }
        let ctx = Context::new(engine.config(), engine.state(), now, &page);
        let evaluation = condition.evaluate(&ctx);
        prop_assert_eq!(evaluation.matched, condition.is_true(&ctx));
        let _ = condition.check(engine.config());
    }
}
