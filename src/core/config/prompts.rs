//! The `$.prompts`, `$.surveys`, `$.fatigue` and `$.experiments` sections: what the visitor may
//! be shown beyond slot variants, how often, and which A/B/n tests run on slots and prompts.
//!
//! Prompts and surveys share one type ([`PromptDef`]): a survey is a prompt that asks a question
//! (its `type`, `question` and `options` are read only under `$.surveys`). Ids are unique across
//! both maps, because one fatigue budget and one history cover them all. Like `$.slots`, every
//! item is read by hand so each problem is reported with its JSON path, and conditions are
//! checked against the config's stages and micro journeys.

use alloc::{
    borrow::ToOwned,
    format,
    string::{String, ToString},
    vec,
    vec::Vec,
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::reader::{invalid, join, Fields};
use super::sections::clean;
use super::Config;
use crate::core::condition::Condition;
use crate::core::error::{quote, ConfigError};
use crate::core::map::IdMap;

/// How a prompt is presented.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum PromptKind {
    /// A strip across the top of the page.
    Banner,
    /// A small message in a corner that does not block the page.
    Toast,
    /// A dialog that traps focus until closed (Escape closes it).
    Modal,
    /// Content placed in the page where `data-tm-prompt-slot="<id>"` marks it.
    Inline,
}

const KINDS: &[&str] = &["banner", "toast", "modal", "inline"];
const KIND_VALUES: [PromptKind; 4] = [
    PromptKind::Banner,
    PromptKind::Toast,
    PromptKind::Modal,
    PromptKind::Inline,
];

impl PromptKind {
    /// `banner`, `toast`, `modal` or `inline`.
    pub fn name(self) -> &'static str {
        KINDS[self as usize]
    }
}

/// The question types of a micro-survey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum SurveyKind {
    /// Net Promoter Score, 0-10. 9-10 is advocacy evidence for `loyalty`; 0-6 a pain point.
    Nps,
    /// Customer satisfaction, 1-5. 1-2 is a pain point.
    Csat,
    /// Customer effort, 1-7 (7 = very hard). 5-7 is a pain point.
    Ces,
    /// One of `options`. With `attribution: true` the answer is the self-reported channel.
    Choice,
    /// Free text, kept on the device.
    Text,
}

const SURVEY_KINDS: &[&str] = &["nps", "csat", "ces", "choice", "text"];
const SURVEY_VALUES: [SurveyKind; 5] = [
    SurveyKind::Nps,
    SurveyKind::Csat,
    SurveyKind::Ces,
    SurveyKind::Choice,
    SurveyKind::Text,
];

impl SurveyKind {
    /// `nps`, `csat`, `ces`, `choice` or `text`.
    pub fn name(self) -> &'static str {
        SURVEY_KINDS[self as usize]
    }

    /// The score range answers must fall in (`None` for choice and text).
    pub fn range(self) -> Option<(f64, f64)> {
        match self {
            SurveyKind::Nps => Some((0.0, 10.0)),
            SurveyKind::Csat => Some((1.0, 5.0)),
            SurveyKind::Ces => Some((1.0, 7.0)),
            SurveyKind::Choice | SurveyKind::Text => None,
        }
    }
}

/// When a prompt may be considered. Written as a string: `page_view`, `exit_intent`,
/// `event:<name>`, `scroll:<percent>`, `idle:<seconds>` or `abandoned:<journey>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptTrigger {
    /// Every page view.
    PageView,
    /// The pointer leaves the top of the window (or, on touch devices, a fast scroll up).
    ExitIntent,
    /// A touchpoint with this canonical name.
    Event(String),
    /// The page scrolled to at least this percentage.
    Scroll(u8),
    /// No input for this many seconds.
    Idle(u32),
    /// The micro journey with this id was just abandoned.
    Abandoned(String),
}

