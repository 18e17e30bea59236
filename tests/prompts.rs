//! Prompts, surveys and experiments from outside: the language-neutral rows of
//! `tests/cases/prompts.json` (triggers, caps, cool-downs and the fatigue budget over simulated
//! days), `surveys.json` (answers as evidence) and `experiments.json` (buckets for fixed seeds),
//! and statistical properties of bucketing (even and independent, by chi-square over 100,000
//! seeds).

use std::collections::BTreeMap;

use serde_json::{json, Value};
use trailmark::core::condition::PageContext;
use trailmark::core::experiment::draws;
use trailmark::core::prompt::HELD_OUT;
use trailmark::core::replay::{apply, parse_line, ReplayInput};
use trailmark::core::{Config, Engine, Trigger};

fn cases(file: &str) -> Vec<(String, Value, Value)> {
    let path = format!("{}/tests/cases/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let rows: Vec<(String, Value, Value)> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(!rows.is_empty(), "{path} has no cases");
    rows
}

/// An engine from the case's `config` and `seed`, fed its `events`; returns it and the time of
/// the last event.
fn run(input: &Value, name: &str) -> (Engine, u64) {
    let config = Config::parse(input.get("config").unwrap_or(&json!({})))
        .unwrap_or_else(|e| panic!("{name}: config: {e:?}"));
    let mut engine = Engine::new(config);
    if let Some(seed) = input.get("seed").and_then(Value::as_u64) {
        engine.seed(seed);
    }
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

/// A prompt case run up to its decision: the engine, the time, the page and the trigger.
fn prompt_case(input: &Value, name: &str) -> (Engine, u64, PageContext, Trigger) {
    let (engine, at) = run(input, name);
    let trigger = Trigger::parse(input["trigger"].as_str().unwrap()).unwrap();
    let page = input
        .get("page")
        .map(|p| PageContext::from_json(p).unwrap())
        .unwrap_or_default();
    (engine, at, page, trigger)
}

#[test]
fn prompt_cases() {
    for (name, input, expected) in cases("prompts.json") {
        let (engine, at, page, trigger) = prompt_case(&input, &name);
        let (shown, passed) = engine.decide_prompt(at, &page, &trigger);
        let shown = shown.map(|d| d.prompt);
        assert_eq!(
            shown.as_deref(),
            expected["prompt"].as_str(),
            "{name}: {passed:?}"
        );
        let passed: BTreeMap<String, String> = passed
            .into_iter()
            .map(|(id, why)| (id, why.to_owned()))
            .collect();
        let want: BTreeMap<String, String> =
            serde_json::from_value(expected["passed_over"].clone()).unwrap();
        assert_eq!(passed, want, "{name}");
    }
}

/// Every prompt case's whole decision as the browser gets it (`view::prompt_decision`: the chosen
/// prompt with its explanation, or `prompt: null`; what was passed over and why; the held-out
/// exposures to track), kept in `tests/cases/prompt-decisions.json`, which
/// `js/test/prompt-cases.test.mjs` holds `js/prompts.js`'s port of the decision to.
/// `TRAILMARK_BLESS=1` rewrites it.
#[test]
fn prompt_decisions_match_their_golden_file() {
    let mut all = serde_json::Map::new();
    for (name, input, _) in cases("prompts.json") {
        let (engine, at, page, trigger) = prompt_case(&input, &name);
        let (shown, passed) = engine.decide_prompt(at, &page, &trigger);
        let held = engine.held_out_exposures(at, &page, &passed);
        let view: Value = trailmark::core::view::prompt_decision(shown.as_ref(), &passed, &held);
        assert!(
            all.insert(name.clone(), view).is_none(),
            "{name}: two cases of that name"
        );
    }
    let path = format!(
        "{}/tests/cases/prompt-decisions.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let got = serde_json::to_string_pretty(&Value::Object(all)).unwrap() + "\n";
    if std::env::var_os("TRAILMARK_BLESS").is_some() {
        std::fs::write(&path, &got).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "{path} differs from the decisions (TRAILMARK_BLESS=1 rewrites it)"
    );
}

#[test]
fn survey_cases() {
    for (name, input, expected) in cases("surveys.json") {
        let (engine, at) = run(&input, &name);
        // The same journey with its answers replaced by a neutral custom event at the same
        // times (sessions stay the same), to see what the answers changed.
        let mut without = input.clone();
        for e in without["events"].as_array_mut().unwrap() {
            if e["event"] == "Survey Answered" {
                e["event"] = json!("Survey Skipped");
            }
        }
        let (baseline, _) = run(&without, &name);
        let loyalty = |e: &Engine| {
            e.stage(at)
                .into_iter()
                .find(|s| s.stage == "loyalty")
                .unwrap()
        };
        let rises = loyalty(&engine).probability > loyalty(&baseline).probability + 1e-9;
        assert_eq!(
            rises,
            expected["loyalty_rises"].as_bool().unwrap(),
            "{name}"
        );
        if let Some(cause) = expected.get("evidence").and_then(Value::as_str) {
            assert!(
                loyalty(&engine)
                    .trail
                    .iter()
                    .any(|c| c.cause.describe() == cause),
                "{name}: no evidence {cause:?}"
            );
        }
        let d = &engine.state().decisions;
        let pains: Vec<&str> = d.pain_points.iter().map(|p| p.reason.as_str()).collect();
        let want: Vec<&str> = expected["pain_points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        assert_eq!(pains, want, "{name}");
        assert_eq!(
            d.reported_channel.as_deref(),
            expected["reported_channel"].as_str(),
            "{name}"
        );
    }
}

#[test]
fn experiment_cases() {
    for (name, input, expected) in cases("experiments.json") {
        let (engine, at) = run(&input, &name);
        let decisions = engine.decide(at, &PageContext::default());
        for (slot, want) in expected.as_object().unwrap() {
            let d = decisions.iter().find(|d| &d.slot == slot).unwrap();
            let arm = d.experiment.as_ref().map(|x| x.arm.as_str());
            assert_eq!(arm, want["arm"].as_str(), "{name}: arm");
            assert_eq!(
                d.variant.as_deref(),
                want["variant"].as_str(),
                "{name}: variant"
            );
            if let Some(expose) = want.get("expose") {
                assert_eq!(
                    d.experiment.as_ref().map(|x| x.expose),
                    expose.as_bool(),
                    "{name}: expose"
                );
            }
        }
    }
}

/// Pearson's chi-square statistic of observed counts against expected shares.
fn chi_square(observed: &[u64], shares: &[f64]) -> f64 {
    let n: u64 = observed.iter().sum();
    observed
        .iter()
        .zip(shares)
        .map(|(o, p)| {
            let e = n as f64 * p;
            (*o as f64 - e).powi(2) / e
        })
        .sum()
}

const IDS: u64 = 100_000;

#[test]
fn buckets_are_even_over_100k_seeds() {
    // Consecutive seeds are the hardest case for a weak hash.
    for (exp, weights) in [
        ("hero-copy", vec![1.0, 1.0]),
        ("nudge", vec![1.0, 2.0, 7.0]),
    ] {
        let total: f64 = weights.iter().sum();
        let shares: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let mut counts = vec![0u64; weights.len()];
        for seed in 1..=IDS {
            let (_, u) = draws(seed, exp);
            let i = trailmark::core::experiment::pick(weights.iter().copied(), u).unwrap();
            counts[i] += 1;
        }
        // 99.9th percentile of chi-square with 1 and 2 degrees of freedom.
        let critical = [10.83, 13.82][weights.len() - 2];
        let chi = chi_square(&counts, &shares);
        assert!(chi < critical, "{exp}: chi-square {chi} for {counts:?}");
    }
}

#[test]
fn holdout_share_and_independence_between_experiments() {
    let mut held = 0u64;
    // 2x2 table: arm (by 50/50 draw) in experiment A against experiment B.
    let mut table = [[0u64; 2]; 2];
    for seed in 1..=IDS {
        let (h, a) = draws(seed, "a");
        let (_, b) = draws(seed, "b");
        if h < 0.1 {
            held += 1;
        }
        table[usize::from(a >= 0.5)][usize::from(b >= 0.5)] += 1;
    }
    let chi = chi_square(&[held, IDS - held], &[0.1, 0.9]);
    assert!(chi < 10.83, "holdout: {held} of {IDS}");
    let flat = [table[0][0], table[0][1], table[1][0], table[1][1]];
    // Independent 50/50 draws: each cell a quarter (3 degrees of freedom: 16.27).
    let chi = chi_square(&flat, &[0.25; 4]);
    assert!(chi < 16.27, "cross-tab {table:?}");
}

#[test]
fn assignments_are_sticky_across_restore_and_redrawn_after_forget() {
    let config = Config::from_json(
        r#"{"slots": {"hero": {"rules": []}}, "experiments": {"x": {"slot": "hero",
            "arms": [{"id": "a", "variant": "a"}, {"id": "b", "variant": "b"}]}}}"#,
    )
    .unwrap();
    let arm = |e: &Engine| {
        e.decide(0, &PageContext::default())[0]
            .experiment
            .clone()
            .unwrap()
            .arm
    };
    let mut arms = BTreeMap::new();
    for seed in 1..=200u64 {
        let mut e = Engine::new(config.clone());
        assert!(e.seed(seed));
        assert!(!e.seed(seed + 1), "a seed is kept for good");
        let before = arm(&e);
        let (restored, err) = Engine::restore(config.clone(), &e.encode());
        assert!(err.is_none());
        assert_eq!(arm(&restored), before, "seed {seed}");
        *arms.entry(before).or_insert(0) += 1;
    }
    assert_eq!(arms.len(), 2, "both arms drawn: {arms:?}");
    // Forgetting gives a fresh state: no seed, no experiment, until the caller draws a new one.
    let mut e = Engine::new(config.clone());
    e.seed(1);
    e.set_state(trailmark::core::engine::State::new(&config));
    assert!(e.decide(0, &PageContext::default())[0].experiment.is_none());
}

#[test]
fn export_hands_over_assignments_and_prompt_memory() {
    use trailmark::core::{view, EventKind, Touchpoint};
    let config = Config::from_json(
        r#"{"slots": {"hero": {"rules": []}}, "experiments": {"x": {"slot": "hero",
            "arms": [{"id": "a", "variant": "a"}, {"id": "b", "variant": "b"}]}},
            "prompts": {"cart_nudge": {"kind": "toast"}}}"#,
    )
    .unwrap();
    let mut e = Engine::new(config);
    e.seed(12_345);
    e.ingest(&Touchpoint::page("https://shop.example/", None), 1_000);
    let arm = e.decide(1_000, &PageContext::default())[0]
        .experiment
        .clone()
        .unwrap()
        .arm;
    e.ingest(
        &Touchpoint::new("Experiment Viewed", Default::default())
            .with("experiment_id", "x")
            .with("variant_id", arm.as_str()),
        2_000,
    );
    e.ingest(
        &Touchpoint::of(EventKind::PromptShown).with("prompt_id", "cart_nudge"),
        3_000,
    );
    e.ingest(
        &Touchpoint::of(EventKind::PromptDismissed).with("prompt_id", "cart_nudge"),
        4_000,
    );
    let out = view::export::<serde_json::Value>(&e, 5_000);
    assert_eq!(
        out["decisions"],
        json!({
            "experiment_seed": 12_345,
            "experiments": {"x": {"arm": arm, "exposed_session": 1}},
            "prompts": {"cart_nudge": {"shown": [3_000], "total": 1, "clicks": 0, "dismissed": 4_000}}
        })
    );
}

