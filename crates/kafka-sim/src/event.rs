//! What happened: the closed set of events the engine reports, one per state change that a
//! user (or the app's animation and event log) cares about. Events are per batch, not per
//! record, so a million records make thousands of events, not millions.

use crate::command::IsolateFrom;
use crate::error::{ErrorKind, KafkaError};
use crate::ids::{BrokerId, ClientId, Epoch, Offset, SimTime, TopicPartition};
use crate::record::Chunk;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Why a leader was chosen.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum ElectionKind {
    /// From the ISR after the old leader was fenced or a replica came back.
    Clean,
    /// From outside the ISR: `unclean.leader.election.enable=true`; may lose acked records.
    Unclean,
    /// Back to the first replica (`kafka-leader-election --election-type preferred` or the
    /// controller's automatic leader rebalance).
    Preferred,
}

impl ElectionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ElectionKind::Clean => "clean",
            ElectionKind::Unclean => "unclean",
            ElectionKind::Preferred => "preferred",
        }
    }
}

/// One thing that happened.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Event {
    CommandRejected {
        op: String,
        error: KafkaError,
    },
    TopicCreated {
        topic: Arc<str>,
        topic_id: String,
        partitions: u32,
        replication_factor: u32,
    },
    PartitionCreated {
        tp: TopicPartition,
        replicas: Vec<BrokerId>,
        leader: Option<BrokerId>,
        epoch: Epoch,
        isr: Vec<BrokerId>,
    },
    /// The controller removed the topic (`RemoveTopicRecord`); brokers delete its logs as
    /// they learn of it.
    TopicDeleted {
        topic: Arc<str>,
    },
    TopicConfigChanged {
        topic: Arc<str>,
        configs: String,
    },
    BrokerKilled {
        broker: BrokerId,
    },
    BrokerRestarted {
        broker: BrokerId,
    },
    BrokerAdded {
        broker: BrokerId,
    },
    BrokerIsolated {
        broker: BrokerId,
        /// `All` links, or only those to the `Cluster`.
        #[serde(default)]
        from: IsolateFrom,
    },
    /// `stop_broker`: a controlled shutdown (leaderships moved first), then the process ends.
    BrokerStopped {
        broker: BrokerId,
    },
    NetworkHealed,
    /// The controller accepted a broker's registration (a new incarnation).
    BrokerRegistered {
        broker: BrokerId,
        broker_epoch: u64,
    },
    /// The controller rejected a registration while the old session is still valid.
    BrokerRegistrationRejected {
        broker: BrokerId,
        error: ErrorKind,
    },
    /// No heartbeat for `broker.session.timeout.ms`: the controller fences the broker.
    BrokerFenced {
        broker: BrokerId,
    },
    BrokerUnfenced {
        broker: BrokerId,
    },
    /// The answer to `kafka-leader-election` (`elect_leaders`, `elect_preferred_leaders`):
    /// partitions elected, partitions whose leader was already the desired one, and those
    /// that failed, with Kafka's error; [`crate::trace`] words it as the tool prints it.
    LeaderElectionResult {
        election: ElectionKind,
        succeeded: Vec<TopicPartition>,
        not_needed: Vec<TopicPartition>,
        failed: Vec<(TopicPartition, ErrorKind)>,
    },
    LeaderElected {
        tp: TopicPartition,
        leader: BrokerId,
        epoch: Epoch,
        isr: Vec<BrokerId>,
        election: ElectionKind,
    },
    /// No eligible leader: `Leader: none`.
    PartitionOffline {
        tp: TopicPartition,
        epoch: Epoch,
        isr: Vec<BrokerId>,
    },
    IsrShrunk {
        tp: TopicPartition,
        isr: Vec<BrokerId>,
        removed: Vec<BrokerId>,
    },
    IsrExpanded {
        tp: TopicPartition,
        isr: Vec<BrokerId>,
        added: Vec<BrokerId>,
    },
    /// A leader appended a producer batch.
    RecordsAppended {
        broker: BrokerId,
        tp: TopicPartition,
        base_offset: Offset,
        count: u32,
        epoch: Epoch,
        /// The producer client that sent the batch (`None`: the broker's own write, a
        /// transaction marker or a group coordinator's record), so a record's lineage can
        /// name its producer even when no ack came back (acks=0, a lost response).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client: Option<ClientId>,
    },
    /// A follower appended records fetched from its leader: `count` offsets from
    /// `base_offset` (more offsets than records where the leader's log was compacted).
    RecordsReplicated {
        broker: BrokerId,
        tp: TopicPartition,
        base_offset: Offset,
        count: u64,
    },
    HighWatermarkAdvanced {
        broker: BrokerId,
        tp: TopicPartition,
        high_watermark: Offset,
    },
    /// A replica cut its log back to `to_offset` (divergence from the leader's epochs).
    LogTruncated {
        broker: BrokerId,
        tp: TopicPartition,
        from_leo: Offset,
        to_offset: Offset,
    },
    /// A replica's log rolled a new active segment at `base_offset` (`segment.bytes` or
    /// `segment.ms` reached).
    SegmentRolled {
        broker: BrokerId,
        tp: TopicPartition,
        base_offset: Offset,
    },
    /// Retention deleted a replica's oldest segments; its log now starts at `log_start_offset`.
    /// `reason`: `retention.ms`, `retention.bytes` or `log-start-offset` (below the log start
    /// its leader moved to).
    SegmentsDeleted {
        broker: BrokerId,
        tp: TopicPartition,
        segments: u32,
        log_start_offset: Offset,
        reason: Arc<str>,
    },
    /// The log cleaner compacted a replica's log up to `clean_offset`.
    LogCleaned {
        broker: BrokerId,
        tp: TopicPartition,
        records_removed: u64,
        clean_offset: Offset,
        segments: u32,
    },
    /// Records a producer had been told were written are gone for good: the new leader's log
    /// does not have them. `ranges` are `[start, end)` offsets.
    AckedRecordsLost {
        tp: TopicPartition,
        leader: BrokerId,
        epoch: Epoch,
        ranges: Vec<(Offset, Offset)>,
        count: u64,
    },
    ProduceAcked {
        producer: Arc<str>,
        tp: TopicPartition,
        base_offset: Offset,
        count: u32,
        /// Leader epoch of the write, which identifies the batch together with its offsets.
        epoch: Epoch,
    },
    ProduceFailed {
        producer: Arc<str>,
        tp: Option<TopicPartition>,
        count: u32,
        error: ErrorKind,
    },
    /// A batch failed with a retriable error and goes back to the producer's queue, to be
    /// sent again (`attempt` times so far) after `retry.backoff.ms`.
    ProduceRetried {
        producer: Arc<str>,
        tp: TopicPartition,
        count: u32,
        error: ErrorKind,
        attempt: u32,
    },
    ProducerStarted {
        producer: Arc<str>,
        topic: Arc<str>,
        rate_per_s: u64,
    },
    ProducerStopped {
        producer: Arc<str>,
    },
    /// A connector was created or its config changed; it runs `tasks` tasks now.
    ConnectorConfigured {
        connector: Arc<str>,
        class: crate::connect::ConnectorClass,
        tasks: u32,
    },
    /// A connector was deleted; its tasks stop.
    ConnectorDeleted {
        connector: Arc<str>,
    },
    // ----- consumer groups ---------------------------------------------------------------
    /// A consumer (client id `consumer`) starts and subscribes.
    ConsumerStarted {
        group: Arc<str>,
        consumer: Arc<str>,
        topics: Vec<Arc<str>>,
    },
    /// FindCoordinator answered: the group's coordinator is `broker`.
    CoordinatorFound {
        group: Arc<str>,
        consumer: Arc<str>,
        broker: BrokerId,
    },
    /// A broker became coordinator of an `__consumer_offsets` partition and loaded its
    /// groups (committed offsets and group metadata) from the log.
    CoordinatorLoaded {
        broker: BrokerId,
        partition: u32,
        groups: u32,
    },
    /// The coordinator added a member (after the MEMBER_ID_REQUIRED round trip).
    MemberJoined {
        group: Arc<str>,
        member: Arc<str>,
        broker: BrokerId,
    },
    /// The coordinator removed a member: it left, its session expired, or it did not rejoin
    /// within the rebalance timeout.
    MemberRemoved {
        group: Arc<str>,
        member: Arc<str>,
        reason: Arc<str>,
    },
    /// The group entered PreparingRebalance; members must rejoin. `generation` is the current one.
    RebalanceStarted {
        group: Arc<str>,
        generation: i32,
        reason: Arc<str>,
    },
    /// The leader's assignment arrived: the group is Stable in `generation`.
    RebalanceCompleted {
        group: Arc<str>,
        generation: i32,
        protocol: Arc<str>,
        leader: Arc<str>,
        members: u32,
    },
    /// The last member is gone: the group is Empty (its committed offsets stay).
    GroupEmptied {
        group: Arc<str>,
        generation: i32,
    },
    /// A consumer received its assignment for `generation`.
    PartitionsAssigned {
        group: Arc<str>,
        consumer: Arc<str>,
        generation: i32,
        assigned: Vec<TopicPartition>,
        added: Vec<TopicPartition>,
        revoked: Vec<TopicPartition>,
    },
    /// An eager consumer gave up all its partitions before rejoining.
    PartitionsRevoked {
        group: Arc<str>,
        consumer: Arc<str>,
        partitions: Vec<TopicPartition>,
    },
    /// Where a consumer starts reading a newly assigned partition, and why.
    FetchPositionSet {
        group: Arc<str>,
        consumer: Arc<str>,
        tp: TopicPartition,
        offset: Offset,
        /// `committed`, `earliest`, `latest` (auto.offset.reset) or `out-of-range`.
        source: Arc<str>,
    },
    /// Records handed to the application by one poll, for one partition.
    RecordsDelivered {
        group: Arc<str>,
        consumer: Arc<str>,
        tp: TopicPartition,
        base_offset: Offset,
        count: u32,
        /// The records themselves (shared with the log, never copied).
        records: Vec<Chunk>,
        /// The leader's log start offset when it served them (FetchResponse's
        /// `LogStartOffset`): no delivered offset is below it.
        log_start_offset: Offset,
    },
    /// The coordinator stored committed offsets (replicated to the ISR of its partition).
    OffsetsCommitted {
        group: Arc<str>,
        member: Arc<str>,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    /// `kafka-consumer-groups --reset-offsets --execute`.
    OffsetsReset {
        group: Arc<str>,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    /// The consumer process died without leaving the group.
    ConsumerKilled {
        group: Arc<str>,
        consumer: Arc<str>,
    },
    /// The consumer closed: committed (if auto-commit) and left the group.
    ConsumerLeft {
        group: Arc<str>,
        consumer: Arc<str>,
    },
    /// An error the application would see from `poll()`.
    ConsumerError {
        group: Arc<str>,
        consumer: Arc<str>,
        error: KafkaError,
    },
    /// The transaction coordinator wrote every marker: the transaction is committed (or
    /// aborted) on all its partitions.
    TransactionCompleted {
        broker: BrokerId,
        transactional_id: Arc<str>,
        producer_id: u64,
        epoch: u16,
        committed: bool,
    },
    /// The coordinator aborts a transaction open longer than `transaction.timeout.ms`.
    TransactionTimedOut {
        broker: BrokerId,
        transactional_id: Arc<str>,
        producer_id: u64,
    },
    /// A transactional producer ended (`commitTransaction`/`abortTransaction` returned), or
    /// failed: fenced by a newer producer of its transactional id, or unable to commit.
    TransactionEnded {
        producer: Arc<str>,
        committed: bool,
        error: Option<ErrorKind>,
    },
}

impl Event {
    /// The one partition the event is about, if it is about one.
    pub fn partition(&self) -> Option<&TopicPartition> {
        match self {
            Event::PartitionCreated { tp, .. }
            | Event::LeaderElected { tp, .. }
            | Event::PartitionOffline { tp, .. }
            | Event::IsrShrunk { tp, .. }
            | Event::IsrExpanded { tp, .. }
            | Event::RecordsAppended { tp, .. }
            | Event::RecordsReplicated { tp, .. }
            | Event::HighWatermarkAdvanced { tp, .. }
            | Event::LogTruncated { tp, .. }
            | Event::SegmentRolled { tp, .. }
            | Event::SegmentsDeleted { tp, .. }
            | Event::LogCleaned { tp, .. }
            | Event::AckedRecordsLost { tp, .. }
            | Event::ProduceAcked { tp, .. }
            | Event::ProduceRetried { tp, .. }
            | Event::FetchPositionSet { tp, .. }
            | Event::RecordsDelivered { tp, .. } => Some(tp),
            Event::ProduceFailed { tp, .. } => tp.as_ref(),
            _ => None,
        }
    }

    /// The event's name as the trace prints it.
    pub fn name(&self) -> &'static str {
        match self {
            Event::CommandRejected { .. } => "CommandRejected",
            Event::TopicCreated { .. } => "TopicCreated",
            Event::TopicDeleted { .. } => "TopicDeleted",
            Event::PartitionCreated { .. } => "PartitionCreated",
            Event::TopicConfigChanged { .. } => "TopicConfigChanged",
            Event::BrokerKilled { .. } => "BrokerKilled",
            Event::BrokerRestarted { .. } => "BrokerRestarted",
            Event::BrokerAdded { .. } => "BrokerAdded",
            Event::BrokerIsolated { .. } => "BrokerIsolated",
            Event::BrokerStopped { .. } => "BrokerStopped",
            Event::NetworkHealed => "NetworkHealed",
            Event::BrokerRegistered { .. } => "BrokerRegistered",
            Event::BrokerRegistrationRejected { .. } => "RegistrationRejected",
            Event::BrokerFenced { .. } => "BrokerFenced",
            Event::BrokerUnfenced { .. } => "BrokerUnfenced",
            Event::LeaderElected { .. } => "LeaderElected",
            Event::LeaderElectionResult { .. } => "LeaderElection",
            Event::PartitionOffline { .. } => "PartitionOffline",
            Event::IsrShrunk { .. } => "IsrShrunk",
            Event::IsrExpanded { .. } => "IsrExpanded",
            Event::RecordsAppended { .. } => "RecordsAppended",
            Event::RecordsReplicated { .. } => "RecordsReplicated",
            Event::HighWatermarkAdvanced { .. } => "HighWatermark",
            Event::LogTruncated { .. } => "LogTruncated",
            Event::SegmentRolled { .. } => "SegmentRolled",
            Event::SegmentsDeleted { .. } => "SegmentsDeleted",
            Event::LogCleaned { .. } => "LogCleaned",
            Event::AckedRecordsLost { .. } => "AckedRecordsLost",
            Event::ProduceAcked { .. } => "ProduceAcked",
            Event::ProduceFailed { .. } => "ProduceFailed",
            Event::ProduceRetried { .. } => "ProduceRetried",
            Event::ProducerStarted { .. } => "ProducerStarted",
            Event::ProducerStopped { .. } => "ProducerStopped",
            Event::ConnectorConfigured { .. } => "ConnectorConfigured",
            Event::ConnectorDeleted { .. } => "ConnectorDeleted",
            Event::ConsumerStarted { .. } => "ConsumerStarted",
            Event::CoordinatorFound { .. } => "CoordinatorFound",
            Event::CoordinatorLoaded { .. } => "CoordinatorLoaded",
            Event::MemberJoined { .. } => "MemberJoined",
            Event::MemberRemoved { .. } => "MemberRemoved",
            Event::RebalanceStarted { .. } => "RebalanceStarted",
            Event::RebalanceCompleted { .. } => "RebalanceCompleted",
            Event::GroupEmptied { .. } => "GroupEmptied",
            Event::PartitionsAssigned { .. } => "PartitionsAssigned",
            Event::PartitionsRevoked { .. } => "PartitionsRevoked",
            Event::FetchPositionSet { .. } => "FetchPosition",
            Event::RecordsDelivered { .. } => "RecordsDelivered",
            Event::OffsetsCommitted { .. } => "OffsetsCommitted",
            Event::OffsetsReset { .. } => "OffsetsReset",
            Event::ConsumerKilled { .. } => "ConsumerKilled",
            Event::ConsumerLeft { .. } => "ConsumerLeft",
            Event::ConsumerError { .. } => "ConsumerError",
            Event::TransactionCompleted { .. } => "TransactionCompleted",
            Event::TransactionTimedOut { .. } => "TransactionTimedOut",
            Event::TransactionEnded { .. } => "TransactionEnded",
        }
    }
}

/// An event and when it happened.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TimedEvent {
    pub at: SimTime,
    pub event: Event,
}
