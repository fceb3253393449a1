//! Tests of the log: epochs and truncation, shared chunks, segments rolling, retention and
//! compaction.

use super::*;
use crate::record::BatchData;

impl Log {
    fn append_batch_default(&mut self, batch: Arc<RecordBatch>) -> bool {
        self.append_batch(batch, &Roll::default())
    }
}

fn batch(base: u64, n: u32, epoch: u32) -> Arc<RecordBatch> {
    let mut d = BatchData::default();
    for i in 0..n {
        let v = format!("v{}", base + u64::from(i));
        d.push(None, Some(v.as_bytes()), Vec::new(), 0);
    }
    Arc::new(RecordBatch::new(
        Offset(base),
        Epoch(epoch),
        None,
        Arc::new(d),
    ))
}

#[test]
fn epoch_end_offsets_follow_kafka() {
    let mut log = Log::default();
    log.append_batch_default(batch(0, 5, 0));
    log.append_batch_default(batch(5, 3, 2));
    log.assign_epoch(Epoch(4), Offset(8));
    log.append_batch_default(batch(8, 2, 4));
    assert_eq!(
        log.end_offset_for_epoch(Epoch(4)),
        Some((Epoch(4), Offset(10)))
    );
    assert_eq!(
        log.end_offset_for_epoch(Epoch(2)),
        Some((Epoch(2), Offset(8)))
    );
    // Epoch 1 never had records here: Kafka answers with the floor epoch (0) and the
    // start of the next known epoch.
    assert_eq!(
        log.end_offset_for_epoch(Epoch(1)),
        Some((Epoch(0), Offset(5)))
    );
    assert_eq!(
        log.end_offset_for_epoch(Epoch(3)),
        Some((Epoch(2), Offset(8)))
    );
    assert_eq!(log.end_offset_for_epoch(Epoch(9)), None);
}

#[test]
fn truncate_mid_batch_keeps_sharing() {
    let mut log = Log::default();
    log.append_batch_default(batch(0, 5, 0));
    log.append_batch_default(batch(5, 5, 1));
    assert_eq!(log.truncate_to(Offset(7)), 3);
    assert_eq!(log.log_end_offset(), Offset(7));
    assert_eq!(log.latest_epoch(), Some(Epoch(1)));
    assert_eq!(log.record(Offset(6)).unwrap().value, Some(&b"v6"[..]));
    assert!(log.record(Offset(7)).is_none());
    assert_eq!(log.truncate_to(Offset(5)), 2);
    assert_eq!(log.latest_epoch(), Some(Epoch(0)));
    assert_eq!(log.chunk_count(), 1);
    let vals: Vec<_> = log
        .records(Offset(2), Offset(10))
        .map(|r| r.offset.0)
        .collect();
    assert_eq!(vals, vec![2, 3, 4]);
}

#[test]
fn read_from_mid_chunk_and_follower_append() {
    let mut leader = Log::default();
    leader.append_batch_default(batch(0, 4, 0));
    leader.append_batch_default(batch(4, 4, 0));
    let mut follower = Log::default();
    let first = leader.read(Offset(0), 1);
    assert_eq!(first.len(), 1);
    follower.append_chunks(&first, &Roll::default());
    let rest = leader.read(Offset(4), REPLICA_FETCH_MAX_BYTES);
    assert_eq!(follower.append_chunks(&rest, &Roll::default()).0, 4);
    assert_eq!(follower.log_end_offset(), Offset(8));
    let mid = leader.read(Offset(6), REPLICA_FETCH_MAX_BYTES);
    assert_eq!(mid[0].base_offset(), Offset(6));
    assert_eq!(mid[0].len(), 2);
    assert!(Arc::ptr_eq(&mid[0].batch, &rest[0].batch));
}

// ----- segments, retention, compaction ------------------------------------------------------

/// A batch of keyed records (`None` value = tombstone), all with timestamp `ts`.
fn keyed(base: u64, records: &[(&str, Option<&str>)], epoch: u32, ts: u64) -> Arc<RecordBatch> {
    let mut d = BatchData::default();
    for (k, v) in records {
        d.push(Some(k.as_bytes()), v.map(str::as_bytes), Vec::new(), ts);
    }
    Arc::new(RecordBatch::new(
        Offset(base),
        Epoch(epoch),
        None,
        Arc::new(d),
    ))
}