impl PromptTrigger {
    /// Parses the string form; the error says what is allowed.
    pub fn parse(s: &str) -> Result<PromptTrigger, String> {
        // Messages concatenated, not `format!`ed: the browser build parses triggers too, and
        // formatting arguments would keep `core::fmt`'s padding code in the wasm.
        let bad = || {
            crate::core::text::concat(&[
                &quote(s),
                " is not a trigger (page_view, exit_intent, event:<name>, scroll:<percent>, idle:<seconds>, abandoned:<journey>)",
            ])
        };
        Ok(match crate::core::text::split_once(s, b':') {
            None if s == "page_view" => PromptTrigger::PageView,
            None if s == "exit_intent" => PromptTrigger::ExitIntent,
            Some(("event", name)) if !name.is_empty() => PromptTrigger::Event(name.to_owned()),
            Some(("abandoned", j)) if !j.is_empty() => PromptTrigger::Abandoned(j.to_owned()),
            Some(("scroll", n)) => {
                PromptTrigger::Scroll(digits(n).filter(|p| *p <= 100).ok_or_else(bad)? as u8)
            }
            // A browser timer cannot wait longer than about 24.8 days (it would fire at once),
            // and an idle prompt is about this page view: at most a day.
            Some(("idle", n)) => PromptTrigger::Idle(
                digits(n)
                    .filter(|s| (1..=MAX_IDLE_S).contains(s))
                    .ok_or_else(|| {
                        crate::core::text::concat(&[
                            &quote(s),
                            ": idle:<seconds> takes 1 to 86400 seconds",
                        ])
                    })?,
            ),
            _ => return Err(bad()),
        })
    }
}

/// The longest `idle:<seconds>` trigger: a day.
const MAX_IDLE_S: u32 = 86_400;

/// A whole number of 1 to 9 digits (no sign, no spaces): one small loop instead of two `parse`
/// instantiations in the browser build.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 {
        return None;
    }
    s.bytes().try_fold(0u32, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
    })
}

impl<'de> Deserialize<'de> for PromptTrigger {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PromptTrigger, D::Error> {
        PromptTrigger::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for PromptTrigger {
    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        "PromptTrigger".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(page_view|exit_intent|event:.+|scroll:[0-9]{1,3}|idle:[0-9]+|abandoned:.+)$",
            "examples": ["page_view", "exit_intent", "event:Product Added", "scroll:50", "idle:30", "abandoned:checkout"]
        })
    }
}

/// One prompt (under `$.prompts`) or micro-survey (under `$.surveys`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PromptDef {
    /// How it is presented: `banner`, `toast`, `modal` or `inline`.
    pub kind: PromptKind,
    /// The page's `<template data-tm-prompt="...">` to fill. Default: the prompt's id.
    #[serde(default)]
    pub template: Option<String>,
    /// When it is considered. Default `["page_view"]`.
    #[serde(default = "page_view")]
    pub on: Vec<PromptTrigger>,
    /// Who sees it, e.g. `journey.checkout == "abandoned" && !cart.empty`. Default: everyone.
    #[serde(default)]
    pub when: Option<Condition>,
    /// Higher goes first when several are eligible at once. Default 0.
    #[serde(default)]
    pub priority: i32,
    /// At most this many times per session (up to 16).
    #[serde(default)]
    pub max_per_session: Option<u32>,
    /// At most this many times in any 24 hours (up to 16).
    #[serde(default)]
    pub max_per_day: Option<u32>,
    /// At most this many times ever.
    #[serde(default)]
    pub max_total: Option<u32>,
    /// Hours to wait after the visitor dismissed it. Default 24.
    #[serde(default = "day")]
    pub cooldown_hours: f64,
    /// Surveys only: `nps`, `csat`, `ces`, `choice` or `text`.
    #[serde(default, rename = "type")]
    pub survey: Option<SurveyKind>,
    /// Surveys only: the question, shown as text.
    #[serde(default)]
    pub question: Option<String>,
    /// Surveys only (`choice`): the answers offered.
    #[serde(default)]
    pub options: Vec<String>,
    /// Surveys only (`choice`): the answer is the visitor's self-reported channel
    /// ("how did you hear about us?").
    #[serde(default)]
    pub attribution: bool,
}

