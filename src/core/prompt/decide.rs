//! Which prompt (or survey) to show when something happens on the page, and why.
//!
//! [`Engine::decide_prompt`] takes the trigger that fired (a page view, an event, exit intent,
//! scroll depth, idle time, an abandoned micro journey) and returns at most one prompt: among
//! those whose triggers match, the highest `priority` (ties: id order) that passes, in order,
//! its condition, "not answered yet" (surveys), its caps (per session, default 1; per 24 hours;
//! lifetime), its cool-down after a dismissal, its experiment (a held-out visitor sees nothing)
//! and the global fatigue budget (`$.fatigue.max_per_session` prompts and surveys together per
//! session). Every prompt considered and not shown is listed with the reason, so the debug panel
//! can say why something did *not* appear. Deciding is pure; showing is the caller's
//! `Prompt Shown` touchpoint.

use super::PromptHistory;
use crate::core::condition::{Context, PageContext, ValueDisplay};
use crate::core::config::{PromptDef, PromptKind, PromptTrigger};
use crate::core::engine::Engine;
use crate::core::event::EventKind;
use crate::core::experiment::{self, ExperimentDecision};
use crate::core::number::integer;
use alloc::{borrow::ToOwned, string::String, vec::Vec};

const HOUR_MS: f64 = 3_600_000.0;
const HIGHER: &str = "a higher-priority prompt was chosen";
const DAY_MS: u64 = 86_400_000;

/// What fired. The same string forms as config triggers (`page_view`, `exit_intent`,
/// `event:<name>`, `scroll:<percent reached>`, `idle:<seconds idle>`, `abandoned:<journey>`); a
/// fired `scroll:75` matches configured `scroll:50`, `idle:40` matches `idle:30`.
pub type Trigger = PromptTrigger;

/// The prompt to show, with its explanation.
#[derive(Clone, Debug, PartialEq)]
pub struct PromptDecision {
    /// Prompt or survey id.
    pub prompt: String,
    /// How to present it.
    pub kind: PromptKind,
    /// The `<template data-tm-prompt="...">` to fill (an experiment arm may change it).
    pub template: String,
    /// True for a survey.
    pub survey: bool,
    /// The experiment on this prompt, when the visitor takes part.
    pub experiment: Option<ExperimentDecision>,
    /// Why.
    pub explanation: PromptExplanation,
}

