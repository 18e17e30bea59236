//! Reading a [`PageContext`] from JSON by hand (the browser passes one to every decision), with
//! the same rules as its serde derive (every field optional, `null` as absent, unknown fields
//! refused), except that `consent: null` is accepted as no consent signals. Hand-written so the browser build carries no serde visitor for it.

use alloc::{borrow::ToOwned, format, string::String};
use serde_json::Value;

use super::context::{Device, PageContext};
use crate::core::error::quote;

const FIELDS: &[&str] = &["url", "path", "device", "consent", "hour", "weekday"];

impl PageContext {
    /// Reads `{url, path, device, consent, hour, weekday}`; `null` is the empty context. The
    /// error names the field: `device: must be "mobile", "tablet" or "desktop"`.
    ///
    /// ```
    /// use trailmark::core::PageContext;
    /// let page = PageContext::from_json(&serde_json::json!({"url": "https://a.example/x", "hour": 18})).unwrap();
    /// assert_eq!(page.hour, Some(18));
    /// assert!(PageContext::from_json(&serde_json::json!({"hour": "6pm"})).is_err());
    /// ```
    pub fn from_json(value: &Value) -> Result<PageContext, String> {
        let mut page = PageContext::default();
        let map = match value {
            Value::Null => return Ok(page),
            Value::Object(map) => map,
            _ => return Err("must be an object".into()),
        };
        for (key, v) in map {
            let bad = |what: &str| format!("{key}: must be {what}");
            if v.is_null() {
                if FIELDS.contains(&key.as_str()) {
                    continue;
                }
                return Err(format!("unknown field {}", quote(key)));
            }
            match key.as_str() {
                "url" => page.url = Some(v.as_str().ok_or_else(|| bad("a string"))?.to_owned()),
                "path" => page.path = Some(v.as_str().ok_or_else(|| bad("a string"))?.to_owned()),
                "device" => {
                    let device = match v.as_str() {
                        Some("mobile") => Device::Mobile,
                        Some("tablet") => Device::Tablet,
                        Some("desktop") => Device::Desktop,
                        _ => return Err(bad("\"mobile\", \"tablet\" or \"desktop\"")),
                    };
                    page.device = Some(device);
                }
                "consent" => {
                    let purposes = v.as_object().ok_or_else(|| bad("an object"))?;
                    for (purpose, granted) in purposes {
                        let granted = granted
                            .as_bool()
                            .ok_or_else(|| format!("consent.{purpose}: must be true or false"))?;
                        page.consent.insert(purpose.clone(), granted);
                    }
                }
                "hour" | "weekday" => {
                    let n = v
                        .as_u64()
                        .and_then(|n| u8::try_from(n).ok())
                        .ok_or_else(|| bad("a whole number from 0 to 255"))?;
                    if key == "hour" {
                        page.hour = Some(n);
                    } else {
                        page.weekday = Some(n);
                    }
                }
                _ => return Err(format!("unknown field {}", quote(key))),
            }
        }
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The hand reader accepts and refuses what the serde derive does.
    #[test]
    fn agrees_with_serde() {
        let cases = [
            json!({}),
            json!({"url": "https://a.example/p?q=1", "path": "/p", "device": "tablet"}),
            json!({"consent": {"personalization": true, "ads": false}, "hour": 23, "weekday": 0}),
            json!({"url": null, "device": null, "hour": null}),
            json!({"device": "phone"}),
            json!({"hour": 300}),
            json!({"hour": 1.5}),
            json!({"hour": -1}),
            json!({"consent": {"x": 1}}),
            json!({"url": 5}),
            json!({"colour": "red"}),
            json!([1]),
        ];
        for case in cases {
            let serde: Result<PageContext, _> = serde_json::from_value(case.clone());
            let hand = PageContext::from_json(&case);
            match (serde, hand) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{case}"),
                (Err(_), Err(_)) => {}
                (a, b) => panic!("{case}: serde {a:?}, hand {b:?}"),
            }
        }
        // One deliberate difference: `consent: null` (no consent signals) is no consent given.
        assert!(PageContext::from_json(&json!({"consent": null})).is_ok());
    }
}