#[test]
fn a_prompt_experiments_holdout_is_exposed_once_per_session() {
    use trailmark::core::{EventKind, Touchpoint};
    let config = Config::from_json(
        r#"{"prompts": {"offer": {"kind": "toast", "on": ["page_view"]}},
            "experiments": {"x": {"prompt": "offer", "holdout": 0.5,
                "arms": [{"id": "a"}, {"id": "b"}]}}}"#,
    )
    .unwrap();
    let page = PageContext::default();
    // The first seed the experiment holds out (half of them are).
    let mut e = (1..200u64)
        .map(|seed| {
            let mut e = Engine::new(config.clone());
            e.seed(seed);
            e.ingest(&Touchpoint::page("https://shop.example/", None), 1_000);
            e
        })
        .find(|e| {
            let (shown, passed) = e.decide_prompt(1_000, &page, &Trigger::PageView);
            shown.is_none() && passed.iter().any(|(_, why)| *why == HELD_OUT)
        })
        .expect("some seed is held out");
    let (_, passed) = e.decide_prompt(2_000, &page, &Trigger::PageView);
    let held = e.held_out_exposures(2_000, &page, &passed);
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].experiment.as_str(), held[0].arm.as_str()),
        ("x", "holdout")
    );
    // Once tracked, not again this session; again in the next one.
    e.ingest(
        &Touchpoint::new("Experiment Viewed", Default::default())
            .with("experiment_id", "x")
            .with("variant_id", "holdout"),
        3_000,
    );
    let (_, passed) = e.decide_prompt(4_000, &page, &Trigger::PageView);
    assert!(e.held_out_exposures(4_000, &page, &passed).is_empty());
    let later = 4_000 + 31 * 60_000;
    e.ingest(&Touchpoint::of(EventKind::PageViewed), later);
    let (_, passed) = e.decide_prompt(later, &page, &Trigger::PageView);
    assert_eq!(e.held_out_exposures(later, &page, &passed).len(), 1);
}

