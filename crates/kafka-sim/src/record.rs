//! Records and record batches, stored once and shared.
//!
//! A producer packs records into one [`BatchData`]: every key and value of the batch sits in
//! one byte buffer, so a record costs a small fixed-size entry plus its bytes. The leader wraps
//! the batch data with its offsets and epoch into an immutable [`RecordBatch`] behind an `Arc`;
//! followers receive clones of that `Arc` (a range of it, see [`Chunk`]), never copies.

use crate::ids::{Epoch, Offset};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Kafka's `RECORD_BATCH_OVERHEAD` (v2 batch header), bytes.
pub const BATCH_HEADER_BYTES: u32 = 61;
/// `batch.size`, bytes.
pub const BATCH_SIZE_BYTES: u32 = 16_384;

/// One record header: a string key and a value that may be null.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Header {
    pub key: String,
    pub value: Option<Vec<u8>>,
}

/// Where a key or value lives in [`BatchData::bytes`]; `len == NULL_LEN` means null.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
struct Span {
    start: u32,
    len: u32,
}

const NULL_LEN: u32 = u32::MAX;

impl Span {
    const NULL: Span = Span {
        start: 0,
        len: NULL_LEN,
    };
    fn get<'a>(&self, bytes: &'a [u8]) -> Option<&'a [u8]> {
        if self.len == NULL_LEN {
            None
        } else {
            Some(&bytes[self.start as usize..(self.start + self.len) as usize])
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
struct Entry {
    key: Span,
    value: Span,
    timestamp_ms: u64,
    headers: Option<Box<[Header]>>,
}

/// The records of one producer batch, immutable once sent.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct BatchData {
    entries: Vec<Entry>,
    bytes: Vec<u8>,
    /// Kafka's size estimate of the batch on the wire (header + records), bytes.
    size_bytes: u32,
    /// The largest record timestamp (`maxTimestamp` of the batch header).
    #[serde(default)]
    max_timestamp_ms: u64,
}

