//! One replica's log: shared record chunks, its log end offset (LEO) and its leader epoch
//! cache (Kafka's `leader-epoch-checkpoint`), which drives truncation after a leader change.

use crate::ids::{Epoch, Offset};
use crate::record::{Chunk, RecordBatch, RecordView};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Per-partition fetch limit, `replica.fetch.max.bytes`.
pub const REPLICA_FETCH_MAX_BYTES: u64 = 1_048_576;

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Log {
    chunks: Vec<Chunk>,
    log_start: Offset,
    leo: Offset,
    /// `(epoch, start offset)` ascending in both: the first offset written in each epoch.
    epochs: Vec<(Epoch, Offset)>,
}

impl Log {
    pub fn log_end_offset(&self) -> Offset {
        self.leo
    }
    pub fn log_start_offset(&self) -> Offset {
        self.log_start
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

    /// A leader appends a batch whose base offset is this log's LEO.
    pub fn append_batch(&mut self, batch: Arc<RecordBatch>) {
        assert_eq!(
            batch.base_offset, self.leo,
            "leader append must be at the LEO"
        );
        if batch.is_empty() {
            return;
        }
        self.assign_epoch(batch.leader_epoch, batch.base_offset);
        self.leo = batch.end_offset();
        self.chunks.push(Chunk::whole(batch));
    }

    /// A follower appends fetched chunks; they must continue at the LEO. Returns how many
    /// records were appended.
    pub fn append_chunks(&mut self, chunks: &[Chunk]) -> u64 {
        let mut appended = 0;
        for c in chunks {
            if c.is_empty() {
                continue;
            }
            assert_eq!(
                c.base_offset(),
                self.leo,
                "follower append must be at the LEO"
            );
            if self.latest_epoch().is_none_or(|e| c.epoch() > e) {
                self.assign_epoch(c.epoch(), c.base_offset());
            }
            self.leo = c.end_offset();
            appended += u64::from(c.len());
            self.chunks.push(c.clone());
        }
        appended
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

    /// Removes every record at or above `offset` (and the epochs that start there).
    /// Returns the number of records removed.
    pub fn truncate_to(&mut self, offset: Offset) -> u64 {
        if offset >= self.leo {
            return 0;
        }
        let removed = self.leo.0 - offset.0.max(self.log_start.0);
        let keep = self.chunks.partition_point(|c| c.end_offset() <= offset);
        self.chunks.truncate(keep + 1);
        if let Some(last) = self.chunks.last_mut() {
            if last.base_offset() < offset && last.end_offset() > offset {
                last.end = (offset.0 - last.batch.base_offset.0) as u32;
            } else if last.base_offset() >= offset {
                self.chunks.pop();
            }
        }
        self.leo = offset.max(self.log_start);
        self.epochs.retain(|e| e.1 < offset);
        removed
    }

    fn chunk_index(&self, offset: Offset) -> Option<usize> {
        if offset < self.log_start || offset >= self.leo {
            return None;
        }
        let i = self.chunks.partition_point(|c| c.end_offset() <= offset);
        (i < self.chunks.len()).then_some(i)
    }

    /// The chunk holding `offset`.
    pub fn chunk_at(&self, offset: Offset) -> Option<&Chunk> {
        self.chunk_index(offset).map(|i| &self.chunks[i])
    }

    pub fn record(&self, offset: Offset) -> Option<RecordView<'_>> {
        self.chunk_at(offset).map(|c| c.record(offset))
    }

    /// The epoch of the record at `offset`.
    pub fn epoch_at(&self, offset: Offset) -> Option<Epoch> {
        self.chunk_at(offset).map(|c| c.epoch())
    }

    /// Chunks from `from` on, up to about `max_bytes` (at least one chunk). Shares batches.
    pub fn read(&self, from: Offset, max_bytes: u64) -> Vec<Chunk> {
        let mut out = Vec::new();
        let Some(i) = self.chunk_index(from) else {
            return out;
        };
        let mut bytes = 0;
        for c in &self.chunks[i..] {
            let mut c = c.clone();
            if c.base_offset() < from {
                c.start = (from.0 - c.batch.base_offset.0) as u32;
            }
            bytes += c.size_bytes();
            out.push(c);
            if bytes >= max_bytes {
                break;
            }
        }
        out
    }

    /// Every record in `[from, to)`, in offset order.
    pub fn records(&self, from: Offset, to: Offset) -> impl Iterator<Item = RecordView<'_>> {
        let start = self.chunk_index(from).unwrap_or(self.chunks.len());
        let from = from.max(self.log_start);
        self.chunks[start..]
            .iter()
            .take_while(move |c| c.base_offset() < to)
            .flat_map(move |c| {
                let lo = c.base_offset().0.max(from.0);
                let hi = c.end_offset().0.min(to.0);
                (lo..hi).map(move |o| c.record(Offset(o)))
            })
    }

    /// Number of shared chunks (for tests of sharing and for the UI).
    pub fn chunk_count(&self) -> usize {
        self.chunks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::BatchData;

    fn batch(base: u64, n: u32, epoch: u32) -> Arc<RecordBatch> {
        let mut d = BatchData::default();
        for i in 0..n {
            let v = format!("v{}", base + u64::from(i));
            d.push(None, Some(v.as_bytes()), Vec::new(), 0);
        }
        Arc::new(RecordBatch {
            base_offset: Offset(base),
            leader_epoch: Epoch(epoch),
            log_append_time_ms: None,
            data: Arc::new(d),
        })
    }

    #[test]
    fn epoch_end_offsets_follow_kafka() {
        let mut log = Log::default();
        log.append_batch(batch(0, 5, 0));
        log.append_batch(batch(5, 3, 2));
        log.assign_epoch(Epoch(4), Offset(8));
        log.append_batch(batch(8, 2, 4));
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
        log.append_batch(batch(0, 5, 0));
        log.append_batch(batch(5, 5, 1));
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
        leader.append_batch(batch(0, 4, 0));
        leader.append_batch(batch(4, 4, 0));
        let mut follower = Log::default();
        let first = leader.read(Offset(0), 1);
        assert_eq!(first.len(), 1);
        follower.append_chunks(&first);
        let rest = leader.read(Offset(4), REPLICA_FETCH_MAX_BYTES);
        assert_eq!(follower.append_chunks(&rest), 4);
        assert_eq!(follower.log_end_offset(), Offset(8));
        let mid = leader.read(Offset(6), REPLICA_FETCH_MAX_BYTES);
        assert_eq!(mid[0].base_offset(), Offset(6));
        assert_eq!(mid[0].len(), 2);
        assert!(Arc::ptr_eq(&mid[0].batch, &rest[0].batch));
    }
}