/// Decided: a prompt experiment's holdout is the world without that prompt, so a held-out
/// visitor gets what the site would otherwise show there, the next eligible prompt, and the
/// experiment measures the prompt's effect over that, not over showing nothing.
#[test]
fn a_held_out_visitor_sees_the_next_prompt_as_if_the_tested_one_did_not_exist() {
    use trailmark::core::Touchpoint;
    let config = Config::from_json(
        r#"{"prompts": {"offer": {"kind": "toast", "on": ["page_view"], "priority": 9},
                        "newsletter": {"kind": "banner", "on": ["page_view"], "priority": 1}},
            "experiments": {"x": {"prompt": "offer", "holdout": 0.5,
                "arms": [{"id": "a"}, {"id": "b"}]}}}"#,
    )
    .unwrap();
    let page = PageContext::default();
    let decide = |seed: u64| {
        let mut e = Engine::new(config.clone());
        e.seed(seed);
        e.ingest(&Touchpoint::page("https://shop.example/", None), 1_000);
        let (shown, passed) = e.decide_prompt(1_000, &page, &Trigger::PageView);
        let held = passed
            .iter()
            .any(|(id, why)| id == "offer" && *why == HELD_OUT);
        (shown.map(|d| d.prompt), held)
    };
    let outcomes: Vec<_> = (1..200u64).map(decide).collect();
    assert!(outcomes.contains(&(Some("newsletter".into()), true)));
    assert!(outcomes.contains(&(Some("offer".into()), false)));
    assert!(outcomes
        .iter()
        .all(|o| *o == (Some("newsletter".into()), true) || *o == (Some("offer".into()), false)));
}
