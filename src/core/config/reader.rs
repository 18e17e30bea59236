//! Reading JSON objects field by field, recording every problem with its JSON path: the small
//! API the config sections are read with ([`Fields`]). Hand-written rather than serde-derived
//! so that every bad field is reported (not only the first of each item) and so the browser
//! build carries no generic deserializers.
//!
//! Rules, as the serde derives on the config types describe them: an absent field takes its
//! default; `null` counts as absent only for optional fields; a field of the wrong type is an
//! error at the field's path (`$.session.timeout_minutes: invalid type: expected a whole number
//! from 0 to 4294967295, found a string`); unknown fields are errors with a "did you mean" hint.

use crate::core::map::SortedMap;
use alloc::{borrow::ToOwned, format, string::String, vec::Vec};

use serde_json::{Map, Value};

use super::parse::suggest;
use crate::core::error::{quote, ConfigError};

/// One JSON object being read, at `path`, with the list errors go to.
pub(crate) struct Fields<'a, 'v> {
    map: &'v Map<String, Value>,
    path: String,
    errors: &'a mut Vec<ConfigError>,
}

/// What a JSON value is, for "found ..." in messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn as_string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

/// `invalid type: expected <what>, found <kind>`.
pub(crate) fn invalid(what: &str, found: &Value) -> String {
    format!("invalid type: expected {what}, found {}", kind(found))
}

/// The path of `key` inside the object at `path`.
pub(crate) fn join(path: &str, key: &str) -> String {
    format!("{path}.{key}")
}

impl<'a, 'v> Fields<'a, 'v> {
    /// Starts reading `value` as an object at `path` whose fields are `known`, reporting each
    /// unknown field. `None` (with an error) when it is not an object.
    pub fn of(
        value: &'v Value,
        path: String,
        known: &[&str],
        errors: &'a mut Vec<ConfigError>,
    ) -> Option<Fields<'a, 'v>> {
        let Some(map) = value.as_object() else {
            errors.push(ConfigError::new(path, invalid("an object", value)));
            return None;
        };
        for key in map.keys() {
            if !known.contains(&key.as_str()) {
                let hint = suggest(key, known.iter().copied());
                errors.push(ConfigError::new(
                    join(&path, key),
                    format!("unknown field{hint}"),
                ));
            }
        }
        Some(Fields { map, path, errors })
    }

    /// The object's own path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Records a problem at `path`.
    pub fn error(&mut self, path: String, message: impl Into<String>) {
        self.errors.push(ConfigError::new(path, message));
    }

    /// The errors list, to read a nested value with.
    pub fn errors(&mut self) -> &mut Vec<ConfigError> {
        self.errors
    }

