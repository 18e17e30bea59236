//! The site's configuration: one JSON document describing stages, signals, micro journeys,
//! channel rules, sessions, lifecycle, retention and personalised slots.
//!
//! [`Config::parse`] reads a JSON value, fills defaults (an empty `{}` gives the six default
//! stages, the default signals, four default micro journeys and GA4 channel rules), and reports
//! every problem with its JSON path rather than stopping at the first.

mod capture;
pub mod compiled;
mod defaults;
mod parse;
mod privacy;
mod prompts;
mod reader;
mod recommend;
mod sections;
mod slots;

use crate::core::map::SortedMap;
use alloc::{format, string::String, vec, vec::Vec};

use serde::Deserialize;

use crate::core::map::IdMap;

pub use super::channel::ChannelConfig;
pub use capture::{CaptureConfig, DataLayer, Thresholds};
pub use compiled::compiled_document;
pub use defaults::{default_journeys, default_signals, default_stages};
pub(crate) use parse::suggest;
pub use privacy::{ConsentDefaults, ExportConfig, GpcConfig, PrivacyConfig};
pub use prompts::{
    ArmDef, ExperimentDef, FatigueConfig, PromptDef, PromptKind, PromptTrigger, SurveyKind,
};
pub use recommend::RecommendConfig;
pub use slots::{SlotDef, SlotRule};

/// The whole configuration, with defaults filled in.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The URL of this document's JSON Schema, for editor completion. Ignored by the engine.
    #[serde(default, rename = "$schema")]
    pub schema: Option<String>,
    /// Storage namespace, so two configs on one origin keep separate profiles. Default `"default"`.
    #[serde(default = "defaults::namespace")]
    pub namespace: String,
    /// Macro journey stages, in display order. Default: discovery, research, consideration,
    /// purchase, post_purchase, loyalty. Rename or replace them freely.
    #[serde(default = "default_stages")]
    pub stages: Vec<StageDef>,
    /// Weighted evidence that moves stage probabilities. Omit to use the default signals (kept
    /// only for the stages that exist).
    #[serde(default = "default_signals")]
    pub signals: Vec<Signal>,
    /// How evidence is combined and forgotten.
    #[serde(default)]
    pub inference: InferenceConfig,
    /// Short task flows tracked live. Omit for checkout, sign-up, search-to-product and support.
    #[serde(default = "default_journeys")]
    pub micro_journeys: Vec<MicroJourneyDef>,
    /// Names of custom events the site sends, so that signals and journey steps may name them.
    #[serde(default)]
    pub custom_events: Vec<String>,
    /// Channel classification rules. Default: GA4's default channel groups.
    #[serde(default)]
    pub channels: ChannelConfig,
    /// Session rules.
    #[serde(default)]
    pub session: SessionConfig,
    /// Lifecycle facts.
    #[serde(default)]
    pub lifecycle: LifecycleConfig,
    /// How much history is kept, and for how long.
    #[serde(default)]
    pub retention: RetentionConfig,
    /// Personalised content slots by id (the page marks them `data-tm-slot="<id>"`), each
    /// choosing a variant by ordered rules: the first rule whose condition holds wins, and no
    /// match keeps the page's default content.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(extend("propertyNames" = {"pattern": "^[A-Za-z0-9_-]{1,64}$"}))
    )]
    pub slots: SortedMap<String, SlotDef>,
    /// What the browser runtime records automatically (clicks, forms, scroll, SPA page views...).
    #[serde(default)]
    pub capture: CaptureConfig,
    /// Consent defaults and signals (TCF, Consent Mode, GPC), iframe storage and the opt-in
    /// export (read by the browser runtime; see the README's privacy section).
    #[serde(default)]
    pub privacy: PrivacyConfig,
    /// Prompts (banner, toast, modal, inline) by id, each with triggers, a condition, caps and a
    /// priority; the page gives their markup in `<template data-tm-prompt="<id>">`.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(extend("propertyNames" = {"pattern": "^[A-Za-z0-9_-]{1,64}$"}))
    )]
    pub prompts: IdMap<PromptDef>,
    /// Micro-surveys (NPS, CSAT, CES, choice, free text) by id: prompts that ask a question,
    /// sharing the prompts' targeting, caps and fatigue budget. Answers stay on the device.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(extend("propertyNames" = {"pattern": "^[A-Za-z0-9_-]{1,64}$"}))
    )]
    pub surveys: IdMap<PromptDef>,
    /// The global budget across all prompts and surveys.
    #[serde(default)]
    pub fatigue: FatigueConfig,
    /// A/B/n experiments on slots and prompts by id, with sticky deterministic buckets.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(extend("propertyNames" = {"pattern": "^[A-Za-z0-9_-]{1,64}$"}))
    )]
    pub experiments: IdMap<ExperimentDef>,
    /// Product recommendations: catalog and model URLs, exclusions, diversity.
    #[serde(default)]
    pub recommend: RecommendConfig,
}

