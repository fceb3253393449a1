//! Log invariants, incrementally: every replica's log is dense (each chunk starts where the
//! previous one ends), epochs never decrease along it, the leader epoch cache agrees with the
//! records (KIP-101 truncation relies on it), and replicas agree on every offset below both
//! their HWs (log matching, as in Kafka's TLA+ spec), and no log holds an idempotent
//! producer's batch twice (the same producer id, epoch and base sequence at two offsets).
//! (Transaction markers carry no sequence and are not counted.)
//!
//! Log matching is checked against one reference per partition, the *committed log*: the
//! leader epoch of each offset below the highest HW seen (with gaps where retention deleted
//! offsets before any replica was checked there, e.g. in the end-of-run re-check). Every replica's log below its own
//! HW must match it, which is pairwise agreement below both HWs, at the cost of only the
//! newly committed offsets per step. `(epoch, offset)` identifies a record: only one leader
//! writes in an epoch. After an unclean election a partition's history may legitimately be
//! rewritten (that is the loss it causes), so log matching stops for that partition.

use super::{Invariant, Violation};
use crate::broker::Broker;
use crate::ids::{BrokerId, Epoch, Offset, SimTime, TopicPartition};
use crate::log::Log;
use crate::replica::Replica;
use crate::sorted::{SortedMap, SortedSet};

/// How far one replica's log has been checked.
#[derive(Clone, Debug, Default)]
struct Track {
    /// Density and epoch-cache agreement hold on `[log start, dense_to)`.
    dense_to: Offset,
    /// The log matches the committed log on `[log start, matched_to)`; `matched_to <= HW`.
    matched_to: Offset,
    /// The epoch cache when last checked: a change below the checked offsets means the log
    /// was rewritten there, so those offsets are checked again.
    epochs: Vec<(Epoch, Offset)>,
    /// The idempotent batches seen on `[log start, dense_to)`: (producer id, epoch, base
    /// sequence) -> the batch's base offset.
    idempotent: SortedMap<(u64, u16, u32), Offset>,
    /// How far `idempotent` was filled (a rewrite below it forgets the entries above).
    idempotent_to: Offset,
}

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    tracks: SortedMap<(TopicPartition, BrokerId), Track>,
    /// Per partition: `(start, end, epoch)` runs of the committed log, from offset 0.
    committed: SortedMap<TopicPartition, Vec<(Offset, Offset, Epoch)>>,
    /// Partitions that had an unclean election: no log matching there any more.
    unclean: SortedSet<TopicPartition>,
}

impl State {
    /// A deleted topic: a topic created later under its name starts a new history.
    pub(super) fn forget_topic(&mut self, topic: &str) {
        self.tracks.retain(|(tp, _), _| &*tp.topic != topic);
        self.committed.retain(|tp, _| &*tp.topic != topic);
        self.unclean.retain(|tp| &*tp.topic != topic);
    }

    pub(super) fn unclean_election(&mut self, tp: &TopicPartition) {
        self.unclean.insert(tp.clone());
        self.committed.remove(tp);
    }

    /// The committed log of `tp` as `(start, end, epoch)` runs from offset 0 (empty before
    /// any HW); `None` after an unclean election, when there is no single history any more.
    pub(super) fn committed(&self, tp: &TopicPartition) -> Option<&[(Offset, Offset, Epoch)]> {
        if self.unclean.contains(tp) {
            return None;
        }
        Some(self.committed.get(tp).map_or(&[], |v| v.as_slice()))
    }

    pub(super) fn inherit_unclean(&mut self, other: &State) {
        self.unclean = other.unclean.clone();
    }

    /// Checks one replica's log (called for the replicas that changed since the last check).
    pub(super) fn check_replica(
        &mut self,
        b: &Broker,
        tp: &TopicPartition,
        r: &Replica,
        now: SimTime,
    ) -> Result<(), Violation> {
        let key = (tp.clone(), b.id);
        let track = self.tracks.entry(key).or_default();
        let log = &r.log;
        let leo = log.log_end_offset();
        let epochs = log.epoch_entries();
        if epochs != track.epochs.as_slice() {
            // Offsets from the first differing cache entry on may hold other records now.
            let first_diff = epochs
                .iter()
                .zip(&track.epochs)
                .position(|(a, b)| a != b)
                .unwrap_or(epochs.len().min(track.epochs.len()));
            let from = [epochs.get(first_diff), track.epochs.get(first_diff)]
                .into_iter()
                .flatten()
                .map(|e| e.1)
                .min()
                .unwrap_or(leo);
            track.dense_to = track.dense_to.min(from);
            track.matched_to = track.matched_to.min(from);
            track.epochs = epochs.to_vec();
        }
        track.dense_to = track.dense_to.min(leo);
        track.matched_to = track.matched_to.min(r.high_watermark);
        let fail = |invariant, detail: String| Violation {
            invariant,
            at_ms: now,
            tp: Some(tp.clone()),
            broker: Some(b.id),
            detail,
        };
        if track.dense_to < leo {
            check_dense(log, track.dense_to, leo).map_err(|d| fail(Invariant::OffsetsDense, d))?;
            check_no_duplicate(log, track, leo)
                .map_err(|d| fail(Invariant::NoDuplicateIdempotentBatch, d))?;
            track.dense_to = leo;
        }
        if track.matched_to < r.high_watermark && !self.unclean.contains(tp) {
            let committed = self.committed.entry(tp.clone()).or_default();
            match_committed(log, committed, track.matched_to, r.high_watermark)
                .map_err(|d| fail(Invariant::LogMatching, d))?;
            track.matched_to = r.high_watermark;
        }
        Ok(())
    }
}