/// Appends `n` one-record batches of about 100 bytes each, the i-th with timestamp `ts(i)`.
fn fill(log: &mut Log, n: u64, roll: &Roll, ts: impl Fn(u64) -> u64) {
    for _ in 0..n {
        let o = log.log_end_offset().0;
        let v = format!("{o:0>80}");
        log.append_batch(keyed(o, &[("k", Some(&v))], 0, ts(o)), roll);
    }
}

fn bases(log: &Log) -> Vec<u64> {
    log.segments().map(|s| s.base_offset.0).collect()
}

fn roll(segment_bytes: u64, segment_ms: u64, now: u64) -> Roll {
    Roll {
        segment_bytes,
        segment_ms,
        now,
    }
}

#[test]
fn segments_roll_before_exceeding_segment_bytes() {
    let mut log = Log::default();
    let size = u64::from(keyed(0, &[("k", Some(&format!("{:0>80}", 0)))], 0, 0).size_bytes());
    // Room for exactly three batches per segment.
    let r = roll(3 * size, u64::MAX, 0);
    fill(&mut log, 10, &r, |_| 0);
    assert_eq!(bases(&log), vec![0, 3, 6, 9]);
    assert!(log.segments().all(|s| s.size_bytes <= 3 * size));
    assert_eq!(log.size_bytes(), 10 * size);
    assert_eq!(log.active_segment_base(), Offset(9));
    // A batch larger than segment.bytes still goes in (alone, in a new segment).
    let big = keyed(10, &[("k", Some(&"x".repeat(1000)))], 0, 0);
    assert!(log.append_batch(big, &r));
    assert_eq!(bases(&log), vec![0, 3, 6, 9, 10]);
}

#[test]
fn segments_roll_when_records_span_more_than_segment_ms() {
    let mut log = Log::default();
    let r = roll(u64::MAX, 1_000, 0);
    // Timestamps 0, 400, 800, ...: the batch more than 1000 ms after a segment's first rolls.
    fill(&mut log, 8, &r, |o| o * 400);
    assert_eq!(bases(&log), vec![0, 3, 6]);
    let first = log.segments().next().unwrap();
    assert_eq!(first.rolling_timestamp_ms, Some(0));
    assert_eq!(first.largest_timestamp_ms, Some(800));
}

#[test]
fn retention_ms_deletes_only_old_segments_below_the_hw() {
    let mut log = Log::default();
    let r = roll(u64::MAX, 1_000, 0);
    fill(&mut log, 8, &r, |o| o * 400); // segments [0,3) [3,6) [6,8)
    let config = TopicConfig {
        retention_ms: 2_000,
        ..TopicConfig::default()
    };
    // At 2800 the first segment's newest record (800) is exactly 2000 ms old: kept.
    assert!(log
        .delete_old_segments(&config, Offset(8), 2_800)
        .is_empty());
    // At 2801 it is older: deleted, the log starts at 3. The second (newest 2000) stays.
    let d = log.delete_old_segments(&config, Offset(8), 2_801);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].reason, DeletionReason::RetentionMs);
    assert_eq!((d[0].segments, d[0].log_start_offset), (1, Offset(3)));
    assert_eq!(log.log_start_offset(), Offset(3));
    assert_eq!(bases(&log), vec![3, 6]);
    assert!(log.record(Offset(2)).is_none());
    assert_eq!(
        log.records(Offset(0), Offset(8)).next().unwrap().offset,
        Offset(3)
    );
    // Much later, only what lies below the HW may go: with the HW at 5 nothing more (the
    // second segment ends at 6).
    assert!(log
        .delete_old_segments(&config, Offset(5), 100_000)
        .is_empty());
    // With everything replicated and old, every segment goes: an empty active segment is
    // rolled at the LEO first, and the log starts there.
    let d = log.delete_old_segments(&config, Offset(8), 100_000);
    assert_eq!(d[0].segments, 2);
    assert_eq!(log.log_start_offset(), Offset(8));
    assert_eq!(bases(&log), vec![8]);
    assert_eq!(log.chunk_count(), 0);
    // An empty last segment is never deleted.
    assert!(log
        .delete_old_segments(&config, Offset(8), 200_000)
        .is_empty());
    // The log goes on at its LEO.
    fill(&mut log, 1, &roll(u64::MAX, 1_000, 200_000), |_| 200_000);
    assert_eq!(log.log_end_offset(), Offset(9));
    assert_eq!(log.record(Offset(8)).unwrap().offset, Offset(8));
}

