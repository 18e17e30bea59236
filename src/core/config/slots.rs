//! The `$.slots` section: content slots (`data-tm-slot="hero"` in the page) whose variant is
//! chosen by ordered rules, each a [`Condition`]. Read slot by slot and rule by rule, so every bad
//! rule is reported with its JSON path, and conditions are checked against the config's stages
//! and micro journeys.

use crate::core::error::quote;
use crate::core::map::SortedMap;
use alloc::{
    format,
    string::{String, ToString},
    vec::Vec,
};

use serde::Deserialize;
use serde_json::Value;

use super::parse::suggest;
use super::reader::Fields;
use super::sections::clean;
use super::Config;
use crate::core::condition::Condition;
use crate::core::error::ConfigError;

/// One personalised slot.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SlotDef {
    /// Rules tried in order; the first whose condition holds picks the variant. When none
    /// holds, the slot keeps its default content.
    pub rules: Vec<SlotRule>,
}

/// One rule of a slot.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct SlotRule {
    /// The variant to show, e.g. `"loyalty"` (the page's `<template>` of that name).
    #[cfg_attr(feature = "schema", schemars(length(min = 1, max = 100)))]
    pub variant: String,
    /// When to show it, e.g. `customer && top_stage == "loyalty"`.
    pub when: Condition,
}

const SLOT_KEYS: &[&str] = &["rules"];
const RULE_KEYS: &[&str] = &["variant", "when"];

/// One rule, its condition parsed (a syntax error is reported at `.when` with its column).
fn read_rule(f: &mut Fields<'_, '_>) -> Option<SlotRule> {
    let variant = f.string("variant");
    let text = f.string("when");
    let when = match Condition::parse(text.as_deref()?) {
        Ok(c) => c,
        Err(e) => {
            let path = format!("{}.when", f.path());
            f.error(path, e.to_string());
            return None;
        }
    };
    Some(SlotRule {
        variant: variant?,
        when,
    })
}

/// Reads `$.slots`, reporting every problem. `config` must already hold its stages and micro
/// journeys, which conditions are checked against. Returns the slots read (complete only when no
/// error was recorded).
pub(super) fn parse_slots(
    value: Option<&Value>,
    config: &Config,
    errors: &mut Vec<ConfigError>,
) -> SortedMap<String, SlotDef> {
    let mut slots = SortedMap::new();
    let Some(value) = value else {
        return slots;
    };
    let Some(map) = value.as_object() else {
        errors.push(ConfigError::new(
            "$.slots",
            "must be an object of slot id to {\"rules\": [...]}",
        ));
        return slots;
    };
    for (id, slot) in map {
        let path = format!("$.slots.{id}");
        if !is_slot_id(id) {
            errors.push(ConfigError::new(
                &path,
                format!(
                    "{} is not a slot id (letters, digits, '_' and '-')",
                    quote(id)
                ),
            ));
        }
        let Some(fields) = slot.as_object() else {
            errors.push(ConfigError::new(
                &path,
                "must be an object: {\"rules\": [...]}",
            ));
            continue;
        };
        for key in fields.keys().filter(|k| !SLOT_KEYS.contains(&k.as_str())) {
            let hint = suggest(key, SLOT_KEYS.iter().copied());
            errors.push(ConfigError::new(
                format!("{path}.{key}"),
                format!("unknown field{hint}"),
            ));
        }
        let rules = match fields.get("rules") {
            None => {
                errors.push(ConfigError::new(
                    format!("{path}.rules"),
                    "is required (an array of {\"variant\", \"when\"})",
                ));
                continue;
            }
            Some(Value::Array(rules)) => rules,
            Some(_) => {
                errors.push(ConfigError::new(
                    format!("{path}.rules"),
                    "must be an array",
                ));
                continue;
            }
        };
        let mut good = Vec::with_capacity(rules.len());
        for (i, rule) in rules.iter().enumerate() {
            let path = format!("{path}.rules[{i}]");
            if let Some(rule) = clean(rule, path.clone(), RULE_KEYS, errors, read_rule) {
                validate_rule(&rule, &path, config, errors);
                good.push(rule);
            }
        }
        slots.insert(id.clone(), SlotDef { rules: good });
    }
    slots
}

/// Checks what needs the rest of the config: the variant name and the ids the condition names.
fn validate_rule(rule: &SlotRule, path: &str, config: &Config, errors: &mut Vec<ConfigError>) {
    if rule.variant.trim().is_empty() {
        errors.push(ConfigError::new(
            format!("{path}.variant"),
            "must not be empty",
        ));
    } else if rule.variant.len() > 100 {
        errors.push(ConfigError::new(
            format!("{path}.variant"),
            "must be at most 100 characters",
        ));
    }
    for e in rule.when.check(config) {
        errors.push(ConfigError::new(format!("{path}.when"), e.to_string()));
    }
}

pub(super) fn is_slot_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::core::Config;

    fn errors(v: serde_json::Value) -> Vec<String> {
        Config::parse(&v)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn slots_parse_in_rule_order() {
        let c = Config::parse(&json!({"slots": {"hero": {"rules": [
            {"variant": "loyalty", "when": "customer && top_stage == \"loyalty\""},
            {"variant": "discovery", "when": "new_visitor"}
        ]}}}))
        .unwrap();
        let hero = &c.slots["hero"];
        assert_eq!(hero.rules[1].variant, "discovery");
        assert_eq!(
            hero.rules[0].when.text(),
            "customer && top_stage == \"loyalty\""
        );
    }

    #[test]
    fn every_bad_rule_is_reported_with_its_path_and_column() {
        let e = errors(json!({"slots": {
            "hero": {"rules": [
                {"variant": "", "when": "visits > 1"},
                {"variant": "a", "when": "stage.research > "},
                {"variant": "b", "when": "stage.reserch > 0.5"},
                {"variant": "c", "when": "top_stage == \"purchse\""}
            ]},
            "bad id": {"rules": []},
            "side": {"rules": [{"variant": "x", "when": "journey.chekout == \"abandoned\""}], "colour": 1},
            "foot": {"rules": [{"variant": "x"}]},
            "nav": {}
        }}));
        let want = [
            "$.slots.hero.rules[0].variant: must not be empty",
            "$.slots.hero.rules[1].when: column 18: expected a value after \">\"",
            "$.slots.hero.rules[2].when: column 1: unknown stage \"reserch\", did you mean \"research\"?",
            "$.slots.hero.rules[3].when: column 14: \"purchse\" is not a stage, did you mean \"purchase\"?",
            "$.slots.bad id: \"bad id\" is not a slot id (letters, digits, '_' and '-')",
            "$.slots.side.colour: unknown field",
            "$.slots.side.rules[0].when: column 1: unknown micro journey \"chekout\", did you mean \"checkout\"?",
            "$.slots.foot.rules[0]: missing field `when`",
            "$.slots.nav.rules: is required (an array of {\"variant\", \"when\"})",
        ];
        for w in want {
            assert!(e.iter().any(|m| m == w), "missing {w:?} in {e:#?}");
        }
    }

    #[test]
    fn slots_must_be_an_object() {
        assert_eq!(
            errors(json!({"slots": []})),
            ["$.slots: must be an object of slot id to {\"rules\": [...]}"]
        );
    }
}
