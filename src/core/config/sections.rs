//! Reading each config type from JSON with [`Fields`], with the defaults and field names the
//! serde attributes on the types document (the JSON Schema is generated from those). An item
//! with any problem is left out, as a failed deserialization would be, so cross-reference
//! checks only see items that read cleanly; every problem inside it is still reported.

use alloc::{borrow::ToOwned, string::String, vec::Vec};
use serde_json::Value;

use super::reader::Fields;
use super::{
    defaults, InferenceConfig, LifecycleConfig, MicroJourneyDef, RetentionConfig, SessionConfig,
    Signal, StageDef, StepDef,
};
use crate::core::channel::{ChannelConfig, ChannelRule, SourceCategory, SourceLists};
use crate::core::codec::FACTS;
use crate::core::error::ConfigError;

/// The JSON names of [`FACTS`], in the same order.
const FACT_NAMES: [&str; 6] = [
    "new_visitor",
    "returning_visitor",
    "customer",
    "repeat_customer",
    "lapsed",
    "product_revisit",
];

/// The JSON names of the source categories, in declaration order.
const CATEGORIES: [(&str, SourceCategory); 5] = [
    ("search", SourceCategory::Search),
    ("social", SourceCategory::Social),
    ("shopping", SourceCategory::Shopping),
    ("video", SourceCategory::Video),
    ("ai", SourceCategory::Ai),
];

/// Reads an object at `path` with `read`, keeping the result only when no error was recorded
/// while reading it.
pub(super) fn clean<T>(
    value: &Value,
    path: String,
    known: &[&str],
    errors: &mut Vec<ConfigError>,
    read: fn(&mut Fields<'_, '_>) -> Option<T>,
) -> Option<T> {
    let before = errors.len();
    let mut fields = Fields::of(value, path, known, errors)?;
    let out = read(&mut fields);
    out.filter(|_| errors.len() == before)
}

pub(super) const STAGE_KEYS: &[&str] = &["id", "label", "prior"];

pub(super) fn stage(f: &mut Fields<'_, '_>) -> Option<StageDef> {
    let id = f.string("id");
    let label = f.opt_string("label");
    let prior = f.f64_or("prior", 0.0);
    Some(StageDef {
        id: id?,
        label,
        prior,
    })
}

pub(super) const SIGNAL_KEYS: &[&str] = &[
    "event",
    "fact",
    "channel",
    "path_prefix",
    "where",
    "stages",
    "max_per_session",
];

pub(super) fn signal(f: &mut Fields<'_, '_>) -> Option<Signal> {
    let event = f.opt_string("event");
    let fact = f.choice("fact", &FACT_NAMES).map(|i| FACTS[i]);
    let channel = f.opt_string("channel");
    let path_prefix = f.opt_string("path_prefix");
    let where_props = f.string_map("where");
    let stages = f.number_map("stages");
    if stages.is_none() && f.raw("stages").is_none() {
        let path = f.path().to_owned();
        f.error(path, "missing field `stages`");
    }
    let max_per_session = f.opt_u32("max_per_session");
    Some(Signal {
        event,
        fact,
        channel,
        path_prefix,
        where_props,
        stages: stages?,
        max_per_session,
    })
}

pub(super) const JOURNEY_KEYS: &[&str] = &["id", "steps", "abandon_on", "timeout_s"];
const STEP_KEYS: &[&str] = &["event", "label", "where", "optional", "timeout_s"];

pub(super) fn journey(f: &mut Fields<'_, '_>) -> Option<MicroJourneyDef> {
    let id = f.string("id");
    let steps = match f.items("steps") {
        Some(items) => items
            .into_iter()
            .filter_map(|(path, v)| clean(v, path, STEP_KEYS, f.errors(), step))
            .collect(),
        None => {
            if f.raw("steps").is_none() {
                let path = f.path().to_owned();
                f.error(path, "missing field `steps`");
            }
            Vec::new()
        }
    };
    let abandon_on = f.strings("abandon_on");
    let timeout_s = f.u64_or("timeout_s", defaults::step_timeout_s());
    Some(MicroJourneyDef {
        id: id?,
        steps,
        abandon_on,
        timeout_s,
    })
}

