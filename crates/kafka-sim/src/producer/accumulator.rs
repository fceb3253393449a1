//! The record accumulator: per partition an open batch filling up to `batch.size`, and the
//! closed batches waiting to be sent (or re-sent after a retriable error).

use crate::ids::{BrokerId, Epoch, ProduceHandle, SimTime};
use crate::record::{BatchData, Header, ProducerIds};
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
    /// The idempotent producer's next sequence number for this partition.
    #[serde(default)]
    pub(super) next_sequence: u32,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub(super) struct TopicState {
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
/// Returns true if a batch was closed (so there is something to send).
pub(super) fn append_to_queue(
    q: &mut PartitionQueue,
    batch_seq: &mut u64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: Vec<Header>,
    handle: Option<ProduceHandle>,
    now: SimTime,
) -> bool {
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
    open.data.push(key, value, headers, now);
    if let Some(h) = handle {
        open.handles.push((index, h));
    }
    closed
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
