//! The defaults a site gets from an empty config `{}`: six stages, signals with weights that
//! encode the usual meaning of each touchpoint, and four micro journeys.
//!
//! Weights are in log-odds units: +1 makes a stage e (≈2.7) times more likely relative to the
//! others. They were chosen by reading each touchpoint's usual intent, then checked against the
//! labelled stories in the ecom-synthetic data set (`trailmark eval journeys`).

use crate::core::map::SortedMap;
use alloc::{borrow::ToOwned, string::String, vec, vec::Vec};

use super::{Fact, MicroJourneyDef, Signal, StageDef, StepDef};

pub(super) fn namespace() -> String {
    "default".into()
}

pub(super) fn step_timeout_s() -> u64 {
    1800
}

/// discovery, research, consideration, purchase, post_purchase, loyalty.
pub fn default_stages() -> Vec<StageDef> {
    [
        ("discovery", "Discovery", 0.5),
        ("research", "Research", 0.3),
        ("consideration", "Consideration", 0.0),
        ("purchase", "Purchase", -0.5),
        ("post_purchase", "Post-purchase", -1.0),
        ("loyalty", "Loyalty", -1.0),
    ]
    .into_iter()
    .map(|(id, label, prior)| StageDef {
        id: id.into(),
        label: Some(label.into()),
        prior,
    })
    .collect()
}

fn weights(pairs: &[(&str, f64)]) -> SortedMap<String, f64> {
    let mut map = SortedMap::new();
    for (s, w) in pairs {
        map.insert((*s).to_owned(), *w);
    }
    map
}

fn weights_str(pairs: &[(&str, &str)]) -> SortedMap<String, String> {
    let mut map = SortedMap::new();
    for (k, v) in pairs {
        map.insert((*k).to_owned(), (*v).to_owned());
    }
    map
}

fn on_event(event: &str, stages: &[(&str, f64)], max_per_session: Option<u32>) -> Signal {
    Signal {
        event: Some(event.into()),
        fact: None,
        channel: None,
        path_prefix: None,
        where_props: SortedMap::new(),
        stages: weights(stages),
        max_per_session,
    }
}

fn on_fact(fact: Fact, stages: &[(&str, f64)]) -> Signal {
    Signal {
        event: None,
        fact: Some(fact),
        ..on_event("", stages, None)
    }
}

fn on_channel(channel: &str, stages: &[(&str, f64)]) -> Signal {
    Signal {
        event: None,
        channel: Some(channel.into()),
        ..on_event("", stages, None)
    }
}

