//! JSON views of what the engine knows, shared by the CLI (`replay`), the browser API
//! (`stage()`, `journey()`, `export()`) and the debug panel, so all three describe a visitor in
//! the same words. Pure functions of the engine and the time, generic over where they write
//! ([`Json`]): a `serde_json::Value` here, JavaScript objects in the browser build.

use crate::core::map::SortedMap;
use alloc::{borrow::ToOwned, string::String, vec::Vec};

use serde_json::{Map, Value};

use super::channel::ChannelTouch;
use super::condition::ValueDisplay;
use super::condition::{Context, PageContext};
use super::decide::SlotDecision;
use super::engine::{Effect, Engine};
use super::experiment::ExperimentDecision;
use super::profile::Profile;
use super::prompt::decide;
use super::prompt::PromptDecision;

/// Where a view writes: a `serde_json::Value` tree (the CLI, the tests) or, in the browser,
/// JavaScript objects built directly (`src/web/convert.rs`), so there is one view code and no
/// intermediate tree to build, convert and drop in the wasm.
pub trait Json: Sized {
    /// A new empty object.
    fn object() -> Self;
    /// A new empty array.
    fn array() -> Self;
    /// Sets `key` of an object made by [`Json::object`].
    fn set(&mut self, key: &str, value: Item<'_, Self>);
    /// Appends to an array made by [`Json::array`].
    fn push(&mut self, value: Item<'_, Self>);
}

/// One value a view writes. Integers and floats stay apart (the CLI prints `5` and `5.0`);
/// JavaScript gets both as numbers. A float that is not finite is written as `null`, as
/// `serde_json` and `JSON.stringify` do.
pub enum Item<'a, J> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Int(u64),
    /// A float.
    Float(f64),
    /// A string.
    Text(&'a str),
    /// An object or array already built.
    Node(J),
}

impl<J: Json> From<J> for Item<'_, J> {
    fn from(j: J) -> Self {
        Item::Node(j)
    }
}

macro_rules! item_from {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl<J> From<$t> for Item<'_, J> {
            fn from($v: $t) -> Self {
                $e
            }
        }
    )*};
}

item_from!(
    bool => |b| Item::Bool(b),
    u8 => |n| Item::Int(n.into()),
    u32 => |n| Item::Int(n.into()),
    u64 => |n| Item::Int(n),
    usize => |n| Item::Int(n as u64),
    f64 => |x| Item::Float(x),
);

impl<'a, J> From<&'a str> for Item<'a, J> {
    fn from(s: &'a str) -> Self {
        Item::Text(s)
    }
}

impl<'a, J> From<&'a String> for Item<'a, J> {
    fn from(s: &'a String) -> Self {
        Item::Text(s)
    }
}

impl<'a, J, T: Into<Item<'a, J>>> From<Option<T>> for Item<'a, J> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Item::Null, Into::into)
    }
}

/// The CLI's and the tests' form: a `serde_json::Value` tree, integers as integers.
impl Json for Value {
    fn object() -> Self {
        Value::Object(Map::new())
    }

    fn array() -> Self {
        Value::Array(Vec::new())
    }

    fn set(&mut self, key: &str, value: Item<'_, Self>) {
        if let Value::Object(map) = self {
            map.insert(key.to_owned(), value.into_value());
        }
    }

    fn push(&mut self, value: Item<'_, Self>) {
        if let Value::Array(items) = self {
            items.push(value.into_value());
        }
    }
}

impl Item<'_, Value> {
    fn into_value(self) -> Value {
        match self {
            Item::Null => Value::Null,
            Item::Bool(b) => Value::Bool(b),
            Item::Int(n) => n.into(),
            Item::Float(x) => x.into(),
            Item::Text(s) => Value::String(s.to_owned()),
            Item::Node(v) => v,
        }
    }
}

/// A JSON object from `(key, value)` pairs, values being anything an [`Item`] is made from.
/// A macro calling [`Json::set`] per field: no vector of pairs to build, walk and drop at each
/// call site. Names the view's `J: Json` type parameter.
macro_rules! obj {
    ($(($key:expr, $value:expr $(,)?)),* $(,)?) => {{
        let mut object = J::object();
        $(object.set($key, Item::from($value));)*
        object
    }};
}

/// A JSON array of `items` mapped with `f`.
fn list<'a, J: Json, T, I: Into<Item<'a, J>>>(
    items: impl IntoIterator<Item = T>,
    mut f: impl FnMut(T) -> I,
) -> J {
    // A loop rather than `map(f).collect()`, whose specialisations cost more wasm per caller.
    let mut out = J::array();
    for item in items {
        out.push(f(item).into());
    }
    out
}

