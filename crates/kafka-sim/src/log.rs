//! One replica's log: shared record chunks in segments, its log start and log end offsets
//! (LEO) and its leader epoch cache (Kafka's `leader-epoch-checkpoint`), which drives
//! truncation after a leader change.
//!
//! The log is cut into segments as Kafka's is (`LogSegment`): a new active segment is rolled
//! on an append that would take the active one past `segment.bytes`, or whose timestamp is
//! more than `segment.ms` after the segment's first batch. Segments are what retention deletes
//! (`log/retention.rs`) and what the log cleaner compacts (`log/cleaner.rs`); deleting a segment
//! drops its chunks, so the shared batches are freed once no replica holds them.
//!
//! Chunks cover every offset from the log start to the LEO, in order, without overlap. After
//! compaction a chunk may hold fewer records than offsets (see [`crate::record::Chunk`]).

use crate::ids::{Epoch, Offset, SimTime};
use crate::record::{Chunk, RecordBatch, RecordView};
use crate::topic::TopicConfig;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

mod cleaner;
mod producer_state;
mod retention;
pub use producer_state::{is_aborted, AbortedTxn, ProducerStates, SequenceCheck, BATCHES_RETAINED};

pub use cleaner::{CleanResult, Dirtiness, LOG_CLEANER_BACKOFF_MS};
pub use retention::{
    Deleted, DeletionReason, LOG_INITIAL_TASK_DELAY_MS, LOG_RETENTION_CHECK_INTERVAL_MS,
};

/// Per-partition fetch limit, `replica.fetch.max.bytes`.
pub const REPLICA_FETCH_MAX_BYTES: u64 = 1_048_576;

/// One segment's bookkeeping (the records themselves are the log's chunks from `base_offset`
/// up to the next segment's base).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Segment {
    pub base_offset: Offset,
    /// Bytes on "disk": the batches' sizes as Kafka counts them.
    pub size_bytes: u64,
    /// The largest record timestamp (`maxTimestampSoFar`); `None` while it holds no record.
    pub largest_timestamp_ms: Option<u64>,
    /// The largest timestamp of its first batch: `segment.ms` counts from it.
    pub rolling_timestamp_ms: Option<u64>,
    /// When it was last written (the file's mtime): the timestamp of a segment without records.
    pub last_modified_ms: SimTime,
}

impl Segment {
    fn new(base_offset: Offset, now: SimTime) -> Segment {
        Segment {
            base_offset,
            size_bytes: 0,
            largest_timestamp_ms: None,
            rolling_timestamp_ms: None,
            last_modified_ms: now,
        }
    }

    /// `LogSegment.largestTimestamp`: the largest record timestamp, else the last modification.
    pub fn largest_timestamp(&self) -> u64 {
        self.largest_timestamp_ms.unwrap_or(self.last_modified_ms)
    }

    fn add(&mut self, size: u64, max_timestamp: Option<u64>, now: SimTime) {
        self.size_bytes += size;
        if let Some(ts) = max_timestamp {
            self.largest_timestamp_ms = Some(self.largest_timestamp_ms.map_or(ts, |l| l.max(ts)));
            self.rolling_timestamp_ms.get_or_insert(ts);
        }
        self.last_modified_ms = now;
    }
}

/// What an append needs to know to roll segments: the topic's `segment.bytes` and
/// `segment.ms`, and the broker's clock.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Roll {
    pub segment_bytes: u64,
    pub segment_ms: u64,
    pub now: SimTime,
}

impl Roll {
    pub fn new(config: &TopicConfig, now: SimTime) -> Roll {
        Roll {
            segment_bytes: config.segment_bytes,
            segment_ms: config.segment_ms,
            now,
        }
    }
}

