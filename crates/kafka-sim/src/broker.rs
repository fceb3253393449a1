//! A broker: replica logs that survive a crash ("on disk"), a cached metadata image, the
//! heartbeat/registration life cycle with the controller, and produce handling as leader.
//! Produce handling lives in `broker/produce.rs`, replication (serving and sending FETCH)
//! in `broker/fetch.rs`.

use crate::ctx::{Ctx, Timer};
use crate::error::ErrorKind;
use crate::event::Event;
use crate::group::{Group, OFFSETS_TOPIC};
use crate::ids::{BrokerId, ClientId, Epoch, SimTime, TopicPartition};
use crate::message::{FetchPartition, Message, ProduceResult, TopicMetadata};
use crate::metadata::{MetadataImage, PartitionRegistration};
use crate::network::NodeId;
use crate::replica::{LeaderState, Replica, Role, WaitingAck, REPLICA_LAG_TIME_MAX_MS};
use serde::{Deserialize, Serialize};

mod client;
mod coordinator;
mod fetch;
mod logs;
mod offsets;
mod produce;
mod producer_ids;
mod rebalance;
pub mod txn;
use crate::record::Txn;
use crate::sorted::SortedMap;
pub use client::{offset_for, read_below, FETCH_MAX_WAIT_MS, MAX_PARTITION_FETCH_BYTES};
pub use coordinator::CLIENT_HOST;
pub use fetch::{REPLICA_FETCH_BACKOFF_MS, REPLICA_FETCH_WAIT_MAX_MS};
pub(crate) use offsets::{PendingCommit, PendingSync};
use std::sync::Arc;

/// `broker.heartbeat.interval.ms`.
pub const BROKER_HEARTBEAT_INTERVAL_MS: u64 = 2_000;
/// `request.timeout.ms` the producer gives a produce request; the leader's delayed produce
/// expires after it.
pub const PRODUCE_TIMEOUT_MS: u64 = 30_000;
/// How often a leader looks for followers to drop from the ISR: `replica.lag.time.max.ms / 2`,
/// as Kafka's `ReplicaManager` schedules `isr-expiration`.
pub const ISR_CHECK_INTERVAL_MS: u64 = REPLICA_LAG_TIME_MAX_MS / 2;
/// How long an unanswered AlterPartition blocks further ISR changes before it is given up.
pub const ALTER_PARTITION_TIMEOUT_MS: u64 = 5_000;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum BrokerTimer {
    Heartbeat,
    /// ISR shrink check, every `replica.lag.time.max.ms / 2`.
    IsrCheck,
    /// A parked follower fetch reached `replica.fetch.wait.max.ms`.
    FetchWait {
        follower: BrokerId,
        request_id: u64,
    },
    /// A fetcher's backoff is over.
    FetchRetry {
        leader: BrokerId,
    },
    /// A fetch got no answer within `replica.socket.timeout.ms`.
    FetchTimeout {
        leader: BrokerId,
        request_id: u64,
    },
    /// An acks=all produce request (or an offset commit) reached its timeout.
    ProduceTimeout {
        request_id: u64,
    },
    /// A parked consumer fetch reached `fetch.max.wait.ms`.
    ClientFetchWait {
        client: ClientId,
        request_id: u64,
    },
    /// A member's session may have expired (only the timer set `at` counts).
    GroupSession {
        group: Arc<str>,
        member: Arc<str>,
        at: SimTime,
    },
    /// A member id handed out by MEMBER_ID_REQUIRED was never used.
    PendingMemberExpiry {
        group: Arc<str>,
        member: Arc<str>,
    },
    /// The initial delayed join of an empty group (`group.initial.rebalance.delay.ms`).
    GroupInitialJoin {
        group: Arc<str>,
        seq: u64,
        delay_ms: u64,
        remaining_ms: u64,
    },
    /// The rebalance timeout of a join phase.
    GroupJoin {
        group: Arc<str>,
        seq: u64,
    },
    /// The rebalance timeout of a sync phase.
    GroupSync {
        group: Arc<str>,
        seq: u64,
    },
    /// `LogManager`'s retention check, every `log.retention.check.interval.ms`.
    LogRetention,
    /// The log cleaner's next pass, after `log.cleaner.backoff.ms`.
    LogCleaner,
    /// A transaction's `transaction.timeout.ms` check.
    TxnTimeout {
        id: Arc<str>,
        producer_id: u64,
        epoch: u16,
    },
    /// A marker round's retry or timeout.
    TxnMarkers {
        id: Arc<str>,
        round: u64,
    },
}

