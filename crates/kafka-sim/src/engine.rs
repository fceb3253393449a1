//! The discrete-event engine: one queue of timed items (message deliveries and timers),
//! processed in `(time, sequence)` order, so a run is a pure function of its seed and its
//! timed commands. It owns the nodes (controller, brokers, producers), the network, the RNG
//! and the event log, and keeps the ledger of acknowledged records that makes any loss of an
//! acked record visible.

use crate::broker::Broker;
use crate::command::{Command, Outcome};
use crate::consumer::Consumer;
use crate::controller::Controller;
use crate::ctx::{Ctx, Outbox, Timer};
use crate::error::KafkaError;
use crate::event::{Event, TimedEvent};
use crate::ids::{BrokerId, ClientId, EnvelopeId, Offset, ProduceHandle, SimTime, TopicPartition};
use crate::ledger::{AckLedger, AckedRange};
use crate::message::Message;
use crate::network::{Network, NodeId, DEFAULT_LATENCY_MS};
use crate::producer::{Delivery, Producer};
use crate::record::Chunk;
use crate::rng::SplitMix64;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
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
    /// The brokers' `auto.create.topics.enable` (Kafka's default true): a producer's or
    /// consumer's metadata request for a missing topic creates it.
    #[serde(default = "crate::command::form::yes")]
    pub auto_create_topics_enable: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            seed: 0,
            brokers: 3,
            latency_ms: DEFAULT_LATENCY_MS,
            record_events: true,
            auto_create_topics_enable: true,
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

/// Records handed to a group's members: how far each partition was delivered, and how many
/// records were delivered again (at-least-once duplicates after a crash or rebalance).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct GroupDeliveries {
    pub delivered: u64,
    pub duplicates: u64,
    #[serde(with = "crate::ids::map_as_pairs")]
    pub next: SortedMap<TopicPartition, Offset>,
}

impl GroupDeliveries {
    /// Counts the records of one delivery; those below the partition's delivery mark were
    /// delivered before. Returns how many of them were duplicates (the guarantee ledger
    /// counts them with this same rule).
    pub(crate) fn record(&mut self, tp: &TopicPartition, records: &[Chunk]) -> u64 {
        let next = self.next.entry(tp.clone()).or_default();
        let mut duplicates = 0;
        for c in records {
            self.delivered += u64::from(c.len());
            if c.base_offset() < *next {
                duplicates += if c.len() == c.span() {
                    next.0.min(c.end_offset().0) - c.base_offset().0
                } else {
                    c.records().take_while(|r| r.offset < *next).count() as u64
                };
            }
            *next = (*next).max(c.end_offset());
        }
        self.duplicates += duplicates;
        duplicates
    }

    /// A deleted topic: a topic created later under its name starts again at offset 0.
    pub(crate) fn forget_topic(&mut self, topic: &str) {
        self.next.retain(|tp, _| &*tp.topic != topic);
    }
}

/// The whole simulated world. `Clone` and serializable: a snapshot is a value.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Engine {
    pub(crate) config: EngineConfig,
    pub(crate) now: SimTime,
    pub(crate) rng: SplitMix64,
    pub(crate) next_id: u64,
    pub(crate) seq: u64,
    queue: BinaryHeap<Reverse<Scheduled>>,
    pub(crate) network: Network,
    pub(crate) controller: Controller,
    pub(crate) brokers: SortedMap<BrokerId, Broker>,
    pub(crate) producers: SortedMap<ClientId, Producer>,
    pub(crate) producer_names: SortedMap<String, ClientId>,
    /// Client ids are shared by every kind of network client (producers now, consumers later).
    pub(crate) next_client: u32,
    pub(crate) handle_owner: SortedMap<ProduceHandle, ClientId>,
    /// Consumers, by client; a killed or closed consumer stays (its stats stay visible).
    #[serde(default)]
    pub(crate) consumers: SortedMap<ClientId, Consumer>,
    /// The latest consumer started for (group, client id).
    #[serde(default, with = "crate::ids::map_as_pairs")]
    pub(crate) consumer_names: SortedMap<(Arc<str>, Arc<str>), ClientId>,
    /// What each group's members were handed, for duplicate counting.
    #[serde(default)]
    pub(crate) group_deliveries: SortedMap<Arc<str>, GroupDeliveries>,
    pub(crate) next_handle: u64,
    /// Connectors and REST proxies: who some producers and groups are (`connect.rs`).
    #[serde(default)]
    pub(crate) around: crate::connect::Around,
    /// Acked offsets per partition (the ledger that makes loss visible).
    pub(crate) ledger: AckLedger,
    pub(crate) events: Vec<TimedEvent>,
    pub(crate) outbox: Outbox,
}