fn page_view() -> Vec<PromptTrigger> {
    vec![PromptTrigger::PageView]
}

fn day() -> f64 {
    24.0
}

impl PromptDef {
    /// The template to fill: `template`, else the id.
    pub fn template_or<'a>(&'a self, id: &'a str) -> &'a str {
        self.template.as_deref().unwrap_or(id)
    }
}

/// The one budget across all prompts and surveys.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct FatigueConfig {
    /// At most this many prompts and surveys, together, per session. Default 2.
    pub max_per_session: u32,
}

impl Default for FatigueConfig {
    fn default() -> Self {
        FatigueConfig { max_per_session: 2 }
    }
}

/// An A/B/n test on one slot or one prompt.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExperimentDef {
    /// The slot tested (one of `slot`, `prompt`).
    #[serde(default)]
    pub slot: Option<String>,
    /// The prompt or survey tested.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Who takes part. Default: everyone the target applies to.
    #[serde(default)]
    pub when: Option<Condition>,
    /// Share of participants (0 to <1) held out: they see the slot's default content, or not the
    /// tested prompt (another eligible prompt may still show).
    #[serde(default)]
    pub holdout: f64,
    /// The arms, at least one.
    pub arms: Vec<ArmDef>,
}

/// One arm of an experiment.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ArmDef {
    /// Arm id, reported in exposures (`"control"`, `"b"`).
    pub id: String,
    /// Relative weight. Default 1.
    #[serde(default)]
    pub weight: Option<f64>,
    /// For a slot: the variant to show. For a prompt: the template to fill. Absent: the
    /// control (what the rules decide).
    #[serde(default)]
    pub variant: Option<String>,
}

impl ArmDef {
    /// The weight, 1 by default.
    pub fn weight(&self) -> f64 {
        self.weight.unwrap_or(1.0)
    }
}

const PROMPT_KEYS: &[&str] = &[
    "kind",
    "template",
    "on",
    "when",
    "priority",
    "max_per_session",
    "max_per_day",
    "max_total",
    "cooldown_hours",
];
const SURVEY_KEYS: &[&str] = &[
    "kind",
    "template",
    "on",
    "when",
    "priority",
    "max_per_session",
    "max_per_day",
    "max_total",
    "cooldown_hours",
    "type",
    "question",
    "options",
    "attribution",
];
const EXPERIMENT_KEYS: &[&str] = &["slot", "prompt", "when", "holdout", "arms"];
const ARM_KEYS: &[&str] = &["id", "weight", "variant"];
const FATIGUE_KEYS: &[&str] = &["max_per_session"];

/// A condition field, its syntax errors reported at `<path>.<key>`.
fn condition(f: &mut Fields<'_, '_>, key: &str) -> Result<Option<Condition>, ()> {
    let Some(text) = f.opt_string(key) else {
        return Ok(None);
    };
    match Condition::parse(&text) {
        Ok(c) => Ok(Some(c)),
        Err(e) => {
            let path = join(f.path(), key);
            f.error(path, e.to_string());
            Err(())
        }
    }
}

