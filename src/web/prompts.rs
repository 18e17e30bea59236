//! Prompts, surveys and experiments as the JavaScript runtime sees them: the experiment seed the
//! browser draws, and the facts `js/prompts.js` and `js/experiments.js` decide from (their ports
//! of `Engine::decide_prompt` and `experiment::decide`, held to them by
//! `tests/cases/prompt-decisions.json` and `tests/cases/experiments.json`): what the engine
//! remembers, and which conditions hold. Converts and calls the engine; decides nothing.

use alloc::string::String;
use wasm_bindgen::prelude::*;

use super::convert::{millis, page_context};
use super::runtime::{engine, Runtime};
use crate::core::event::EventKind;
use crate::core::view;

#[wasm_bindgen]
impl Runtime {
    /// Gives the visitor their experiment seed (a random positive integer below 2^53, drawn
    /// with `crypto.getRandomValues`) unless the profile has one. Returns true when it was
    /// taken, so the caller persists the state.
    pub fn seed(seed: f64) -> bool {
        engine().seed(millis(seed))
    }

    /// Whether the profile has no experiment seed yet.
    #[wasm_bindgen(js_name = needsSeed)]
    pub fn needs_seed() -> bool {
        engine().state().decisions.seed == 0
    }

    /// What the engine remembers for prompts and experiments: see [`view::memory`].
    pub fn memory(now: f64) -> JsValue {
        view::memory(&engine(), millis(now))
    }

    /// Which conditions hold: see [`view::conditions`].
    pub fn conditions(now: f64, page: JsValue, ids: &str, explain: bool) -> JsValue {
        let page = page_context(&page);
        view::conditions(&engine(), millis(now), &page, ids, explain)
    }

    /// The canonical name of a known event name or alias (`add_to_cart` gives `Product
    /// Added`), or `undefined` for a custom event: prompt triggers match by kind.
    pub fn kind(name: &str) -> Option<String> {
        EventKind::parse(name).map(|k| k.name().into())
    }
}