/// Counts by name as a JSON object.
fn counts<J: Json, N: Copy + Into<Item<'static, J>>>(counts: &SortedMap<String, N>) -> J {
    let mut map = J::object();
    for (k, n) in counts {
        map.set(k, (*n).into());
    }
    map
}

/// Stage estimates, in config order: `[{stage, label, probability, score, evidence: [{cause,
/// at, weight}]}]`.
pub fn stages<J: Json>(engine: &Engine, now_ms: u64) -> J {
    let config = engine.config();
    let state = &engine.state().stages;
    // Read from the state, not through `Engine::stage`: its estimates clone every stage id
    // only for this view to drop them (less wasm, less work). Same numbers.
    let probabilities = state.probabilities(config, now_ms);
    list(config.stages.iter().enumerate(), |(i, def)| {
        obj!(
            ("stage", &def.id),
            ("label", def.label.as_ref().unwrap_or(&def.id)),
            ("probability", probabilities[i]),
            ("score", state.score(config, i, now_ms)),
            (
                "evidence",
                list(&state.contributions(config, i, now_ms), |c| {
                    obj!(
                        ("cause", &c.cause.describe()),
                        ("at", c.at_ms),
                        ("weight", c.weight),
                    )
                }),
            ),
        )
    })
}

/// Micro journeys by id: `{checkout: {status, step, step_label, started, updated, deadline,
/// attempts, completions, abandons, backtracks}}`.
pub fn journeys<J: Json>(engine: &Engine) -> J {
    let defs = &engine.config().micro_journeys;
    let mut map = J::object();
    for (j, def) in engine.journeys().iter().zip(defs) {
        let step = def.steps.get(j.step as usize);
        let label = step.map(|s| s.label.as_ref().unwrap_or(&s.event));
        let started = j.attempts > 0;
        let journey: J = obj!(
            ("status", j.status.name()),
            ("step", j.step),
            ("step_label", label),
            ("steps", def.steps.len()),
            ("started", started.then_some(j.started_ms)),
            ("updated", started.then_some(j.updated_ms)),
            ("deadline", j.deadline_ms),
            ("attempts", j.attempts),
            ("completions", j.completions),
            ("abandons", j.abandons),
            ("backtracks", j.backtracks),
        );
        map.set(&j.id, journey.into());
    }
    map
}

/// One channel touch.
pub fn touch<J: Json>(t: &ChannelTouch) -> J {
    obj!(
        ("group", &t.group),
        ("source", &t.source),
        ("medium", &t.medium),
        ("campaign", t.campaign.as_deref()),
        ("term", t.term.as_deref()),
        ("content", t.content.as_deref()),
        ("click_id", t.click_id.as_deref()),
        ("at", t.at_ms),
    )
}

/// Lifecycle facts and channel summary: what conditions and the debug panel read.
pub fn lifecycle<J: Json>(engine: &Engine, now_ms: u64) -> J {
    let p: &Profile = engine.profile();
    let config = engine.config();
    let (top, top_p) = engine.top_stage(now_ms);
    let session = p.session.as_ref().map(|s| -> J {
        obj!(
            ("number", s.number),
            ("started", s.started_ms),
            ("touchpoints", s.touchpoints),
            ("channel", touch::<J>(&s.channel)),
        )
    });
    let cart_items = list(&p.cart, |l| -> J {
        obj!(
            ("product_id", &l.product_id),
            ("quantity", l.quantity),
            ("price", l.price),
        )
    });
    let interests = list(
        p.interests_at(now_ms, &config.lifecycle),
        |(category, score)| -> J { obj!(("category", &category), ("score", score)) },
    );
    obj!(
        ("visits", p.visits),
        ("returning", p.is_returning()),
        ("days_since_last_visit", p.days_since_last_visit()),
        ("lapsed", p.is_lapsed(&config.lifecycle)),
        ("orders", p.orders),
        ("revenue", p.revenue),
        ("customer", p.orders > 0),
        (
            "first_seen",
            (p.first_seen_ms > 0).then_some(p.first_seen_ms)
        ),
        ("last_seen", (p.last_seen_ms > 0).then_some(p.last_seen_ms)),
        ("session", session),
        (
            "channel",
            obj!(
                ("first", p.first_touch.as_ref().map(touch::<J>)),
                ("last", p.last_touch().map(touch::<J>)),
                ("counts", counts::<J, _>(&p.channel_counts)),
            ),
        ),
        (
            "cart",
            obj!(("items", cart_items), ("value", p.cart_value())),
        ),
        ("interests", interests),
        ("top_stage", top),
        ("top_probability", top_p),
        (
            "reported_channel",
            engine.state().decisions.reported_channel.as_deref(),
        ),
        (
            "pain_points",
            list(&engine.state().decisions.pain_points, |p| -> J {
                obj!(("reason", &p.reason), ("at", p.at_ms))
            }),
        ),
    )
}

