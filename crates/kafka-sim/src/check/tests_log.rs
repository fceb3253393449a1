//! The log lifecycle checkers must be able to fail: a delivery below the log start it was
//! served with, and a cleaner that removes a key's latest value (cleaning past the HW, or a
//! tombstone before `delete.retention.ms`), each in an otherwise healthy compacted log.

use super::*;
use crate::command::Command;
use crate::controller::NewTopic;
use crate::engine::EngineConfig;
use crate::event::Event;
use crate::log::Roll;
use crate::message::Acks;
use crate::replica::Replica;
use std::sync::Arc;

fn tp() -> TopicPartition {
    TopicPartition::new("t", 0)
}

/// Three brokers, compacted `t-0` on replicas 1,2,3 (leader 1) with 1 s segments, a low
/// dirty ratio and `delete.retention.ms=60000`; 500 records over keys k0..k4, cleaned at
/// 15, 30 and 45 s; checked after every step.
fn compacted() -> (Engine, Checker) {
    let mut e = Engine::new(EngineConfig {
        seed: 11,
        ..EngineConfig::default()
    });
    let mut c = Checker::new();
    let configs = [
        ("cleanup.policy", "compact"),
        ("segment.ms", "1000"),
        ("min.cleanable.dirty.ratio", "0.01"),
        ("delete.retention.ms", "60000"),
    ];
    e.apply(Command::CreateTopic(NewTopic {
        topic: "t".into(),
        partitions: Some(1),
        replication_factor: Some(3),
        fixed_start_index: Some(0),
        configs: configs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..NewTopic::default()
    }))
    .unwrap();
    c.check(&e).unwrap();
    e.apply(Command::StartProducer {
        id: "p".into(),
        topic: "t".into(),
        rate_per_s: 50,
        keys: Some((0..5).map(|k| format!("k{k}")).collect()),
        acks: Acks::All,
        value_bytes: None,
        partitioner: Default::default(),
        max_records: Some(500),
        enable_idempotence: None,
    })
    .unwrap();
    run_checked(&mut e, &mut c, 46_000).unwrap();
    let cleaned = e
        .events()
        .iter()
        .filter(|te| matches!(&te.event, Event::LogCleaned { tp: t, .. } if *t == tp()))
        .count();
    assert!(cleaned >= 3, "the cleaner ran on every replica: {cleaned}");
    assert!(
        c.log_coverage().1 > 0,
        "the checker found the latest values in place"
    );
    (e, c)
}

fn leader(e: &mut Engine) -> &mut Replica {
    e.brokers
        .get_mut(&BrokerId(1))
        .unwrap()
        .replicas
        .get_mut(&tp())
        .unwrap()
}

fn inject(e: &mut Engine, event: Event) {
    let at = e.now();
    e.events.push(crate::event::TimedEvent { at, event });
}

fn cleaned_by_leader(e: &mut Engine) {
    inject(
        e,
        Event::LogCleaned {
            broker: BrokerId(1),
            tp: tp(),
            records_removed: 1,
            clean_offset: Offset(0),
            segments: 1,
        },
    );
}

fn broken(c: &mut Checker, e: &Engine) -> Invariant {
    let v = c.check(e).expect_err("the checker must notice");
    assert!(!v.detail.is_empty());
    v.invariant
}

/// A consumer handed records from offset `from`, served with `log_start`.
fn delivered(e: &mut Engine, from: u64, log_start: u64) {
    let records = leader(e).log.read(Offset(from), u64::MAX);
    let first = records[0].records().next().unwrap().offset;
    inject(
        e,
        Event::RecordsDelivered {
            group: "g".into(),
            consumer: "c1".into(),
            tp: tp(),
            base_offset: first,
            count: records.iter().map(|c| c.len()).sum(),
            records,
            log_start_offset: Offset(log_start),
        },
    );
}

#[test]
fn a_delivery_below_the_served_log_start_is_reported() {
    let (mut e, mut c) = compacted();
    let start = leader(&mut e).log.log_start_offset().0;
    let first = leader(&mut e)
        .log
        .records(Offset(0), Offset(u64::MAX))
        .next();
    let first = first.unwrap().offset.0;
    // From the first record the log holds, served with the log start as it is: fine.
    delivered(&mut e, first, start);
    c.check(&e).unwrap();
    // The same records, but the leader's log start was already past them (a fetch below the
    // log start must be OFFSET_OUT_OF_RANGE, `UnifiedLog.read`).
    delivered(&mut e, first, first + 1);
    assert_eq!(broken(&mut c, &e), Invariant::ConsumerAboveLogStart);
}

