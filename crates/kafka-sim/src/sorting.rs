//! Sorting and ordered collections built with as little generated code as possible. Each
//! `sort()` of a new element type, and each `collect()` into a `BTreeMap` or `BTreeSet` (which
//! sorts its input), instantiates Rust's whole sort for that type, a few kilobytes of wasm each;
//! dozens of them were a large part of the browser bundle. Here one sort of `u32` indexes, with
//! the comparison behind a `dyn`, serves every type; maps and sets are filled by insertion.
//!
//! Results are exactly those of the standard library: `sort_by` is stable, and `map`/`set`
//! keep the last value of a repeated key, as `collect()` does.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The one instantiation of the standard sort: indexes `0..n` ordered by `cmp`, stably.
fn order(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    idx.sort_by(|a, b| cmp(*a as usize, *b as usize));
    idx
}

/// Sorts `v` stably by `cmp` (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let idx = order(v.len(), &|a, b| cmp(&v[a], &v[b]));
    let mut slots: Vec<Option<T>> = std::mem::take(v).into_iter().map(Some).collect();
    v.extend(idx.into_iter().filter_map(|i| slots[i as usize].take()));
}

/// Sorts `v` stably (as `slice::sort`).
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// Sorts `v` stably by `key` (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// The pairs as a map, the last value of a repeated key kept (as `collect()`).
pub fn map<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut m = BTreeMap::new();
    for (k, v) in pairs {
        m.insert(k, v);
    }
    m
}

/// The items as a set (as `collect()`).
pub fn set<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut s = BTreeSet::new();
    for t in items {
        s.insert(t);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_as_the_standard_library_does_stably() {
        let mut seed = 7u64;
        for len in [0, 1, 2, 3, 17, 200] {
            let mut v: Vec<(u8, u32)> = (0..len)
                .map(|i| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    ((seed >> 60) as u8, i)
                })
                .collect();
            let mut expected = v.clone();
            expected.sort_by_key(|p| p.0);
            sort_by_key(&mut v, |p| p.0);
            assert_eq!(v, expected, "stable, like sort_by_key");
            let mut w = v.clone();
            sort(&mut w);
            v.sort();
            assert_eq!(w, v);
        }
    }

    #[test]
    fn maps_and_sets_keep_what_collect_keeps() {
        let pairs = vec![(3, "a"), (1, "b"), (3, "c")];
        let collected: BTreeMap<_, _> = pairs.clone().into_iter().collect();
        assert_eq!(map(pairs), collected);
        let items = vec![5, 1, 5, 2];
        let collected: BTreeSet<_> = items.clone().into_iter().collect();
        assert_eq!(set(items), collected);
    }
}
