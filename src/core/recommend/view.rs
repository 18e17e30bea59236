//! Requests from JSON (`{strategy, limit, product, filters: {category, min_price, max_price,
//! exclude}}`, as `trailmark.recommend()` takes them) and explanations in words ("Because you
//! viewed Trail Boots"). `js/rank.js` reads requests and words explanations the same way; the
//! conformance cases in `tests/cases/recommend.json` hold both to it.

use alloc::{borrow::ToOwned, string::String, vec::Vec};
use serde_json::{Map, Value};

use super::catalog::Catalog;
use super::rank::{Reason, Request, Strategy};

const STRATEGIES: &str =
    "strategy must be one of \"related\", \"bought-together\", \"recently-viewed\", \"trending\", \"for-you\"";

fn num(v: Option<&Value>, what: &'static str) -> Result<Option<f64>, &'static str> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_f64().filter(|n| n.is_finite()).map(Some).ok_or(what),
    }
}

impl Request {
    /// Reads a request; `limit` defaults to `default_limit` and is capped at 50.
    pub fn from_json(v: &Value, default_limit: usize) -> Result<Request, &'static str> {
        let obj = match v {
            Value::Object(m) => m,
            Value::Null => &Map::new(),
            _ => return Err("the request must be an object"),
        };
        let strategy = match obj.get("strategy") {
            None | Some(Value::Null) => Strategy::Related,
            Some(Value::String(s)) => Strategy::from_name(s).ok_or(STRATEGIES)?,
            Some(_) => return Err(STRATEGIES),
        };
        let limit = match obj.get("limit") {
            None | Some(Value::Null) => default_limit,
            Some(v) => match v.as_u64() {
                Some(n) if (1..=50).contains(&n) => n as usize,
                _ => return Err("limit must be a whole number from 1 to 50"),
            },
        };
        let product = match obj.get("product") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(_) => return Err("product must be a product id (string)"),
        };
        let empty = Map::new();
        let filters = match obj.get("filters") {
            None | Some(Value::Null) => &empty,
            Some(Value::Object(m)) => m,
            Some(_) => return Err("filters must be an object"),
        };
        let category = match filters.get("category") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err("filters.category must be a string"),
        };
        let exclude = match filters.get("exclude") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) if a.iter().all(Value::is_string) => a
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect(),
            Some(_) => return Err("filters.exclude must be an array of product ids"),
        };
        Ok(Request {
            strategy,
            limit,
            product,
            category,
            min_price: num(
                filters.get("min_price"),
                "filters.min_price must be a number",
            )?,
            max_price: num(
                filters.get("max_price"),
                "filters.max_price must be a number",
            )?,
            exclude,
        })
    }
}

fn title<'a>(catalog: &'a Catalog, id: &'a str) -> &'a str {
    catalog.get(id).map_or(id, |p| p.title.as_str())
}

/// The explanation in words.
pub fn because(reason: &Reason, catalog: &Catalog) -> String {
    match reason {
        Reason::Viewed(id) => ["Because you viewed ", title(catalog, id)].concat(),
        Reason::BoughtWith(id) => ["Often bought with ", title(catalog, id)].concat(),
        Reason::Similar(id) => ["Similar to ", title(catalog, id)].concat(),
        Reason::RecentlyViewed => "You viewed this".into(),
        Reason::Trending => "Trending now".into(),
        Reason::Popular => "Popular with other shoppers".into(),
        Reason::Interest(c) => ["Because you like ", c].concat(),
    }
}