#[test]
fn cleaning_past_the_high_watermark_loses_a_latest_value_and_is_reported() {
    let (mut e, mut c) = compacted();
    let now = e.now();
    let r = leader(&mut e);
    let hw = r.high_watermark;
    assert_eq!(r.log.log_end_offset(), hw, "quiet: every record committed");
    // Two uncommitted batches repeating the last committed keys, each in a segment of its
    // own, so the first is below the active segment.
    let last = r.log.read(Offset(hw.0 - 1), u64::MAX)[0].batch.clone();
    let roll = Roll {
        segment_bytes: 1,
        segment_ms: u64::MAX,
        now,
    };
    for _ in 0..2 {
        let mut batch = (*last).clone();
        batch.base_offset = r.log.log_end_offset();
        batch.compacted = None;
        // New batches, not the idempotent producer's batch again (another invariant).
        batch.producer = None;
        assert!(r.log.append_batch(Arc::new(batch), &roll));
    }
    // A cleaner that ignores the HW (Kafka never cleans beyond it,
    // `LogCleanerManager.cleanableOffsets`) maps the uncommitted keys and drops the
    // committed latest values they supersede.
    let config = e.controller.image.topics.get("t").unwrap().config.clone();
    let r = leader(&mut e);
    let d = r.log.dirtiness(r.log.log_end_offset());
    assert!(d.first_uncleanable > hw);
    let cleaned = r.log.clean(&config, d, now).unwrap();
    assert!(cleaned.records_removed > 0);
    cleaned_by_leader(&mut e);
    assert_eq!(broken(&mut c, &e), Invariant::CompactionKeepsLatest);
}

fn produce(key: &str, value: Option<&str>) -> Command {
    Command::Produce {
        topic: "t".into(),
        key: Some(key.as_bytes().to_vec()),
        value: value.map(|v| v.as_bytes().to_vec()),
        headers: Vec::new(),
        partition: None,
        acks: Acks::All,
        enable_idempotence: None,
    }
}

/// `t` with a tombstone for k0 (the latest record of k0) in a segment the cleaner may clean;
/// its next cleaning is at 60 s.
fn with_tombstone() -> (Engine, Checker) {
    let (mut e, mut c) = compacted();
    e.apply(produce("k0", None)).unwrap();
    run_checked(&mut e, &mut c, 48_000).unwrap();
    // A later record rolls the tombstone's segment.
    e.apply(produce("k1", Some("v"))).unwrap();
    run_checked(&mut e, &mut c, 50_000).unwrap();
    let r = leader(&mut e);
    let hw = r.high_watermark;
    let tombstone = r.log.records(Offset(0), hw).find(|rec| rec.value.is_none());
    let tombstone = tombstone.expect("the tombstone is committed").offset;
    assert!(tombstone < r.log.active_segment_base());
    (e, c)
}

#[test]
fn a_tombstone_removed_before_delete_retention_ms_is_reported() {
    let (mut e, mut c) = with_tombstone();
    // A cleaner that took `delete.retention.ms` as 0: the first pass sets the horizon to
    // now, the next removes the tombstone (`Cleaner.shouldRetainRecord`).
    let mut config = e.controller.image.topics.get("t").unwrap().config.clone();
    config.delete_retention_ms = 0;
    let now = e.now();
    let r = leader(&mut e);
    let d = r.log.dirtiness(r.high_watermark);
    r.log.clean(&config, d, now).unwrap();
    let removed = r.log.clean(&config, d, now + 1).unwrap().records_removed;
    assert!(removed > 0);
    cleaned_by_leader(&mut e);
    assert_eq!(broken(&mut c, &e), Invariant::CompactionKeepsLatest);
}

#[test]
fn a_tombstone_removed_after_delete_retention_ms_is_fine() {
    let (mut e, mut c) = with_tombstone();
    // The cleaning at 60 s keeps the tombstone and sets its horizon (120 s); the log is clean
    // then, and Kafka cleans only a dirty enough log (`grabFilthiestCompactedLog`), so new
    // records make it dirty again; the next cleaning removes the tombstone everywhere.
    run_checked(&mut e, &mut c, 125_000).unwrap();
    for b in 1..=3 {
        let r = &e.brokers[&BrokerId(b)].replicas[&tp()];
        let tombstones = r.log.records(Offset(0), r.high_watermark);
        assert_eq!(tombstones.filter(|rec| rec.value.is_none()).count(), 1);
    }
    e.apply(produce("k2", Some("v"))).unwrap();
    run_checked(&mut e, &mut c, 127_500).unwrap();
    e.apply(produce("k3", Some("v"))).unwrap();
    run_checked(&mut e, &mut c, 150_000).unwrap();
    for b in 1..=3 {
        let r = &e.brokers[&BrokerId(b)].replicas[&tp()];
        let tombstones = r.log.records(Offset(0), r.high_watermark);
        assert_eq!(tombstones.filter(|rec| rec.value.is_none()).count(), 0);
    }
    c.finish(&e).unwrap();
}
