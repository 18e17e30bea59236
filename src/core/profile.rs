//! The visitor's profile: sessions, channel history, lifecycle facts, interests, cart, survey
//! answers and a bounded log of recent touchpoints.
//!
//! Everything here is bounded so that a year of visits stays small: raw touchpoints beyond the
//! retention limits survive only as per-name counts, channel touches beyond their limit only as
//! per-group counts.

use alloc::{borrow::ToOwned, string::String, vec::Vec};

use crate::core::map::SortedMap;

use super::channel::ChannelTouch;
use super::config::{LifecycleConfig, RetentionConfig};
use super::event::{EventKind, Touchpoint};
use super::url::Url;

const DAY_MS: u64 = 86_400_000;
/// Distinct custom event names counted before the rest share one bucket.
const MAX_COUNTED_NAMES: usize = 128;
/// Name of the shared bucket for custom events past the first 128 distinct names.
pub const OTHER_EVENTS: &str = "(other)";
const MAX_CART_LINES: usize = 100;
const MAX_VIEWED_PRODUCTS: usize = 100;
const MAX_SURVEY_ANSWERS: usize = 100;

/// One session (visit).
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// 1 for the visitor's first session.
    pub number: u32,
    /// First touchpoint of the session.
    pub started_ms: u64,
    /// Latest touchpoint of the session.
    pub last_ms: u64,
    /// Touchpoints in this session.
    pub touchpoints: u32,
    /// Where the session came from.
    pub channel: ChannelTouch,
    /// How often each signal (by index in the config) fired in this session, for caps.
    pub signal_hits: SortedMap<u16, u16>,
}

/// A touchpoint as kept in history: only the fields the engine and explanations use.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedTouchpoint {
    /// When it happened.
    pub at_ms: u64,
    /// What happened.
    pub kind: EventKind,
    /// The custom event's name (`None` for known kinds).
    pub custom_name: Option<String>,
    /// Page path, when the touchpoint had a URL.
    pub path: Option<String>,
    /// Product id, when about a product.
    pub product_id: Option<String>,
    /// Category, when known.
    pub category: Option<String>,
    /// Monetary value, when known.
    pub value: Option<f64>,
}

impl RecordedTouchpoint {
    /// Display name: the canonical name, or the custom name.
    pub fn name(&self) -> &str {
        self.custom_name.as_deref().unwrap_or(self.kind.name())
    }
}

/// A category affinity that fades with time.
#[derive(Clone, Debug, PartialEq)]
pub struct Interest {
    /// Category name as the site sends it.
    pub category: String,
    /// Affinity score at `updated_ms`.
    pub score: f64,
    /// When the score was last updated.
    pub updated_ms: u64,
}

/// One line of the cart.
#[derive(Clone, Debug, PartialEq)]
pub struct CartLine {
    /// Product id.
    pub product_id: String,
    /// Quantity (at least 1).
    pub quantity: u32,
    /// Unit price, when known.
    pub price: Option<f64>,
}

/// A survey answer kept on the device.
#[derive(Clone, Debug, PartialEq)]
pub struct SurveyAnswer {
    /// Survey id.
    pub survey: String,
    /// The answer as text.
    pub answer: String,
    /// Numeric score (NPS 0-10, CSAT 1-5...), when the answer is one.
    pub score: Option<f64>,
    /// When it was answered.
    pub at_ms: u64,
}

/// Everything the engine knows about one visitor.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// First touchpoint ever.
    pub first_seen_ms: u64,
    /// Latest touchpoint.
    pub last_seen_ms: u64,
    /// Sessions so far.
    pub visits: u32,
    /// The current (or most recent) session.
    pub session: Option<Session>,
    /// End of the session before the current one, for "days since last visit".
    pub previous_visit_ms: Option<u64>,
    /// The very first channel touch; never rolled up.
    pub first_touch: Option<ChannelTouch>,
    /// Recent channel touches, oldest first; the last is the last touch.
    pub touches: Vec<ChannelTouch>,
    /// Every touch ever, counted per channel group.
    pub channel_counts: SortedMap<String, u32>,
    /// Orders placed.
    pub orders: u32,
    /// Total order value.
    pub revenue: f64,
    /// When the latest order was placed.
    pub last_order_ms: Option<u64>,
    /// Category affinities, strongest first.
    pub interests: Vec<Interest>,
    /// Current cart.
    pub cart: Vec<CartLine>,
    /// Survey answers, oldest first.
    pub surveys: Vec<SurveyAnswer>,
    /// Recent touchpoints, oldest first.
    pub recent: Vec<RecordedTouchpoint>,
    /// Every touchpoint ever, counted per name.
    pub counts: SortedMap<String, u64>,
    /// Products viewed, with the session number of the latest view (for revisits).
    pub viewed_products: SortedMap<String, u32>,
}

