//! Reading a config document: each section (and each array item) is deserialized on its own so
//! that one bad value does not hide the others, then cross-references are checked (stage ids,
//! event names, journey ids, the ids conditions name). Every problem carries its JSON path.

use alloc::{borrow::ToOwned, format, string::String, vec, vec::Vec};
use serde_json::Value;

use super::reader::{invalid, Fields};
use super::sections::{
    channels, clean, inference, journey, lifecycle, retention, session, signal, stage,
    CHANNEL_KEYS, INFERENCE_KEYS, JOURNEY_KEYS, LIFECYCLE_KEYS, RETENTION_KEYS, SESSION_KEYS,
    SIGNAL_KEYS, STAGE_KEYS,
};
use super::{defaults, slots, Config, InferenceConfig, MicroJourneyDef, Signal, StageDef};
use crate::core::error::{quote, ConfigError};
use crate::core::event::EventKind;

const KEYS: &[&str] = &[
    "$schema",
    "namespace",
    "stages",
    "signals",
    "inference",
    "micro_journeys",
    "custom_events",
    "channels",
    "session",
    "lifecycle",
    "retention",
    "slots",
    "capture",
    "privacy",
    "prompts",
    "surveys",
    "fatigue",
    "experiments",
    "recommend",
];

pub(super) fn parse(value: &Value) -> Result<Config, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let Some(doc) = value.as_object() else {
        return Err(vec![ConfigError::new(
            "$",
            "the config must be a JSON object",
        )]);
    };
    for key in doc.keys() {
        if !KEYS.contains(&key.as_str()) {
            let hint = suggest(key, KEYS.iter().copied());
            errors.push(ConfigError::new(
                format!("$.{key}"),
                format!("unknown field{hint}"),
            ));
        }
    }
    let get = |k: &str| doc.get(k).filter(|v| !v.is_null());

    let namespace = match get("namespace") {
        Some(Value::String(s)) => s.clone(),
        Some(v) => {
            errors.push(ConfigError::new("$.namespace", invalid("a string", v)));
            defaults::namespace()
        }
        None => defaults::namespace(),
    };
    let schema = match get("$schema") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(v) => {
            errors.push(ConfigError::new("$.$schema", invalid("a string", v)));
            None
        }
        None => None,
    };
    let stages_given = get("stages").is_some();
    let stages = list(get("stages"), "$.stages", STAGE_KEYS, stage, &mut errors)
        .unwrap_or_else(defaults::default_stages);
    let signals_given = get("signals").is_some();
    let mut signals = list(
        get("signals"),
        "$.signals",
        SIGNAL_KEYS,
        signal,
        &mut errors,
    )
    .unwrap_or_else(defaults::default_signals);
    let micro_journeys = list(
        get("micro_journeys"),
        "$.micro_journeys",
        JOURNEY_KEYS,
        journey,
        &mut errors,
    )
    .unwrap_or_else(defaults::default_journeys);
    let mut config = Config {
        schema,
        namespace,
        inference: section(
            get("inference"),
            "$.inference",
            INFERENCE_KEYS,
            inference,
            &mut errors,
        )
        .unwrap_or_default(),
        custom_events: strings(get("custom_events"), "$.custom_events", &mut errors),
        channels: section(
            get("channels"),
            "$.channels",
            CHANNEL_KEYS,
            channels,
            &mut errors,
        )
        .unwrap_or_default(),
        session: section(
            get("session"),
            "$.session",
            SESSION_KEYS,
            session,
            &mut errors,
        )
        .unwrap_or_default(),
        lifecycle: section(
            get("lifecycle"),
            "$.lifecycle",
            LIFECYCLE_KEYS,
            lifecycle,
            &mut errors,
        )
        .unwrap_or_default(),
        retention: section(
            get("retention"),
            "$.retention",
            RETENTION_KEYS,
            retention,
            &mut errors,
        )
        .unwrap_or_default(),
        stages,
        signals: Vec::new(),
        micro_journeys,
        slots: Default::default(),
        prompts: Default::default(),
        surveys: Default::default(),
        fatigue: Default::default(),
        experiments: Default::default(),
        capture: super::capture::read(get("capture"), &mut errors),
        privacy: super::privacy::read(get("privacy"), &mut errors),
        recommend: super::recommend::read(get("recommend"), &mut errors),
    };

    validate_stages(&config.stages, &mut errors);
    let mut stage_ids = IdSet::default();
    for s in &config.stages {
        stage_ids.insert(&s.id);
    }
    if stages_given && !signals_given {
        // Renamed stages with the default signals: keep the weights for stages that exist.
        for s in &mut signals {
            s.stages.retain(|id, _| stage_ids.contains(id));
        }
        signals.retain(|s| !s.stages.is_empty());
    }
    let events = EventNames::new(&config.custom_events);
    for (i, s) in signals.iter().enumerate() {
        validate_signal(
            s,
            &format!("$.signals[{i}]"),
            &stage_ids,
            &events,
            &mut errors,
        );
    }
    config.signals = signals;
    validate_journeys(&config.micro_journeys, &events, &mut errors);
    validate_inference(&config.inference, &mut errors);
    if config.session.timeout_minutes == 0 {
        errors.push(ConfigError::new(
            "$.session.timeout_minutes",
            "must be at least 1",
        ));
    }
    let half_life = config.lifecycle.interest_half_life_days;
    if half_life.is_nan() || half_life <= 0.0 {
        errors.push(ConfigError::new(
            "$.lifecycle.interest_half_life_days",
            "must be a positive number of days",
        ));
    }
    if config.retention.inactive_days == 0 {
        errors.push(ConfigError::new(
            "$.retention.inactive_days",
            "must be at least 1",
        ));
    }
    if config.retention.max_touchpoints == 0 {
        errors.push(ConfigError::new(
            "$.retention.max_touchpoints",
            "must be at least 1",
        ));
    }
    if config.namespace.is_empty()
        || !config
            .namespace
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        errors.push(ConfigError::new(
            "$.namespace",
            "must be non-empty and use only letters, digits, '-', '_' and '.'",
        ));
    }
    config.channels.validate("$.channels", &mut errors);
    // Conditions name stages and journeys, so slots are read once those are known.
    config.slots = slots::parse_slots(get("slots"), &config, &mut errors);
    super::prompts::parse_prompts(doc, &mut config, &mut errors);

    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// Reads one section object (`None` when absent or when it has a problem, which is recorded).
