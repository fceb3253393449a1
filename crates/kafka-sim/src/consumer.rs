//! A consumer client, as the Java `KafkaConsumer` with the classic group protocol behaves.
//!
//! It finds its group's coordinator, joins (JoinGroup, with the MEMBER_ID_REQUIRED round
//! trip), lets the leader compute the assignment, syncs, heartbeats every
//! `heartbeat.interval.ms`, and rejoins when the coordinator says the group is rebalancing.
//! Eager members revoke everything before rejoining; cooperative members (only
//! `cooperative-sticky` configured) keep what stays and rejoin once more after revoking what
//! moves. It PULLS records from partition leaders (below the HW), hands at most
//! `max.poll.records` to the application per poll, which processes them at
//! `process_rate_per_s`, and commits positions every `auto.commit.interval.ms` inside poll
//! (so only processed records are committed) and before every rejoin and on close.
//!
//! Membership lives in `consumer/membership.rs`; fetching, positions, polling and commits in
//! `consumer/fetching.rs`.

use crate::assignor::{rebalance_protocol, AssignorKind, RebalanceProtocol, StickyUserData};
use crate::ctx::{Ctx, Timer};
use crate::event::Event;
use crate::ids::{BrokerId, ClientId, Offset, SimTime, TopicPartition};
use crate::message::{GroupRequest, GroupResponse, JoinResponse, Message, OffsetSpec};
use crate::network::NodeId;
use crate::record::Chunk;
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

mod fetching;
mod membership;

/// `session.timeout.ms` (Kafka 3.0+ default).
pub const SESSION_TIMEOUT_MS: u64 = 45_000;
/// `heartbeat.interval.ms`.
pub const HEARTBEAT_INTERVAL_MS: u64 = 3_000;
/// `max.poll.interval.ms`, which is also the member's rebalance timeout.
pub const MAX_POLL_INTERVAL_MS: u64 = 300_000;
/// `auto.commit.interval.ms`.
pub const AUTO_COMMIT_INTERVAL_MS: u64 = 5_000;

fn auto_commit_interval_ms() -> u64 {
    AUTO_COMMIT_INTERVAL_MS
}
/// `max.poll.records`.
pub const MAX_POLL_RECORDS: u32 = 500;
/// `request.timeout.ms` of the consumer.
pub const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// `retry.backoff.ms`.
pub const RETRY_BACKOFF_MS: u64 = 100;
/// `metadata.max.age.ms`: how soon new partitions are noticed.
pub const METADATA_MAX_AGE_MS: u64 = 300_000;

/// `auto.offset.reset`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OffsetReset {
    Earliest,
    #[default]
    Latest,
    /// Fail with NoOffsetForPartitionException.
    None,
}

impl OffsetReset {
    pub fn as_str(self) -> &'static str {
        match self {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
            OffsetReset::None => "none",
        }
    }
}

/// `isolation.level`: read_uncommitted (the default) reads up to the HW, aborted
/// transactions' records included; read_committed reads up to the last stable offset and
/// skips aborted records (`FetchCollector`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolationLevel {
    #[default]
    ReadUncommitted,
    ReadCommitted,
}

impl IsolationLevel {
    pub fn is_default(&self) -> bool {
        *self == IsolationLevel::ReadUncommitted
    }
}

