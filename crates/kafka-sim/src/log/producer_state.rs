//! Kafka's `ProducerStateManager`: per producer id, the epoch and the metadata of its last 5
//! batches in this log (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`). The leader checks an
//! idempotent producer's batch against it before appending (`UnifiedLog.
//! analyzeAndValidateProducerState`): a batch it already has is a duplicate (answered with the
//! original offsets), a sequence that does not follow the last one is out of order. Every
//! replica updates it from the batches it appends, leader or follower, and rebuilds it from
//! its log after a truncation, so it survives a leader failover as Kafka's (rebuilt from the
//! log and its snapshots) does.
//!
//! It also follows transactions as Kafka's does: a producer's first transactional offset
//! since its last marker is its open transaction (`currentTxnFirstOffset`), the earliest of
//! them bounds the last stable offset, and an abort marker records the aborted range (what
//! Kafka's transaction index keeps for read_committed fetches).

use crate::error::ErrorKind;
use crate::ids::Offset;
use crate::record::{Chunk, ProducerIds, RecordBatch, Txn};
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};

/// `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`: why at most 5 requests may be in flight.
pub const BATCHES_RETAINED: usize = 5;

/// One appended batch of a producer (`BatchMetadata`): its sequence range and offsets.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
struct BatchMeta {
    first_seq: u32,
    last_seq: u32,
    base_offset: Offset,
    end_offset: Offset,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
struct Entry {
    epoch: u16,
    /// Oldest first, at most [`BATCHES_RETAINED`].
    batches: Vec<BatchMeta>,
    /// The first offset of its open transaction (`currentTxnFirstOffset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    txn_first: Option<Offset>,
}

/// An aborted transaction on this log (`AbortedTxn` of the transaction index): the producer's
/// records in `[first, last]` are not for read_committed consumers; `last` is the marker.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AbortedTxn {
    pub producer_id: u64,
    pub first: Offset,
    pub last: Offset,
}

/// What the leader does with an idempotent batch.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SequenceCheck {
    /// Append it.
    Append,
    /// Already in the log at `[base, end)`: answer with these offsets, append nothing.
    Duplicate { base: Offset, end: Offset },
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct ProducerStates {
    entries: SortedMap<u64, Entry>,
    /// Oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    aborted: Vec<AbortedTxn>,
}

impl ProducerStates {
    /// `ProducerStateEntry.findDuplicateBatch`, then `ProducerAppendInfo.checkSequence`.
    pub fn check(&self, ids: ProducerIds, records: u32) -> Result<SequenceCheck, ErrorKind> {
        let Some(e) = self.entries.get(&ids.producer_id) else {
            // No state for this producer (new, or its batches were deleted): any sequence.
            return Ok(SequenceCheck::Append);
        };
        let last_seq = ids.base_sequence + records.saturating_sub(1);
        if ids.producer_epoch == e.epoch {
            if let Some(b) = e
                .batches
                .iter()
                .find(|b| b.first_seq == ids.base_sequence && b.last_seq == last_seq)
            {
                return Ok(SequenceCheck::Duplicate {
                    base: b.base_offset,
                    end: b.end_offset,
                });
            }
            let in_sequence = e
                .batches
                .last()
                .is_none_or(|b| ids.base_sequence == b.last_seq + 1);
            if !in_sequence {
                return Err(ErrorKind::OutOfOrderSequenceException);
            }
        } else if ids.producer_epoch < e.epoch {
            // `ProducerAppendInfo.checkProducerEpoch`.
            return Err(ErrorKind::InvalidProducerEpochException);
        } else if ids.base_sequence != 0 {
            // "Invalid sequence number for new epoch": a new epoch starts at sequence 0.
            return Err(ErrorKind::OutOfOrderSequenceException);
        }
        Ok(SequenceCheck::Append)
    }

    /// Records an appended batch (leader and follower alike).
    pub fn update(&mut self, batch: &RecordBatch) {
        let Some(ids) = batch.producer else {
            return;
        };
        if batch.is_marker() {
            self.end_txn(ids, batch);
            return;
        }
        let meta = BatchMeta {
            first_seq: ids.base_sequence,
            last_seq: ids.base_sequence + batch.len().saturating_sub(1),
            base_offset: batch.base_offset,
            end_offset: batch.end_offset(),
        };
        let e = self.entry(ids);
        if batch.txn == Some(Txn::Data) && e.txn_first.is_none() {
            e.txn_first = Some(batch.base_offset);
        }
        if e.batches.len() == BATCHES_RETAINED {
            e.batches.remove(0);
        }
        e.batches.push(meta);
    }

    /// The producer's entry, at the epoch of `ids` (a newer epoch forgets the older batches,
    /// `ProducerStateEntry.maybeUpdateProducerEpoch`).
    fn entry(&mut self, ids: ProducerIds) -> &mut Entry {
        let e = self.entries.entry(ids.producer_id).or_insert(Entry {
            epoch: ids.producer_epoch,
            batches: Vec::new(),
            txn_first: None,
        });
        if ids.producer_epoch != e.epoch {
            e.epoch = ids.producer_epoch;
            e.batches.clear();
        }
        e
    }

    /// `ProducerAppendInfo.appendEndTxnMarker`: the open transaction ends here; an abort is
    /// remembered for read_committed readers.
    fn end_txn(&mut self, ids: ProducerIds, marker: &RecordBatch) {
        let e = self.entry(ids);
        let first = e.txn_first.take();
        if let (Some(first), Some(Txn::Abort)) = (first, marker.txn) {
            self.aborted.push(AbortedTxn {
                producer_id: ids.producer_id,
                first,
                last: marker.base_offset,
            });
        }
    }