impl Profile {
    /// True from the second session on.
    pub fn is_returning(&self) -> bool {
        self.visits > 1
    }

    /// Whole days between the end of the previous session and the start of the current one.
    pub fn days_since_last_visit(&self) -> Option<u64> {
        let started = self.session.as_ref()?.started_ms;
        Some(started.saturating_sub(self.previous_visit_ms?) / DAY_MS)
    }

    /// True when the visitor came back after at least `lapsed_days` away.
    pub fn is_lapsed(&self, lifecycle: &LifecycleConfig) -> bool {
        self.days_since_last_visit()
            .is_some_and(|d| d >= u64::from(lifecycle.lapsed_days))
    }

    /// The latest channel touch.
    pub fn last_touch(&self) -> Option<&ChannelTouch> {
        self.touches.last()
    }

    /// Value of the cart (lines without a price count as zero).
    pub fn cart_value(&self) -> f64 {
        self.cart
            .iter()
            .map(|l| l.price.unwrap_or(0.0) * f64::from(l.quantity))
            .sum()
    }

    /// Interest scores decayed to `now_ms`, strongest first.
    pub fn interests_at(&self, now_ms: u64, lifecycle: &LifecycleConfig) -> Vec<(String, f64)> {
        let scores = decayed_scores(&self.interests, now_ms, lifecycle);
        let mut out = Vec::with_capacity(scores.len());
        for i in strongest_first(&scores) {
            out.push((self.interests[i].category.clone(), scores[i]));
        }
        out
    }

    /// Records a new channel touch, keeping at most `max` recent ones.
    pub(crate) fn add_touch(&mut self, touch: ChannelTouch, max: u32) {
        *self.channel_counts.get_or_insert(touch.group.clone(), 0) += 1;
        if self.first_touch.is_none() {
            self.first_touch = Some(touch.clone());
        }
        self.touches.push(touch);
        keep_last(&mut self.touches, max.max(1) as usize);
    }

    /// Records a touchpoint in history and updates cart, orders, interests and surveys.
    /// Returns true when the touchpoint revisits a product seen in an earlier session.
    pub(crate) fn record(
        &mut self,
        tp: &Touchpoint,
        now_ms: u64,
        lifecycle: &LifecycleConfig,
    ) -> bool {
        let name = if self.counts.len() >= MAX_COUNTED_NAMES && !self.counts.contains_key(&tp.name)
        {
            OTHER_EVENTS.to_owned()
        } else {
            tp.name.clone()
        };
        *self.counts.get_or_insert(name, 0) += 1;
        let product_id = tp.product_id();
        let category = tp.category();
        self.recent.push(RecordedTouchpoint {
            at_ms: now_ms,
            kind: tp.kind,
            custom_name: (tp.kind == EventKind::Custom).then(|| truncate(&tp.name, 100)),
            path: tp.url.as_deref().map(|u| truncate(Url::parse(u).path, 200)),
            product_id: product_id.as_deref().map(|p| truncate(p, 100)),
            category: category.as_deref().map(|c| truncate(c, 100)),
            value: tp.value().or_else(|| tp.price()),
        });

        let session = self.session.as_ref().map_or(0, |s| s.number);
        let mut revisit = false;
        match tp.kind {
            EventKind::ProductViewed => {
                if let Some(id) = &product_id {
                    revisit = self.viewed_products.get(id).is_some_and(|&s| s < session);
                    self.viewed_products.insert(truncate(id, 100), session);
                    if self.viewed_products.len() > MAX_VIEWED_PRODUCTS {
                        // Forget the product viewed longest ago.
                        if let Some(oldest) = self
                            .viewed_products
                            .iter()
                            .min_by_key(|(_, s)| **s)
                            .map(|(k, _)| k.clone())
                        {
                            self.viewed_products.remove(&oldest);
                        }
                    }
                }
            }
            EventKind::ProductAdded => {
                if let Some(id) = product_id {
                    let q = tp.quantity();
                    match self.cart.iter().position(|l| l.product_id == id) {
                        Some(i) => self.cart[i].quantity = self.cart[i].quantity.saturating_add(q),
                        None if self.cart.len() < MAX_CART_LINES => self.cart.push(CartLine {
                            product_id: truncate(&id, 100),
                            quantity: q,
                            price: tp.price(),
                        }),
                        None => {}
                    }
                }
            }
            EventKind::ProductRemoved => {
                if let Some(id) = product_id {
                    let q = tp.quantity();
                    if let Some(i) = self.cart.iter().position(|l| l.product_id == id) {
                        if self.cart[i].quantity <= q {
                            self.cart.remove(i);
                        } else {
                            self.cart[i].quantity -= q;
                        }
                    }
                }
            }
            EventKind::OrderCompleted => {
                let value = tp.value().unwrap_or_else(|| self.cart_value());
                self.orders = self.orders.saturating_add(1);
                self.revenue += value;
                self.last_order_ms = Some(now_ms);
                self.cart.clear();
            }
            EventKind::OrderRefunded => {
                if let Some(v) = tp.value() {
                    self.revenue = (self.revenue - v).max(0.0);
                }
            }
            EventKind::SurveyAnswered => {
                let survey = tp.str_prop("survey_id").or_else(|| tp.str_prop("survey"));
                let answer = tp.str_prop("answer").or_else(|| tp.str_prop("score"));
                if let (Some(survey), Some(answer)) = (survey, answer) {
                    let score = tp.num_prop("score").or_else(|| tp.num_prop("answer"));
                    self.surveys.push(SurveyAnswer {
                        survey: truncate(&survey, 100),
                        answer: truncate(&answer, 1000),
                        score,
                        at_ms: now_ms,
                    });
                    if self.surveys.len() > MAX_SURVEY_ANSWERS {
                        self.surveys.remove(0);
                    }
                }
            }
            _ => {}
        }
        if let Some(cat) = category {
            let weight = match tp.kind {
                EventKind::OrderCompleted => 3.0,
                EventKind::ProductAdded | EventKind::ProductAddedToWishlist => 2.0,
                EventKind::ProductViewed
                | EventKind::ProductListViewed
                | EventKind::ProductClicked
                | EventKind::ReviewsViewed => 1.0,
                _ => 0.5,
            };
            self.add_interest(&cat, weight, now_ms, lifecycle);
        }
        revisit
    }