fn read_common(f: &mut Fields<'_, '_>) -> Option<PromptDef> {
    let kind = match f.get("kind") {
        None => {
            let path = f.path().to_owned();
            f.error(path, "missing field `kind`");
            None
        }
        Some(_) => f.choice("kind", KINDS).map(|i| KIND_VALUES[i]),
    };
    let template = f.opt_string("template");
    let mut on = Vec::new();
    let path = join(f.path(), "on");
    for (i, s) in f.strings("on").into_iter().enumerate() {
        match PromptTrigger::parse(&s) {
            Ok(t) => on.push(t),
            Err(e) => f.error(format!("{path}[{i}]"), e),
        }
    }
    if on.is_empty() {
        on.push(PromptTrigger::PageView);
    }
    let when = condition(f, "when");
    let priority = f.get("priority").and_then(|v| {
        let p = v.as_i64().filter(|p| p.unsigned_abs() <= 1000);
        if p.is_none() {
            let path = join(f.path(), "priority");
            f.error(path, invalid("a whole number from -1000 to 1000", v));
        }
        p
    });
    let max_per_session = f.opt_u32("max_per_session");
    let max_per_day = f.opt_u32("max_per_day");
    let max_total = f.opt_u32("max_total");
    // Only the last SHOWN_KEPT show times are remembered, so a larger per-session or per-day
    // cap could never be reached: refused rather than silently unlimited.
    let kept = crate::core::prompt::SHOWN_KEPT as u32;
    for (key, cap) in [
        ("max_per_session", max_per_session),
        ("max_per_day", max_per_day),
    ] {
        if cap.is_some_and(|c| c > kept) {
            let path = join(f.path(), key);
            f.error(path, "must be at most 16 (use max_total for larger caps)");
        }
    }
    let cooldown_hours = f.f64_or("cooldown_hours", 24.0);
    if !(0.0..=87_600.0).contains(&cooldown_hours) {
        let path = join(f.path(), "cooldown_hours");
        f.error(path, "must be from 0 to 87600 hours");
    }
    Some(PromptDef {
        kind: kind?,
        template,
        on,
        when: when.ok()?,
        priority: priority.unwrap_or(0) as i32,
        max_per_session,
        max_per_day,
        max_total,
        cooldown_hours,
        survey: None,
        question: None,
        options: Vec::new(),
        attribution: false,
    })
}

fn read_survey(f: &mut Fields<'_, '_>) -> Option<PromptDef> {
    let common = read_common(f);
    let survey = match f.get("type") {
        None => {
            let path = f.path().to_owned();
            f.error(path, "missing field `type`");
            None
        }
        Some(_) => f.choice("type", SURVEY_KINDS).map(|i| SURVEY_VALUES[i]),
    };
    let question = f.string("question");
    let options = f.strings("options");
    let attribution = f.bool_or("attribution", false);
    let path = f.path().to_owned();
    if survey == Some(SurveyKind::Choice) && options.len() < 2 {
        f.error(
            join(&path, "options"),
            "a choice survey needs at least 2 options",
        );
    }
    if attribution && survey != Some(SurveyKind::Choice) {
        f.error(
            join(&path, "attribution"),
            "only a choice survey can be an attribution survey",
        );
    }
    Some(PromptDef {
        survey: Some(survey?),
        question: Some(question?),
        options,
        attribution,
        ..common?
    })
}

fn read_arm(f: &mut Fields<'_, '_>) -> Option<ArmDef> {
    let id = f.string("id");
    let weight = f.get("weight").map(|_| f.f64_or("weight", 1.0));
    if weight.is_some_and(|w| !(0.0..=1e6).contains(&w)) {
        let path = join(f.path(), "weight");
        f.error(path, "must be a number from 0 to 1000000");
    }
    let variant = f.opt_string("variant");
    Some(ArmDef {
        id: id?,
        weight,
        variant,
    })
}

fn read_experiment(f: &mut Fields<'_, '_>) -> Option<ExperimentDef> {
    let slot = f.opt_string("slot");
    let prompt = f.opt_string("prompt");
    let when = condition(f, "when");
    let holdout = f.f64_or("holdout", 0.0);
    let path = f.path().to_owned();
    if !(0.0..1.0).contains(&holdout) {
        f.error(join(&path, "holdout"), "must be a share from 0 to below 1");
    }
    if slot.is_some() == prompt.is_some() {
        f.error(path.clone(), "needs exactly one of `slot` and `prompt`");
    }
    let mut arms = Vec::new();
    let items = f.items("arms");
    if items.is_none() && f.raw("arms").is_none() {
        f.error(path.clone(), "missing field `arms`");
    }
    for (p, item) in items.unwrap_or_default() {
        if let Some(arm) = clean(item, p, ARM_KEYS, f.errors(), read_arm) {
            arms.push(arm);
        }
    }
    if f.raw("arms").is_some() && arms.is_empty() {
        f.error(join(&path, "arms"), "needs at least one arm");
    }
    if arms.len() > 20 {
        f.error(join(&path, "arms"), "at most 20 arms");
    }
    for (i, a) in arms.iter().enumerate() {
        if arms[..i].iter().any(|b| b.id == a.id) {
            f.error(
                format!("{path}.arms[{i}].id"),
                format!("{} is used twice", quote(&a.id)),
            );
        }
    }
    if !arms.is_empty() && arms.iter().map(ArmDef::weight).sum::<f64>() <= 0.0 {
        f.error(join(&path, "arms"), "the weights must not all be 0");
    }
    Some(ExperimentDef {
        slot,
        prompt,
        when: when.ok()?,
        holdout,
        arms,
    })
}