impl Engine {
    pub fn new(config: EngineConfig) -> Engine {
        let n = config.brokers.clamp(1, MAX_BROKERS);
        let ids: Vec<BrokerId> = (1..=n).map(BrokerId).collect();
        let controller = Controller::new(&ids);
        let brokers = ids
            .iter()
            .map(|&b| {
                let mut broker = Broker::new(b, controller.broker_epoch(b));
                broker.auto_create_topics = config.auto_create_topics_enable;
                (b, broker)
            })
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
            producers: SortedMap::new(),
            producer_names: SortedMap::new(),
            next_client: 0,
            handle_owner: SortedMap::new(),
            consumers: SortedMap::new(),
            consumer_names: SortedMap::new(),
            group_deliveries: SortedMap::new(),
            around: Default::default(),
            next_handle: 0,
            ledger: AckLedger::default(),
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
        while !self.advance_by_steps(t, u32::MAX) {}
    }

    /// Processes at most `max_steps` scheduled items with a time `<= target`, so that a UI can
    /// spread a long advance over several frames. Returns true when nothing scheduled at or
    /// before `target` is left: the clock is then set to `target`. Returns false when the
    /// budget ran out first: the clock stays at the last processed item's time, and calling
    /// again goes on exactly where this call stopped (the same items, in the same order, as
    /// one [`Engine::advance_to`]).
    pub fn advance_by_steps(&mut self, target: SimTime, max_steps: u32) -> bool {
        let mut steps = 0;
        while self.queue.peek().is_some_and(|s| s.0.at <= target) {
            if steps == max_steps {
                return false;
            }
            self.step();
            steps += 1;
        }
        self.now = self.now.max(target);
        true
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
                // Client ids are shared by every kind of client.
                if let Some(p) = self.producers.get_mut(&c) {
                    p.handle(env.from, env.message, &mut ctx);
                } else if let Some(consumer) = self.consumers.get_mut(&c) {
                    consumer.handle(env.from, env.message, &mut ctx);
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
            Timer::Consumer { client, timer } => {
                if let Some(c) = self.consumers.get_mut(&client) {
                    c.on_timer(timer, &mut ctx);
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
        if e.partition()
            .is_some_and(|tp| !self.controller.image.topics.contains_key(&tp.topic))
        {
            // A late ack or delivery of a deleted topic (its response was on the wire): not
            // the business of a topic created later under its name.
            return None;
        }
        let (tp, leader, epoch) = match e {
            Event::ProduceAcked {
                tp,
                base_offset,
                count,
                epoch,
                ..
            } => {
                self.ledger.record(tp, *base_offset, *count, *epoch);
                // An ack that arrives after a leader change is checked against the new leader.
                let reg = self.controller.image.partition(tp)?;
                if reg.leader_epoch <= *epoch {
                    return None;
                }
                (tp, reg.leader?, reg.leader_epoch)
            }
            Event::LeaderElected {
                tp, leader, epoch, ..
            } => (tp, *leader, *epoch),
            Event::RecordsDelivered {
                group, tp, records, ..
            } => {
                self.group_deliveries
                    .entry(group.clone())
                    .or_default()
                    .record(tp, records);
                return None;
            }
            Event::SegmentsDeleted { tp, .. } => {
                // Acked records every replica deleted can no longer be lost: forget them.
                let start = self
                    .brokers
                    .values()
                    .filter_map(|b| b.replicas.get(tp))
                    .map(|r| r.log.log_start_offset())
                    .min()?;
                self.ledger.forget_below(tp, start);
                return None;
            }
            _ => return None,
        };
        let log = &self.brokers.get(&leader)?.replicas.get(tp)?.log;
        self.ledger.check(tp, leader, epoch, log)
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

    /// Heap bytes of the scheduled items (for `crate::footprint`).
    pub(crate) fn queue_bytes(&self) -> u64 {
        (self.queue.capacity() * std::mem::size_of::<Reverse<Scheduled>>()) as u64
    }

    /// Acked records lost so far, per partition.
    pub fn lost_records(&self) -> &SortedMap<TopicPartition, u64> {
        self.ledger.lost()
    }

    /// The acked-offset ledger of a partition (what producers were told is written).
    pub fn acked_ranges(&self, tp: &TopicPartition) -> &[AckedRange] {
        self.ledger.ranges(tp)
    }

    /// The log of `tp`'s current leader, as the controller names it.
    pub(crate) fn leader_log(&self, tp: &TopicPartition) -> Option<&crate::log::Log> {
        let leader = self.controller.image.partition(tp)?.leader?;
        Some(&self.brokers.get(&leader)?.replicas.get(tp)?.log)
    }

    /// The latest consumer started as `consumer` (its client id) in `group`.
    pub(crate) fn consumer_named(
        &self,
        group: &Arc<str>,
        consumer: &Arc<str>,
    ) -> Option<&Consumer> {
        let c = self
            .consumer_names
            .get(&(group.clone(), consumer.clone()))?;
        self.consumers.get(c)
    }
}
