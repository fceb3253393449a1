//! Sorting built with as little generated code as possible. Each `sort()` of a new element type
//! instantiates Rust's whole sort for that type, a few kilobytes of wasm each; dozens of them
//! were a large part of the browser bundle. Here one sort of `u32` indexes, with the comparison
//! behind a `dyn`, serves every type (`crate::sorted`'s `collect()` sorts through it too).
//!
//! Results are exactly those of the standard library: `sort_by` is stable.

use std::cmp::Ordering;

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
}
