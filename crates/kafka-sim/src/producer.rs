//! A producer client, as the Java `KafkaProducer` behaves: it learns leaders from METADATA,
//! partitions records (murmur2 / sticky / round robin), packs them into batches of
//! `batch.size` bytes held for up to `linger.ms`, sends one PRODUCE per leader broker, and
//! retries batches that fail with a retriable error (leader moved, broker down) after
//! refreshing metadata, until `delivery.timeout.ms`.
//!
//! Idempotent by default (`enable.idempotence=true` with acks=all): a producer id from
//! InitProducerId, a sequence number per partition on each batch (kept on retries, so the
//! leader answers a resent batch it already has with the original offsets), up to 5 batches
//! in flight per partition with retries put back in sequence order. A batch that fails for
//! good leaves a gap in the sequence: the producer bumps its epoch (`TransactionManager.
//! bumpIdempotentProducerEpoch`, no request), and each partition, once its batches of the old
//! epoch are answered, numbers its next batches from 0 again. Without idempotence: one batch in flight per
//! partition (to keep order on retry), and a resent batch is appended again.
//!
//! Simplification: NotEnoughReplicas fails the batch at once (see README).

use crate::ctx::{Ctx, Timer};
use crate::error::{ErrorKind, KafkaError};
use crate::event::Event;
use crate::ids::{BrokerId, ClientId, Epoch, Offset, ProduceHandle, SimTime, TopicPartition};
use crate::message::{Acks, Message, ProduceResult, TopicMetadata};
use crate::network::NodeId;
use crate::partitioner::{Partitioner, PartitionerKind};
use crate::record::{Header, ProducerIds};
use serde::{Deserialize, Serialize};

mod accumulator;
mod load;
mod txn;
use crate::sorted::SortedMap;
use accumulator::{
    append_to_queue, close_open, reenqueue, sticky_appended, sticky_partition, PartitionQueue,
    ProducerBatch, TopicState,
};
pub use load::Continuous;
use std::collections::VecDeque;
use std::sync::Arc;
pub use txn::{TxnClient, TxnPhase, TRANSACTION_TIMEOUT_MS};

/// `linger.ms` (Kafka 4.0 default).
pub const LINGER_MS: u64 = 5;
/// `request.timeout.ms`.
pub const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// `delivery.timeout.ms`.
pub const DELIVERY_TIMEOUT_MS: u64 = 120_000;
/// `max.block.ms`: how long a send waits for the topic's metadata.
pub const MAX_BLOCK_MS: u64 = 60_000;
/// `retry.backoff.ms` and `retry.backoff.max.ms`.
pub const RETRY_BACKOFF_MS: u64 = 100;
pub const RETRY_BACKOFF_MAX_MS: u64 = 1_000;
/// `max.in.flight.requests.per.connection`.
pub const MAX_IN_FLIGHT_PER_BROKER: usize = 5;
/// `reconnect.backoff.ms` and `reconnect.backoff.max.ms`: after a connection to a broker
/// fails, nothing is sent to it for this long, doubling per failure (no jitter).
pub const RECONNECT_BACKOFF_MS: u64 = 50;
pub const RECONNECT_BACKOFF_MAX_MS: u64 = 1_000;
/// `metadata.max.age.ms`.
pub const METADATA_MAX_AGE_MS: u64 = 300_000;
/// `max.request.size`.
pub const MAX_REQUEST_SIZE_BYTES: u32 = 1_048_576;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum ProducerTimer {
    Linger {
        topic: Arc<str>,
        partition: u32,
        batch_seq: u64,
    },
    Tick,
    Wakeup,
    MetadataRetry,
    /// `metadata.max.age.ms`: refresh even without errors (new partitions, moved leaders).
    MetadataMaxAge {
        refresh: u64,
    },
    RequestTimeout {
        request_id: u64,
    },
}

/// The fate of one record sent with `Command::Produce`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Delivery {
    Pending,
    /// `offset` is `None` for acks=0 (Kafka reports -1).
    Acked {
        tp: TopicPartition,
        offset: Option<Offset>,
    },
    Failed(KafkaError),
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct ProducerStats {
    pub records_sent: u64,
    pub records_acked: u64,
    /// Records whose send failed: in a failed batch, or before they joined one.
    pub records_failed: u64,
    pub batches_retried: u64,
    /// Batches that failed for good (their records count in `records_failed`).
    #[serde(default)]
    pub batches_failed: u64,
}