impl Default for Config {
    fn default() -> Config {
        Config::parse(&serde_json::Value::Object(Default::default()))
            .expect("the default config is valid")
    }
}

/// One macro journey stage.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    /// Identifier used by signals and conditions, e.g. `"consideration"`.
    pub id: String,
    /// Human label shown in the debug panel. Defaults to the id.
    #[serde(default)]
    pub label: Option<String>,
    /// Prior log-weight: how likely this stage is before any evidence (0 is neutral).
    #[serde(default)]
    pub prior: f64,
}

/// A lifecycle fact that counts as evidence once per session, when the session starts (or, for
/// `product_revisit`, when it happens).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Fact {
    /// First session of this visitor.
    NewVisitor,
    /// Any later session.
    ReturningVisitor,
    /// The visitor has ordered at least once.
    Customer,
    /// The visitor has ordered at least twice.
    RepeatCustomer,
    /// The visitor is back after at least `lifecycle.lapsed_days` away.
    Lapsed,
    /// A product seen in an earlier session was viewed again.
    ProductRevisit,
}

/// Evidence: when an event (or fact, or session channel) is seen, add weights to stages.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Signal {
    /// Event name (canonical, GA4 alias or a declared custom event). One of `event`, `fact`,
    /// `channel` is required.
    #[serde(default)]
    pub event: Option<String>,
    /// A lifecycle fact.
    #[serde(default)]
    pub fact: Option<Fact>,
    /// A channel group a session starts from, e.g. `"Organic Search"`.
    #[serde(default)]
    pub channel: Option<String>,
    /// Only when the page path starts with this prefix, e.g. `"/blog/"`.
    #[serde(default)]
    pub path_prefix: Option<String>,
    /// Only when the event's properties have these string values.
    #[serde(default, rename = "where")]
    pub where_props: SortedMap<String, String>,
    /// Weight added to each named stage (log-odds units; negative weights lower a stage).
    pub stages: SortedMap<String, f64>,
    /// At most this many times per session (default: unlimited).
    #[serde(default)]
    pub max_per_session: Option<u32>,
}

/// How evidence is combined.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct InferenceConfig {
    /// Evidence loses half its weight after this many hours. Default 72.
    pub half_life_hours: f64,
    /// Accumulated evidence per stage is clamped to ±this. Default 6.
    pub max_evidence: f64,
    /// How many evidence items are kept for explanations. Default 32.
    pub trail_length: u32,
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig {
            half_life_hours: 72.0,
            max_evidence: 6.0,
            trail_length: 32,
        }
    }
}

/// A short task flow, e.g. checkout.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MicroJourneyDef {
    /// Identifier used in conditions and effects, e.g. `"checkout"`.
    pub id: String,
    /// Ordered steps; the first starts the journey, the last completes it.
    pub steps: Vec<StepDef>,
    /// Events that abandon the journey at once when seen while it is active.
    #[serde(default)]
    pub abandon_on: Vec<String>,
    /// Default seconds allowed to reach the next step when a step names no timeout. Default 1800.
    #[serde(default = "defaults::step_timeout_s")]
    pub timeout_s: u64,
}

