//! Reading session logs line by line for `model build` and `eval recs`: nothing is held per line
//! beyond the line itself.
//!
//! Formats (chosen by content, per line):
//! - TSV / whitespace-separated `SessionId ItemId Time` (YOOCHOOSE as in session-rec; a header
//!   line whose third field is not a number is skipped). Time in seconds. Every line is a view.
//! - JSON Lines, one event per line: `{"session", "item" | "product_id" | "aid", "time" (s) |
//!   "ts" (ms) | "timestamp" (ms), "type" | "event"}`; types `clicks`/`view`/`Product Viewed`...
//!   are views, `carts`/`add_to_cart`/`Product Added` carts, `orders`/`purchase`/`Order
//!   Completed` orders.
//! - JSON Lines, one session per line (OTTO): `{"session", "events": [{"aid", "ts", "type"}]}`.
//!
//! A session is a run of consecutive lines with the same id (the logs are sorted by session).

use std::io::BufRead;

use trailmark::core::recommend::build::Interaction;

/// One event of a log.
pub struct Event<'a> {
    pub session: &'a str,
    pub item: &'a str,
    pub time_s: f64,
    pub kind: Interaction,
}

fn kind_of(name: &str) -> Interaction {
    match name {
        "carts" | "cart" | "add_to_cart" | "Product Added" => Interaction::Cart,
        "orders" | "order" | "purchase" | "Order Completed" => Interaction::Order,
        _ => Interaction::View,
    }
}

fn id_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Calls `f` for every event of the log in order; `progress` every 100,000 lines. Errors name
/// the line.
pub fn read(
    input: impl BufRead,
    what: &str,
    mut f: impl FnMut(Event<'_>),
    mut progress: impl FnMut(usize),
) -> Result<usize, String> {
    let mut events = 0;
    for (n, line) in input.lines().enumerate() {
        let line = line.map_err(|e| format!("{what}: line {}: {e}", n + 1))?;
        if n % 100_000 == 0 && n > 0 {
            progress(n);
        }
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let bad = |m: &str| format!("{what}: line {}: {m}", n + 1);
        if t.starts_with('{') {
            let v: serde_json::Value =
                serde_json::from_str(t).map_err(|e| bad(&format!("not JSON: {e}")))?;
            let session = v
                .get("session")
                .or_else(|| v.get("session_id"))
                .and_then(id_text)
                .ok_or_else(|| bad("no \"session\""))?;
            if let Some(list) = v.get("events").and_then(|e| e.as_array()) {
                for e in list {
                    let item = e
                        .get("aid")
                        .and_then(id_text)
                        .ok_or_else(|| bad("event without \"aid\""))?;
                    let ts = e.get("ts").and_then(|t| t.as_f64()).unwrap_or(0.0) / 1000.0;
                    let kind = kind_of(e.get("type").and_then(|t| t.as_str()).unwrap_or(""));
                    f(Event {
                        session: &session,
                        item: &item,
                        time_s: ts,
                        kind,
                    });
                    events += 1;
                }
                continue;
            }
            let item = ["item", "product_id", "aid", "item_id"]
                .iter()
                .find_map(|k| v.get(*k).and_then(id_text))
                .ok_or_else(|| bad("no \"item\" / \"product_id\" / \"aid\""))?;
            let time_s = match (v.get("time"), v.get("ts").or_else(|| v.get("timestamp"))) {
                (Some(t), _) => t.as_f64().ok_or_else(|| bad("\"time\" is not a number"))?,
                (None, Some(t)) => {
                    t.as_f64().ok_or_else(|| bad("\"ts\" is not a number"))? / 1000.0
                }
                (None, None) => 0.0,
            };
            let kind = kind_of(
                v.get("type")
                    .or_else(|| v.get("event"))
                    .and_then(|t| t.as_str())
                    .unwrap_or(""),
            );
            f(Event {
                session: &session,
                item: &item,
                time_s,
                kind,
            });
            events += 1;
        } else {
            let mut parts = t.split(['\t', ' ', ',', ';']).filter(|p| !p.is_empty());
            let (Some(session), Some(item), Some(time)) =
                (parts.next(), parts.next(), parts.next())
            else {
                return Err(bad("expected `SessionId ItemId Time`"));
            };
            let Ok(time_s) = time.parse::<f64>() else {
                if n == 0 {
                    continue; // header
                }
                return Err(bad("Time is not a number"));
            };
            f(Event {
                session,
                item,
                time_s,
                kind: Interaction::View,
            });
            events += 1;
        }
    }
    Ok(events)
}
