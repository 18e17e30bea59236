//! The privacy side of `Runtime`: the validated `$.privacy` settings, retention while running,
//! and the export batch (Segment format, `core::export`). Consent signals themselves (TCF,
//! Consent Mode, GPC) are read and combined in `js/consent.js`.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::convert::{error, from_js, millis, to_js};
use super::runtime::Runtime;
use crate::core::export::{segment_batch, ExportEvent, Sender};

#[wasm_bindgen]
impl Runtime {
    /// `$.privacy` with defaults filled: `{consent: {functional, personalization, measurement},
    /// tcf, consent_mode, gpc: {export, personalization}, iframe_storage, export: {url,
    /// batch_size, flush_seconds, max_queue, retry_ms} | null}`.
    pub fn privacy(&self) -> JsValue {
        to_js(&self.engine.config().privacy.to_json())
    }

    /// Applies the retention limits now. Returns true when something was dropped (the caller
    /// stores the state).
    #[wasm_bindgen(js_name = applyRetention)]
    pub fn apply_retention(&mut self, now: f64) -> bool {
        self.engine.apply_retention(millis(now)).persist
    }

    /// The Segment `batch` payload for queued touchpoints `[{id, name, props, url, referrer,
    /// at}]`, in order. Throws `input/invalid` for an entry that is not a queued touchpoint.
    #[wasm_bindgen(js_name = exportBatch)]
    pub fn export_batch(
        &self,
        events: JsValue,
        anonymous_id: &str,
        user_id: Option<String>,
        sent_at: f64,
    ) -> Result<JsValue, JsValue> {
        let Value::Array(items) = from_js(events, "events")? else {
            return Err(error("input/invalid", "events must be an array", None));
        };
        let mut list = Vec::with_capacity(items.len());
        for item in &items {
            match ExportEvent::from_json(item) {
                Some(e) => list.push(e),
                None => {
                    return Err(error(
                        "input/invalid",
                        "an export queue entry is not a touchpoint",
                        None,
                    ))
                }
            }
        }
        let who = Sender {
            namespace: &self.engine.config().namespace,
            anonymous_id,
            user_id: user_id.as_deref(),
            version: env!("CARGO_PKG_VERSION"),
        };
        Ok(to_js(&segment_batch(&list, &who, millis(sent_at))))
    }
}
