//! Touchpoints: the typed vocabulary of what a visitor did.
//!
//! Names follow the Segment e-commerce spec v2 (canonical) and accept GA4 recommended event names
//! and a few Trailmark-specific names as aliases, so a site's existing `dataLayer` pushes or
//! `analytics.track` calls can feed the engine unchanged. Unknown names are kept as
//! [`EventKind::Custom`] with their original name, never dropped.

use alloc::{borrow::ToOwned, string::String};
use serde_json::{Map, Value};

use super::props::{self, Prop, Props};

/// What kind of interaction a touchpoint records.
///
/// The canonical name of each kind is returned by [`EventKind::name`]; [`EventKind::parse`]
/// accepts the canonical name and its aliases, case-insensitively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventKind {
    /// A page was viewed (`page_view`).
    PageViewed,
    /// A product list or category page was viewed (`view_item_list`).
    ProductListViewed,
    /// A product list was filtered or sorted.
    ProductListFiltered,
    /// A product was clicked in a list (`select_item`).
    ProductClicked,
    /// A product detail was viewed (`view_item`).
    ProductViewed,
    /// Products were compared side by side.
    ProductsCompared,
    /// The site was searched (`search`, `view_search_results`).
    ProductsSearched,
    /// A product was added to the cart (`add_to_cart`).
    ProductAdded,
    /// A product was removed from the cart (`remove_from_cart`).
    ProductRemoved,
    /// The cart was viewed (`view_cart`).
    CartViewed,
    /// Checkout began (`begin_checkout`).
    CheckoutStarted,
    /// A checkout step was viewed.
    CheckoutStepViewed,
    /// A checkout step was completed (`add_shipping_info`).
    CheckoutStepCompleted,
    /// Payment details were entered (`add_payment_info`).
    PaymentInfoEntered,
    /// A payment attempt failed.
    PaymentFailed,
    /// An order was placed (`purchase`).
    OrderCompleted,
    /// An order was refunded (`refund`).
    OrderRefunded,
    /// An order was cancelled.
    OrderCancelled,
    /// A coupon was applied.
    CouponApplied,
    /// A product was added to a wishlist (`add_to_wishlist`).
    ProductAddedToWishlist,
    /// A product was shared (`share`).
    ProductShared,
    /// Product reviews were read.
    ReviewsViewed,
    /// The visitor wrote a review.
    ProductReviewed,
    /// A promotion was viewed (`view_promotion`).
    PromotionViewed,
    /// A promotion was clicked (`select_promotion`).
    PromotionClicked,
    /// An account was created (`sign_up`).
    SignedUp,
    /// The visitor signed in (`login`).
    SignedIn,
    /// A form was submitted (`generate_lead`).
    FormSubmitted,
    /// A marked element was clicked (`data-tm-event` without a more specific name).
    ElementClicked,
    /// The page was scrolled to a depth threshold (property `depth`, percent).
    ScrollDepth,
    /// The visitor was engaged with the page for a while (property `seconds`).
    Engaged,
    /// A video started playing.
    VideoPlayed,
    /// Support or help was contacted.
    SupportContacted,
    /// Help or documentation content was viewed.
    HelpViewed,
    /// A survey question was answered.
    SurveyAnswered,
    /// A prompt was shown.
    PromptShown,
    /// A prompt was clicked.
    PromptClicked,
    /// A prompt was dismissed.
    PromptDismissed,
    /// A referral link or code was shared.
    ReferralSent,
    /// The visitor's own account area was viewed.
    AccountViewed,
    /// Anything else; the touchpoint keeps the name it was given.
    Custom,
}

/// Every known kind in declaration order: its position is its [`EventKind::code`] and its line
/// in [`NAMES`].
const KINDS: [EventKind; 40] = {
    use EventKind::*;
    [
        PageViewed,
        ProductListViewed,
        ProductListFiltered,
        ProductClicked,
        ProductViewed,
        ProductsCompared,
        ProductsSearched,
        ProductAdded,
        ProductRemoved,
        CartViewed,
        CheckoutStarted,
        CheckoutStepViewed,
        CheckoutStepCompleted,
        PaymentInfoEntered,
        PaymentFailed,
        OrderCompleted,
        OrderRefunded,
        OrderCancelled,
        CouponApplied,
        ProductAddedToWishlist,
        ProductShared,
        ReviewsViewed,
        ProductReviewed,
        PromotionViewed,
        PromotionClicked,
        SignedUp,
        SignedIn,
        FormSubmitted,
        ElementClicked,
        ScrollDepth,
        Engaged,
        VideoPlayed,
        SupportContacted,
        HelpViewed,
        SurveyAnswered,
        PromptShown,
        PromptClicked,
        PromptDismissed,
        ReferralSent,
        AccountViewed,
    ]
};

