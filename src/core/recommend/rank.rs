//! Ranking: from a model (optional), a catalog and what the visitor did, the products to show,
//! each with the reason it is there. Deterministic: ties are broken by product id.
//!
//! - `related`: neighbours of the anchor (the request's `product`, else the product viewed
//!   last), plus, at lower weight, of the other recently viewed products ("because you viewed
//!   X"). Without a model, or for an anchor the model does not know: content similarity over
//!   the catalog (shared categories, equal attributes, close price; "similar to X").
//! - `bought-together`: the anchor's bought-together list; `related` when the model has none.
//! - `recently-viewed`: the visitor's viewed products, newest first, the anchor left out.
//! - `trending`: the model's recency-decayed popularity.
//! - `for-you`: session neighbours (recent views weighted by recency), interest categories and
//!   popularity, mixed by stage: early stages (discovery, research) lean on popularity and
//!   interests, later ones on what was viewed; after a purchase (post_purchase, loyalty) the
//!   purchased products' bought-together lists come first.
//!
//! Every strategy excludes the cart, purchased products (unless configured otherwise), products
//! out of stock, the anchor, the request's `exclude` ids and anything not in the catalog; then
//! applies the request's filters and the per-category diversity cap.

use super::catalog::{Catalog, Product};
use super::model::Model;
use super::order::sort;
use alloc::{string::String, vec::Vec};
use serde_json::Value;

/// A recommendation strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// Products related to the one being viewed.
    Related,
    /// Products bought with it.
    BoughtTogether,
    /// What the visitor viewed.
    RecentlyViewed,
    /// Popular recently.
    Trending,
    /// Personalised mix.
    ForYou,
}

impl Strategy {
    /// The strategy with this name (`related`, `bought-together`, `recently-viewed`,
    /// `trending`, `for-you`).
    pub fn from_name(name: &str) -> Option<Strategy> {
        Some(match name {
            "related" => Strategy::Related,
            "bought-together" => Strategy::BoughtTogether,
            "recently-viewed" => Strategy::RecentlyViewed,
            "trending" => Strategy::Trending,
            "for-you" => Strategy::ForYou,
            _ => return None,
        })
    }
}

/// What is asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// Strategy.
    pub strategy: Strategy,
    /// At most this many products.
    pub limit: usize,
    /// Anchor product (the page's product); default: the product viewed last.
    pub product: Option<String>,
    /// Only products in this category.
    pub category: Option<String>,
    /// Only products priced at least this.
    pub min_price: Option<f64>,
    /// Only products priced at most this.
    pub max_price: Option<f64>,
    /// Never these ids.
    pub exclude: Vec<String>,
}

/// What the visitor did, derived from the profile ([`super::visitor`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Visitor {
    /// Viewed product ids, newest first, unique.
    pub viewed: Vec<String>,
    /// Product ids in the cart.
    pub cart: Vec<String>,
    /// Product ids bought.
    pub purchased: Vec<String>,
    /// Interest categories with scores, strongest first.
    pub interests: Vec<(String, f64)>,
    /// The most likely journey stage.
    pub stage: String,
}

/// Ranking settings from `$.recommend`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Settings {
    /// Leave purchased products out.
    pub exclude_purchased: bool,
    /// At most this many products sharing a first category (0: no cap).
    pub max_per_category: usize,
}

/// Why a product is recommended.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// Neighbour of a product the visitor viewed (its id).
    Viewed(String),
    /// Bought together with this product.
    BoughtWith(String),
    /// Shares categories or attributes with this product (no model).
    Similar(String),
    /// The visitor viewed it.
    RecentlyViewed,
    /// Popular recently.
    Trending,
    /// Popular overall.
    Popular,
    /// In a category the visitor is interested in.
    Interest(String),
}

/// One recommended product.
#[derive(Clone, Debug, PartialEq)]
pub struct Recommendation<'c> {
    /// The catalog entry.
    pub product: &'c Product,
    /// Score (higher first; comparable within one answer only).
    pub score: f64,
    /// Why.
    pub reason: Reason,
}

/// Scores of items that follow a session (indexes, oldest first) by the model's related lists:
/// the item seen `p` steps before the last contributes with weight `1 / (p + 1)`; at most
/// `depth` items are used. Returns `(item, score, index in the session of the strongest
/// contributor)`, best first, ties by index.
pub fn session_scores(model: &Model, session: &[usize], depth: usize) -> Vec<(usize, f64, usize)> {
    let mut acc: Vec<(usize, f64, usize, f64)> = Vec::new();
    for (p, (at, &item)) in session.iter().enumerate().rev().take(depth).enumerate() {
        let w = 1.0 / (p + 1) as f64;
        for (t, weight) in model.related(item) {
            let add = w * f64::from(weight) / 65535.0;
            match acc.iter_mut().find(|a| a.0 == t) {
                Some(a) => {
                    a.1 += add;
                    if add > a.3 {
                        a.2 = at;
                        a.3 = add;
                    }
                }
                None => acc.push((t, add, at, add)),
            }
        }
    }
    let mut out: Vec<(usize, f64, usize)> = acc.into_iter().map(|a| (a.0, a.1, a.2)).collect();
    sort(&mut out, |a, b| b.1 < a.1 || (b.1 == a.1 && a.0 < b.0));
    out
}

