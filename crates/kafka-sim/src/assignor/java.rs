//! Java's hashing and `HashMap` iteration order, reproduced where Kafka's results depend on
//! them: the group coordinator's partition (`abs(groupId.hashCode()) % 50`) and the order in
//! which the sticky assignors walk their `HashMap`s and `HashSet`s, which decides ties.
//!
//! A `java.util.HashMap` iterates bucket by bucket (`(h ^ h >>> 16) & (capacity - 1)`), and
//! within a bucket in insertion order (a resize splits buckets but keeps relative order).
//! The capacity starts at 16 and doubles whenever the size exceeds 3/4 of it. Tree bins
//! (8+ colliding keys) are not modelled; with member ids that carry a UUID they do not occur.

use crate::ids::TopicPartition;

/// `String.hashCode()`: `s[0]*31^(n-1) + ... + s[n-1]` over UTF-16 code units, wrapping.
pub fn string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// `TopicPartition.hashCode()`: `31 * (31 * 1 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(tp: &TopicPartition) -> i32 {
    let h = 31i32.wrapping_add(tp.partition.0 as i32);
    h.wrapping_mul(31).wrapping_add(string_hash(&tp.topic))
}

/// Kafka's `Utils.abs`: `Math.abs` except that `Integer.MIN_VALUE` maps to 0.
pub fn kafka_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// The `__consumer_offsets` partition of a group: `abs(groupId.hashCode()) % partitions`.
pub fn offsets_partition_for(group: &str, partitions: u32) -> u32 {
    (kafka_abs(string_hash(group)) as u32) % partitions.max(1)
}

/// The capacity a default-constructed `HashMap` has after `n` insertions.
pub fn default_capacity(n: usize) -> usize {
    let mut cap = 16;
    while n * 4 > cap * 3 {
        cap *= 2;
    }
    cap
}

fn bucket(hash: i32, capacity: usize) -> usize {
    let h = hash as u32;
    ((h ^ (h >> 16)) as usize) & (capacity - 1)
}

/// Indexes of `hashes` (given in insertion order) in the order a default `HashMap` holding
/// them iterates.
pub fn hash_order(hashes: &[i32]) -> Vec<usize> {
    let cap = default_capacity(hashes.len());
    let mut idx: Vec<usize> = (0..hashes.len()).collect();
    crate::sorting::sort_by_key(&mut idx, |&i| (bucket(hashes[i], cap), i));
    idx
}

/// String keys (in insertion order) reordered as a default `HashMap<String, _>` iterates them.
pub fn string_order<T: AsRef<str> + Clone>(keys: &[T]) -> Vec<T> {
    let hashes: Vec<i32> = keys.iter().map(|k| string_hash(k.as_ref())).collect();
    hash_order(&hashes)
        .into_iter()
        .map(|i| keys[i].clone())
        .collect()
}

/// A `HashSet<TopicPartition>` that remembers insertion order, so that `iterator().next()`
/// answers as Java's would (used by the sticky assignor's partition movements).
#[derive(Clone, Debug)]
pub struct TpHashSet {
    entries: Vec<(TopicPartition, u64)>,
    capacity: usize,
    seq: u64,
}

impl Default for TpHashSet {
    fn default() -> Self {
        TpHashSet::new()
    }
}

impl TpHashSet {
    pub fn new() -> Self {
        TpHashSet {
            entries: Vec::new(),
            capacity: 16,
            seq: 0,
        }
    }
    pub fn insert(&mut self, tp: TopicPartition) {
        if self.entries.iter().any(|(t, _)| *t == tp) {
            return;
        }
        self.seq += 1;
        self.entries.push((tp, self.seq));
        // A Java HashMap never shrinks: the capacity only grows.
        while self.entries.len() * 4 > self.capacity * 3 {
            self.capacity *= 2;
        }
    }
    pub fn remove(&mut self, tp: &TopicPartition) {
        self.entries.retain(|(t, _)| t != tp);
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// `set.iterator().next()`.
    pub fn first(&self) -> Option<&TopicPartition> {
        self.entries
            .iter()
            .min_by_key(|(tp, seq)| (bucket(topic_partition_hash(tp), self.capacity), *seq))
            .map(|(tp, _)| tp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        assert_eq!(string_hash("hello"), 99_162_322);
        // "polygenelubricants".hashCode() == Integer.MIN_VALUE, the classic abs() trap.
        assert_eq!(string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(offsets_partition_for("polygenelubricants", 50), 0);
    }

    #[test]
    fn hash_order_is_bucket_order() {
        // "a" (97) and "b" (98) land in buckets 1 and 2; "Aa" and "BB" collide (2112, bucket
        // 0) and keep their insertion order.
        let keys = ["b", "BB", "a", "Aa"];
        let hashes: Vec<i32> = keys.iter().map(|k| string_hash(k)).collect();
        let order: Vec<&str> = hash_order(&hashes).into_iter().map(|i| keys[i]).collect();
        assert_eq!(order, vec!["BB", "Aa", "a", "b"]);
        assert_eq!(default_capacity(12), 16);
        assert_eq!(default_capacity(13), 32);
    }
}
