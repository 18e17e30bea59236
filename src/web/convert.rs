//! Value conversion at the boundary: JavaScript values arrive already parsed (the browser's
//! `JSON.parse` or `Response.json()`), so no JSON text parser ships in the wasm. They are walked
//! by hand (`typeof` checks, `Object.keys`, `Reflect.get`) into touchpoint properties ([`Prop`])
//! or, in the config compiler, `serde_json::Value`. Results are built as plain objects and
//! arrays with `Reflect.set` and `push`: the views write to JS objects directly ([`Json`] for
//! `JsValue`). Numbers cross as numbers, so no float parsing or formatting code is needed on
//! either side; this costs a few hundred bytes where serde-wasm-bindgen's generic
//! (de)serializers cost tens of kilobytes.

use alloc::{string::String, vec::Vec};
use serde_json::Number;
#[cfg(feature = "compiler")]
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[cfg(not(feature = "compiler"))]
use crate::core::condition::Device;
use crate::core::error::Error;
use crate::core::number;
use crate::core::props::{Prop, Props};
use crate::core::view::{Item, Json};
#[cfg(not(feature = "compiler"))]
use crate::core::PageContext;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> bool;
    #[wasm_bindgen(js_namespace = Object, js_name = keys)]
    fn object_keys(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> JsValue;
    /// `Reflect.set` with the key as text.
    #[wasm_bindgen(js_namespace = Reflect, js_name = set)]
    fn set_field(target: &JsValue, key: &str, value: &JsValue) -> bool;
    /// A JavaScript array, for `push`.
    #[wasm_bindgen(js_name = Array)]
    type JsArray;
    #[wasm_bindgen(method)]
    fn push(this: &JsArray, value: &JsValue) -> u32;
    /// `Object()`: a new empty plain object.
    #[wasm_bindgen(js_name = Object)]
    fn new_object() -> JsValue;
    /// `Array()`: a new empty array.
    #[wasm_bindgen(js_name = Array)]
    fn new_array() -> JsValue;
}

/// Values nested deeper than this are refused (a cyclic object would otherwise never end).
const MAX_DEPTH: usize = 64;

/// The largest integer JavaScript numbers hold exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// What [`from_js`] builds: touchpoint properties ([`Prop`], the engine) or `serde_json::Value`
/// (the config compiler, whose reader takes JSON). Each wasm file instantiates one of them.
pub trait Tree: Sized {
    /// An object under construction.
    type Fields: Default;
    /// `null` (also `undefined`).
    fn null() -> Self;
    /// `true` or `false`.
    fn bool(b: bool) -> Self;
    /// A number (`NaN` and infinities become `null`).
    fn number(n: Number) -> Self;
    /// A string.
    fn text(s: String) -> Self;
    /// An array.
    fn list(items: Vec<Self>) -> Self;
    /// Adds a field to an object.
    fn insert(object: &mut Self::Fields, key: String, value: Self);
    /// An object.
    fn object(object: Self::Fields) -> Self;
}

impl Tree for Prop {
    type Fields = Props;
    fn null() -> Self {
        Prop::Null
    }
    fn bool(b: bool) -> Self {
        Prop::Bool(b)
    }
    fn number(n: Number) -> Self {
        Prop::Number(n)
    }
    fn text(s: String) -> Self {
        Prop::Text(s)
    }
    fn list(items: Vec<Self>) -> Self {
        Prop::List(items)
    }
    fn insert(object: &mut Props, key: String, value: Self) {
        object.insert(key, value);
    }
    fn object(object: Props) -> Self {
        Prop::Object(object)
    }
}

#[cfg(feature = "compiler")]
impl Tree for Value {
    type Fields = serde_json::Map<String, Value>;
    fn null() -> Self {
        Value::Null
    }
    fn bool(b: bool) -> Self {
        Value::Bool(b)
    }
    fn number(n: Number) -> Self {
        Value::Number(n)
    }
    fn text(s: String) -> Self {
        Value::String(s)
    }
    fn list(items: Vec<Self>) -> Self {
        Value::Array(items)
    }
    fn insert(object: &mut Self::Fields, key: String, value: Self) {
        object.insert(key, value);
    }
    fn object(object: Self::Fields) -> Self {
        Value::Object(object)
    }
}