/// An acks=1/all produce request the leader answers once every part is resolved.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) struct DelayedProduce {
    pub client: NodeId,
    pub results: Vec<(TopicPartition, Option<ProduceResult>)>,
    pub remaining: u32,
    /// What the append is for, so who is answered and how.
    pub answer: DelayedAnswer,
}

/// What a delayed append answers once it is replicated (or failed).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) enum DelayedAnswer {
    /// A producer's PRODUCE.
    Produce,
    /// A coordinator's WriteTxnMarkers.
    TxnMarkers,
    /// An offset commit waiting for `__consumer_offsets` replication.
    OffsetCommit(Box<PendingCommit>),
    /// A group leader's SyncGroup waiting for the group's assignment record.
    GroupSync(Box<PendingSync>),
}

/// A follower's fetch waiting for data (long poll).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) struct ParkedFetch {
    pub request_id: u64,
    pub partitions: Vec<FetchPartition>,
    #[serde(default)]
    pub read_committed: bool,
}

/// The follower side of replication towards one leader broker.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub(crate) struct Fetcher {
    pub in_flight: Option<u64>,
    pub backoff_until: SimTime,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Broker {
    pub id: BrokerId,
    pub alive: bool,
    /// Bumped on every kill; timers of an older incarnation are ignored.
    pub incarnation: u32,
    /// The epoch of the controller registration this incarnation holds.
    pub broker_epoch: Option<u64>,
    /// The broker's cached metadata (possibly stale).
    pub metadata: Arc<MetadataImage>,
    #[serde(with = "crate::ids::map_as_pairs")]
    pub replicas: SortedMap<TopicPartition, Replica>,
    pub(crate) fetchers: SortedMap<BrokerId, Fetcher>,
    pub(crate) parked: SortedMap<BrokerId, ParkedFetch>,
    // Produce requests waiting for the ISR: a sorted vector, as request ids only grow (each
    // insert is a push; the few waiting at once make removals cheap), where a B-tree of its
    // own cost the bundle 2 KB.
    pub(crate) delayed: SortedMap<u64, DelayedProduce>,
    /// Consumer fetches waiting for the HW to move (long poll).
    #[serde(default)]
    pub(crate) parked_clients: SortedMap<ClientId, ParkedFetch>,
    /// Consumer groups this broker coordinates (it leads their offsets partitions).
    #[serde(default)]
    pub groups: SortedMap<Arc<str>, Group>,
    /// When this incarnation's next ISR shrink check runs.
    #[serde(default)]
    pub(crate) isr_check_at: SimTime,
    /// When this incarnation sends its next heartbeat (or registration) to the controller.
    #[serde(default)]
    pub(crate) heartbeat_at: SimTime,
    /// The rest of this incarnation's block of producer ids: `(next, end)`.
    #[serde(default)]
    producer_ids: Option<(u64, u64)>,
    /// InitProducerId requests waiting for a block.
    #[serde(default)]
    pid_waiters: Vec<(NodeId, u64)>,
    #[serde(default)]
    pid_allocation: Option<u64>,
    /// The topic id its replicas of each topic belong to: a topic deleted and created again
    /// under the same name has a new id, and the old logs go (`LogManager`'s stray logs).
    #[serde(default)]
    pub(crate) topic_ids: SortedMap<Arc<str>, String>,
    /// `auto.create.topics.enable` (Kafka's default true).
    #[serde(default = "crate::command::form::yes")]
    pub(crate) auto_create_topics: bool,
    /// Transactions this broker coordinates (it leads their `__transaction_state` partitions).
    #[serde(default)]
    pub txns: SortedMap<Arc<str>, txn::TxnMeta>,
    /// WriteTxnMarkers in flight: the transaction and its marker round.
    #[serde(default)]
    pub(crate) marker_requests: Vec<(u64, Arc<str>, u64)>,
}