fn step(f: &mut Fields<'_, '_>) -> Option<StepDef> {
    let event = f.string("event");
    Some(StepDef {
        label: f.opt_string("label"),
        where_props: f.string_map("where"),
        optional: f.bool_or("optional", false),
        timeout_s: f.opt_u64("timeout_s"),
        event: event?,
    })
}

pub(super) const INFERENCE_KEYS: &[&str] = &["half_life_hours", "max_evidence", "trail_length"];

pub(super) fn inference(f: &mut Fields<'_, '_>) -> Option<InferenceConfig> {
    let d = InferenceConfig::default();
    Some(InferenceConfig {
        half_life_hours: f.f64_or("half_life_hours", d.half_life_hours),
        max_evidence: f.f64_or("max_evidence", d.max_evidence),
        trail_length: f.u32_or("trail_length", d.trail_length),
    })
}

pub(super) const SESSION_KEYS: &[&str] = &["timeout_minutes", "new_on_campaign_change"];

pub(super) fn session(f: &mut Fields<'_, '_>) -> Option<SessionConfig> {
    let d = SessionConfig::default();
    Some(SessionConfig {
        timeout_minutes: f.u32_or("timeout_minutes", d.timeout_minutes),
        new_on_campaign_change: f.bool_or("new_on_campaign_change", d.new_on_campaign_change),
    })
}

pub(super) const LIFECYCLE_KEYS: &[&str] =
    &["lapsed_days", "interest_half_life_days", "max_interests"];

pub(super) fn lifecycle(f: &mut Fields<'_, '_>) -> Option<LifecycleConfig> {
    let d = LifecycleConfig::default();
    Some(LifecycleConfig {
        lapsed_days: f.u32_or("lapsed_days", d.lapsed_days),
        interest_half_life_days: f.f64_or("interest_half_life_days", d.interest_half_life_days),
        max_interests: f.u32_or("max_interests", d.max_interests),
    })
}

pub(super) const RETENTION_KEYS: &[&str] = &[
    "max_touchpoints",
    "touchpoint_days",
    "max_channel_touches",
    "survey_days",
    "inactive_days",
];

pub(super) fn retention(f: &mut Fields<'_, '_>) -> Option<RetentionConfig> {
    let d = RetentionConfig::default();
    Some(RetentionConfig {
        max_touchpoints: f.u32_or("max_touchpoints", d.max_touchpoints),
        touchpoint_days: f.u32_or("touchpoint_days", d.touchpoint_days),
        max_channel_touches: f.u32_or("max_channel_touches", d.max_channel_touches),
        survey_days: f.u32_or("survey_days", d.survey_days),
        inactive_days: f.u32_or("inactive_days", d.inactive_days),
    })
}

pub(super) const CHANNEL_KEYS: &[&str] = &["site_hosts", "sources", "rules", "default_rules"];
const SOURCE_KEYS: &[&str] = &["search", "social", "shopping", "video", "ai"];
const RULE_KEYS: &[&str] = &[
    "group",
    "source",
    "source_category",
    "medium",
    "medium_contains",
    "campaign",
    "campaign_contains",
    "paid",
];

pub(super) fn channels(f: &mut Fields<'_, '_>) -> Option<ChannelConfig> {
    let site_hosts = f.strings("site_hosts");
    let sources = match f.raw("sources") {
        Some(v) => {
            let path = super::reader::join(f.path(), "sources");
            clean(v, path, SOURCE_KEYS, f.errors(), sources)?
        }
        None => SourceLists::default(),
    };
    let rules = f
        .items("rules")
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, v)| clean(v, path, RULE_KEYS, f.errors(), rule))
        .collect();
    Some(ChannelConfig {
        site_hosts,
        sources,
        rules,
        default_rules: f.bool_or("default_rules", true),
    })
}

fn sources(f: &mut Fields<'_, '_>) -> Option<SourceLists> {
    Some(SourceLists {
        search: f.strings("search"),
        social: f.strings("social"),
        shopping: f.strings("shopping"),
        video: f.strings("video"),
        ai: f.strings("ai"),
    })
}

