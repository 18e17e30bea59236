//! Touchpoint properties: JSON values as a touchpoint keeps them, objects being [`SortedMap`]s
//! rather than `serde_json::Map`s. The browser reads a touchpoint's properties straight into
//! these (`src/web/convert.rs`), so the engine wasm carries no B-tree code (2 KB brotli of it).
//! Numbers stay `serde_json::Number`s: integers and floats as they were written.

use alloc::{string::String, vec::Vec};
use serde_json::{Map, Number, Value};

use super::map::SortedMap;

/// Properties by name.
pub type Props = SortedMap<String, Prop>;

/// One property value: JSON.
#[derive(Clone, Debug, PartialEq)]
pub enum Prop {
    /// `null` (also JavaScript's `undefined`).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, integer or float as read.
    Number(Number),
    /// A string.
    Text(String),
    /// An array.
    List(Vec<Prop>),
    /// An object.
    Object(Props),
}

impl Prop {
    /// The value as a float, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Prop::Number(n) => n.as_f64(),
            _ => None,
        }
    }
}

impl From<Value> for Prop {
    fn from(value: Value) -> Prop {
        match value {
            Value::Null => Prop::Null,
            Value::Bool(b) => Prop::Bool(b),
            Value::Number(n) => Prop::Number(n),
            Value::String(s) => Prop::Text(s),
            Value::Array(items) => Prop::List(items.into_iter().map(Prop::from).collect()),
            Value::Object(map) => Prop::Object(from_map(map)),
        }
    }
}

/// Properties from a JSON object.
pub fn from_map(map: Map<String, Value>) -> Props {
    let mut props = Props::new();
    for (k, v) in map {
        props.insert(k, v.into());
    }
    props
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_reads_into_sorted_props() {
        let v = serde_json::json!({"b": [1, -2, 2.5, "x", null, true], "a": {"z": {}}});
        let Prop::Object(p) = Prop::from(v) else {
            panic!("not an object")
        };
        assert_eq!(p.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            p["a"],
            Prop::Object(Props::from([("z".into(), Prop::Object(Props::new()))]))
        );
        let Prop::List(b) = &p["b"] else {
            panic!("not a list")
        };
        assert_eq!(b[0], Prop::Number(1.into()));
        assert_eq!(b[1].as_f64(), Some(-2.0));
        assert_eq!(b[2].as_f64(), Some(2.5));
        assert_eq!(b[3], Prop::Text("x".into()));
        assert_eq!(b[4..], [Prop::Null, Prop::Bool(true)]);
    }
}
