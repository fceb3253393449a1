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
        grown
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

    /// Frees spare capacity once the batch is closed (it is kept for the whole run).
    /// Frees spare capacity once the batch is closed (it is kept for the whole run).
    /// A batch with room for a full `batch.size` of small records, so filling it never
    /// reallocates (the hot path of a busy producer).
    pub fn with_batch_capacity() -> Self {
        BatchData {
            entries: Vec::with_capacity(64),
            bytes: Vec::with_capacity(BATCH_SIZE_BYTES as usize),
            size_bytes: 0,
        }
    }

    /// Frees spare capacity once the batch is closed (it is kept for the whole run).
    pub fn shrink(&mut self) {
        self.entries.shrink_to_fit();
        self.bytes.shrink_to_fit();
    }
}

/// A batch as appended to a leader's log: offsets and epoch assigned, then never changed.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct RecordBatch {
    pub base_offset: Offset,
    /// The leader epoch the batch was written in (`partitionLeaderEpoch`).
    pub leader_epoch: Epoch,
    /// Set when the topic uses `message.timestamp.type=LogAppendTime`.
    pub log_append_time_ms: Option<u64>,
    pub data: Arc<BatchData>,
}

impl RecordBatch {
    pub fn len(&self) -> u32 {
        self.data.len()
    }
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
    pub fn end_offset(&self) -> Offset {
        Offset(self.base_offset.0 + u64::from(self.len()))
    }
}

/// A contiguous range `[start, end)` of a shared batch (indexes within the batch). Logs and
/// fetch responses are lists of chunks, so truncating mid-batch or fetching from mid-batch
/// never copies records.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Chunk {
    pub batch: Arc<RecordBatch>,
    pub start: u32,
    pub end: u32,
}

impl Chunk {
    pub fn whole(batch: Arc<RecordBatch>) -> Chunk {
        let end = batch.len();
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
    pub fn len(&self) -> u32 {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
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
    /// The record at `offset`, which must lie in this chunk.
    pub fn record(&self, offset: Offset) -> RecordView<'_> {
        let i = (offset.0 - self.batch.base_offset.0) as u32;
        let d = &self.batch.data;
        RecordView {
            offset,
            key: d.key(i),
            value: d.value(i),
            headers: d.headers(i),
            timestamp_ms: self.batch.log_append_time_ms.unwrap_or(d.timestamp_ms(i)),
            leader_epoch: self.batch.leader_epoch,
        }
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
