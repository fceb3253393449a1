//! The log lifecycle end to end: segments roll, retention deletes whole old segments on every
//! replica at the log manager's check interval, consumers below the log start reset by
//! `auto.offset.reset`, compaction keeps the last value per key at its offset, and committed
//! offsets survive the compaction of `__consumer_offsets` and a coordinator failover.

mod common;

use common::*;
use kafka_sim::command::{JoinGroupSpec, ResetTarget};
use kafka_sim::consumer::OffsetReset;
use kafka_sim::{Acks, Command, Engine, Event, Offset, TopicPartition};
use std::collections::BTreeMap;

fn join(e: &mut Engine, group: &str, consumer: &str, topic: &str, reset: OffsetReset) {
    let mut spec = JoinGroupSpec::new(group, consumer, &[topic]);
    spec.auto_offset_reset = reset;
    e.apply(Command::JoinGroup(Box::new(spec))).expect("join");
}

fn leave(e: &mut Engine, group: &str, consumer: &str) {
    e.apply(Command::LeaveGroup {
        group: group.into(),
        consumer: consumer.into(),
    })
    .expect("leave");
}

fn stop(e: &mut Engine, id: &str) {
    e.apply(Command::StopProducer { id: id.into() }).unwrap();
}

/// Every replica's `(log start, LEO, segments)` of `tp`.
fn replica_logs(e: &Engine, tp: &TopicPartition) -> Vec<(u64, u64, u32)> {
    e.partition_view(tp)
        .unwrap()
        .replica_states
        .iter()
        .map(|r| (r.log_start_offset.0, r.log_end_offset.0, r.segments))
        .collect()
}

/// `(at, broker, log start)` of every `SegmentsDeleted` event of `tp`.
fn deletions(e: &Engine, tp: &TopicPartition) -> Vec<(u64, u32, u64)> {
    e.events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::SegmentsDeleted {
                broker,
                tp: t,
                log_start_offset,
                ..
            } if t == tp => Some((te.at, broker.0, log_start_offset.0)),
            _ => None,
        })
        .collect()
}

#[test]
fn retention_ms_deletes_old_segments_on_every_replica_at_the_check_interval() {
    let mut e = engine(3, 1);
    create(
        &mut e,
        "logs",
        1,
        3,
        &[("segment.ms", "10000"), ("retention.ms", "60000")],
    );
    start_load(&mut e, "p", "logs", 10, Acks::All);
    let t = tp("logs", 0);
    run_checked(&mut e, 329_999);
    // The first check, 30 s after start, finds nothing older than a minute.
    assert!(deletions(&e, &t).is_empty());
    let rolls = events_named(&e, "SegmentRolled").len();
    // About one roll every 10 s on each of the three replicas.
    assert!((90..=105).contains(&rolls), "{rolls} rolls");
    assert!(replica_logs(&e, &t).iter().all(|r| r.0 == 0 && r.2 >= 30));
    run_checked(&mut e, 330_000);
    // The second check, 300 s later, deletes on all three replicas at once.
    let d = deletions(&e, &t);
    assert_eq!(d.len(), 3, "{d:?}");
    assert!(d
        .iter()
        .all(|(at, _, start)| *at == 330_000 && *start == d[0].2));
    let start = Offset(d[0].2);
    assert!(replica_logs(&e, &t).iter().all(|r| r.0 == start.0));
    // What went was more than a minute old; the oldest segment kept has a record that is not.
    let leader = leader(&e, &t).unwrap();
    let kept = e.replica_records(leader, &t, Offset(0), Offset(u64::MAX));
    assert_eq!(kept[0].offset, start);
    let first_segment_end = kept
        .iter()
        .position(|r| r.timestamp_ms > kept[0].timestamp_ms + 10_000)
        .unwrap();
    assert!(kept[..first_segment_end]
        .iter()
        .any(|r| r.timestamp_ms >= 330_000 - 60_000));
    // The records before the log start are gone: about 270 s of 10 records/s.
    assert!((2_500..=2_800).contains(&start.0), "log start {}", start.0);
    assert!(e.replica_records(leader, &t, Offset(0), start).is_empty());
    // The log start is what `kafka-get-offsets --time earliest` prints.
    let earliest = kafka_sim::describe::earliest_offsets(&e, "logs").unwrap();
    assert_eq!(earliest, format!("logs:0:{}\n", start.0));
    check_invariants(&e);
}

