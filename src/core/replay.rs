//! Replaying recorded journeys: a line format for touchpoints with their time (JSON Lines), and a
//! runner that feeds them to an [`Engine`] and reports what it inferred after each one.
//!
//! One line is one object:
//! `{"at": 1700000000000, "event": "Product Viewed", "props": {"product_id": "p1"},
//!   "url": "https://shop.example/p/1", "referrer": "https://www.google.com/"}`.
//! `at` is milliseconds since the Unix epoch (or `"+90s"`, `"+30m"`, `"+2h"`, `"+3d"`: relative
//! to the previous line). A line `{"at": ..., "tick": true}` advances time without a touchpoint,
//! so timeouts show. A line `{"seed": 123}` gives the visitor their experiment seed (the random
//! id the browser draws once), so experiment buckets replay too. Blank lines and lines starting
//! with `//` are ignored.
//!
//! When the config has slots, prompts or surveys, each report also carries the `decisions` made
//! at that moment, with their explanations: every slot's variant, and the prompt the step's
//! trigger would show (a page view triggers `page_view`, another touchpoint `event:<name>`, a
//! tick that abandons a micro journey `abandoned:<id>`), on the page last viewed.
//!
//! The runner is deterministic: the same config and lines always give the same report, natively
//! and in the browser.

use alloc::{borrow::ToOwned, format, string::String, vec::Vec};
use serde_json::{json, Map, Value};

use super::condition::PageContext;
use super::engine::{Effect, Effects, Engine};
use super::event::{EventKind, Touchpoint};
use super::experiment::ExperimentDecision;
use super::micro::JourneyStatus;
use super::prompt::Trigger;
use super::view;

/// One parsed line.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayInput {
    /// A touchpoint at a time.
    Touchpoint(Touchpoint, u64),
    /// Advance time only.
    Tick(u64),
}

/// The seed of a `{"seed": 123}` line (`None` for any other line; a seed that is not a positive
/// integer is an error).
pub fn seed_line(line: &str) -> Result<Option<u64>, String> {
    let line = line.trim();
    if !line.starts_with('{') || !line.contains("\"seed\"") {
        return Ok(None);
    }
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    match value.get("seed") {
        None => Ok(None),
        Some(s) => s
            .as_u64()
            .filter(|s| *s > 0)
            .map(Some)
            .ok_or_else(|| "\"seed\" must be a positive integer".into()),
    }
}

/// Parses one line; `previous_ms` resolves relative times. `Ok(None)` for blank or comment lines.
pub fn parse_line(line: &str, previous_ms: u64) -> Result<Option<ReplayInput>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with("//") {
        return Ok(None);
    }
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let obj = value.as_object().ok_or("each line must be a JSON object")?;
    let at = match obj.get("at") {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or("\"at\" must be a non-negative integer of milliseconds")?,
        Some(Value::String(s)) => previous_ms
            .checked_add(relative_ms(s)?)
            .ok_or("\"at\" overflows")?,
        None => previous_ms,
        Some(_) => return Err("\"at\" must be milliseconds or \"+<n><s|m|h|d>\"".into()),
    };
    if obj.get("tick").and_then(Value::as_bool) == Some(true) {
        return Ok(Some(ReplayInput::Tick(at)));
    }
    let name = obj
        .get("event")
        .and_then(Value::as_str)
        .ok_or("missing \"event\" (a string)")?;
    let props = match obj.get("props") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return Err("\"props\" must be an object".into()),
    };
    let mut tp = Touchpoint::new(name, props);
    tp.url = obj.get("url").and_then(Value::as_str).map(str::to_owned);
    tp.referrer = obj
        .get("referrer")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok(Some(ReplayInput::Touchpoint(tp, at)))
}

fn relative_ms(s: &str) -> Result<u64, String> {
    let bad =
        || format!("relative time {s:?} must look like \"+90s\", \"+30m\", \"+2h\" or \"+3d\"");
    let body = s.strip_prefix('+').ok_or_else(bad)?;
    let (num, unit) = body.split_at(body.len().saturating_sub(1));
    let n: u64 = num.parse().map_err(|_| bad())?;
    let scale = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(bad()),
    };
    n.checked_mul(scale).ok_or_else(bad)
}

/// Feeds one input to the engine.
pub fn apply(engine: &mut Engine, input: &ReplayInput) -> Effects {
    match input {
        ReplayInput::Touchpoint(tp, at) => engine.ingest(tp, *at),
        ReplayInput::Tick(at) => engine.tick(*at),
    }
}

/// The trigger a replay step fires for prompts: a page view, another touchpoint's event, or a
/// tick's first abandoned micro journey.
pub fn step_trigger(input: &ReplayInput, effects: &Effects) -> Option<Trigger> {
    match input {
        ReplayInput::Touchpoint(tp, _) if tp.kind == EventKind::PageViewed => {
            Some(Trigger::PageView)
        }
        ReplayInput::Touchpoint(tp, _) => Some(Trigger::Event(tp.name.clone())),
        ReplayInput::Tick(_) => effects.effects.iter().find_map(|e| match e {
            Effect::JourneyChanged {
                journey,
                status: JourneyStatus::Abandoned,
                ..
            } => Some(Trigger::Abandoned(journey.clone())),
            _ => None,
        }),
    }
}

