//! Consent: which of Trailmark's three purposes are granted, from the visitor's choice, the
//! page's consent signals (IAB TCF v2.2, Google Consent Mode v2), Global Privacy Control and the
//! frame the page runs in.
//!
//! - `functional`: keep the profile in the browser's storage across pages (else memory only);
//! - `personalization`: personalise content from the profile (else defaults stay);
//! - `measurement`: send touchpoints to the site's configured export endpoint.
//!
//! This module is the reference for the mapping: the browser decides consent before the engine
//! has loaded, in `js/consent.js`, and both answer every row of `tests/cases/consent.json`
//! identically (`tests/consent_cases.rs`, `js/test/consent-cases.test.mjs`). The wasm does not
//! call it, so it costs the first load nothing. Inputs are the JSON shapes the browser sees
//! (a TCF `tcData`, the `dataLayer` array), so the cases are the browser's own data.
//!
//! Sources, strongest first: the visitor's choice (`trailmark.consent({...})`); else the CMP
//! signals present (a purpose is granted only when every signal present grants it; a TCF CMP
//! that has not decided yet grants nothing); else the config's defaults. Then, whatever the
//! source: GPC removes `measurement` (unless `$.privacy.gpc.export`) and `personalization` when
//! `$.privacy.gpc.personalization` is false; a cross-site iframe removes `functional` (unless
//! `$.privacy.iframe_storage`).

use alloc::{string::String, vec::Vec};
use serde_json::{Map, Value};

/// The three purposes.
pub const PURPOSES: [&str; 3] = ["functional", "personalization", "measurement"];

/// Granted or not, per purpose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purposes {
    /// Keep the profile in the browser's storage.
    pub functional: bool,
    /// Personalise content from the profile.
    pub personalization: bool,
    /// Send touchpoints to the configured export endpoint.
    pub measurement: bool,
}

impl Purposes {
    fn get(&self, purpose: &str) -> bool {
        match purpose {
            "functional" => self.functional,
            "personalization" => self.personalization,
            _ => self.measurement,
        }
    }

    fn set(&mut self, purpose: &str, granted: bool) {
        match purpose {
            "functional" => self.functional = granted,
            "personalization" => self.personalization = granted,
            _ => self.measurement = granted,
        }
    }

    /// As a JSON object `{functional, personalization, measurement}`.
    pub fn to_json(self) -> Value {
        let mut m = Map::new();
        for p in PURPOSES {
            m.insert(p.into(), self.get(p).into());
        }
        Value::Object(m)
    }

    /// Reads `{functional, personalization, measurement}`: a purpose counts only when `true`.
    pub fn from_json(v: &Value) -> Purposes {
        let mut out = Purposes::default();
        for p in PURPOSES {
            out.set(p, v.get(p) == Some(&Value::Bool(true)));
        }
        out
    }
}

/// What an IAB TCF v2.2 CMP says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tcf {
    /// A CMP is present, GDPR applies, and no decision has arrived yet: nothing is granted.
    Pending,
    /// GDPR does not apply to this visitor: the CMP says nothing about the purposes.
    NotApplicable,
    /// The visitor's decision.
    Decided(Purposes),
}

/// Reads one TCF v2.2 `tcData` (as given to an `addEventListener` callback): `NotApplicable`
/// when `gdprApplies` is false, the purposes on `tcloaded` / `useractioncomplete`, else `None`
/// (this event decides nothing, e.g. `cmpuishown`). A TCF purpose counts when consented for
/// vendors (`purpose.consents`) or the publisher (`publisher.consents`), and only when exactly
/// `true`: functional = purpose 1 (store and access information on a device); personalization
/// = purposes 5 and 6 (create and use profiles for personalised content); measurement =
/// purposes 1 and 8 (measure content performance).
pub fn tcf_purposes(tc: &Value) -> Option<Tcf> {
    let tc = tc.as_object()?;
    if tc.get("gdprApplies") == Some(&Value::Bool(false)) {
        return Some(Tcf::NotApplicable);
    }
    match tc.get("eventStatus").and_then(Value::as_str) {
        Some("tcloaded" | "useractioncomplete") => {}
        _ => return None,
    }
    let consented = |n: &str| {
        ["purpose", "publisher"].iter().any(|side| {
            tc.get(*side)
                .and_then(|s| s.get("consents"))
                .and_then(|c| c.get(n))
                == Some(&Value::Bool(true))
        })
    };
    Some(Tcf::Decided(Purposes {
        functional: consented("1"),
        personalization: consented("5") && consented("6"),
        measurement: consented("1") && consented("8"),
    }))
}

