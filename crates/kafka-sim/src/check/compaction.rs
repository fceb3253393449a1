//! [`Invariant::CompactionKeepsLatest`]: the log cleaner never removes the latest value of a
//! key (Kafka's `Cleaner.shouldRetainRecord` keeps a record unless a later record of its key
//! was mapped, or it is a tombstone past its delete horizon).
//!
//! The checker keeps its own map of the committed log of every partition that has been
//! compacted: key -> the offset of its latest record, whether that record is a tombstone, and
//! when the checker first saw it below a HW. It reads each record once, when a replica's HW
//! first passes it (the cleaner only works below a replica's HW, so nothing it reads was
//! cleaned yet). After every `LogCleaned` (and at the end of a run), the cleaned replica must
//! still hold, at its offset, the latest record of every key that lies in `[log start, HW)` of
//! that replica, unless it is a tombstone and `delete.retention.ms` has passed since it was
//! committed (the delete horizon is set by the first cleaning that keeps it, which is later).
//! Records retention deleted lie below the log start and are not asked for.
//!
//! A key last written by a transaction is not asked for (until a plain record of it comes):
//! the cleaner drops aborted transactions' records, so its latest value depends on an outcome
//! this map does not follow. A partition that had an unclean election has no single committed
//! history and is skipped;
//! where the checker could not read some committed records (a replica's log start already
//! above them), it forgets its map there and starts again, so it never holds a key whose
//! newer record it missed.

use super::{Invariant, Violation};
use crate::broker::Broker;
use crate::engine::Engine;
use crate::event::{ElectionKind, Event};
use crate::ids::{BrokerId, Offset, SimTime, TopicPartition};
use crate::replica::Replica;
use crate::sorted::{SortedMap, SortedSet};

/// The latest committed record of a key.
#[derive(Clone, Copy, Debug)]
struct Latest {
    offset: Offset,
    tombstone: bool,
    /// When the checker first saw it below a HW (no earlier than its append).
    committed_at: SimTime,
}

#[derive(Clone, Debug, Default)]
struct Part {
    /// Records below this offset were read into `latest`.
    mapped: Offset,
    latest: SortedMap<Box<[u8]>, Latest>,
    /// The smallest `delete.retention.ms` the topic had while the checker watched it (a
    /// tombstone's horizon uses the value of the cleaning that first kept it).
    min_delete_retention_ms: u64,
}

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    parts: SortedMap<TopicPartition, Part>,
    unclean: SortedSet<TopicPartition>,
    /// Replicas the cleaner rewrote since the last check.
    cleaned: Vec<(BrokerId, TopicPartition)>,
    /// Keys found in place after a cleaning (how much this invariant really checked).
    pub(super) keys_verified: u64,
}

impl State {
    /// A deleted topic: a topic created later under its name has other records at its
    /// offsets, and may not be compacted at all.
    pub(super) fn forget_topic(&mut self, topic: &str) {
        self.parts.retain(|tp, _| &*tp.topic != topic);
        self.unclean.retain(|tp| &*tp.topic != topic);
        self.cleaned.retain(|(_, tp)| &*tp.topic != topic);
    }

    pub(super) fn observe(&mut self, event: &Event) {
        match event {
            Event::LeaderElected { tp, election, .. } if *election == ElectionKind::Unclean => {
                self.unclean.insert(tp.clone());
                self.parts.remove(tp);
            }
            Event::LogCleaned { broker, tp, .. } => self.cleaned.push((*broker, tp.clone())),
            _ => {}
        }
    }

