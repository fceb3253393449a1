//! The record accumulator: per partition an open batch filling up to `batch.size`, and the
//! closed batches waiting to be sent (or re-sent after a retriable error).

use crate::ids::{BrokerId, Epoch, ProduceHandle, SimTime};
use crate::partitioner::Partitioner;
use crate::record::{BatchData, Header, ProducerIds, BATCH_SIZE_BYTES};
use crate::rng::SplitMix64;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(super) struct OpenBatch {
    pub(super) data: BatchData,
    pub(super) created_ms: SimTime,
    pub(super) seq: u64,
    pub(super) handles: Vec<(u32, ProduceHandle)>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(super) struct ProducerBatch {
    pub(super) data: Arc<BatchData>,
    pub(super) created_ms: SimTime,
    pub(super) attempts: u32,
    pub(super) handles: Vec<(u32, ProduceHandle)>,
    /// Set when an idempotent producer first sends the batch; kept on retries.
    #[serde(default)]
    pub(super) ids: Option<ProducerIds>,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub(super) struct PartitionQueue {
    pub(super) open: Option<OpenBatch>,
    pub(super) ready: VecDeque<ProducerBatch>,
    /// Batches of this partition in flight: at most 1 without idempotence, 5 with it.
    pub(super) in_flight: u8,
    pub(super) retry_at: SimTime,
    /// The idempotent producer's next sequence number for this partition, and the producer
    /// epoch it counts in.
    #[serde(default)]
    pub(super) next_sequence: u32,
    #[serde(default)]
    pub(super) sequence_epoch: u16,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub(super) struct TopicState {
    /// The topic id the metadata named (empty before the first answer).
    #[serde(default)]
    pub(super) topic_id: String,
    pub(super) leaders: Vec<Option<BrokerId>>,
    /// The leader epoch each leader was learnt with.
    #[serde(default)]
    pub(super) leader_epochs: Vec<Epoch>,
    pub(super) available: Vec<u32>,
    pub(super) queues: Vec<PartitionQueue>,
}

pub(super) fn close_open(q: &mut PartitionQueue) {
    if let Some(mut b) = q.open.take() {
        b.data.shrink();
        q.ready.push_back(ProducerBatch {
            data: Arc::new(b.data),
            created_ms: b.created_ms,
            attempts: 0,
            handles: b.handles,
            ids: None,
        });
    }
}

/// Appends to the partition's open batch, closing it first when the record does not fit.
/// Returns true if a batch was closed (so there is something to send), and the bytes the
/// open batch grew by.
pub(super) fn append_to_queue(
    q: &mut PartitionQueue,
    batch_seq: &mut u64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: Vec<Header>,
    handle: Option<ProduceHandle>,
    now: SimTime,
) -> (bool, u32) {
    let mut closed = false;
    if let Some(open) = &q.open {
        let size = open.data.next_record_size(key, value, &headers, now);
        if !open.data.has_room_for(size) {
            close_open(q);
            closed = true;
        }
    }
    let open = q.open.get_or_insert_with(|| {
        *batch_seq += 1;
        OpenBatch {
            data: BatchData::default(),
            created_ms: now,
            seq: *batch_seq,
            handles: Vec::new(),
        }
    });
    let index = open.data.len();
    let grown = open.data.push(key, value, headers, now);
    if let Some(h) = handle {
        open.handles.push((index, h));
    }
    (closed, grown)
}

/// The sticky partition a keyless record goes to. Kafka switches at a batch boundary
/// (`RecordAccumulator.partitionChanged`): when the partition has no open batch, or the record
/// does not fit it, a switch `batch.size` bytes made due but deferred happens now, before the
/// append, and the full batch is closed. Returns the partition and whether a batch closed.
#[allow(clippy::too_many_arguments)]
pub(super) fn sticky_partition(
    partitioner: &mut Partitioner,
    topic: &Arc<str>,
    queues: &mut [PartitionQueue],
    chosen: u32,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[Header],
    available: &[u32],
    rng: &mut SplitMix64,
    now: SimTime,
) -> (u32, bool) {
    let n = queues.len() as u32;
    let q = &mut queues[chosen as usize];
    let boundary = q.open.as_ref().is_none_or(|b| {
        !b.data
            .has_room_for(b.data.next_record_size(key, value, headers, now))
    });
    if !boundary || !partitioner.sticky_appended(topic, 0, true, n, available, rng) {
        return (chosen, false);
    }
    let closed = q.open.is_some();
    close_open(q);
    let p = partitioner.sticky_partition(topic).unwrap_or(chosen);
    (p, closed)
}

/// After a keyless record's append: counts its bytes for the sticky partitioner, which may
/// switch now only if the batch it went to is full (`MemoryRecordsBuilder.isFull`).
pub(super) fn sticky_appended(
    partitioner: &mut Partitioner,
    topic: &Arc<str>,
    q: &PartitionQueue,
    grown: u32,
    n: u32,
    available: &[u32],
    rng: &mut SplitMix64,
) {
    let full = q
        .open
        .as_ref()
        .is_none_or(|b| b.data.size_bytes() >= BATCH_SIZE_BYTES);
    partitioner.sticky_appended(topic, u64::from(grown), full, n, available, rng);
}

/// Puts a batch back for a retry: an idempotent producer's in sequence order among the other
/// batches waiting (`RecordAccumulator.insertInSequenceOrder`), otherwise first.
pub(super) fn reenqueue(q: &mut PartitionQueue, b: ProducerBatch) {
    let at = match b.ids {
        Some(ids) => q
            .ready
            .iter()
            .position(|x| x.ids.is_none_or(|i| i.base_sequence > ids.base_sequence))
            .unwrap_or(q.ready.len()),
        None => 0,
    };
    q.ready.insert(at, b);
}