    fn add_interest(&mut self, category: &str, weight: f64, now_ms: u64, lc: &LifecycleConfig) {
        match self.interests.iter_mut().find(|i| i.category == category) {
            Some(i) => {
                i.score = decayed(i, now_ms, lc) + weight;
                i.updated_ms = now_ms;
            }
            None => self.interests.push(Interest {
                category: truncate(category, 100),
                score: weight,
                updated_ms: now_ms,
            }),
        }
        // Keep the strongest, judged at the same moment.
        let scores = decayed_scores(&self.interests, now_ms, lc);
        let mut order = strongest_first(&scores);
        order.truncate(lc.max_interests.max(1) as usize);
        let mut kept = Vec::with_capacity(order.len());
        for i in order {
            kept.push(self.interests[i].clone());
        }
        self.interests = kept;
    }

    /// Drops raw history past the retention limits (counts are kept). Returns true when anything
    /// was dropped.
    pub(crate) fn apply_retention(&mut self, now_ms: u64, retention: &RetentionConfig) -> bool {
        let sizes = (self.recent.len(), self.surveys.len(), self.touches.len());
        let max_age = u64::from(retention.touchpoint_days) * DAY_MS;
        // Past the limit, then any older than `max_age` (oldest first).
        let mut old = self
            .recent
            .len()
            .saturating_sub(retention.max_touchpoints as usize);
        while self
            .recent
            .get(old)
            .is_some_and(|t| now_ms.saturating_sub(t.at_ms) > max_age)
        {
            old += 1;
        }
        self.recent.drain(..old);
        let survey_age = u64::from(retention.survey_days) * DAY_MS;
        self.surveys
            .retain(|s| now_ms.saturating_sub(s.at_ms) <= survey_age);
        keep_last(
            &mut self.touches,
            retention.max_channel_touches.max(1) as usize,
        );
        sizes != (self.recent.len(), self.surveys.len(), self.touches.len())
    }
}

/// Drops the oldest entries of `list` so that at most `max` remain. The bounded histories are
/// plain vectors, not `VecDeque`s (whose ring-buffer code costs the wasm 0.6 KB brotli):
/// dropping from the front moves the rest, once per call, which costs less than the encode
/// that follows every change.
pub(crate) fn keep_last<T>(list: &mut Vec<T>, max: usize) {
    list.drain(..list.len().saturating_sub(max));
}

/// An interest's score decayed to `now_ms` (shared by ranking and updating, so the wasm carries
/// the computation once).
fn decayed(i: &Interest, now_ms: u64, lc: &LifecycleConfig) -> f64 {
    let days = now_ms.saturating_sub(i.updated_ms) as f64 / DAY_MS as f64;
    i.score * crate::core::number::halved(days / lc.interest_half_life_days)
}