/// A consumer's configuration (the scenario's `join_group` step).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct ConsumerConfig {
    pub group: Arc<str>,
    /// `client.id` (the scenario's `consumer`).
    pub client_id: Arc<str>,
    /// Subscribed topics, sorted.
    pub topics: Vec<Arc<str>>,
    /// `partition.assignment.strategy`, in preference order.
    pub assignors: Vec<AssignorKind>,
    /// Records the application processes per second; `None` = instantly.
    pub process_rate_per_s: Option<u64>,
    pub auto_offset_reset: OffsetReset,
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms` (a Connect sink task commits at `offset.flush.interval.ms`).
    #[serde(default = "auto_commit_interval_ms")]
    pub auto_commit_interval_ms: u64,
    pub max_poll_records: u32,
    #[serde(default)]
    pub isolation_level: IsolationLevel,
}

/// Where the member is in the group protocol (Kafka's `MemberState`, refined).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum MemberState {
    /// Not in a generation; will (re)join once the coordinator is known.
    Unjoined,
    /// Committing consumed offsets before rejoining (`onJoinPrepare`).
    CommittingBeforeJoin,
    /// JoinGroup sent.
    Joining,
    /// The leader waits for metadata of every subscribed topic to assign.
    AwaitingMetadata,
    /// SyncGroup sent.
    Syncing,
    Stable,
    /// Committing before LeaveGroup (`close()`).
    Leaving,
    /// Left the group (or failed for good).
    Closed,
    /// Killed: the process is gone without leaving.
    Dead,
}

impl MemberState {
    pub fn as_str(self) -> &'static str {
        match self {
            MemberState::Unjoined => "Unjoined",
            MemberState::CommittingBeforeJoin => "CommittingBeforeJoin",
            MemberState::Joining => "Joining",
            MemberState::AwaitingMetadata => "AwaitingMetadata",
            MemberState::Syncing => "Syncing",
            MemberState::Stable => "Stable",
            MemberState::Leaving => "Leaving",
            MemberState::Closed => "Closed",
            MemberState::Dead => "Dead",
        }
    }

    /// The process runs and takes part in the group.
    pub fn active(self) -> bool {
        !matches!(
            self,
            MemberState::Leaving | MemberState::Closed | MemberState::Dead
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) enum CommitPurpose {
    Auto,
    BeforeJoin,
    Close,
}

/// A request in flight, by request id.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) enum Req {
    FindCoordinator,
    Join,
    Sync,
    Heartbeat,
    Commit {
        purpose: CommitPurpose,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    OffsetFetch,
    Leave,
    Metadata,
    Fetch {
        broker: BrokerId,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    ListOffsets {
        partitions: Vec<(TopicPartition, OffsetSpec)>,
    },
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum ConsumerTimer {
    Heartbeat,
    Poll,
    AutoCommit,
    /// Retry FindCoordinator / metadata after `retry.backoff.ms`.
    Retry,
    MetadataMaxAge {
        refresh: u64,
    },
    RequestTimeout {
        request_id: u64,
    },
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct ConsumerStats {
    pub records_delivered: u64,
    pub polls: u64,
    pub commits: u64,
    /// Assignments received (one per completed rebalance round).
    pub assignments: u64,
    pub fetches: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Consumer {
    pub id: ClientId,
    pub config: ConsumerConfig,
    pub protocol: RebalanceProtocol,
    pub state: MemberState,
    pub coordinator: Option<BrokerId>,
    bootstrap: Vec<BrokerId>,
    cursor: usize,
    /// Empty until the coordinator hands one out.
    pub member_id: Arc<str>,
    /// `-1` when not in a generation.
    pub generation: i32,
    pub assignment: SortedSet<TopicPartition>,
    /// Next offset to hand to the application, per assigned partition.
    #[serde(with = "crate::ids::map_as_pairs")]
    pub positions: SortedMap<TopicPartition, Offset>,
    /// Last offsets this consumer committed successfully.
    #[serde(with = "crate::ids::map_as_pairs")]
    pub committed: SortedMap<TopicPartition, Offset>,
    /// Partitions whose position is being looked up (OffsetFetch or ListOffsets in flight).
    looking_up: SortedSet<TopicPartition>,
    /// Partitions without a position and no reset policy (`auto.offset.reset=none`).
    failed: SortedSet<TopicPartition>,
    /// Fetched records not handed to the application yet, in arrival order, each with the
    /// leader's log start offset in the response that brought it (FetchResponse's
    /// `LogStartOffset`), which `RecordsDelivered` reports for the checker.
    buffer: VecDeque<(TopicPartition, Chunk, Offset)>,
    #[serde(with = "crate::ids::map_as_pairs")]
    buffered: SortedMap<TopicPartition, u32>,
    inflight: SortedMap<u64, Req>,
    /// Leaders with a fetch in flight (one at a time per broker).
    fetching: SortedSet<BrokerId>,
    /// Partition leaders per topic, from metadata.
    leaders: SortedMap<Arc<str>, Vec<Option<BrokerId>>>,
    /// Each topic's id, from metadata: a new one is a topic created again under its name.
    #[serde(default)]
    topic_ids: SortedMap<Arc<str>, String>,
    metadata_topics: SortedSet<Arc<str>>,
    metadata_in_flight: bool,
    metadata_refreshes: u64,
    /// The leader's JoinGroup answer, kept while it waits for metadata to assign.
    pending_join: Option<JoinResponse>,
    /// Partition counts the leader assigned with; a change triggers a rebalance.
    assignment_snapshot: Option<SortedMap<Arc<str>, u32>>,
    /// The `sticky` assignor's memory: its last assignment and generation.
    sticky_memory: Option<StickyUserData>,
    needs_rejoin: bool,
    retry_armed: bool,
    heartbeat_armed: bool,
    heartbeat_in_flight: bool,
    auto_commit_armed: bool,
    auto_commit_due: bool,
    poll_armed: bool,
    /// The application is busy with the last batch until then.
    busy_until: SimTime,
    pub stats: ConsumerStats,
}

impl Consumer {
    pub fn new(id: ClientId, config: ConsumerConfig, bootstrap: Vec<BrokerId>) -> Self {
        let metadata_topics = config.topics.iter().cloned().collect();
        Consumer {
            id,
            protocol: rebalance_protocol(&config.assignors),
            config,
            state: MemberState::Unjoined,
            coordinator: None,
            bootstrap,
            cursor: 0,
            member_id: Arc::from(""),
            generation: -1,
            assignment: SortedSet::new(),
            positions: SortedMap::new(),
            committed: SortedMap::new(),
            looking_up: SortedSet::new(),
            failed: SortedSet::new(),
            buffer: VecDeque::new(),
            buffered: SortedMap::new(),
            inflight: SortedMap::new(),
            fetching: SortedSet::new(),
            leaders: SortedMap::new(),
            topic_ids: SortedMap::new(),
            metadata_topics,
            metadata_in_flight: false,
            metadata_refreshes: 0,
            pending_join: None,
            assignment_snapshot: None,
            sticky_memory: None,
            needs_rejoin: true,
            retry_armed: false,
            heartbeat_armed: false,
            heartbeat_in_flight: false,
            auto_commit_armed: false,
            auto_commit_due: false,
            poll_armed: false,
            busy_until: 0,
            stats: ConsumerStats::default(),
        }
    }

    pub fn node(&self) -> NodeId {
        NodeId::Client(self.id)
    }

    pub(crate) fn timer(&self, ctx: &mut Ctx, at: SimTime, timer: ConsumerTimer) {
        ctx.timer(
            at,
            Timer::Consumer {
                client: self.id,
                timer,
            },
        );
    }

    /// Whether the process is running (not killed, not closed).
    pub fn running(&self) -> bool {
        self.state.active()
    }

    /// The fetched chunks waiting for the application (for `crate::footprint`).
    pub(crate) fn buffered_chunks(&self) -> impl Iterator<Item = &Chunk> {
        self.buffer.iter().map(|(_, c, _)| c)
    }

    /// Records fetched and waiting for the application.
    pub fn buffered_records(&self) -> u64 {
        self.buffer.iter().map(|(_, c, _)| u64::from(c.len())).sum()
    }

    /// Sends a request and arms its timeout.
    pub(crate) fn request(&mut self, to: BrokerId, message: Message, req: Req, ctx: &mut Ctx) {
        let Some(request_id) = message.request_id() else {
            return;
        };
        let timeout = if req == Req::Join {
            MAX_POLL_INTERVAL_MS + 5_000
        } else {
            REQUEST_TIMEOUT_MS
        };
        self.inflight.insert(request_id, req);
        ctx.send(self.node(), NodeId::Broker(to), message);
        self.timer(
            ctx,
            ctx.now + timeout,
            ConsumerTimer::RequestTimeout { request_id },
        );
    }

    pub(crate) fn group_request(
        &mut self,
        to: BrokerId,
        request: GroupRequest,
        req: Req,
        ctx: &mut Ctx,
    ) {
        let message = Message::GroupRequest {
            request_id: ctx.id(),
            request: Box::new(request),
        };
        self.request(to, message, req, ctx);
    }

    /// `subscribe()` + the first `poll()`: metadata, then the coordinator, then join.
    pub fn start(&mut self, ctx: &mut Ctx) {
        ctx.emit(Event::ConsumerStarted {
            group: self.config.group.clone(),
            consumer: self.config.client_id.clone(),
            topics: self.config.topics.clone(),
        });
        self.request_metadata(ctx);
        self.step(ctx);
    }

    /// The process dies: nothing is sent, not even a LeaveGroup; the coordinator notices
    /// only when the session times out.
    pub fn kill(&mut self, ctx: &mut Ctx) {
        self.state = MemberState::Dead;
        ctx.emit(Event::ConsumerKilled {
            group: self.config.group.clone(),
            consumer: self.config.client_id.clone(),
        });
        self.clear_all();
    }

    /// `close()`: commit consumed offsets (with auto-commit), then LeaveGroup.
    pub fn close(&mut self, ctx: &mut Ctx) {
        if !self.state.active() {
            return;
        }
        let offsets = self.consumed_offsets();
        if self.config.enable_auto_commit
            && self.generation >= 0
            && !offsets.is_empty()
            && self.coordinator.is_some()
        {
            self.state = MemberState::Leaving;
            self.send_commit(CommitPurpose::Close, offsets, ctx);
        } else {
            self.leave(ctx);
        }
    }

    fn clear_all(&mut self) {
        self.assignment.clear();
        self.positions.clear();
        self.looking_up.clear();
        self.buffer.clear();
        self.buffered.clear();
        self.inflight.clear();
        self.fetching.clear();
    }

    pub fn handle(&mut self, _from: NodeId, message: Message, ctx: &mut Ctx) {
        if matches!(self.state, MemberState::Closed | MemberState::Dead) {
            return;
        }
        let request_id = match &message {
            Message::GroupResponse { request_id, .. }
            | Message::MetadataResponse { request_id, .. }
            | Message::FetchResponse { request_id, .. }
            | Message::ListOffsetsResponse { request_id, .. }
            | Message::Disconnected { request_id } => *request_id,
            _ => return,
        };
        let Some(req) = self.inflight.remove(&request_id) else {
            return;
        };
        match message {
            Message::GroupResponse { response, .. } => self.on_group_response(req, *response, ctx),
            Message::MetadataResponse {
                topics, brokers, ..
            } => self.on_metadata(brokers, topics, ctx),
            Message::FetchResponse { partitions, .. } => {
                self.on_fetch_response(req, partitions, ctx)
            }
            Message::ListOffsetsResponse { partitions, .. } => {
                self.on_list_offsets(req, partitions, ctx)
            }
            _ => self.on_request_failed(req, ctx),
        }
    }

    fn on_group_response(&mut self, req: Req, response: GroupResponse, ctx: &mut Ctx) {
        match (req, response) {
            (Req::FindCoordinator, GroupResponse::FindCoordinator(r)) => {
                self.on_find_coordinator(r, ctx)
            }
            (Req::Join, GroupResponse::JoinGroup(r)) => self.on_join(r, ctx),
            (Req::Sync, GroupResponse::SyncGroup(r)) => self.on_sync(r, ctx),
            (Req::Heartbeat, GroupResponse::Heartbeat(r)) => self.on_heartbeat(r, ctx),
            (Req::Commit { purpose, offsets }, GroupResponse::OffsetCommit(r)) => {
                self.on_commit(purpose, offsets, r, ctx)
            }
            (Req::OffsetFetch, GroupResponse::OffsetFetch(r)) => self.on_offset_fetch(r, ctx),
            (Req::Leave, GroupResponse::LeaveGroup(_)) => {}
            _ => {}
        }
    }

    /// A request got no answer (timeout) or its broker was down.
    fn on_request_failed(&mut self, req: Req, ctx: &mut Ctx) {
        match req {
            Req::FindCoordinator => {
                self.cursor += 1;
                self.arm_retry(ctx);
            }
            Req::Join | Req::Sync | Req::Heartbeat | Req::OffsetFetch => {
                if req == Req::Heartbeat {
                    self.heartbeat_in_flight = false;
                }
                if req == Req::OffsetFetch {
                    self.looking_up.clear();
                }
                self.coordinator_unknown(ctx);
            }
            Req::Commit { purpose, .. } => {
                self.coordinator_unknown(ctx);
                self.after_commit(purpose, ctx);
            }
            Req::Leave => {}
            Req::Metadata => {
                self.metadata_in_flight = false;
                self.cursor += 1;
                self.arm_retry(ctx);
            }
            Req::Fetch { broker, .. } => {
                self.fetching.remove(&broker);
                self.request_metadata(ctx);
            }
            Req::ListOffsets { partitions } => {
                for (tp, _) in partitions {
                    self.looking_up.remove(&tp);
                }
                self.request_metadata(ctx);
            }
        }
        self.step(ctx);
    }

    pub fn on_timer(&mut self, timer: ConsumerTimer, ctx: &mut Ctx) {
        if matches!(self.state, MemberState::Closed | MemberState::Dead) {
            return;
        }
        match timer {
            ConsumerTimer::Heartbeat => self.on_heartbeat_timer(ctx),
            ConsumerTimer::Poll => self.poll(ctx),
            ConsumerTimer::AutoCommit => {
                self.auto_commit_armed = false;
                self.auto_commit_due = true;
                self.arm_auto_commit(ctx);
                self.schedule_poll(ctx);
            }
            ConsumerTimer::Retry => {
                self.retry_armed = false;
                if !self.metadata_in_flight && self.leaders.is_empty() {
                    self.request_metadata(ctx);
                }
                self.step(ctx);
            }
            ConsumerTimer::MetadataMaxAge { refresh } => {
                if refresh == self.metadata_refreshes {
                    self.request_metadata(ctx);
                }
            }
            ConsumerTimer::RequestTimeout { request_id } => {
                if let Some(req) = self.inflight.remove(&request_id) {
                    self.on_request_failed(req, ctx);
                }
            }
        }
    }

    pub(crate) fn arm_retry(&mut self, ctx: &mut Ctx) {
        if !self.retry_armed {
            self.retry_armed = true;
            self.timer(ctx, ctx.now + RETRY_BACKOFF_MS, ConsumerTimer::Retry);
        }
    }

    pub(crate) fn emit_group(&self) -> (Arc<str>, Arc<str>) {
        (self.config.group.clone(), self.config.client_id.clone())
    }
}