/// A load generator: `rate_per_s` records per second with cycled keys.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
struct PendingRecord {
    topic: Arc<str>,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<Header>,
    partition: Option<u32>,
    handle: Option<ProduceHandle>,
    since_ms: SimTime,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
struct InFlight {
    broker: BrokerId,
    batches: Vec<(TopicPartition, ProducerBatch)>,
}

/// One record to send.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct NewRecord {
    pub topic: Arc<str>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<Header>,
    pub partition: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Producer {
    pub id: ClientId,
    pub name: Arc<str>,
    pub acks: Acks,
    pub partitioner: Partitioner,
    topics: SortedMap<Arc<str>, TopicState>,
    brokers: Vec<BrokerId>,
    bootstrap_cursor: usize,
    metadata_in_flight: Option<u64>,
    metadata_retry_armed: bool,
    metadata_backoff_ms: u64,
    waiting: VecDeque<PendingRecord>,
    in_flight: SortedMap<u64, InFlight>,
    pub continuous: Option<Continuous>,
    pub stats: ProducerStats,
    /// The error of the last failed send and when it failed: what the application's
    /// callback was last given, so a UI can say why records fail.
    #[serde(default)]
    pub last_error: Option<(SimTime, KafkaError)>,
    pub deliveries: SortedMap<ProduceHandle, Delivery>,
    batch_seq: u64,
    scratch: Vec<u8>,
    metadata_refreshes: u64,
    /// `enable.idempotence` (Kafka's default: true, unless acks is not all).
    #[serde(default)]
    pub idempotent: bool,
    /// `(producer id, epoch)` from InitProducerId.
    #[serde(default)]
    pub producer_id: Option<(u64, u16)>,
    #[serde(default)]
    init_pid_in_flight: Option<u64>,
    /// A batch of the current epoch failed for good: bump the epoch before the next send
    /// (`epochBumpRequired`).
    #[serde(default)]
    pid_reset: bool,
    /// Brokers whose connection failed: `(broker, reconnect at, failures in a row)`. Their
    /// partitions are not drained until then (`NetworkClient.ready`), so a dead leader's
    /// records stay in the accumulator and fill whole batches.
    #[serde(default)]
    disconnected: Vec<(BrokerId, SimTime, u32)>,
    /// A transactional producer's `transactional.id` and transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub txn: Option<Box<TxnClient>>,
}

impl Producer {
    pub fn new(
        id: ClientId,
        name: Arc<str>,
        acks: Acks,
        partitioner: PartitionerKind,
        bootstrap: Vec<BrokerId>,
    ) -> Self {
        Producer {
            id,
            name,
            acks,
            partitioner: Partitioner::new(partitioner),
            topics: SortedMap::new(),
            brokers: bootstrap,
            bootstrap_cursor: 0,
            metadata_in_flight: None,
            metadata_retry_armed: false,
            metadata_backoff_ms: RETRY_BACKOFF_MS,
            waiting: VecDeque::new(),
            in_flight: SortedMap::new(),
            continuous: None,
            stats: ProducerStats::default(),
            last_error: None,
            deliveries: SortedMap::new(),
            batch_seq: 0,
            scratch: Vec::new(),
            metadata_refreshes: 0,
            idempotent: acks == Acks::All,
            producer_id: None,
            init_pid_in_flight: None,
            pid_reset: false,
            disconnected: Vec::new(),
            txn: None,
        }
    }

    fn node(&self) -> NodeId {
        NodeId::Client(self.id)
    }

    fn timer(&self, ctx: &mut Ctx, at: SimTime, timer: ProducerTimer) {
        ctx.timer(
            at,
            Timer::Producer {
                client: self.id,
                timer,
            },
        );
    }

    /// Heap bytes of the accumulator and the batches in flight (for `crate::footprint`).
    pub(crate) fn heap_estimate(&self) -> u64 {
        let queued: u64 = self
            .topics
            .values()
            .flat_map(|t| t.queues.iter())
            .map(|q| {
                // A closed batch: its records, its `Arc<BatchData>` and its queue slot.
                let closed = |b: &ProducerBatch| {
                    b.data.heap_bytes()
                        + (16 + std::mem::size_of::<crate::record::BatchData>()) as u64
                };
                q.open.as_ref().map_or(0, |b| b.data.heap_bytes())
                    + q.ready.iter().map(closed).sum::<u64>()
                    + (q.ready.capacity() * std::mem::size_of::<ProducerBatch>()) as u64
                    + std::mem::size_of::<accumulator::PartitionQueue>() as u64
            })
            .sum();
        let flying: u64 = self
            .in_flight
            .values()
            .flat_map(|f| f.batches.iter())
            .map(|(_, b)| b.data.heap_bytes())
            .sum();
        queued + flying + (self.waiting.len() * 128) as u64
    }

    /// Records waiting in the accumulator or in flight.
    pub fn pending_records(&self) -> u64 {
        let queued: u64 = self
            .topics
            .values()
            .flat_map(|t| t.queues.iter())
            .map(|q| {
                q.open.as_ref().map_or(0, |b| u64::from(b.data.len()))
                    + q.ready.iter().map(|b| u64::from(b.data.len())).sum::<u64>()
            })
            .sum();
        let flying: u64 = self
            .in_flight
            .values()
            .flat_map(|f| f.batches.iter())
            .map(|(_, b)| u64::from(b.data.len()))
            .sum();
        queued + flying + self.waiting.len() as u64
    }

