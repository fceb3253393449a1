//! Log compaction (`cleanup.policy=compact`), as Kafka's `LogCleaner` does it:
//!
//! - The dirty section runs from the cleaner's checkpoint (else the log start) to the first
//!   uncleanable offset: the active segment's base, or the segment holding the high watermark
//!   if that is lower (`LogCleanerManager.cleanableOffsets`). A log is cleaned when its dirty
//!   bytes are more than `min.cleanable.dirty.ratio` of the clean plus dirty bytes.
//! - The cleaner maps every key of the dirty section to its last offset, then rewrites every
//!   segment from the log start to the end of the dirty section, keeping a record only if no
//!   later record of its key is in the map; a keyless record is dropped; a tombstone (null
//!   value) is kept until its batch's delete horizon, set to `now + delete.retention.ms` by the
//!   first cleaning that keeps it (KIP-534). Records keep their offsets and order.
//! - Consecutive segments are merged while they fit in `segment.bytes` (`groupSegmentsBySize`).
//!
//! A batch whose records all stay is kept as it is (still shared with the other replicas). A
//! batch that lost records is copied into a compacted batch with the same base offset, offset
//! range and epoch. A batch that lost every record is not kept: the batch before it in the same
//! segment and epoch is stretched over its offsets (Kafka keeps the offsets with the batch's
//! `lastOffsetDelta`; a record-less range costs nothing here), else an empty batch covers them,
//! so a cleaned log still covers every offset and the number of batches it keeps is bounded by
//! the number of live keys.
//!
//! Transactions (`CleanedTransactionMetadata`): the cleaner stops at the first offset of an
//! open transaction and removes the records of aborted ones; markers are kept (Kafka removes
//! them after `delete.retention.ms` once their transaction is gone).

use super::{is_aborted, Log, Segment};
use crate::ids::{Offset, SimTime};
use crate::record::{BatchData, Chunk, Compacted, RecordBatch};
use crate::sorted::SortedMap;
use crate::topic::TopicConfig;
use std::collections::VecDeque;
use std::sync::Arc;

/// `log.cleaner.backoff.ms`: how long the cleaner sleeps when no log needs cleaning.
pub const LOG_CLEANER_BACKOFF_MS: u64 = 15_000;

/// What one cleaning did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CleanResult {
    /// Records removed (superseded by a later record of their key, or expired tombstones).
    pub records_removed: u64,
    /// The new checkpoint: offsets below it are clean.
    pub clean_offset: Offset,
    /// Segments before and after the cleaning (merging shrinks the count).
    pub segments_before: u32,
    pub segments_after: u32,
}

/// `LogToClean`: the clean and cleanable bytes of a log.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Dirtiness {
    pub first_dirty: Offset,
    /// Base offset of the first segment that cannot be cleaned.
    pub first_uncleanable: Offset,
    pub clean_bytes: u64,
    pub cleanable_bytes: u64,
}

impl Dirtiness {
    /// `cleanableRatio > min.cleanable.dirty.ratio`, in integers (ratio in parts per million).
    pub fn needs_cleaning(&self, min_ratio_ppm: u64) -> bool {
        let total = self.clean_bytes + self.cleanable_bytes;
        total > 0
            && u128::from(self.cleanable_bytes) * 1_000_000
                > u128::from(min_ratio_ppm) * u128::from(total)
    }

    /// The dirty ratio in parts per million (to clean the filthiest log first).
    pub fn ratio_ppm(&self) -> u64 {
        let total = self.clean_bytes + self.cleanable_bytes;
        if total == 0 {
            0
        } else {
            (u128::from(self.cleanable_bytes) * 1_000_000 / u128::from(total)) as u64
        }
    }
}

