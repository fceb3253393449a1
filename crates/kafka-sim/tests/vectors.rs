//! Every vector of KAFKA_SEMANTICS.md sections 2 and 3.

use kafka_sim::ids::BrokerId;
use kafka_sim::murmur2::{murmur2, partition_for_key, to_positive};
use kafka_sim::partitioner::{Partitioner, PartitionerKind, STICKY_BATCH_SIZE_BYTES};
use kafka_sim::placement::{assign_replicas, StartIndex};
use kafka_sim::rng::SplitMix64;
use std::sync::Arc;

#[test]
fn murmur2_matches_kafka_utils_test() {
    assert_eq!(murmur2(b"21"), -973932308);
    assert_eq!(murmur2(b"foobar"), -790332482);
    assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
    assert_eq!(murmur2(b"a-little-bit-longer-string"), -1486304829);
    assert_eq!(
        murmur2(b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"),
        -58897971
    );
    // Kafka's test passes the bytes {'a', 'b', 'c'}.
    let abc: [u8; 3] = [0x61, 0x62, 0x63];
    assert_eq!(murmur2(&abc), 479470107);
}

#[test]
fn partitions_for_1000_partitions_match_kafka_python() {
    assert_eq!(partition_for_key(b"", 1000), 681);
    assert_eq!(partition_for_key(b"a", 1000), 524);
    assert_eq!(partition_for_key(b"ab", 1000), 434);
    assert_eq!(partition_for_key(b"abc", 1000), 107);
    assert_eq!(partition_for_key(b"123456789", 1000), 566);
    assert_eq!(partition_for_key(&[0x00, b' '], 1000), 742);
}

#[test]
fn to_positive_masks_instead_of_abs() {
    assert_eq!(to_positive(-1), 0x7fff_ffff);
    assert_eq!(to_positive(i32::MIN), 0);
    assert_eq!(to_positive(5), 5);
    // abs() would give 973932308 for "21".
    assert_eq!(
        to_positive(murmur2(b"21")),
        (-973932308i32 as u32) & 0x7fff_ffff
    );
}

#[test]
fn admin_rack_aware_test_vector() {
    let brokers: Vec<BrokerId> = (0..5).map(BrokerId).collect();
    let got = assign_replicas(
        &brokers,
        10,
        3,
        StartIndex::Fixed(0),
        0,
        &mut SplitMix64::new(0),
    );
    let expected: Vec<Vec<u32>> = vec![
        vec![0, 1, 2],
        vec![1, 2, 3],
        vec![2, 3, 4],
        vec![3, 4, 0],
        vec![4, 0, 1],
        vec![0, 2, 3],
        vec![1, 3, 4],
        vec![2, 4, 0],
        vec![3, 0, 1],
        vec![4, 1, 2],
    ];
    let got: Vec<Vec<u32>> = got
        .iter()
        .map(|r| r.iter().map(|b| b.0).collect())
        .collect();
    assert_eq!(got, expected);
}

#[test]
fn random_placement_is_seeded_and_balanced() {
    let brokers: Vec<BrokerId> = (1..=3).map(BrokerId).collect();
    let a = assign_replicas(
        &brokers,
        6,
        3,
        StartIndex::Random,
        0,
        &mut SplitMix64::new(9),
    );
    let b = assign_replicas(
        &brokers,
        6,
        3,
        StartIndex::Random,
        0,
        &mut SplitMix64::new(9),
    );
    assert_eq!(a, b);
    for b in &brokers {
        assert_eq!(
            a.iter().filter(|r| r[0] == *b).count(),
            2,
            "leaders spread evenly"
        );
    }
    for r in &a {
        let mut s = r.clone();
        s.sort();
        s.dedup();
        assert_eq!(s.len(), 3, "no broker twice in {r:?}");
    }
}

#[test]
fn keyed_records_ignore_availability_explicit_partition_wins() {
    let mut p = Partitioner::new(PartitionerKind::Default);
    let topic: Arc<str> = Arc::from("t");
    let mut rng = SplitMix64::new(1);
    // All partitions count for keys, even unavailable ones.
    assert_eq!(
        p.partition(&topic, Some(b"abc"), None, 1000, &[1, 2], &mut rng),
        107
    );
    assert_eq!(
        p.partition(&topic, Some(b"abc"), Some(3), 1000, &[], &mut rng),
        3
    );
}

#[test]
fn sticky_partitioner_switches_after_batch_size_bytes() {
    let topic: Arc<str> = Arc::from("t");
    let available: Vec<u32> = (0..6).collect();
    let run = |seed| {
        let mut p = Partitioner::new(PartitionerKind::Default);
        let mut rng = SplitMix64::new(seed);
        let mut seq = Vec::new();
        for _ in 0..2000 {
            let part = p.partition(&topic, None, None, 6, &available, &mut rng);
            seq.push(part);
            p.sticky_appended(&topic, 100, true, 6, &available, &mut rng);
        }
        seq
    };
    let seq = run(5);
    assert_eq!(seq, run(5), "seeded");
    // Runs of the same partition are exactly batch.size / 100 = 164 records long
    // (a switch may draw the same partition again, which merges runs).
    let first_switch = seq.iter().position(|p| *p != seq[0]).unwrap() as u64;
    assert_eq!(first_switch % STICKY_BATCH_SIZE_BYTES.div_ceil(100), 0);
    let distinct: std::collections::BTreeSet<_> = seq.iter().collect();
    assert!(
        distinct.len() >= 3,
        "sticky partitioner moves around: {distinct:?}"
    );
    // Only available partitions are chosen for null keys.
    let mut p = Partitioner::new(PartitionerKind::Default);
    let mut rng = SplitMix64::new(3);
    for _ in 0..500 {
        let part = p.partition(&topic, None, None, 6, &[2, 4], &mut rng);
        assert!(part == 2 || part == 4);
        p.sticky_appended(&topic, 5000, true, 6, &[2, 4], &mut rng);
    }
}

/// `BuiltInPartitioner.updatePartitionInfo`: past `batch.size` bytes the switch waits for a
/// batch boundary, but never past twice `batch.size`.
#[test]
fn sticky_switch_waits_for_a_batch_boundary_up_to_twice_batch_size() {
    let topic: Arc<str> = Arc::from("t");
    let available: Vec<u32> = (0..6).collect();
    let mut p = Partitioner::new(PartitionerKind::Default);
    let mut rng = SplitMix64::new(1);
    p.partition(&topic, None, None, 6, &available, &mut rng);
    let switched_after = |p: &mut Partitioner, rng: &mut SplitMix64, boundary_at: u64| {
        (1..=1_000u64)
            .find(|i| p.sticky_appended(&topic, 100, *i == boundary_at, 6, &available, rng))
            .unwrap()
    };
    // Not at a boundary: no switch until 2 x 16384 bytes (328 records of 100 bytes).
    assert_eq!(switched_after(&mut p, &mut rng, 0), 328);
    // A boundary after 200 records (20,000 bytes): the switch happens there.
    assert_eq!(switched_after(&mut p, &mut rng, 200), 200);
    // A boundary before batch.size bytes does not switch.
    assert_eq!(switched_after(&mut p, &mut rng, 100), 328);
}

#[test]
fn round_robin_partitioner_deals_in_turn_and_ignores_keys() {
    let topic: Arc<str> = Arc::from("t");
    let mut p = Partitioner::new(PartitionerKind::RoundRobin);
    let mut rng = SplitMix64::new(1);
    let got: Vec<u32> = (0..7)
        .map(|_| p.partition(&topic, Some(b"same-key"), None, 3, &[0, 1, 2], &mut rng))
        .collect();
    assert_eq!(got, vec![0, 1, 2, 0, 1, 2, 0]);
    let got: Vec<u32> = (0..4)
        .map(|_| p.partition(&topic, None, None, 3, &[0, 2], &mut rng))
        .collect();
    // The counter is not reset: 7, 8, 9, 10 over the two available partitions.
    assert_eq!(got, vec![2, 0, 2, 0]);
}
