//! The product catalog recommendations are drawn from: the site's catalog JSON (validated like
//! config, every problem with its JSON path) plus products seen on pages (`data-tm-product`,
//! schema.org Product JSON-LD), which never override a catalog entry.
//!
//! Catalog format: an array of products, or `{"products": [...]}`. A product:
//! `{"id", "title", "url", "image", "price", "currency", "categories": [..], "availability",
//! "attributes": {..}}`; only `id` and `title` are required. An `id` is a string or a whole
//! number up to 2^53 - 1 (read as its text, `7` as `"7"`, as the browser reads it). `url` and `image` must be `https:`
//! URLs or same-site paths (`/p/boots`); other schemes (`javascript:`, `data:`...) are rejected.
//! Plain `http:` URLs pass here and are kept by the browser only when same-origin. Every field is
//! rendered as text.

use alloc::{
    borrow::ToOwned,
    string::{String, ToString},
    vec,
    vec::Vec,
};
use serde_json::{Map, Value};

use super::order::sort;
use crate::core::error::ConfigError;

/// Longest id, title, URL or other string field kept.
const MAX_TEXT: usize = 2048;

/// One product.
#[derive(Clone, Debug, PartialEq)]
pub struct Product {
    /// Product id (the ids the model and touchpoints use).
    pub id: String,
    /// Display title.
    pub title: String,
    /// Product page.
    pub url: Option<String>,
    /// Image source.
    pub image: Option<String>,
    /// Price.
    pub price: Option<f64>,
    /// ISO currency code.
    pub currency: Option<String>,
    /// Categories, most general first.
    pub categories: Vec<String>,
    /// Availability as given (`in_stock`, `out_of_stock`, schema.org `OutOfStock`...).
    pub availability: Option<String>,
    /// Any other attributes (strings, numbers, booleans), for templates and content similarity.
    pub attributes: Map<String, Value>,
}

impl Product {
    /// False for out-of-stock, sold-out and discontinued products.
    pub fn available(&self) -> bool {
        let Some(a) = &self.availability else {
            return true;
        };
        let last = a.rsplit('/').next().unwrap_or(a);
        let squashed: String = last
            .chars()
            .filter(|c| *c != '_' && *c != '-' && *c != ' ')
            .collect();
        !["outofstock", "soldout", "discontinued"]
            .iter()
            .any(|s| squashed.eq_ignore_ascii_case(s))
    }

    /// The first (most general) category.
    pub fn category(&self) -> Option<&str> {
        self.categories.first().map(String::as_str)
    }
}

/// Products sorted by id.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    products: Vec<Product>,
}

/// Why a URL is refused, if it is.
pub fn check_url(url: &str) -> Result<(), &'static str> {
    if url.is_empty() || url.len() > MAX_TEXT || url.chars().any(|c| c.is_control() || c == ' ') {
        return Err("must be a URL without spaces or control characters");
    }
    // Compared as bytes: `url[..n]` would panic when byte `n` falls inside a character (`/p/café`).
    let lower_starts = |p: &str| {
        url.as_bytes()
            .get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p.as_bytes()))
    };
    if lower_starts("https://") || lower_starts("http://") {
        return Ok(());
    }
    if url.starts_with("//") || url.starts_with('\\') {
        return Err("must be an https URL or a same-site path (not protocol-relative)");
    }
    // A scheme is letters, digits, `+-.` before the first `:` that comes before any `/?#`.
    let head = url.split(['/', '?', '#']).next().unwrap_or("");
    if head.contains(':') {
        return Err("must be an https URL or a same-site path");
    }
    Ok(())
}

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A numeric product id as the text the browser gives it (`String(7)`). Only whole numbers from 0
/// to 2^53 - 1: the browser reads every JSON number as a double, so `1.0` is `1` there (and here),
/// and a larger id would reach it with other digits than the site wrote.
fn numeric_id(n: &serde_json::Number, path: &str, errors: &mut Vec<ConfigError>) -> Option<String> {
    let whole = match n.as_u64() {
        Some(u) => Some(u),
        // `1.0`, `-0` and `1e3` are whole too; `as` only runs on values checked to fit.
        None => n
            .as_f64()
            .filter(|f| *f >= 0.0 && libm::trunc(*f) == *f && *f <= MAX_SAFE_INTEGER as f64)
            .map(|f| f as u64),
    };
    match whole {
        Some(u) if u <= MAX_SAFE_INTEGER => Some(u.to_string()),
        Some(_) => {
            errors.push(ConfigError::new(
                path,
                "numbers above 9007199254740991 lose digits in the browser; write the id as a string",
            ));
            None
        }
        None => {
            errors.push(ConfigError::new(
                path,
                "must be a string or a whole number >= 0",
            ));
            None
        }
    }
}