/// The next-item list the evaluation measures (and `for-you` starts from): session neighbours,
/// then the most popular items to fill `k`.
pub fn next_items(model: &Model, session: &[usize], k: usize) -> Vec<(usize, f64)> {
    let mut out: Vec<(usize, f64)> = session_scores(model, session, DEPTH)
        .into_iter()
        .take(k)
        .map(|(i, s, _)| (i, s))
        .collect();
    if out.len() < k {
        for i in model.top(k.saturating_add(out.len()), |i| model.popularity(i)) {
            if out.len() == k {
                break;
            }
            if !out.iter().any(|o| o.0 == i) {
                out.push((i, 0.0));
            }
        }
    }
    out
}

/// Session items used for scoring.
pub const DEPTH: usize = 5;

/// Ranks products for `request`. `model` is `None` when none is configured or it failed to
/// load; an empty answer means the slot keeps its default content.
pub fn recommend<'c>(
    model: Option<&Model>,
    catalog: &'c Catalog,
    visitor: &Visitor,
    settings: Settings,
    request: &Request,
) -> Vec<Recommendation<'c>> {
    let anchor = request
        .product
        .clone()
        .or_else(|| visitor.viewed.first().cloned());
    let mut scored: Vec<(&str, f64, Reason)> = Vec::new();
    let wide = request.limit.saturating_mul(4).saturating_add(40);
    match request.strategy {
        Strategy::RecentlyViewed => {
            let n = visitor.viewed.len() as f64;
            for (i, id) in visitor.viewed.iter().enumerate() {
                scored.push((id, n - i as f64, Reason::RecentlyViewed));
            }
        }
        Strategy::Trending => {
            if let Some(m) = model {
                for i in m.top(wide, |i| m.trending(i)) {
                    scored.push((m.id(i), f64::from(m.trending(i)), Reason::Trending));
                }
            }
        }
        Strategy::Related | Strategy::BoughtTogether => {
            let Some(anchor) = anchor.as_deref() else {
                return Vec::new();
            };
            let at = model.and_then(|m| m.index(anchor).map(|i| (m, i)));
            match at {
                Some((m, i)) if request.strategy == Strategy::BoughtTogether && m.has_bought() => {
                    for (t, w) in m.bought(i) {
                        scored.push((m.id(t), f64::from(w), Reason::BoughtWith(anchor.into())));
                    }
                }
                Some((m, _)) => {
                    // The anchor last, then the other recent views before it.
                    let mut session: Vec<usize> = visitor
                        .viewed
                        .iter()
                        .filter(|v| *v != anchor)
                        .take(DEPTH - 1)
                        .filter_map(|v| m.index(v))
                        .collect();
                    session.reverse();
                    session.extend(m.index(anchor));
                    for (t, s, src) in session_scores(m, &session, DEPTH) {
                        scored.push((m.id(t), s, viewed(m, t, session[src])));
                    }
                }
                None => similar(catalog, anchor, &mut scored),
            }
        }
        Strategy::ForYou => for_you(model, catalog, visitor, wide, &mut scored),
    }
    select(
        catalog,
        visitor,
        settings,
        request,
        anchor.as_deref(),
        scored,
    )
}

/// Why a session neighbour: the product viewed that led to it, or, for a product's link to
/// itself (people go back to what they looked at), that the visitor viewed it.
fn viewed(m: &Model, target: usize, source: usize) -> Reason {
    if target == source {
        Reason::RecentlyViewed
    } else {
        Reason::Viewed(m.id(source).into())
    }
}

/// Content similarity to the anchor: shared categories (2 each), equal attributes (1 each),
/// price within 30% (1).
fn similar<'a>(catalog: &'a Catalog, anchor: &str, out: &mut Vec<(&'a str, f64, Reason)>) {
    let Some(a) = catalog.get(anchor) else {
        return;
    };
    for p in catalog.products() {
        let mut s = 0.0;
        for c in &p.categories {
            if a.categories.contains(c) {
                s += 2.0;
            }
        }
        for (k, v) in &p.attributes {
            if a.attributes.get(k).is_some_and(|w| same_value(v, w)) {
                s += 1.0;
            }
        }
        if let (Some(x), Some(y)) = (a.price, p.price) {
            if x > 0.0 && (x - y).abs() <= 0.3 * x {
                s += 1.0;
            }
        }
        if s > 0.0 {
            out.push((&p.id, s, Reason::Similar(anchor.into())));
        }
    }
}

