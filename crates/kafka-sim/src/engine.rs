//! The discrete-event engine: one queue of timed items (message deliveries and timers),
//! processed in `(time, sequence)` order, so a run is a pure function of its seed and its
//! timed commands. It owns the nodes (controller, brokers, producers), the network, the RNG
//! and the event log, and keeps the ledger of acknowledged records that makes any loss of an
//! acked record visible.

use crate::broker::Broker;
use crate::command::{Command, Outcome};
use crate::controller::Controller;
use crate::ctx::{Ctx, Outbox, Timer};
use crate::error::{ErrorKind, KafkaError};
use crate::event::{Event, TimedEvent};
use crate::ids::{
    BrokerId, ClientId, EnvelopeId, Epoch, Offset, ProduceHandle, SimTime, TopicPartition,
};
use crate::message::{Acks, Message};
use crate::network::{Network, NodeId, DEFAULT_LATENCY_MS};
use crate::partitioner::PartitionerKind;
use crate::producer::{Delivery, NewRecord, Producer, MAX_REQUEST_SIZE_BYTES};
use crate::record::{record_size_bytes, BATCH_HEADER_BYTES};
use crate::rng::SplitMix64;
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;

/// The simulator's cap on brokers (bounds memory on absurd input).
pub const MAX_BROKERS: u32 = 64;
/// The simulator's cap on a continuous producer's rate, records/s.
pub const MAX_RATE_PER_S: u64 = 10_000_000;
/// The simulator's cap on a generated value size, bytes.
pub const MAX_VALUE_BYTES: u32 = 1_000_000;

