//! Ordered maps and sets kept as sorted vectors: `SortedMap` and `SortedSet` behave as
//! `BTreeMap` and `BTreeSet` do (the same order, the same results, the same serde and `Debug`
//! forms), with a fraction of their generated code.
//!
//! Why not `BTreeMap`: every key and value type of a `BTreeMap` instantiates its node code
//! (search, insert, split, remove, rebalance), several kilobytes of wasm each; dozens of them were
//! about 50 KB of the gzipped browser bundle. A sorted vector needs a binary search and a
//! `Vec::insert`. The engine's maps are small (brokers, clients, partitions, members) and mostly
//! read or iterated, where a vector is as fast or faster; their entries arrive mostly in order,
//! which `insert` appends. The few maps that churn like queues (messages in flight, requests
//! awaiting answers) stay `BTreeMap`. Why not a crate: `sorted_vector_map` depends on
//! `quickcheck` and `rand` at run time.

use std::borrow::Borrow;
use std::fmt;
use std::iter::FusedIterator;
use std::ops::{Bound, Index, RangeBounds};

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ordered map: entries sorted by key, each key once.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

/// An ordered set: items sorted, each once.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

/// The index range of the keys within `range`, found by two binary searches.
fn span<T, Q: ?Sized + Ord>(
    items: &[T],
    key: impl Fn(&T) -> &Q,
    range: &impl RangeBounds<Q>,
) -> std::ops::Range<usize> {
    let start = match range.start_bound() {
        Bound::Included(s) => items.partition_point(|t| key(t) < s),
        Bound::Excluded(s) => items.partition_point(|t| key(t) <= s),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(e) => items.partition_point(|t| key(t) <= e),
        Bound::Excluded(e) => items.partition_point(|t| key(t) < e),
        Bound::Unbounded => items.len(),
    };
    start..end.max(start)
}

impl<K, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn clear(&mut self) {
        self.entries.clear()
    }
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.entries.iter())
    }
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.entries.iter_mut())
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|(_, v)| v)
    }
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|(k, _)| k)
    }
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|(_, v)| v)
    }
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(|(k, v)| (k, v))
    }
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        (!self.entries.is_empty()).then(|| self.entries.remove(0))
    }
    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }
    /// Keeps the entries for which `keep` says true.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v))
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    fn find<Q: ?Sized + Ord>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }
    pub fn get<Q: ?Sized + Ord>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }
    pub fn get_key_value<Q: ?Sized + Ord>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| {
            let (k, v) = &self.entries[i];
            (k, v)
        })
    }
    pub fn get_mut<Q: ?Sized + Ord>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }
    pub fn contains_key<Q: ?Sized + Ord>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }
    /// Inserts `value` under `key`, returning the value it replaces. A key beyond the last is
    /// appended without a search: maps filled in order are built in linear time.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }
    pub fn remove<Q: ?Sized + Ord>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }
    pub fn remove_entry<Q: ?Sized + Ord>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i))
    }
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry {
                entries: &mut self.entries,
                index,
            }),
            Err(index) => Entry::Vacant(VacantEntry {
                entries: &mut self.entries,
                index,
                key,
            }),
        }
    }
    /// The entries whose keys are within `range`, in order.
    pub fn range<Q: ?Sized + Ord>(&self, range: impl RangeBounds<Q>) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let span = span(&self.entries, |(k, _)| k.borrow(), &range);
        Iter(self.entries[span].iter())
    }
    pub fn range_mut<Q: ?Sized + Ord>(&mut self, range: impl RangeBounds<Q>) -> IterMut<'_, K, V>
    where
        K: Borrow<Q>,
    {
        let span = span(&self.entries, |(k, _)| k.borrow(), &range);
        IterMut(self.entries[span].iter_mut())
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord + Borrow<Q>, Q: ?Sized + Ord, V> Index<&Q> for SortedMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry found for key")
    }
}

impl<K: Ord, V> Extend<(K, V)> for SortedMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, pairs: I) {
        for (k, v) in pairs {
            self.insert(k, v);
        }
    }
}

/// As `BTreeMap`'s `collect()`: sorted by key, the last value of a repeated key kept.
impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut entries: Vec<(K, V)> = pairs.into_iter().collect();
        if !entries.windows(2).all(|w| w[0].0 < w[1].0) {
            crate::sorting::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            entries.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    std::mem::swap(&mut later.1, &mut kept.1);
                }
                same
            });
        }
        SortedMap { entries }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