impl BatchData {
    pub fn len(&self) -> u32 {
        self.entries.len() as u32
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn size_bytes(&self) -> u32 {
        self.size_bytes
    }
    /// The largest record timestamp, ms (what segment rolling and retention.ms look at).
    pub fn max_timestamp_ms(&self) -> u64 {
        self.max_timestamp_ms
    }

    /// Whether a record of `record_bytes` still fits (`MemoryRecordsBuilder.hasRoomFor`):
    /// an empty batch takes any record, however large.
    pub fn has_room_for(&self, record_bytes: u32) -> bool {
        self.entries.is_empty() || self.size_bytes + record_bytes <= BATCH_SIZE_BYTES
    }

    /// The size Kafka's `DefaultRecord.sizeInBytes` gives the next record of this batch.
    pub fn next_record_size(
        &self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: &[Header],
        timestamp_ms: u64,
    ) -> u32 {
        let ts_delta = self
            .entries
            .first()
            .map(|e| timestamp_ms as i64 - e.timestamp_ms as i64)
            .unwrap_or(0);
        record_size_bytes(self.entries.len() as i32, ts_delta, key, value, headers)
    }

    /// Appends a record; returns the bytes the batch grew by.
    pub fn push(
        &mut self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: Vec<Header>,
        timestamp_ms: u64,
    ) -> u32 {
        let size = self.next_record_size(key, value, &headers, timestamp_ms);
        let grown = if self.entries.is_empty() {
            BATCH_HEADER_BYTES + size
        } else {
            size
        };
        let key = self.store(key);
        let value = self.store(value);
        self.entries.push(Entry {
            key,
            value,
            timestamp_ms,
            headers: if headers.is_empty() {
                None
            } else {
                Some(headers.into_boxed_slice())
            },
        });
        self.size_bytes += grown;
        self.max_timestamp_ms = self.max_timestamp_ms.max(timestamp_ms);
        grown
    }

    /// Copies record `i` of `other` (key, value, headers, timestamp) to the end of this batch;
    /// the log cleaner builds its compacted batches this way.
    pub fn push_copy_of(&mut self, other: &BatchData, i: u32, timestamp_ms: u64) {
        self.push(
            other.key(i),
            other.value(i),
            other.headers(i).to_vec(),
            timestamp_ms,
        );
    }

    fn store(&mut self, data: Option<&[u8]>) -> Span {
        match data {
            None => Span::NULL,
            Some(d) => {
                let start = self.bytes.len() as u32;
                self.bytes.extend_from_slice(d);
                Span {
                    start,
                    len: d.len() as u32,
                }
            }
        }
    }

    pub fn key(&self, i: u32) -> Option<&[u8]> {
        self.entries[i as usize].key.get(&self.bytes)
    }
    pub fn value(&self, i: u32) -> Option<&[u8]> {
        self.entries[i as usize].value.get(&self.bytes)
    }
    pub fn timestamp_ms(&self, i: u32) -> u64 {
        self.entries[i as usize].timestamp_ms
    }
    pub fn headers(&self, i: u32) -> &[Header] {
        self.entries[i as usize].headers.as_deref().unwrap_or(&[])
    }

    /// A batch with room for a full `batch.size` of small records, so filling it never
    /// reallocates (the hot path of a busy producer).
    pub fn with_batch_capacity() -> Self {
        BatchData {
            entries: Vec::with_capacity(64),
            bytes: Vec::with_capacity(BATCH_SIZE_BYTES as usize),
            size_bytes: 0,
            max_timestamp_ms: 0,
        }
    }

    /// Frees spare capacity once the batch is closed (it is kept for the whole run).
    pub fn shrink(&mut self) {
        self.entries.shrink_to_fit();
        self.bytes.shrink_to_fit();
    }

    /// Heap bytes this batch's records hold (entries, key and value bytes, headers), for
    /// the memory footprint (`crate::footprint`).
    pub fn heap_bytes(&self) -> u64 {
        let headers: usize = self
            .entries
            .iter()
            .filter_map(|e| e.headers.as_deref())
            .map(|h| {
                std::mem::size_of_val(h)
                    + h.iter()
                        .map(|h| h.key.capacity() + h.value.as_ref().map_or(0, Vec::capacity))
                        .sum::<usize>()
            })
            .sum();
        (self.entries.capacity() * std::mem::size_of::<Entry>() + self.bytes.capacity() + headers)
            as u64
    }
}

/// A batch as appended to a leader's log: offsets and epoch assigned, then never changed.
///
/// A batch covers the offsets `[base_offset, end_offset())`. Written by a producer it holds one
/// record per offset; rewritten by the log cleaner (compaction) it keeps its offsets and epoch
/// but only some records, each at its original offset (Kafka's per-record offset delta), so
/// offsets and order never change and a compacted batch has gaps.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct RecordBatch {
    pub base_offset: Offset,
    /// The leader epoch the batch was written in (`partitionLeaderEpoch`).
    pub leader_epoch: Epoch,
    /// Set when the topic uses `message.timestamp.type=LogAppendTime`.
    pub log_append_time_ms: Option<u64>,
    pub data: Arc<BatchData>,
    /// Set on a batch the log cleaner rewrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compacted: Option<Box<Compacted>>,
    /// The idempotent producer's id, epoch and sequence (the v2 batch header's fields);
    /// `None` for a non-idempotent producer's batch (Kafka's `NO_PRODUCER_ID`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub producer: Option<ProducerIds>,
    /// Set on a transactional producer's batch (the header's `isTransactional`), and on the
    /// control batch a transaction marker is (`isControl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn: Option<Txn>,
}

/// A batch's part in a transaction: data of an open transaction, or the one-record control
/// batch that ends it (`EndTransactionMarker`, written by the coordinator's WriteTxnMarkers).
/// A marker takes an offset as Kafka's does; it holds no record an application ever sees.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Txn {
    Data,
    Commit,
    Abort,
}

