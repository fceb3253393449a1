//! Regression tests for the controller and admin behaviour of Kafka 4.x (KRaft) that the
//! engine once got wrong: each names the Kafka class whose rule it pins.

mod common;

use common::*;
use kafka_sim::{Acks, Offset};

/// `Partition.effectiveMinIsr` (KAFKA-15583, Kafka 3.7): min.insync.replicas above the
/// replication factor is capped at the replica count, for the NotEnoughReplicas check and
/// the HW alike.
#[test]
fn min_insync_above_replication_factor_is_capped_partition_effective_min_isr() {
    let mut e = engine(3, 1);
    create(&mut e, "t", 1, 1, &[("min.insync.replicas", "2")]);
    let all = produce(&mut e, "t", 0, "a", Acks::All);
    let one = produce(&mut e, "t", 0, "b", Acks::One);
    run_checked(&mut e, 2_000);
    assert_eq!(acked_offset(&e, all), Some((tp("t", 0), Some(Offset(0)))));
    assert!(acked_offset(&e, one).is_some());
    let l = leader(&e, &tp("t", 0)).unwrap().0;
    assert_eq!(hw_of(&e, l, &tp("t", 0)), Offset(2), "both records visible");
}