/// Iterates the entries of a map in key order.
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}
impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}
impl<K, V> FusedIterator for Iter<'_, K, V> {}

/// Iterates the entries of a map in key order, the values mutable.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}
impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}
impl<'a, K, V> IntoIterator for &'a mut SortedMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> IterMut<'a, K, V> {
        self.iter_mut()
    }
}
impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

/// A place in a map for one key, as `btree_map::Entry`.
pub enum Entry<'a, K, V> {
    Vacant(VacantEntry<'a, K, V>),
    Occupied(OccupiedEntry<'a, K, V>),
}

/// A key not in the map, and where it goes.
pub struct VacantEntry<'a, K, V> {
    entries: &'a mut Vec<(K, V)>,
    index: usize,
    key: K,
}

/// A key in the map.
pub struct OccupiedEntry<'a, K, V> {
    entries: &'a mut Vec<(K, V)>,
    index: usize,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert_with(self, value: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(value()),
        }
    }
    pub fn or_insert(self, value: V) -> &'a mut V {
        self.or_insert_with(|| value)
    }
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(o) = &mut self {
            f(o.get_mut());
        }
        self
    }
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(o) => o.key(),
            Entry::Vacant(v) => v.key(),
        }
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }
    pub fn insert(self, value: V) -> &'a mut V {
        self.entries.insert(self.index, (self.key, value));
        &mut self.entries[self.index].1
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.entries[self.index].0
    }
    pub fn get(&self) -> &V {
        &self.entries[self.index].1
    }
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.entries[self.index].1
    }
    pub fn into_mut(self) -> &'a mut V {
        &mut self.entries[self.index].1
    }
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    pub fn remove(self) -> V {
        self.entries.remove(self.index).1
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = SortedMap::new();
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

impl<T> SortedSet<T> {
    pub const fn new() -> Self {
        SortedSet { items: Vec::new() }
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn clear(&mut self) {
        self.items.clear()
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }
    pub fn pop_first(&mut self) -> Option<T> {
        (!self.items.is_empty()).then(|| self.items.remove(0))
    }
    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }
    /// Keeps the items for which `keep` says true.
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep)
    }
}

impl<T: Ord> SortedSet<T> {
    fn find<Q: ?Sized + Ord>(&self, item: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|t| t.borrow().cmp(item))
    }
    pub fn contains<Q: ?Sized + Ord>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(item).is_ok()
    }
    pub fn get<Q: ?Sized + Ord>(&self, item: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
    {
        self.find(item).ok().map(|i| &self.items[i])
    }
    /// Adds `item`; false if it was already there. An item beyond the last is appended.
    pub fn insert(&mut self, item: T) -> bool {
        if self.items.last().is_none_or(|last| *last < item) {
            self.items.push(item);
            return true;
        }
        match self.find(&item) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, item);
                true
            }
        }
    }
    pub fn remove<Q: ?Sized + Ord>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.take(item).is_some()
    }
    pub fn take<Q: ?Sized + Ord>(&mut self, item: &Q) -> Option<T>
    where
        T: Borrow<Q>,
    {
        self.find(item).ok().map(|i| self.items.remove(i))
    }
    /// The items within `range`, in order.
    pub fn range<Q: ?Sized + Ord>(&self, range: impl RangeBounds<Q>) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
    {
        self.items[span(&self.items, |t| t.borrow(), &range)].iter()
    }
    /// The items of `self` not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + Clone {
        self.iter().filter(move |t| !other.contains(*t))
    }
    /// The items in both, in order.
    pub fn intersection<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + Clone {
        self.iter().filter(move |t| other.contains(*t))
    }
    /// The items in either, in order, each once.
    pub fn union<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> {
        let mut all: SortedSet<&T> = self.iter().collect();
        all.extend(other.iter());
        all.items.into_iter()
    }
    pub fn is_subset(&self, other: &Self) -> bool {
        self.iter().all(|t| other.contains(t))
    }
    pub fn is_superset(&self, other: &Self) -> bool {
        other.is_subset(self)
    }
    pub fn is_disjoint(&self, other: &Self) -> bool {
        self.intersection(other).next().is_none()
    }
    pub fn append(&mut self, other: &mut Self) {
        self.extend(std::mem::take(&mut other.items))
    }
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for t in items {
            self.insert(t);
        }
    }
}