fn section<T>(
    value: Option<&Value>,
    path: &str,
    known: &[&str],
    read: fn(&mut Fields<'_, '_>) -> Option<T>,
    errors: &mut Vec<ConfigError>,
) -> Option<T> {
    clean(value?, path.to_owned(), known, errors, read)
}

/// Reads an array item by item, so every bad item is reported. Returns the good items (or `None`
/// when the value is not an array).
fn list<T>(
    value: Option<&Value>,
    path: &str,
    known: &[&str],
    read: fn(&mut Fields<'_, '_>) -> Option<T>,
    errors: &mut Vec<ConfigError>,
) -> Option<Vec<T>> {
    let value = value?;
    let Some(array) = value.as_array() else {
        errors.push(ConfigError::new(path, "must be an array"));
        return None;
    };
    Some(
        array
            .iter()
            .enumerate()
            .filter_map(|(i, v)| clean(v, format!("{path}[{i}]"), known, errors, read))
            .collect(),
    )
}

/// An array of strings; bad items are reported and left out.
fn strings(value: Option<&Value>, path: &str, errors: &mut Vec<ConfigError>) -> Vec<String> {
    let Some(value) = value else {
        return Vec::new();
    };
    let Some(array) = value.as_array() else {
        errors.push(ConfigError::new(path, "must be an array"));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, v) in array.iter().enumerate() {
        match v.as_str() {
            Some(s) => out.push(s.to_owned()),
            None => errors.push(ConfigError::new(
                format!("{path}[{i}]"),
                invalid("a string", v),
            )),
        }
    }
    out
}

/// A set of ids, kept sorted (so suggestions are tried in the same order as a `BTreeSet`'s).
/// A sorted `Vec` rather than a `BTreeSet`: configs hold a handful of ids, and it saves the
/// browser build a B-tree instantiation.
#[derive(Default)]
struct IdSet<'a> {
    sorted: Vec<&'a str>,
}

impl<'a> IdSet<'a> {
    /// Adds `id`; false when it was already there.
    fn insert(&mut self, id: &'a str) -> bool {
        match self.sorted.binary_search(&id) {
            Ok(_) => false,
            Err(at) => {
                self.sorted.insert(at, id);
                true
            }
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.sorted.binary_search(&id).is_ok()
    }

    fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.sorted.iter().copied()
    }
}