impl Txn {
    pub fn is_marker(self) -> bool {
        self != Txn::Data
    }
}

/// A marker's size: the batch header and one control record (key: version and type, 4 bytes;
/// value: version and coordinator epoch, 6 bytes).
fn marker_bytes() -> u32 {
    BATCH_HEADER_BYTES + record_size_from_lens(0, 0, Some(4), Some(6), &[])
}

/// `producerId`, `producerEpoch` and `baseSequence` of a v2 batch header: what the leader's
/// `ProducerStateManager` deduplicates by. The batch's last sequence is `base_sequence +
/// records - 1`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ProducerIds {
    pub producer_id: u64,
    pub producer_epoch: u16,
    pub base_sequence: u32,
}

/// What compaction changed in a batch.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Compacted {
    /// Offsets the batch covers, from its base offset (`lastOffsetDelta + 1`).
    pub span: u32,
    /// The offset delta of each kept record, ascending (`data` holds only those records).
    pub deltas: Vec<u32>,
    /// Kafka's `deleteHorizonMs` (KIP-534): set when a cleaning first keeps a tombstone of the
    /// batch; a later cleaning at or after it removes the batch's tombstones.
    pub delete_horizon_ms: Option<u64>,
}

impl RecordBatch {
    /// A batch as a leader writes it: one record per offset from `base_offset`.
    pub fn new(
        base_offset: Offset,
        leader_epoch: Epoch,
        log_append_time_ms: Option<u64>,
        data: Arc<BatchData>,
    ) -> RecordBatch {
        RecordBatch {
            base_offset,
            leader_epoch,
            log_append_time_ms,
            data,
            compacted: None,
            producer: None,
            txn: None,
        }
    }
    /// A transaction marker of `producer` at `offset`: one offset, no data record.
    pub fn marker(offset: Offset, leader_epoch: Epoch, producer: ProducerIds, txn: Txn) -> Self {
        RecordBatch {
            producer: Some(producer),
            txn: Some(txn),
            ..RecordBatch::new(offset, leader_epoch, None, Arc::default())
        }
    }
    pub fn is_marker(&self) -> bool {
        self.txn.is_some_and(Txn::is_marker)
    }
    /// Records in the batch.
    pub fn len(&self) -> u32 {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    /// Offsets the batch covers (more than its records once compacted).
    pub fn span(&self) -> u32 {
        if self.is_marker() {
            return 1;
        }
        self.compacted.as_ref().map_or(self.data.len(), |c| c.span)
    }
    pub fn end_offset(&self) -> Offset {
        Offset(self.base_offset.0 + u64::from(self.span()))
    }
    /// The offset delta of record `i`.
    fn delta(&self, i: u32) -> u32 {
        self.compacted.as_ref().map_or(i, |c| c.deltas[i as usize])
    }
    /// The index of the first record at an offset delta of `delta` or more.
    fn index_from(&self, delta: u32) -> u32 {
        match &self.compacted {
            None => delta.min(self.data.len()),
            Some(c) => c.deltas.partition_point(|d| *d < delta) as u32,
        }
    }
    /// The timestamp of record `i` as readers see it (the append time under LogAppendTime).
    pub fn timestamp_ms(&self, i: u32) -> u64 {
        self.log_append_time_ms
            .unwrap_or_else(|| self.data.timestamp_ms(i))
    }
    /// The batch's largest timestamp.
    pub fn max_timestamp_ms(&self) -> u64 {
        self.log_append_time_ms
            .unwrap_or_else(|| self.data.max_timestamp_ms())
    }
    /// Kafka's estimate of the batch's size on disk, bytes (`segment.bytes`, `retention.bytes`).
    pub fn size_bytes(&self) -> u32 {
        if self.is_marker() {
            return marker_bytes();
        }
        self.data.size_bytes()
    }
}

/// A contiguous range of offsets `[start, end)` of a shared batch, as deltas from the batch's
/// base offset. Logs and fetch responses are lists of chunks, so truncating mid-batch or
/// fetching from mid-batch never copies records. In a compacted batch a chunk may cover
/// offsets that hold no record (possibly none at all): readers skip the gaps.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Chunk {
    pub batch: Arc<RecordBatch>,
    pub start: u32,
    pub end: u32,
}

