//! Prompts, surveys and experiments as the JavaScript runtime sees them (`js/prompts.js` renders
//! them): the experiment seed the browser draws, prompt decisions for a trigger, and what the
//! engine remembers about them. Converts and calls the engine; decides nothing.

use wasm_bindgen::prelude::*;

use super::convert::{error, millis, page_context};
use super::runtime::Runtime;
use crate::core::config::PromptTrigger;
use crate::core::view;

#[wasm_bindgen]
impl Runtime {
    /// Gives the visitor their experiment seed (a random positive integer below 2^53, drawn
    /// with `crypto.getRandomValues`) unless the profile has one. Returns true when it was
    /// taken, so the caller persists the state.
    pub fn seed(&mut self, seed: f64) -> bool {
        self.engine.seed(millis(seed))
    }

    /// Whether the profile has no experiment seed yet.
    #[wasm_bindgen(js_name = needsSeed)]
    pub fn needs_seed(&self) -> bool {
        self.engine.state().decisions.seed == 0
    }

    /// The prompt or survey to show now that `trigger` fired (`page_view`, `exit_intent`,
    /// `event:<name>`, `scroll:<percent>`, `idle:<seconds>`, `abandoned:<journey>`) on `page`
    /// (as for `decide`). Returns `{prompt, kind, template, survey, experiment, held_out,
    /// explanation}`, or `{prompt: null, passed_over, held_out}` when nothing is shown;
    /// `held_out` lists the prompt experiments whose holdout exposure the caller should track.
    #[wasm_bindgen(js_name = decidePrompt)]
    pub fn decide_prompt(
        &self,
        now: f64,
        page: JsValue,
        trigger: &str,
    ) -> Result<JsValue, JsValue> {
        let page = page_context(&page);
        let trigger = PromptTrigger::parse(trigger).map_err(|e| error("input/invalid", &e))?;
        let (shown, passed) = self.engine.decide_prompt(millis(now), &page, &trigger);
        let held_out = self.engine.held_out_exposures(millis(now), &page, &passed);
        Ok(view::prompt_decision(shown.as_ref(), &passed, &held_out))
    }
}