/// One step of a micro journey.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// The event that reaches this step.
    pub event: String,
    /// A label for explanations; defaults to the event name.
    #[serde(default)]
    pub label: Option<String>,
    /// Only when the event's properties have these string values (e.g. `{"form": "sign_up"}`).
    #[serde(default, rename = "where")]
    pub where_props: SortedMap<String, String>,
    /// Optional steps may be skipped on the way to a later step.
    #[serde(default)]
    pub optional: bool,
    /// Seconds allowed, after the previous step, to reach this step (or a later one) before the
    /// journey counts as abandoned. Defaults to the journey's `timeout_s`.
    #[serde(default)]
    pub timeout_s: Option<u64>,
}

/// Session rules.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Minutes of inactivity that end a session. Default 30.
    pub timeout_minutes: u32,
    /// Start a new session when a visit arrives from a different campaign or source. Default true.
    pub new_on_campaign_change: bool,
}

impl Default for SessionConfig {
    fn default() -> Self {
        SessionConfig {
            timeout_minutes: 30,
            new_on_campaign_change: true,
        }
    }
}

/// Lifecycle facts.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct LifecycleConfig {
    /// A visitor away this many days or more is lapsed. Default 90.
    pub lapsed_days: u32,
    /// Interest (category affinity) half-life in days. Default 30.
    pub interest_half_life_days: f64,
    /// At most this many interests are kept. Default 20.
    pub max_interests: u32,
}

impl Default for LifecycleConfig {
    fn default() -> Self {
        LifecycleConfig {
            lapsed_days: 90,
            interest_half_life_days: 30.0,
            max_interests: 20,
        }
    }
}

/// How much history is kept, and for how long.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Raw touchpoints kept, newest first; older ones survive only as counts. Default 200.
    pub max_touchpoints: u32,
    /// Raw touchpoints older than this many days are rolled up. Default 90.
    pub touchpoint_days: u32,
    /// Channel touches kept (first touch is always kept). Default 50.
    pub max_channel_touches: u32,
    /// Survey answers older than this many days are dropped. Default 365.
    pub survey_days: u32,
    /// A visitor not seen for this many days is forgotten entirely: rolled-up counts, interests,
    /// stage evidence and lifecycle facts included (they carry no per-item dates, so their age
    /// is the time since the last touchpoint). Default 395 (13 months).
    pub inactive_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            max_touchpoints: 200,
            touchpoint_days: 90,
            max_channel_touches: 50,
            survey_days: 365,
            inactive_days: 395,
        }
    }
}

impl Config {
    /// Parses and validates a config document, reporting every problem found.
    ///
    /// ```
    /// use trailmark::core::Config;
    /// let config = Config::from_json(r#"{"session": {"timeout_minutes": 20}}"#).unwrap();
    /// assert_eq!(config.stages.len(), 6);
    /// let errors = Config::from_json(
    ///     r#"{"micro_journeys": [{"id": "x", "steps": [{"event": "chekout"}, {"event": "purchase"}]}]}"#,
    /// )
    /// .unwrap_err();
    /// assert_eq!(errors[0].path, "$.micro_journeys[0].steps[0].event");
    /// ```
    pub fn parse(value: &serde_json::Value) -> Result<Config, Vec<super::ConfigError>> {
        parse::parse(value)
    }

    /// Parses JSON text (native callers; the browser hands over an already parsed value).
    pub fn from_json(text: &str) -> Result<Config, Vec<super::ConfigError>> {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => Config::parse(&v),
            Err(e) => Err(vec![super::ConfigError::new(
                "$",
                format!(
                    "not valid JSON (line {}, column {}): {e}",
                    e.line(),
                    e.column()
                ),
            )]),
        }
    }

    /// The prompt or survey with this id.
    pub fn prompt(&self, id: &str) -> Option<&PromptDef> {
        self.prompts.get(id).or_else(|| self.surveys.get(id))
    }

    /// Index of the stage with this id.
    pub fn stage_index(&self, id: &str) -> Option<usize> {
        self.stages.iter().position(|s| s.id == id)
    }
}
