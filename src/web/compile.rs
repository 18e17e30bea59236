//! `compile`: the compiler wasm's only export. It validates a site's JSON config (every problem
//! with its JSON path) and returns the compiled document the engine wasm starts from. The
//! browser loads it only for a `data-config` that is a JSON source, not a compiled document.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use super::convert::{core_error, from_js, to_js};
use crate::core::config::compiled_document;
use crate::core::error::Error;
use crate::core::Config;

/// Compiles `config` (a parsed JSON object). Throws `{code: "config/invalid", message,
/// errors: [{path, message}]}` listing every problem.
#[wasm_bindgen]
pub fn compile(config: JsValue) -> Result<JsValue, JsValue> {
    let value = match from_js(config, "config")? {
        Value::Null => Value::Object(Default::default()),
        v => v,
    };
    let config = Config::parse(&value).map_err(|e| core_error(&Error::Config(e)))?;
    Ok(to_js(&compiled_document(&value, &config)))
}