    /// Reads the records a replica's HW newly passed into the key map of a compacted
    /// partition (or one that was compacted before).
    pub(super) fn replica_changed(
        &mut self,
        e: &Engine,
        tp: &TopicPartition,
        r: &Replica,
        now: SimTime,
    ) {
        if self.unclean.contains(tp) {
            return;
        }
        let config = e.controller.image.topics.get(&tp.topic).map(|t| &t.config);
        let compacted = config.is_some_and(|c| c.cleanup_compact);
        if !compacted && !self.parts.contains_key(tp) {
            return;
        }
        let new = !self.parts.contains_key(tp);
        let part = self.parts.entry(tp.clone()).or_insert_with(|| Part {
            min_delete_retention_ms: u64::MAX,
            ..Part::default()
        });
        if let Some(c) = config {
            part.min_delete_retention_ms = part.min_delete_retention_ms.min(c.delete_retention_ms);
        }
        let hw = r.high_watermark;
        if hw <= part.mapped {
            return;
        }
        let start = r.log.log_start_offset();
        if start > part.mapped {
            // Committed records the checker never read are gone from this replica: a key
            // it knows may have a newer record among them.
            part.latest.clear();
        }
        // Records already committed when the checker first meets the partition (it was
        // attached late, or the topic became compacted) were committed at an unknown time.
        let committed_at = if new { 0 } else { now };
        let from = part.mapped.max(start);
        for chunk in r.log.read(from, u64::MAX) {
            let transactional = chunk.batch.txn.is_some();
            let unread = |rec: &crate::record::RecordView| rec.offset >= from && rec.offset < hw;
            for rec in chunk.records().filter(unread) {
                let Some(key) = rec.key else { continue };
                if transactional {
                    // Its transaction may yet abort, and the cleaner drops aborted records
                    // (`Cleaner.buildOffsetMap` skips them): the key's latest committed value
                    // is no longer known here, so it is not asked for.
                    part.latest.remove(key);
                    continue;
                }
                let latest = Latest {
                    offset: rec.offset,
                    tombstone: rec.value.is_none(),
                    committed_at,
                };
                match part.latest.get_mut(key) {
                    Some(l) => *l = latest,
                    None => {
                        part.latest.insert(key.into(), latest);
                    }
                }
            }
        }
        part.mapped = hw;
    }

    /// Checks the replicas cleaned in this step against the key maps.
    pub(super) fn check(&mut self, e: &Engine, now: SimTime) -> Result<(), Violation> {
        for (b, tp) in std::mem::take(&mut self.cleaned) {
            let Some(broker) = e.brokers.get(&b) else {
                continue;
            };
            self.verify(broker, &tp, now)?;
        }
        Ok(())
    }

    /// Every replica of every partition the checker maps (the end of a run).
    pub(super) fn verify_all(&mut self, e: &Engine, now: SimTime) -> Result<(), Violation> {
        for b in e.brokers.values() {
            for tp in b.replicas.keys() {
                self.verify(b, tp, now)?;
            }
        }
        Ok(())
    }

    fn verify(&mut self, b: &Broker, tp: &TopicPartition, now: SimTime) -> Result<(), Violation> {
        match (self.parts.get(tp), b.replicas.get(tp)) {
            (Some(part), Some(r)) => verify(part, b.id, tp, r, now, &mut self.keys_verified),
            _ => Ok(()),
        }
    }
}

fn verify(
    part: &Part,
    broker: BrokerId,
    tp: &TopicPartition,
    r: &Replica,
    now: SimTime,
    keys_verified: &mut u64,
) -> Result<(), Violation> {
    let (start, hw) = (r.log.log_start_offset(), r.high_watermark);
    for (key, l) in part.latest.iter() {
        if l.offset < start || l.offset >= hw {
            continue;
        }
        let kept = r
            .log
            .record(l.offset)
            .is_some_and(|rec| rec.key == Some(&key[..]));
        if kept {
            *keys_verified += 1;
            continue;
        }
        let expired =
            l.tombstone && now >= l.committed_at.saturating_add(part.min_delete_retention_ms);
        if !expired {
            return Err(Violation {
                invariant: Invariant::CompactionKeepsLatest,
                at_ms: now,
                tp: Some(tp.clone()),
                broker: Some(broker),
                detail: format!(
                    "the latest {} of key {} at offset {} is gone (log start {}, HW {})",
                    if l.tombstone { "tombstone" } else { "value" },
                    String::from_utf8_lossy(key),
                    l.offset.0,
                    start.0,
                    hw.0
                ),
            });
        }
    }
    Ok(())
}