impl Log {
    /// `LogCleanerManager.cleanableOffsets` and `LogToClean`.
    pub fn dirtiness(&self, high_watermark: Offset) -> Dirtiness {
        let first_dirty = match self.clean_offset {
            Some(c) if c >= self.log_start && c <= self.leo => c,
            _ => self.log_start,
        };
        // Nothing at or above the first offset of an open transaction is cleaned
        // (`firstUnstableOffset`): its outcome decides what stays.
        let stable = self.last_stable_offset(high_watermark);
        let uncleanable = first_dirty.max(stable.min(self.active_segment_base()));
        // The segment holding the uncleanable offset is uncleanable as a whole.
        let first_uncleanable = self
            .segments
            .iter()
            .rev()
            .find(|s| s.base_offset <= uncleanable)
            .map_or(self.active_segment_base(), |s| s.base_offset);
        let clean_bytes = self
            .segments
            .iter()
            .filter(|s| s.base_offset < first_dirty)
            .map(|s| s.size_bytes)
            .sum();
        let from = first_dirty.min(first_uncleanable);
        let cleanable_bytes = self
            .segments
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                let end = self.segments.get(i + 1).map_or(self.leo, |n| n.base_offset);
                end > from && s.base_offset < first_uncleanable
            })
            .map(|(_, s)| s.size_bytes)
            .sum();
        Dirtiness {
            first_dirty,
            first_uncleanable,
            clean_bytes,
            cleanable_bytes,
        }
    }

    /// `Cleaner.doClean`: compacts the log up to the end of its dirty section (see the module
    /// documentation). The caller decides whether the log needs it ([`Dirtiness`]).
    pub fn clean(
        &mut self,
        config: &TopicConfig,
        d: Dirtiness,
        now: SimTime,
    ) -> Option<CleanResult> {
        let end = d.first_uncleanable;
        if d.first_dirty >= end {
            return None;
        }
        // The offset map: each key of the dirty section and the offset of its last record.
        // Aborted transactions' records are removed and count for no key
        // (`Cleaner.buildOffsetMap`, `CleanedTransactionMetadata`); markers stay.
        let aborted = self.producers.aborted_in(self.log_start, end);
        let mut latest: SortedMap<&[u8], u64> = SortedMap::new();
        for c in self.chunks.iter() {
            if c.end_offset() <= d.first_dirty || is_aborted(c, &aborted) {
                continue;
            }
            if c.base_offset() >= end {
                break;
            }
            for r in c
                .records()
                .filter(|r| r.offset >= d.first_dirty && r.offset < end)
            {
                if let Some(k) = r.key {
                    latest.insert(k, r.offset.0);
                }
            }
        }
        let segments_before = self.segments.len() as u32;
        let cleaned_segments = self
            .segments
            .iter()
            .take_while(|s| s.base_offset < end)
            .count();
        let groups = group_by_size(&self.segments, cleaned_segments, config.segment_bytes);
        let mut new_chunks: VecDeque<Chunk> = VecDeque::new();
        let mut new_segments: VecDeque<Segment> = VecDeque::new();
        let mut removed = 0u64;
        let mut next_chunk = 0;
        for group in groups {
            let first = &self.segments[group.start];
            let group_end = self
                .segments
                .get(group.end)
                .map_or(self.leo, |s| s.base_offset);
            let mut segment = Segment::new(first.base_offset, now);
            segment.last_modified_ms = self.segments[group.end - 1].last_modified_ms;
            let from_chunk = new_chunks.len();
            while next_chunk < self.chunks.len()
                && self.chunks[next_chunk].base_offset() < group_end
            {
                let chunk = &self.chunks[next_chunk];
                next_chunk += 1;
                let drop_all = is_aborted(chunk, &aborted);
                let retention = config.delete_retention_ms;
                let (kept, gone) = compact_chunk(chunk, &latest, drop_all, retention, now);
                removed += gone;
                match kept {
                    Some(c) => {
                        segment.add(
                            c.size_bytes(),
                            c.max_timestamp_ms(),
                            segment.last_modified_ms,
                        );
                        new_chunks.push_back(c);
                    }
                    None => {
                        // Nothing left: stretch the previous batch of this segment and epoch
                        // over these offsets, or keep an empty batch for them.
                        let in_segment = new_chunks.len() > from_chunk;
                        match new_chunks.back_mut() {
                            Some(prev)
                                if in_segment
                                    && !prev.batch.is_marker()
                                    && prev.epoch() == chunk.epoch()
                                    && prev.end_offset() == chunk.base_offset() =>
                            {
                                prev.end += chunk.span();
                            }
                            _ => new_chunks.push_back(chunk.without_records()),
                        }
                    }
                }
            }
            new_segments.push_back(segment);
        }
        new_chunks.extend(self.chunks.range(next_chunk..).cloned());
        new_segments.extend(self.segments.range(cleaned_segments..).cloned());
        self.chunks = new_chunks;
        self.segments = new_segments;
        self.clean_offset = Some(end);
        Some(CleanResult {
            records_removed: removed,
            clean_offset: end,
            segments_before,
            segments_after: self.segments.len() as u32,
        })
    }
}

