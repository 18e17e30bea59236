//! Prompts, surveys and experiments as the JavaScript runtime sees them (`js/prompts.js` renders
//! them): the experiment seed the browser draws, and the facts `js/prompts.js` decides a prompt
//! from (its port of `Engine::decide_prompt`, held to it by `tests/cases/prompt-decisions.json`). Converts
//! and calls the engine; decides nothing.

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

    /// What `js/prompts.js` decides a prompt from, for the prompts and surveys `ids`
    /// (`\n`-separated) on `page` (as for `decide`), with the explanation when `explain`: see
    /// [`view::prompt_facts`].
    #[wasm_bindgen(js_name = promptFacts)]
    pub fn prompt_facts(now: f64, page: JsValue, ids: &str, explain: bool) -> JsValue {
        let page = page_context(&page);
        view::prompt_facts(&engine(), millis(now), &page, ids, explain)
    }

    /// The canonical name of a known event name or alias (`add_to_cart` gives `Product
    /// Added`), or `undefined` for a custom event: prompt triggers match by kind.
    pub fn kind(name: &str) -> Option<String> {
        EventKind::parse(name).map(|k| k.name().into())
    }
}