/// A JavaScript value as JSON (`undefined` and `null` become `null`).
pub fn from_js<T: Tree>(value: JsValue, what: &str) -> Result<T, JsValue> {
    read(&value, 0).ok_or_else(|| {
        error(
            "input/invalid",
            &crate::core::text::concat(&[what, " is not plain JSON data"]),
        )
    })
}

fn read<T: Tree>(v: &JsValue, depth: usize) -> Option<T> {
    if v.is_null_or_undefined() {
        return Some(T::null());
    }
    if let Some(b) = v.as_bool() {
        return Some(T::bool(b));
    }
    if let Some(n) = v.as_f64() {
        return Some(number(n).map_or_else(T::null, T::number));
    }
    if let Some(s) = v.as_string() {
        return Some(T::text(s));
    }
    // Functions, symbols and bigints are not objects (`typeof`), so they end here.
    if depth >= MAX_DEPTH || !v.is_object() {
        return None;
    }
    if is_array(v) {
        let n = length(v)?;
        // A loop rather than `collect::<Option<Vec<_>>>()`: no `GenericShunt` in the wasm.
        let mut items = Vec::new();
        for i in 0..n {
            items.push(read(&reflect_get(v, &JsValue::from(i)), depth + 1)?);
        }
        return Some(T::list(items));
    }
    let keys = object_keys(v);
    let mut map = T::Fields::default();
    for i in 0..length(&keys)? {
        let key = reflect_get(&keys, &JsValue::from(i));
        let item = read(&reflect_get(v, &key), depth + 1)?;
        T::insert(&mut map, key.as_string()?, item);
    }
    Some(T::object(map))
}

/// The page context the runtime passes to each decision (`{url, path, device, hour, weekday,
/// consent}`), read field by field rather than through `PageContext::from_json`: the runtime
/// builds it itself, so that reader's checks and messages stay out of the wasm, and a field of
/// the wrong type reads as absent.
#[cfg(not(feature = "compiler"))]
pub fn page_context(page: &JsValue) -> PageContext {
    let mut p = PageContext::default();
    if !page.is_object() {
        return p;
    }
    let field = |k: &str| reflect_get(page, &JsValue::from_str(k));
    let small = |v: JsValue| {
        v.as_f64()
            .filter(|&n| n == number::trunc(n) && (0.0..=255.0).contains(&n))
            .map(|n| n as u8)
    };
    p.url = field("url").as_string();
    p.path = field("path").as_string();
    p.device = match field("device").as_string().as_deref() {
        Some("mobile") => Some(Device::Mobile),
        Some("tablet") => Some(Device::Tablet),
        Some("desktop") => Some(Device::Desktop),
        _ => None,
    };
    p.hour = small(field("hour"));
    p.weekday = small(field("weekday"));
    let consent = field("consent");
    if consent.is_object() {
        let keys = object_keys(&consent);
        for i in 0..length(&keys).unwrap_or(0) {
            let key = reflect_get(&keys, &JsValue::from(i));
            if let (Some(purpose), Some(granted)) =
                (key.as_string(), reflect_get(&consent, &key).as_bool())
            {
                p.consent.insert(purpose, granted);
            }
        }
    }
    p
}

/// An array's `length` (`None` when it is not a number).
fn length(array: &JsValue) -> Option<u32> {
    reflect_get(array, &JsValue::from_str("length"))
        .as_f64()
        .map(|n| n as u32)
}

/// Safe integers become integer numbers (as `serde_json` reads `5`, so `u32` fields accept
/// them), others floats; `NaN` and infinities are none (`null`, as in `JSON.stringify`).
fn number(n: f64) -> Option<Number> {
    if n == number::trunc(n) && n.abs() <= MAX_SAFE_INTEGER {
        if n < 0.0 {
            Some(Number::from(n as i64))
        } else {
            Some(Number::from(n as u64))
        }
    } else {
        Number::from_f64(n)
    }
}