impl Default for Roll {
    /// Kafka's defaults (1 GiB, 7 days) at time 0.
    fn default() -> Self {
        Roll::new(&TopicConfig::default(), 0)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Log {
    chunks: VecDeque<Chunk>,
    /// Oldest first; the last is the active segment. Empty means one empty segment at the
    /// log start (a log nothing was written to yet).
    #[serde(default)]
    segments: VecDeque<Segment>,
    log_start: Offset,
    leo: Offset,
    /// `(epoch, start offset)` ascending in both: the first offset written in each epoch.
    epochs: Vec<(Epoch, Offset)>,
    /// The log cleaner's checkpoint (`cleaner-offset-checkpoint`): the first dirty offset.
    #[serde(default)]
    clean_offset: Option<Offset>,
    /// Idempotent producers' last batches, kept with the log as Kafka's `UnifiedLog` does.
    #[serde(default)]
    producers: ProducerStates,
}

impl Log {
    pub fn log_end_offset(&self) -> Offset {
        self.leo
    }
    pub fn log_start_offset(&self) -> Offset {
        self.log_start
    }
    /// The idempotent producers' state of this replica.
    pub fn producers(&self) -> &ProducerStates {
        &self.producers
    }
    /// `UnifiedLog.lastStableOffset`: the HW, or the first offset of an open transaction
    /// below it.
    pub fn last_stable_offset(&self, high_watermark: Offset) -> Offset {
        self.producers
            .first_unstable()
            .map_or(high_watermark, |f| f.min(high_watermark))
    }
    pub fn epoch_entries(&self) -> &[(Epoch, Offset)] {
        &self.epochs
    }
    pub fn latest_epoch(&self) -> Option<Epoch> {
        self.epochs.last().map(|e| e.0)
    }
    /// The first offset of `epoch`, if the cache has that epoch.
    pub fn epoch_start_offset(&self, epoch: Epoch) -> Option<Offset> {
        self.epochs.iter().find(|e| e.0 == epoch).map(|e| e.1)
    }
    /// The segments, oldest first (the last is the active one).
    pub fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter()
    }
    pub fn segment_count(&self) -> usize {
        self.segments.len().max(1)
    }
    /// Base offset of the active segment.
    pub fn active_segment_base(&self) -> Offset {
        self.segments
            .back()
            .map_or(self.log_start, |s| s.base_offset)
    }
    /// The log's size on "disk", bytes (what `retention.bytes` limits).
    pub fn size_bytes(&self) -> u64 {
        self.segments.iter().map(|s| s.size_bytes).sum()
    }
    /// The log cleaner's first dirty offset, once it has cleaned this log.
    pub fn clean_offset(&self) -> Option<Offset> {
        self.clean_offset
    }

    /// `LeaderEpochFileCache.assign`: records that `epoch` starts at `start`, dropping entries
    /// that conflict (an epoch as new or newer, or one starting at or after `start`).
    pub fn assign_epoch(&mut self, epoch: Epoch, start: Offset) {
        if let Some(&(latest, _)) = self.epochs.last() {
            if latest == epoch {
                return;
            }
        }
        while let Some(&(e, s)) = self.epochs.last() {
            if e >= epoch || s >= start {
                self.epochs.pop();
            } else {
                break;
            }
        }
        self.epochs.push((epoch, start));
    }

    fn active_mut(&mut self, now: SimTime) -> &mut Segment {
        if self.segments.is_empty() {
            self.segments.push_back(Segment::new(self.log_start, now));
        }
        self.segments.back_mut().expect("just ensured")
    }

    /// `UnifiedLog.maybeRoll` before appending `size` bytes whose largest timestamp is
    /// `max_timestamp` at offset `base`: a new active segment when the active one is not empty
    /// and would exceed `segment.bytes`, or the new records are more than `segment.ms` younger
    /// than its first batch. Returns whether it rolled.
    fn maybe_roll(
        &mut self,
        size: u64,
        max_timestamp: Option<u64>,
        base: Offset,
        roll: &Roll,
    ) -> bool {
        let active = self.active_mut(roll.now);
        let full = active.size_bytes + size > roll.segment_bytes;
        let old = match (max_timestamp, active.rolling_timestamp_ms) {
            (Some(ts), Some(first)) => ts.saturating_sub(first) > roll.segment_ms,
            _ => false,
        };
        if active.size_bytes > 0 && (full || old) {
            self.segments.push_back(Segment::new(base, roll.now));
            true
        } else {
            false
        }
    }

    /// A leader appends a batch whose base offset is this log's LEO. Returns whether a new
    /// segment was rolled for it.
    pub fn append_batch(&mut self, batch: Arc<RecordBatch>, roll: &Roll) -> bool {
        assert_eq!(
            batch.base_offset, self.leo,
            "leader append must be at the LEO"
        );
        if batch.span() == 0 {
            return false;
        }
        let size = u64::from(batch.size_bytes());
        let max_ts = (!batch.is_empty()).then(|| batch.max_timestamp_ms());
        let rolled = self.maybe_roll(size, max_ts, batch.base_offset, roll);
        self.assign_epoch(batch.leader_epoch, batch.base_offset);
        self.leo = batch.end_offset();
        self.active_mut(roll.now).add(size, max_ts, roll.now);
        self.producers.update(&batch);
        self.chunks.push_back(Chunk::whole(batch));
        rolled
    }

    /// A follower appends fetched chunks; they must continue at the LEO. Returns how many
    /// records were appended and how many segments were rolled.
    pub fn append_chunks(&mut self, chunks: &[Chunk], roll: &Roll) -> (u64, u32) {
        let mut appended = 0;
        let mut rolled = 0;
        for c in chunks {
            if c.span() == 0 {
                continue;
            }
            assert_eq!(
                c.base_offset(),
                self.leo,
                "follower append must be at the LEO"
            );
            let size = c.size_bytes();
            let max_ts = c.max_timestamp_ms();
            if self.maybe_roll(size, max_ts, c.base_offset(), roll) {
                rolled += 1;
            }
            if self.latest_epoch().is_none_or(|e| c.epoch() > e) {
                self.assign_epoch(c.epoch(), c.base_offset());
            }
            self.leo = c.end_offset();
            appended += u64::from(c.len());
            self.active_mut(roll.now).add(size, max_ts, roll.now);
            if c.end == c.batch.span() {
                self.producers.update(&c.batch);
            }
            self.chunks.push_back(c.clone());
        }
        (appended, rolled)
    }

    /// `LeaderEpochFileCache.endOffsetFor`: the end offset of `requested` as this replica
    /// knows it, and the epoch it found. `None` is Kafka's `UNDEFINED_EPOCH`.
    pub fn end_offset_for_epoch(&self, requested: Epoch) -> Option<(Epoch, Offset)> {
        let &(latest, _) = self.epochs.last()?;
        if latest == requested {
            return Some((requested, self.leo));
        }
        let higher = self.epochs.iter().position(|e| e.0 > requested)?;
        let higher_start = self.epochs[higher].1;
        if higher == 0 {
            Some((requested, higher_start))
        } else {
            Some((self.epochs[higher - 1].0, higher_start))
        }
    }

    /// Removes every record at or above `offset` (and the epochs that start there), as
    /// `UnifiedLog.truncateTo`: segments above it go, the one holding it is cut. Returns the
    /// number of offsets removed.
    pub fn truncate_to(&mut self, offset: Offset) -> u64 {
        if offset >= self.leo {
            return 0;
        }
        let offset = offset.max(self.log_start);
        let removed = self.leo.0 - offset.0;
        let keep = self.chunks.partition_point(|c| c.end_offset() <= offset);
        self.chunks.truncate(keep + 1);
        if let Some(last) = self.chunks.back_mut() {
            if last.base_offset() < offset && last.end_offset() > offset {
                last.end = (offset.0 - last.batch.base_offset.0) as u32;
            } else if last.base_offset() >= offset {
                self.chunks.pop_back();
            }
        }
        self.leo = offset;
        self.epochs.retain(|e| e.1 < offset);
        while self.segments.len() > 1 && self.segments.back().unwrap().base_offset > offset {
            self.segments.pop_back();
        }
        self.recount_active();
        if self.clean_offset.is_some_and(|c| c > offset) {
            // `LogCleanerManager.maybeTruncateCheckpoint`.
            self.clean_offset = Some(offset);
        }
        // `UnifiedLog.truncateTo` reloads the producer state up to the new end.
        self.producers = ProducerStates::rebuild(self.chunks.iter());
        removed
    }

    /// Recomputes the active segment's size and timestamps from its chunks (after a truncation).
    fn recount_active(&mut self) {
        let Some(active) = self.segments.back_mut() else {
            return;
        };
        let from = self
            .chunks
            .partition_point(|c| c.end_offset() <= active.base_offset);
        let mut size = 0;
        let mut largest: Option<u64> = None;
        let mut first: Option<u64> = None;
        for c in self.chunks.range(from..) {
            size += c.size_bytes();
            if let Some(ts) = c.max_timestamp_ms() {
                largest = Some(largest.map_or(ts, |l| l.max(ts)));
                first.get_or_insert(ts);
            }
        }
        active.size_bytes = size;
        active.largest_timestamp_ms = largest;
        active.rolling_timestamp_ms = first;
    }

    /// `UnifiedLog.truncateFullyAndStartAt`: a follower whose log ends below its leader's log
    /// start drops everything and continues at `offset`.
    pub fn truncate_fully_and_start_at(&mut self, offset: Offset, now: SimTime) {
        self.chunks.clear();
        self.segments.clear();
        self.segments.push_back(Segment::new(offset, now));
        self.log_start = offset;
        self.leo = offset;
        self.epochs.clear();
        self.clean_offset = None;
        self.producers = ProducerStates::default();
    }

    /// `UnifiedLog.maybeIncrementLogStartOffset`: moves the log start forward (never past
    /// `high_watermark`). Records below it can no longer be read; their segments are deleted
    /// at the next retention check. The epoch cache forgets the epochs that ended below it.
    pub fn maybe_increment_log_start(&mut self, offset: Offset, high_watermark: Offset) -> bool {
        let offset = offset.min(high_watermark).min(self.leo);
        if offset <= self.log_start {
            return false;
        }
        self.log_start = offset;
        self.truncate_epochs_from_start();
        self.producers.forget_below(offset);
        true
    }

    /// `LeaderEpochFileCache.truncateFromStart`: entries starting below the log start go,
    /// except the last of them, which now starts at the log start.
    fn truncate_epochs_from_start(&mut self) {
        let below = self.epochs.partition_point(|e| e.1 <= self.log_start);
        if below > 0 {
            self.epochs.drain(..below - 1);
            self.epochs[0].1 = self.log_start;
        }
    }

    fn chunk_index(&self, offset: Offset) -> Option<usize> {
        if offset < self.log_start || offset >= self.leo {
            return None;
        }
        let i = self.chunks.partition_point(|c| c.end_offset() <= offset);
        (i < self.chunks.len() && self.chunks[i].base_offset() <= offset).then_some(i)
    }

    /// The chunk covering `offset` (which may be a compaction gap in it).
    pub fn chunk_at(&self, offset: Offset) -> Option<&Chunk> {
        self.chunk_index(offset).map(|i| &self.chunks[i])
    }

    /// The record at `offset`; `None` outside the log or where compaction removed it.
    pub fn record(&self, offset: Offset) -> Option<RecordView<'_>> {
        self.chunk_at(offset).and_then(|c| c.record(offset))
    }