    /// The raw value of `key`, `null` included.
    pub fn raw(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key)
    }

    /// The value of an optional field: `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'v Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// Converts the value of `key` with `read`, recording `expected` on failure. `None` when
    /// absent (or `null`, for optional fields) or wrong.
    fn typed<T>(
        &mut self,
        key: &str,
        optional: bool,
        expected: &str,
        read: fn(&'v Value) -> Option<T>,
    ) -> Option<T> {
        let v = if optional {
            self.get(key)?
        } else {
            self.raw(key)?
        };
        let out = read(v);
        if out.is_none() {
            let path = join(&self.path, key);
            self.error(path, invalid(expected, v));
        }
        out
    }

    /// A required string; a missing one is `missing field `key``, at the object's path.
    pub fn string(&mut self, key: &str) -> Option<String> {
        if self.raw(key).is_none() {
            let path = self.path.clone();
            self.error(path, format!("missing field `{key}`"));
            return None;
        }
        self.typed(key, false, "a string", as_string)
    }

    /// A string with a default.
    pub fn string_or(&mut self, key: &str, default: &str) -> String {
        self.typed(key, false, "a string", as_string)
            .unwrap_or_else(|| default.to_owned())
    }

    /// An optional string.
    pub fn opt_string(&mut self, key: &str) -> Option<String> {
        self.typed(key, true, "a string", as_string)
    }

    /// A number with a default.
    pub fn f64_or(&mut self, key: &str, default: f64) -> f64 {
        self.typed(key, false, "a number", Value::as_f64)
            .unwrap_or(default)
    }

    /// A boolean with a default.
    pub fn bool_or(&mut self, key: &str, default: bool) -> bool {
        self.typed(key, false, "true or false", Value::as_bool)
            .unwrap_or(default)
    }

    /// An optional boolean.
    pub fn opt_bool(&mut self, key: &str) -> Option<bool> {
        self.typed(key, true, "true or false", Value::as_bool)
    }

    /// A whole number from 0 to `max` (absent: `None`; `null` too when `optional`).
    fn uint(&mut self, key: &str, max: u64, optional: bool) -> Option<u64> {
        let v = if optional {
            self.get(key)?
        } else {
            self.raw(key)?
        };
        let n = v.as_u64().filter(|n| *n <= max);
        if n.is_none() {
            let path = join(&self.path, key);
            self.error(path, invalid(&format!("a whole number from 0 to {max}"), v));
        }
        n
    }

    /// A `u32` with a default.
    pub fn u32_or(&mut self, key: &str, default: u32) -> u32 {
        self.uint(key, u64::from(u32::MAX), false)
            .map_or(default, |n| n as u32)
    }

    /// A `u64` with a default.
    pub fn u64_or(&mut self, key: &str, default: u64) -> u64 {
        self.uint(key, u64::MAX, false).unwrap_or(default)
    }

    /// An optional `u32`.
    pub fn opt_u32(&mut self, key: &str) -> Option<u32> {
        self.uint(key, u64::from(u32::MAX), true).map(|n| n as u32)
    }

    /// An optional `u64`.
    pub fn opt_u64(&mut self, key: &str) -> Option<u64> {
        self.uint(key, u64::MAX, true)
    }

    /// One of `names` (an enum's JSON names), as its index. Optional.
    pub fn choice(&mut self, key: &str, names: &[&str]) -> Option<usize> {
        let v = self.get(key)?;
        let path = join(&self.path, key);
        let Some(s) = v.as_str() else {
            self.error(path, invalid("a string", v));
            return None;
        };
        let found = names.iter().position(|n| *n == s);
        if found.is_none() {
            let hint = suggest(s, names.iter().copied());
            let hint = if hint.is_empty() {
                let all: Vec<String> = names.iter().map(|n| quote(n)).collect();
                format!(" (one of {})", all.join(", "))
            } else {
                hint
            };
            self.error(path, format!("unknown value {}{hint}", quote(s)));
        }
        found
    }

    /// The items of an array field with their paths (`None` when absent or not an array).
    pub fn items(&mut self, key: &str) -> Option<Vec<(String, &'v Value)>> {
        let path = join(&self.path, key);
        let v = self.raw(key)?;
        let Some(items) = v.as_array() else {
            self.error(path, invalid("an array", v));
            return None;
        };
        Some(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| (format!("{path}[{i}]"), item))
                .collect(),
        )
    }

    /// An array of strings (default empty); every bad item is reported and left out.
    pub fn strings(&mut self, key: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (path, item) in self.items(key).unwrap_or_default() {
            match item.as_str() {
                Some(s) => out.push(s.to_owned()),
                None => self.error(path, invalid("a string", item)),
            }
        }
        out
    }

    /// The entries of an object field with their paths (`None` when absent or not an object).
    fn entries(&mut self, key: &str) -> Option<Vec<(String, &'v str, &'v Value)>> {
        let path = join(&self.path, key);
        let v = self.raw(key)?;
        let Some(map) = v.as_object() else {
            self.error(path, invalid("an object", v));
            return None;
        };
        Some(
            map.iter()
                .map(|(k, item)| (join(&path, k), k.as_str(), item))
                .collect(),
        )
    }

    /// An object of strings (default empty).
    pub fn string_map(&mut self, key: &str) -> SortedMap<String, String> {
        let mut out = SortedMap::new();
        for (path, k, item) in self.entries(key).unwrap_or_default() {
            match item.as_str() {
                Some(s) => {
                    out.insert(k.to_owned(), s.to_owned());
                }
                None => self.error(path, invalid("a string", item)),
            }
        }
        out
    }

    /// An object of numbers; `None` when absent.
    pub fn number_map(&mut self, key: &str) -> Option<SortedMap<String, f64>> {
        let mut out = SortedMap::new();
        for (path, k, item) in self.entries(key)? {
            match item.as_f64() {
                Some(n) => {
                    out.insert(k.to_owned(), n);
                }
                None => self.error(path, invalid("a number", item)),
            }
        }
        Some(out)
    }
}