/// JSON as a plain JavaScript value (objects, not `Map`s), built like the views' objects.
#[cfg(feature = "compiler")]
pub fn to_js(value: &Value) -> JsValue {
    match value {
        Value::Null => JsValue::NULL,
        Value::Bool(b) => JsValue::from_bool(*b),
        Value::Number(n) => n.as_f64().map_or(JsValue::NULL, JsValue::from_f64),
        Value::String(s) => JsValue::from_str(s),
        Value::Array(items) => {
            let mut array = JsValue::array();
            for item in items {
                array.push(Item::Node(to_js(item)));
            }
            array
        }
        Value::Object(map) => {
            let mut object = JsValue::object();
            for (key, item) in map {
                object.set(key, Item::Node(to_js(item)));
            }
            object
        }
    }
}

/// The views (`core::view`) write plain JavaScript objects and arrays directly: no
/// `serde_json::Value` tree is built, converted and dropped. Numbers cross as numbers.
impl Json for JsValue {
    fn object() -> Self {
        new_object()
    }

    fn array() -> Self {
        new_array()
    }

    // Inlined, so each field's variant is known at its call site and the call goes straight
    // to the matching setter, with no `Item` written to memory.
    #[inline(always)]
    fn set(&mut self, key: &str, value: Item<'_, Self>) {
        match value {
            Item::Null => set_null(self, key),
            Item::Bool(b) => set_bool(self, key, b),
            Item::Int(n) => set_number(self, key, n as f64),
            Item::Float(x) => set_number(self, key, x),
            Item::Text(s) => set_text(self, key, s),
            Item::Node(v) => set_node(self, key, v),
        }
    }

    #[inline(always)]
    fn push(&mut self, value: Item<'_, Self>) {
        match value {
            Item::Node(v) => push_node(self, v),
            other => push_node(self, js(other)),
        }
    }
}

#[inline(never)]
fn push_node(array: &JsValue, v: JsValue) {
    array.unchecked_ref::<JsArray>().push(&v);
}

#[inline(never)]
fn set_null(object: &JsValue, key: &str) {
    set_field(object, key, &JsValue::NULL);
}

#[inline(never)]
fn set_bool(object: &JsValue, key: &str, b: bool) {
    set_field(object, key, &JsValue::from_bool(b));
}

/// A number; not finite: `null`, as `serde_json` writes it.
#[inline(never)]
fn set_number(object: &JsValue, key: &str, x: f64) {
    set_field(object, key, &js(Item::Float(x)));
}

#[inline(never)]
fn set_text(object: &JsValue, key: &str, s: &str) {
    set_field(object, key, &JsValue::from_str(s));
}

#[inline(never)]
fn set_node(object: &JsValue, key: &str, v: JsValue) {
    set_field(object, key, &v);
}

/// One view item as a JavaScript value (shared by every field of every view).
#[inline(never)]
fn js(item: Item<'_, JsValue>) -> JsValue {
    match item {
        Item::Null => JsValue::NULL,
        Item::Bool(b) => JsValue::from_bool(b),
        Item::Int(n) => JsValue::from_f64(n as f64),
        // Not finite: `null`, as `serde_json` writes it.
        Item::Float(x) if x.is_finite() => JsValue::from_f64(x),
        Item::Float(_) => JsValue::NULL,
        Item::Text(s) => JsValue::from_str(s),
        Item::Node(v) => v,
    }
}

/// Milliseconds from JavaScript (`Date.now()`), clamped into `u64` (not inlined: one copy of
/// the float conversion for every export that takes a time).
#[cfg(not(feature = "compiler"))]
#[inline(never)]
pub fn millis(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// The error object the JS layer turns into a `TrailmarkError`: `{code, message}`.
pub fn error(code: &str, message: &str) -> JsValue {
    let mut v = JsValue::object();
    v.set("code", Item::Text(code));
    v.set("message", Item::Text(message));
    v
}

/// A core error as the JS error object; config errors add `errors: [{path, message}]`.
pub fn core_error(e: &Error) -> JsValue {
    let mut v = error(e.code(), &e.message());
    if let Error::Config(list) = e {
        let mut errors = JsValue::array();
        for c in list {
            let mut item = JsValue::object();
            item.set("path", Item::Text(&c.path));
            item.set("message", Item::Text(&c.message));
            errors.push(Item::Node(item));
        }
        v.set("errors", Item::Node(errors));
    }
    v
}