fn text(v: &Value, path: &str, errors: &mut Vec<ConfigError>) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() && s.len() <= MAX_TEXT => Some(s.clone()),
        Value::String(_) => {
            errors.push(ConfigError::new(
                path,
                "must be a non-empty string of at most 2048 bytes",
            ));
            None
        }
        _ => {
            errors.push(ConfigError::new(path, "must be a string"));
            None
        }
    }
}

fn product(v: &Value, path: &str, errors: &mut Vec<ConfigError>) -> Option<Product> {
    let Some(map) = v.as_object() else {
        errors.push(ConfigError::new(path, "must be an object"));
        return None;
    };
    let before = errors.len();
    let at = |k: &str| {
        let mut p = String::from(path);
        p.push('.');
        p.push_str(k);
        p
    };
    let mut p = Product {
        id: String::new(),
        title: String::new(),
        url: None,
        image: None,
        price: None,
        currency: None,
        categories: Vec::new(),
        availability: None,
        attributes: Map::new(),
    };
    let mut has = (false, false);
    for (k, v) in map {
        let path = at(k);
        match k.as_str() {
            "id" => {
                has.0 = true;
                let id = match v {
                    Value::Number(n) => numeric_id(n, &path, errors),
                    _ => text(v, &path, errors),
                };
                if let Some(id) = id {
                    p.id = id;
                }
            }
            "title" => {
                has.1 = true;
                if let Some(t) = text(v, &path, errors) {
                    p.title = t;
                }
            }
            "url" | "image" => {
                if v.is_null() {
                    continue;
                }
                if let Some(u) = text(v, &path, errors) {
                    match check_url(&u) {
                        Ok(()) if k == "url" => p.url = Some(u),
                        Ok(()) => p.image = Some(u),
                        Err(m) => errors.push(ConfigError::new(path, m)),
                    }
                }
            }
            "price" => match v.as_f64() {
                Some(n) if n >= 0.0 && n.is_finite() => p.price = Some(n),
                None if v.is_null() => {}
                _ => errors.push(ConfigError::new(path, "must be a number >= 0")),
            },
            "currency" => p.currency = text(v, &path, errors),
            "availability" => p.availability = text(v, &path, errors),
            "categories" => match v.as_array() {
                Some(list) => {
                    for (i, c) in list.iter().enumerate() {
                        let mut cp = path.clone();
                        cp.push('[');
                        cp.push_str(&i.to_string());
                        cp.push(']');
                        if let Some(c) = text(c, &cp, errors) {
                            p.categories.push(c);
                        }
                    }
                }
                None => errors.push(ConfigError::new(path, "must be an array of strings")),
            },
            "attributes" => match v.as_object() {
                Some(attrs) => {
                    for (name, a) in attrs {
                        if a.is_array() || a.is_object() {
                            errors.push(ConfigError::new(
                                at(&["attributes.", name].concat()),
                                "must be a string, number or boolean",
                            ));
                        } else {
                            p.attributes.insert(name.clone(), a.clone());
                        }
                    }
                }
                None => errors.push(ConfigError::new(path, "must be an object")),
            },
            _ => errors.push(ConfigError::new(
                path,
                "unknown field (expected id, title, url, image, price, currency, categories, \
                 availability, attributes)",
            )),
        }
    }
    if !has.0 {
        errors.push(ConfigError::new(
            at("id"),
            "missing (every product needs an id)",
        ));
    }
    if !has.1 {
        errors.push(ConfigError::new(
            at("title"),
            "missing (every product needs a title)",
        ));
    }
    (errors.len() == before).then_some(p)
}