impl Chunk {
    pub fn whole(batch: Arc<RecordBatch>) -> Chunk {
        let end = batch.span();
        Chunk {
            batch,
            start: 0,
            end,
        }
    }
    pub fn base_offset(&self) -> Offset {
        Offset(self.batch.base_offset.0 + u64::from(self.start))
    }
    pub fn end_offset(&self) -> Offset {
        Offset(self.batch.base_offset.0 + u64::from(self.end))
    }
    /// Offsets covered (records plus compaction gaps).
    pub fn span(&self) -> u32 {
        self.end - self.start
    }
    /// The indexes (in the batch) of the records this chunk holds.
    fn indexes(&self) -> std::ops::Range<u32> {
        self.batch.index_from(self.start)..self.batch.index_from(self.end)
    }
    /// Records held (fewer than [`Chunk::span`] in a compacted batch).
    pub fn len(&self) -> u32 {
        let r = self.indexes();
        r.end - r.start
    }
    /// No record (an empty range, or a range compaction emptied).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn epoch(&self) -> Epoch {
        self.batch.leader_epoch
    }
    /// Approximate wire size of this range, bytes (for fetch size limits).
    pub fn size_bytes(&self) -> u64 {
        let total = u64::from(self.batch.data.size_bytes());
        let n = u64::from(self.batch.len().max(1));
        total * u64::from(self.len()) / n
    }
    /// The largest timestamp of the chunk's records, if it holds any.
    pub fn max_timestamp_ms(&self) -> Option<u64> {
        let r = self.indexes();
        if r.is_empty() {
            None
        } else if r.start == 0 && r.end == self.batch.len() {
            Some(self.batch.max_timestamp_ms())
        } else {
            r.map(|i| self.batch.timestamp_ms(i)).max()
        }
    }
    fn view(&self, i: u32) -> RecordView<'_> {
        let b = &self.batch;
        let d = &b.data;
        RecordView {
            offset: Offset(b.base_offset.0 + u64::from(b.delta(i))),
            key: d.key(i),
            value: d.value(i),
            headers: d.headers(i),
            timestamp_ms: b.timestamp_ms(i),
            leader_epoch: b.leader_epoch,
        }
    }
    /// The record at `offset`, if this chunk holds one there (none in a compaction gap).
    pub fn record(&self, offset: Offset) -> Option<RecordView<'_>> {
        if offset < self.base_offset() || offset >= self.end_offset() {
            return None;
        }
        let delta = (offset.0 - self.batch.base_offset.0) as u32;
        let i = self.batch.index_from(delta);
        (i < self.batch.len() && self.batch.delta(i) == delta).then(|| self.view(i))
    }
    /// The records of this chunk, in offset order.
    pub fn records(&self) -> impl Iterator<Item = RecordView<'_>> {
        self.indexes().map(move |i| self.view(i))
    }
    /// A record-less batch covering the offsets of this chunk, in its epoch: what is left
    /// where the cleaner removed every record, or a read_committed reader skips an aborted
    /// transaction's batch.
    pub fn without_records(&self) -> Chunk {
        Chunk::whole(Arc::new(RecordBatch {
            compacted: Some(Box::new(Compacted {
                span: self.span(),
                deltas: Vec::new(),
                delete_horizon_ms: None,
            })),
            ..RecordBatch::new(self.base_offset(), self.epoch(), None, Arc::default())
        }))
    }
    /// Splits off the part from `from` holding at most `max` records: the piece ends right
    /// after its last record, or at the chunk's end when the chunk has no more records (so a
    /// reader's position moves past a trailing compaction gap). Returns the piece and what
    /// is left of the chunk, if anything. `from` must lie in the chunk.
    pub fn take_records(&self, from: Offset, max: u32) -> (Chunk, Option<Chunk>) {
        let start = (from.0 - self.batch.base_offset.0) as u32;
        let first = self.batch.index_from(start);
        let last = self.batch.index_from(self.end);
        let end = if last - first > max {
            self.batch.delta(first + max)
        } else {
            self.end
        };
        let piece = Chunk {
            batch: self.batch.clone(),
            start,
            end,
        };
        let rest = (end < self.end).then(|| Chunk {
            batch: self.batch.clone(),
            start: end,
            end: self.end,
        });
        (piece, rest)
    }
}