#[test]
fn retention_bytes_deletes_whole_segments_down_to_the_limit() {
    let mut e = engine(3, 2);
    create(
        &mut e,
        "sized",
        2,
        2,
        &[
            ("segment.ms", "5000"),
            ("retention.ms", "-1"),
            ("retention.bytes", "20000"),
        ],
    );
    start_load(&mut e, "p", "sized", 40, Acks::All);
    run_checked(&mut e, 29_000);
    let size = |e: &Engine, p: u32| -> Vec<(u64, u32)> {
        e.partition_view(&tp("sized", p))
            .unwrap()
            .replica_states
            .iter()
            .map(|r| (r.size_bytes, r.segments))
            .collect()
    };
    assert!(size(&e, 0).iter().all(|(bytes, _)| *bytes > 20_000));
    run_checked(&mut e, 31_000);
    for p in 0..2 {
        let t = tp("sized", p);
        assert!(!deletions(&e, &t).is_empty());
        for (bytes, segments) in size(&e, p) {
            // Whole segments go while the log stays at or above the limit: it ends less
            // than one segment (about 5 s of records, under 10 KB here) above it.
            assert!((20_000..30_000).contains(&bytes), "{bytes}");
            assert!(segments >= 2);
        }
    }
    check_invariants(&e);
}

/// The consumer events of one consumer, `(event name, offset)` for positions and deliveries.
fn positions(e: &Engine, consumer: &str) -> Vec<(String, u64)> {
    e.events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::FetchPositionSet {
                consumer: c,
                offset,
                source,
                ..
            } if &**c == consumer => Some((source.to_string(), offset.0)),
            _ => None,
        })
        .collect()
}

fn first_delivered(e: &Engine, consumer: &str) -> Option<u64> {
    e.events().iter().find_map(|te| match &te.event {
        Event::RecordsDelivered {
            consumer: c,
            base_offset,
            ..
        } if &**c == consumer => Some(base_offset.0),
        _ => None,
    })
}

#[test]
fn a_consumer_below_the_log_start_resets_by_auto_offset_reset() {
    let mut e = engine(3, 3);
    create(
        &mut e,
        "short",
        1,
        3,
        &[("segment.ms", "5000"), ("retention.ms", "20000")],
    );
    start_load(&mut e, "p", "short", 10, Acks::All);
    // Three groups commit an offset near the start, then leave.
    for (g, c) in [("ge", "early"), ("gl", "late"), ("gn", "strict")] {
        join(&mut e, g, c, "short", OffsetReset::Earliest);
    }
    e.advance_to(12_000);
    for (g, c) in [("ge", "early"), ("gl", "late"), ("gn", "strict")] {
        leave(&mut e, g, c);
    }
    run_checked(&mut e, 340_000);
    let t = tp("short", 0);
    let start = e.partition_view(&t).unwrap().replica_states[0].log_start_offset;
    let hw_at_340 = e.high_watermark(&t).unwrap().0;
    assert!(
        start.0 > 3_000,
        "retention moved the log start: {}",
        start.0
    );
    // They come back with different auto.offset.reset policies.
    join(&mut e, "ge", "early-2", "short", OffsetReset::Earliest);
    join(&mut e, "gl", "late-2", "short", OffsetReset::Latest);
    join(&mut e, "gn", "strict-2", "short", OffsetReset::None);
    // A new group starting from the earliest offset starts at the log start.
    join(&mut e, "fresh", "fresh-1", "short", OffsetReset::Earliest);
    run_checked(&mut e, 360_000);
    let committed = |name: &str| positions(&e, name)[0].clone();
    // Each resumed from its committed offset, below the log start: OFFSET_OUT_OF_RANGE.
    for c in ["early-2", "late-2", "strict-2"] {
        let (source, offset) = committed(c);
        assert_eq!(source, "committed");
        assert!(offset < start.0 && offset > 0, "{c}: {offset}");
    }
    // earliest: the log start (as it was then).
    let early = positions(&e, "early-2");
    assert_eq!(early[1].0, "earliest");
    assert!(early[1].1 >= start.0);
    assert_eq!(first_delivered(&e, "early-2"), Some(early[1].1));
    // latest: the HW of that moment, above the log start and what earliest got.
    let late = positions(&e, "late-2");
    assert_eq!(late[1].0, "latest");
    assert!(late[1].1 > early[1].1 + 100, "{late:?} {early:?}");
    assert!(late[1].1 >= hw_at_340);
    assert!(first_delivered(&e, "late-2").unwrap() >= late[1].1);
    // none: the application gets OffsetOutOfRangeException and the consumer stops.
    let error = e
        .events()
        .iter()
        .find_map(|te| match &te.event {
            Event::ConsumerError {
                consumer, error, ..
            } if &**consumer == "strict-2" => Some(error.clone()),
            _ => None,
        })
        .expect("strict-2 fails");
    assert_eq!(error.name(), "OffsetOutOfRangeException");
    assert!(error
        .message
        .ends_with("is out of range for partition short-0"));
    assert_eq!(first_delivered(&e, "strict-2"), None);
    // A group without a committed offset asks for the earliest: the log start.
    assert_eq!(positions(&e, "fresh-1")[0].0, "earliest");
    assert!(positions(&e, "fresh-1")[0].1 >= start.0);
    check_invariants(&e);
}