impl Catalog {
    /// Reads a catalog document, reporting every problem with its JSON path. Duplicate ids are
    /// errors too.
    pub fn parse(doc: &Value) -> Result<Catalog, Vec<ConfigError>> {
        let (list, base) = match doc {
            Value::Array(list) => (list, "$"),
            Value::Object(m) => match m.get("products") {
                Some(Value::Array(list)) if m.len() == 1 => (list, "$.products"),
                _ => {
                    return Err(vec![ConfigError::new(
                        "$",
                        "a catalog is an array of products or {\"products\": [...]}",
                    )])
                }
            },
            _ => {
                return Err(vec![ConfigError::new(
                    "$",
                    "a catalog is an array of products or {\"products\": [...]}",
                )])
            }
        };
        let mut errors = Vec::new();
        let mut products = Vec::with_capacity(list.len());
        for (i, v) in list.iter().enumerate() {
            let path = [base, "[", &i.to_string(), "]"].concat();
            if let Some(p) = product(v, &path, &mut errors) {
                products.push((p, path, i));
            }
        }
        sort(&mut products, |a, b| {
            a.0.id < b.0.id || (a.0.id == b.0.id && a.2 < b.2)
        });
        for w in products.windows(2) {
            if w[0].0.id == w[1].0.id {
                errors.push(ConfigError::new(
                    [&w[1].1, ".id"].concat(),
                    ["duplicate product id \"", &w[1].0.id, "\""].concat(),
                ));
            }
        }
        if errors.is_empty() {
            Ok(Catalog {
                products: products.into_iter().map(|(p, _, _)| p).collect(),
            })
        } else {
            Err(errors)
        }
    }

    /// Number of products.
    pub fn len(&self) -> usize {
        self.products.len()
    }

    /// Whether there are no products.
    pub fn is_empty(&self) -> bool {
        self.products.is_empty()
    }

    /// All products, sorted by id.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The product with this id.
    pub fn get(&self, id: &str) -> Option<&Product> {
        self.products
            .binary_search_by(|p| p.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.products[i])
    }

    /// Adds (or replaces) a product.
    pub fn add_product(&mut self, p: Product) {
        match self.products.binary_search_by(|q| q.id.cmp(&p.id)) {
            Ok(i) => self.products[i] = p,
            Err(i) => self.products.insert(i, p),
        }
    }

    /// Adds a product seen on a page (Segment-style properties: `product_id`, `name`, `price`,
    /// `currency`, `category`, `brand`, `url`, `image_url`) unless the catalog has it already.
    /// Fields that are invalid are left out; a product without id or name is ignored. Returns
    /// whether it was added.
    pub fn add_seen(&mut self, props: &Value) -> bool {
        let s = |k: &str| {
            props
                .get(k)
                .and_then(Value::as_str)
                .filter(|v| !v.trim().is_empty() && v.len() <= MAX_TEXT)
                .map(str::to_owned)
        };
        let (Some(id), Some(title)) = (s("product_id").or_else(|| s("id")), s("name")) else {
            return false;
        };
        let Err(at) = self.products.binary_search_by(|p| p.id.cmp(&id)) else {
            return false;
        };
        let url_of = |k: &str| s(k).filter(|u| check_url(u).is_ok());
        let mut attributes = Map::new();
        if let Some(b) = s("brand") {
            attributes.insert("brand".into(), Value::String(b));
        }
        self.products.insert(
            at,
            Product {
                id,
                title,
                url: url_of("url"),
                image: url_of("image_url").or_else(|| url_of("image")),
                price: props
                    .get("price")
                    .and_then(Value::as_f64)
                    .filter(|p| *p >= 0.0),
                currency: s("currency"),
                categories: s("category").into_iter().collect(),
                availability: None,
                attributes,
            },
        );
        true
    }
}