#[test]
fn the_active_segment_with_a_recent_record_is_kept() {
    let mut log = Log::default();
    let r = roll(u64::MAX, 1_000, 0);
    fill(&mut log, 8, &r, |o| o * 400);
    let config = TopicConfig {
        retention_ms: 1_000,
        ..TopicConfig::default()
    };
    // At 3500 the segments ending at 800 and 2000 are old; the active one (2400, 2800) is not.
    log.delete_old_segments(&config, Offset(8), 3_500);
    assert_eq!(bases(&log), vec![6]);
    assert_eq!(log.log_start_offset(), Offset(6));
}

#[test]
fn retention_bytes_deletes_whole_segments_while_the_log_stays_at_or_above_it() {
    let mut log = Log::default();
    let size = u64::from(keyed(0, &[("k", Some(&format!("{:0>80}", 0)))], 0, 0).size_bytes());
    fill(&mut log, 10, &roll(3 * size, u64::MAX, 0), |_| 0); // 3 + 3 + 3 + 1
    let config = TopicConfig {
        retention_ms: -1,
        retention_bytes: (5 * size) as i64,
        ..TopicConfig::default()
    };
    // 10 batches, limit 5: the first segment (3) goes; the second would leave 4 < 5: kept.
    let d = log.delete_old_segments(&config, Offset(10), 0);
    assert_eq!(d[0].reason, DeletionReason::RetentionBytes);
    assert_eq!(bases(&log), vec![3, 6, 9]);
    assert_eq!(log.size_bytes(), 7 * size);
    // cleanup.policy=compact alone never deletes by retention.
    let compact = TopicConfig {
        cleanup_delete: false,
        cleanup_compact: true,
        retention_bytes: 0,
        ..TopicConfig::default()
    };
    assert!(log.delete_old_segments(&compact, Offset(10), 0).is_empty());
}

#[test]
fn a_follower_follows_its_leaders_log_start_and_deletes_below_it() {
    let mut log = Log::default();
    let size = u64::from(keyed(0, &[("k", Some(&format!("{:0>80}", 0)))], 0, 0).size_bytes());
    fill(&mut log, 7, &roll(2 * size, u64::MAX, 0), |_| 0); // [0,2) [2,4) [4,6) [6,7)
    log.assign_epoch(Epoch(3), Offset(7));
    // Never past the HW.
    assert!(log.maybe_increment_log_start(Offset(5), Offset(3)));
    assert_eq!(log.log_start_offset(), Offset(3));
    assert!(log.record(Offset(2)).is_none());
    assert!(log.maybe_increment_log_start(Offset(5), Offset(7)));
    assert!(!log.maybe_increment_log_start(Offset(4), Offset(7)));
    // The epoch cache forgets what ended below the log start.
    assert_eq!(
        log.epoch_entries(),
        &[(Epoch(0), Offset(5)), (Epoch(3), Offset(7))]
    );
    // The segments wholly below it go at the next retention check, whatever the policy.
    let keep_all = TopicConfig {
        retention_ms: -1,
        ..TopicConfig::default()
    };
    let d = log.delete_old_segments(&keep_all, Offset(7), 0);
    assert_eq!(d[0].reason, DeletionReason::LogStartOffset);
    assert_eq!(bases(&log), vec![4, 6]);
    assert_eq!(log.log_start_offset(), Offset(5));
    assert_eq!(log.records(Offset(0), Offset(9)).count(), 2);
}