/// Canonical name and accepted aliases of every known kind, `|`-separated, one line per kind in
/// [`KINDS`] order: one table, so that parsing and naming can never disagree. Text rather than a
/// table of `&str`s, whose pointers and lengths compress poorly: with [`INDEX`], 0.16 KB brotli
/// smaller.
/// The last line has no newline, so `Custom` (past it) has no line.
const NAMES: &str = concat!(
    "Page Viewed|page_view|page|pageview\n",
    "Product List Viewed|view_item_list|catalog\n",
    "Product List Filtered|filter_results\n",
    "Product Clicked|select_item\n",
    "Product Viewed|view_item|product_view\n",
    "Products Compared|compare\n",
    "Products Searched|search|view_search_results\n",
    "Product Added|add_to_cart\n",
    "Product Removed|remove_from_cart\n",
    "Cart Viewed|view_cart|cart\n",
    "Checkout Started|begin_checkout\n",
    "Checkout Step Viewed\n",
    "Checkout Step Completed|add_shipping_info|shipping_details\n",
    "Payment Info Entered|add_payment_info|payment_details\n",
    "Payment Failed|payment_error|payment_failed\n",
    "Order Completed|purchase\n",
    "Order Refunded|refund\n",
    "Order Cancelled\n",
    "Coupon Applied\n",
    "Product Added to Wishlist|add_to_wishlist|wishlist_add\n",
    "Product Shared|share\n",
    "Reviews Viewed|review_page|view_reviews\n",
    "Product Reviewed|write_review\n",
    "Promotion Viewed|view_promotion|promo_page\n",
    "Promotion Clicked|select_promotion\n",
    "Signed Up|sign_up\n",
    "Signed In|login\n",
    "Form Submitted|generate_lead|form_submit\n",
    "Element Clicked|click\n",
    "Scroll Depth Reached|scroll\n",
    "Engaged|user_engagement\n",
    "Video Playback Started|video_start\n",
    "Support Contacted|support_chat|contact\n",
    "Help Viewed|view_help\n",
    "Survey Answered|survey_answer\n",
    "Prompt Shown|prompt_shown\n",
    "Prompt Clicked|prompt_clicked\n",
    "Prompt Dismissed|prompt_dismissed\n",
    "Referral Sent|refer_friend\n",
    "Account Viewed|account_page",
);

/// How many names [`NAMES`] holds (canonical names and aliases).
const NAME_COUNT: usize = {
    let (b, mut i, mut n) = (NAMES.as_bytes(), 0, 1);
    while i < b.len() {
        if b[i] == b'|' || b[i] == b'\n' {
            n += 1;
        }
        i += 1;
    }
    n
};

/// Where each name of [`NAMES`] starts (`start[NAME_COUNT]` is one past the end, as if a
/// separator followed the last name), the kind each belongs to (its line), and the first name of
/// each line: worked out at compile time, so a lookup reads no separators.
struct NameIndex {
    start: [u16; NAME_COUNT + 1],
    kind: [u8; NAME_COUNT],
    first: [u8; KINDS.len()],
}

static INDEX: NameIndex = {
    let b = NAMES.as_bytes();
    let mut ix = NameIndex {
        start: [0; NAME_COUNT + 1],
        kind: [0; NAME_COUNT],
        first: [0; KINDS.len()],
    };
    let (mut i, mut n, mut line) = (0, 1, 0);
    while i < b.len() {
        if b[i] == b'|' || b[i] == b'\n' {
            if b[i] == b'\n' {
                line += 1;
                ix.first[line] = n as u8;
            }
            ix.start[n] = (i + 1) as u16;
            ix.kind[n] = line as u8;
            n += 1;
        }
        i += 1;
    }
    ix.start[n] = (b.len() + 1) as u16;
    ix
};

/// Name `i` of [`NAMES`] (`i < NAME_COUNT`).
fn name_at(i: usize) -> &'static str {
    let (from, to) = (INDEX.start[i] as usize, INDEX.start[i + 1] as usize - 1);
    NAMES.get(from..to).unwrap_or("")
}