impl Broker {
    pub fn new(id: BrokerId, broker_epoch: Option<u64>) -> Self {
        Broker {
            id,
            alive: true,
            incarnation: 0,
            broker_epoch,
            metadata: Arc::new(MetadataImage::default()),
            replicas: SortedMap::new(),
            fetchers: SortedMap::new(),
            parked: SortedMap::new(),
            delayed: SortedMap::new(),
            parked_clients: SortedMap::new(),
            groups: SortedMap::new(),
            isr_check_at: 0,
            heartbeat_at: 0,
            producer_ids: None,
            pid_waiters: Vec::new(),
            pid_allocation: None,
            auto_create_topics: true,
            topic_ids: SortedMap::new(),
            txns: SortedMap::new(),
            marker_requests: Vec::new(),
        }
    }

    pub fn node(&self) -> NodeId {
        NodeId::Broker(self.id)
    }

    pub(crate) fn timer(&self, ctx: &mut Ctx, at: SimTime, timer: BrokerTimer) {
        ctx.timer(
            at,
            Timer::Broker {
                broker: self.id,
                incarnation: self.incarnation,
                timer,
            },
        );
    }

    /// Starts the periodic work of this incarnation (heartbeats, ISR checks, the log
    /// manager's retention checks and the log cleaner).
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.heartbeat(ctx);
        self.schedule_isr_check(ctx);
        self.start_log_manager(ctx);
    }

    fn schedule_isr_check(&mut self, ctx: &mut Ctx) {
        self.isr_check_at = ctx.now + ISR_CHECK_INTERVAL_MS;
        self.timer(ctx, self.isr_check_at, BrokerTimer::IsrCheck);
    }

    /// The process dies: logs and HWs stay on disk, everything else is lost. Clients with
    /// requests parked here see their connection drop.
    pub fn kill(&mut self, ctx: &mut Ctx) {
        for (request_id, d) in std::mem::take(&mut self.delayed) {
            ctx.send(self.node(), d.client, Message::Disconnected { request_id });
        }
        for (client, p) in std::mem::take(&mut self.parked_clients) {
            ctx.send(
                self.node(),
                NodeId::Client(client),
                Message::Disconnected {
                    request_id: p.request_id,
                },
            );
        }
        for g in std::mem::take(&mut self.groups).into_values() {
            for m in g.members.into_values() {
                for (to, request_id) in m.awaiting_join.into_iter().chain(m.awaiting_sync) {
                    ctx.send(self.node(), to, Message::Disconnected { request_id });
                }
            }
        }
        for (client, request_id) in std::mem::take(&mut self.pid_waiters) {
            ctx.send(self.node(), client, Message::Disconnected { request_id });
        }
        self.producer_ids = None;
        self.pid_allocation = None;
        self.txns.clear();
        self.marker_requests.clear();
        for (follower, p) in std::mem::take(&mut self.parked) {
            ctx.send(
                self.node(),
                NodeId::Broker(follower),
                Message::Disconnected {
                    request_id: p.request_id,
                },
            );
        }
        self.alive = false;
        self.incarnation += 1;
        self.broker_epoch = None;
        self.metadata = Arc::new(MetadataImage::default());
        self.fetchers.clear();
        for r in self.replicas.values_mut() {
            r.role = Role::Follower {
                leader: None,
                epoch: Epoch(0),
            };
            r.high_watermark = r.high_watermark.min(r.log.log_end_offset());
        }
    }

    /// The process starts again with its logs; it must register anew with the controller.
    pub fn restart(&mut self, ctx: &mut Ctx) {
        self.alive = true;
        self.start(ctx);
    }

    fn heartbeat(&mut self, ctx: &mut Ctx) {
        let request_id = ctx.id();
        let message = match self.broker_epoch {
            Some(broker_epoch) => Message::BrokerHeartbeat {
                request_id,
                broker_epoch,
                metadata_version: self.metadata.version,
            },
            None => Message::BrokerRegistration {
                request_id,
                incarnation: self.incarnation,
            },
        };
        ctx.send(self.node(), NodeId::Controller, message);
        self.heartbeat_at = ctx.now + BROKER_HEARTBEAT_INTERVAL_MS;
        self.timer(ctx, self.heartbeat_at, BrokerTimer::Heartbeat);
    }

    pub fn on_timer(&mut self, timer: BrokerTimer, ctx: &mut Ctx) {
        match timer {
            BrokerTimer::Heartbeat => self.heartbeat(ctx),
            BrokerTimer::IsrCheck => {
                self.check_isr(ctx);
                self.schedule_isr_check(ctx);
            }
            BrokerTimer::FetchWait {
                follower,
                request_id,
            } => {
                if self
                    .parked
                    .get(&follower)
                    .is_some_and(|p| p.request_id == request_id)
                {
                    self.answer_parked(follower, ctx);
                }
            }
            BrokerTimer::FetchRetry { leader } => self.maybe_send_fetch(leader, ctx),
            BrokerTimer::FetchTimeout { leader, request_id } => {
                if let Some(f) = self.fetchers.get_mut(&leader) {
                    if f.in_flight == Some(request_id) {
                        f.in_flight = None;
                        self.maybe_send_fetch(leader, ctx);
                    }
                }
            }
            BrokerTimer::ClientFetchWait { client, request_id } => {
                if self
                    .parked_clients
                    .get(&client)
                    .is_some_and(|p| p.request_id == request_id)
                {
                    self.answer_client(client, ctx);
                }
            }
            t @ (BrokerTimer::GroupSession { .. }
            | BrokerTimer::PendingMemberExpiry { .. }
            | BrokerTimer::GroupInitialJoin { .. }
            | BrokerTimer::GroupJoin { .. }
            | BrokerTimer::GroupSync { .. }) => self.on_group_timer(t, ctx),
            BrokerTimer::LogRetention => self.retention_check(ctx),
            BrokerTimer::LogCleaner => self.cleaner_pass(ctx),
            BrokerTimer::TxnTimeout {
                id,
                producer_id,
                epoch,
            } => self.on_txn_timeout(id, producer_id, epoch, ctx),
            BrokerTimer::TxnMarkers { id, round } => self.on_markers_timer(id, round, ctx),
            BrokerTimer::ProduceTimeout { request_id } => {
                if let Some(mut d) = self.delayed.remove(&request_id) {
                    for r in d.results.iter_mut() {
                        if r.1.is_none() {
                            r.1 = Some(Err(ErrorKind::TimeoutException));
                        }
                    }
                    self.respond_produce(request_id, d, ctx);
                }
            }
        }
    }

    pub fn handle(&mut self, from: NodeId, message: Message, ctx: &mut Ctx) {
        match message {
            Message::BrokerRegistrationResponse { result, image, .. } => {
                if let Ok(epoch) = result {
                    self.broker_epoch = Some(epoch);
                }
                if let Some(image) = image {
                    self.apply_image(image, ctx);
                }
            }
            Message::BrokerHeartbeatResponse { result, image, .. } => match result {
                Ok(()) => {
                    if let Some(image) = image {
                        self.apply_image(image, ctx);
                    }
                }
                Err(_) => self.broker_epoch = None,
            },
            Message::MetadataUpdate { image } => self.apply_image(image, ctx),
            Message::AlterPartitionResponse { tp, result, .. } => {
                self.on_alter_partition_response(&tp, result, ctx)
            }
            Message::Fetch {
                request_id,
                partitions,
                read_committed,
            } => match from {
                NodeId::Broker(follower) => self.serve_fetch(follower, request_id, partitions, ctx),
                NodeId::Client(client) => {
                    let fetch = ParkedFetch {
                        request_id,
                        partitions,
                        read_committed,
                    };
                    self.serve_client_fetch(client, fetch, ctx)
                }
                NodeId::Controller => {}
            },
            Message::GroupRequest {
                request_id,
                request,
            } => self.handle_group(from, request_id, *request, ctx),
            Message::ListOffsets {
                request_id,
                partitions,
            } => {
                let partitions = self.list_offsets(&partitions);
                ctx.send(
                    self.node(),
                    from,
                    Message::ListOffsetsResponse {
                        request_id,
                        partitions,
                    },
                );
            }
            Message::FetchResponse {
                request_id,
                partitions,
            } => {
                if let NodeId::Broker(leader) = from {
                    self.on_fetch_response(leader, request_id, partitions, ctx);
                }
            }
            Message::MetadataRequest { request_id, topics } => {
                let topics = topics
                    .into_iter()
                    .map(|topic| match self.metadata.topics.get(&topic) {
                        Some(t) => TopicMetadata {
                            topic,
                            error: None,
                            leaders: t.partitions.iter().map(|p| p.leader).collect(),
                            leader_epochs: t.partitions.iter().map(|p| p.leader_epoch).collect(),
                            topic_id: t.topic_id.clone(),
                        },
                        None => {
                            let error = self.auto_create(&topic, ctx);
                            TopicMetadata {
                                topic,
                                error: Some(error),
                                leaders: Vec::new(),
                                leader_epochs: Vec::new(),
                                topic_id: String::new(),
                            }
                        }
                    })
                    .collect();
                ctx.send(
                    self.node(),
                    from,
                    Message::MetadataResponse {
                        request_id,
                        brokers: self.metadata.unfenced_brokers(),
                        topics,
                    },
                );
            }
            Message::Produce {
                request_id,
                acks,
                transactional,
                batches,
            } => {
                let txn = transactional.then_some(Txn::Data);
                let batches = batches
                    .into_iter()
                    .map(|(tp, data, ids)| (tp, data, ids, txn))
                    .collect();
                self.handle_produce(from, request_id, acks, batches, ctx)
            }
            Message::TxnRequest {
                request_id,
                transactional_id,
                request,
            } => self.handle_txn(from, request_id, transactional_id, request, ctx),
            Message::WriteTxnMarkers {
                request_id,
                producer_id,
                epoch,
                commit,
                partitions,
            } => {
                let producer = (producer_id, epoch);
                self.write_markers(from, request_id, producer, commit, partitions, ctx)
            }
            Message::WriteTxnMarkersResponse {
                request_id,
                results,
            } => self.on_markers_written(request_id, results, ctx),
            Message::InitProducerId { request_id } => {
                self.handle_init_producer_id(from, request_id, ctx)
            }
            Message::AllocateProducerIdsResponse { request_id, first } => {
                self.on_producer_id_block(request_id, first, ctx)
            }
            Message::Disconnected { request_id } => {
                let leader = self
                    .fetchers
                    .iter()
                    .find(|(_, f)| f.in_flight == Some(request_id))
                    .map(|(l, _)| *l);
                if let Some(leader) = leader {
                    self.fetch_failed(leader, ctx);
                }
                if self.marker_requests.iter().any(|r| r.0 == request_id) {
                    self.on_markers_written(request_id, Vec::new(), ctx);
                }
            }
            _ => {}
        }
    }

    // ----- metadata -----------------------------------------------------------------------

    /// Applies a newer metadata image: becomes leader or follower where the controller says
    /// so, and adopts committed ISR changes.
    /// A client's metadata request named a missing topic: with `auto.create.topics.enable`
    /// (`KafkaApis.handleTopicMetadataRequest`, `AutoTopicCreationManager`) the broker asks
    /// the controller to create it and answers LEADER_NOT_AVAILABLE meanwhile; without it,
    /// or for an invalid name, the topic is unknown.
    fn auto_create(&self, topic: &Arc<str>, ctx: &mut Ctx) -> ErrorKind {
        if !self.auto_create_topics || crate::topic::validate_topic_name(topic).is_err() {
            return ErrorKind::UnknownTopicOrPartitionException;
        }
        ctx.send(
            self.node(),
            NodeId::Controller,
            Message::AutoCreateTopic {
                topic: topic.clone(),
            },
        );
        ErrorKind::LeaderNotAvailableException
    }

    pub fn apply_image(&mut self, image: Arc<MetadataImage>, ctx: &mut Ctx) {
        if image.version <= self.metadata.version {
            return;
        }
        let previous = std::mem::replace(&mut self.metadata, image.clone());
        // Stray logs first: replicas of deleted topics, or of an older topic of that name.
        self.drop_deleted_topics(&previous, &image, ctx);
        let me = self.id;
        for (name, t) in &image.topics {
            for (i, reg) in t.partitions.iter().enumerate() {
                if !reg.replicas.contains(&me) {
                    continue;
                }
                let tp = TopicPartition::new(name.clone(), i as u32);
                if !self.topic_ids.contains_key(name) {
                    self.topic_ids.insert(name.clone(), t.topic_id.clone());
                }
                let replica = self
                    .replicas
                    .entry(tp.clone())
                    .or_insert_with(|| Replica::new(tp.clone()));
                if reg.leader == Some(me) {
                    match &mut replica.role {
                        Role::Leader(s) if s.epoch == reg.leader_epoch => {
                            if reg.partition_epoch > s.partition_epoch {
                                s.isr = reg.isr.clone();
                                s.partition_epoch = reg.partition_epoch;
                                s.pending_isr = None;
                            }
                        }
                        _ => self.make_leader(&tp, reg, ctx),
                    }
                } else {
                    let same = matches!(replica.role,
                        Role::Follower { leader, epoch } if leader == reg.leader && epoch == reg.leader_epoch);
                    if !same {
                        self.make_follower(&tp, reg.leader, reg.leader_epoch, ctx);
                    }
                }
            }
        }
        // Configs (min.insync.replicas) or ISR may have changed: re-check HWs.
        let led: Vec<TopicPartition> = self
            .replicas
            .iter()
            .filter(|(_, r)| r.leader_state().is_some())
            .map(|(tp, _)| tp.clone())
            .collect();
        for tp in led {
            self.advance_hw(&tp, ctx);
        }
        let leaders: Vec<BrokerId> = self
            .replicas
            .values()
            .filter_map(|r| match r.role {
                Role::Follower {
                    leader: Some(l), ..
                } if l != me => Some(l),
                _ => None,
            })
            .collect();
        self.fetchers.retain(|l, _| leaders.contains(l));
        for l in leaders {
            self.fetchers.entry(l).or_default();
            self.maybe_send_fetch(l, ctx);
        }
    }

    /// Replicas of topics the image no longer has were deleted: their logs go (requests
    /// waiting on them fail), and the groups this broker coordinates lose their committed
    /// offsets for them, by tombstones in `__consumer_offsets`
    /// (`GroupCoordinatorService.onPartitionsDeleted`).
    fn drop_deleted_topics(
        &mut self,
        previous: &MetadataImage,
        image: &MetadataImage,
        ctx: &mut Ctx,
    ) {
        let gone: Vec<TopicPartition> = self
            .replicas
            .keys()
            .filter(|tp| {
                image.topics.get(&tp.topic).map(|t| &t.topic_id) != self.topic_ids.get(&tp.topic)
            })
            .cloned()
            .collect();
        // An id the image no longer has for its name goes too: a topic created again under
        // that name (both seen in one image, by a broker cut off meanwhile) is another topic,
        // and its replicas take the new id below (keeping the old one would drop them again
        // at every image, as replicas of the deleted topic).
        self.topic_ids
            .retain(|t, id| image.topics.get(t).is_some_and(|n| n.topic_id == *id));
        for tp in &gone {
            let waiting = self.take_waiting(tp);
            self.fail_waiting(waiting, ctx);
            self.replicas.remove(tp);
        }
        self.delete_offsets_of_deleted_topics(previous, image, ctx);
    }

    fn make_leader(&mut self, tp: &TopicPartition, reg: &PartitionRegistration, ctx: &mut Ctx) {
        let was_leader = self
            .replicas
            .get(tp)
            .is_some_and(|r| r.leader_state().is_some());
        let waiting = self.take_waiting(tp);
        let me = self.id;
        let now = ctx.now;
        let replica = self.replicas.get_mut(tp).expect("created by caller");
        let leo = replica.log.log_end_offset();
        replica.log.assign_epoch(reg.leader_epoch, leo);
        replica.high_watermark = replica.high_watermark.min(leo);
        replica.role = Role::Leader(Box::new(LeaderState::new(
            me,
            reg.leader_epoch,
            &reg.replicas,
            &reg.isr,
            reg.partition_epoch,
            leo,
            now,
        )));
        self.fail_waiting(waiting, ctx);
        if &*tp.topic == OFFSETS_TOPIC && !was_leader {
            self.load_groups(tp.partition.0, ctx);
        }
        if &*tp.topic == txn::TXN_TOPIC && !was_leader {
            self.load_txns(tp.partition.0, ctx);
        }
    }

    fn make_follower(
        &mut self,
        tp: &TopicPartition,
        leader: Option<BrokerId>,
        epoch: Epoch,
        ctx: &mut Ctx,
    ) {
        let was_leader = self
            .replicas
            .get(tp)
            .is_some_and(|r| r.leader_state().is_some());
        let waiting = self.take_waiting(tp);
        let replica = self.replicas.get_mut(tp).expect("created by caller");
        replica.role = Role::Follower { leader, epoch };
        self.fail_waiting(waiting, ctx);
        if &*tp.topic == OFFSETS_TOPIC && was_leader {
            self.unload_groups(tp.partition.0, ctx);
        }
        if &*tp.topic == txn::TXN_TOPIC && was_leader {
            self.unload_txns(tp.partition.0);
        }
    }

    fn take_waiting(&mut self, tp: &TopicPartition) -> Vec<WaitingAck> {
        self.replicas
            .get_mut(tp)
            .and_then(|r| r.leader_state_mut())
            .map(|s| s.waiting.drain(..).collect())
            .unwrap_or_default()
    }

    fn fail_waiting(&mut self, waiting: Vec<WaitingAck>, ctx: &mut Ctx) {
        for w in waiting {
            self.complete_part(
                w.request_id,
                w.part,
                Err(ErrorKind::NotLeaderOrFollowerException),
                ctx,
            );
        }
    }

    fn min_insync_replicas(&self, tp: &TopicPartition) -> u32 {
        self.metadata
            .topics
            .get(&tp.topic)
            .map_or(1, |t| t.effective_min_isr(tp.partition.0))
    }

    /// Recomputes a led partition's HW and answers the acks=all requests it satisfies.
    pub(crate) fn advance_hw(&mut self, tp: &TopicPartition, ctx: &mut Ctx) {
        let min_isr = self.min_insync_replicas(tp);
        let me = self.id;
        let Some(replica) = self.replicas.get_mut(tp) else {
            return;
        };
        let Some(hw) = replica.maybe_advance_hw(me, min_isr, ctx.now) else {
            return;
        };
        ctx.emit(Event::HighWatermarkAdvanced {
            broker: me,
            tp: tp.clone(),
            high_watermark: hw,
        });
        let mut done = Vec::new();
        if let Some(state) = replica.leader_state_mut() {
            while state.waiting.front().is_some_and(|w| w.required <= hw) {
                done.push(state.waiting.pop_front().expect("checked"));
            }
        }
        if !self.parked_clients.is_empty() {
            self.wake_clients(tp, ctx);
        }
        for w in done {
            self.complete_part(w.request_id, w.part, Ok((w.base_offset, w.epoch)), ctx);
        }
    }

    // ----- ISR management -------------------------------------------------------------------

    pub(crate) fn propose_isr(
        &mut self,
        tp: &TopicPartition,
        new_isr: Vec<BrokerId>,
        ctx: &mut Ctx,
    ) {
        let now = ctx.now;
        let Some(state) = self.replicas.get_mut(tp).and_then(|r| r.leader_state_mut()) else {
            return;
        };
        state.pending_isr = Some(new_isr.clone());
        state.pending_isr_sent_ms = now;
        let message = Message::AlterPartition {
            request_id: ctx.id(),
            tp: tp.clone(),
            leader_epoch: state.epoch,
            partition_epoch: state.partition_epoch,
            new_isr,
        };
        ctx.send(self.node(), NodeId::Controller, message);
    }

    fn on_alter_partition_response(
        &mut self,
        tp: &TopicPartition,
        result: Result<PartitionRegistration, ErrorKind>,
        ctx: &mut Ctx,
    ) {
        let Some(state) = self.replicas.get_mut(tp).and_then(|r| r.leader_state_mut()) else {
            return;
        };
        state.pending_isr = None;
        if let Ok(reg) = result {
            if reg.leader_epoch == state.epoch && reg.partition_epoch > state.partition_epoch {
                state.isr = reg.isr;
                state.partition_epoch = reg.partition_epoch;
            }
        }
        self.advance_hw(tp, ctx);
    }

    /// Shrinks the ISR of led partitions whose followers lag more than
    /// `replica.lag.time.max.ms`.
    fn check_isr(&mut self, ctx: &mut Ctx) {
        let me = self.id;
        let now = ctx.now;
        let mut proposals = Vec::new();
        for (tp, r) in self.replicas.iter_mut() {
            let leo = r.log.log_end_offset();
            let Some(state) = r.leader_state_mut() else {
                continue;
            };
            if state.pending_isr.is_some() {
                if now.saturating_sub(state.pending_isr_sent_ms) < ALTER_PARTITION_TIMEOUT_MS {
                    continue;
                }
                state.pending_isr = None;
            }
            let out = state.out_of_sync(me, leo, now);
            if !out.is_empty() {
                let isr = state
                    .isr
                    .iter()
                    .copied()
                    .filter(|b| !out.contains(b))
                    .collect();
                proposals.push((tp.clone(), isr));
            }
        }
        for (tp, isr) in proposals {
            self.propose_isr(&tp, isr, ctx);
        }
    }
}
