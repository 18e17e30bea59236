//! `Runtime`: the engine as the JavaScript runtime (`js/runtime.js`) sees it. Every method takes
//! and returns plain values; times are `Date.now()` milliseconds; state is persisted by the caller
//! from `encode()`.

use alloc::{string::String, vec, vec::Vec};
use wasm_bindgen::prelude::*;

use super::convert::{core_error, error, from_js, millis, page_context};
use crate::core::engine::State;
use crate::core::error::Error;
use crate::core::props::Prop;
use crate::core::view::{self, Item, Json};
use crate::core::{Config, Effects, Engine, Touchpoint};

/// One visitor's engine, driven from JavaScript.
#[wasm_bindgen]
pub struct Runtime {
    /// Never dropped, so the wasm carries no drop code for a whole `Config` and `Engine` (0.3 KB
    /// brotli). `js/runtime.js` makes one `Runtime` per page and keeps it; it lets go of it only
    /// after a trap, when the instance is done with, so the glue's finaliser then leaks memory
    /// nothing uses any more.
    pub(super) engine: core::mem::ManuallyDrop<Engine>,
}

/// `{effects, persist}`.
fn effects_js(fx: &Effects) -> JsValue {
    let mut effects = JsValue::array();
    for e in &fx.effects {
        effects.push(Item::Node(view::effect(e)));
    }
    let mut out = JsValue::object();
    out.set("effects", Item::Node(effects));
    out.set("persist", Item::Bool(fx.persist));
    out
}

#[wasm_bindgen]
impl Runtime {
    /// Starts the engine from a compiled config (`compiled_document`'s `engine` bytes). The
    /// stored profile is handed over later with `reload`, once consent allows reading it.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &[u8], now: f64) -> Result<Runtime, JsValue> {
        let config =
            Config::from_compiled(config).map_err(|e| core_error(&Error::Config(vec![e])))?;
        let mut engine = Engine::new(config);
        engine.apply_retention(millis(now));
        Ok(Runtime {
            engine: core::mem::ManuallyDrop::new(engine),
        })
    }

    /// Records a touchpoint. `props` must be a plain object (or undefined). Returns
    /// `{effects, persist}`.
    pub fn ingest(
        &mut self,
        name: &str,
        props: JsValue,
        url: Option<String>,
        referrer: Option<String>,
        now: f64,
    ) -> Result<JsValue, JsValue> {
        if name.trim_ascii().is_empty() || name.len() > 200 {
            return Err(error(
                "input/invalid",
                "event name must be a non-empty string of at most 200 characters",
            ));
        }
        let props = match from_js::<Prop>(props, "properties")? {
            Prop::Null => Default::default(),
            Prop::Object(map) => map,
            _ => return Err(error("input/invalid", "properties must be an object")),
        };
        let mut tp = Touchpoint::with_props(name, props);
        tp.url = url;
        tp.referrer = referrer;
        Ok(effects_js(&self.engine.ingest(&tp, millis(now))))
    }

    /// Advances time (micro-journey deadlines). Returns `{effects, persist}`.
    pub fn tick(&mut self, now: f64) -> JsValue {
        effects_js(&self.engine.tick(millis(now)))
    }

    /// When `tick` should next be called, if ever.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline(&self) -> Option<f64> {
        self.engine.next_deadline().map(|d| d as f64)
    }

    /// Stage estimates with evidence, in config order.
    pub fn stage(&self, now: f64) -> JsValue {
        view::stages(&self.engine, millis(now))
    }

    /// Micro journeys by id.
    pub fn journey(&self) -> JsValue {
        view::journeys(&self.engine)
    }

    /// Lifecycle facts and channels.
    pub fn lifecycle(&self, now: f64) -> JsValue {
        view::lifecycle(&self.engine, millis(now))
    }

    /// Everything kept about the visitor, as readable JSON.
    pub fn export(&self, now: f64) -> JsValue {
        view::export(&self.engine, millis(now))
    }

    /// Slot decisions for a page: `page` is `{url, path, device, hour, weekday, consent}` (all
    /// optional). Returns `[{slot, variant, rule, explanation}]` sorted by slot.
    pub fn decide(&self, now: f64, page: JsValue) -> JsValue {
        let decisions = self.engine.decide(millis(now), &page_context(&page));
        view::decisions(&decisions)
    }

    /// The persisted form of the state.
    pub fn encode(&self) -> Vec<u8> {
        self.engine.encode()
    }

    /// Replaces the state with bytes another tab stored. Returns the reason if they could not be
    /// read (the current state is then kept).
    pub fn reload(&mut self, bytes: Vec<u8>) -> Option<String> {
        match crate::core::codec::decode(&bytes) {
            Ok(state) => {
                self.engine.set_state(state);
                None
            }
            Err(e) => Some(e.message()),
        }
    }

    /// Forgets the visitor: a fresh state.
    pub fn forget(&mut self) {
        let fresh = State::new(self.engine.config());
        self.engine.set_state(fresh);
    }
}