/// Everything kept about the visitor, for `export()` (data portability): lifecycle, every
/// channel touch kept, recent touchpoints, counts, survey answers, stages with evidence, micro
/// journeys, and what prompts and experiments remember.
pub fn export<J: Json>(engine: &Engine, now_ms: u64) -> J {
    let p = engine.profile();
    let touchpoints = list(&p.recent, |t| -> J {
        obj!(
            ("at", t.at_ms),
            ("event", t.name()),
            ("path", t.path.as_deref()),
            ("product_id", t.product_id.as_deref()),
            ("category", t.category.as_deref()),
            ("value", t.value),
        )
    });
    let surveys = list(&p.surveys, |s| -> J {
        obj!(
            ("survey", &s.survey),
            ("answer", &s.answer),
            ("score", s.score),
            ("at", s.at_ms),
        )
    });
    obj!(
        ("format", "trailmark-export/1"),
        ("exported_at", now_ms),
        ("namespace", &engine.config().namespace),
        ("lifecycle", lifecycle::<J>(engine, now_ms)),
        ("channel_touches", list(&p.touches, touch::<J>)),
        ("touchpoints", touchpoints),
        ("event_counts", counts::<J, _>(&p.counts)),
        (
            "viewed_products",
            list::<J, _, _>(p.viewed_products.keys(), |k| k)
        ),
        ("surveys", surveys),
        ("stages", stages::<J>(engine, now_ms)),
        ("journeys", journeys::<J>(engine)),
        ("decisions", decision_memory::<J>(engine)),
    )
}

/// What the engine remembers to decide prompts and experiments: `{experiment_seed, experiments:
/// {id: {arm, exposed_session}}, prompts: {id: {shown: [ms], total, clicks, dismissed}}}`.
fn decision_memory<J: Json>(engine: &Engine) -> J {
    let d = &engine.state().decisions;
    let mut experiments = J::object();
    for (id, a) in &d.assignments {
        let assignment: J = obj!(("arm", &a.arm), ("exposed_session", a.exposed_session));
        experiments.set(id, assignment.into());
    }
    let mut prompts = J::object();
    for (id, h) in &d.prompts {
        let history: J = obj!(
            ("shown", list::<J, _, _>(&h.shown_ms, |t| *t)),
            ("total", h.total),
            ("clicks", h.clicks),
            ("dismissed", h.dismissed_ms),
        );
        prompts.set(id, history.into());
    }
    obj!(
        // Drawn from 53 random bits by the browser, so exact as a JSON number.
        ("experiment_seed", d.seed),
        ("experiments", experiments),
        ("prompts", prompts),
    )
}

/// A variable's value as read by a condition (`null` when missing).
fn read_value<J>(value: &ValueDisplay) -> Item<'_, J> {
    match value {
        ValueDisplay::Missing => Item::Null,
        ValueDisplay::Bool(b) => Item::Bool(*b),
        ValueDisplay::Number(n) => Item::Float(*n),
        ValueDisplay::Text(t) => Item::Text(t),
    }
}

fn reads<J: Json>(reads: &[(String, ValueDisplay)]) -> J {
    list(reads, |(name, value)| -> J {
        obj!(("name", name), ("value", read_value::<J>(value)))
    })
}

fn evidence<J: Json>(evidence: &[(String, f64)]) -> J {
    list(evidence, |(cause, weight)| -> J {
        obj!(("cause", cause), ("weight", *weight))
    })
}

/// An experiment decision: `{id, arm, variant, holdout, expose, reads}`.
fn experiment<J: Json>(x: &ExperimentDecision) -> J {
    obj!(
        ("id", &x.experiment),
        ("arm", &x.arm),
        ("variant", x.variant.as_deref()),
        ("holdout", x.holdout),
        ("expose", x.expose),
        ("reads", reads::<J>(&x.reads)),
    )
}