impl EventKind {
    /// Every known kind, in declaration order (excluding [`EventKind::Custom`]).
    pub fn all() -> impl Iterator<Item = EventKind> {
        KINDS.into_iter()
    }

    /// The canonical (Segment-style) name, e.g. `"Product Viewed"`; `"Custom"` for custom events.
    pub fn name(self) -> &'static str {
        // `Custom` is past the last line.
        match INDEX.first.get(self as usize) {
            Some(&i) => name_at(i as usize),
            None => "Custom",
        }
    }

    /// Parses a canonical name or alias, ignoring ASCII case and treating `_`, `-` and space
    /// alike (`"product_viewed"`, `"Product Viewed"` and `"view_item"` all give
    /// [`EventKind::ProductViewed`]). Unknown names give `None`.
    pub fn parse(name: &str) -> Option<EventKind> {
        // Through the index, not by splitting the text: config event names are parsed on every
        // touchpoint (micro-journey steps, prompt triggers), and scanning the whole text each
        // time cost the browser about 9 µs per event.
        let mut i = 0;
        while i < NAME_COUNT {
            if loose_eq(name_at(i), name) {
                return KINDS.get(INDEX.kind[i] as usize).copied();
            }
            i += 1;
        }
        None
    }

    /// Stable small number used by the persisted-state codec. Never reorder: append new kinds.
    pub fn code(self) -> u8 {
        if self == EventKind::Custom {
            return 255;
        }
        self as u8
    }

    /// Inverse of [`EventKind::code`].
    pub fn from_code(code: u8) -> Option<EventKind> {
        if code == 255 {
            return Some(EventKind::Custom);
        }
        KINDS.get(code as usize).copied()
    }
}

/// The largest money amount a touchpoint may carry. Amounts are clamped to `0..=MAX_AMOUNT` so that
/// sums over a profile's lifetime stay finite (a hostile `price: 1e308` must not turn revenue into
/// infinity or NaN).
pub const MAX_AMOUNT: f64 = 1e12;

fn clamp_amount(v: f64) -> f64 {
    crate::core::number::clamp(v, 0.0, MAX_AMOUNT)
}

fn loose_eq(a: &str, b: &str) -> bool {
    fn norm(c: u8) -> u8 {
        match c {
            b'_' | b'-' => b' ',
            c => c.to_ascii_lowercase(),
        }
    }
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| norm(x) == norm(y))
}

/// One interaction, as fed to [`crate::core::Engine::ingest`].
///
/// Properties follow the Segment spec where one exists (`product_id`, `category`, `price`,
/// `quantity`, `revenue`/`total`, `query`, `step`), with GA4 shapes (`items[]`, `value`,
/// `search_term`) read as fallbacks by the accessors below.
#[derive(Clone, Debug, PartialEq)]
pub struct Touchpoint {
    /// What happened.
    pub kind: EventKind,
    /// The name as given for custom events; the canonical name otherwise.
    pub name: String,
    /// Free-form properties.
    pub props: Props,
    /// The page URL at the time, when known (used for channel classification and path rules).
    pub url: Option<String>,
    /// `document.referrer` at the time, when known.
    pub referrer: Option<String>,
}

impl Touchpoint {
    /// A touchpoint from a name (canonical, alias or custom) and properties.
    pub fn new(name: &str, props: Map<String, Value>) -> Touchpoint {
        Touchpoint::with_props(name, props::from_map(props))
    }

    /// A touchpoint from a name (canonical, alias or custom) and properties already read.
    pub fn with_props(name: &str, props: Props) -> Touchpoint {
        let kind = EventKind::parse(name).unwrap_or(EventKind::Custom);
        let name = match kind {
            EventKind::Custom => name.to_owned(),
            k => k.name().to_owned(),
        };
        Touchpoint {
            kind,
            name,
            props,
            url: None,
            referrer: None,
        }
    }

    /// A touchpoint of a known kind with no properties.
    pub fn of(kind: EventKind) -> Touchpoint {
        Touchpoint {
            kind,
            name: kind.name().to_owned(),
            props: Props::new(),
            url: None,
            referrer: None,
        }
    }

    /// A page view of `url`, arriving from `referrer`.
    pub fn page(url: &str, referrer: Option<&str>) -> Touchpoint {
        let mut t = Touchpoint::of(EventKind::PageViewed);
        t.url = Some(url.to_owned());
        t.referrer = referrer.map(str::to_owned);
        t
    }

    /// Sets a property, builder-style.
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Touchpoint {
        self.props.insert(key.to_owned(), value.into().into());
        self
    }

