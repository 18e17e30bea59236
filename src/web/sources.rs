//! The source tables as the JavaScript runtime sees them: the wasm carries only the subset of
//! the referrer and source lists (`core::channel::SourceTable`); before ingesting a page view
//! the runtime asks `needsSources`, fetches `pkg/trailmark_sources.txt` once when it says so,
//! and hands the bytes to `loadSources`. Converts and calls the engine; decides nothing.

use alloc::string::String;
use wasm_bindgen::prelude::*;

use super::convert::error;
use super::runtime::{engine, Runtime};
use crate::core::EventKind;

#[wasm_bindgen]
impl Runtime {
    /// Whether ingesting touchpoint `name` (a page view) on `url` from `referrer` needs the full
    /// source tables: its external referrer or `utm_source` is one the subset cannot classify
    /// and they are not loaded. Same-site and direct visits never need them.
    #[wasm_bindgen(js_name = needsSources)]
    pub fn needs_sources(name: &str, url: &str, referrer: Option<String>) -> bool {
        EventKind::parse(name) == Some(EventKind::PageViewed)
            && engine().needs_source_tables(url, referrer.as_deref())
    }

    /// Loads the full source tables (the bytes of `trailmark_sources.txt`). Throws
    /// `{code: "sources/invalid", message}` when the bytes are not such a file; the engine then
    /// keeps classifying with the subset.
    #[wasm_bindgen(js_name = loadSources)]
    pub fn load_sources(bytes: &[u8]) -> Result<(), JsValue> {
        engine()
            .load_source_tables(bytes)
            .map_err(|e| error(e.code(), e.message()))
    }
}