/// The default evidence table.
pub fn default_signals() -> Vec<Signal> {
    let mut blog = on_event("Page Viewed", &[("research", 0.6)], Some(4));
    blog.path_prefix = Some("/blog".into());
    vec![
        // Arrival: where a session comes from says something about intent.
        on_channel("Organic Social", &[("discovery", 0.8)]),
        on_channel("Paid Social", &[("discovery", 0.8)]),
        on_channel("Display", &[("discovery", 0.8)]),
        on_channel("Organic Video", &[("discovery", 0.6)]),
        on_channel("Referral", &[("discovery", 0.4), ("research", 0.2)]),
        on_channel("Organic Search", &[("discovery", 0.3), ("research", 0.5)]),
        on_channel("Paid Search", &[("research", 0.4), ("consideration", 0.4)]),
        on_channel("Paid Shopping", &[("consideration", 0.6)]),
        on_channel("Organic Shopping", &[("consideration", 0.6)]),
        on_channel("Email", &[("consideration", 0.3), ("loyalty", 0.3)]),
        // Lifecycle facts, once per session.
        on_fact(Fact::NewVisitor, &[("discovery", 0.8)]),
        on_fact(
            Fact::ReturningVisitor,
            &[
                ("consideration", 0.5),
                ("discovery", -0.4),
                ("loyalty", 0.3),
            ],
        ),
        on_fact(Fact::Customer, &[("post_purchase", 0.8), ("loyalty", 1.2)]),
        on_fact(Fact::RepeatCustomer, &[("loyalty", 1.5)]),
        on_fact(Fact::Lapsed, &[("discovery", 0.8), ("loyalty", -0.5)]),
        on_fact(Fact::ProductRevisit, &[("consideration", 0.8)]),
        // Browsing and research.
        on_event("Page Viewed", &[("discovery", 0.15)], Some(4)),
        blog,
        on_event("Promotion Viewed", &[("discovery", 0.4)], Some(3)),
        on_event(
            "Product List Viewed",
            &[("discovery", 0.2), ("research", 0.3)],
            Some(3),
        ),
        on_event("Products Searched", &[("research", 0.8)], Some(3)),
        on_event(
            "Product List Filtered",
            &[("research", 0.3), ("consideration", 0.3)],
            Some(3),
        ),
        on_event(
            "Product Viewed",
            &[("research", 0.2), ("consideration", 0.4)],
            Some(6),
        ),
        on_event("Engaged", &[("research", 0.2)], Some(3)),
        on_event("Scroll Depth Reached", &[("research", 0.1)], Some(3)),
        on_event("Video Playback Started", &[("research", 0.4)], Some(2)),
        // Comparing alternatives.
        on_event("Products Compared", &[("consideration", 1.2)], Some(4)),
        on_event("Reviews Viewed", &[("consideration", 1.0)], Some(4)),
        on_event(
            "Product Added to Wishlist",
            &[("consideration", 0.8)],
            Some(4),
        ),
        on_event(
            "Signed Up",
            &[("consideration", 0.5), ("loyalty", 0.3)],
            None,
        ),
        // Buying.
        on_event(
            "Product Added",
            &[("consideration", 0.4), ("purchase", 1.0)],
            Some(5),
        ),
        on_event("Product Removed", &[("purchase", -0.3)], Some(5)),
        on_event("Cart Viewed", &[("purchase", 1.0)], Some(3)),
        on_event(
            "Checkout Started",
            &[("purchase", 3.0), ("consideration", -1.0)],
            Some(3),
        ),
        on_event("Checkout Step Completed", &[("purchase", 0.8)], Some(4)),
        on_event("Payment Info Entered", &[("purchase", 1.0)], Some(3)),
        on_event(
            "Payment Failed",
            &[("purchase", -0.5), ("post_purchase", 0.5)],
            Some(3),
        ),
        on_event("Coupon Applied", &[("purchase", 0.6)], Some(2)),
        on_event(
            "Order Completed",
            &[
                ("research", -1.5),
                ("consideration", -1.5),
                ("purchase", -3.0),
                ("post_purchase", 4.0),
                ("loyalty", 0.4),
            ],
            None,
        ),
        // After buying.
        on_event(
            "Order Refunded",
            &[("post_purchase", 1.0), ("loyalty", -0.5)],
            None,
        ),
        on_event(
            "Order Cancelled",
            &[("post_purchase", 0.8), ("purchase", -1.0)],
            None,
        ),
        on_event(
            "Support Contacted",
            &[("post_purchase", 2.0), ("purchase", -0.5)],
            Some(3),
        ),
        on_event(
            "Help Viewed",
            &[("post_purchase", 0.4), ("research", 0.2)],
            Some(3),
        ),
        on_event(
            "Account Viewed",
            &[("post_purchase", 0.6), ("loyalty", 0.4)],
            Some(3),
        ),
        on_event(
            "Signed In",
            &[("post_purchase", 0.3), ("loyalty", 0.5)],
            Some(1),
        ),
        // Advocacy.
        on_event("Product Reviewed", &[("loyalty", 1.5)], Some(2)),
        on_event(
            "Product Shared",
            &[("loyalty", 1.0), ("discovery", 0.2)],
            Some(2),
        ),
        on_event("Referral Sent", &[("loyalty", 1.5)], Some(2)),
    ]
}

fn step(event: &str, optional: bool, timeout_s: Option<u64>) -> StepDef {
    StepDef {
        event: event.into(),
        label: None,
        where_props: SortedMap::new(),
        optional,
        timeout_s,
    }
}

/// checkout, sign_up, search_to_product, support.
pub fn default_journeys() -> Vec<MicroJourneyDef> {
    vec![
        MicroJourneyDef {
            id: "checkout".into(),
            steps: vec![
                step("Checkout Started", false, None),
                step("Checkout Step Completed", true, Some(900)),
                step("Payment Info Entered", true, Some(900)),
                step("Order Completed", false, Some(1800)),
            ],
            abandon_on: vec![],
            timeout_s: 1800,
        },
        MicroJourneyDef {
            id: "sign_up".into(),
            steps: vec![
                StepDef {
                    where_props: weights_str(&[("form", "sign_up")]),
                    ..step("Form Submitted", false, None)
                },
                step("Signed Up", false, Some(900)),
            ],
            abandon_on: vec![],
            timeout_s: 900,
        },
        MicroJourneyDef {
            id: "search_to_product".into(),
            steps: vec![
                step("Products Searched", false, None),
                step("Product Clicked", true, Some(300)),
                step("Product Viewed", false, Some(600)),
            ],
            abandon_on: vec![],
            timeout_s: 600,
        },
        MicroJourneyDef {
            id: "support".into(),
            steps: vec![
                step("Help Viewed", true, None),
                step("Support Contacted", false, Some(1800)),
            ],
            abandon_on: vec![],
            timeout_s: 1800,
        },
    ]
}
