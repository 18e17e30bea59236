//! Retention over simulated months: a visitor who comes back every few days for half a year,
//! answering a survey now and then, never has raw touchpoints older than `touchpoint_days` or
//! survey answers older than `survey_days` in the profile (and so in `export()`), at start-up
//! (`apply_retention`) as while running (`ingest`); rolled-up counts survive those limits, and a
//! visitor away longer than `inactive_days` is forgotten entirely, counts included.

use serde_json::json;
use trailmark::core::event::Touchpoint;
use trailmark::core::{view, Config, Engine};

const DAY: u64 = 86_400_000;
const T0: u64 = 1_750_000_000_000;

fn config() -> Config {
    Config::from_json(
        r#"{"retention": {"touchpoint_days": 30, "survey_days": 60, "inactive_days": 120}}"#,
    )
    .unwrap()
}

fn tp(name: &str, props: serde_json::Value) -> Touchpoint {
    Touchpoint::new(name, props.as_object().cloned().unwrap_or_default())
}

/// The oldest raw touchpoint's and survey answer's age in days, from the export view.
fn oldest(engine: &Engine, now: u64) -> (u64, u64) {
    let export = view::export::<serde_json::Value>(engine, now);
    let age = |list: &serde_json::Value| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| (now - t["at"].as_u64().unwrap()) / DAY)
            .max()
            .unwrap_or(0)
    };
    (age(&export["touchpoints"]), age(&export["surveys"]))
}

#[test]
fn six_months_of_visits_keep_only_what_retention_allows() {
    let mut engine = Engine::new(config());
    let mut now = T0;
    let mut total = 0u64;
    for visit in 0..60u64 {
        now = T0 + visit * 3 * DAY;
        engine.ingest(&tp("Page Viewed", json!({"path": "/"})), now);
        total += 1;
        if visit % 10 == 0 {
            engine.ingest(
                &tp("Survey Answered", json!({"survey_id": "nps", "score": 9})),
                now + 1000,
            );
            total += 1;
        }
        let (touchpoints, surveys) = oldest(&engine, now + 1000);
        assert!(
            touchpoints <= 30,
            "day {}: a touchpoint {touchpoints} days old",
            visit * 3
        );
        assert!(
            surveys <= 60,
            "day {}: a survey answer {surveys} days old",
            visit * 3
        );
    }
    let export = view::export::<serde_json::Value>(&engine, now);
    let counts = &export["event_counts"];
    let counted: u64 = counts
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(counted, total, "rolled-up counts keep every touchpoint");
    // Days 147..=177: eleven page views and the survey answer of day 150.
    assert_eq!(export["touchpoints"].as_array().unwrap().len(), 12);

    // Start-up 31 days later (no touchpoint since): every raw touchpoint is past 30 days.
    let later = now + 31 * DAY;
    assert!(engine.apply_retention(later).persist);
    let export = view::export::<serde_json::Value>(&engine, later);
    assert_eq!(export["touchpoints"], json!([]));
    assert_eq!(
        export["surveys"].as_array().unwrap().len(),
        1,
        "of the answers of days 120 and 150, only the one 58 days old is kept"
    );
    assert_eq!(export["event_counts"]["Page Viewed"], 60);
    assert!(
        !engine.apply_retention(later).persist,
        "nothing more to drop"
    );
}

#[test]
fn a_visitor_away_longer_than_inactive_days_is_forgotten_at_start_up_and_on_ingest() {
    for on_ingest in [false, true] {
        let mut engine = Engine::new(config());
        for d in 0..10 {
            engine.ingest(
                &tp("Order Completed", json!({"order_id": "o", "revenue": 20})),
                T0 + d * DAY,
            );
        }
        let last = T0 + 9 * DAY;
        // 120 days away is within the limit: only raw touchpoints (past 30 days) go.
        engine.apply_retention(last + 120 * DAY);
        assert_eq!(engine.state().profile.orders, 10);
        let back = last + 121 * DAY;
        if on_ingest {
            engine.ingest(&tp("Page Viewed", json!({})), back);
            let p = &engine.state().profile;
            assert_eq!((p.orders, p.visits), (0, 1), "a new visitor");
            assert_eq!(p.counts.values().sum::<u64>(), 1);
        } else {
            assert!(engine.apply_retention(back).persist);
            let p = &engine.state().profile;
            assert_eq!((p.orders, p.visits, p.counts.len()), (0, 0, 0));
            assert_eq!(p.revenue, 0.0);
        }
    }
}

#[test]
fn inactive_days_must_be_positive() {
    let e = Config::from_json(r#"{"retention": {"inactive_days": 0}}"#).unwrap_err();
    assert_eq!(e[0].path, "$.retention.inactive_days");
}