fn rule(f: &mut Fields<'_, '_>) -> Option<ChannelRule> {
    let names = CATEGORIES.map(|(name, _)| name);
    Some(ChannelRule {
        group: f.string_or("group", ""),
        source: f.strings("source"),
        source_category: f.choice("source_category", &names).map(|i| CATEGORIES[i].1),
        medium: f.strings("medium"),
        medium_contains: f.opt_string("medium_contains"),
        campaign: f.strings("campaign"),
        campaign_contains: f.opt_string("campaign_contains"),
        paid: f.opt_bool("paid"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::core::config::Config;

    /// A document setting every field: the hand reader must read what the serde derives (which
    /// the JSON Schema documents) read.
    #[test]
    fn reads_what_the_serde_derives_read() {
        let doc = json!({
            "$schema": "https://example.com/schema.json",
            "namespace": "shop.eu",
            "stages": [
                {"id": "browse", "label": "Browsing", "prior": 0.5},
                {"id": "buy", "prior": -1}
            ],
            "signals": [
                {"event": "Product Viewed", "path_prefix": "/p/", "where": {"brand": "x"},
                 "stages": {"browse": 1, "buy": 0.25}, "max_per_session": 3},
                {"fact": "repeat_customer", "stages": {"buy": 2}},
                {"channel": "Email", "stages": {"buy": 0.5}}
            ],
            "inference": {"half_life_hours": 48, "max_evidence": 4.5, "trail_length": 10},
            "micro_journeys": [
                {"id": "quote", "timeout_s": 600, "abandon_on": ["Checkout Started"], "steps": [
                    {"event": "Form Started", "label": "start", "where": {"form": "quote"}},
                    {"event": "Form Step", "optional": true, "timeout_s": 120},
                    {"event": "Form Submitted"}
                ]}
            ],
            "custom_events": ["Form Started", "Form Step", "Form Submitted"],
            "channels": {
                "site_hosts": ["checkout.example"],
                "sources": {"search": ["s.example"], "social": ["f.example"], "shopping": [],
                            "video": ["v.example"], "ai": ["a.example"]},
                "rules": [{"group": "Partners", "source": ["p.example"], "source_category": "ai",
                           "medium": ["referral"], "medium_contains": "ref",
                           "campaign": ["x"], "campaign_contains": "y", "paid": false}],
                "default_rules": false
            },
            "session": {"timeout_minutes": 20, "new_on_campaign_change": false},
            "lifecycle": {"lapsed_days": 60, "interest_half_life_days": 10.5, "max_interests": 5},
            "retention": {"max_touchpoints": 50, "touchpoint_days": 30,
                          "max_channel_touches": 9, "survey_days": 100},
            "slots": {"hero": {"rules": [{"variant": "a", "when": "stage.buy > 0.5"}]}}
        });
        let hand = Config::parse(&doc).unwrap();
        let derived: Config = serde_json::from_value(doc).unwrap();
        assert_eq!(hand, derived);
    }

    #[test]
    fn every_problem_in_an_item_is_reported() {
        let errors = Config::parse(&json!({
            "stages": [{"id": 5, "prior": "high", "colour": 1}],
            "session": {"timeout_minutes": -1, "new_on_campaign_change": "yes"},
            "channels": {"rules": [{"group": "A", "source_category": "serch", "paid": 1}]}
        }))
        .unwrap_err();
        let got: Vec<String> = errors.iter().map(ToString::to_string).collect();
        for want in [
            "$.stages[0].colour: unknown field",
            "$.stages[0].id: invalid type: expected a string, found a number",
            "$.stages[0].prior: invalid type: expected a number, found a string",
            "$.session.timeout_minutes: invalid type: expected a whole number from 0 to 4294967295, found a number",
            "$.session.new_on_campaign_change: invalid type: expected true or false, found a string",
            "$.channels.rules[0].source_category: unknown value \"serch\", did you mean \"search\"?",
            "$.channels.rules[0].paid: invalid type: expected true or false, found a number",
        ] {
            assert!(got.iter().any(|g| g == want), "missing {want:?} in {got:#?}");
        }
    }
}
