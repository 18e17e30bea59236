//! The opt-in export's wire format: queued touchpoints as a Segment HTTP API `batch` payload
//! (`{batch: [{type, event | name, properties, messageId, anonymousId, userId?, timestamp,
//! context}], sentAt}`), which Segment, RudderStack, Jitsu and other Segment-compatible
//! collectors accept.
//!
//! Every event's `messageId` is derived from the touchpoint's own id (`<tab>.<n>`, given by the
//! browser runtime when the touchpoint is accepted and stored with it in the export queue), so a
//! retried or re-sent batch carries the same ids and a collector deduplicates it. Timestamps are
//! the touchpoint's time, not the time of sending. The payload is a `serde_json::Value`: the
//! browser turns it into text and splits batches over 64 KiB (`js/exporter.js`), so the wasm
//! carries no JSON writer.
//!
//! What is sent is exactly what the touchpoint recorded (name, properties, page URL and
//! referrer) plus the visitor's anonymous id and, after `identify`, the user id: no user agent,
//! no screen, no locale, nothing from the profile.

use alloc::{borrow::ToOwned, string::String};
use serde_json::{Map, Value};

/// `library.name` in each event's context.
pub const LIBRARY: &str = "trailmark";

/// One queued touchpoint.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportEvent {
    /// The runtime's touchpoint id (`<tab>.<n>`), unique per visitor.
    pub id: String,
    /// Event name as tracked.
    pub name: String,
    /// Properties as tracked.
    pub props: Map<String, Value>,
    /// Page URL.
    pub url: Option<String>,
    /// Referrer, when the touchpoint had one.
    pub referrer: Option<String>,
    /// When it happened (ms since the Unix epoch).
    pub at_ms: u64,
}

impl ExportEvent {
    /// Reads `{id, name, props?, url?, referrer?, at}` (the export queue's entries). `None` when
    /// `id`, `name` or `at` is missing or of the wrong type.
    pub fn from_json(v: &Value) -> Option<ExportEvent> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
        let at = v.get("at").and_then(Value::as_f64)?;
        if at.is_nan() || at < 0.0 {
            return None;
        }
        Some(ExportEvent {
            id: s("id").filter(|i| !i.is_empty())?,
            name: s("name").filter(|n| !n.is_empty())?,
            props: v
                .get("props")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            url: s("url"),
            referrer: s("referrer"),
            at_ms: at as u64,
        })
    }
}

/// The deduplication id of a touchpoint: the same for every send of it.
pub fn message_id(namespace: &str, id: &str) -> String {
    let mut out = String::with_capacity(4 + namespace.len() + id.len());
    out.push_str("tm-");
    out.push_str(namespace);
    out.push('-');
    out.push_str(id);
    out
}

/// Who the events are about.
#[derive(Clone, Copy, Debug)]
pub struct Sender<'a> {
    /// Storage namespace (part of each message id).
    pub namespace: &'a str,
    /// A random id the browser keeps for this visitor (required by the Segment spec).
    pub anonymous_id: &'a str,
    /// The id given to `identify`, if any.
    pub user_id: Option<&'a str>,
    /// Trailmark's version, for `context.library`.
    pub version: &'a str,
}

/// One Segment event. `Page Viewed` becomes a `page` call (its `title` as `name`); everything
/// else a `track` call.
pub fn segment_event(e: &ExportEvent, who: &Sender<'_>) -> Value {
    let mut o = Map::new();
    let mut props = e.props.clone();
    if e.name == "Page Viewed" {
        o.insert("type".into(), "page".into());
        if let Some(Value::String(t)) = props.get("title") {
            o.insert("name".into(), t.clone().into());
        }
        if let Some(u) = &e.url {
            props.entry("url").or_insert_with(|| u.clone().into());
        }
        if let Some(r) = &e.referrer {
            props.entry("referrer").or_insert_with(|| r.clone().into());
        }
    } else {
        o.insert("type".into(), "track".into());
        o.insert("event".into(), e.name.clone().into());
    }
    o.insert("properties".into(), Value::Object(props));
    o.insert("messageId".into(), message_id(who.namespace, &e.id).into());
    o.insert("anonymousId".into(), who.anonymous_id.into());
    if let Some(u) = who.user_id {
        o.insert("userId".into(), u.into());
    }
    o.insert("timestamp".into(), iso8601(e.at_ms).into());
    let mut page = Map::new();
    if let Some(u) = &e.url {
        page.insert("url".into(), u.clone().into());
    }
    if let Some(r) = &e.referrer {
        page.insert("referrer".into(), r.clone().into());
    }
    let mut library = Map::new();
    library.insert("name".into(), LIBRARY.into());
    library.insert("version".into(), who.version.into());
    let mut context = Map::new();
    context.insert("library".into(), Value::Object(library));
    if !page.is_empty() {
        context.insert("page".into(), Value::Object(page));
    }
    o.insert("context".into(), Value::Object(context));
    Value::Object(o)
}