/// Why a prompt is (or is not) shown.
#[derive(Clone, Debug, PartialEq)]
pub struct PromptExplanation {
    /// The trigger that fired, in its string form.
    pub trigger: String,
    /// The prompt's condition text (`None` without one).
    pub condition: Option<String>,
    /// The variables it read, with their values.
    pub reads: Vec<(String, ValueDisplay)>,
    /// Times shown this session and ever, and how much of the fatigue budget was used before it.
    pub shown_session: u32,
    /// Times shown ever.
    pub shown_total: u32,
    /// Prompts and surveys shown this session (before this one) / the budget.
    pub budget: (u32, u32),
    /// The likeliest stage and its probability.
    pub top_stage: String,
    /// Its probability.
    pub probability: f64,
    /// The evidence behind the likeliest stage: `(cause, weight now)`, strongest first.
    pub evidence: Vec<(String, f64)>,
    /// Prompts whose trigger matched but that were not chosen: `(id, reason)`.
    pub passed_over: Vec<(String, &'static str)>,
}

impl PromptExplanation {
    /// One line, e.g. `page_view: !cart.empty (cart.empty = false); shown 0 this session, 1 in
    /// all; 1 of 2 prompts this session`.
    pub fn describe(&self) -> String {
        let mut s = self.trigger.clone();
        match &self.condition {
            Some(c) => {
                s.push_str(": ");
                s.push_str(&crate::core::decide::with_reads(c, &self.reads));
            }
            None => s.push_str(": everyone"),
        }
        let n = |v: u32| integer(u64::from(v));
        s.push_str(&crate::core::text::concat(&[
            "; shown ",
            &n(self.shown_session),
            " this session, ",
            &n(self.shown_total),
            " in all; ",
            &n(self.budget.0),
            " of ",
            &n(self.budget.1),
            " prompts this session",
        ]));
        s
    }
}

/// Trigger text, as config writes it.
pub fn trigger_text(t: &Trigger) -> String {
    let (head, tail) = match t {
        PromptTrigger::PageView => return "page_view".into(),
        PromptTrigger::ExitIntent => return "exit_intent".into(),
        PromptTrigger::Event(n) => ("event:", n.clone()),
        PromptTrigger::Scroll(p) => ("scroll:", integer(u64::from(*p))),
        PromptTrigger::Idle(s) => ("idle:", integer(u64::from(*s))),
        PromptTrigger::Abandoned(j) => ("abandoned:", j.clone()),
    };
    let mut s = String::from(head);
    s.push_str(&tail);
    s
}

/// Trigger text with a known event's canonical name (`event:add_to_cart` as `event:Product
/// Added`): the form `js/prompts.js` matches fired triggers against.
pub fn canonical_trigger(t: &Trigger) -> String {
    match t {
        PromptTrigger::Event(n) => match EventKind::parse(n) {
            Some(k) if k != EventKind::Custom => crate::core::text::concat(&["event:", k.name()]),
            _ => trigger_text(t),
        },
        _ => trigger_text(t),
    }
}

/// Whether a configured trigger matches the one that fired.
fn matches(configured: &Trigger, fired: &Trigger) -> bool {
    match (configured, fired) {
        (PromptTrigger::Scroll(c), PromptTrigger::Scroll(f)) => f >= c,
        (PromptTrigger::Idle(c), PromptTrigger::Idle(f)) => f >= c,
        (PromptTrigger::Event(c), PromptTrigger::Event(f)) => {
            c == f
                || EventKind::parse(c)
                    .is_some_and(|k| k != EventKind::Custom && EventKind::parse(f) == Some(k))
        }
        (c, f) => c == f,
    }
}

/// The evidence behind the likeliest stage at the context's moment, strongest first (at most 5).
pub fn top_evidence(ctx: &Context<'_>) -> Vec<(String, f64)> {
    let Some(top) = ctx.top_index() else {
        return Vec::new();
    };
    // The top stage's trail alone, not every stage's estimate.
    let trail = ctx
        .state()
        .stages
        .contributions(ctx.config(), top, ctx.now_ms());
    // The five strongest, by insertion (no sort: it would cost the browser build kilobytes).
    let mut items: Vec<(String, f64)> = Vec::new();
    for c in &trail {
        let w = c.weight.abs();
        let at = items
            .iter()
            .position(|(_, x)| x.abs() < w)
            .unwrap_or(items.len());
        if at < 5 {
            items.insert(at, (c.cause.describe(), c.weight));
            items.truncate(5);
        }
    }
    items
}

/// Why a prompt whose trigger matched cannot be shown now (`None`: it can).
fn blocked(
    ctx: &Context<'_>,
    id: &str,
    def: &PromptDef,
    history: Option<&PromptHistory>,
    session_start: u64,
) -> Option<&'static str> {
    let now = ctx.now_ms();
    if def.when.as_ref().is_some_and(|c| !c.is_true(ctx)) {
        return Some("condition not met");
    }
    if def.survey.is_some() && ctx.state().profile.surveys.iter().any(|a| a.survey == id) {
        return Some("already answered");
    }
    let empty = PromptHistory::default();
    let h = history.unwrap_or(&empty);
    let session = h.shown_since(session_start);
    if session >= def.max_per_session.unwrap_or(1) {
        return Some("shown enough this session");
    }
    let day = h.shown_since(day_start(now));
    if def.max_per_day.is_some_and(|m| day >= m) {
        return Some("shown enough today");
    }
    if def.max_total.is_some_and(|m| h.total >= m) {
        return Some("shown enough in all");
    }
    if let Some(d) = h.dismissed_ms {
        if (now.saturating_sub(d) as f64) < def.cooldown_hours * HOUR_MS {
            return Some("dismissed recently (cooling down)");
        }
    }
    None
}

