//! `$.capture`: what the browser runtime records automatically. The engine does not use it; it
//! is validated here so that `trailmark lint` and the JSON Schema cover the whole document. The
//! JavaScript runtime (`js/capture.js`) trusts the section of a compiled config and only fills
//! its defaults; the rows of `tests/cases/capture.json` are checked here and through the
//! compiler wasm (`js/test/capture-cases.test.mjs`).

use alloc::{format, string::String, vec, vec::Vec};
use serde::Deserialize;
use serde_json::Value;

use super::reader::{invalid, join};
use crate::core::error::ConfigError;

/// Automatic capture switches. Every field is optional.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct CaptureConfig {
    /// `Page Viewed` on load. Default true.
    pub page_views: bool,
    /// Page views on single-page-app navigation (History API, hash changes). Default true.
    pub spa: bool,
    /// Clicks on `[data-tm-event]` elements. Default true.
    pub clicks: bool,
    /// Submits of `form[data-tm-form]`. Default true.
    pub forms: bool,
    /// Scroll depth thresholds in percent, in (0, 100], or `false`. Default [25, 50, 75, 100].
    pub scroll: Thresholds,
    /// Engaged-time thresholds in seconds, in (0, 86400], or `false`. Default [10, 30, 60].
    pub engagement_seconds: Thresholds,
    /// Product data from `data-tm-product` and schema.org Product JSON-LD. Default true.
    pub products: bool,
    /// GA4 `dataLayer.push` e-commerce events: `true`, `false`, or the global array's name.
    /// Default false.
    pub data_layer: DataLayer,
    /// Segment-style `analytics.track` calls. Default false.
    pub segment: bool,
}

/// A list of thresholds, or `false` for none.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Thresholds {
    /// `false`: off.
    Off(bool),
    /// Thresholds, in any order.
    List(Vec<f64>),
}

/// Whether (and from which global array) `dataLayer` pushes are captured.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum DataLayer {
    /// `true` reads `window.dataLayer`; `false` is off.
    Enabled(bool),
    /// The name of the global array.
    Name(String),
}

impl Default for CaptureConfig {
    fn default() -> Self {
        CaptureConfig {
            page_views: true,
            spa: true,
            clicks: true,
            forms: true,
            scroll: Thresholds::List(vec![25.0, 50.0, 75.0, 100.0]),
            engagement_seconds: Thresholds::List(vec![10.0, 30.0, 60.0]),
            products: true,
            data_layer: DataLayer::Enabled(false),
            segment: false,
        }
    }
}

const KEYS: &[&str] = &[
    "page_views",
    "spa",
    "clicks",
    "forms",
    "scroll",
    "engagement_seconds",
    "products",
    "data_layer",
    "segment",
];

/// Reads `$.capture`, reporting every problem; fields with a problem keep their default.
pub(super) fn read(value: Option<&Value>, errors: &mut Vec<ConfigError>) -> CaptureConfig {
    let mut c = CaptureConfig::default();
    let Some(value) = value else { return c };
    let Some(map) = value.as_object() else {
        errors.push(ConfigError::new("$.capture", "must be an object"));
        return c;
    };
    for (key, v) in map {
        let path = join("$.capture", key);
        let flag = match key.as_str() {
            "page_views" => &mut c.page_views,
            "spa" => &mut c.spa,
            "clicks" => &mut c.clicks,
            "forms" => &mut c.forms,
            "products" => &mut c.products,
            "segment" => &mut c.segment,
            "scroll" => {
                c.scroll = thresholds(v, &path, (100.0, "100"), errors).unwrap_or(c.scroll);
                continue;
            }
            "engagement_seconds" => {
                c.engagement_seconds = thresholds(v, &path, (86_400.0, "86400"), errors)
                    .unwrap_or(c.engagement_seconds);
                continue;
            }
            "data_layer" => {
                match v {
                    Value::Bool(b) => c.data_layer = DataLayer::Enabled(*b),
                    Value::String(s) if is_global_name(s) => {
                        c.data_layer = DataLayer::Name(s.clone())
                    }
                    _ => errors.push(ConfigError::new(
                        path,
                        "must be true, false or the name of the global array",
                    )),
                }
                continue;
            }
            _ => {
                let hint = super::parse::suggest(key, KEYS.iter().copied());
                errors.push(ConfigError::new(path, format!("unknown field{hint}")));
                continue;
            }
        };
        match v {
            Value::Bool(b) => *flag = *b,
            other => errors.push(ConfigError::new(path, invalid("true or false", other))),
        }
    }
    c
}

/// `max` is the upper bound and its text (formatting an `f64` would pull the float formatting
/// machinery into the wasm).
fn thresholds(
    v: &Value,
    path: &str,
    (max, max_text): (f64, &str),
    errors: &mut Vec<ConfigError>,
) -> Option<Thresholds> {
    match v {
        Value::Bool(false) => Some(Thresholds::Off(false)),
        Value::Array(items) => {
            let before = errors.len();
            let list = items
                .iter()
                .enumerate()
                .filter_map(|(i, n)| match n.as_f64() {
                    Some(n) if n > 0.0 && n <= max => Some(n),
                    _ => {
                        errors.push(ConfigError::new(
                            format!("{path}[{i}]"),
                            format!("must be a number in (0, {max_text}]"),
                        ));
                        None
                    }
                })
                .collect();
            (errors.len() == before).then_some(Thresholds::List(list))
        }
        _ => {
            errors.push(ConfigError::new(path, "must be a list of numbers or false"));
            None
        }
    }
}

/// A JavaScript identifier (`[A-Za-z_$][A-Za-z0-9_$]*`).
fn is_global_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}
