//! JSON views of what the engine knows, shared by the CLI (`replay`), the browser API
//! (`stage()`, `journey()`, `export()`) and the debug panel, so all three describe a visitor in
//! the same words. Pure functions of the engine and the time.

use crate::core::map::SortedMap;
use alloc::{borrow::ToOwned, string::String, vec::Vec};

use serde_json::{Map, Value};

use super::channel::ChannelTouch;
use super::condition::ValueDisplay;
use super::decide::SlotDecision;
use super::engine::{Effect, Engine};
use super::experiment::ExperimentDecision;
use super::profile::Profile;
use super::prompt::PromptDecision;

// Objects are built field by field rather than with `json!`, whose `to_value(..).unwrap()` per
// field brings serde's generic serializer (and its error formatting) into the browser build, and
// by `insert` rather than `collect`, which would sort (one sort instantiation per call site).

/// A JSON object from `(key, value)` pairs. A macro calling one shared [`put`] per field rather
/// than a function taking a `Vec` of pairs: no vector to build, walk and drop at each call site
/// (5.7 KB less wasm over the views).
macro_rules! obj {
    ($(($key:expr, $value:expr $(,)?)),* $(,)?) => {{
        let mut map = Map::new();
        $(put(&mut map, $key, $value);)*
        Value::Object(map)
    }};
}

/// A JSON string (not inlined: one copy of the allocation code for every string field).
#[inline(never)]
fn text(s: &str) -> Value {
    Value::String(s.to_owned())
}

/// A JSON string or `null`.
#[inline(never)]
fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

#[inline(never)] // shared by every field of every view
fn put(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.insert(key.to_owned(), value);
}

/// A JSON array of `items` mapped with `f`.
fn list<T>(items: impl IntoIterator<Item = T>, mut f: impl FnMut(T) -> Value) -> Value {
    // A loop rather than `map(f).collect()`, whose specialisations cost more wasm per caller.
    let mut out = Vec::new();
    for item in items {
        out.push(f(item));
    }
    Value::Array(out)
}

/// Counts by name as a JSON object.
fn counts<N: Copy + Into<Value>>(counts: &SortedMap<String, N>) -> Value {
    let mut map = Map::new();
    for (k, n) in counts {
        map.insert(k.clone(), (*n).into());
    }
    Value::Object(map)
}

/// Stage estimates, in config order: `[{stage, label, probability, score, evidence: [{cause,
/// at, weight}]}]`.
pub fn stages(engine: &Engine, now_ms: u64) -> Value {
    let config = engine.config();
    list(
        engine.stage(now_ms).into_iter().zip(&config.stages),
        |(e, def)| {
            obj!(
                ("stage", e.stage.into()),
                ("label", text(def.label.as_ref().unwrap_or(&def.id)),),
                ("probability", e.probability.into()),
                ("score", e.score.into()),
                (
                    "evidence",
                    list(&e.trail, |c| {
                        obj!(
                            ("cause", c.cause.describe().into()),
                            ("at", c.at_ms.into()),
                            ("weight", c.weight.into()),
                        )
                    }),
                ),
            )
        },
    )
}

/// Micro journeys by id: `{checkout: {status, step, step_label, started, updated, deadline,
/// attempts, completions, abandons, backtracks}}`.
pub fn journeys(engine: &Engine) -> Value {
    let defs = &engine.config().micro_journeys;
    let mut map = Map::new();
    for (j, def) in engine.journeys().iter().zip(defs) {
        let step = def.steps.get(j.step as usize);
        let label = step.map(|s| s.label.as_ref().unwrap_or(&s.event).as_str());
        let started = j.attempts > 0;
        map.insert(
            j.id.clone(),
            obj!(
                ("status", j.status.name().into()),
                ("step", j.step.into()),
                ("step_label", label.into()),
                ("steps", def.steps.len().into()),
                ("started", started.then_some(j.started_ms).into()),
                ("updated", started.then_some(j.updated_ms).into()),
                ("deadline", j.deadline_ms.into()),
                ("attempts", j.attempts.into()),
                ("completions", j.completions.into()),
                ("abandons", j.abandons.into()),
                ("backtracks", j.backtracks.into()),
            ),
        );
    }
    Value::Object(map)
}

/// One channel touch.
pub fn touch(t: &ChannelTouch) -> Value {
    obj!(
        ("group", text(&t.group)),
        ("source", text(&t.source)),
        ("medium", text(&t.medium)),
        ("campaign", opt_text(t.campaign.as_deref())),
        ("term", opt_text(t.term.as_deref())),
        ("content", opt_text(t.content.as_deref())),
        ("click_id", opt_text(t.click_id.as_deref())),
        ("at", t.at_ms.into()),
    )
}