    /// `KafkaProducer.send`: queues one record (waiting for metadata if needed).
    pub fn send(&mut self, record: NewRecord, handle: Option<ProduceHandle>, ctx: &mut Ctx) {
        if let Some(h) = handle {
            self.deliveries.insert(h, Delivery::Pending);
        }
        let pending = PendingRecord {
            topic: record.topic,
            key: record.key,
            value: record.value,
            headers: record.headers,
            partition: record.partition,
            handle,
            since_ms: ctx.now,
        };
        if self.ready_for(&pending) && self.waiting.is_empty() {
            if self.append(pending, ctx) {
                self.drain(ctx);
            }
        } else {
            self.waiting.push_back(pending);
            self.request_metadata(ctx);
        }
    }

    /// Whether the metadata knows the record's topic (and its explicit partition): Kafka's
    /// `waitOnMetadata` otherwise refreshes metadata and waits.
    fn ready_for(&self, r: &PendingRecord) -> bool {
        self.topics
            .get(&r.topic)
            .is_some_and(|t| r.partition.is_none_or(|p| (p as usize) < t.queues.len()))
    }

    /// Partitions and appends a record to the accumulator. Returns true if a batch closed.
    fn append(&mut self, r: PendingRecord, ctx: &mut Ctx) -> bool {
        let ts = self.topics.get_mut(&r.topic).expect("topic known");
        let n = ts.queues.len() as u32;
        let partition = match r.partition {
            Some(p) if p < n => p,
            Some(p) => {
                let e = KafkaError::new(
                    ErrorKind::KafkaException,
                    format!(
                        "Invalid partition given with record: {p} is not in the range [0...{n})."
                    ),
                );
                self.record_failed(1, &e, ctx.now);
                if let Some(h) = r.handle {
                    self.deliveries.insert(h, Delivery::Failed(e));
                }
                return false;
            }
            None => self.partitioner.partition(
                &r.topic,
                r.key.as_deref(),
                None,
                n,
                &ts.available,
                ctx.rng,
            ),
        };
        self.stats.records_sent += 1;
        let sticky = r.partition.is_none()
            && r.key.is_none()
            && self.partitioner.kind == PartitionerKind::Default;
        let (partition, switched) = if sticky {
            sticky_partition(
                &mut self.partitioner,
                &r.topic,
                &mut ts.queues,
                partition,
                None,
                r.value.as_deref(),
                &r.headers,
                &ts.available,
                ctx.rng,
                ctx.now,
            )
        } else {
            (partition, false)
        };
        let (closed, grown) = append_to_queue(
            &mut ts.queues[partition as usize],
            &mut self.batch_seq,
            r.key.as_deref(),
            r.value.as_deref(),
            r.headers,
            r.handle,
            ctx.now,
        );
        let q = &ts.queues[partition as usize];
        let opened = q.open.as_ref().filter(|b| b.data.len() == 1).map(|b| b.seq);
        if sticky {
            // KIP-794 counts the bytes produced to the sticky partition.
            sticky_appended(
                &mut self.partitioner,
                &r.topic,
                q,
                grown,
                n,
                &ts.available,
                ctx.rng,
            );
        }
        let closed = closed || switched;
        if let Some(seq) = opened {
            let topic = r.topic.clone();
            self.timer(
                ctx,
                ctx.now + LINGER_MS,
                ProducerTimer::Linger {
                    topic,
                    partition,
                    batch_seq: seq,
                },
            );
        }
        closed
    }

    // ----- sending ----------------------------------------------------------------------------

    /// Sends every sendable batch: one PRODUCE per leader broker, one batch per partition,
    /// again while batches and in-flight room remain (Kafka's sender loop).
    /// Sends what can be sent; a transactional producer then takes its next step.
    pub fn drain(&mut self, ctx: &mut Ctx) {
        if self.txn_finished() {
            return;
        }
        let mut unadded = Vec::new();
        self.drain_batches(&mut unadded, ctx);
        if self.txn.is_some() {
            self.txn_step(unadded, ctx);
        }
    }

