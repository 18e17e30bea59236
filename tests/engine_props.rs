//! Properties of the public engine under arbitrary input: any sequence of touchpoints (known,
//! aliased and custom names; weird property values; arbitrary URLs and referrers; clocks that
//! jump forwards and backwards) never panics, keeps stage probabilities a distribution, and
//! survives the persisted-state round trip through `Engine::encode` / `Engine::restore`.

use proptest::collection::{btree_map, vec};
use proptest::option::of;
use proptest::prelude::*;
use serde_json::{Map, Number, Value};
use trailmark::core::event::{EventKind, Touchpoint};
use trailmark::core::{Config, Engine};

/// The default config, and one with custom events, tight caps and short retention and timeouts
/// so that roll-ups, caps, expiry and session changes happen within a short sequence.
fn configs() -> Vec<Config> {
    let custom = Config::from_json(
        r#"{
            "custom_events": ["Newsletter Opened", "quiz_done"],
            "inference": {"half_life_hours": 0.5, "max_evidence": 3, "trail_length": 4},
            "session": {"timeout_minutes": 1},
            "retention": {"max_touchpoints": 5, "touchpoint_days": 1,
                          "max_channel_touches": 2, "survey_days": 1},
            "signals": [
                {"event": "Newsletter Opened", "stages": {"loyalty": 2.0, "discovery": -1.5}},
                {"event": "quiz_done", "path_prefix": "/quiz", "stages": {"research": 1},
                 "max_per_session": 2},
                {"event": "Product Viewed", "where": {"category": "Shoes"},
                 "stages": {"consideration": 1}},
                {"fact": "returning_visitor", "stages": {"loyalty": 0.5}},
                {"fact": "product_revisit", "stages": {"consideration": 0.5}},
                {"channel": "Email", "stages": {"purchase": 0.3}}
            ],
            "micro_journeys": [{
                "id": "quiz",
                "steps": [{"event": "quiz_done", "optional": true},
                          {"event": "Product Viewed", "timeout_s": 5},
                          {"event": "Newsletter Opened"}],
                "abandon_on": ["Product Removed"]
            }]
        }"#,
    )
    .expect("the test config is valid");
    vec![Config::default(), custom]
}

fn name() -> impl Strategy<Value = String> {
    let known: Vec<String> = EventKind::all()
        .map(|k| k.name().to_owned())
        .chain(
            [
                "view_item",
                "add_to_cart",
                "purchase",
                "begin_checkout",
                "PRODUCT_VIEWED",
                "Newsletter Opened",
                "quiz_done",
                "Custom",
                "",
            ]
            .map(String::from),
        )
        .collect();
    prop_oneof![
        4 => proptest::sample::select(known),
        1 => "\\PC{0,16}",
    ]
}

/// Strings that numeric and id parsers find awkward.
fn weird_string() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "",
            " ",
            "NaN",
            "-NaN",
            "inf",
            "-inf",
            "infinity",
            "1e309",
            "-1e309",
            "-0",
            "0x10",
            " 12 ",
            "4294967296",
            "-1",
            "1e-400",
            "\u{0}",
            "Shoes",
            "/quiz/1",
            "🛒",
        ])
        .prop_map(String::from),
        "\\PC{0,12}",
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
        proptest::sample::select(vec![
            0.0,
            -0.0,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            1e308,
            -1e308,
            4_294_967_296.0,
            0.5,
        ])
        .prop_map(|f| Number::from_f64(f).map_or(Value::Null, Value::Number)),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        weird_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(key(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(vec![
            "product_id", "sku", "id", "category", "price", "quantity", "revenue", "total",
            "value", "query", "search_term", "survey_id", "survey", "answer", "score", "items",
            "item_id", "item_category", "form", "step", "depth", "seconds",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{1,8}",
    ]
}

fn url() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "https://shop.example/",
            "https://shop.example/quiz/1?utm_source=newsletter&utm_medium=email",
            "https://shop.example/p/1?gclid=x",
            "https://shop.example/?utm_campaign=spring&utm_id=7&utm_content=a&utm_term=b",
            "https://www.google.com/search?q=shoes",
            "https://l.facebook.com/",
            "https://chatgpt.com/",
            "http://[::1]:80/%ZZ?#",
            "javascript:alert(1)",
            "/relative/path?x=1",
            "",
        ])
        .prop_map(String::from),
        "(https?://)?[a-zA-Z0-9.%+&=?#/:_-]{0,40}",
        "\\PC{0,30}",
    ]
}

fn touchpoint() -> impl Strategy<Value = Touchpoint> {
    (name(), btree_map(key(), json(), 0..5), of(url()), of(url())).prop_map(
        |(name, props, url, referrer)| {
            let mut tp = Touchpoint::new(&name, props.into_iter().collect());
            tp.url = url;
            tp.referrer = referrer;
            tp
        },
    )
}