/// Lifecycle facts and channel summary: what conditions and the debug panel read.
pub fn lifecycle(engine: &Engine, now_ms: u64) -> Value {
    let p: &Profile = engine.profile();
    let config = engine.config();
    let (top, top_p) = engine.top_stage(now_ms);
    let session = p.session.as_ref().map(|s| {
        obj!(
            ("number", s.number.into()),
            ("started", s.started_ms.into()),
            ("touchpoints", s.touchpoints.into()),
            ("channel", touch(&s.channel)),
        )
    });
    let cart_items = list(&p.cart, |l| {
        obj!(
            ("product_id", text(&l.product_id)),
            ("quantity", l.quantity.into()),
            ("price", l.price.into()),
        )
    });
    let interests = list(
        p.interests_at(now_ms, &config.lifecycle),
        |(category, score)| obj!(("category", category.into()), ("score", score.into())),
    );
    obj!(
        ("visits", p.visits.into()),
        ("returning", p.is_returning().into()),
        ("days_since_last_visit", p.days_since_last_visit().into()),
        ("lapsed", p.is_lapsed(&config.lifecycle).into()),
        ("orders", p.orders.into()),
        ("revenue", p.revenue.into()),
        ("customer", (p.orders > 0).into()),
        (
            "first_seen",
            (p.first_seen_ms > 0).then_some(p.first_seen_ms).into(),
        ),
        (
            "last_seen",
            (p.last_seen_ms > 0).then_some(p.last_seen_ms).into(),
        ),
        ("session", session.into()),
        (
            "channel",
            obj!(
                ("first", p.first_touch.as_ref().map(touch).into()),
                ("last", p.last_touch().map(touch).into()),
                ("counts", counts(&p.channel_counts)),
            ),
        ),
        (
            "cart",
            obj!(("items", cart_items), ("value", p.cart_value().into()),),
        ),
        ("interests", interests),
        ("top_stage", top.into()),
        ("top_probability", top_p.into()),
        (
            "reported_channel",
            opt_text(engine.state().decisions.reported_channel.as_deref()),
        ),
        (
            "pain_points",
            list(&engine.state().decisions.pain_points, |p| {
                obj!(("reason", text(&p.reason)), ("at", p.at_ms.into()),)
            }),
        ),
    )
}

/// Everything kept about the visitor, for `export()` (data portability): lifecycle, every
/// channel touch kept, recent touchpoints, counts, survey answers, stages with evidence, micro
/// journeys, and what prompts and experiments remember.
pub fn export(engine: &Engine, now_ms: u64) -> Value {
    let p = engine.profile();
    let touchpoints = list(&p.recent, |t| {
        obj!(
            ("at", t.at_ms.into()),
            ("event", t.name().into()),
            ("path", opt_text(t.path.as_deref())),
            ("product_id", opt_text(t.product_id.as_deref())),
            ("category", opt_text(t.category.as_deref())),
            ("value", t.value.into()),
        )
    });
    let surveys = list(&p.surveys, |s| {
        obj!(
            ("survey", text(&s.survey)),
            ("answer", text(&s.answer)),
            ("score", s.score.into()),
            ("at", s.at_ms.into()),
        )
    });
    obj!(
        ("format", "trailmark-export/1".into()),
        ("exported_at", now_ms.into()),
        ("namespace", text(&engine.config().namespace)),
        ("lifecycle", lifecycle(engine, now_ms)),
        ("channel_touches", list(&p.touches, touch)),
        ("touchpoints", touchpoints),
        ("event_counts", counts(&p.counts)),
        (
            "viewed_products",
            list(p.viewed_products.keys(), |k| text(k)),
        ),
        ("surveys", surveys),
        ("stages", stages(engine, now_ms)),
        ("journeys", journeys(engine)),
        ("decisions", decision_memory(engine)),
    )
}

/// What the engine remembers to decide prompts and experiments: `{experiment_seed, experiments:
/// {id: {arm, exposed_session}}, prompts: {id: {shown: [ms], total, clicks, dismissed}}}`.
fn decision_memory(engine: &Engine) -> Value {
    let d = &engine.state().decisions;
    let mut experiments = Map::new();
    for (id, a) in &d.assignments {
        experiments.insert(
            id.clone(),
            obj!(
                ("arm", text(&a.arm)),
                ("exposed_session", a.exposed_session.into()),
            ),
        );
    }
    let mut prompts = Map::new();
    for (id, h) in &d.prompts {
        prompts.insert(
            id.clone(),
            obj!(
                ("shown", list(&h.shown_ms, |t| (*t).into())),
                ("total", h.total.into()),
                ("clicks", h.clicks.into()),
                ("dismissed", h.dismissed_ms.into()),
            ),
        );
    }
    obj!(
        // Drawn from 53 random bits by the browser, so exact as a JSON number.
        ("experiment_seed", d.seed.into()),
        ("experiments", Value::Object(experiments)),
        ("prompts", Value::Object(prompts)),
    )
}

/// A variable's value as read by a condition (`null` when missing).
fn read_value(value: &ValueDisplay) -> Value {
    match value {
        ValueDisplay::Missing => Value::Null,
        ValueDisplay::Bool(b) => (*b).into(),
        ValueDisplay::Number(n) => (*n).into(),
        ValueDisplay::Text(t) => text(t),
    }
}

fn reads(reads: &[(String, ValueDisplay)]) -> Value {
    list(reads, |(name, value)| {
        obj!(("name", text(name)), ("value", read_value(value)),)
    })
}