/// Slot decisions as JSON: `[{slot, variant, rule, experiment, explanation: {text, condition,
/// reads: [{name, value}], top_stage, probability, evidence: [{cause, weight}]}}]`, sorted by
/// slot.
pub fn decisions<J: Json>(decisions: &[SlotDecision]) -> J {
    list(decisions, |d| -> J {
        let e = &d.explanation;
        obj!(
            ("slot", &d.slot),
            ("variant", d.variant.as_deref()),
            ("rule", d.rule),
            ("experiment", d.experiment.as_ref().map(experiment::<J>)),
            (
                "explanation",
                obj!(
                    ("text", &e.describe()),
                    ("condition", e.condition.as_deref()),
                    ("reads", reads::<J>(&e.reads)),
                    ("top_stage", &e.top_stage),
                    ("probability", e.probability),
                    ("evidence", evidence::<J>(&e.evidence)),
                ),
            ),
        )
    })
}

/// A prompt decision as JSON: `{prompt, kind, template, survey, experiment, explanation:
/// {text, trigger, condition, reads, shown_session, shown_total, budget_used, budget, top_stage,
/// probability, evidence, passed_over: [{prompt, reason}]}}`, or, when nothing is shown,
/// `{prompt: null, passed_over}`; either way `held_out`, the experiments whose holdout exposure
/// the caller tracks. The browser computes this in `js/prompts.js` from [`memory`] and
/// [`conditions`]; `tests/cases/prompt-decisions.json` holds this form for every prompt case,
/// and both to it.
pub fn prompt_decision<J: Json>(
    shown: Option<&PromptDecision>,
    passed: &[(String, &str)],
    held_out: &[ExperimentDecision],
) -> J {
    let passed = list(passed, |(id, why)| -> J {
        obj!(("prompt", id), ("reason", *why))
    });
    let held_out = list(held_out, experiment::<J>);
    let Some(d) = shown else {
        return obj!(
            ("prompt", Item::Null),
            ("passed_over", passed),
            ("held_out", held_out),
        );
    };
    let e = &d.explanation;
    obj!(
        ("prompt", &d.prompt),
        ("kind", d.kind.name()),
        ("template", &d.template),
        ("survey", d.survey),
        ("experiment", d.experiment.as_ref().map(experiment::<J>)),
        ("held_out", held_out),
        (
            "explanation",
            obj!(
                ("text", &e.describe()),
                ("trigger", &e.trigger),
                ("condition", e.condition.as_deref()),
                ("reads", reads::<J>(&e.reads)),
                ("shown_session", e.shown_session),
                ("shown_total", e.shown_total),
                ("budget_used", e.budget.0),
                ("budget", e.budget.1),
                ("top_stage", &e.top_stage),
                ("probability", e.probability),
                ("evidence", evidence::<J>(&e.evidence)),
                ("passed_over", passed),
            ),
        ),
    )
}

/// What the engine remembers for deciding prompts and experiments in `js/prompts.js` and
/// `js/experiments.js` (the browser's ports of [`Engine::decide_prompt`] and
/// `experiment::decide`): [`export`]'s `decisions` (`{experiment_seed, experiments: {id: {arm,
/// exposed_session}}, prompts: {id: {shown, total, clicks, dismissed}}}`) with `session` (the
/// current session's number, 0 before the first), `session_start` (when the session that
/// `now_ms` falls in started: `now_ms` when it would be a new one) and `answered` (the ids of
/// the surveys answered, oldest first, repeats kept).
pub fn memory<J: Json>(engine: &Engine, now_ms: u64) -> J {
    let p = engine.profile();
    let mut out = decision_memory::<J>(engine);
    out.set(
        "session",
        Item::Int(p.session.as_ref().map_or(0, |s| u64::from(s.number))),
    );
    out.set(
        "session_start",
        Item::Int(decide::session_start(engine, now_ms)),
    );
    out.set("answered", Item::Node(list(&p.surveys, |a| &a.survey)));
    out
}