fn validate_stages(stages: &[StageDef], errors: &mut Vec<ConfigError>) {
    if stages.is_empty() {
        errors.push(ConfigError::new(
            "$.stages",
            "at least one stage is required",
        ));
    }
    let mut seen = IdSet::default();
    for (i, s) in stages.iter().enumerate() {
        if !is_identifier(&s.id) {
            errors.push(ConfigError::new(
                format!("$.stages[{i}].id"),
                format!(
                    "{} is not an identifier (letters, digits and '_')",
                    quote(&s.id)
                ),
            ));
        } else if !seen.insert(&s.id) {
            errors.push(ConfigError::new(
                format!("$.stages[{i}].id"),
                format!("duplicate stage {}", quote(&s.id)),
            ));
        }
        if !s.prior.is_finite() || s.prior.abs() > 20.0 {
            errors.push(ConfigError::new(
                format!("$.stages[{i}].prior"),
                "must be a number between -20 and 20",
            ));
        }
    }
}

/// The event names config may refer to: known kinds (canonical or alias) and declared custom
/// events.
struct EventNames<'a> {
    custom: &'a [String],
}

impl<'a> EventNames<'a> {
    fn new(custom: &'a [String]) -> EventNames<'a> {
        EventNames { custom }
    }

    fn check(&self, name: &str, path: String, errors: &mut Vec<ConfigError>) {
        let custom: &'a [String] = self.custom;
        if EventKind::parse(name).is_some() || custom.iter().any(|c| c == name) {
            return;
        }
        let candidates = EventKind::all()
            .map(|k| -> &'a str { k.name() })
            .chain(custom.iter().map(String::as_str));
        let hint = suggest(name, candidates);
        errors.push(ConfigError::new(
            path,
            format!(
                "unknown event {}{hint} (declare custom events in $.custom_events)",
                quote(name)
            ),
        ));
    }
}

fn validate_signal(
    s: &Signal,
    path: &str,
    stage_ids: &IdSet<'_>,
    events: &EventNames<'_>,
    errors: &mut Vec<ConfigError>,
) {
    let triggers = [s.event.is_some(), s.fact.is_some(), s.channel.is_some()];
    match triggers.iter().filter(|t| **t).count() {
        1 => {}
        0 => errors.push(ConfigError::new(
            path,
            "needs one of \"event\", \"fact\" or \"channel\"",
        )),
        _ => errors.push(ConfigError::new(
            path,
            "give only one of \"event\", \"fact\" or \"channel\"",
        )),
    }
    if let Some(event) = &s.event {
        events.check(event, format!("{path}.event"), errors);
    }
    if s.stages.is_empty() {
        errors.push(ConfigError::new(
            format!("{path}.stages"),
            "must name at least one stage",
        ));
    }
    for (id, w) in &s.stages {
        if !stage_ids.contains(id) {
            let hint = suggest(id, stage_ids.iter());
            errors.push(ConfigError::new(
                format!("{path}.stages.{id}"),
                format!("unknown stage {}{hint}", quote(id)),
            ));
        }
        if !w.is_finite() || w.abs() > 20.0 {
            errors.push(ConfigError::new(
                format!("{path}.stages.{id}"),
                "weight must be a number between -20 and 20",
            ));
        }
    }
    if s.max_per_session == Some(0) {
        errors.push(ConfigError::new(
            format!("{path}.max_per_session"),
            "must be at least 1 (remove the signal to disable it)",
        ));
    }
}

fn validate_journeys(
    journeys: &[MicroJourneyDef],
    events: &EventNames<'_>,
    errors: &mut Vec<ConfigError>,
) {
    let mut seen = IdSet::default();
    for (i, j) in journeys.iter().enumerate() {
        let path = format!("$.micro_journeys[{i}]");
        if !is_identifier(&j.id) {
            errors.push(ConfigError::new(
                format!("{path}.id"),
                format!(
                    "{} is not an identifier (letters, digits and '_')",
                    quote(&j.id)
                ),
            ));
        } else if !seen.insert(&j.id) {
            errors.push(ConfigError::new(
                format!("{path}.id"),
                format!("duplicate micro journey {}", quote(&j.id)),
            ));
        }
        if j.steps.len() < 2 {
            errors.push(ConfigError::new(
                format!("{path}.steps"),
                "needs at least two steps",
            ));
        }
        if j.steps.last().is_some_and(|s| s.optional) {
            errors.push(ConfigError::new(
                format!("{path}.steps[{}].optional", j.steps.len() - 1),
                "the last step completes the journey and cannot be optional",
            ));
        }
        for (k, step) in j.steps.iter().enumerate() {
            events.check(&step.event, format!("{path}.steps[{k}].event"), errors);
            if step.timeout_s == Some(0) {
                errors.push(ConfigError::new(
                    format!("{path}.steps[{k}].timeout_s"),
                    "must be at least 1 second",
                ));
            }
        }
        for (k, event) in j.abandon_on.iter().enumerate() {
            events.check(event, format!("{path}.abandon_on[{k}]"), errors);
        }
        if j.timeout_s == 0 {
            errors.push(ConfigError::new(
                format!("{path}.timeout_s"),
                "must be at least 1 second",
            ));
        }
    }
}

fn validate_inference(inf: &InferenceConfig, errors: &mut Vec<ConfigError>) {
    if !inf.half_life_hours.is_finite() || inf.half_life_hours <= 0.0 {
        errors.push(ConfigError::new(
            "$.inference.half_life_hours",
            "must be a positive number of hours",
        ));
    }
    if inf.max_evidence.is_nan() || inf.max_evidence <= 0.0 || inf.max_evidence > 50.0 {
        errors.push(ConfigError::new(
            "$.inference.max_evidence",
            "must be in (0, 50]",
        ));
    }
    if inf.trail_length > 1000 {
        errors.push(ConfigError::new(
            "$.inference.trail_length",
            "must be at most 1000",
        ));
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `, did you mean "x"?` for the closest candidate within a small edit distance, else empty.
pub(crate) fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let lower = name.to_ascii_lowercase();
    candidates
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!(", did you mean {}?", quote(c)))
        .unwrap_or_default()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn errors(v: Value) -> Vec<String> {
        parse(&v)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn empty_config_gets_every_default() {
        let c = parse(&json!({})).unwrap();
        let ids: Vec<_> = c.stages.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "discovery",
                "research",
                "consideration",
                "purchase",
                "post_purchase",
                "loyalty"
            ]
        );
        let journeys: Vec<_> = c.micro_journeys.iter().map(|j| j.id.as_str()).collect();
        assert_eq!(
            journeys,
            ["checkout", "sign_up", "search_to_product", "support"]
        );
        assert!(c.signals.len() > 20);
        assert_eq!(c.session.timeout_minutes, 30);
    }

    #[test]
    fn reports_every_problem_with_its_path() {
        let e = errors(json!({
            "micro_journeys": [
                {"id": "ok", "steps": [{"event": "Checkout Started"}, {"event": "purchase"}]},
                {"id": "bad", "steps": [{"event": "chekout"}, {"event": "Order Completed", "timeout_s": "x"}]}
            ],
            "signals": [{"event": "Product Viewed", "stages": {"reserch": 1}}],
            "session": {"timeout_minutes": 0},
            "colour": "red"
        }));
        assert!(e.contains(&"$.colour: unknown field".to_string()), "{e:?}");
        assert!(
            e.iter()
                .any(|m| m.starts_with("$.micro_journeys[1].steps[1].timeout_s: invalid type")),
            "{e:?}"
        );
        assert!(
            e.iter().any(|m| m.starts_with("$.signals[0].stages.reserch: unknown stage \"reserch\", did you mean \"research\"?")),
            "{e:?}"
        );
        assert!(
            e.contains(&"$.session.timeout_minutes: must be at least 1".to_string()),
            "{e:?}"
        );
    }

    #[test]
    fn unknown_step_event_is_named_with_a_suggestion() {
        let e = errors(json!({"micro_journeys": [
            {"id": "a", "steps": [{"event": "Checkout Started"}, {"event": "Order Completed"}]},
            {"id": "b", "steps": [{"event": "chekout started"}, {"event": "Order Completed"}]}
        ]}));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with(
                "$.micro_journeys[1].steps[0].event: unknown event \"chekout started\", did you mean \"Checkout Started\"?"
            ),
            "{e:?}"
        );
    }

    #[test]
    fn custom_events_must_be_declared() {
        let j = json!({"id": "news", "steps": [{"event": "Newsletter Opened"}, {"event": "Signed Up"}]});
        assert!(parse(&json!({"micro_journeys": [j.clone()]})).is_err());
        assert!(
            parse(&json!({"micro_journeys": [j], "custom_events": ["Newsletter Opened"]})).is_ok()
        );
    }

    #[test]
    fn renamed_stages_keep_matching_default_signals() {
        let c = parse(&json!({"stages": [{"id": "discovery"}, {"id": "purchase"}]})).unwrap();
        assert!(c
            .signals
            .iter()
            .all(|s| s.stages.keys().all(|k| k == "discovery" || k == "purchase")));
        assert!(!c.signals.is_empty());
    }

    #[test]
    fn not_an_object_is_one_error() {
        assert_eq!(
            errors(json!([1, 2])),
            vec!["$: the config must be a JSON object".to_string()]
        );
    }

    #[test]
    fn edit_distance_is_levenshtein() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