/// Reads an object of id to item, each with `read`; ids must be slot-style ids.
fn read_map<T>(
    value: Option<&Value>,
    path: &str,
    keys: &[&str],
    read: fn(&mut Fields<'_, '_>) -> Option<T>,
    errors: &mut Vec<ConfigError>,
) -> IdMap<T> {
    let mut out = IdMap::default();
    let Some(value) = value else { return out };
    let Some(map) = value.as_object() else {
        errors.push(ConfigError::new(
            path,
            invalid("an object of id to definition", value),
        ));
        return out;
    };
    for (id, item) in map {
        let p = join(path, id);
        if !super::slots::is_slot_id(id) {
            errors.push(ConfigError::new(
                &p,
                format!("{} is not an id (letters, digits, '_' and '-')", quote(id)),
            ));
        }
        if let Some(def) = clean(item, p, keys, errors, read) {
            out.insert(id.clone(), def);
        }
    }
    out
}

fn check_when(
    when: Option<&Condition>,
    path: &str,
    config: &Config,
    errors: &mut Vec<ConfigError>,
) {
    for e in when.map(|c| c.check(config)).unwrap_or_default() {
        errors.push(ConfigError::new(join(path, "when"), e.to_string()));
    }
}

/// Reads `$.prompts`, `$.surveys`, `$.fatigue` and `$.experiments` into `config` (whose stages,
/// micro journeys and slots are already read), reporting every problem.
pub(super) fn parse_prompts(
    doc: &serde_json::Map<String, Value>,
    config: &mut Config,
    errors: &mut Vec<ConfigError>,
) {
    let get = |k: &str| doc.get(k).filter(|v| !v.is_null());
    let prompts = read_map(
        get("prompts"),
        "$.prompts",
        PROMPT_KEYS,
        read_common,
        errors,
    );
    let surveys = read_map(
        get("surveys"),
        "$.surveys",
        SURVEY_KEYS,
        read_survey,
        errors,
    );
    if let Some(v) = get("fatigue") {
        if let Some(f) = clean(v, "$.fatigue".into(), FATIGUE_KEYS, errors, |f| {
            Some(FatigueConfig {
                max_per_session: f.u32_or("max_per_session", 2),
            })
        }) {
            config.fatigue = f;
        }
    }
    for (section, map) in [("prompts", &prompts), ("surveys", &surveys)] {
        for (id, p) in map {
            let path = format!("$.{section}.{id}");
            if section == "surveys" && prompts.contains_key(id) {
                errors.push(ConfigError::new(&path, "a prompt has the same id"));
            }
            check_when(p.when.as_ref(), &path, config, errors);
            for (i, t) in p.on.iter().enumerate() {
                if let PromptTrigger::Abandoned(j) = t {
                    if !config.micro_journeys.iter().any(|d| &d.id == j) {
                        let ids = config.micro_journeys.iter().map(|d| d.id.as_str());
                        errors.push(ConfigError::new(
                            format!("{path}.on[{i}]"),
                            format!(
                                "unknown micro journey {}{}",
                                quote(j),
                                super::suggest(j, ids)
                            ),
                        ));
                    }
                }
            }
        }
    }
    if prompts.len() + surveys.len() > crate::core::prompt::ENTRIES_KEPT {
        errors.push(ConfigError::new(
            "$.prompts",
            "at most 64 prompts and surveys together",
        ));
    }
    config.prompts = prompts;
    config.surveys = surveys;
    let experiments = read_map(
        get("experiments"),
        "$.experiments",
        EXPERIMENT_KEYS,
        read_experiment,
        errors,
    );
    let mut targets: Vec<(bool, &str)> = Vec::new();
    for (id, x) in &experiments {
        let path = format!("$.experiments.{id}");
        check_when(x.when.as_ref(), &path, config, errors);
        let target = match (&x.slot, &x.prompt) {
            (Some(s), None) => {
                if !config.slots.contains_key(s) {
                    let hint = super::suggest(s, config.slots.keys().map(String::as_str));
                    errors.push(ConfigError::new(
                        join(&path, "slot"),
                        format!("unknown slot {}{hint}", quote(s)),
                    ));
                }
                (true, s.as_str())
            }
            (None, Some(p)) => {
                if config.prompt(p).is_none() {
                    let ids = config.prompts.keys().chain(config.surveys.keys());
                    let hint = super::suggest(p, ids.map(String::as_str));
                    errors.push(ConfigError::new(
                        join(&path, "prompt"),
                        format!("unknown prompt or survey {}{hint}", quote(p)),
                    ));
                }
                (false, p.as_str())
            }
            _ => continue,
        };
        if targets.contains(&target) {
            errors.push(ConfigError::new(
                &path,
                format!("another experiment already tests {}", quote(target.1)),
            ));
        }
        targets.push(target);
    }
    if experiments.len() > crate::core::prompt::ENTRIES_KEPT {
        errors.push(ConfigError::new("$.experiments", "at most 64 experiments"));
    }
    config.experiments = experiments;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn errors(v: Value) -> Vec<String> {
        Config::parse(&v)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn prompts_surveys_and_experiments_parse() {
        let c = Config::parse(&json!({
            "slots": {"hero": {"rules": [{"variant": "a", "when": "true"}]}},
            "prompts": {"nudge": {"kind": "toast", "on": ["page_view", "abandoned:checkout"],
                "when": "!cart.empty", "priority": 5, "max_per_session": 1, "cooldown_hours": 2}},
            "surveys": {"nps": {"kind": "modal", "type": "nps", "question": "Would you recommend us?"}},
            "fatigue": {"max_per_session": 3},
            "experiments": {"hero-copy": {"slot": "hero", "holdout": 0.1,
                "arms": [{"id": "control"}, {"id": "bold", "weight": 2, "variant": "bold"}]}}
        }))
        .unwrap();
        let n = &c.prompts["nudge"];
        assert_eq!(n.kind, PromptKind::Toast);
        assert_eq!(n.on[1], PromptTrigger::Abandoned("checkout".into()));
        assert_eq!(
            (n.priority, n.max_per_session, n.cooldown_hours),
            (5, Some(1), 2.0)
        );
        assert_eq!(n.template_or("nudge"), "nudge");
        let s = &c.surveys["nps"];
        assert_eq!(
            (s.survey, s.on.clone()),
            (Some(SurveyKind::Nps), vec![PromptTrigger::PageView])
        );
        assert_eq!(s.cooldown_hours, 24.0);
        assert_eq!(c.fatigue.max_per_session, 3);
        assert_eq!(c.experiments["hero-copy"].arms[1].weight(), 2.0);
        assert_eq!(Config::default().fatigue.max_per_session, 2);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let e = errors(json!({
            "slots": {"hero": {"rules": []}},
            "prompts": {
                "a": {"kind": "popup", "on": ["hover", "abandoned:chekout", "scroll:500", "idle:2200000"], "when": "visits >"},
                "b": {"kind": "toast", "type": "nps", "priority": 5000},
                "c": {"on": []},
                "dup": {"kind": "toast"}
            },
            "surveys": {
                "dup": {"kind": "modal", "type": "nps", "question": "?"},
                "s": {"kind": "modal", "type": "choice", "options": ["x"], "attribution": true},
                "t": {"kind": "modal", "type": "text", "question": "?", "attribution": true}
            },
            "fatigue": {"max_per_session": -1},
            "experiments": {
                "x": {"slot": "heroo", "arms": [{"id": "a"}]},
                "v": {"prompt": "dup", "arms": [{"id": "a"}, {"id": "a", "weight": -1}]},
                "u": {"prompt": "nope", "arms": [{"id": "a"}]},
                "t": {"prompt": "dup", "arms": [{"id": "a"}, {"id": "a"}]},
                "y": {"slot": "hero", "prompt": "a", "arms": []},
                "z": {"prompt": "nope", "holdout": 1, "arms": [{"id": "a", "weight": 0}]},
                "w": {"slot": "hero", "when": "stage.reserch > 0.1", "arms": [{"id": "a"}]}
            }
        }));
        let want = [
            "$.prompts.a.kind: unknown value \"popup\" (one of \"banner\", \"toast\", \"modal\", \"inline\")",
            "$.prompts.a.on[0]: \"hover\" is not a trigger (page_view, exit_intent, event:<name>, scroll:<percent>, idle:<seconds>, abandoned:<journey>)",
            "$.prompts.a.on[2]: \"scroll:500\" is not a trigger (page_view, exit_intent, event:<name>, scroll:<percent>, idle:<seconds>, abandoned:<journey>)",
            "$.prompts.a.on[3]: \"idle:2200000\": idle:<seconds> takes 1 to 86400 seconds",
            "$.prompts.a.when: column 9: expected a value after \">\"",
            "$.prompts.b.type: unknown field",
            "$.prompts.b.priority: invalid type: expected a whole number from -1000 to 1000, found a number",
            "$.prompts.c: missing field `kind`",
            "$.surveys.dup: a prompt has the same id",
            "$.surveys.s: missing field `question`",
            "$.surveys.s.options: a choice survey needs at least 2 options",
            "$.surveys.t.attribution: only a choice survey can be an attribution survey",
            "$.fatigue.max_per_session: invalid type: expected a whole number from 0 to 4294967295, found a number",
            "$.experiments.x.slot: unknown slot \"heroo\", did you mean \"hero\"?",
            "$.experiments.v.arms[1].weight: must be a number from 0 to 1000000",
            "$.experiments.t.arms[1].id: \"a\" is used twice",
            "$.experiments.y: needs exactly one of `slot` and `prompt`",
            "$.experiments.y.arms: needs at least one arm",
            "$.experiments.z.holdout: must be a share from 0 to below 1",
            "$.experiments.u.prompt: unknown prompt or survey \"nope\"",
            "$.experiments.z.arms: the weights must not all be 0",
            "$.experiments.w.when: column 1: unknown stage \"reserch\", did you mean \"research\"?",
        ];
        for w in want {
            assert!(e.iter().any(|m| m == w), "missing {w:?} in {e:#?}");
        }
    }

    #[test]
    fn caps_beyond_the_remembered_show_times_are_refused() {
        let e = errors(json!({"prompts": {
            "a": {"kind": "toast", "max_per_session": 17, "max_per_day": 20, "max_total": 100},
            "b": {"kind": "toast", "max_per_session": 16, "max_per_day": 16}
        }}));
        assert_eq!(
            e,
            [
                "$.prompts.a.max_per_session: must be at most 16 (use max_total for larger caps)",
                "$.prompts.a.max_per_day: must be at most 16 (use max_total for larger caps)"
            ]
        );
        assert_eq!(crate::core::prompt::SHOWN_KEPT, 16);
    }

    #[test]
    fn abandoned_triggers_name_known_journeys() {
        let e = errors(json!({"prompts": {"a": {"kind": "toast", "on": ["abandoned:chekout"]}}}));
        assert_eq!(
            e,
            ["$.prompts.a.on[0]: unknown micro journey \"chekout\", did you mean \"checkout\"?"]
        );
    }
}