/// How the clock moves between touchpoints: forwards a little or a lot, backwards, or to an
/// arbitrary instant.
#[derive(Clone, Debug)]
enum Step {
    Forward(u64),
    Back(u64),
    Jump(u64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0u64..600_000).prop_map(Step::Forward),
        2 => (0u64..400 * 86_400_000).prop_map(Step::Forward),
        2 => (0u64..86_400_000).prop_map(Step::Back),
        1 => any::<u64>().prop_map(Step::Jump),
    ]
}

fn start() -> impl Strategy<Value = u64> {
    prop_oneof![
        4 => 1_600_000_000_000u64..1_800_000_000_000,
        1 => Just(0u64),
        1 => Just(u64::MAX - 1_000),
        1 => any::<u64>(),
    ]
}

fn assert_distribution(engine: &Engine, now: u64) -> Result<(), TestCaseError> {
    let estimates = engine.stage(now);
    prop_assert_eq!(estimates.len(), engine.config().stages.len());
    let mut sum = 0.0;
    for e in &estimates {
        prop_assert!(
            (0.0..=1.0).contains(&e.probability),
            "{} has probability {} at {}",
            e.stage,
            e.probability,
            now
        );
        sum += e.probability;
    }
    prop_assert!((sum - 1.0).abs() <= 1e-9, "probabilities sum to {}", sum);
    let (_, top) = engine.top_stage(now);
    prop_assert!((0.0..=1.0).contains(&top));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        // Integration tests have no lib.rs beside them for proptest to find.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_journeys_keep_invariants_and_survive_restore(
        config_index in 0usize..2,
        t0 in start(),
        events in vec((touchpoint(), step(), any::<bool>()), 0..40),
    ) {
        let config = configs().swap_remove(config_index);
        let mut engine = Engine::new(config.clone());
        let mut now = t0;
        for (tp, step, tick) in &events {
            now = match *step {
                Step::Forward(d) => now.saturating_add(d),
                Step::Back(d) => now.saturating_sub(d),
                Step::Jump(t) => t,
            };
            if *tick {
                engine.tick(now);
            }
            engine.ingest(tp, now);
            assert_distribution(&engine, now)?;
        }
        assert_distribution(&engine, now.saturating_add(30 * 86_400_000))?;
        if let Some(d) = engine.next_deadline() {
            engine.tick(d.saturating_add(1));
        }

        let bytes = engine.encode();
        let (restored, err) = Engine::restore(config, &bytes);
        prop_assert_eq!(err, None);
        prop_assert_eq!(restored.state(), engine.state());
        prop_assert_eq!(restored.encode(), bytes);
    }
}

#[test]
fn restore_round_trips_a_long_realistic_session() {
    let config = Config::default();
    let mut engine = Engine::new(config.clone());
    let mut t = 1_735_689_600_000;
    for i in 0..500u64 {
        let tp = match i % 5 {
            0 => Touchpoint::page("https://shop.example/?utm_source=x&utm_medium=cpc", None),
            1 => Touchpoint::of(EventKind::ProductViewed)
                .with("product_id", format!("p{}", i % 37))
                .with("category", "Shoes"),
            2 => Touchpoint::of(EventKind::ProductAdded)
                .with("product_id", "p1")
                .with("price", 9.99),
            3 => Touchpoint::of(EventKind::CheckoutStarted),
            _ => Touchpoint::of(EventKind::OrderCompleted),
        };
        engine.ingest(&tp, t);
        t += if i % 25 == 0 { 5 * 86_400_000 } else { 90_000 };
    }
    let (restored, err) = Engine::restore(config, &engine.encode());
    assert_eq!(err, None);
    assert_eq!(restored.state(), engine.state());
}

/// Regression: a cart holding lines of +inf and -inf value (huge or negative prices times
/// quantities) made an order without `revenue` add NaN to `Profile::revenue`, after which `State`
/// never equalled itself. Amounts are now clamped to `0..=MAX_AMOUNT` when read.
#[test]
fn revenue_stays_comparable_after_overflowing_cart() {
    let config = Config::default();
    let mut engine = Engine::new(config.clone());
    for (id, price) in [("a", 1e308), ("b", -1e308)] {
        let add = Touchpoint::of(EventKind::ProductAdded)
            .with("product_id", id)
            .with("price", price)
            .with("quantity", 2);
        engine.ingest(&add, 1);
    }
    engine.ingest(&Touchpoint::of(EventKind::OrderCompleted), 2);
    let (restored, err) = Engine::restore(config, &engine.encode());
    assert_eq!(err, None);
    assert_eq!(restored.encode(), engine.encode(), "the codec is bit-exact");
    assert!(engine.profile().revenue.is_finite());
    assert_eq!(restored.state(), engine.state());
}