/// When the session that a prompt shown at `now_ms` belongs to started. A session that timed
/// out is over: the `Prompt Shown` that follows starts the next one, so nothing shown before
/// counts against it.
pub fn session_start(engine: &Engine, now_ms: u64) -> u64 {
    let timeout = u64::from(engine.config().session.timeout_minutes) * 60_000;
    match &engine.state().profile.session {
        Some(s) if now_ms.saturating_sub(s.last_ms) <= timeout => s.started_ms,
        _ => now_ms,
    }
}

/// The start of the rolling day that `max_per_day` counts shows in: shows after it count.
pub fn day_start(now_ms: u64) -> u64 {
    // `> now - 24h` as `>= now - 24h + 1` (no overflow: `now - 24h <= u64::MAX - DAY_MS`).
    now_ms.saturating_sub(DAY_MS) + 1
}

/// Why a prompt was passed over when its experiment holds the visitor out.
pub const HELD_OUT: &str = "held out of its experiment";

impl Engine {
    /// The experiments whose holdout kept a prompt out of this decision (`passed` as
    /// [`Engine::decide_prompt`] returned it) and whose exposure this session is not recorded
    /// yet. The caller tracks `Experiment Viewed` with arm `holdout` for each, at the moment the
    /// prompt would have shown, so a prompt experiment's holdout is measured like its arms.
    pub fn held_out_exposures(
        &self,
        now_ms: u64,
        page: &PageContext,
        passed: &[(String, &'static str)],
    ) -> Vec<ExperimentDecision> {
        let config = self.config();
        let ctx = Context::new(config, self.state(), now_ms, page);
        // A loop rather than a filter / filter_map / filter chain collected: less wasm.
        let mut out = Vec::new();
        for (id, why) in passed {
            if *why == HELD_OUT {
                if let Some(x) = prompt_experiment(&ctx, id) {
                    if x.holdout && x.expose {
                        out.push(x);
                    }
                }
            }
        }
        out
    }
}

/// The experiment testing prompt `id`, decided for this visitor.
pub(crate) fn prompt_experiment(ctx: &Context<'_>, id: &str) -> Option<ExperimentDecision> {
    experiment_on(ctx, id, false)
}

/// The experiment testing slot `slot`, decided for this visitor (`None` when there is none,
/// no seed yet, or the visitor is not eligible).
pub fn slot_experiment(ctx: &Context<'_>, slot: &str) -> Option<ExperimentDecision> {
    experiment_on(ctx, slot, true)
}

/// The experiment on slot `id` (`on_slot`) or prompt `id`, decided for this visitor. One
/// function for both kinds rather than two copies: less wasm.
fn experiment_on(ctx: &Context<'_>, id: &str, on_slot: bool) -> Option<ExperimentDecision> {
    let d = &ctx.state().decisions;
    if d.seed == 0 {
        return None;
    }
    let (xid, def) = ctx.config().experiments.iter().find(|(_, x)| {
        let target = if on_slot { &x.slot } else { &x.prompt };
        target.as_deref() == Some(id)
    })?;
    let session = ctx.state().profile.session.as_ref().map_or(0, |s| s.number);
    experiment::decide(ctx, xid, def, d.seed, d.assignments.get(xid), session)
}

impl Engine {
    /// The prompt or survey to show now that `trigger` fired on `page`, if any; and, either way,
    /// the prompts whose trigger matched but were passed over, with the reason.
    ///
    /// ```
    /// use trailmark::core::{Config, Engine, PageContext, Touchpoint};
    /// use trailmark::core::config::PromptTrigger;
    /// let config = Config::from_json(r#"{"prompts": {
    ///     "welcome": {"kind": "toast", "when": "new_visitor"}
    /// }}"#).unwrap();
    /// let mut engine = Engine::new(config);
    /// engine.ingest(&Touchpoint::page("https://shop.example/", None), 1_000);
    /// let (shown, _) = engine.decide_prompt(1_000, &PageContext::default(), &PromptTrigger::PageView);
    /// assert_eq!(shown.unwrap().prompt, "welcome");
    /// // Shown once: the default cap is one per session.
    /// engine.ingest(&Touchpoint::new("Prompt Shown", Default::default()).with("prompt_id", "welcome"), 2_000);
    /// let (shown, passed) = engine.decide_prompt(2_000, &PageContext::default(), &PromptTrigger::PageView);
    /// assert!(shown.is_none());
    /// assert_eq!(passed, [("welcome".to_string(), "shown enough this session")]);
    /// ```
    pub fn decide_prompt(
        &self,
        now_ms: u64,
        page: &PageContext,
        trigger: &Trigger,
    ) -> (Option<PromptDecision>, Vec<(String, &'static str)>) {
        let config = self.config();
        let ctx = Context::new(config, self.state(), now_ms, page);
        let state = self.state();
        let session_start = session_start(self, now_ms);
        let used = state.decisions.shown_since(session_start) as u32;
        let budget = config.fatigue.max_per_session;

        // The best so far, compared by (priority, then lower id); no sort (see `top_evidence`).
        let mut best: Option<(&String, &PromptDef, Option<ExperimentDecision>)> = None;
        let mut passed = Vec::new();
        for (id, def) in config.prompts.iter().chain(config.surveys.iter()) {
            if !def.on.iter().any(|t| matches(t, trigger)) {
                continue;
            }
            let history = state.decisions.prompts.get(id);
            if let Some(r) = blocked(&ctx, id, def, history, session_start) {
                passed.push((id.clone(), r));
                continue;
            }
            let exp = prompt_experiment(&ctx, id);
            if exp.as_ref().is_some_and(|x| x.holdout) {
                passed.push((id.clone(), HELD_OUT));
            } else if used >= budget {
                passed.push((id.clone(), "fatigue budget used up this session"));
            } else if best.as_ref().is_some_and(|(bid, b, _)| {
                b.priority > def.priority || (b.priority == def.priority && *bid < id)
            }) {
                passed.push((id.clone(), HIGHER));
            } else {
                if let Some((bid, _, _)) = best.take() {
                    passed.push((bid.clone(), HIGHER));
                }
                best = Some((id, def, exp));
            }
        }
        let mut chosen = best.map(|(id, def, exp)| {
            let empty = PromptHistory::default();
            let h = state.decisions.prompts.get(id).unwrap_or(&empty);
            let template = exp
                .as_ref()
                .and_then(|x| x.variant.clone())
                .unwrap_or_else(|| def.template_or(id).to_owned());
            let (top_stage, probability) = ctx
                .top_stage()
                .map_or((String::new(), 0.0), |(s, p)| (s.to_owned(), p));
            PromptDecision {
                prompt: id.clone(),
                kind: def.kind,
                template,
                survey: def.survey.is_some(),
                experiment: exp,
                explanation: PromptExplanation {
                    trigger: trigger_text(trigger),
                    condition: def.when.as_ref().map(|c| c.text().to_owned()),
                    reads: def
                        .when
                        .as_ref()
                        .map(|c| c.evaluate(&ctx).reads)
                        .unwrap_or_default(),
                    shown_session: h.shown_since(session_start),
                    shown_total: h.total,
                    budget: (used, budget),
                    top_stage,
                    probability,
                    evidence: top_evidence(&ctx),
                    passed_over: Vec::new(),
                },
            }
        });
        if let Some(c) = chosen.as_mut() {
            c.explanation.passed_over = passed.clone();
        }
        (chosen, passed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Config, Touchpoint};

    const MIN: u64 = 60_000;
    const HOUR: u64 = 3_600_000;

    fn engine(json: &str) -> Engine {
        Engine::new(Config::from_json(json).unwrap())
    }

    fn shown(e: &mut Engine, id: &str, at: u64) {
        e.ingest(
            &Touchpoint::of(EventKind::PromptShown).with("prompt_id", id),
            at,
        );
    }

    fn decide(e: &Engine, at: u64, t: &Trigger) -> Option<String> {
        e.decide_prompt(at, &PageContext::default(), t)
            .0
            .map(|d| d.prompt)
    }

    #[test]
    fn priority_wins_and_the_budget_stops_the_third() {
        let mut e = engine(
            r#"{"prompts": {
                "a": {"kind": "toast", "priority": 1},
                "b": {"kind": "banner", "priority": 5},
                "c": {"kind": "modal"}
            }}"#,
        );
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        let (d, passed) = e.decide_prompt(0, &PageContext::default(), &Trigger::PageView);
        let d = d.unwrap();
        assert_eq!(d.prompt, "b");
        assert_eq!(
            passed,
            [
                ("a".to_string(), "a higher-priority prompt was chosen"),
                ("c".to_string(), "a higher-priority prompt was chosen")
            ]
        );
        assert_eq!(d.explanation.budget, (0, 2));
        shown(&mut e, "b", MIN);
        assert_eq!(decide(&e, MIN, &Trigger::PageView).as_deref(), Some("a"));
        shown(&mut e, "a", 2 * MIN);
        let (d, passed) = e.decide_prompt(2 * MIN, &PageContext::default(), &Trigger::PageView);
        assert!(d.is_none());
        assert!(passed.contains(&("c".to_string(), "fatigue budget used up this session")));
        // A new session (31 minutes later) has a fresh budget.
        e.ingest(&Touchpoint::page("https://shop.example/", None), 40 * MIN);
        assert_eq!(
            decide(&e, 40 * MIN, &Trigger::PageView).as_deref(),
            Some("b")
        );
    }

    #[test]
    fn triggers_match_by_kind_and_threshold() {
        let e = engine(
            r#"{"prompts": {
                "s": {"kind": "toast", "on": ["scroll:50"]},
                "i": {"kind": "toast", "on": ["idle:30"]},
                "x": {"kind": "modal", "on": ["exit_intent"]},
                "e": {"kind": "toast", "on": ["event:add_to_cart"]},
                "j": {"kind": "toast", "on": ["abandoned:checkout"]}
            }}"#,
        );
        let t = |s: &str| Trigger::parse(s).unwrap();
        assert_eq!(decide(&e, 0, &t("scroll:25")), None);
        assert_eq!(decide(&e, 0, &t("scroll:75")).as_deref(), Some("s"));
        assert_eq!(decide(&e, 0, &t("idle:29")), None);
        assert_eq!(decide(&e, 0, &t("idle:30")).as_deref(), Some("i"));
        assert_eq!(decide(&e, 0, &t("exit_intent")).as_deref(), Some("x"));
        assert_eq!(
            decide(&e, 0, &t("event:Product Added")).as_deref(),
            Some("e")
        );
        assert_eq!(decide(&e, 0, &t("event:Product Removed")), None);
        assert_eq!(
            decide(&e, 0, &t("abandoned:checkout")).as_deref(),
            Some("j")
        );
        assert_eq!(decide(&e, 0, &t("abandoned:signup")), None);
        assert_eq!(decide(&e, 0, &Trigger::PageView), None);
    }