fn decayed_scores(interests: &[Interest], now_ms: u64, lc: &LifecycleConfig) -> Vec<f64> {
    let mut scores = Vec::with_capacity(interests.len());
    for i in interests {
        scores.push(decayed(i, now_ms, lc));
    }
    scores
}

/// Cuts a string to at most `max` bytes on a character boundary (bounded storage).
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_owned()
}

/// Indices of `scores`, highest first by `f64::total_cmp`, equal scores in their original order
/// (a stable sort). Insertion sort: the lists are short (at most `max_interests` + 1), and one
/// non-generic function costs the browser build far less than a standard sort per caller.
fn strongest_first(scores: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = Vec::with_capacity(scores.len());
    for i in 0..scores.len() {
        let at = order
            .iter()
            .position(|&j| scores[j].total_cmp(&scores[i]).is_lt())
            .unwrap_or(order.len());
        order.insert(at, i);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc() -> LifecycleConfig {
        LifecycleConfig::default()
    }

    #[test]
    fn cart_adds_merges_and_removes() {
        let mut p = Profile::default();
        let add = Touchpoint::of(EventKind::ProductAdded)
            .with("product_id", "a")
            .with("price", 10.0);
        p.record(&add, 1, &lc());
        p.record(&add.clone().with("quantity", 2), 2, &lc());
        assert_eq!(p.cart[0].quantity, 3);
        assert_eq!(p.cart_value(), 30.0);
        p.record(
            &Touchpoint::of(EventKind::ProductRemoved).with("product_id", "a"),
            3,
            &lc(),
        );
        assert_eq!(p.cart[0].quantity, 2);
        p.record(
            &Touchpoint::of(EventKind::ProductRemoved)
                .with("product_id", "a")
                .with("quantity", 5),
            4,
            &lc(),
        );
        assert!(p.cart.is_empty());
    }

    #[test]
    fn order_uses_cart_value_when_no_revenue_given() {
        let mut p = Profile::default();
        p.record(
            &Touchpoint::of(EventKind::ProductAdded)
                .with("product_id", "a")
                .with("price", 25.0),
            1,
            &lc(),
        );
        p.record(&Touchpoint::of(EventKind::OrderCompleted), 2, &lc());
        assert_eq!((p.orders, p.revenue), (1, 25.0));
        assert!(p.cart.is_empty());
    }

    #[test]
    fn interests_decay_with_half_life() {
        let mut p = Profile::default();
        let view = Touchpoint::of(EventKind::ProductViewed).with("category", "Shoes");
        p.record(&view, 0, &lc());
        let at_half_life = 30 * DAY_MS;
        let i = p.interests_at(at_half_life, &lc());
        assert_eq!(i[0].0, "Shoes");
        assert!((i[0].1 - 0.5).abs() < 1e-9);
    }

    #[test]
    fn retention_rolls_up_old_touchpoints_but_keeps_counts() {
        let mut p = Profile::default();
        let r = RetentionConfig {
            max_touchpoints: 3,
            ..RetentionConfig::default()
        };
        for i in 0..10 {
            p.record(&Touchpoint::of(EventKind::PageViewed), i, &lc());
            p.apply_retention(i, &r);
        }
        assert_eq!(p.recent.len(), 3);
        assert_eq!(p.counts["Page Viewed"], 10);
        p.apply_retention(200 * DAY_MS, &r);
        assert!(p.recent.is_empty());
    }

    #[test]
    fn retention_drops_past_the_limit_then_by_age_from_the_oldest() {
        let r = RetentionConfig {
            max_touchpoints: 3,
            touchpoint_days: 1,
            ..RetentionConfig::default()
        };
        let now = 10 * DAY_MS;
        // Oldest first: too old, recent, too old, recent, recent.
        let mut p = Profile::default();
        for at in [0, now, 1, now, now] {
            p.record(&Touchpoint::of(EventKind::PageViewed), at, &lc());
        }
        assert!(p.apply_retention(now, &r));
        // Two over the limit go whatever their age; then the old one now at the front.
        assert_eq!(p.recent.len(), 2);
        assert!(p.recent.iter().all(|t| t.at_ms == now));
        assert!(!p.apply_retention(now, &r));
    }

    #[test]
    fn custom_event_names_are_bounded() {
        let mut p = Profile::default();
        for i in 0..500 {
            p.record(
                &Touchpoint::new(&format!("custom {i}"), Default::default()),
                i,
                &lc(),
            );
        }
        assert!(p.counts.len() <= MAX_COUNTED_NAMES + 1);
        assert!(p.counts[OTHER_EVENTS] > 0);
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
