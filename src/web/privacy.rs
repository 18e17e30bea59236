//! The privacy side of `Runtime`: retention while running. The validated `$.privacy` settings
//! reach the browser in the compiled document (`compiled_document`), not through the engine. Consent signals (TCF, Consent Mode, GPC) are read and combined in `js/consent.js`;
//! the export's Segment batches are encoded by the lazily loaded `js/exporter.js` (the same
//! format as `core::export`, checked against `tests/cases/export.json` on both sides), which
//! keeps that code out of the wasm every page loads.

use wasm_bindgen::prelude::*;

use super::convert::millis;
use super::runtime::{engine, Runtime};

#[wasm_bindgen]
impl Runtime {
    /// Applies the retention limits now. Returns true when something was dropped (the caller
    /// stores the state).
    #[wasm_bindgen(js_name = applyRetention)]
    pub fn apply_retention(now: f64) -> bool {
        engine().apply_retention(millis(now)).persist
    }
}
