//! The Java producer's partitioner: explicit partition, then murmur2 of the key, then the
//! KIP-794 sticky partitioner for null keys (or `round_robin` when asked for).

use crate::murmur2::{partition_for_key, to_positive};
use crate::rng::SplitMix64;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which partitioner a producer uses (`partitioner.class`).
/// In JSON `"default"` or `"round_robin"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionerKind {
    /// Kafka's built-in partitioner: murmur2 for keys, sticky for null keys.
    #[default]
    Default,
    /// `RoundRobinPartitioner`: keys are ignored; partitions are dealt in turn.
    RoundRobin,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Sticky {
    partition: u32,
    produced_bytes: u64,
}

/// Per-producer partitioner state (sticky partition and round-robin counter per topic).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Partitioner {
    pub kind: PartitionerKind,
    sticky: SortedMap<Arc<str>, Sticky>,
    round_robin: SortedMap<Arc<str>, u32>,
}

/// `batch.size`: the sticky partitioner switches after about this many bytes.
pub const STICKY_BATCH_SIZE_BYTES: u64 = 16_384;

impl Partitioner {
    pub fn new(kind: PartitionerKind) -> Self {
        Partitioner {
            kind,
            ..Default::default()
        }
    }

    /// Chooses the partition of one record. `available` lists the partitions that have a
    /// leader, ascending (Kafka's `availablePartitionsForTopic`).
    pub fn partition(
        &mut self,
        topic: &Arc<str>,
        key: Option<&[u8]>,
        explicit: Option<u32>,
        num_partitions: u32,
        available: &[u32],
        rng: &mut SplitMix64,
    ) -> u32 {
        if let Some(p) = explicit {
            return p;
        }
        match (self.kind, key) {
            (PartitionerKind::RoundRobin, _) => {
                let counter = self.round_robin.entry(topic.clone()).or_insert(0);
                let value = *counter;
                *counter = counter.wrapping_add(1);
                let v = to_positive(value as i32);
                if available.is_empty() {
                    v % num_partitions
                } else {
                    available[(v as usize) % available.len()]
                }
            }
            (PartitionerKind::Default, Some(k)) => partition_for_key(k, num_partitions),
            (PartitionerKind::Default, None) => {
                if let Some(s) = self.sticky.get(topic) {
                    if s.partition < num_partitions {
                        return s.partition;
                    }
                }
                let p = next_partition(num_partitions, available, rng);
                self.sticky.insert(
                    topic.clone(),
                    Sticky {
                        partition: p,
                        produced_bytes: 0,
                    },
                );
                p
            }
        }
    }

    /// `BuiltInPartitioner.updatePartitionInfo`: accounts `bytes` appended to the sticky
    /// partition of `topic` (the batch's growth, its header included when the record opened
    /// it). After `batch.size` bytes the next partition is drawn at random among the available
    /// ones (the draw may pick the same partition again), but only if `at_batch_boundary`
    /// (the partition's batches are all full, `RecordAccumulator.allBatchesFull`), or in any
    /// case after twice `batch.size`. Returns whether it switched.
    pub fn sticky_appended(
        &mut self,
        topic: &Arc<str>,
        bytes: u64,
        at_batch_boundary: bool,
        num_partitions: u32,
        available: &[u32],
        rng: &mut SplitMix64,
    ) -> bool {
        let Some(s) = self.sticky.get_mut(topic) else {
            return false;
        };
        s.produced_bytes += bytes;
        let due = s.produced_bytes >= STICKY_BATCH_SIZE_BYTES && at_batch_boundary
            || s.produced_bytes >= 2 * STICKY_BATCH_SIZE_BYTES;
        if due {
            s.partition = next_partition(num_partitions, available, rng);
            s.produced_bytes = 0;
        }
        due
    }

    /// The current sticky partition of a topic, if one was chosen.
    pub fn sticky_partition(&self, topic: &str) -> Option<u32> {
        self.sticky.get(topic).map(|s| s.partition)
    }
}

/// `BuiltInPartitioner.nextPartition` without load statistics.
fn next_partition(num_partitions: u32, available: &[u32], rng: &mut SplitMix64) -> u32 {
    let random = rng.next_positive_i32();
    if available.is_empty() {
        random % num_partitions
    } else {
        available[(random as usize) % available.len()]
    }
}
