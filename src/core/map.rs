//! `SortedMap`: the map type of the engine's state and config: a `Vec` of entries kept sorted by
//! key, with binary search.
//!
//! Why not `BTreeMap`: every key/value type a `BTreeMap` is used with instantiates its node
//! code again (insert, split, merge, steal, navigate), about 3-4 KB of wasm each; with eight map
//! types that was ~40 KB before wasm-opt, the largest item of the first load after the config
//! parser. The engine's maps hold a handful to a few hundred entries (all bounded, see
//! ARCHITECTURE.md), where a sorted vector is as fast and its code is a binary search and a
//! `Vec::insert`. Iteration is in key order, like `BTreeMap`'s, so results stay deterministic.

use alloc::{borrow::ToOwned, string::String, vec::Vec};
use core::borrow::Borrow;
use core::fmt;

/// A map from string ids (prompts, surveys, experiments and their memory) to values.
pub type IdMap<V> = SortedMap<String, V>;

/// A map kept as a vector of `(key, value)` sorted by key; at most one entry per key.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K, V> SortedMap<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        SortedMap::default()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with the greatest key.
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// Keys in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// Values in key order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    /// The value for `key`, mutably.
    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Whether `key` has an entry.
    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(core::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`'s entry; returns its value.
    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value for `key`, inserting `default` first if there is none.
    pub fn get_or_insert(&mut self, key: K, default: V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, default));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// Appends an entry whose key is greater than every key in the map (the caller has checked,
    /// as the codec does for canonical maps); no search, unlike [`SortedMap::insert`].
    pub(crate) fn push_last(&mut self, key: K, value: V) {
        debug_assert!(self.entries.last().is_none_or(|(last, _)| *last < key));
        self.entries.push((key, value));
    }

    /// Keeps only the entries `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<V> SortedMap<String, V> {
    /// The value for `id`, inserted with `make` first when absent (no `String` is allocated
    /// when the id is present).
    pub fn entry(&mut self, id: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(id) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (id.to_owned(), make()));
                i
            }
        };
        &mut self.entries[i].1
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// Later pairs win over earlier ones with the same key, as with `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = SortedMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K, V> From<alloc::collections::BTreeMap<K, V>> for SortedMap<K, V> {
    /// Already sorted and unique: no sorting needed.
    fn from(map: alloc::collections::BTreeMap<K, V>) -> Self {
        SortedMap {
            entries: map.into_iter().collect(),
        }
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter =
        core::iter::Map<core::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = alloc::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> core::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;

    /// Panics when `key` is absent, like `BTreeMap`'s index (tests use it; the engine uses `get`).
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for the key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

/// Config types derive `Deserialize` to document the format (and generate the schema); the
/// engine reads config by hand (`config/reader.rs`), so this is never instantiated in the wasm.
impl<'de, K, V> serde::Deserialize<'de> for SortedMap<K, V>
where
    K: serde::Deserialize<'de> + Ord,
    V: serde::Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = alloc::collections::BTreeMap::<K, V>::deserialize(d)?;
        Ok(map.into_iter().collect())
    }
}

/// For the schema's `default` values (schemars serializes `Default::default()`).
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

#[cfg(feature = "schema")]
impl<K: schemars::JsonSchema, V: schemars::JsonSchema> schemars::JsonSchema for SortedMap<K, V> {
    fn inline_schema() -> bool {
        <alloc::collections::BTreeMap<K, V> as schemars::JsonSchema>::inline_schema()
    }

    fn schema_name() -> alloc::borrow::Cow<'static, str> {
        <alloc::collections::BTreeMap<K, V> as schemars::JsonSchema>::schema_name()
    }

    fn schema_id() -> alloc::borrow::Cow<'static, str> {
        <alloc::collections::BTreeMap<K, V> as schemars::JsonSchema>::schema_id()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <alloc::collections::BTreeMap<K, V> as schemars::JsonSchema>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::SortedMap;

    #[test]
    fn behaves_like_a_btree_map() {
        use std::collections::BTreeMap;
        // A deterministic shuffle of inserts, overwrites and removals, checked against BTreeMap.
        let mut ours = SortedMap::new();
        let mut reference = BTreeMap::new();
        let mut x = 12345u32;
        for step in 0..2000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let key = (x >> 16) % 97;
            if step % 5 == 4 {
                assert_eq!(ours.remove(&key), reference.remove(&key));
            } else {
                assert_eq!(ours.insert(key, step), reference.insert(key, step));
            }
            assert_eq!(ours.get(&key), reference.get(&key));
        }
        assert!(ours.iter().eq(reference.iter()));
        assert_eq!(ours.len(), reference.len());
        assert_eq!(ours.last_key_value(), reference.last_key_value());
        *ours.get_or_insert(1000, 0) += 5;
        *ours.get_or_insert(1000, 0) += 5;
        assert_eq!(ours[&1000], 10);
        ours.retain(|k, _| k % 2 == 0);
        assert!(ours.keys().all(|k| k % 2 == 0));
    }

    #[test]
    fn collecting_keeps_the_last_value_of_a_key() {
        let m: SortedMap<&str, i32> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        assert_eq!(m.iter().collect::<Vec<_>>(), [(&"a", &2), (&"b", &3)]);
        assert_eq!(format!("{m:?}"), r#"{"a": 2, "b": 3}"#);
    }
}