#[test]
fn a_compacted_topic_keeps_the_last_value_per_key_at_its_offset_on_every_replica() {
    let mut e = engine(3, 4);
    create(
        &mut e,
        "latest",
        1,
        3,
        &[
            ("cleanup.policy", "compact"),
            ("segment.ms", "2000"),
            ("min.cleanable.dirty.ratio", "0.1"),
        ],
    );
    // 16 keys cycled (k0..k15): the record at offset o has key k(o % 16) and value p-o.
    start_load(&mut e, "p", "latest", 50, Acks::All);
    run_checked(&mut e, 60_000);
    stop(&mut e, "p");
    run_checked(&mut e, 120_000);
    let t = tp("latest", 0);
    let hw = e.high_watermark(&t).unwrap().0;
    assert!(hw > 2_500);
    let cleaned = events_named(&e, "LogCleaned").len();
    assert!(cleaned >= 6, "the cleaner ran on every replica: {cleaned}");
    let mut last_of: BTreeMap<String, u64> = BTreeMap::new();
    for o in 0..hw {
        last_of.insert(format!("k{}", o % 16), o);
    }
    for r in e.partition_view(&t).unwrap().replica_states {
        let records = e.replica_records(r.broker, &t, Offset(0), Offset(hw));
        assert!(
            records.len() < 200,
            "compacted: {} records kept",
            records.len()
        );
        let mut previous = None;
        let mut clean_keys = BTreeMap::new();
        for rec in &records {
            // Offsets never change: the record still sits at the offset it was written to.
            let key = String::from_utf8_lossy(rec.key.unwrap()).into_owned();
            assert_eq!(key, format!("k{}", rec.offset.0 % 16));
            assert_eq!(rec.value.unwrap(), format!("p-{}", rec.offset.0).as_bytes());
            assert!(previous < Some(rec.offset));
            previous = Some(rec.offset);
            if r.clean_offset.is_some_and(|c| rec.offset < c) {
                // In the cleaned part each key appears once.
                assert!(clean_keys.insert(key, rec.offset).is_none());
            }
        }
        // The last value of every key is there.
        for (key, offset) in &last_of {
            assert!(
                records.iter().any(|rec| rec.offset.0 == *offset),
                "broker {}: last {key} at {offset} missing",
                r.broker
            );
        }
    }
    // A consumer reading from the start gets each key's last value, skipping the gaps.
    join(&mut e, "reader", "r1", "latest", OffsetReset::Earliest);
    run_checked(&mut e, 140_000);
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for te in e.events() {
        if let Event::RecordsDelivered { records, .. } = &te.event {
            for c in records {
                for rec in c.records() {
                    seen.insert(
                        String::from_utf8_lossy(rec.key.unwrap()).into(),
                        rec.offset.0,
                    );
                }
            }
        }
    }
    assert_eq!(seen, last_of);
    check_invariants(&e);
}

#[test]
fn keyless_records_to_a_compacted_topic_are_rejected() {
    let mut e = engine(3, 5);
    create(&mut e, "keyed", 1, 3, &[("cleanup.policy", "compact")]);
    let h = produce(&mut e, "keyed", 0, "no key", Acks::All);
    e.advance_to(2_000);
    assert_eq!(failed(&e, h), Some("InvalidRecordException"));
}