/// Records the idempotent batches on `[dense_to, to)`; fails on one already seen elsewhere.
fn check_no_duplicate(log: &Log, track: &mut Track, to: Offset) -> Result<(), String> {
    let from = track.dense_to;
    if from < track.idempotent_to {
        track.idempotent.retain(|_, base| *base < from);
    }
    track.idempotent_to = to;
    let mut o = from.max(log.log_start_offset());
    while o < to {
        let Some(c) = log.chunk_at(o) else {
            break;
        };
        let b = &c.batch;
        if let Some(ids) = b
            .producer
            .filter(|_| b.base_offset >= from && !b.is_marker())
        {
            let key = (ids.producer_id, ids.producer_epoch, ids.base_sequence);
            if let Some(first) = track.idempotent.insert(key, b.base_offset) {
                if first != b.base_offset {
                    return Err(format!(
                        "producer id {} epoch {} sequence {} is written at offsets {} and {}",
                        ids.producer_id,
                        ids.producer_epoch,
                        ids.base_sequence,
                        first.0,
                        b.base_offset.0
                    ));
                }
            }
        }
        o = c.end_offset().max(Offset(o.0 + 1));
    }
    Ok(())
}

/// The epoch the cache assigns to `offset`: the last entry starting at or before it.
fn cached_epoch(log: &Log, offset: Offset) -> Option<Epoch> {
    let entries = log.epoch_entries();
    let i = entries.partition_point(|e| e.1 <= offset);
    (i > 0).then(|| entries[i - 1].0)
}

/// Walks `[from, to)` chunk by chunk: no gap, no overlap, epochs never decreasing, each
/// chunk's epoch equal to the cache's for its first and last offset.
fn check_dense(log: &Log, from: Offset, to: Offset) -> Result<(), String> {
    let mut o = from.max(log.log_start_offset());
    let mut prev: Option<Epoch> =
        o.0.checked_sub(1)
            .filter(|p| *p >= log.log_start_offset().0)
            .and_then(|p| log.epoch_at(Offset(p)));
    let mut first = true;
    while o < to {
        let Some(c) = log.chunk_at(o) else {
            return Err(format!("offset {} below LEO {} has no record", o.0, to.0));
        };
        let base = c.base_offset();
        if base > o || (base < o && !first) {
            return Err(format!(
                "the log jumps from offset {} to a chunk at {}..{}",
                o.0,
                base.0,
                c.end_offset().0
            ));
        }
        if c.end_offset() <= o {
            return Err(format!("empty or backward chunk at offset {}", o.0));
        }
        let epoch = c.epoch();
        if prev.is_some_and(|p| epoch < p) {
            return Err(format!(
                "epoch goes down from {} to {} at offset {}",
                prev.map_or(0, |p| p.0),
                epoch.0,
                o.0
            ));
        }
        let last = Offset(c.end_offset().0 - 1);
        for at in [o, last] {
            if cached_epoch(log, at) != Some(epoch) {
                return Err(format!(
                    "record at offset {} has epoch {} but the epoch cache {:?} says {:?}",
                    at.0,
                    epoch.0,
                    log.epoch_entries(),
                    cached_epoch(log, at).map(|e| e.0)
                ));
            }
        }
        prev = Some(epoch);
        first = false;
        o = c.end_offset();
    }
    Ok(())
}

/// Compares the log's epochs on `[from, to)` with the committed log, extending it where the
/// log is the first to commit an offset.
fn match_committed(
    log: &Log,
    committed: &mut Vec<(Offset, Offset, Epoch)>,
    from: Offset,
    to: Offset,
) -> Result<(), String> {
    let mut o = from.max(log.log_start_offset());
    while o < to {
        let Some(c) = log.chunk_at(o) else {
            return Err(format!("offset {} below HW {} has no record", o.0, to.0));
        };
        let end = c.end_offset().min(to);
        let epoch = c.epoch();
        let committed_end = committed.last().map_or(Offset(0), |r| r.1);
        // Compare the part the committed log already has.
        let mut p = o;
        while p < end.min(committed_end) {
            let i = committed.partition_point(|r| r.1 <= p);
            let (run_start, run_end, run_epoch) = committed[i];
            if p < run_start {
                // A gap of the committed log: retention had deleted those offsets on the
                // replica that first committed past them; nothing to compare with.
                p = run_start;
                continue;
            }
            if run_epoch != epoch {
                return Err(format!(
                    "offset {} has epoch {} here but epoch {} in the committed log",
                    p.0, epoch.0, run_epoch.0
                ));
            }
            p = run_end;
        }
        // Extend the committed log with what only this replica has committed so far.
        if end > committed_end {
            let start = o.max(committed_end);
            // Only where this replica's log starts may the committed log resume after a gap
            // (what lies between was deleted by retention before anyone was checked there).
            if start != committed_end && start != log.log_start_offset() {
                return Err(format!(
                    "committed log ends at {} but this replica commits from {}",
                    committed_end.0, start.0
                ));
            }
            match committed.last_mut() {
                Some(last) if last.2 == epoch && last.1 == start => last.1 = end,
                _ => committed.push((start, end, epoch)),
            }
        }
        o = end;
    }
    Ok(())
}
