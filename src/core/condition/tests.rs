//! Parser, lint and evaluation tests of the condition language (the language-neutral rows are in
//! `tests/cases/conditions.json`).

use super::*;
use crate::core::{Config, Engine, EventKind, Touchpoint};

fn err(text: &str) -> String {
    Condition::parse(text).unwrap_err().to_string()
}

fn lint(text: &str) -> Vec<String> {
    let c = Condition::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    c.check(&Config::default())
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn eval_on(engine: &Engine, page: &PageContext, text: &str) -> Evaluation {
    let c = Condition::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let ctx = Context::new(
        engine.config(),
        engine.state(),
        engine.profile().last_seen_ms,
        page,
    );
    let e = c.evaluate(&ctx);
    assert_eq!(e.matched, c.is_true(&ctx), "{text}");
    e
}

fn holds(engine: &Engine, text: &str) -> bool {
    eval_on(engine, &PageContext::default(), text).matched
}

#[test]
fn precedence_is_or_and_not_comparison() {
    let e = Engine::new(Config::default());
    assert!(holds(&e, "true || false && false"));
    assert!(!holds(&e, "(true || false) && false"));
    assert!(holds(&e, "!false && true"));
    assert!(!holds(&e, "!(true || false)"));
    assert!(holds(&e, "!visits == 3"), "! negates the whole comparison");
    assert!(holds(&e, "!!true"));
    assert!(holds(&e, "(visits == 0) == true"));
}

#[test]
fn syntax_errors_point_at_the_column() {
    assert_eq!(
        err("stage.research >"),
        r#"column 17: expected a value after ">""#
    );
    assert_eq!(err(""), "column 1: the condition is empty");
    assert_eq!(
        err("visits > 1 &&"),
        "column 14: expected a value after \"&&\""
    );
    assert_eq!(
        err("(visits > 1"),
        "column 12: expected \")\" to close the \"(\" at column 1"
    );
    assert_eq!(err("visits > 1)"), "column 11: unmatched \")\"");
    assert_eq!(
        err("1 < visits < 5"),
        "column 12: comparisons cannot be chained; join them with \"&&\""
    );
    assert_eq!(
        err("visits 3"),
        "column 8: expected \"&&\", \"||\" or the end, found 3"
    );
    assert_eq!(
        err("channel.last in \"Email\""),
        "column 17: expected a list [...] after \"in\""
    );
    assert_eq!(
        err("page.path matches page.url"),
        "column 19: expected a quoted pattern after \"matches\", e.g. \"/products/*\""
    );
    assert_eq!(
        err("device in [\"mobile\" \"tablet\"]"),
        "column 21: expected \",\" or \"]\" to close the \"[\" at column 11"
    );
    assert_eq!(
        err("device in [visits]"),
        "column 12: lists hold numbers, strings or booleans, found visits"
    );
    assert!(err(&"(".repeat(100)).ends_with("nested too deeply"));
    assert!(err(&"!".repeat(100)).ends_with("nested too deeply"));
}

#[test]
fn unknown_variables_get_a_hint() {
    assert_eq!(
        err("vists > 1"),
        "column 1: unknown variable \"vists\", did you mean \"visits\"?"
    );
    assert_eq!(
        err("visits > 1 && channel.lst == \"Email\""),
        "column 15: unknown variable \"channel.lst\", did you mean \"channel.last\"?"
    );
    assert_eq!(
        err("stage"),
        "column 1: unknown variable \"stage\" (use stage.<id>)"
    );
    assert_eq!(
        err("journey.checkout.stp > 1"),
        "column 1: unknown variable \"journey.checkout.stp\", did you mean \"journey.checkout.step\"?"
    );
    assert!(err("colour == \"red\"").starts_with("column 1: unknown variable \"colour\""));
}

#[test]
fn static_type_mismatches_are_rejected() {
    assert_eq!(
        err("stage.research > \"x\""),
        r#"column 18: ">" compares numbers, but "x" is a string"#
    );
    assert_eq!(
        err("top_stage > 3"),
        r#"column 1: ">" compares numbers, but top_stage is a string"#
    );
    assert_eq!(
        err("visits == \"3\""),
        r#"column 11: "==" cannot compare visits (a number) with "3" (a string)"#
    );
    assert_eq!(
        err("channel.last in [\"Email\", 3]"),
        r#"column 27: "in" cannot compare channel.last (a string) with 3 (a number)"#
    );
    assert_eq!(
        err("visits contains 1"),
        r#"column 1: "contains" looks inside a string or list, but visits is a number"#
    );
    assert_eq!(
        err("cart.value matches \"1*\""),
        r#"column 1: "matches" applies to strings, but cart.value is a number"#
    );
    assert_eq!(
        err("survey.nps >= 9"),
        r#"column 1: ">=" compares numbers, but survey.nps is a string"#
    );
    assert_eq!(
        err("device == \"mobil\""),
        r#"column 11: "mobil" is not a device, did you mean "mobile"?"#
    );
    assert_eq!(
        err("journey.checkout in [\"done\"]"),
        r#"column 22: "done" is not a journey status (one of "not_started", "started", "progressing", "completed", "abandoned")"#
    );
    assert!(err("(visits > 1) > 0").contains("compares numbers"));
}

#[test]
fn lint_checks_ids_against_the_config() {
    assert_eq!(
        lint("stage.reserch > 0.5"),
        ["column 1: unknown stage \"reserch\", did you mean \"research\"?"]
    );
    assert_eq!(
        lint("journey.chekout.step >= 1 || top_stage in [\"purchase\", \"loyalt\"]"),
        [
            "column 1: unknown micro journey \"chekout\", did you mean \"checkout\"?",
            "column 56: \"loyalt\" is not a stage, did you mean \"loyalty\"?"
        ]
    );
    assert!(lint("stage.consideration > 0.5 && journey.checkout == \"abandoned\"").is_empty());
    assert!(lint("!(top_stage != \"purchase\")").is_empty());
}

#[test]
fn the_brief_examples_all_parse_and_lint() {
    for text in [
        r#"stage.consideration > 0.5 && journey.checkout == "abandoned""#,
        r#"top_stage == "purchase""#,
        "visits >= 3",
        "days_since_last_visit > 30",
        "orders == 0",
        r#"channel.last == "Organic Search""#,
        r#"page.path matches "/products/*""#,
        "cart.value > 100",
        "interest.shoes > 1",
        "survey.nps.score >= 9",
        "consent.personalization",
        "hour >= 18",
        r#"device == "mobile""#,
        r#"channel.last in ["Email", "Organic Search"]"#,
        r#"interest["Home & Garden"] > 1 || survey["how heard"].score > 1"#,
    ] {
        assert!(lint(text).is_empty(), "{text}");
    }
}

#[test]
fn variables_read_the_engine_and_the_page() {
    let mut e = Engine::new(Config::default());
    e.ingest(
        &Touchpoint::page(
            "https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring",
            None,
        ),
        0,
    );
    e.ingest(
        &Touchpoint::of(EventKind::ProductAdded)
            .with("product_id", "a")
            .with("category", "Shoes")
            .with("price", 40.0)
            .with("quantity", 2),
        1_000,
    );
    e.ingest(
        &Touchpoint::of(EventKind::SurveyAnswered)
            .with("survey_id", "nps")
            .with("score", 9),
        2_000,
    );
    let page = PageContext {
        url: Some("https://shop.example/products/boots?x=1".into()),
        device: Some(Device::Mobile),
        consent: [("personalization".to_string(), true)].into(),
        hour: Some(19),
        weekday: Some(0),
        ..Default::default()
    };
    let yes = |t: &str| assert!(eval_on(&e, &page, t).matched, "{t}");
    let no = |t: &str| assert!(!eval_on(&e, &page, t).matched, "{t}");
    yes(r#"channel.last == "Email" && channel.first == "Email" && channel.session == "Email""#);
    yes(r#"source.last == "news" && medium.last == "email" && campaign.last == "spring""#);
    yes("session.number == 1 && session.touchpoints == 3 && visits == 1");
    yes("new_visitor && !returning && !lapsed && !customer && orders == 0 && revenue == 0");
    yes("cart.value == 80 && cart.items == 2 && !cart.empty");
    yes(r#"interest.shoes > 1.9 && interest.SHOES < 2.1 && top_interest == "Shoes""#);
    yes("interest.hats == 0");
    yes(r#"survey.nps == "9" && survey.nps.score >= 9"#);
    yes(r#"page.path == "/products/boots" && page.url contains "x=1""#);
    yes(r#"device == "mobile" && consent.personalization && hour >= 18 && weekday == 0"#);
    yes(
        r#"journey.checkout == "not_started" && top_stage in ["discovery", "research", "consideration", "purchase"]"#,
    );
    // Missing values.
    no("days_since_last_visit > 30");
    no("days_since_last_visit <= 30");
    no("days_since_last_visit == 0");
    yes("days_since_last_visit != 0");
    no("journey.checkout.step >= 0");
    no("survey.csat.score >= 0");
    no(r#"survey.csat contains """#);
    no("consent.marketing");
    yes("!consent.marketing");
    no(r#"top_interest == "x" && false"#);
}

#[test]
fn evaluation_records_what_it_read_once_in_order() {
    let e = Engine::new(Config::default());
    let r = eval_on(
        &e,
        &PageContext::default(),
        r#"visits == 0 && (visits < 1 || orders > 0) && page.path matches "/x*""#,
    );
    assert!(!r.matched);
    assert_eq!(
        r.describe(),
        "visits = 0, page.path = (none)",
        "short-circuit skips orders"
    );
}

#[test]
fn conditions_round_trip_through_serde_and_compare_by_text() {
    let c: Condition = serde_json::from_str(r#""visits > 1""#).unwrap();
    assert_eq!(c, Condition::parse("visits > 1").unwrap());
    assert_eq!(c.to_string(), "visits > 1");
    let e = serde_json::from_str::<Condition>(r#""visits >""#).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("column 9: expected a value after \">\""),
        "{e}"
    );
    let vars: Vec<String> = Condition::parse("stage.research > 0.1 || interest[\"a b\"] > visits")
        .unwrap()
        .variables()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(vars, ["stage.research", "interest[\"a b\"]", "visits"]);
}
