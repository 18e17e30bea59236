//! The privacy side of `Runtime`: the validated `$.privacy` settings and retention while
//! running. Consent signals (TCF, Consent Mode, GPC) are read and combined in `js/consent.js`;
//! the export's Segment batches are encoded by the lazily loaded `js/exporter.js` (the same
//! format as `core::export`, checked against `tests/cases/export.json` on both sides), which
//! keeps that code out of the wasm every page loads.

use wasm_bindgen::prelude::*;

use super::convert::{millis, to_js};
use super::runtime::Runtime;

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
}