#[test]
fn truncation_cuts_segments_and_recounts_the_active_one() {
    let mut log = Log::default();
    let size = u64::from(keyed(0, &[("k", Some(&format!("{:0>80}", 0)))], 0, 0).size_bytes());
    fill(&mut log, 7, &roll(2 * size, u64::MAX, 0), |o| o * 10);
    assert_eq!(bases(&log), vec![0, 2, 4, 6]);
    log.truncate_to(Offset(3));
    assert_eq!(bases(&log), vec![0, 2]);
    let active = log.segments().last().unwrap();
    assert_eq!(active.size_bytes, size);
    assert_eq!(active.largest_timestamp_ms, Some(20));
    log.truncate_fully_and_start_at(Offset(50), 0);
    assert_eq!(
        (log.log_start_offset(), log.log_end_offset(), bases(&log)),
        (Offset(50), Offset(50), vec![50])
    );
    assert!(log.epoch_entries().is_empty());
}

fn compacted_config() -> TopicConfig {
    TopicConfig {
        cleanup_delete: false,
        cleanup_compact: true,
        delete_retention_ms: 1_000,
        segment_bytes: u64::MAX,
        ..TopicConfig::default()
    }
}

/// `(offset, key, value)` of every record.
fn contents(log: &Log) -> Vec<(u64, String, Option<String>)> {
    log.records(Offset(0), log.log_end_offset())
        .map(|r| {
            (
                r.offset.0,
                String::from_utf8_lossy(r.key.unwrap()).into_owned(),
                r.value.map(|v| String::from_utf8_lossy(v).into_owned()),
            )
        })
        .collect()
}