/// The whole payload for `events`, in order.
pub fn segment_batch(events: &[ExportEvent], who: &Sender<'_>, sent_at_ms: u64) -> Value {
    let mut o = Map::new();
    o.insert(
        "batch".into(),
        Value::Array(events.iter().map(|e| segment_event(e, who)).collect()),
    );
    o.insert("sentAt".into(), iso8601(sent_at_ms).into());
    Value::Object(o)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for milliseconds since the Unix epoch (UTC; years up to 9999),
/// with integer arithmetic only (no float formatting in the wasm).
pub fn iso8601(ms: u64) -> String {
    let days = ms / 86_400_000;
    let rem = ms % 86_400_000;
    // Howard Hinnant's civil_from_days, for days >= 0.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    // (value, width, separator after it)
    let parts = [
        (year.min(9999), 4, b'-'),
        (month, 2, b'-'),
        (day, 2, b'T'),
        (rem / 3_600_000, 2, b':'),
        (rem / 60_000 % 60, 2, b':'),
        (rem / 1000 % 60, 2, b'.'),
        (rem % 1000, 3, b'Z'),
    ];
    let mut out = String::with_capacity(24);
    for (n, width, sep) in parts {
        let mut digits = [b'0'; 4];
        let mut n = n;
        for d in digits[..width].iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        for &d in &digits[..width] {
            out.push(d as char);
        }
        out.push(sep as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WHO: Sender<'static> = Sender {
        namespace: "shop",
        anonymous_id: "anon-1",
        user_id: None,
        version: "0.1.0",
    };

    fn event(v: Value) -> ExportEvent {
        ExportEvent::from_json(&v).unwrap()
    }

    #[test]
    fn iso8601_matches_known_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso8601(1_798_761_599_999), "2026-12-31T23:59:59.999Z");
        assert_eq!(iso8601(4_107_542_400_000), "2100-03-01T00:00:00.000Z");
    }

    #[test]
    fn a_batch_is_segment_shaped_with_stable_message_ids() {
        let events = [
            event(
                json!({"id": "ab12.1", "name": "Page Viewed", "props": {"path": "/", "title": "Home"},
                "url": "https://shop.test/", "referrer": "https://www.google.com/", "at": 1_700_000_000_000u64}),
            ),
            event(
                json!({"id": "ab12.2", "name": "Product Added", "props": {"product_id": "p1", "price": 9.5},
                "url": "https://shop.test/p1", "at": 1_700_000_001_000u64}),
            ),
        ];
        let who = Sender {
            user_id: Some("u-7"),
            ..WHO
        };
        let batch = segment_batch(&events, &who, 1_700_000_002_000);
        assert_eq!(
            batch,
            json!({
                "batch": [
                    {"type": "page", "name": "Home",
                     "properties": {"path": "/", "title": "Home", "url": "https://shop.test/", "referrer": "https://www.google.com/"},
                     "messageId": "tm-shop-ab12.1", "anonymousId": "anon-1", "userId": "u-7",
                     "timestamp": "2023-11-14T22:13:20.000Z",
                     "context": {"library": {"name": "trailmark", "version": "0.1.0"},
                                 "page": {"url": "https://shop.test/", "referrer": "https://www.google.com/"}}},
                    {"type": "track", "event": "Product Added",
                     "properties": {"product_id": "p1", "price": 9.5},
                     "messageId": "tm-shop-ab12.2", "anonymousId": "anon-1", "userId": "u-7",
                     "timestamp": "2023-11-14T22:13:21.000Z",
                     "context": {"library": {"name": "trailmark", "version": "0.1.0"},
                                 "page": {"url": "https://shop.test/p1"}}}
                ],
                "sentAt": "2023-11-14T22:13:22.000Z"
            })
        );
        // Sending the same touchpoints again (a retry, a later page) gives the same ids.
        let again = segment_batch(&events[1..], &WHO, 1_800_000_000_000);
        assert_eq!(again["batch"][0]["messageId"], "tm-shop-ab12.2");
        assert_eq!(again["batch"][0]["timestamp"], "2023-11-14T22:13:21.000Z");
        assert!(again["batch"][0].get("userId").is_none());
    }

    #[test]
    fn queue_entries_without_id_name_or_time_are_refused() {
        assert!(ExportEvent::from_json(&json!({"name": "x", "at": 1})).is_none());
        assert!(ExportEvent::from_json(&json!({"id": "a.1", "at": 1})).is_none());
        assert!(ExportEvent::from_json(&json!({"id": "a.1", "name": "x"})).is_none());
        assert!(ExportEvent::from_json(&json!({"id": "a.1", "name": "x", "at": -1})).is_none());
        assert!(
            ExportEvent::from_json(&json!({"id": "a.1", "name": "x", "at": 5, "props": 3}))
                .is_some_and(|e| e.props.is_empty())
        );
    }
}
