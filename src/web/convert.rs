//! Value conversion at the boundary: JavaScript values arrive already parsed (the browser's
//! `JSON.parse` or `Response.json()`), so no JSON text parser ships in the wasm; they become
//! `serde_json::Value` through serde-wasm-bindgen, and results go back the same way as plain
//! objects.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::JsValue;

use crate::core::error::Error;

/// A JavaScript value as JSON (`undefined` and `null` become `Value::Null`).
pub fn from_js(value: JsValue, what: &str) -> Result<Value, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| {
        error(
            "input/invalid",
            &format!("{what} is not plain JSON data: {e}"),
            None,
        )
    })
}

/// JSON as a plain JavaScript value (objects, not `Map`s).
pub fn to_js(value: &Value) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).unwrap_or(JsValue::NULL)
}

/// Milliseconds from JavaScript (`Date.now()`), clamped into `u64`.
pub fn millis(now: f64) -> u64 {
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// The error object the JS layer turns into a `TrailmarkError`: `{code, message, errors?}` where
/// `errors` lists `{path, message}` for config problems.
pub fn error(code: &str, message: &str, errors: Option<Value>) -> JsValue {
    let mut v = serde_json::json!({"code": code, "message": message});
    if let Some(errors) = errors {
        v["errors"] = errors;
    }
    to_js(&v)
}

/// A core error as the JS error object.
pub fn core_error(e: &Error) -> JsValue {
    let errors = match e {
        Error::Config(list) => Some(Value::Array(
            list.iter()
                .map(|c| serde_json::json!({"path": c.path, "message": c.message}))
                .collect(),
        )),
        _ => None,
    };
    error(e.code(), &e.to_string(), errors)
}
