//! Replica placement: Kafka's rack-unaware `AdminUtils.assignReplicasToBrokers`.
//!
//! The first replica of partition `p` goes to broker `(p + startIndex) % n`; the others
//! follow at a shift that grows by one every `n` partitions, so leaders and followers spread
//! evenly. The first replica is the partition's preferred leader.

use crate::ids::BrokerId;
use crate::rng::SplitMix64;

/// Where to start the round: Kafka draws `startIndex` and `nextReplicaShift` at random unless
/// a fixed start index is given, in which case both are that index.
#[derive(Clone, Copy, Debug)]
pub enum StartIndex {
    Fixed(u32),
    Random,
}

/// Assigns `partitions` new partitions numbered from `start_partition_id`, each with
/// `replication_factor` replicas, over `brokers` (sorted ascending by the callee).
/// The caller has checked `1 <= replication_factor <= brokers.len()`.
pub fn assign_replicas(
    brokers: &[BrokerId],
    partitions: u32,
    replication_factor: u32,
    start: StartIndex,
    start_partition_id: u32,
    rng: &mut SplitMix64,
) -> Vec<Vec<BrokerId>> {
    let mut sorted = brokers.to_vec();
    crate::sorting::sort(&mut sorted);
    let n = sorted.len() as u64;
    assert!(n > 0 && replication_factor >= 1 && u64::from(replication_factor) <= n);
    // u64 arithmetic: a user-given start index may be any u32.
    let (start_index, mut shift) = match start {
        StartIndex::Fixed(k) => (u64::from(k), u64::from(k)),
        StartIndex::Random => {
            let s = rng.below(n as u32);
            let shift = rng.below(n as u32);
            (u64::from(s), u64::from(shift))
        }
    };
    let mut out = Vec::with_capacity(partitions as usize);
    for pid in u64::from(start_partition_id)..u64::from(start_partition_id) + u64::from(partitions)
    {
        if pid > 0 && pid.is_multiple_of(n) {
            shift += 1;
        }
        let first = (pid + start_index) % n;
        let mut replicas = Vec::with_capacity(replication_factor as usize);
        replicas.push(sorted[first as usize]);
        for j in 0..u64::from(replication_factor) - 1 {
            let step = 1 + (shift + j) % (n - 1);
            replicas.push(sorted[((first + step) % n) as usize]);
        }
        out.push(replicas);
    }
    out
}