/// How to build an engine.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct EngineConfig {
    pub seed: u64,
    /// Brokers numbered `1..=brokers`.
    pub brokers: u32,
    /// One-way latency of every link, ms.
    pub latency_ms: u64,
    /// Keep events for [`Engine::events`] (turn off for long benchmark runs).
    pub record_events: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            seed: 0,
            brokers: 3,
            latency_ms: DEFAULT_LATENCY_MS,
            record_events: true,
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
enum Item {
    Deliver(EnvelopeId),
    Timer(Timer),
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
struct Scheduled {
    at: SimTime,
    seq: u64,
    item: Item,
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Offsets `[start, end)` acknowledged to a producer, written in `epoch`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AckedRange {
    pub start: Offset,
    pub end: Offset,
    pub epoch: Epoch,
}

/// The whole simulated world. `Clone` and serializable: a snapshot is a value.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Engine {
    config: EngineConfig,
    now: SimTime,
    rng: SplitMix64,
    next_id: u64,
    seq: u64,
    queue: BinaryHeap<Reverse<Scheduled>>,
    pub(crate) network: Network,
    pub(crate) controller: Controller,
    pub(crate) brokers: BTreeMap<BrokerId, Broker>,
    pub(crate) producers: BTreeMap<ClientId, Producer>,
    producer_names: BTreeMap<String, ClientId>,
    /// Client ids are shared by every kind of network client (producers now, consumers later).
    next_client: u32,
    handle_owner: BTreeMap<ProduceHandle, ClientId>,
    next_handle: u64,
    /// Acked offsets per partition (the ledger that makes loss visible).
    #[serde(with = "crate::ids::map_as_pairs")]
    ledger: BTreeMap<TopicPartition, Vec<AckedRange>>,
    #[serde(with = "crate::ids::map_as_pairs")]
    lost_records: BTreeMap<TopicPartition, u64>,
    events: Vec<TimedEvent>,
    outbox: Outbox,
}

impl Engine {
    pub fn new(config: EngineConfig) -> Engine {
        let n = config.brokers.clamp(1, MAX_BROKERS);
        let ids: Vec<BrokerId> = (1..=n).map(BrokerId).collect();
        let controller = Controller::new(&ids);
        let brokers = ids
            .iter()
            .map(|&b| (b, Broker::new(b, controller.broker_epoch(b))))
            .collect();
        let mut e = Engine {
            rng: SplitMix64::new(config.seed),
            network: Network::new(config.latency_ms),
            config,
            now: 0,
            next_id: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            controller,
            brokers,
            producers: BTreeMap::new(),
            producer_names: BTreeMap::new(),
            next_client: 0,
            handle_owner: BTreeMap::new(),
            next_handle: 0,
            ledger: BTreeMap::new(),
            lost_records: BTreeMap::new(),
            events: Vec::new(),
            outbox: Outbox::default(),
        };
        let mut out = std::mem::take(&mut e.outbox);
        {
            let mut ctx = Ctx {
                now: 0,
                out: &mut out,
                rng: &mut e.rng,
                next_id: &mut e.next_id,
            };
            e.controller.start(&mut ctx);
            for b in e.brokers.values_mut() {
                b.start(&mut ctx);
            }
        }
        e.flush(&mut out);
        e.outbox = out;
        e
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Simulated time now, ms.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Time of the next scheduled item.
    pub fn next_time(&self) -> Option<SimTime> {
        self.queue.peek().map(|s| s.0.at)
    }

    /// Processes the next scheduled item (a delivery or a timer). Returns its time.
    pub fn step(&mut self) -> Option<SimTime> {
        let Reverse(s) = self.queue.pop()?;
        self.now = self.now.max(s.at);
        let mut out = std::mem::take(&mut self.outbox);
        match s.item {
            Item::Deliver(id) => self.deliver(id, &mut out),
            Item::Timer(t) => self.fire(t, &mut out),
        }
        self.flush(&mut out);
        self.outbox = out;
        Some(self.now)
    }

    /// Processes everything scheduled up to and including `t`, then sets the clock to `t`.
    pub fn advance_to(&mut self, t: SimTime) {
        while self.queue.peek().is_some_and(|s| s.0.at <= t) {
            self.step();
        }
        self.now = self.now.max(t);
    }

    fn schedule(&mut self, at: SimTime, item: Item) {
        self.seq += 1;
        self.queue.push(Reverse(Scheduled {
            at,
            seq: self.seq,
            item,
        }));
    }

    fn deliver(&mut self, id: EnvelopeId, out: &mut Outbox) {
        let Some(env) = self.network.in_flight.remove(&id) else {
            return;
        };
        if !self.network.connected(env.from, env.to) {
            return;
        }
        let mut ctx = Ctx {
            now: self.now,
            out,
            rng: &mut self.rng,
            next_id: &mut self.next_id,
        };
        match env.to {
            NodeId::Controller => self.controller.handle(env.from, env.message, &mut ctx),
            NodeId::Broker(b) => {
                let Some(broker) = self.brokers.get_mut(&b) else {
                    return;
                };
                if broker.alive {
                    broker.handle(env.from, env.message, &mut ctx);
                } else if let Some(request_id) = env.message.request_id() {
                    ctx.send(env.to, env.from, Message::Disconnected { request_id });
                }
            }
            NodeId::Client(c) => {
                if let Some(p) = self.producers.get_mut(&c) {
                    p.handle(env.from, env.message, &mut ctx);
                }
            }
        }
    }

    fn fire(&mut self, timer: Timer, out: &mut Outbox) {
        let mut ctx = Ctx {
            now: self.now,
            out,
            rng: &mut self.rng,
            next_id: &mut self.next_id,
        };
        match timer {
            Timer::Controller(t) => self.controller.on_timer(t, &mut ctx),
            Timer::Broker {
                broker,
                incarnation,
                timer,
            } => {
                if let Some(b) = self.brokers.get_mut(&broker) {
                    if b.alive && b.incarnation == incarnation {
                        b.on_timer(timer, &mut ctx);
                    }
                }
            }
            Timer::Producer { client, timer } => {
                if let Some(p) = self.producers.get_mut(&client) {
                    p.on_timer(timer, &mut ctx);
                }
            }
        }
    }

    /// Puts a handler's output into the world: messages on the network, timers in the queue,
    /// events (with the loss accounting they trigger) in the log.
    fn flush(&mut self, out: &mut Outbox) {
        for (from, to, message) in out.sends.drain(..) {
            let (id, at) = self.network.send(self.now, from, to, message);
            self.schedule(at, Item::Deliver(id));
        }
        let timers = std::mem::take(&mut out.timers);
        for (at, t) in timers {
            self.schedule(at, Item::Timer(t));
        }
        let events = std::mem::take(&mut out.events);
        for e in events {
            let extra = self.account(&e);
            self.record(e);
            if let Some(x) = extra {
                self.record(x);
            }
        }
    }

    fn record(&mut self, event: Event) {
        if self.config.record_events {
            self.events.push(TimedEvent {
                at: self.now,
                event,
            });
        }
    }

    // ----- acked-record ledger ------------------------------------------------------------

    /// Keeps the ledger of acked offsets and reports acked records a new leader lacks.
    fn account(&mut self, e: &Event) -> Option<Event> {
        match e {
            Event::ProduceAcked {
                tp,
                base_offset,
                count,
                epoch,
                ..
            } => {
                let ranges = self.ledger.entry(tp.clone()).or_default();
                let end = Offset(base_offset.0 + u64::from(*count));
                match ranges.last_mut() {
                    // Contiguous acks of one epoch merge, so the ledger stays small.
                    Some(last) if last.end == *base_offset && last.epoch == *epoch => {
                        last.end = end
                    }
                    _ => ranges.push(AckedRange {
                        start: *base_offset,
                        end,
                        epoch: *epoch,
                    }),
                }
                // An ack that arrives after a leader change is checked against the new leader.
                let reg = self.controller.image.partition(tp)?;
                if reg.leader_epoch > *epoch {
                    let leader = reg.leader?;
                    return self.check_loss(tp, leader, reg.leader_epoch);
                }
                None
            }
            Event::LeaderElected {
                tp, leader, epoch, ..
            } => self.check_loss(tp, *leader, *epoch),
            _ => None,
        }
    }

    fn check_loss(&mut self, tp: &TopicPartition, leader: BrokerId, epoch: Epoch) -> Option<Event> {
        let log = &self.brokers.get(&leader)?.replicas.get(tp)?.log;
        let ranges = self.ledger.get_mut(tp)?;
        let mut lost: Vec<(Offset, Offset)> = Vec::new();
        let mut kept = Vec::with_capacity(ranges.len());
        for r in ranges.drain(..) {
            let mut o = r.start;
            let mut keep_from = r.start;
            while o < r.end {
                let (present, next) = match log.chunk_at(o) {
                    Some(c) => (c.epoch() == r.epoch, c.end_offset().min(r.end)),
                    None => (false, r.end),
                };
                if !present {
                    if keep_from < o {
                        kept.push(AckedRange {
                            start: keep_from,
                            end: o,
                            epoch: r.epoch,
                        });
                    }
                    match lost.last_mut() {
                        Some(last) if last.1 == o => last.1 = next,
                        _ => lost.push((o, next)),
                    }
                    keep_from = next;
                }
                o = next;
            }
            if keep_from < r.end {
                kept.push(AckedRange {
                    start: keep_from,
                    end: r.end,
                    epoch: r.epoch,
                });
            }
        }
        *ranges = kept;
        if lost.is_empty() {
            return None;
        }
        lost.sort();
        let count = lost.iter().map(|(a, b)| b.0 - a.0).sum();
        *self.lost_records.entry(tp.clone()).or_default() += count;
        Some(Event::AckedRecordsLost {
            tp: tp.clone(),
            leader,
            epoch,
            ranges: lost,
            count,
        })
    }

    // ----- commands -----------------------------------------------------------------------

    /// Applies a command now. A rejected command changes nothing, is recorded as
    /// [`Event::CommandRejected`], and returns Kafka's error.
    pub fn apply(&mut self, command: Command) -> Result<Outcome, KafkaError> {
        let op = command.op_name();
        let mut out = std::mem::take(&mut self.outbox);
        let result = self.apply_inner(command, &mut out);
        if let Err(error) = &result {
            out.sends.clear();
            out.timers.clear();
            out.events.clear();
            out.events.push(Event::CommandRejected {
                op: op.to_string(),
                error: error.clone(),
            });
        }
        self.flush(&mut out);
        self.outbox = out;
        result
    }

    fn apply_inner(&mut self, command: Command, out: &mut Outbox) -> Result<Outcome, KafkaError> {
        let now = self.now;
        macro_rules! ctx {
            () => {
                Ctx {
                    now,
                    out,
                    rng: &mut self.rng,
                    next_id: &mut self.next_id,
                }
            };
        }
        match command {
            Command::CreateTopic(req) => {
                // Draw from a copy so a rejected command leaves the RNG untouched.
                let mut rng = self.rng.clone();
                let mut ctx = Ctx {
                    now,
                    out,
                    rng: &mut self.rng,
                    next_id: &mut self.next_id,
                };
                self.controller.create_topic(&req, &mut rng, &mut ctx)?;
                self.rng = rng;
                Ok(Outcome::Done)
            }
            Command::AlterPartitions { topic, partitions } => {
                let mut rng = self.rng.clone();
                let mut ctx = ctx!();
                self.controller
                    .alter_partitions(&topic, partitions, &mut rng, &mut ctx)?;
                self.rng = rng;
                Ok(Outcome::Done)
            }
            Command::SetTopicConfig { topic, configs } => {
                let mut ctx = ctx!();
                self.controller
                    .set_topic_config(&topic, &configs, &mut ctx)?;
                Ok(Outcome::Done)
            }
            Command::ElectPreferredLeaders { topic } => {
                let mut ctx = ctx!();
                self.controller
                    .elect_preferred(topic.as_deref(), &mut ctx)?;
                Ok(Outcome::Done)
            }
            Command::Produce {
                topic,
                key,
                value,
                headers,
                partition,
                acks,
            } => {
                let partitions = self.topic_partitions(&topic)?;
                if let Some(p) = partition {
                    if p < 0 {
                        return Err(KafkaError::new(
                            ErrorKind::IllegalArgumentException,
                            format!("Invalid partition: {p}"),
                        ));
                    }
                    if p as u32 >= partitions {
                        return Err(KafkaError::new(
                            ErrorKind::KafkaException,
                            format!("Invalid partition given with record: {p} is not in the range [0...{partitions})."),
                        ));
                    }
                }
                let size = BATCH_HEADER_BYTES
                    + record_size_bytes(0, 0, key.as_deref(), value.as_deref(), &headers);
                if size > MAX_REQUEST_SIZE_BYTES {
                    return Err(KafkaError::new(
                        ErrorKind::RecordTooLargeException,
                        format!("The message is {size} bytes when serialized which is larger than {MAX_REQUEST_SIZE_BYTES}, which is the value of the max.request.size configuration."),
                    ));
                }
                let name = format!("producer-acks-{}", acks.as_str());
                let client = self.ensure_producer(&name, acks, PartitionerKind::Default);
                self.next_handle += 1;
                let handle = ProduceHandle(self.next_handle);
                self.handle_owner.insert(handle, client);
                let mut ctx = ctx!();
                let p = self.producers.get_mut(&client).expect("just ensured");
                p.send(
                    NewRecord {
                        topic: Arc::from(topic.as_str()),
                        key,
                        value,
                        headers,
                        partition: partition.map(|p| p as u32),
                    },
                    Some(handle),
                    &mut ctx,
                );
                Ok(Outcome::Produced(handle))
            }
            Command::StartProducer {
                id,
                topic,
                rate_per_s,
                keys,
                acks,
                value_bytes,
                partitioner,
                max_records,
            } => {
                if let Some(c) = self.producer_names.get(&id) {
                    let p = &self.producers[c];
                    if p.continuous.as_ref().is_some_and(|c| c.running) || p.continuous.is_none() {
                        return Err(KafkaError::new(
                            ErrorKind::IllegalStateException,
                            format!("Producer {id} is already running."),
                        ));
                    }
                }
                self.topic_partitions(&topic)?;
                if rate_per_s == 0 || rate_per_s > MAX_RATE_PER_S {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalArgumentException,
                        format!(
                            "rate_per_s must be between 1 and {MAX_RATE_PER_S}, got {rate_per_s}."
                        ),
                    ));
                }
                if value_bytes.is_some_and(|v| v > MAX_VALUE_BYTES) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalArgumentException,
                        format!("value_bytes must be at most {MAX_VALUE_BYTES}."),
                    ));
                }
                if keys.as_ref().is_some_and(|k| k.is_empty()) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalArgumentException,
                        "keys must not be an empty list (use null for keyless records).",
                    ));
                }
                let client = self.ensure_producer(&id, acks, partitioner);
                let name: Arc<str> = Arc::from(id.as_str());
                let topic: Arc<str> = Arc::from(topic.as_str());
                let mut ctx = ctx!();
                ctx.emit(Event::ProducerStarted {
                    producer: name,
                    topic: topic.clone(),
                    rate_per_s,
                });
                let p = self.producers.get_mut(&client).expect("just ensured");
                p.acks = acks;
                p.partitioner.kind = partitioner;
                p.start_continuous(topic, rate_per_s, keys, value_bytes, max_records, &mut ctx);
                Ok(Outcome::Done)
            }
            Command::StopProducer { id } => {
                let running = self
                    .producer_names
                    .get(&id)
                    .and_then(|c| self.producers.get(c))
                    .and_then(|p| p.continuous.as_ref())
                    .is_some_and(|c| c.running);
                if !running {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("No running producer with id {id}."),
                    ));
                }
                let c = self.producer_names[&id];
                self.producers
                    .get_mut(&c)
                    .expect("exists")
                    .stop_continuous();
                out.events.push(Event::ProducerStopped {
                    producer: Arc::from(id.as_str()),
                });
                Ok(Outcome::Done)
            }
            Command::KillBroker { broker } => {
                let b = self.broker_checked(broker)?;
                if !b.alive {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} is already stopped.", broker.0),
                    ));
                }
                let mut ctx = ctx!();
                ctx.emit(Event::BrokerKilled { broker });
                self.brokers
                    .get_mut(&broker)
                    .expect("checked")
                    .kill(&mut ctx);
                Ok(Outcome::Done)
            }
            Command::RestartBroker { broker } => {
                let b = self.broker_checked(broker)?;
                if b.alive {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} is already running.", broker.0),
                    ));
                }
                let mut ctx = ctx!();
                ctx.emit(Event::BrokerRestarted { broker });
                self.brokers
                    .get_mut(&broker)
                    .expect("checked")
                    .restart(&mut ctx);
                Ok(Outcome::Done)
            }
            Command::IsolateBroker { broker } => {
                self.broker_checked(broker)?;
                if self.network.isolated.contains(&broker) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} is already isolated.", broker.0),
                    ));
                }
                self.network.isolated.insert(broker);
                out.events.push(Event::BrokerIsolated { broker });
                Ok(Outcome::Done)
            }
            Command::HealNetwork => {
                self.network.isolated.clear();
                out.events.push(Event::NetworkHealed);
                Ok(Outcome::Done)
            }
            Command::AddBroker { broker } => {
                let id = broker.unwrap_or_else(|| {
                    BrokerId(self.brokers.keys().next_back().map_or(1, |b| b.0 + 1))
                });
                if self.brokers.contains_key(&id) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} already exists.", id.0),
                    ));
                }
                if self.brokers.len() as u32 >= MAX_BROKERS {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("The simulator supports at most {MAX_BROKERS} brokers."),
                    ));
                }
                let mut b = Broker::new(id, None);
                let mut ctx = ctx!();
                ctx.emit(Event::BrokerAdded { broker: id });
                b.start(&mut ctx);
                self.brokers.insert(id, b);
                Ok(Outcome::BrokerAdded(id))
            }
        }
    }

    fn broker_checked(&self, broker: BrokerId) -> Result<&Broker, KafkaError> {
        self.brokers.get(&broker).ok_or_else(|| {
            KafkaError::new(
                ErrorKind::BrokerNotAvailableException,
                format!("Broker {} is not part of the cluster.", broker.0),
            )
        })
    }

    /// The partition count of an existing topic, or the producer's metadata timeout error.
    fn topic_partitions(&self, topic: &str) -> Result<u32, KafkaError> {
        self.controller
            .image
            .topics
            .get(topic)
            .map(|t| t.partitions.len() as u32)
            .ok_or_else(|| {
                KafkaError::new(
                    ErrorKind::TimeoutException,
                    format!("Topic {topic} not present in metadata after 60000 ms."),
                )
            })
    }

    fn ensure_producer(
        &mut self,
        name: &str,
        acks: Acks,
        partitioner: PartitionerKind,
    ) -> ClientId {
        if let Some(c) = self.producer_names.get(name) {
            return *c;
        }
        let id = ClientId(self.next_client);
        self.next_client += 1;
        let bootstrap: Vec<BrokerId> = self.brokers.keys().copied().collect();
        self.producers.insert(
            id,
            Producer::new(id, Arc::from(name), acks, partitioner, bootstrap),
        );
        self.producer_names.insert(name.to_string(), id);
        id
    }

    // ----- results ------------------------------------------------------------------------

    /// The fate of a record sent with [`Command::Produce`].
    pub fn delivery(&self, handle: ProduceHandle) -> Option<&Delivery> {
        let c = self.handle_owner.get(&handle)?;
        self.producers.get(c)?.deliveries.get(&handle)
    }

    /// Events recorded so far.
    pub fn events(&self) -> &[TimedEvent] {
        &self.events
    }

    /// Takes the recorded events (the app drains them every frame to bound memory).
    pub fn take_events(&mut self) -> Vec<TimedEvent> {
        std::mem::take(&mut self.events)
    }

    /// Acked records lost so far, per partition.
    pub fn lost_records(&self) -> &BTreeMap<TopicPartition, u64> {
        &self.lost_records
    }

    /// The acked-offset ledger of a partition (what producers were told is written).
    pub fn acked_ranges(&self, tp: &TopicPartition) -> &[AckedRange] {
        self.ledger.get(tp).map_or(&[], |v| v.as_slice())
    }
}