    /// Sets the page URL, builder-style.
    pub fn at_url(mut self, url: &str) -> Touchpoint {
        self.url = Some(url.to_owned());
        self
    }

    /// A string property, also accepting numbers (ids are often numeric).
    pub fn str_prop(&self, key: &str) -> Option<String> {
        text(self.props.get(key)?)
    }

    /// Whether every `(key, value)` of `wanted` is a property of this touchpoint as text (a
    /// signal's or step's `where`): one function for both, so the wasm has one copy. Compared
    /// in place, with no `String` made per property as `str_prop` would (62 B brotli).
    pub(crate) fn has_props(&self, wanted: &crate::core::map::SortedMap<String, String>) -> bool {
        wanted.iter().all(|(k, v)| match self.props.get(k) {
            Some(Prop::Text(s)) => !s.is_empty() && s == v,
            Some(Prop::Number(n)) => number_text(n) == *v,
            _ => false,
        })
    }

    /// A numeric property, also accepting numeric strings.
    pub fn num_prop(&self, key: &str) -> Option<f64> {
        let v = match self.props.get(key)? {
            Prop::Number(n) => n.as_f64(),
            Prop::Text(s) => crate::core::number::parse(s.trim_ascii()),
            _ => None,
        }?;
        v.is_finite().then_some(v)
    }

    /// The first GA4 `items[]` entry, if any.
    fn first_item(&self) -> Option<&Props> {
        match self.props.get("items")? {
            Prop::List(items) => match items.first()? {
                Prop::Object(item) => Some(item),
                _ => None,
            },
            _ => None,
        }
    }

    fn item_str(&self, key: &str) -> Option<String> {
        text(self.first_item()?.get(key)?)
    }

    /// The product this touchpoint is about (`product_id`, `sku`, `id` or GA4 `items[0].item_id`).
    pub fn product_id(&self) -> Option<String> {
        self.str_prop("product_id")
            .or_else(|| self.str_prop("sku"))
            .or_else(|| self.str_prop("id"))
            .or_else(|| self.item_str("item_id"))
    }

    /// The product or list category (`category` or GA4 `items[0].item_category`).
    pub fn category(&self) -> Option<String> {
        self.str_prop("category")
            .or_else(|| self.item_str("item_category"))
    }

    /// Unit price (`price` or `items[0].price`), within `0..=MAX_AMOUNT`.
    pub fn price(&self) -> Option<f64> {
        self.num_prop("price")
            .or_else(|| self.first_item()?.get("price")?.as_f64())
            .filter(|p| p.is_finite())
            .map(clamp_amount)
    }

    /// Quantity, defaulting to 1 and never below 1.
    pub fn quantity(&self) -> u32 {
        let q = self
            .num_prop("quantity")
            .or_else(|| self.first_item()?.get("quantity")?.as_f64());
        q.map_or(1, |q| {
            crate::core::number::clamp(q, 1.0, 1_000_000.0) as u32
        })
    }

    /// Monetary value of an order (`revenue`, `total`, `value`), within `0..=MAX_AMOUNT`.
    pub fn value(&self) -> Option<f64> {
        self.num_prop("revenue")
            .or_else(|| self.num_prop("total"))
            .or_else(|| self.num_prop("value"))
            .map(clamp_amount)
    }

    /// Search query (`query` or GA4 `search_term`).
    pub fn query(&self) -> Option<String> {
        self.str_prop("query")
            .or_else(|| self.str_prop("search_term"))
    }
}

/// A string or numeric property as text (`None` for an empty string and other values).
fn text(p: &Prop) -> Option<String> {
    match p {
        Prop::Text(s) if !s.is_empty() => Some(s.clone()),
        Prop::Number(n) => Some(number_text(n)),
        _ => None,
    }
}