/// The decisions at one replay step, compactly: `{slots: {id: {variant, experiment, why}},
/// prompt: {id, experiment, why} | null}` (`experiment` is `"<id>:<arm>"` or null).
pub fn decisions(engine: &Engine, at: u64, page: &PageContext, trigger: Option<&Trigger>) -> Value {
    let exp = |x: Option<&ExperimentDecision>| {
        x.map(|x| {
            let mut s = x.experiment.clone();
            s.push(':');
            s.push_str(&x.arm);
            s
        })
    };
    let slots: Map<String, Value> = engine
        .decide(at, page)
        .into_iter()
        .map(|d| {
            let v = json!({
                "variant": d.variant,
                "experiment": exp(d.experiment.as_ref()),
                "why": d.explanation.describe(),
            });
            (d.slot, v)
        })
        .collect();
    let prompt = trigger
        .and_then(|t| engine.decide_prompt(at, page, t).0)
        .map(|d| {
            json!({
                "id": d.prompt,
                "experiment": exp(d.experiment.as_ref()),
                "why": d.explanation.describe(),
            })
        });
    json!({"slots": slots, "prompt": prompt})
}

/// What the engine knows after one input, as JSON: time, event, stage probabilities, the top
/// stage, active or finished micro journeys, and the effects produced.
pub fn report(engine: &Engine, input: &ReplayInput, effects: &Effects) -> Value {
    let (at, event) = match input {
        ReplayInput::Touchpoint(tp, at) => (*at, Value::String(tp.name.clone())),
        ReplayInput::Tick(at) => (*at, Value::Null),
    };
    let stages: Map<String, Value> = engine
        .stage(at)
        .into_iter()
        .map(|s| (s.stage, json!(round4(s.probability))))
        .collect();
    let (top, _) = engine.top_stage(at);
    let journeys: Map<String, Value> = engine
        .journeys()
        .iter()
        .filter(|j| j.attempts > 0)
        .map(|j| {
            (
                j.id.clone(),
                json!({"status": j.status.name(), "step": j.step}),
            )
        })
        .collect();
    let effects: Vec<Value> = effects
        .effects
        .iter()
        .map(|e| round_probability(view::effect(e)))
        .collect();
    json!({
        "at": at,
        "event": event,
        "session": engine.profile().session.as_ref().map(|s| s.number),
        "channel": engine.profile().session.as_ref().map(|s| s.channel.group.clone()),
        "top_stage": top,
        "stages": stages,
        "journeys": journeys,
        "effects": effects,
    })
}

fn round_probability(mut v: Value) -> Value {
    if let Some(p) = v.get("probability").and_then(Value::as_f64) {
        v["probability"] = json!(round4(p));
    }
    v
}

fn round4(x: f64) -> f64 {
    libm::round(x * 10_000.0) / 10_000.0
}

/// Replays JSON Lines text, returning one report per input, or the first bad line's error as
/// `line N: message`.
pub fn replay(engine: &mut Engine, text: &str) -> Result<Vec<Value>, String> {
    let mut previous = 0;
    let mut out = Vec::new();
    let config = engine.config();
    let decides =
        !(config.slots.is_empty() && config.prompts.is_empty() && config.surveys.is_empty());
    let mut page = PageContext::default();
    for (i, line) in text.lines().enumerate() {
        let at_line = |e: String| format!("line {}: {e}", i + 1);
        if let Some(seed) = seed_line(line).map_err(at_line)? {
            engine.seed(seed);
            continue;
        }
        let input = parse_line(line, previous).map_err(at_line)?;
        let Some(input) = input else { continue };
        match &input {
            ReplayInput::Touchpoint(tp, at) => {
                previous = *at;
                if tp.kind == EventKind::PageViewed && tp.url.is_some() {
                    page.url.clone_from(&tp.url);
                }
            }
            ReplayInput::Tick(at) => previous = *at,
        }
        let effects = apply(engine, &input);
        let mut r = report(engine, &input, &effects);
        if decides {
            let trigger = step_trigger(&input, &effects);
            r["decisions"] = decisions(engine, previous, &page, trigger.as_ref());
        }
        out.push(r);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Config;

    #[test]
    fn parses_absolute_relative_and_ticks() {
        let a = parse_line(
            r#"{"at": 1000, "event": "view_item", "props": {"product_id": "x"}}"#,
            0,
        )
        .unwrap()
        .unwrap();
        let ReplayInput::Touchpoint(tp, 1000) = a else {
            panic!("{a:?}")
        };
        assert_eq!(tp.name, "Product Viewed");
        let b = parse_line(r#"{"at": "+2m", "tick": true}"#, 1000).unwrap();
        assert_eq!(b, Some(ReplayInput::Tick(121_000)));
        assert_eq!(parse_line("  // comment", 0).unwrap(), None);
        assert!(parse_line(r#"{"at": "+2x", "event": "a"}"#, 0).is_err());
        assert!(parse_line(r#"{"at": 1}"#, 0).unwrap_err().contains("event"));
    }

    #[test]
    fn replay_is_deterministic_and_names_bad_lines() {
        let text =
            "{\"at\": 0, \"event\": \"Checkout Started\"}\n{\"at\": \"+31m\", \"tick\": true}\n";
        let a = replay(&mut Engine::new(Config::default()), text).unwrap();
        let b = replay(&mut Engine::new(Config::default()), text).unwrap();
        assert_eq!(a, b);
        assert_eq!(a[1]["journeys"]["checkout"]["status"], "abandoned");
        let err = replay(&mut Engine::new(Config::default()), "{}\n{\"event\": 3}").unwrap_err();
        assert!(err.starts_with("line 1:"), "{err}");
    }
}
