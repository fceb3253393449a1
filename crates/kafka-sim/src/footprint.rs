//! Where the engine's memory goes: an estimate of the heap bytes each structure holds, for the
//! memory measuring tool (`examples/memory.rs`) and for tests that a long run stays flat.
//!
//! Record batches are shared (`Arc`) by every replica, fetch response and consumer buffer that
//! holds them, so each batch is counted once, under the first holder met in this order: logs
//! (per topic), then messages in flight, consumer buffers, producer accumulators. The figures
//! are estimates (collections by capacity times element size, B-tree maps by length times
//! entry size plus a third for nodes); the measuring tool compares their sum with a counting
//! allocator's exact total.

use crate::engine::Engine;
use crate::ids::{Offset, TopicPartition};
use crate::message::{FetchResult, Message};
use crate::record::{Chunk, RecordBatch};
use crate::sorted::{SortedMap, SortedSet};
use std::mem::size_of;
use std::sync::Arc;

/// Estimated heap bytes per structure, by name (`log records: <topic>`, `events`, ...).
pub type Footprint = SortedMap<String, u64>;

/// Heap bytes of a B-tree map of `len` entries of `entry` bytes (nodes are about 2/3 full).
fn btree_bytes(len: usize, entry: usize) -> u64 {
    (len * entry * 3 / 2) as u64
}

/// Counts each shared batch once.
#[derive(Default)]
struct Batches {
    seen: SortedSet<usize>,
}

impl Batches {
    /// Bytes of `batch` if not counted yet: the `RecordBatch`, its `BatchData` and records.
    fn bytes(&mut self, batch: &Arc<RecordBatch>) -> u64 {
        if !self.seen.insert(Arc::as_ptr(batch) as usize) {
            return 0;
        }
        // Arc header (two counters) + value, for the batch and for its data.
        let arcs = 2 * 16 + size_of::<RecordBatch>() + size_of::<crate::record::BatchData>();
        arcs as u64 + batch.data.heap_bytes()
    }

    /// Bytes of the batches behind `chunks` not counted yet, plus the chunks themselves
    /// unless they live in a collection counted elsewhere (`own`).
    fn chunks<'a>(&mut self, chunks: impl IntoIterator<Item = &'a Chunk>, own: bool) -> u64 {
        let mut n = 0;
        let mut bytes = 0;
        for c in chunks {
            bytes += self.bytes(&c.batch);
            n += 1;
        }
        bytes
            + if own {
                (n * size_of::<Chunk>()) as u64
            } else {
                0
            }
    }
}

impl Engine {
    /// Records and batches the leaders of `topic` retain (each batch is shared by the
    /// replicas holding it): what the log's memory should be proportional to.
    pub fn retained(&self, topic: &str) -> (u64, u64) {
        let (mut records, mut batches) = (0, 0);
        for b in self.brokers.values() {
            for (tp, r) in &b.replicas {
                if &*tp.topic == topic && r.leader_state().is_some() {
                    for c in r.log.chunks() {
                        records += u64::from(c.len());
                        batches += 1;
                    }
                }
            }
        }
        (records, batches)
    }

    /// Estimated heap bytes per structure (see the module documentation).
    pub fn footprint(&self) -> Footprint {
        let mut f = Footprint::new();
        let mut add = |name: String, bytes: u64| *f.entry(name).or_default() += bytes;
        let mut batches = Batches::default();
        for b in self.brokers.values() {
            for (tp, r) in &b.replicas {
                let log = &r.log;
                let bytes = batches.chunks(log.chunks(), false) + log.index_heap_bytes();
                add(format!("log records: {}", tp.topic), bytes);
                let state = r.leader_state().map_or(0, |s| {
                    btree_bytes(s.followers.len(), 64) + (s.waiting.capacity() * 40) as u64
                });
                add(
                    "replicas (structs, leader state)".into(),
                    (size_of::<TopicPartition>() + size_of::<crate::replica::Replica>()) as u64 * 3
                        / 2
                        + state,
                );
            }
            let groups: u64 = b
                .groups
                .values()
                .map(|g| {
                    btree_bytes(g.offsets.len(), size_of::<(TopicPartition, Offset)>())
                        + btree_bytes(g.members.len(), size_of::<crate::group::Member>() + 256)
                })
                .sum();
            add("groups on coordinators".into(), groups);
            add(
                "broker requests waiting (delayed, parked)".into(),
                btree_bytes(b.delayed.len(), 128)
                    + btree_bytes(b.parked.len() + b.parked_clients.len(), 64),
            );
        }
        let mut in_flight = 0;
        for env in self.network.in_flight.values() {
            in_flight += size_of::<crate::network::Envelope>() as u64 * 3 / 2;
            match &env.message {
                Message::FetchResponse { partitions, .. } => {
                    for (_, r) in partitions {
                        if let FetchResult::Records { chunks, .. } = r {
                            in_flight += batches.chunks(chunks, true);
                        }
                    }
                    in_flight += (partitions.len() * 64) as u64;
                }
                Message::Fetch { partitions, .. } => in_flight += (partitions.len() * 48) as u64,
                Message::Produce { batches: b, .. } => {
                    in_flight += b.iter().map(|(_, d, _)| d.heap_bytes() + 64).sum::<u64>()
                }
                _ => {}
            }
        }
        add("network in flight".into(), in_flight);
        let consumers: u64 = self
            .consumers
            .values()
            .map(|c| {
                batches.chunks(c.buffered_chunks(), true)
                    + btree_bytes(
                        c.positions.len() + c.committed.len() + c.assignment.len(),
                        size_of::<(TopicPartition, Offset)>(),
                    )
                    + size_of::<crate::consumer::Consumer>() as u64
            })
            .sum();
        add("consumers".into(), consumers);
        let producers: u64 = self
            .producers
            .values()
            .map(|p| {
                p.heap_estimate()
                    + btree_bytes(p.deliveries.len(), 64)
                    + size_of::<crate::producer::Producer>() as u64
            })
            .sum();
        add("producers (accumulators, deliveries)".into(), producers);
        add("acked-record ledger".into(), self.ledger.heap_bytes());
        let deliveries: u64 = self
            .group_deliveries
            .values()
            .map(|d| btree_bytes(d.next.len(), size_of::<(TopicPartition, Offset)>()) + 64)
            .sum();
        add("group deliveries".into(), deliveries);
        add(
            "events (until taken)".into(),
            (self.events.capacity() * size_of::<crate::event::TimedEvent>()) as u64,
        );
        add(
            "event queue (timers, deliveries)".into(),
            self.queue_bytes(),
        );
        f
    }
}