    fn drain_batches(&mut self, unadded: &mut Vec<TopicPartition>, ctx: &mut Ctx) {
        if self.pid_reset {
            self.pid_reset = false;
            // `bumpIdempotentProducerEpoch`: a new epoch of the same id; past the largest
            // epoch (a Java short), a new producer id.
            self.producer_id = self
                .producer_id
                .filter(|p| p.1 < i16::MAX as u16)
                .map(|(id, epoch)| (id, epoch + 1));
        }
        let pid = if self.idempotent {
            if self.producer_id.is_none() && self.txn.is_none() {
                self.maybe_init_producer_id(ctx);
            }
            self.producer_id
        } else {
            None
        };
        // Without a producer id an idempotent producer sends nothing (but still expires).
        let can_send = !self.idempotent || pid.is_some();
        let per_partition = self.max_in_flight_per_partition();
        // A broker whose connection failed gets nothing before its reconnect time, then one
        // request (the reconnection) until it answers.
        let reconnecting: Vec<(BrokerId, SimTime)> =
            self.disconnected.iter().map(|d| (d.0, d.1)).collect();
        loop {
            let mut per_broker: SortedMap<BrokerId, Vec<(TopicPartition, ProducerBatch)>> =
                SortedMap::new();
            let mut flying: SortedMap<BrokerId, usize> = SortedMap::new();
            for f in self.in_flight.values() {
                *flying.entry(f.broker).or_default() += 1;
            }
            let mut need_metadata = false;
            let mut expired = Vec::new();
            for (topic, ts) in self.topics.iter_mut() {
                for (p, q) in ts.queues.iter_mut().enumerate() {
                    if q.in_flight >= per_partition {
                        continue;
                    }
                    // An open batch past its linger is drained (closed) once it is next.
                    let lingered = q
                        .open
                        .as_ref()
                        .is_some_and(|b| ctx.now >= b.created_ms + LINGER_MS);
                    if q.ready.is_empty() && lingered {
                        close_open(q);
                    }
                    if q.ready.is_empty() {
                        continue;
                    }
                    while q
                        .ready
                        .front()
                        .is_some_and(|b| ctx.now >= b.created_ms + DELIVERY_TIMEOUT_MS)
                    {
                        let b = q.ready.pop_front().expect("checked");
                        expired.push((TopicPartition::new(topic.clone(), p as u32), b));
                    }
                    if q.ready.is_empty() || ctx.now < q.retry_at || !can_send {
                        continue;
                    }
                    // A transactional producer sends to a partition once it is in the
                    // transaction (`TransactionManager.maybeAddPartition`).
                    if let Some(t) = self.txn.as_deref() {
                        let tp = TopicPartition::new(topic.clone(), p as u32);
                        if !t.added.contains(&tp) {
                            if t.phase == TxnPhase::Sending && !unadded.contains(&tp) {
                                unadded.push(tp);
                            }
                            continue;
                        }
                    }
                    // A batch sent before goes again only as the first in flight
                    // (`RecordAccumulator.shouldStopDrainBatchesForPartition`), so retries
                    // keep their order.
                    let current = |i: ProducerIds| {
                        pid.is_some_and(|p| (p.0, p.1) == (i.producer_id, i.producer_epoch))
                    };
                    let resent = q.ready.front().is_some_and(|b| b.ids.is_some_and(current));
                    if resent && q.in_flight > 0 {
                        continue;
                    }
                    if let Some((_, epoch)) = pid {
                        if q.sequence_epoch != epoch {
                            // `maybeUpdateProducerIdAndEpoch`: after an epoch bump, once the
                            // old epoch's batches are answered, sequences start again at 0.
                            if q.in_flight > 0 {
                                continue;
                            }
                            q.sequence_epoch = epoch;
                            q.next_sequence = 0;
                        }
                    }
                    let Some(leader) = ts.leaders.get(p).copied().flatten() else {
                        need_metadata = true;
                        continue;
                    };
                    let flying_to = flying.get(&leader).copied().unwrap_or(0);
                    let unready = reconnecting
                        .iter()
                        .any(|(b, at)| *b == leader && (ctx.now < *at || flying_to > 0));
                    if flying_to >= MAX_IN_FLIGHT_PER_BROKER || unready {
                        continue;
                    }
                    let mut b = q.ready.pop_front().expect("checked");
                    if let Some((id, epoch)) = pid {
                        // First send in this epoch: the next sequence numbers.
                        if !b.ids.is_some_and(current) {
                            b.ids = Some(ProducerIds {
                                producer_id: id,
                                producer_epoch: epoch,
                                base_sequence: q.next_sequence,
                            });
                            q.next_sequence += b.data.len();
                        }
                    }
                    q.in_flight += 1;
                    per_broker
                        .entry(leader)
                        .or_default()
                        .push((TopicPartition::new(topic.clone(), p as u32), b));
                }
            }
            for (tp, b) in expired {
                let e = KafkaError::new(
                    ErrorKind::TimeoutException,
                    format!(
                        "Expiring {} record(s) for {tp}:{DELIVERY_TIMEOUT_MS} ms has passed since batch creation",
                        b.data.len()
                    ),
                );
                self.fail_batch(Some(&tp), b, e, ctx);
            }
            if need_metadata {
                self.request_metadata(ctx);
            }
            if per_broker.is_empty() {
                return;
            }
            let mut sent_acks0 = false;
            for (broker, batches) in per_broker {
                let request_id = ctx.id();
                let message = Message::Produce {
                    request_id,
                    acks: self.acks,
                    transactional: self.txn.is_some(),
                    batches: batches
                        .iter()
                        .map(|(tp, b)| (tp.clone(), b.data.clone(), b.ids))
                        .collect(),
                };
                ctx.send(self.node(), NodeId::Broker(broker), message);
                if self.acks == Acks::Zero {
                    for (tp, b) in batches {
                        self.queue_mut(&tp).in_flight -= 1;
                        self.acked(&tp, None, b, Epoch(0), ctx);
                    }
                    sent_acks0 = true;
                } else {
                    self.in_flight
                        .insert(request_id, InFlight { broker, batches });
                    self.timer(
                        ctx,
                        ctx.now + REQUEST_TIMEOUT_MS,
                        ProducerTimer::RequestTimeout { request_id },
                    );
                }
            }
            if !sent_acks0 && !self.idempotent {
                return;
            }
        }
    }

