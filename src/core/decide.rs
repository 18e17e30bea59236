//! Slot decisions: for each configured slot, the variant its rules pick for this visitor on this
//! page at this moment, with an explanation ("why am I seeing this?").
//!
//! Rules are tried in order and the first whose condition holds wins; no match leaves the
//! page's default content (`variant: None`). An experiment on the slot (`$.experiments`) then
//! applies to eligible visitors: an arm with a variant replaces the rules' choice, the control
//! arm keeps it, and a held-out visitor keeps the default content. Every decision carries the
//! evidence behind the likeliest stage, so "why am I seeing this?" can go down to touchpoints. Deciding is pure: the same state, page and time
//! always give the same decisions. It is also cheap, because it runs on every page: conditions
//! were parsed when the config was loaded, stage probabilities are computed once per call, rules
//! that do not match are evaluated without recording anything, and only the matching rule is
//! evaluated again to record the values it read.

use super::condition::{Context, PageContext, ValueDisplay};
use super::config::SlotDef;
use super::engine::Engine;
use super::experiment::ExperimentDecision;
use super::prompt::decide::{slot_experiment, top_evidence};
use alloc::{borrow::ToOwned, string::String, vec::Vec};

/// The variant chosen for one slot.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotDecision {
    /// Slot id, as in `data-tm-slot="hero"`.
    pub slot: String,
    /// The variant to show, or `None` to keep the default content.
    pub variant: Option<String>,
    /// Index of the rule that matched (in `$.slots.<id>.rules`).
    pub rule: Option<usize>,
    /// The experiment on this slot, when the visitor takes part.
    pub experiment: Option<ExperimentDecision>,
    /// Why.
    pub explanation: Explanation,
}

/// Why a slot shows what it shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// The matching rule's condition text (`None` when no rule matched).
    pub condition: Option<String>,
    /// The variables the matching condition read, with their values at decision time.
    pub reads: Vec<(String, ValueDisplay)>,
    /// The likeliest stage at decision time.
    pub top_stage: String,
    /// Its probability.
    pub probability: f64,
    /// The evidence behind the likeliest stage: `(cause, weight now)`, strongest first.
    pub evidence: Vec<(String, f64)>,
}

impl Explanation {
    /// One line for a debug panel, e.g.
    /// `customer && top_stage == "loyalty" (customer = true, top_stage = "loyalty")`, or
    /// `no rule matched (top stage: discovery, 0.41)`.
    pub fn describe(&self) -> String {
        match &self.condition {
            Some(c) => with_reads(c, &self.reads),
            None => crate::core::text::concat(&[
                "no rule matched (top stage: ",
                &self.top_stage,
                ", ",
                &ValueDisplay::Number(self.probability).text(),
                ")",
            ]),
        }
    }
}

/// A condition with the values it read: `customer && returning (customer = true, returning =
/// true)`; shared by slot and prompt explanations.
pub(crate) fn with_reads(condition: &str, reads: &[(String, ValueDisplay)]) -> String {
    // Written into one string rather than formatted pieces collected and joined: less wasm.
    let mut out = String::from(condition);
    out.push_str(" (");
    for (i, (name, value)) in reads.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(name);
        out.push_str(" = ");
        out.push_str(&value.text());
    }
    out.push(')');
    out
}

impl Engine {
    /// Decides every configured slot at `now_ms` on `page`, sorted by slot id.
    ///
    /// ```
    /// use trailmark::core::{Config, Engine, PageContext, Touchpoint};
    /// let config = Config::from_json(r#"{"slots": {"hero": {"rules": [
    ///     {"variant": "welcome-back", "when": "returning"},
    ///     {"variant": "discovery", "when": "new_visitor"}
    /// ]}}}"#).unwrap();
    /// let mut engine = Engine::new(config);
    /// engine.ingest(&Touchpoint::page("https://shop.example/", None), 1_000);
    /// let decisions = engine.decide(1_000, &PageContext::default());
    /// assert_eq!(decisions[0].variant.as_deref(), Some("discovery"));
    /// assert_eq!(decisions[0].rule, Some(1));
    /// assert_eq!(decisions[0].explanation.describe(), "new_visitor (new_visitor = true)");
    /// ```
    pub fn decide(&self, now_ms: u64, page: &PageContext) -> Vec<SlotDecision> {
        let mut out = self.decide_rules(now_ms, page);
        let ctx = Context::new(self.config(), self.state(), now_ms, page);
        for d in &mut out {
            with_experiment(&ctx, d);
        }
        out
    }

    /// [`Engine::decide`] without the slots' experiments (`experiment` always `None`): the
    /// browser applies them in `js/experiments.js`, loaded only by sites that have some.
    pub fn decide_rules(&self, now_ms: u64, page: &PageContext) -> Vec<SlotDecision> {
        let ctx = Context::new(self.config(), self.state(), now_ms, page);
        let mut out = Vec::with_capacity(self.config().slots.len());
        for (id, slot) in &self.config().slots {
            out.push(rules_slot(&ctx, id, slot));
        }
        out
    }

    /// Decides one slot (`None` when the config has no slot with that id).
    pub fn decide_slot(&self, slot: &str, now_ms: u64, page: &PageContext) -> Option<SlotDecision> {
        let def = self.config().slots.get(slot)?;
        let ctx = Context::new(self.config(), self.state(), now_ms, page);
        let mut d = rules_slot(&ctx, slot, def);
        with_experiment(&ctx, &mut d);
        Some(d)
    }
}