#[test]
fn committed_offsets_survive_compaction_of_consumer_offsets_and_failover() {
    let mut e = engine(3, 6);
    // 200 partitions of a long-named topic: every auto-commit writes 200 records (about
    // 10 KB) to the group's __consumer_offsets partition, which rolls its 1 MiB segment
    // after about nine minutes.
    let topic = "wide-topic-with-a-rather-long-name";
    create(&mut e, topic, 200, 3, &[]);
    start_load(&mut e, "p", topic, 10, Acks::All);
    join(&mut e, "g", "c1", topic, OffsetReset::Earliest);
    e.advance_to(900_000);
    let cleaned: Vec<u32> = e
        .events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::LogCleaned { tp, broker, .. } if &*tp.topic == "__consumer_offsets" => {
                Some(broker.0)
            }
            _ => None,
        })
        .collect();
    assert!(!cleaned.is_empty(), "the offsets partition was compacted");
    let group = e.group_view("g").unwrap();
    let coordinator = group.coordinator.unwrap();
    let offsets_tp = tp("__consumer_offsets", group.offsets_partition.unwrap());
    // The compacted offsets partition holds about one record per committed partition.
    let leader_records = e.replica_records(coordinator, &offsets_tp, Offset(0), Offset(u64::MAX));
    let leo = leader(&e, &offsets_tp).map(|_| leo(&e, coordinator.0, &offsets_tp).0);
    assert!(leo.unwrap() > 30_000, "{leo:?} offsets written");
    assert!(
        leader_records.len() < 20_000,
        "{} kept",
        leader_records.len()
    );
    // Stop producing, let the consumer catch up and commit, then fail the coordinator over.
    stop(&mut e, "p");
    e.advance_to(920_000);
    let before: Vec<_> = e
        .group_view("g")
        .unwrap()
        .partitions
        .iter()
        .map(|p| (p.tp.clone(), p.committed))
        .collect();
    assert!(before.iter().all(|(_, c)| c.is_some()));
    let delivered = e.group_view("g").unwrap().records_delivered;
    kill(&mut e, coordinator.0);
    e.advance_to(980_000);
    let after = e.group_view("g").unwrap();
    assert_ne!(after.coordinator, Some(coordinator));
    let committed: Vec<_> = after
        .partitions
        .iter()
        .map(|p| (p.tp.clone(), p.committed))
        .collect();
    // The new coordinator loaded every committed offset from the compacted log.
    assert_eq!(committed, before);
    assert_eq!(
        after.records_delivered, delivered,
        "nothing delivered twice"
    );
    check_invariants(&e);
}

#[test]
fn memory_of_a_long_run_with_retention_stays_flat() {
    let mut e = engine(3, 7);
    create(
        &mut e,
        "steady",
        2,
        3,
        &[("segment.ms", "10000"), ("retention.ms", "60000")],
    );
    start_load(&mut e, "p", "steady", 50, Acks::All);
    join(&mut e, "g", "c1", "steady", OffsetReset::Earliest);
    let mut sizes = Vec::new();
    for minute in 1..=21u64 {
        e.advance_to(minute * 60_000);
        drop(e.take_events());
        sizes.push(e.footprint()["log records: steady"]);
    }
    let records: u64 = (0..2)
        .map(|p| e.high_watermark(&tp("steady", p)).unwrap().0)
        .sum();
    assert!(records > 60_000, "{records} records written");
    // Retention runs every 5 minutes (at 0:30, 5:30, 10:30, ...): the log grows for five
    // minutes, then drops to the last minute or two. The peaks just before the checks, from
    // the second deleting one on, are the same: nothing else accumulates.
    let peaks = [sizes[9], sizes[14], sizes[19]];
    let (low, high) = (peaks.iter().min().unwrap(), peaks.iter().max().unwrap());
    assert!(high - low < high / 50, "{sizes:?}");
    assert!(sizes.iter().all(|s| s <= high), "{sizes:?}");
    // Without retention the log would hold 20 minutes of records, four times a peak.
    assert!(*high < sizes[20] * 3, "{sizes:?}");
}