    /// 5 with idempotence (`max.in.flight.requests.per.connection`, which the broker's 5
    /// retained batches allow), 1 without (ordering on retry).
    fn max_in_flight_per_partition(&self) -> u8 {
        if self.idempotent {
            MAX_IN_FLIGHT_PER_BROKER as u8
        } else {
            1
        }
    }

    /// Asks a broker for a producer id, when an idempotent producer needs one and has
    /// nothing in flight.
    fn maybe_init_producer_id(&mut self, ctx: &mut Ctx) {
        if self.init_pid_in_flight.is_some()
            || !self.in_flight.is_empty()
            || self.brokers.is_empty()
        {
            return;
        }
        let broker = self.brokers[self.bootstrap_cursor % self.brokers.len()];
        let request_id = ctx.id();
        self.init_pid_in_flight = Some(request_id);
        ctx.send(
            self.node(),
            NodeId::Broker(broker),
            Message::InitProducerId { request_id },
        );
        self.timer(
            ctx,
            ctx.now + REQUEST_TIMEOUT_MS,
            ProducerTimer::RequestTimeout { request_id },
        );
    }

    fn on_producer_id(&mut self, result: Result<(u64, u16), ErrorKind>, ctx: &mut Ctx) {
        self.init_pid_in_flight = None;
        match result {
            Ok(pid) => {
                self.producer_id = Some(pid);
                for q in self.topics.values_mut().flat_map(|t| t.queues.iter_mut()) {
                    q.next_sequence = 0;
                    q.sequence_epoch = pid.1;
                }
                self.drain(ctx);
            }
            Err(_) => self.timer(ctx, ctx.now + RETRY_BACKOFF_MS, ProducerTimer::Wakeup),
        }
    }

    fn queue_mut(&mut self, tp: &TopicPartition) -> &mut PartitionQueue {
        &mut self.topics.get_mut(&tp.topic).expect("known").queues[tp.partition.0 as usize]
    }

    fn acked(
        &mut self,
        tp: &TopicPartition,
        base: Option<Offset>,
        b: ProducerBatch,
        epoch: Epoch,
        ctx: &mut Ctx,
    ) {
        let n = b.data.len();
        self.stats.records_acked += u64::from(n);
        for (i, h) in &b.handles {
            self.deliveries.insert(
                *h,
                Delivery::Acked {
                    tp: tp.clone(),
                    offset: base.map(|o| Offset(o.0 + u64::from(*i))),
                },
            );
        }
        if let Some(base_offset) = base {
            ctx.emit(Event::ProduceAcked {
                producer: self.name.clone(),
                tp: tp.clone(),
                base_offset,
                count: n,
                epoch,
            });
        }
    }

    /// Counts failed records and keeps their error as the last one.
    fn record_failed(&mut self, records: u64, error: &KafkaError, now: SimTime) {
        self.stats.records_failed += records;
        self.last_error = Some((now, error.clone()));
    }

    fn fail_batch(
        &mut self,
        tp: Option<&TopicPartition>,
        b: ProducerBatch,
        error: KafkaError,
        ctx: &mut Ctx,
    ) {
        let n = b.data.len();
        self.stats.batches_failed += 1;
        // Its sequence numbers will never be written: the next batches would be out of order
        // (a batch of an older epoch needs no new bump: `TransactionManager.isStaleBatch`).
        // A transactional producer does not bump its epoch: its transaction must abort.
        self.pid_reset |= self.txn.is_none()
            && b.ids
                .is_some_and(|i| self.producer_id == Some((i.producer_id, i.producer_epoch)));
        self.txn_batch_failed(error.kind);
        self.record_failed(u64::from(n), &error, ctx.now);
        ctx.emit(Event::ProduceFailed {
            producer: self.name.clone(),
            tp: tp.cloned(),
            count: n,
            error: error.kind,
        });
        for (_, h) in &b.handles {
            self.deliveries.insert(*h, Delivery::Failed(error.clone()));
        }
    }

