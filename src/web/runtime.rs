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

/// One visitor's engine, driven from JavaScript: `Runtime.start` makes it and the other static
/// methods use it. A wasm instance holds one engine (`js/runtime.js` starts one per page, the
/// node tests one per case), kept in `ENGINE` rather than behind an object handle, whose
/// borrow checks and `free` cost 0.63 KB of the engine's brotli.
#[wasm_bindgen]
pub struct Runtime {}

/// The engine `Runtime.start` made, and whether a call holds it ([`Held`]). Never dropped, so
/// the wasm carries no drop code for a whole `Config` and `Engine` (0.3 KB brotli): a second
/// `start` leaks the first engine (only the node tests start more than one).
static mut ENGINE: (Option<Engine>, bool) = (None, false);

/// The engine, held by one call until this drops.
///
/// Architecture invariant: a call converts every value the page hands over (properties, the
/// page context) before it holds the engine, so the page's own code (a getter, a proxy) never
/// runs while the engine is held and a throwing getter cannot leave it held. Only the
/// conversion of the engine's answers back to JavaScript runs while it is held; should the
/// page have patched `Array.prototype.push` to call Trailmark, that call throws rather than
/// aliasing the engine.
pub(super) struct Held(&'static mut Engine);

impl core::ops::Deref for Held {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        self.0
    }
}

impl core::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut Engine {
        self.0
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // SAFETY: single-threaded wasm; only the flag is touched.
        unsafe { (*core::ptr::addr_of_mut!(ENGINE)).1 = false }
    }
}

/// The engine for one call (see [`Held`]); throws when another call holds it or `start` has not
/// succeeded.
#[inline(never)]
pub(super) fn engine() -> Held {
    let slot = core::ptr::addr_of_mut!(ENGINE);
    // SAFETY: single-threaded wasm. The flag is read and written through the raw pointer, so
    // no reference to the engine is made while a `Held` may have one; when it is clear, the
    // `&mut` handed out is the only one until its `Held` drops (the engine is never moved or
    // dropped: see `ENGINE`).
    unsafe {
        if !(*slot).1 {
            if let Some(e) = &mut (*slot).0 {
                (*slot).1 = true;
                return Held(e);
            }
        }
    }
    wasm_bindgen::throw_str("Trailmark: the engine is not started, or is busy")
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
    pub fn start(config: &[u8], now: f64) -> Result<(), JsValue> {
        let config =
            Config::from_compiled(config).map_err(|e| core_error(&Error::Config(vec![e])))?;
        let mut fresh = Engine::new(config);
        fresh.apply_retention(millis(now));
        let slot = core::ptr::addr_of_mut!(ENGINE);
        // SAFETY: single-threaded wasm; the flag is read through the raw pointer, and an engine
        // a call holds is not replaced.
        unsafe {
            if (*slot).1 {
                wasm_bindgen::throw_str("Trailmark: the engine is busy");
            }
            core::mem::forget((*slot).0.replace(fresh));
        }
        Ok(())
    }

    /// Records a touchpoint. `props` must be a plain object (or undefined). Returns
    /// `{effects, persist}`.
    pub fn ingest(
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
        let fx = engine().ingest(&tp, millis(now));
        Ok(effects_js(&fx))
    }

    /// Advances time (micro-journey deadlines). Returns `{effects, persist}`.
    pub fn tick(now: f64) -> JsValue {
        let fx = engine().tick(millis(now));
        effects_js(&fx)
    }

    /// When `tick` should next be called, if ever.
    #[wasm_bindgen(js_name = nextDeadline)]
    pub fn next_deadline() -> Option<f64> {
        engine().next_deadline().map(|d| d as f64)
    }

    /// Stage estimates with evidence, in config order.
    pub fn stage(now: f64) -> JsValue {
        view::stages(&engine(), millis(now))
    }

    /// Micro journeys by id.
    pub fn journey() -> JsValue {
        view::journeys(&engine())
    }

    /// Lifecycle facts and channels.
    pub fn lifecycle(now: f64) -> JsValue {
        view::lifecycle(&engine(), millis(now))
    }

    /// Everything kept about the visitor, as readable JSON.
    pub fn export(now: f64) -> JsValue {
        view::export(&engine(), millis(now))
    }

    /// Slot decisions for a page: `page` is `{url, path, device, hour, weekday, consent}` (all
    /// optional). Returns `[{slot, variant, rule, explanation}]` sorted by slot.
    pub fn decide(now: f64, page: JsValue) -> JsValue {
        let page = page_context(&page);
        let decisions = engine().decide_rules(millis(now), &page);
        view::decisions(&decisions)
    }

    /// The persisted form of the state.
    pub fn encode() -> Vec<u8> {
        engine().encode()
    }

    /// Replaces the state with bytes another tab stored. Returns the reason if they could not be
    /// read (the current state is then kept).
    pub fn reload(bytes: Vec<u8>) -> Option<String> {
        match crate::core::codec::decode(&bytes) {
            Ok(state) => {
                engine().set_state(state);
                None
            }
            Err(e) => Some(e.message()),
        }
    }

    /// Forgets the visitor: a fresh state.
    pub fn forget() {
        let mut engine = engine();
        let fresh = State::new(engine.config());
        engine.set_state(fresh);
    }
}
