//! What ranking needs to know about the visitor, derived from the engine's profile (nothing
//! extra is persisted): recently viewed products from the recorded touchpoints (newest first)
//! and then the rest of `viewed_products` (by id), the cart, purchased products (the products added to
//! the cart since the previous order, and an order's own `product_id`, for every order among the
//! recorded touchpoints), interests and the top stage.

use super::order::sort;
use super::rank::Visitor;
use crate::core::event::EventKind;
use crate::core::Engine;
use alloc::{
    string::{String, ToString},
    vec::Vec,
};

/// The visitor as ranking sees it at `now_ms`.
pub fn visitor(engine: &Engine, now_ms: u64) -> Visitor {
    let profile = engine.profile();
    let mut viewed: Vec<String> = Vec::new();
    for t in profile.recent.iter().rev() {
        if t.kind == EventKind::ProductViewed {
            if let Some(id) = &t.product_id {
                if !viewed.contains(id) {
                    viewed.push(id.clone());
                }
            }
        }
    }
    // Then products viewed before the recorded touchpoints, by id (what `export()` shows, so
    // the browser's ranking, which reads the export, sees the same list).
    for id in profile.viewed_products.keys() {
        if !viewed.contains(id) {
            viewed.push(id.clone());
        }
    }

    let mut purchased: Vec<String> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for t in &profile.recent {
        match (t.kind, &t.product_id) {
            (EventKind::ProductAdded, Some(id)) if !pending.contains(id) => {
                pending.push(id.clone())
            }
            (EventKind::ProductRemoved, Some(id)) => pending.retain(|p| p != id),
            (EventKind::OrderCompleted, id) => {
                pending.extend(id.iter().cloned());
                for p in pending.drain(..) {
                    if !purchased.contains(&p) {
                        purchased.push(p);
                    }
                }
            }
            _ => {}
        }
    }
    purchased.reverse();
    let mut interests = profile.interests_at(now_ms, &engine.config().lifecycle);
    sort(&mut interests, |a, b| {
        b.1 < a.1 || (b.1 == a.1 && a.0 < b.0)
    });
    Visitor {
        viewed,
        cart: profile.cart.iter().map(|l| l.product_id.clone()).collect(),
        purchased,
        interests,
        stage: engine.top_stage(now_ms).0.to_string(),
    }
}