/// `Cleaner.groupSegmentsBySize`: consecutive segments among the first `count`, each group
/// at most `max_bytes` (a segment alone may be larger).
fn group_by_size(
    segments: &VecDeque<Segment>,
    count: usize,
    max_bytes: u64,
) -> Vec<std::ops::Range<usize>> {
    let mut groups = Vec::new();
    let mut i = 0;
    while i < count {
        let start = i;
        let mut size = segments[i].size_bytes;
        i += 1;
        while i < count && size + segments[i].size_bytes <= max_bytes {
            size += segments[i].size_bytes;
            i += 1;
        }
        groups.push(start..i);
    }
    groups
}

/// One chunk through the cleaner's filter (`shouldRetainRecord`): the chunk to keep (itself
/// if every record stays), `None` if no record stays, and how many records went.
fn compact_chunk(
    chunk: &Chunk,
    latest: &SortedMap<&[u8], u64>,
    drop_all: bool,
    delete_retention_ms: u64,
    now: SimTime,
) -> (Option<Chunk>, u64) {
    let horizon = chunk
        .batch
        .compacted
        .as_ref()
        .and_then(|c| c.delete_horizon_ms);
    let keep = |r: &crate::record::RecordView| -> bool {
        if drop_all {
            return false;
        }
        let Some(k) = r.key else {
            return false;
        };
        let newest = latest.get(k).is_none_or(|o| r.offset.0 >= *o);
        let live = r.value.is_some() || horizon.is_none_or(|h| now < h);
        newest && live
    };
    let total = chunk.len();
    let kept: Vec<_> = chunk.records().filter(|r| keep(r)).collect();
    let gone = u64::from(total) - kept.len() as u64;
    let tombstones = kept.iter().any(|r| r.value.is_none());
    let set_horizon = tombstones && horizon.is_none();
    if gone == 0 && !set_horizon {
        return (Some(chunk.clone()), 0);
    }
    if kept.is_empty() {
        return (None, gone);
    }
    let mut data = BatchData::default();
    let mut deltas = Vec::with_capacity(kept.len());
    let base = chunk.base_offset();
    for r in &kept {
        data.push(r.key, r.value, r.headers.to_vec(), r.timestamp_ms);
        deltas.push((r.offset.0 - base.0) as u32);
    }
    data.shrink();
    let batch = RecordBatch {
        base_offset: base,
        leader_epoch: chunk.epoch(),
        // Timestamps were copied as readers saw them (append time included).
        log_append_time_ms: None,
        data: Arc::new(data),
        compacted: Some(Box::new(Compacted {
            span: chunk.span(),
            deltas,
            delete_horizon_ms: if set_horizon {
                Some(now + delete_retention_ms)
            } else {
                horizon
            },
        })),
        // A rewritten batch holds only some records of the producer's batch: it no longer
        // stands for that batch's sequence range.
        producer: None,
        txn: None,
    };
    (Some(Chunk::whole(Arc::new(batch))), gone)
}