/// A read-only view of one stored record.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RecordView<'a> {
    pub offset: Offset,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [Header],
    pub timestamp_ms: u64,
    pub leader_epoch: Epoch,
}

fn varint_size(value: i32) -> u32 {
    let mut v = ((value << 1) ^ (value >> 31)) as u32;
    let mut bytes = 1;
    while v & 0xffff_ff80 != 0 {
        bytes += 1;
        v >>= 7;
    }
    bytes
}

fn varlong_size(value: i64) -> u32 {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    let mut bytes = 1;
    while v & 0xffff_ffff_ffff_ff80 != 0 {
        bytes += 1;
        v >>= 7;
    }
    bytes
}

/// `DefaultRecord.sizeInBytes`: the record's size inside a v2 batch, bytes.
pub fn record_size_bytes(
    offset_delta: i32,
    timestamp_delta: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
) -> u32 {
    record_size_from_lens(
        offset_delta,
        timestamp_delta,
        key.map(|k| k.len() as u32),
        value.map(|v| v.len() as u32),
        headers,
    )
}

fn record_size_from_lens(
    offset_delta: i32,
    timestamp_delta: i64,
    key_len: Option<u32>,
    value_len: Option<u32>,
    headers: &[Header],
) -> u32 {
    let mut body = 1 + varlong_size(timestamp_delta) + varint_size(offset_delta);
    for len in [key_len, value_len] {
        body += match len {
            None => 1,
            Some(l) => varint_size(l as i32) + l,
        };
    }
    body += varint_size(headers.len() as i32);
    for h in headers {
        let k = h.key.len() as u32;
        body += varint_size(k as i32) + k;
        body += match &h.value {
            None => 1,
            Some(v) => varint_size(v.len() as i32) + v.len() as u32,
        };
    }
    body + varint_size(body as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_sizes_match_kafka() {
        // key "key" (3), value "value" (5), no headers, deltas 0:
        // body = 1 attr + 1 ts + 1 offset + (1+3) + (1+5) + 1 headers = 14; + 1 length varint.
        assert_eq!(
            record_size_bytes(0, 0, Some(b"key"), Some(b"value"), &[]),
            15
        );
        // null key and value take one byte each.
        assert_eq!(record_size_bytes(0, 0, None, None, &[]), 7);
        let v = vec![0u8; 100];
        // Lengths are zigzag varints: 100 -> 200 needs 2 bytes.
        // 1+1+1 + 1 (null key) + (2+100) + 1 = 107; 107 -> 214 -> 2 bytes.
        assert_eq!(record_size_bytes(0, 0, None, Some(&v), &[]), 109);
    }

    #[test]
    fn batch_respects_batch_size() {
        let mut b = BatchData::default();
        let v = vec![7u8; 100];
        let mut n = 0;
        loop {
            let size = b.next_record_size(None, Some(&v), &[], 0);
            if !b.has_room_for(size) {
                break;
            }
            b.push(None, Some(&v), Vec::new(), 0);
            n += 1;
        }
        assert!(b.size_bytes() <= BATCH_SIZE_BYTES);
        assert!(n > 140 && n < 160, "{n}");
        assert_eq!(b.value(3), Some(&v[..]));
        assert_eq!(b.key(3), None);
    }
}
