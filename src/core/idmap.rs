//! [`IdMap`]: a small map from string ids to values, kept as a `Vec` sorted by id.
//!
//! Prompts, surveys, experiments and the decision memory are maps of a few dozen entries at
//! most. A `BTreeMap` per value type costs the browser build several kilobytes of node code per
//! instantiation; a sorted `Vec` searched linearly costs a few hundred bytes and iterates in the
//! same (id) order, so results and encodings stay deterministic.

use std::collections::BTreeMap;

/// A map from id to `T`, sorted by id, each id once.
#[derive(Clone, Debug, PartialEq)]
pub struct IdMap<T>(Vec<(String, T)>);

impl<T> Default for IdMap<T> {
    fn default() -> Self {
        IdMap(Vec::new())
    }
}

impl<T> IdMap<T> {
    /// The value for `id`.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k == id).map(|(_, v)| v)
    }

    /// Whether `id` has a value.
    pub fn contains_key(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    /// Sets the value for `id`, keeping the order.
    pub fn insert(&mut self, id: String, value: T) {
        match self.0.iter().position(|(k, _)| *k >= id) {
            Some(i) if self.0[i].0 == id => self.0[i].1 = value,
            Some(i) => self.0.insert(i, (id, value)),
            None => self.0.push((id, value)),
        }
    }

    /// The value for `id`, inserted with `make` when absent.
    pub fn entry(&mut self, id: &str, make: impl FnOnce() -> T) -> &mut T {
        let i = match self.0.iter().position(|(k, _)| k.as_str() >= id) {
            Some(i) if self.0[i].0 == id => i,
            Some(i) => {
                self.0.insert(i, (id.to_owned(), make()));
                i
            }
            None => {
                self.0.push((id.to_owned(), make()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    /// `(id, value)` pairs in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &T)> + Clone {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    /// Keeps only the entries whose id passes `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.0.retain(|(k, _)| keep(k));
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T> std::ops::Index<&str> for IdMap<T> {
    type Output = T;
    fn index(&self, id: &str) -> &T {
        self.get(id).expect("no entry for id")
    }
}

impl<'a, T> IntoIterator for &'a IdMap<T> {
    type Item = (&'a String, &'a T);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, T)>,
        fn(&'a (String, T)) -> (&'a String, &'a T),
    >;
    fn into_iter(self) -> Self::IntoIter {
        fn pair<T>((k, v): &(String, T)) -> (&String, &T) {
            (k, v)
        }
        self.0.iter().map(pair)
    }
}

impl<T> FromIterator<(String, T)> for IdMap<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        let mut m = IdMap::default();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for IdMap<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, T>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(feature = "schema")]
impl<T: schemars::JsonSchema> schemars::JsonSchema for IdMap<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        BTreeMap::<String, T>::schema_name()
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        BTreeMap::<String, T>::json_schema(g)
    }

    fn inline_schema() -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_ids_sorted_and_unique() {
        let mut m: IdMap<u32> = ["b", "a", "c"].iter().map(|k| (k.to_string(), 1)).collect();
        m.insert("a".into(), 5);
        *m.entry("bb", || 7) += 1;
        *m.entry("a", || 0) += 1;
        let got: Vec<(&String, &u32)> = m.iter().collect();
        assert_eq!(
            got.iter()
                .map(|(k, v)| (k.as_str(), **v))
                .collect::<Vec<_>>(),
            [("a", 6), ("b", 1), ("bb", 8), ("c", 1)]
        );
        assert_eq!(m["bb"], 8);
        assert!(m.contains_key("c") && !m.contains_key("d"));
        assert_eq!(m.len(), 4);
    }
}