    #[test]
    fn caps_and_cooldown_over_days() {
        let mut e = engine(
            r#"{"fatigue": {"max_per_session": 10}, "prompts": {
                "p": {"kind": "toast", "max_per_session": 2, "max_per_day": 3, "max_total": 5, "cooldown_hours": 48}
            }}"#,
        );
        let page =
            |e: &mut Engine, at| e.ingest(&Touchpoint::page("https://shop.example/", None), at);
        page(&mut e, 0);
        shown(&mut e, "p", MIN);
        shown(&mut e, "p", 2 * MIN);
        assert_eq!(
            e.decide_prompt(3 * MIN, &PageContext::default(), &Trigger::PageView)
                .1,
            [("p".to_string(), "shown enough this session")]
        );
        page(&mut e, HOUR); // a new session, same day
        shown(&mut e, "p", HOUR + MIN);
        assert_eq!(
            e.decide_prompt(HOUR + 2 * MIN, &PageContext::default(), &Trigger::PageView)
                .1,
            [("p".to_string(), "shown enough today")]
        );
        page(&mut e, 25 * HOUR); // the next day: 24 hours after the first two
        assert_eq!(
            decide(&e, 25 * HOUR, &Trigger::PageView).as_deref(),
            Some("p")
        );
        e.ingest(
            &Touchpoint::of(EventKind::PromptDismissed).with("prompt_id", "p"),
            25 * HOUR,
        );
        assert_eq!(
            e.decide_prompt(26 * HOUR, &PageContext::default(), &Trigger::PageView)
                .1,
            [("p".to_string(), "dismissed recently (cooling down)")]
        );
        page(&mut e, 74 * HOUR);
        shown(&mut e, "p", 74 * HOUR);
        shown(&mut e, "p", 74 * HOUR + 1);
        page(&mut e, 200 * HOUR);
        assert_eq!(
            e.decide_prompt(200 * HOUR, &PageContext::default(), &Trigger::PageView)
                .1,
            [("p".to_string(), "shown enough in all")]
        );
    }

    #[test]
    fn a_timed_out_session_does_not_count_against_the_next_one() {
        let mut e = engine(r#"{"prompts": {"p": {"kind": "modal", "on": ["exit_intent"]}}}"#);
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        shown(&mut e, "p", MIN);
        let exit = Trigger::ExitIntent;
        assert_eq!(decide(&e, 2 * MIN, &exit), None);
        // 40 minutes without a touchpoint, then the pointer leaves the window: the session is
        // over (the `Prompt Shown` will start the next one), so its show no longer counts.
        assert_eq!(decide(&e, 41 * MIN, &exit).as_deref(), Some("p"));
        shown(&mut e, "p", 41 * MIN);
        assert_eq!(e.state().profile.session.as_ref().unwrap().number, 2);
        assert_eq!(decide(&e, 42 * MIN, &exit), None);
    }

    #[test]
    fn answered_surveys_are_not_asked_again_and_explanations_say_why() {
        let mut e = engine(
            r#"{"surveys": {"nps": {"kind": "modal", "type": "nps", "question": "?", "when": "visits >= 1"}}}"#,
        );
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        let d = e
            .decide_prompt(0, &PageContext::default(), &Trigger::PageView)
            .0
            .unwrap();
        assert!(d.survey);
        assert_eq!(d.explanation.condition.as_deref(), Some("visits >= 1"));
        assert_eq!(
            d.explanation.reads,
            [("visits".to_string(), ValueDisplay::Number(1.0))]
        );
        assert_eq!(d.explanation.top_stage, "discovery");
        assert!(
            d.explanation
                .evidence
                .iter()
                .any(|(c, _)| c == "first visit"),
            "{:?}",
            d.explanation.evidence
        );
        e.ingest(
            &Touchpoint::of(EventKind::SurveyAnswered)
                .with("survey_id", "nps")
                .with("score", 8.0),
            MIN,
        );
        assert_eq!(
            e.decide_prompt(MIN, &PageContext::default(), &Trigger::PageView)
                .1,
            [("nps".to_string(), "already answered")]
        );
    }
}
