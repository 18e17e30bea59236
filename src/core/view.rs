//! JSON views of what the engine knows, shared by the CLI (`replay`), the browser API
//! (`stage()`, `journey()`, `export()`) and the debug panel, so all three describe a visitor in
//! the same words. Pure functions of the engine and the time.

use serde_json::{json, Map, Value};

use super::channel::ChannelTouch;
use super::condition::ValueDisplay;
use super::decide::SlotDecision;
use super::engine::{Effect, Engine};
use super::profile::Profile;

/// Stage estimates, in config order: `[{stage, label, probability, score, evidence: [{cause,
/// at, weight}]}]`.
pub fn stages(engine: &Engine, now_ms: u64) -> Value {
    let config = engine.config();
    engine
        .stage(now_ms)
        .into_iter()
        .zip(&config.stages)
        .map(|(e, def)| {
            json!({
                "stage": e.stage,
                "label": def.label.clone().unwrap_or_else(|| def.id.clone()),
                "probability": e.probability,
                "score": e.score,
                "evidence": e.trail.iter().map(|c| json!({
                    "cause": c.cause.describe(),
                    "at": c.at_ms,
                    "weight": c.weight,
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// Micro journeys by id: `{checkout: {status, step, step_label, started, updated, deadline,
/// attempts, completions, abandons, backtracks}}`.
pub fn journeys(engine: &Engine) -> Value {
    let defs = &engine.config().micro_journeys;
    let map: Map<String, Value> = engine
        .journeys()
        .iter()
        .zip(defs)
        .map(|(j, def)| {
            let step = def.steps.get(j.step as usize);
            let label = step.map(|s| s.label.clone().unwrap_or_else(|| s.event.clone()));
            (
                j.id.clone(),
                json!({
                    "status": j.status.name(),
                    "step": j.step,
                    "step_label": label,
                    "steps": def.steps.len(),
                    "started": (j.attempts > 0).then_some(j.started_ms),
                    "updated": (j.attempts > 0).then_some(j.updated_ms),
                    "deadline": j.deadline_ms,
                    "attempts": j.attempts,
                    "completions": j.completions,
                    "abandons": j.abandons,
                    "backtracks": j.backtracks,
                }),
            )
        })
        .collect();
    Value::Object(map)
}

/// One channel touch.
pub fn touch(t: &ChannelTouch) -> Value {
    json!({
        "group": t.group,
        "source": t.source,
        "medium": t.medium,
        "campaign": t.campaign,
        "term": t.term,
        "content": t.content,
        "click_id": t.click_id,
        "at": t.at_ms,
    })
}

/// Lifecycle facts and channel summary: what conditions and the debug panel read.
pub fn lifecycle(engine: &Engine, now_ms: u64) -> Value {
    let p: &Profile = engine.profile();
    let config = engine.config();
    let (top, top_p) = engine.top_stage(now_ms);
    json!({
        "visits": p.visits,
        "returning": p.is_returning(),
        "days_since_last_visit": p.days_since_last_visit(),
        "lapsed": p.is_lapsed(&config.lifecycle),
        "orders": p.orders,
        "revenue": p.revenue,
        "customer": p.orders > 0,
        "first_seen": (p.first_seen_ms > 0).then_some(p.first_seen_ms),
        "last_seen": (p.last_seen_ms > 0).then_some(p.last_seen_ms),
        "session": p.session.as_ref().map(|s| json!({
            "number": s.number,
            "started": s.started_ms,
            "touchpoints": s.touchpoints,
            "channel": touch(&s.channel),
        })),
        "channel": {
            "first": p.first_touch.as_ref().map(touch),
            "last": p.last_touch().map(touch),
            "counts": p.channel_counts,
        },
        "cart": {
            "items": p.cart.iter().map(|l| json!({"product_id": l.product_id, "quantity": l.quantity, "price": l.price})).collect::<Vec<_>>(),
            "value": p.cart_value(),
        },
        "interests": p.interests_at(now_ms, &config.lifecycle).into_iter()
            .map(|(category, score)| json!({"category": category, "score": score}))
            .collect::<Vec<_>>(),
        "top_stage": top,
        "top_probability": top_p,
    })
}

/// Everything kept about the visitor, for `export()` (data portability): lifecycle, every
/// channel touch kept, recent touchpoints, counts, survey answers, stages with evidence and
/// micro journeys.
pub fn export(engine: &Engine, now_ms: u64) -> Value {
    let p = engine.profile();
    json!({
        "format": "trailmark-export/1",
        "exported_at": now_ms,
        "namespace": engine.config().namespace,
        "lifecycle": lifecycle(engine, now_ms),
        "channel_touches": p.touches.iter().map(touch).collect::<Vec<_>>(),
        "touchpoints": p.recent.iter().map(|t| json!({
            "at": t.at_ms,
            "event": t.name(),
            "path": t.path,
            "product_id": t.product_id,
            "category": t.category,
            "value": t.value,
        })).collect::<Vec<_>>(),
        "event_counts": p.counts,
        "viewed_products": p.viewed_products.keys().collect::<Vec<_>>(),
        "surveys": p.surveys.iter().map(|s| json!({
            "survey": s.survey, "answer": s.answer, "score": s.score, "at": s.at_ms,
        })).collect::<Vec<_>>(),
        "stages": stages(engine, now_ms),
        "journeys": journeys(engine),
    })
}

/// Slot decisions as JSON: `[{slot, variant, rule, explanation: {text, condition, reads:
/// [{name, value}], top_stage, probability}}]`, sorted by slot.
pub fn decisions(decisions: &[SlotDecision]) -> Value {
    decisions
        .iter()
        .map(|d| {
            let e = &d.explanation;
            json!({
                "slot": d.slot,
                "variant": d.variant,
                "rule": d.rule,
                "explanation": {
                    "text": e.describe(),
                    "condition": e.condition,
                    "reads": e.reads.iter().map(|(name, value)| json!({
                        "name": name,
                        "value": match value {
                            ValueDisplay::Missing => Value::Null,
                            ValueDisplay::Bool(b) => json!(b),
                            ValueDisplay::Number(n) => json!(n),
                            ValueDisplay::Text(t) => json!(t),
                        },
                    })).collect::<Vec<_>>(),
                    "top_stage": e.top_stage,
                    "probability": e.probability,
                },
            })
        })
        .collect()
}

/// An effect as JSON: `{type: "session_started" | "stage_changed" | "journey_changed", ...}`.
pub fn effect(effect: &Effect) -> Value {
    match effect {
        Effect::SessionStarted { number, channel } => {
            json!({"type": "session_started", "number": number, "channel": channel})
        }
        Effect::StageChanged {
            from,
            to,
            probability,
        } => {
            json!({"type": "stage_changed", "from": from, "to": to, "probability": probability})
        }
        Effect::JourneyChanged {
            journey,
            status,
            step,
        } => {
            json!({"type": "journey_changed", "journey": journey, "status": status.name(), "step": step})
        }
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