/// `LogCleaner.cleanFilthiestLog` runs `deleteOldSegments` for every compacted log
/// (`LogCleanerManager.deletableLogs`), and for a `compact`-only log that is the log start
/// pass: a follower that learned its leader's log start from a fetch while the topic was
/// `compact,delete` drops the segments below it once the topic is `compact` only.
#[test]
fn a_compacted_follower_deletes_segments_below_its_leaders_log_start() {
    let mut e = engine(3, 5);
    create(
        &mut e,
        "cd",
        1,
        3,
        &[
            ("cleanup.policy", "compact,delete"),
            ("segment.ms", "2000"),
            ("retention.ms", "20000"),
            // Never dirty enough: cleaning would merge the old segments into a young one.
            ("min.cleanable.dirty.ratio", "1"),
        ],
    );
    start_load(&mut e, "p", "cd", 20, Acks::All);
    // Broker 3's log manager restarts with it: its cleaner wakes at 23, 38, 53 s, the
    // leader's (broker 1) at 15, 30, 45, 60 s.
    e.advance_to(1_000);
    kill(&mut e, 3);
    e.advance_to(8_000);
    restart(&mut e, 3);
    run_checked(&mut e, 46_000);
    let t = tp("cd", 0);
    let leader_start =
        |e: &Engine| e.partition_view(&t).unwrap().replica_states[0].log_start_offset;
    let start = leader_start(&e);
    assert!(
        deletions(&e, &t).iter().any(|d| d.0 == 45_000 && d.1 == 1),
        "the leader deleted by retention.ms at 45 s: {:?}",
        deletions(&e, &t)
    );
    let follower = |e: &Engine| e.partition_view(&t).unwrap().replica_states[2].clone();
    assert_eq!(follower(&e).broker.0, 3);
    assert_eq!(follower(&e).log_start_offset, start, "learned from a fetch");
    let mut configs = BTreeMap::new();
    configs.insert("cleanup.policy".to_string(), Some("compact".to_string()));
    e.apply(Command::SetTopicConfig {
        topic: "cd".into(),
        configs,
    })
    .unwrap();
    stop(&mut e, "p");
    let segments_before = follower(&e).segments;
    run_checked(&mut e, 54_000);
    let reasons: Vec<(u64, u32, String)> = e
        .events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::SegmentsDeleted {
                broker, tp, reason, ..
            } if *tp == t && te.at > 46_000 => Some((te.at, broker.0, reason.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(reasons, [(53_000, 3, "log-start-offset".to_string())]);
    assert!(follower(&e).segments < segments_before);
    assert_eq!(follower(&e).log_start_offset, start);
    check_invariants(&e);
}

/// Offsets `consumer` was handed, in delivery order.
fn delivered_offsets(e: &Engine, consumer: &str) -> Vec<u64> {
    e.events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::RecordsDelivered {
                consumer: c,
                records,
                ..
            } if &**c == consumer => Some(records),
            _ => None,
        })
        .flat_map(|chunks| chunks.iter().flat_map(|c| c.records().map(|r| r.offset.0)))
        .collect()
}

fn reset_to_earliest(e: &mut Engine, group: &str, topic: &str) -> Vec<(TopicPartition, Offset)> {
    e.apply(Command::ResetOffsets {
        group: group.into(),
        topic: topic.into(),
        to: ResetTarget::Earliest,
    })
    .expect("the group is empty");
    e.events()
        .iter()
        .rev()
        .find_map(|te| match &te.event {
            Event::OffsetsReset { group: g, offsets } if &**g == group => Some(offsets.clone()),
            _ => None,
        })
        .expect("OffsetsReset")
}

/// Reprocessing as `kafka-consumer-groups --reset-offsets --to-earliest --execute` does it
/// (`ConsumerGroupCommand` asks ListOffsets for the earliest offset, the leader's log start):
/// within retention the group reads every record again from offset 0; once retention deleted
/// the oldest segments it starts at the new log start, and never sees a deleted record.
#[test]
fn reprocessing_from_earliest_rereads_what_retention_kept() {
    let mut e = engine(3, 9);
    create(
        &mut e,
        "re",
        1,
        3,
        &[("segment.ms", "5000"), ("retention.ms", "100000")],
    );
    start_load(&mut e, "p", "re", 10, Acks::All);
    join(&mut e, "g", "first", "re", OffsetReset::Earliest);
    run_checked(&mut e, 20_000);
    leave(&mut e, "g", "first");
    run_checked(&mut e, 21_000);
    let first = delivered_offsets(&e, "first");
    assert!(first.len() > 150, "{}", first.len());
    assert_eq!(first, (0..first.len() as u64).collect::<Vec<_>>());
    // Within retention: back to offset 0, and every record is read again, in order.
    let t = tp("re", 0);
    assert_eq!(
        reset_to_earliest(&mut e, "g", "re"),
        [(t.clone(), Offset(0))]
    );
    join(&mut e, "g", "again", "re", OffsetReset::Latest);
    run_checked(&mut e, 40_000);
    leave(&mut e, "g", "again");
    run_checked(&mut e, 41_000);
    let again = delivered_offsets(&e, "again");
    assert_eq!(again[..first.len()], first[..], "the same records again");
    // The retention check at 330 s deletes the segments older than 100 s.
    run_checked(&mut e, 331_000);
    let start = e.partition_view(&t).unwrap().replica_states[0].log_start_offset;
    assert!(
        start.0 > 2_000,
        "retention moved the log start: {}",
        start.0
    );
    assert_eq!(reset_to_earliest(&mut e, "g", "re"), [(t.clone(), start)]);
    join(&mut e, "g", "after", "re", OffsetReset::Latest);
    run_checked(&mut e, 340_000);
    let after = delivered_offsets(&e, "after");
    assert_eq!(after[0], start.0, "starts at the new log start");
    assert!(after.len() > 100);
    check_invariants(&e);
}
