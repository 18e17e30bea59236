//! `$.recommend`: where the catalog and the model are, and how recommendations are filtered.
//! The browser runtime fetches both after first paint, only on pages that ask for
//! recommendations (`data-tm-recommend` slots or `trailmark.recommend()`).

use alloc::{string::String, vec::Vec};
use serde::Deserialize;
use serde_json::Value;

use super::reader::{join, Fields};
use crate::core::error::ConfigError;
use crate::core::recommend::catalog::check_url;

/// Product recommendations. Every field is optional; without `catalog` recommendation slots keep
/// their default content.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields, default)]
pub struct RecommendConfig {
    /// URL of the catalog JSON (an array of products, or `{"products": [...]}`).
    pub catalog: Option<String>,
    /// URL of the model built by `trailmark model build` (`.tmrm`). Without it, `related` uses
    /// content similarity over catalog attributes and `trending` is empty.
    pub model: Option<String>,
    /// Leave products the visitor bought out of recommendations. Default true.
    pub exclude_purchased: bool,
    /// At most this many recommendations sharing a first category, while others are available
    /// (0: no cap). Default 2.
    pub max_per_category: u32,
    /// Recommendations per slot unless the slot or call says otherwise (1-50). Default 4.
    pub limit: u32,
}

impl Default for RecommendConfig {
    fn default() -> Self {
        RecommendConfig {
            catalog: None,
            model: None,
            exclude_purchased: true,
            max_per_category: 2,
            limit: 4,
        }
    }
}

const KEYS: &[&str] = &[
    "catalog",
    "model",
    "exclude_purchased",
    "max_per_category",
    "limit",
];

/// Reads `$.recommend`, reporting every problem.
pub(super) fn read(value: Option<&Value>, errors: &mut Vec<ConfigError>) -> RecommendConfig {
    let d = RecommendConfig::default();
    let Some(value) = value else { return d };
    let Some(mut f) = Fields::of(value, "$.recommend".into(), KEYS, errors) else {
        return d;
    };
    let url = |f: &mut Fields<'_, '_>, key: &str| {
        let u = f.opt_string(key)?;
        match check_url(&u) {
            Ok(()) => Some(u),
            Err(m) => {
                f.error(join("$.recommend", key), m);
                None
            }
        }
    };
    let catalog = url(&mut f, "catalog");
    let model = url(&mut f, "model");
    let limit = f.u32_or("limit", d.limit);
    if !(1..=50).contains(&limit) {
        f.error(join("$.recommend", "limit"), "must be from 1 to 50");
    }
    RecommendConfig {
        catalog,
        model,
        exclude_purchased: f.bool_or("exclude_purchased", d.exclude_purchased),
        max_per_category: f.u32_or("max_per_category", d.max_per_category),
        limit: limit.clamp(1, 50),
    }
}