    fn on_produce_result(
        &mut self,
        request_id: u64,
        results: Vec<(TopicPartition, ProduceResult)>,
        current_leaders: Vec<(TopicPartition, BrokerId, Epoch)>,
        ctx: &mut Ctx,
    ) {
        let Some(inf) = self.in_flight.remove(&request_id) else {
            return;
        };
        let mut hinted = false;
        for (tp, leader, epoch) in current_leaders {
            hinted |= self.learn_leader(&tp, leader, epoch);
        }
        for (tp, mut b) in inf.batches {
            self.queue_mut(&tp).in_flight -= 1;
            let result = results
                .iter()
                .find(|(t, _)| *t == tp)
                .map(|(_, r)| *r)
                .unwrap_or(Err(ErrorKind::NetworkException));
            let retriable = |e: ErrorKind| {
                e.is_retriable_for_producer()
                    // An earlier batch is still unresolved, or the id is being replaced:
                    // the gap is not (yet) this batch's fault (`TransactionManager.canRetry`).
                    || (e == ErrorKind::OutOfOrderSequenceException
                        && (self.pid_reset
                            || self.stale(&b)
                            || self.earlier_unresolved(&tp, &b)))
            };
            match result {
                Ok((base, epoch)) => self.acked(&tp, Some(base), b, epoch, ctx),
                Err(e) if retriable(e) && ctx.now < b.created_ms + DELIVERY_TIMEOUT_MS => {
                    b.attempts += 1;
                    self.stats.batches_retried += 1;
                    ctx.emit(Event::ProduceRetried {
                        producer: self.name.clone(),
                        tp: tp.clone(),
                        count: b.data.len(),
                        error: e,
                        attempt: b.attempts,
                    });
                    // Exponential backoff (Kafka 3.7+: retry.backoff.ms doubling up to
                    // retry.backoff.max.ms; Kafka's 20% jitter is left out), skipped when the
                    // partition has another leader than the one that failed (KIP-951,
                    // `RecordAccumulator.shouldBackoff`).
                    let moved = self
                        .topics
                        .get(&tp.topic)
                        .and_then(|t| t.leaders.get(tp.partition.0 as usize).copied().flatten())
                        .is_some_and(|l| l != inf.broker);
                    let backoff = if moved {
                        0
                    } else {
                        (RETRY_BACKOFF_MS << (b.attempts - 1).min(8)).min(RETRY_BACKOFF_MAX_MS)
                    };
                    let at = ctx.now + backoff;
                    let q = self.queue_mut(&tp);
                    reenqueue(q, b);
                    q.retry_at = at;
                    if backoff > 0 {
                        self.timer(ctx, at, ProducerTimer::Wakeup);
                    }
                    if !hinted {
                        self.request_metadata(ctx);
                    }
                }
                Err(e) => self.fail_batch(Some(&tp), b, KafkaError::of(e), ctx),
            }
        }
        self.drain(ctx);
    }

    /// KIP-951: takes the leader a produce error named if its epoch is newer than the one
    /// known (`Metadata.updatePartitionLeadership`). Returns whether it did.
    fn learn_leader(&mut self, tp: &TopicPartition, leader: BrokerId, epoch: Epoch) -> bool {
        let Some(ts) = self.topics.get_mut(&tp.topic) else {
            return false;
        };
        let p = tp.partition.0 as usize;
        if p >= ts.leaders.len() || ts.leader_epochs.get(p).is_some_and(|e| *e >= epoch) {
            return false;
        }
        ts.leader_epochs.resize(ts.leaders.len(), Epoch(0));
        ts.leader_epochs[p] = epoch;
        ts.leaders[p] = Some(leader);
        // Kept sorted by inserting in place (a sort here would cost the bundle its own copy
        // of the standard sort).
        if let Err(at) = ts.available.binary_search(&(p as u32)) {
            ts.available.insert(at, p as u32);
        }
        true
    }

    /// Whether the batch was numbered in an older epoch (it is numbered again when resent).
    fn stale(&self, b: &ProducerBatch) -> bool {
        b.ids
            .is_some_and(|i| self.producer_id != Some((i.producer_id, i.producer_epoch)))
    }

    /// Whether a batch of `tp` with a lower sequence in the same epoch is still waiting or
    /// in flight.
    fn earlier_unresolved(&self, tp: &TopicPartition, b: &ProducerBatch) -> bool {
        let Some(ids) = b.ids else {
            return false;
        };
        let earlier = |x: &ProducerBatch| {
            x.ids.is_some_and(|i| {
                (i.producer_id, i.producer_epoch) == (ids.producer_id, ids.producer_epoch)
                    && i.base_sequence < ids.base_sequence
            })
        };
        let waiting = self
            .topics
            .get(&tp.topic)
            .and_then(|t| t.queues.get(tp.partition.0 as usize))
            .is_some_and(|q| q.ready.iter().any(earlier));
        waiting
            || self
                .in_flight
                .values()
                .flat_map(|f| f.batches.iter())
                .any(|(t, x)| t == tp && earlier(x))
    }