fn evidence(evidence: &[(String, f64)]) -> Value {
    list(evidence, |(cause, weight)| {
        obj!(("cause", text(cause)), ("weight", (*weight).into()),)
    })
}

/// An experiment decision: `{id, arm, variant, holdout, expose, reads}`.
fn experiment(x: &ExperimentDecision) -> Value {
    obj!(
        ("id", text(&x.experiment)),
        ("arm", text(&x.arm)),
        ("variant", opt_text(x.variant.as_deref())),
        ("holdout", x.holdout.into()),
        ("expose", x.expose.into()),
        ("reads", reads(&x.reads)),
    )
}

/// Slot decisions as JSON: `[{slot, variant, rule, experiment, explanation: {text, condition,
/// reads: [{name, value}], top_stage, probability, evidence: [{cause, weight}]}}]`, sorted by
/// slot.
pub fn decisions(decisions: &[SlotDecision]) -> Value {
    list(decisions, |d| {
        let e = &d.explanation;
        obj!(
            ("slot", text(&d.slot)),
            ("variant", opt_text(d.variant.as_deref())),
            ("rule", d.rule.into()),
            ("experiment", d.experiment.as_ref().map(experiment).into()),
            (
                "explanation",
                obj!(
                    ("text", e.describe().into()),
                    ("condition", opt_text(e.condition.as_deref())),
                    ("reads", reads(&e.reads)),
                    ("top_stage", text(&e.top_stage)),
                    ("probability", e.probability.into()),
                    ("evidence", evidence(&e.evidence)),
                ),
            ),
        )
    })
}

/// A prompt decision as JSON: `{prompt, kind, template, survey, experiment, explanation:
/// {text, trigger, condition, reads, shown_session, shown_total, budget_used, budget, top_stage,
/// probability, evidence, passed_over: [{prompt, reason}]}}`, or, when nothing is shown,
/// `{prompt: null, passed_over}`.
pub fn prompt_decision(
    shown: Option<&PromptDecision>,
    passed: &[(String, &str)],
    held_out: &[ExperimentDecision],
) -> Value {
    let passed = list(passed, |(id, why)| {
        obj!(("prompt", text(id)), ("reason", (*why).into()),)
    });
    let held_out = list(held_out, experiment);
    let Some(d) = shown else {
        return obj!(
            ("prompt", Value::Null),
            ("passed_over", passed),
            ("held_out", held_out),
        );
    };
    let e = &d.explanation;
    obj!(
        ("prompt", text(&d.prompt)),
        ("kind", d.kind.name().into()),
        ("template", text(&d.template)),
        ("survey", d.survey.into()),
        ("experiment", d.experiment.as_ref().map(experiment).into()),
        ("held_out", held_out),
        (
            "explanation",
            obj!(
                ("text", e.describe().into()),
                ("trigger", text(&e.trigger)),
                ("condition", opt_text(e.condition.as_deref())),
                ("reads", reads(&e.reads)),
                ("shown_session", e.shown_session.into()),
                ("shown_total", e.shown_total.into()),
                ("budget_used", e.budget.0.into()),
                ("budget", e.budget.1.into()),
                ("top_stage", text(&e.top_stage)),
                ("probability", e.probability.into()),
                ("evidence", evidence(&e.evidence)),
                ("passed_over", passed),
            ),
        ),
    )
}

/// An effect as JSON: `{type: "session_started" | "stage_changed" | "journey_changed", ...}`.
pub fn effect(effect: &Effect) -> Value {
    match effect {
        Effect::SessionStarted { number, channel } => obj!(
            ("type", "session_started".into()),
            ("number", (*number).into()),
            ("channel", text(channel)),
        ),
        Effect::StageChanged {
            from,
            to,
            probability,
        } => obj!(
            ("type", "stage_changed".into()),
            ("from", text(from)),
            ("to", text(to)),
            ("probability", (*probability).into()),
        ),
        Effect::JourneyChanged {
            journey,
            status,
            step,
        } => obj!(
            ("type", "journey_changed".into()),
            ("journey", text(journey)),
            ("status", status.name().into()),
            ("step", (*step).into()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Config, EventKind, Touchpoint};

    #[test]
    fn views_describe_a_short_visit() {
        let mut e = Engine::new(Config::default());
        e.ingest(
            &Touchpoint::page(
                "https://shop.example/?utm_source=news&utm_medium=email",
                None,
            ),
            1_000,
        );
        e.ingest(&Touchpoint::of(EventKind::CheckoutStarted), 2_000);
        let s = stages(&e, 2_000);
        assert_eq!(s.as_array().unwrap().len(), 6);
        assert_eq!(s[0]["label"], "Discovery");
        assert_eq!(journeys(&e)["checkout"]["status"], "started");
        assert_eq!(journeys(&e)["checkout"]["step_label"], "Checkout Started");
        let l = lifecycle(&e, 2_000);
        assert_eq!(l["channel"]["last"]["group"], "Email");
        assert_eq!(l["visits"], 1);
        let x = export(&e, 2_000);
        assert_eq!(x["touchpoints"].as_array().unwrap().len(), 2);
        assert_eq!(x["format"], "trailmark-export/1");
    }
}