/// Google Consent Mode state from the page's `dataLayer`: the types of `consent default`
/// commands, overridden by `consent update` commands, in order. The visitor's region is unknown
/// here, so a `default` with a `region` cannot grant, but a type it denies is denied (the visitor
/// may be in that region, and Google applies a region's defaults before the global ones).
/// `None` when there is no consent command at all.
pub fn consent_mode_state(data_layer: &Value) -> Option<Map<String, Value>> {
    let mut defaults: Option<Map<String, Value>> = None;
    let mut updates: Option<Map<String, Value>> = None;
    let mut denied = Map::new();
    for e in data_layer.as_array()? {
        let (Some(cmd), Some(Value::Object(types))) = (e.get(1), e.get(2)) else {
            continue;
        };
        if e.get(0).and_then(Value::as_str) != Some("consent") {
            continue;
        }
        let regional = types.get("region").is_some_and(truthy);
        match cmd.as_str() {
            Some("default") if !regional => defaults
                .get_or_insert_with(Map::new)
                .extend(types.iter().map(|(k, v)| (k.clone(), v.clone()))),
            Some("default") => {
                defaults.get_or_insert_with(Map::new);
                for (t, v) in types {
                    if v.as_str() == Some("denied") {
                        denied.insert(t.clone(), v.clone());
                    }
                }
            }
            Some("update") => updates
                .get_or_insert_with(Map::new)
                .extend(types.iter().map(|(k, v)| (k.clone(), v.clone()))),
            _ => {}
        }
    }
    if defaults.is_none() && updates.is_none() {
        return None;
    }
    let mut state = defaults.unwrap_or_default();
    state.extend(denied);
    state.extend(updates.unwrap_or_default());
    Some(state)
}

/// JavaScript truthiness of a JSON value (`null`, `false`, `0` and `""` are falsy), as the
/// browser tests a command's `region`.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Purposes from Consent Mode types; a type that is not set is not granted. functional and
/// personalization = `personalization_storage`; measurement = `analytics_storage`.
pub fn consent_mode_purposes(state: &Map<String, Value>) -> Purposes {
    let granted = |t: &str| state.get(t).and_then(Value::as_str) == Some("granted");
    Purposes {
        functional: granted("personalization_storage"),
        personalization: granted("personalization_storage"),
        measurement: granted("analytics_storage"),
    }
}

/// Everything that decides consent on a page.
#[derive(Clone, Debug, Default)]
pub struct ConsentInputs {
    /// The config's defaults (`$.privacy.consent`).
    pub defaults: Purposes,
    /// The visitor's choice: purposes given as booleans win; other keys are kept as they are.
    pub choice: Map<String, Value>,
    /// The TCF CMP's word, when a CMP is on the page.
    pub tcf: Option<Tcf>,
    /// Consent Mode purposes, when the page has consent commands.
    pub consent_mode: Option<Purposes>,
    /// The browser sends Global Privacy Control.
    pub gpc: bool,
    /// `$.privacy.gpc.export`: the site allows export despite GPC.
    pub gpc_allows_export: bool,
    /// `$.privacy.gpc.personalization` is `false`: GPC also stops personalisation.
    pub gpc_stops_personalization: bool,
    /// The page runs in an iframe of another origin.
    pub cross_site_frame: bool,
    /// `$.privacy.iframe_storage`: storage is allowed even then.
    pub iframe_storage: bool,
}

/// The purposes in force, with the choice's other keys kept (they are readable by conditions as
/// `consent.<purpose>`).
pub fn resolve(inputs: &ConsentInputs) -> Map<String, Value> {
    let mut out = inputs.choice.clone();
    let mut signals: Vec<Purposes> = Vec::new();
    match inputs.tcf {
        Some(Tcf::Pending) => signals.push(Purposes::default()),
        Some(Tcf::Decided(p)) => signals.push(p),
        Some(Tcf::NotApplicable) | None => {}
    }
    signals.extend(inputs.consent_mode);
    for p in PURPOSES {
        if matches!(inputs.choice.get(p), Some(Value::Bool(_))) {
            continue;
        }
        let granted = if signals.is_empty() {
            inputs.defaults.get(p)
        } else {
            signals.iter().all(|s| s.get(p))
        };
        out.insert(p.into(), granted.into());
    }
    if inputs.gpc {
        if !inputs.gpc_allows_export {
            out.insert("measurement".into(), false.into());
        }
        if inputs.gpc_stops_personalization {
            out.insert("personalization".into(), false.into());
        }
    }
    if inputs.cross_site_frame && !inputs.iframe_storage {
        out.insert("functional".into(), false.into());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pending_cmp_grants_nothing_but_the_visitors_choice_stands() {
        let inputs = ConsentInputs {
            defaults: Purposes {
                functional: true,
                personalization: true,
                measurement: false,
            },
            choice: json!({"measurement": true}).as_object().unwrap().clone(),
            tcf: Some(Tcf::Pending),
            ..Default::default()
        };
        assert_eq!(
            Value::Object(resolve(&inputs)),
            json!({"functional": false, "personalization": false, "measurement": true})
        );
    }

    #[test]
    fn gpc_removes_measurement_even_from_a_choice() {
        let inputs = ConsentInputs {
            choice: json!({"measurement": true}).as_object().unwrap().clone(),
            gpc: true,
            ..Default::default()
        };
        assert_eq!(resolve(&inputs)["measurement"], json!(false));
    }
}