    // ----- metadata -----------------------------------------------------------------------

    fn request_metadata(&mut self, ctx: &mut Ctx) {
        if self.metadata_in_flight.is_some() || self.metadata_retry_armed || self.brokers.is_empty()
        {
            return;
        }
        let mut topics: Vec<Arc<str>> = self.topics.keys().cloned().collect();
        for w in &self.waiting {
            if !topics.contains(&w.topic) {
                topics.push(w.topic.clone());
            }
        }
        if let Some(c) = &self.continuous {
            if !topics.contains(&c.topic) {
                topics.push(c.topic.clone());
            }
        }
        let broker = self.brokers[self.bootstrap_cursor % self.brokers.len()];
        let request_id = ctx.id();
        self.metadata_in_flight = Some(request_id);
        ctx.send(
            self.node(),
            NodeId::Broker(broker),
            Message::MetadataRequest { request_id, topics },
        );
        self.timer(
            ctx,
            ctx.now + REQUEST_TIMEOUT_MS,
            ProducerTimer::RequestTimeout { request_id },
        );
    }

    fn schedule_metadata_retry(&mut self, ctx: &mut Ctx) {
        if self.metadata_retry_armed {
            return;
        }
        self.metadata_retry_armed = true;
        self.timer(
            ctx,
            ctx.now + self.metadata_backoff_ms,
            ProducerTimer::MetadataRetry,
        );
        self.metadata_backoff_ms = (self.metadata_backoff_ms * 2).min(RETRY_BACKOFF_MAX_MS);
    }

    fn on_metadata(&mut self, brokers: Vec<BrokerId>, topics: Vec<TopicMetadata>, ctx: &mut Ctx) {
        self.metadata_in_flight = None;
        self.metadata_refreshes += 1;
        let refresh = self.metadata_refreshes;
        self.timer(
            ctx,
            ctx.now + METADATA_MAX_AGE_MS,
            ProducerTimer::MetadataMaxAge { refresh },
        );
        if !brokers.is_empty() {
            // Keep asking the broker that answered.
            let current = self.brokers[self.bootstrap_cursor % self.brokers.len()];
            self.brokers = brokers;
            self.bootstrap_cursor = self.brokers.iter().position(|b| *b == current).unwrap_or(0);
        }
        for t in topics {
            if t.error.is_some() {
                continue;
            }
            let ts = self.topics.entry(t.topic.clone()).or_default();
            if ts.topic_id != t.topic_id {
                // Another topic of that name (the old one was deleted): its leader epochs
                // start again, so the old topic's say nothing (`Metadata.updateLatestMetadata`
                // takes the new epoch when the topic id changed, KAFKA-12257).
                ts.leader_epochs.clear();
                ts.topic_id = t.topic_id.clone();
            }
            if ts.queues.len() < t.leaders.len() {
                ts.queues
                    .resize_with(t.leaders.len(), PartitionQueue::default);
            }
            let mut leaders = t.leaders;
            let mut epochs = t.leader_epochs;
            epochs.resize(leaders.len(), Epoch(0));
            // `Metadata.updateLatestMetadata`: a partition's leader from an older leader
            // epoch than the one known (from a KIP-951 answer) is not taken.
            for (p, known) in ts.leader_epochs.iter().enumerate().take(leaders.len()) {
                if *known > epochs[p] {
                    epochs[p] = *known;
                    leaders[p] = ts.leaders.get(p).copied().flatten();
                }
            }
            ts.available = leaders
                .iter()
                .enumerate()
                .filter(|(_, l)| l.is_some())
                .map(|(i, _)| i as u32)
                .collect();
            ts.leaders = leaders;
            ts.leader_epochs = epochs;
        }
        let mut closed = false;
        let mut still_waiting = VecDeque::new();
        while let Some(w) = self.waiting.pop_front() {
            if self.ready_for(&w) && still_waiting.is_empty() {
                closed |= self.append(w, ctx);
            } else if ctx.now >= w.since_ms + MAX_BLOCK_MS {
                let e = match (self.topics.get(&w.topic), w.partition) {
                    (Some(t), Some(p)) => KafkaError::new(
                        ErrorKind::KafkaException,
                        format!(
                            "Invalid partition given with record: {p} is not in the range [0...{}).",
                            t.queues.len()
                        ),
                    ),
                    _ => KafkaError::new(
                        ErrorKind::TimeoutException,
                        format!(
                            "Topic {} not present in metadata after {MAX_BLOCK_MS} ms.",
                            w.topic
                        ),
                    ),
                };
                self.record_failed(1, &e, ctx.now);
                ctx.emit(Event::ProduceFailed {
                    producer: self.name.clone(),
                    tp: None,
                    count: 1,
                    error: e.kind,
                });
                if let Some(h) = w.handle {
                    self.deliveries.insert(h, Delivery::Failed(e));
                }
            } else {
                still_waiting.push_back(w);
            }
        }
        self.waiting = still_waiting;
        let leaderless = self.topics.values().any(|t| {
            t.queues.iter().enumerate().any(|(p, q)| {
                (q.open.is_some() || !q.ready.is_empty())
                    && t.leaders.get(p).is_none_or(|l| l.is_none())
            })
        });
        let _ = closed;
        if !self.waiting.is_empty() || leaderless {
            self.schedule_metadata_retry(ctx);
        } else {
            self.metadata_backoff_ms = RETRY_BACKOFF_MS;
        }
        self.drain(ctx);
    }