/// A numeric property as text: integers as they are, other numbers in the shortest plain
/// decimal form that reads back the same (`number::short`; `12.5`, `0.1`). Not serde_json's
/// `to_string`, whose float formatter and its tables would cost the wasm 2.5 KB brotli for
/// the rare fractional id; the two differ only for numbers beyond 15 significant digits or
/// written with an exponent.
fn number_text(n: &serde_json::Number) -> String {
    // Integers written by hand, as `to_string` would: its `Display` keeps `core::fmt` in the wasm.
    if let Some(i) = n.as_i64() {
        crate::core::number::signed(i)
    } else if let Some(u) = n.as_u64() {
        crate::core::number::integer(u)
    } else {
        crate::core::number::short(n.as_f64().unwrap_or(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ids_read_as_their_shortest_decimal_text() {
        let tp = |v: serde_json::Value| {
            let mut props = serde_json::Map::new();
            props.insert("product_id".into(), v);
            Touchpoint::new("Product Viewed", props).product_id()
        };
        assert_eq!(tp(serde_json::json!(12)).as_deref(), Some("12"));
        assert_eq!(tp(serde_json::json!(-3)).as_deref(), Some("-3"));
        assert_eq!(
            tp(serde_json::json!(u64::MAX)).as_deref(),
            Some("18446744073709551615")
        );
        assert_eq!(tp(serde_json::json!(12.5)).as_deref(), Some("12.5"));
        assert_eq!(tp(serde_json::json!(0.1)).as_deref(), Some("0.1"));
        assert_eq!(
            tp(serde_json::json!(123456.789)).as_deref(),
            Some("123456.789")
        );
    }

    #[test]
    fn aliases_map_to_canonical_kinds() {
        assert_eq!(
            EventKind::parse("view_item"),
            Some(EventKind::ProductViewed)
        );
        assert_eq!(
            EventKind::parse("PRODUCT VIEWED"),
            Some(EventKind::ProductViewed)
        );
        assert_eq!(
            EventKind::parse("product_viewed"),
            Some(EventKind::ProductViewed)
        );
        assert_eq!(
            EventKind::parse("purchase"),
            Some(EventKind::OrderCompleted)
        );
        assert_eq!(
            EventKind::parse("begin_checkout"),
            Some(EventKind::CheckoutStarted)
        );
        assert_eq!(EventKind::parse("chekout"), None);
    }

    #[test]
    fn every_kind_has_its_line() {
        assert_eq!(NAMES.lines().count(), KINDS.len());
        for (i, k) in KINDS.into_iter().enumerate() {
            assert_eq!(k as usize, i, "{k:?} is out of declaration order");
        }
        assert_eq!(EventKind::PageViewed.name(), "Page Viewed");
        assert_eq!(EventKind::AccountViewed.name(), "Account Viewed");
        assert_eq!(EventKind::Custom.name(), "Custom");
        assert_eq!(
            EventKind::parse("account_page"),
            Some(EventKind::AccountViewed)
        );
        assert_eq!(EventKind::parse("Custom"), None);
        assert_eq!(EventKind::parse(""), None);
    }

    #[test]
    fn the_name_index_matches_the_text() {
        let names: Vec<(usize, &str)> = NAMES
            .lines()
            .enumerate()
            .flat_map(|(line, l)| l.split('|').map(move |n| (line, n)))
            .collect();
        assert_eq!(names.len(), NAME_COUNT);
        for (i, (line, n)) in names.iter().enumerate() {
            assert_eq!(name_at(i), *n);
            assert_eq!(EventKind::parse(n), Some(KINDS[*line]), "{n}");
        }
        for (k, line) in KINDS.iter().zip(NAMES.lines()) {
            assert_eq!(Some(k.name()), line.split('|').next());
        }
    }

    #[test]
    fn codes_round_trip_and_names_are_unique() {
        let mut names = std::collections::BTreeSet::new();
        for k in EventKind::all() {
            assert_eq!(EventKind::from_code(k.code()), Some(k));
            assert!(names.insert(k.name()), "duplicate name {}", k.name());
        }
        assert_eq!(
            EventKind::from_code(EventKind::Custom.code()),
            Some(EventKind::Custom)
        );
    }

    #[test]
    fn unknown_names_are_kept_as_custom() {
        let t = Touchpoint::new("Newsletter Opened", Map::new());
        assert_eq!(t.kind, EventKind::Custom);
        assert_eq!(t.name, "Newsletter Opened");
    }

    #[test]
    fn ga4_items_feed_product_accessors() {
        let t = Touchpoint::new(
            "add_to_cart",
            serde_json::json!({"items": [{"item_id": "SKU1", "item_category": "Shoes", "price": 59.5, "quantity": 2}]})
                .as_object()
                .cloned()
                .unwrap(),
        );
        assert_eq!(t.kind, EventKind::ProductAdded);
        assert_eq!(t.product_id().as_deref(), Some("SKU1"));
        assert_eq!(t.category().as_deref(), Some("Shoes"));
        assert_eq!(t.price(), Some(59.5));
        assert_eq!(t.quantity(), 2);
    }
}