    /// The leader epoch of `offset` (of the batch covering it).
    pub fn epoch_at(&self, offset: Offset) -> Option<Epoch> {
        self.chunk_at(offset).map(|c| c.epoch())
    }

    /// Chunks from `from` on, up to about `max_bytes` (at least one chunk holding a record,
    /// with the record-less chunks before it). Shares batches.
    pub fn read(&self, from: Offset, max_bytes: u64) -> Vec<Chunk> {
        let mut out = Vec::new();
        let Some(i) = self.chunk_index(from) else {
            return out;
        };
        let mut bytes = 0;
        for c in self.chunks.range(i..) {
            let mut c = c.clone();
            if c.base_offset() < from {
                c.start = (from.0 - c.batch.base_offset.0) as u32;
            }
            bytes += c.size_bytes();
            let holds_records = !c.is_empty();
            out.push(c);
            if bytes >= max_bytes && holds_records {
                break;
            }
        }
        out
    }

    /// Every record in `[from, to)`, in offset order (compaction gaps skipped).
    pub fn records(&self, from: Offset, to: Offset) -> impl Iterator<Item = RecordView<'_>> {
        let from = from.max(self.log_start);
        let start = if from >= self.leo {
            self.chunks.len()
        } else {
            self.chunks.partition_point(|c| c.end_offset() <= from)
        };
        self.chunks
            .range(start..)
            .take_while(move |c| c.base_offset() < to)
            .flat_map(move |c| {
                c.records()
                    .skip_while(move |r| r.offset < from)
                    .take_while(move |r| r.offset < to)
            })
    }

    /// The chunks, oldest first.
    pub fn chunks(&self) -> impl Iterator<Item = &Chunk> {
        self.chunks.iter()
    }

    /// Heap bytes of the log's own bookkeeping beyond its chunks' batches: the chunk and
    /// segment lists and the epoch cache (for `crate::footprint`).
    pub fn index_heap_bytes(&self) -> u64 {
        (self.chunks.capacity() * std::mem::size_of::<Chunk>()
            + self.segments.capacity() * std::mem::size_of::<Segment>()
            + self.epochs.capacity() * std::mem::size_of::<(Epoch, Offset)>()) as u64
    }

    /// Number of shared chunks (for tests of sharing and for the UI).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }
}

#[cfg(test)]
mod tests;
