//! When the Java producer sends and retries: KIP-951's new leader in a NOT_LEADER_OR_FOLLOWER
//! answer (retried at once, no backoff, no metadata round trip), a backlog after an outage
//! sent in full `batch.size` batches (`RecordAccumulator`), and the sticky partitioner
//! switching only at a batch boundary (`BuiltInPartitioner.updatePartitionInfo`).

mod common;

use common::*;
use kafka_sim::check::{run_checked, Checker};
use kafka_sim::{BrokerId, Command, Engine, Event, Offset};

fn run(e: &mut Engine, c: &mut Checker, ms: u64) {
    let until = e.now() + ms;
    run_checked(e, c, until).unwrap();
}

/// The leader of t-0 moves from 2 back to 1 by a preferred election while the producer's
/// metadata still names 2: broker 2 answers NOT_LEADER_OR_FOLLOWER with leader 1 and its
/// epoch (`ProduceResponse.CurrentLeader`, KIP-951), and the producer resends to broker 1 at
/// once instead of after `retry.backoff.ms` and a metadata refresh (`Sender.completeBatch`,
/// `RecordAccumulator.shouldBackoff`).
#[test]
fn not_leader_answer_names_the_new_leader_and_the_retry_goes_at_once_kip_951() {
    let mut e = engine(3, 11);
    let mut c = Checker::new();
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    run(&mut e, &mut c, 500);
    kill(&mut e, 1);
    run(&mut e, &mut c, 12_000);
    let t = tp("t", 0);
    assert_eq!(leader(&e, &t), Some(BrokerId(2)));
    // The producer learns leader 2.
    let first = produce(&mut e, "t", 0, "a", kafka_sim::Acks::All);
    restart(&mut e, 1);
    run(&mut e, &mut c, 20_000);
    assert_eq!(acked_offset(&e, first).unwrap().1, Some(Offset(0)));
    assert!(e.partition_view(&t).unwrap().isr.contains(&BrokerId(1)));
    e.apply(Command::ElectPreferredLeaders { topic: None })
        .unwrap();
    run(&mut e, &mut c, 100);
    assert_eq!(leader(&e, &t), Some(BrokerId(1)));
    let sent_at = e.now();
    let second = produce(&mut e, "t", 0, "b", kafka_sim::Acks::All);
    run(&mut e, &mut c, 2_000);
    assert_eq!(acked_offset(&e, second).unwrap().1, Some(Offset(1)));
    let acked_at = e
        .events()
        .iter()
        .rev()
        .find(|x| matches!(&x.event, Event::ProduceAcked { base_offset, .. } if *base_offset == Offset(1)))
        .unwrap()
        .at;
    // linger 5 ms, to broker 2 and back (4 ms), to broker 1, replication and back (~8 ms);
    // a retry after `retry.backoff.ms` would take more than 100 ms.
    assert!(
        acked_at - sent_at < 40,
        "acked {} ms after the send",
        acked_at - sent_at
    );
    let p = e
        .producers_view()
        .into_iter()
        .find(|p| p.name == "producer-acks-all")
        .unwrap();
    assert_eq!(p.stats.batches_retried, 1, "one retry, to the new leader");
    c.finish(&e).unwrap();
}

/// Appends by the leader of t-0 after `from` ms: the batch sizes the producer sent.
fn appended_counts(e: &Engine, from: u64) -> Vec<u32> {
    e.events()
        .iter()
        .filter(|x| x.at >= from)
        .filter_map(|x| match &x.event {
            Event::RecordsAppended { tp, count, .. } if tp.topic.as_ref() == "t" => Some(*count),
            _ => None,
        })
        .collect()
}

fn backlog_after_outage(enable_idempotence: Option<bool>) -> Vec<u32> {
    let mut e = engine(3, 5);
    let mut c = Checker::new();
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    e.apply(Command::StartProducer {
        id: "load".into(),
        topic: "t".into(),
        rate_per_s: 2_000,
        keys: Some(vec!["k".into()]),
        acks: kafka_sim::Acks::All,
        enable_idempotence,
        value_bytes: Some(100),
        partitioner: Default::default(),
        max_records: None,
    })
    .unwrap();
    run(&mut e, &mut c, 2_000);
    kill(&mut e, 1);
    let killed_at = e.now();
    run(&mut e, &mut c, 20_000);
    let t = tp("t", 0);
    assert_ne!(leader(&e, &t), Some(BrokerId(1)));
    c.finish(&e).unwrap();
    // Everything from the election on: the retried batches, then the backlog.
    appended_counts(&e, killed_at)
}

/// `RecordAccumulator`: while a partition has no leader its records keep filling the open
/// batch up to `batch.size` (16384 bytes: 147 records of 100 bytes with key "k") instead of
/// closing a small batch every `linger.ms`, and nothing is drained to the dead leader while
/// its connection is down (`NetworkClient.ready`, `reconnect.backoff.ms`), so after the
/// failover the backlog goes out in full batches: only the batch that was in flight when the
/// leader died is small.
#[test]
fn backlog_after_an_outage_goes_out_in_full_batches_record_accumulator() {
    for enable in [None, Some(false)] {
        let counts = backlog_after_outage(enable);
        // 2,000 records/s for at least `broker.session.timeout.ms` (9 s) before the election.
        let full = counts[1..].iter().take_while(|n| **n >= 147).count();
        assert!(
            full >= 120,
            "idempotence {enable:?}: only {full} full batches before a smaller one: {counts:?}"
        );
        assert!(
            counts[0] < 147,
            "the batch in flight at the kill: {counts:?}"
        );
    }
}

/// `BuiltInPartitioner` with `RecordAccumulator.partitionChanged`: a keyless producer fast
/// enough to fill batches before `linger.ms` switches partitions only when the record does
/// not fit the current batch, so every batch it sends is full (148 keyless records of 100 bytes),
/// never a full batch followed by a scrap on the same partition.
#[test]
fn sticky_partitioner_switches_only_at_a_batch_boundary_built_in_partitioner() {
    let mut e = engine(3, 9);
    let mut c = Checker::new();
    create(&mut e, "t", 6, 1, &[]);
    e.apply(Command::StartProducer {
        id: "keyless".into(),
        topic: "t".into(),
        rate_per_s: 200_000,
        keys: None,
        acks: kafka_sim::Acks::All,
        enable_idempotence: None,
        value_bytes: Some(100),
        partitioner: Default::default(),
        max_records: Some(148 * 60),
    })
    .unwrap();
    run(&mut e, &mut c, 3_000);
    let counts = appended_counts(&e, 0);
    assert_eq!(counts.iter().sum::<u32>(), 148 * 60);
    assert!(
        counts.iter().all(|n| *n == 148),
        "batches of a sticky partition: {counts:?}"
    );
    let partitions: std::collections::BTreeSet<u32> = e
        .events()
        .iter()
        .filter_map(|x| match &x.event {
            Event::RecordsAppended { tp, .. } => Some(tp.partition.0),
            _ => None,
        })
        .collect();
    assert!(partitions.len() >= 4, "spread over {partitions:?}");
    c.finish(&e).unwrap();
}
