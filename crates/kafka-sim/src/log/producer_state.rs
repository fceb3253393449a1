//! Kafka's `ProducerStateManager`: per producer id, the epoch and the metadata of its last 5
//! batches in this log (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`). The leader checks an
//! idempotent producer's batch against it before appending (`UnifiedLog.
//! analyzeAndValidateProducerState`): a batch it already has is a duplicate (answered with the
//! original offsets), a sequence that does not follow the last one is out of order. Every
//! replica updates it from the batches it appends, leader or follower, and rebuilds it from
//! its log after a truncation, so it survives a leader failover as Kafka's (rebuilt from the
//! log and its snapshots) does.

use crate::error::ErrorKind;
use crate::ids::Offset;
use crate::record::{Chunk, ProducerIds, RecordBatch};
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
        let meta = BatchMeta {
            first_seq: ids.base_sequence,
            last_seq: ids.base_sequence + batch.len().saturating_sub(1),
            base_offset: batch.base_offset,
            end_offset: batch.end_offset(),
        };
        let e = self.entries.entry(ids.producer_id).or_insert(Entry {
            epoch: ids.producer_epoch,
            batches: Vec::new(),
        });
        if ids.producer_epoch != e.epoch {
            e.epoch = ids.producer_epoch;
            e.batches.clear();
        }
        if e.batches.len() == BATCHES_RETAINED {
            e.batches.remove(0);
        }
        e.batches.push(meta);
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