#[test]
fn compaction_keeps_the_last_value_per_key_at_its_offset() {
    let mut log = Log::default();
    // Three batches per segment (segment.bytes fits three), keys a b c rewritten.
    let b0 = keyed(
        0,
        &[("a", Some("a0")), ("b", Some("b0")), ("c", Some("c0"))],
        0,
        0,
    );
    let size = u64::from(b0.size_bytes());
    let r = roll(2 * size, u64::MAX, 0);
    log.append_batch(b0, &r);
    log.append_batch(
        keyed(
            3,
            &[("a", Some("a1")), ("b", Some("b1")), ("c", Some("c1"))],
            0,
            1,
        ),
        &r,
    );
    log.append_batch(
        keyed(
            6,
            &[("a", Some("a2")), ("d", Some("d0")), ("e", Some("e0"))],
            1,
            2,
        ),
        &r,
    );
    log.append_batch(keyed(9, &[("a", Some("a3"))], 1, 3), &r);
    assert_eq!(bases(&log), vec![0, 6]);
    let original = log.chunks().nth(2).unwrap().batch.clone();
    let d = log.dirtiness(Offset(10));
    // The dirty section ends at the active segment: [0, 6), all of it dirty.
    assert_eq!((d.first_dirty, d.first_uncleanable), (Offset(0), Offset(6)));
    assert!(d.needs_cleaning(500_000));
    let c = log.clean(&compacted_config(), d, 10).unwrap();
    assert_eq!(c.records_removed, 3);
    assert_eq!(c.clean_offset, Offset(6));
    assert_eq!(log.clean_offset(), Some(Offset(6)));
    // Offsets and order never change; the active segment is untouched (a2 stays, a3 newer).
    let kept = contents(&log);
    let offsets: Vec<u64> = kept.iter().map(|r| r.0).collect();
    assert_eq!(offsets, vec![3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(kept[0], (3, "a".into(), Some("a1".into())));
    // Every offset is still covered, with its batch's epoch (the first batch lost all its
    // records; its offsets are an empty range).
    assert_eq!(log.log_start_offset(), Offset(0));
    for o in 0..10 {
        assert_eq!(
            log.epoch_at(Offset(o)),
            Some(Epoch(u32::from(o >= 6))),
            "offset {o}"
        );
    }
    assert!(log.record(Offset(0)).is_none());
    // The active segment's batches are still the very same shared batches.
    assert!(Arc::ptr_eq(
        &log.chunks()
            .find(|c| c.base_offset() == Offset(6))
            .unwrap()
            .batch,
        &original
    ));
    // Nothing dirty is left to clean.
    assert!(!log.dirtiness(Offset(10)).needs_cleaning(500_000));
    // Once the active segment rolls, the next cleaning keeps only the newest per key.
    log.append_batch(keyed(10, &[("b", Some("b2"))], 1, 4), &roll(1, u64::MAX, 0));
    let d = log.dirtiness(Offset(11));
    assert_eq!(
        (d.first_dirty, d.first_uncleanable),
        (Offset(6), Offset(10))
    );
    log.clean(&compacted_config(), d, 20).unwrap();
    let kept: Vec<(u64, String)> = contents(&log).into_iter().map(|(o, k, _)| (o, k)).collect();
    assert_eq!(
        kept,
        vec![
            (4, "b".into()),
            (5, "c".into()),
            (7, "d".into()),
            (8, "e".into()),
            (9, "a".into()),
            (10, "b".into())
        ]
    );
}

#[test]
fn compaction_keeps_tombstones_for_delete_retention_ms_then_drops_them() {
    let mut log = Log::default();
    let r = roll(1, u64::MAX, 0); // every batch its own segment
    log.append_batch(keyed(0, &[("a", Some("a0")), ("b", Some("b0"))], 0, 0), &r);
    log.append_batch(keyed(2, &[("a", None)], 0, 0), &r);
    log.append_batch(keyed(3, &[("c", Some("c0"))], 0, 0), &r);
    let cfg = compacted_config();
    let d = log.dirtiness(Offset(4));
    log.clean(&cfg, d, 100).unwrap();
    // a0 is gone, the tombstone stays (its delete horizon is now 100 + 1000).
    assert_eq!(
        contents(&log),
        vec![
            (1, "b".into(), Some("b0".into())),
            (2, "a".into(), None),
            (3, "c".into(), Some("c0".into()))
        ]
    );
    let horizon = |log: &Log| {
        log.chunk_at(Offset(2))
            .and_then(|c| c.batch.compacted.as_ref())
            .and_then(|c| c.delete_horizon_ms)
    };
    assert_eq!(horizon(&log), Some(1_100));
    // Another record makes the log dirty again; before the horizon the tombstone stays...
    log.append_batch(keyed(4, &[("d", Some("d0"))], 0, 0), &r);
    log.append_batch(keyed(5, &[("e", Some("e0"))], 0, 0), &r);
    let d = log.dirtiness(Offset(6));
    log.clean(&cfg, d, 1_099).unwrap();
    assert!(log.record(Offset(2)).is_some());
    // ... and after it, it goes.
    log.append_batch(keyed(6, &[("f", Some("f0"))], 0, 0), &r);
    let d = log.dirtiness(Offset(7));
    log.clean(&cfg, d, 1_100).unwrap();
    assert!(log.record(Offset(2)).is_none());
    assert_eq!(
        contents(&log).iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![1, 3, 4, 5, 6]
    );
}

#[test]
fn cleaned_segments_merge_and_readers_skip_the_gaps() {
    let mut log = Log::default();
    let r = roll(1, u64::MAX, 0);
    // Ten segments each rewriting keys a and b.
    for i in 0..10u64 {
        let (a, b) = (format!("a{i}"), format!("b{i}"));
        log.append_batch(keyed(2 * i, &[("a", Some(&a)), ("b", Some(&b))], 0, i), &r);
    }
    assert_eq!(log.segment_count(), 10);
    let cfg = TopicConfig {
        segment_bytes: 10_000,
        ..compacted_config()
    };
    let d = log.dirtiness(Offset(20));
    log.clean(&cfg, d, 0).unwrap();
    // Nine cleaned segments merge into one; the active one stays.
    assert_eq!(bases(&log), vec![0, 18]);
    assert_eq!(
        contents(&log).iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![16, 17, 18, 19]
    );
    // A reader from offset 0 gets chunks covering 0..20; a follower appending them ends at
    // the same LEO with the same records.
    let chunks = log.read(Offset(0), u64::MAX);
    assert_eq!(chunks.first().unwrap().base_offset(), Offset(0));
    assert_eq!(chunks.last().unwrap().end_offset(), Offset(20));
    let mut follower = Log::default();
    let (records, _) = follower.append_chunks(&chunks, &Roll::default());
    assert_eq!(records, 4);
    assert_eq!(follower.log_end_offset(), Offset(20));
    assert_eq!(contents(&follower), contents(&log));
    // The first chunk holds no record: a consumer there moves its position past the gap.
    let (piece, rest) = chunks[0].take_records(Offset(0), 2);
    assert_eq!((piece.len(), piece.end_offset()), (0, Offset(16)));
    assert!(rest.is_none());
    // One record at a time from 16: 16, then the rest of the batch.
    let (piece, rest) = chunks[1].take_records(Offset(16), 1);
    assert_eq!(
        piece.records().map(|r| r.offset.0).collect::<Vec<_>>(),
        vec![16]
    );
    assert_eq!(rest.unwrap().base_offset(), Offset(17));
}

/// A transactional batch of producer `pid` at `base`.
fn txn_batch(base: u64, records: &[(&str, Option<&str>)], pid: u64) -> Arc<RecordBatch> {
    let mut b = (*keyed(base, records, 0, 0)).clone();
    b.producer = Some(crate::record::ProducerIds {
        producer_id: pid,
        producer_epoch: 0,
        base_sequence: 0,
    });
    b.txn = Some(crate::record::Txn::Data);
    Arc::new(b)
}

fn marker(base: u64, pid: u64, end: crate::record::Txn) -> Arc<RecordBatch> {
    let ids = crate::record::ProducerIds {
        producer_id: pid,
        producer_epoch: 0,
        base_sequence: 0,
    };
    Arc::new(RecordBatch::marker(Offset(base), Epoch(0), ids, end))
}

/// `LogCleaner` with transactions: an aborted transaction's records go (and do not shadow an
/// older value of their key), a committed one's are compacted as any, markers stay and keep
/// their offsets, and nothing from the first offset of an open transaction on is cleaned
/// (`firstUnstableOffset`); the last stable offset stops there too (`ProducerStateManager`).
#[test]
fn cleaner_removes_aborted_records_keeps_markers_and_stops_at_open_transactions_log_cleaner() {
    use crate::record::Txn;
    let mut log = Log::default();
    let r = roll(u64::MAX, u64::MAX, 0);
    log.append_batch(keyed(0, &[("a", Some("a0")), ("b", Some("b0"))], 0, 0), &r);
    log.append_batch(txn_batch(2, &[("a", Some("aborted"))], 7), &r);
    log.append_batch(marker(3, 7, Txn::Abort), &r);
    log.append_batch(txn_batch(4, &[("b", Some("b1"))], 8), &r);
    log.append_batch(marker(5, 8, Txn::Commit), &r);
    log.append_batch(txn_batch(6, &[("c", Some("open"))], 9), &r);
    log.append_batch(keyed(7, &[("d", Some("d0"))], 0, 0), &r);
    assert_eq!(log.last_stable_offset(Offset(8)), Offset(6));
    assert_eq!(
        log.producers().aborted_in(Offset(0), Offset(8)),
        [crate::log::AbortedTxn {
            producer_id: 7,
            first: Offset(2),
            last: Offset(3)
        }]
    );
    // Roll a segment at the open transaction, so only it holds the cleaning back.
    log.segments.back_mut().unwrap().base_offset = Offset(0);
    log.segments.push_back(Segment::new(Offset(6), 0));
    log.segments.push_back(Segment::new(Offset(8), 0));
    let d = log.dirtiness(Offset(8));
    assert_eq!(
        d.first_uncleanable,
        Offset(6),
        "stops at the open transaction"
    );
    log.clean(&compacted_config(), d, 10).unwrap();
    let kept: Vec<(u64, String, Option<String>)> = contents(&log);
    assert_eq!(
        kept,
        [
            (0, "a".into(), Some("a0".into())),
            (4, "b".into(), Some("b1".into())),
            (6, "c".into(), Some("open".into())),
            (7, "d".into(), Some("d0".into())),
        ]
    );
    let markers: Vec<u64> = log
        .chunks()
        .filter(|c| c.batch.is_marker())
        .map(|c| c.base_offset().0)
        .collect();
    assert_eq!(markers, [3, 5]);
    assert_eq!(log.log_end_offset(), Offset(8));
}