    /// The first offset of the earliest open transaction (`firstUnstableOffset`): the last
    /// stable offset is the smaller of it and the HW.
    pub fn first_unstable(&self) -> Option<Offset> {
        self.entries.values().filter_map(|e| e.txn_first).min()
    }

    /// The aborted transactions with records in `[from, to)` (`collectAbortedTxns`), oldest
    /// first: what a read_committed fetch gets with its records.
    pub fn aborted_in(&self, from: Offset, to: Offset) -> Vec<AbortedTxn> {
        let lo = self.aborted.partition_point(|a| a.last < from);
        self.aborted[lo..]
            .iter()
            .filter(|a| a.first < to)
            .copied()
            .collect()
    }

    /// Forgets the aborted transactions that ended below the log start (their segments'
    /// transaction indexes are deleted with them).
    pub fn forget_below(&mut self, log_start: Offset) {
        let n = self.aborted.partition_point(|a| a.last < log_start);
        self.aborted.drain(..n);
    }

    /// The state as the log's batches give it (after a truncation). A batch counts once its
    /// last offset is in the log.
    pub fn rebuild<'a>(chunks: impl Iterator<Item = &'a Chunk>) -> ProducerStates {
        let mut s = ProducerStates::default();
        for c in chunks {
            if c.end == c.batch.span() {
                s.update(&c.batch);
            }
        }
        s
    }
}

/// Whether `c` is a batch of one of the `aborted` transactions: the producer's
/// transactional records from the transaction's first offset up to its abort marker (what a
/// read_committed reader skips, `CompletedFetch.abortedProducerIds`).
pub fn is_aborted(c: &Chunk, aborted: &[AbortedTxn]) -> bool {
    let (Some(Txn::Data), Some(ids)) = (c.batch.txn, c.batch.producer) else {
        return false;
    };
    let at = c.base_offset();
    aborted
        .iter()
        .any(|a| a.producer_id == ids.producer_id && a.first <= at && at <= a.last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Epoch;
    use crate::record::BatchData;
    use std::sync::Arc;

    fn ids(epoch: u16, seq: u32) -> ProducerIds {
        ProducerIds {
            producer_id: 7,
            producer_epoch: epoch,
            base_sequence: seq,
        }
    }

    /// A batch of `n` records at `base` written by producer 7.
    fn batch(base: u64, n: u32, ids: ProducerIds) -> RecordBatch {
        let mut data = BatchData::default();
        for _ in 0..n {
            data.push(None, Some(b"v"), Vec::new(), 0);
        }
        let mut b = RecordBatch::new(Offset(base), Epoch(0), None, Arc::new(data));
        b.producer = Some(ids);
        b
    }

    /// `ProducerStateManagerTest`: the last 5 batches answer duplicates, older ones and gaps
    /// are out of order, a new epoch starts at 0, an older epoch is refused.
    #[test]
    fn duplicates_gaps_and_epochs_as_producer_state_manager() {
        let mut s = ProducerStates::default();
        assert_eq!(
            s.check(ids(0, 42), 2),
            Ok(SequenceCheck::Append),
            "unknown id"
        );
        for i in 0..6u32 {
            s.update(&batch(u64::from(i) * 2, 2, ids(0, i * 2)));
        }
        // Batches 1..=5 (sequences 2..=11) are retained, batch 0 is not.
        assert_eq!(
            s.check(ids(0, 10), 2),
            Ok(SequenceCheck::Duplicate {
                base: Offset(10),
                end: Offset(12)
            })
        );
        assert_eq!(
            s.check(ids(0, 2), 2),
            Ok(SequenceCheck::Duplicate {
                base: Offset(2),
                end: Offset(4)
            })
        );
        let out_of_order = Err(ErrorKind::OutOfOrderSequenceException);
        assert_eq!(s.check(ids(0, 0), 2), out_of_order, "older than the last 5");
        assert_eq!(s.check(ids(0, 14), 2), out_of_order, "a gap");
        assert_eq!(s.check(ids(0, 12), 2), Ok(SequenceCheck::Append));
        assert_eq!(
            s.check(ids(1, 3), 2),
            out_of_order,
            "a new epoch starts at 0"
        );
        assert_eq!(s.check(ids(1, 0), 2), Ok(SequenceCheck::Append));
        s.update(&batch(12, 2, ids(1, 0)));
        assert_eq!(
            s.check(ids(0, 12), 2),
            Err(ErrorKind::InvalidProducerEpochException)
        );
    }

    /// `UnifiedLog.truncateTo` reloads the state: a truncated batch is forgotten, so its
    /// resend is appended again rather than answered from a batch no longer in the log.
    #[test]
    fn rebuilt_state_forgets_truncated_batches() {
        let chunks: Vec<Chunk> = (0..3u32)
            .map(|i| Chunk::whole(Arc::new(batch(u64::from(i) * 2, 2, ids(0, i * 2)))))
            .collect();
        let s = ProducerStates::rebuild(chunks[..2].iter());
        assert_eq!(s.check(ids(0, 4), 2), Ok(SequenceCheck::Append));
        let mut cut = chunks[2].clone();
        cut.end = 1;
        let s = ProducerStates::rebuild(chunks[..2].iter().chain([&cut]));
        assert_eq!(
            s.check(ids(0, 4), 2),
            Ok(SequenceCheck::Append),
            "half a batch"
        );
        let s = ProducerStates::rebuild(chunks.iter());
        assert!(matches!(
            s.check(ids(0, 4), 2),
            Ok(SequenceCheck::Duplicate { .. })
        ));
    }
}