/// JSON values equal as the browser sees them: numbers by value (`1` is `1.0`, as in JavaScript).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn for_you<'a>(
    model: Option<&'a Model>,
    catalog: &'a Catalog,
    visitor: &Visitor,
    wide: usize,
    out: &mut Vec<(&'a str, f64, Reason)>,
) {
    // Weights of (session neighbours, interests, popularity) by stage.
    let (ws, wi, wp) = match visitor.stage.as_str() {
        "discovery" | "research" => (0.5, 1.0, 1.0),
        "post_purchase" | "loyalty" => (1.0, 0.7, 0.3),
        _ => (1.0, 0.5, 0.3),
    };
    let mut add = |id: &'a str, s: f64, r: Reason| match out.iter_mut().find(|o| o.0 == id) {
        Some(o) => {
            // The strongest single reason explains the product.
            if s > o.1 {
                o.2 = r;
            }
            o.1 += s;
        }
        None => out.push((id, s, r)),
    };
    if let Some(m) = model {
        let after_purchase = matches!(visitor.stage.as_str(), "post_purchase" | "loyalty");
        if after_purchase && m.has_bought() {
            for id in visitor.purchased.iter().take(DEPTH) {
                if let Some(i) = m.index(id) {
                    for (t, w) in m.bought(i) {
                        let s = 1.5 * f64::from(w) / 65535.0;
                        add(m.id(t), s, Reason::BoughtWith(id.clone()));
                    }
                }
            }
        }
        let mut session: Vec<usize> = visitor
            .viewed
            .iter()
            .take(DEPTH)
            .filter_map(|v| m.index(v))
            .collect();
        session.reverse();
        for (t, s, src) in session_scores(m, &session, DEPTH) {
            add(m.id(t), ws * s, viewed(m, t, session[src]));
        }
        for i in m.top(wide, |i| m.popularity(i)) {
            add(
                m.id(i),
                wp * f64::from(m.popularity(i)) / 65535.0,
                Reason::Popular,
            );
        }
    }
    if let Some(max) = visitor.interests.first().map(|i| i.1).filter(|m| *m > 0.0) {
        for p in catalog.products() {
            let best = visitor
                .interests
                .iter()
                .filter(|(c, _)| p.categories.contains(c))
                .map(|(c, s)| (c, s / max))
                .fold(None, |b: Option<(&String, f64)>, x| match b {
                    Some(b) if b.1 >= x.1 => Some(b),
                    _ => Some(x),
                });
            if let Some((c, s)) = best {
                // Below the session evidence, above popularity: a tiebreak among candidates.
                add(&p.id, wi * 0.5 * s, Reason::Interest(c.clone()));
            }
        }
    }
}

/// Exclusions, filters, ordering and diversity.
fn select<'c>(
    catalog: &'c Catalog,
    visitor: &Visitor,
    settings: Settings,
    request: &Request,
    anchor: Option<&str>,
    mut scored: Vec<(&str, f64, Reason)>,
) -> Vec<Recommendation<'c>> {
    sort(&mut scored, |a, b| b.1 < a.1 || (b.1 == a.1 && a.0 < b.0));
    let mut out: Vec<Recommendation<'c>> = Vec::new();
    let mut held: Vec<Recommendation<'c>> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for (id, score, reason) in scored {
        if out.len() >= request.limit {
            break;
        }
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(p) = catalog.get(id) else { continue };
        let excluded = !p.available()
            || (request.strategy != Strategy::RecentlyViewed && anchor == Some(id))
            || (request.strategy == Strategy::RecentlyViewed
                && request.product.as_deref() == Some(id))
            || visitor.cart.iter().any(|c| c == id)
            || (settings.exclude_purchased && visitor.purchased.iter().any(|c| c == id))
            || request.exclude.iter().any(|c| c == id)
            || request
                .category
                .as_ref()
                .is_some_and(|c| !p.categories.contains(c))
            || request
                .min_price
                .is_some_and(|m| p.price.is_none_or(|x| x < m))
            || request
                .max_price
                .is_some_and(|m| p.price.is_none_or(|x| x > m));
        if excluded {
            continue;
        }
        let rec = Recommendation {
            product: p,
            score,
            reason,
        };
        let cap = settings.max_per_category;
        let same = out
            .iter()
            .filter(|r| r.product.category() == p.category() && p.category().is_some())
            .count();
        if cap > 0 && same >= cap {
            held.push(rec);
        } else {
            out.push(rec);
        }
    }
    // Diversity first; if that leaves the list short, the held-back ones fill it in order.
    for r in held {
        if out.len() >= request.limit {
            break;
        }
        out.push(r);
    }
    out
}