impl<'a, T: Ord + Copy + 'a> Extend<&'a T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = &'a T>>(&mut self, items: I) {
        self.extend(items.into_iter().copied())
    }
}

/// As `BTreeSet`'s `collect()`: sorted, each item once.
impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut items: Vec<T> = items.into_iter().collect();
        if !items.windows(2).all(|w| w[0] < w[1]) {
            crate::sorting::sort(&mut items);
            items.dedup();
        }
        SortedSet { items }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for SortedSet<T> {
    fn from(items: [T; N]) -> Self {
        items.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}
impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeqVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Ord> Visitor<'de> for SeqVisitor<T> {
            type Value = SortedSet<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut set = SortedSet::new();
                while let Some(t) = access.next_element()? {
                    set.insert(t);
                }
                Ok(set)
            }
        }
        deserializer.deserialize_seq(SeqVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// A deterministic stream of small numbers, repeats included.
    fn numbers(seed: u64, n: usize) -> Vec<u8> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (s >> 59) as u8
            })
            .collect()
    }

    #[test]
    fn a_map_behaves_as_a_btreemap_under_the_same_operations() {
        for seed in 0..40 {
            let ops = numbers(seed, 300);
            let (mut ours, mut theirs) = (SortedMap::new(), BTreeMap::new());
            for (i, k) in ops.iter().enumerate() {
                match i % 5 {
                    0 | 1 => assert_eq!(ours.insert(*k, i), theirs.insert(*k, i)),
                    2 => assert_eq!(ours.remove(k), theirs.remove(k)),
                    3 => *ours.entry(*k).or_default() += 1,
                    _ => assert_eq!(ours.get(k), theirs.get(k)),
                }
                if i % 5 == 3 {
                    *theirs.entry(*k).or_default() += 1;
                }
                assert!(ours.iter().eq(theirs.iter()));
            }
            assert!(ours.range(3..=20).eq(theirs.range(3..=20)));
            assert!(ours.range(..7).rev().eq(theirs.range(..7).rev()));
            assert_eq!(ours.first_key_value(), theirs.first_key_value());
            assert_eq!(ours.pop_last(), theirs.pop_last());
            assert_eq!(format!("{ours:?}"), format!("{theirs:?}"));
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&theirs).unwrap()
            );
            let back: SortedMap<u8, usize> =
                serde_json::from_str(&serde_json::to_string(&ours).unwrap()).unwrap();
            assert_eq!(back, ours);
        }
    }

    #[test]
    fn collect_sorts_and_keeps_the_last_value_of_a_repeated_key() {
        let pairs: Vec<(u8, usize)> = numbers(9, 200).into_iter().zip(0..).collect();
        let ours: SortedMap<_, _> = pairs.iter().copied().collect();
        let theirs: BTreeMap<_, _> = pairs.iter().copied().collect();
        assert!(ours.iter().eq(theirs.iter()));
    }

    #[test]
    fn a_set_behaves_as_a_btreeset() {
        let (a, b) = (numbers(1, 50), numbers(2, 50));
        let (sa, sb): (SortedSet<u8>, SortedSet<u8>) =
            (a.iter().copied().collect(), b.iter().copied().collect());
        let (ta, tb): (BTreeSet<u8>, BTreeSet<u8>) =
            (a.iter().copied().collect(), b.iter().copied().collect());
        assert!(sa.iter().eq(ta.iter()));
        assert!(sa.difference(&sb).eq(ta.difference(&tb)));
        assert!(sa.intersection(&sb).eq(ta.intersection(&tb)));
        assert!(sa.union(&sb).eq(ta.union(&tb)));
        assert!(sa.range(4..9).eq(ta.range(4..9)));
        assert_eq!(sa.is_subset(&sb), ta.is_subset(&tb));
        let mut s = sa.clone();
        let mut t = ta.clone();
        for x in &b {
            assert_eq!(s.insert(*x), t.insert(*x));
            assert_eq!(s.remove(&(x / 2)), t.remove(&(x / 2)));
        }
        assert!(s.iter().eq(t.iter()));
        assert_eq!(format!("{s:?}"), format!("{t:?}"));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            serde_json::to_string(&t).unwrap()
        );
    }
}