    // ----- dispatch -------------------------------------------------------------------------

    pub fn handle(&mut self, from: NodeId, message: Message, ctx: &mut Ctx) {
        match message {
            Message::MetadataResponse {
                request_id,
                brokers,
                topics,
            } if self.metadata_in_flight == Some(request_id) => {
                self.on_metadata(brokers, topics, ctx)
            }
            Message::ProduceResponse {
                request_id,
                results,
                current_leaders,
            } => {
                // An answer: the connection works.
                self.disconnected.retain(|d| NodeId::Broker(d.0) != from);
                self.on_produce_result(request_id, results, current_leaders, ctx)
            }
            Message::InitProducerIdResponse { request_id, result }
                if self.init_pid_in_flight == Some(request_id) =>
            {
                self.on_producer_id(result, ctx)
            }
            Message::TxnResponse { request_id, result } => {
                self.on_txn_response(request_id, result, ctx)
            }
            Message::Disconnected { request_id } => self.on_request_failed(request_id, ctx),
            _ => {}
        }
    }

    fn on_request_failed(&mut self, request_id: u64, ctx: &mut Ctx) {
        if self.txn_request_failed(request_id, ctx) {
            return;
        }
        if self.metadata_in_flight == Some(request_id) {
            self.metadata_in_flight = None;
            self.bootstrap_cursor += 1;
            self.schedule_metadata_retry(ctx);
        } else if self.init_pid_in_flight == Some(request_id) {
            self.bootstrap_cursor += 1;
            self.on_producer_id(Err(ErrorKind::NetworkException), ctx);
        } else if let Some(inf) = self.in_flight.get(&request_id) {
            // `NetworkClient`: the connection is closed; reconnect after a backoff.
            let broker = inf.broker;
            let failures = match self.disconnected.iter_mut().find(|d| d.0 == broker) {
                Some(d) => {
                    d.2 += 1;
                    d.2
                }
                None => {
                    self.disconnected.push((broker, 0, 1));
                    1
                }
            };
            let at = ctx.now
                + (RECONNECT_BACKOFF_MS << (failures - 1).min(8)).min(RECONNECT_BACKOFF_MAX_MS);
            if let Some(d) = self.disconnected.iter_mut().find(|d| d.0 == broker) {
                d.1 = at;
            }
            self.timer(ctx, at, ProducerTimer::Wakeup);
            let inf = &self.in_flight[&request_id];
            let results = inf
                .batches
                .iter()
                .map(|(tp, _)| (tp.clone(), Err(ErrorKind::NetworkException)))
                .collect();
            self.on_produce_result(request_id, results, Vec::new(), ctx);
        }
    }

    pub fn on_timer(&mut self, timer: ProducerTimer, ctx: &mut Ctx) {
        match timer {
            ProducerTimer::Linger {
                topic,
                partition,
                batch_seq,
            } => {
                let limit = self.max_in_flight_per_partition();
                let Some(ts) = self.topics.get_mut(&topic) else {
                    return;
                };
                let Some(q) = ts.queues.get_mut(partition as usize) else {
                    return;
                };
                // `linger.ms` makes the batch sendable, but as in Kafka's accumulator it keeps
                // taking records until the sender drains it: while the partition waits for
                // an earlier batch, it fills up instead of queueing one small batch per linger.
                if q.open.as_ref().is_some_and(|b| b.seq == batch_seq)
                    && q.in_flight < limit
                    && q.ready.is_empty()
                {
                    close_open(q);
                    self.drain(ctx);
                }
            }
            ProducerTimer::Tick => self.tick(ctx),
            ProducerTimer::MetadataMaxAge { refresh } => {
                // Only if no other refresh happened since this timer was set.
                if refresh == self.metadata_refreshes {
                    self.request_metadata(ctx);
                }
            }
            ProducerTimer::Wakeup => self.drain(ctx),
            ProducerTimer::MetadataRetry => {
                self.metadata_retry_armed = false;
                self.request_metadata(ctx);
            }
            ProducerTimer::RequestTimeout { request_id } => self.on_request_failed(request_id, ctx),
        }
    }
}