/// Whether the conditions of `ids` hold on `page` at `now_ms`, for `js/prompts.js` and
/// `js/experiments.js`: `ids` are prompt and survey ids and, after a `*`, experiment ids,
/// `\n`-separated. Returns `{holds, top_stage, probability, evidence}`: `holds` has, for each
/// id, `null` when its condition does not hold or the config does not name it, else an object
/// (one without a condition always holds). An experiment's object has `reads`, the values its
/// condition read (empty without one). With `explain` every object has `reads`, and `text` (the
/// condition with those values, absent without one), and the result has the likeliest stage,
/// its probability and the evidence behind it as slot decisions give them; without `explain`,
/// a prompt's object is empty (its reads are the costly part, asked for the prompt chosen).
pub fn conditions<J: Json>(
    engine: &Engine,
    now_ms: u64,
    page: &PageContext,
    ids: &str,
    explain: bool,
) -> J {
    let config = engine.config();
    let ctx = Context::new(config, engine.state(), now_ms, page);
    let mut holds = J::array();
    for id in crate::core::text::split(ids, b'\n') {
        let x = id.strip_prefix('*');
        let (known, when) = match x {
            Some(x) => {
                let def = config.experiments.get(x);
                (def.is_some(), def.and_then(|d| d.when.as_ref()))
            }
            None => {
                let def = config.prompt(id);
                (def.is_some(), def.and_then(|d| d.when.as_ref()))
            }
        };
        if !known || when.is_some_and(|c| !c.is_true(&ctx)) {
            holds.push(Item::Null);
            continue;
        }
        let mut fact = J::object();
        if explain || x.is_some() {
            let reads = when.map_or(Vec::new(), |c| c.evaluate(&ctx).reads);
            if let (true, Some(c)) = (explain, when) {
                let text = crate::core::decide::with_reads(c.text(), &reads);
                fact.set("text", Item::Text(&text));
            }
            fact.set("reads", Item::Node(self::reads::<J>(&reads)));
        }
        holds.push(Item::Node(fact));
    }
    let mut out = J::object();
    out.set("holds", Item::Node(holds));
    if explain {
        let (top, probability) = ctx.top_stage().unwrap_or(("", 0.0));
        out.set("top_stage", Item::Text(top));
        out.set("probability", Item::Float(probability));
        out.set(
            "evidence",
            Item::Node(evidence::<J>(&decide::top_evidence(&ctx))),
        );
    }
    out
}

/// An effect as JSON: `{type: "session_started" | "stage_changed" | "journey_changed", ...}`.
pub fn effect<J: Json>(effect: &Effect) -> J {
    match effect {
        Effect::SessionStarted { number, channel } => obj!(
            ("type", "session_started"),
            ("number", *number),
            ("channel", channel),
        ),
        Effect::StageChanged {
            from,
            to,
            probability,
        } => obj!(
            ("type", "stage_changed"),
            ("from", from),
            ("to", to),
            ("probability", *probability),
        ),
        Effect::JourneyChanged {
            journey,
            status,
            step,
        } => obj!(
            ("type", "journey_changed"),
            ("journey", journey),
            ("status", status.name()),
            ("step", *step),
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
        let s: Value = stages(&e, 2_000);
        assert_eq!(s.as_array().unwrap().len(), 6);
        assert_eq!(s[0]["label"], "Discovery");
        let j: Value = journeys(&e);
        assert_eq!(j["checkout"]["status"], "started");
        assert_eq!(j["checkout"]["step_label"], "Checkout Started");
        let l: Value = lifecycle(&e, 2_000);
        assert_eq!(l["channel"]["last"]["group"], "Email");
        assert_eq!(l["visits"], 1);
        let x: Value = export(&e, 2_000);
        assert_eq!(x["touchpoints"].as_array().unwrap().len(), 2);
        assert_eq!(x["format"], "trailmark-export/1");
    }

    #[test]
    fn memory_and_conditions_are_what_the_browser_decides_from() {
        let config = Config::from_json(
            r#"{"slots": {"hero": {"rules": []}},
                "prompts": {"p": {"kind": "toast", "when": "visits >= 2"}, "q": {"kind": "banner"}},
                "surveys": {"s": {"kind": "modal", "type": "nps", "question": "?"}},
                "experiments": {"x": {"slot": "hero", "when": "new_visitor", "arms": [{"id": "a"}]}}}"#,
        )
        .unwrap();
        let mut e = Engine::new(config);
        e.seed(7);
        e.ingest(&Touchpoint::page("https://shop.example/", None), 1_000);
        let answer = Touchpoint::new("Survey Answered", Default::default())
            .with("survey_id", "s")
            .with("score", 9);
        e.ingest(&answer, 2_000);
        let m: Value = memory(&e, 3_000);
        assert_eq!(m["experiment_seed"], 7);
        assert_eq!(m["session"], 1);
        assert_eq!(m["session_start"], 1_000);
        assert_eq!(m["answered"], serde_json::json!(["s"]));
        // A new session would start two hours later.
        let later: Value = memory(&e, 2_000 + 7_200_000);
        assert_eq!(later["session_start"], 2_000 + 7_200_000);

        let page = PageContext::default();
        let c: Value = conditions(&e, 3_000, &page, "p\nq\n*x\nnone\n*p", false);
        assert_eq!(
            c,
            serde_json::json!({"holds": [null, {}, {"reads": [{"name": "new_visitor", "value": true}]}, null, null]})
        );
        let c: Value = conditions(&e, 3_000, &page, "q", true);
        assert_eq!(c["holds"], serde_json::json!([{"reads": []}]));
        assert_eq!(c["top_stage"], "discovery");
        assert!(c["evidence"].is_array());
    }
}