/// Applies the slot's experiment to its rules' decision `d`: an arm with a variant replaces the
/// rules' choice, the control keeps it, a held-out visitor keeps the default content.
fn with_experiment(ctx: &Context<'_>, d: &mut SlotDecision) {
    let experiment = slot_experiment(ctx, &d.slot);
    match &experiment {
        Some(x) if x.holdout => d.variant = None,
        Some(x) if x.variant.is_some() => d.variant.clone_from(&x.variant),
        _ => {}
    }
    d.experiment = experiment;
}

fn rules_slot(ctx: &Context<'_>, id: &str, slot: &SlotDef) -> SlotDecision {
    let (top_stage, probability) = ctx
        .top_stage()
        .map_or((String::new(), 0.0), |(s, p)| (s.to_owned(), p));
    let matched = slot
        .rules
        .iter()
        .enumerate()
        .find(|(_, r)| r.when.is_true(ctx));
    let (variant, rule, condition, reads) = match matched {
        Some((i, r)) => {
            let evaluation = r.when.evaluate(ctx);
            (
                Some(r.variant.clone()),
                Some(i),
                Some(r.when.text().to_owned()),
                evaluation.reads,
            )
        }
        None => (None, None, None, Vec::new()),
    };
    SlotDecision {
        slot: id.to_owned(),
        variant,
        rule,
        experiment: None,
        explanation: Explanation {
            condition,
            reads,
            top_stage,
            probability,
            // Read again for each slot (the top stage's trail, at most five causes kept) rather
            // than cloned from one list: the wasm then has no clone code for the list.
            evidence: top_evidence(ctx),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Config, EventKind, Touchpoint};

    const DAY: u64 = 86_400_000;

    fn engine() -> Engine {
        Engine::new(
            Config::from_json(
                r#"{"slots": {
                    "hero": {"rules": [
                        {"variant": "loyalty", "when": "customer && top_stage == \"loyalty\""},
                        {"variant": "welcome-back", "when": "returning"},
                        {"variant": "discovery", "when": "new_visitor"}
                    ]},
                    "banner": {"rules": [
                        {"variant": "cart-nudge", "when": "journey.checkout == \"abandoned\" && cart.value > 50"}
                    ]}
                }}"#,
            )
            .unwrap(),
        )
    }

    #[test]
    fn first_match_wins_and_no_match_keeps_the_default() {
        let mut e = engine();
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        let d = e.decide(0, &PageContext::default());
        assert_eq!(d.len(), 2);
        assert_eq!(
            (d[0].slot.as_str(), d[0].variant.as_deref()),
            ("banner", None)
        );
        assert_eq!(d[0].rule, None);
        assert_eq!(
            d[0].explanation.describe(),
            format!(
                "no rule matched (top stage: discovery, {})",
                ValueDisplay::Number(d[0].explanation.probability)
            )
        );
        assert_eq!((d[1].slot.as_str(), d[1].rule), ("hero", Some(2)));
        assert_eq!(
            d[1].explanation.reads,
            [("new_visitor".to_string(), ValueDisplay::Bool(true))]
        );
    }

    #[test]
    fn abandoned_checkout_with_a_full_cart_gets_the_nudge() {
        let mut e = engine();
        e.ingest(
            &Touchpoint::of(EventKind::ProductAdded)
                .with("product_id", "a")
                .with("price", 80.0),
            0,
        );
        e.ingest(&Touchpoint::of(EventKind::CheckoutStarted), 1_000);
        e.tick(40 * 60_000);
        let d = e
            .decide_slot("banner", 40 * 60_000, &PageContext::default())
            .unwrap();
        assert_eq!(d.variant.as_deref(), Some("cart-nudge"));
        assert_eq!(
            d.explanation.describe(),
            "journey.checkout == \"abandoned\" && cart.value > 50 \
             (journey.checkout = \"abandoned\", cart.value = 80)"
        );
        assert!(e.decide_slot("nope", 0, &PageContext::default()).is_none());
    }

    #[test]
    fn loyal_customers_see_the_loyalty_variant() {
        let mut e = engine();
        for visit in 0..3u64 {
            let t = visit * 20 * DAY;
            e.ingest(&Touchpoint::page("https://shop.example/", None), t);
            e.ingest(
                &Touchpoint::of(EventKind::OrderCompleted).with("revenue", 50),
                t + 60_000,
            );
        }
        let t = 70 * DAY;
        e.ingest(&Touchpoint::page("https://shop.example/", None), t);
        let d = e.decide_slot("hero", t, &PageContext::default()).unwrap();
        assert_eq!((d.variant.as_deref(), d.rule), (Some("loyalty"), Some(0)));
        assert_eq!(d.explanation.top_stage, "loyalty");
    }

    #[test]
    fn deciding_is_pure() {
        let mut e = engine();
        e.ingest(&Touchpoint::page("https://shop.example/", None), 0);
        let page = PageContext::default();
        let before = e.encode();
        assert_eq!(e.decide(5, &page), e.decide(5, &page));
        assert_eq!(e.encode(), before);
    }
}
