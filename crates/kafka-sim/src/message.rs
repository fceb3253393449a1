//! The payloads carried by [`crate::network::Envelope`]s: Kafka's requests and responses,
//! reduced to the fields the model needs.

use crate::assignor::{AssignorKind, Subscription};
use crate::error::ErrorKind;
use crate::ids::{BrokerId, Epoch, Offset, TopicPartition};
use crate::log::AbortedTxn;
use crate::metadata::{MetadataImage, PartitionRegistration};
use crate::record::{BatchData, Chunk, ProducerIds};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// `acks` of a producer.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub enum Acks {
    /// Fire and forget: acknowledged as soon as the request is sent.
    Zero,
    /// Acknowledged after the leader's local append.
    One,
    /// Acknowledged once the high watermark passes the record.
    #[default]
    All,
}

impl Acks {
    pub fn as_str(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }
}

/// One partition of a follower's FETCH request.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct FetchPartition {
    pub tp: TopicPartition,
    pub fetch_offset: Offset,
    /// Epoch of the follower's last record (KIP-595 divergence check); `None` if empty log.
    pub last_fetched_epoch: Option<Epoch>,
    pub current_leader_epoch: Epoch,
}

/// One partition of a FETCH response.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum FetchResult {
    Records {
        chunks: Vec<Chunk>,
        high_watermark: Offset,
        /// The leader's log start offset (followers move theirs up to it).
        log_start_offset: Offset,
        /// For read_committed: the aborted transactions among the records.
        #[serde(default)]
        aborted: Vec<AbortedTxn>,
    },
    /// A follower asked for an offset below the leader's log start (retention deleted it):
    /// Kafka's OFFSET_OUT_OF_RANGE with the leader's log start and end, after which the
    /// follower truncates fully and starts at the log start.
    OutOfRange {
        log_start_offset: Offset,
        log_end_offset: Offset,
    },
    /// The follower's log diverges from the leader's: truncate (KIP-101/279/595).
    Diverging {
        epoch: Epoch,
        end_offset: Offset,
    },
    Error(ErrorKind),
}

/// What a transactional producer asks its transaction coordinator
/// (`TransactionCoordinator.handle*`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum TxnRequest {
    FindCoordinator,
    /// With the producer's `transaction.timeout.ms`.
    InitProducerId {
        timeout_ms: u64,
    },
    AddPartitions {
        producer_id: u64,
        epoch: u16,
        partitions: Vec<TopicPartition>,
    },
    EndTxn {
        producer_id: u64,
        epoch: u16,
        commit: bool,
    },
}

/// A produce result of one partition: base offset and leader epoch of the write.
pub type ProduceResult = Result<(Offset, Epoch), ErrorKind>;

/// A topic in a METADATA response.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TopicMetadata {
    pub topic: Arc<str>,
    pub error: Option<ErrorKind>,
    /// Leader of each partition, `None` if offline.
    pub leaders: Vec<Option<BrokerId>>,
    /// Leader epoch of each partition (what a newer leader in a produce error is compared to).
    #[serde(default)]
    pub leader_epochs: Vec<Epoch>,
    /// The topic's id (MetadataResponse v10+): a new one means the topic was deleted and
    /// created again under its name. Empty with an error.
    #[serde(default)]
    pub topic_id: String,
}

/// Which offset a ListOffsets request asks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum OffsetSpec {
    /// The log start offset (`-2`).
    Earliest,
    /// The high watermark (`-1`, read_uncommitted).
    Latest,
    /// The last stable offset (`-1`, read_committed).
    LastStable,
    /// The first offset whose timestamp is at or after this time, ms.
    Timestamp(u64),
}

/// A consumer group request of the classic protocol, answered by the group's coordinator
/// (FindCoordinator by any broker).
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum GroupRequest {
    FindCoordinator {
        group: Arc<str>,
    },
    JoinGroup {
        group: Arc<str>,
        /// Empty for a new member (the coordinator answers MEMBER_ID_REQUIRED with one).
        member_id: Arc<str>,
        client_id: Arc<str>,
        session_timeout_ms: u64,
        rebalance_timeout_ms: u64,
        /// `partition.assignment.strategy` in preference order, each with its subscription.
        protocols: Vec<(AssignorKind, Subscription)>,
    },
    SyncGroup {
        group: Arc<str>,
        generation: i32,
        member_id: Arc<str>,
        /// Only the leader sends assignments.
        assignments: Vec<(Arc<str>, Vec<TopicPartition>)>,
    },
    Heartbeat {
        group: Arc<str>,
        generation: i32,
        member_id: Arc<str>,
    },
    LeaveGroup {
        group: Arc<str>,
        member_id: Arc<str>,
    },
    OffsetCommit {
        group: Arc<str>,
        generation: i32,
        member_id: Arc<str>,
        offsets: Vec<(TopicPartition, Offset)>,
    },
    OffsetFetch {
        group: Arc<str>,
        partitions: Vec<TopicPartition>,
    },
}

/// A successful JoinGroup answer.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct JoinResponse {
    pub generation: i32,
    pub protocol: AssignorKind,
    pub leader: Arc<str>,
    pub member_id: Arc<str>,
    /// Every member's subscription for the chosen protocol; only the leader gets them.
    pub members: Vec<(Arc<str>, Subscription)>,
}

/// The answer to a [`GroupRequest`].
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum GroupResponse {
    FindCoordinator(Result<BrokerId, ErrorKind>),
    /// On error, the member id to use next (MEMBER_ID_REQUIRED carries the new one).
    JoinGroup(Result<JoinResponse, (ErrorKind, Arc<str>)>),
    SyncGroup(Result<Vec<TopicPartition>, ErrorKind>),
    Heartbeat(Result<(), ErrorKind>),
    LeaveGroup(Result<(), ErrorKind>),
    OffsetCommit(Result<(), ErrorKind>),
    OffsetFetch(Result<Vec<(TopicPartition, Option<Offset>)>, ErrorKind>),
}

/// What a network message says.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Message {
    BrokerRegistration {
        request_id: u64,
        incarnation: u32,
    },
    BrokerRegistrationResponse {
        request_id: u64,
        result: Result<u64, ErrorKind>,
        image: Option<Arc<MetadataImage>>,
    },
    BrokerHeartbeat {
        request_id: u64,
        broker_epoch: u64,
        metadata_version: u64,
    },
    BrokerHeartbeatResponse {
        request_id: u64,
        result: Result<(), ErrorKind>,
        /// The current image when the broker reported an older version.
        image: Option<Arc<MetadataImage>>,
    },
    /// The controller publishing a new metadata image (models the brokers' metadata log fetch).
    MetadataUpdate {
        image: Arc<MetadataImage>,
    },
    AlterPartition {
        request_id: u64,
        tp: TopicPartition,
        leader_epoch: Epoch,
        partition_epoch: u32,
        new_isr: Vec<BrokerId>,
    },
    AlterPartitionResponse {
        request_id: u64,
        tp: TopicPartition,
        result: Result<PartitionRegistration, ErrorKind>,
    },
    Fetch {
        request_id: u64,
        partitions: Vec<FetchPartition>,
        /// A consumer's `isolation.level=read_committed` (followers read uncommitted).
        #[serde(default)]
        read_committed: bool,
    },
    FetchResponse {
        request_id: u64,
        partitions: Vec<(TopicPartition, FetchResult)>,
    },
    MetadataRequest {
        request_id: u64,
        topics: Vec<Arc<str>>,
    },
    MetadataResponse {
        request_id: u64,
        brokers: Vec<BrokerId>,
        topics: Vec<TopicMetadata>,
    },
    Produce {
        request_id: u64,
        acks: Acks,
        /// A transactional producer's batches (`isTransactional`).
        #[serde(default)]
        transactional: bool,
        /// Each partition's batch, with its idempotent producer's id, epoch and sequence.
        batches: Vec<(TopicPartition, Arc<BatchData>, Option<ProducerIds>)>,
    },
    /// An idempotent producer asks any broker for a producer id (`InitProducerId` without a
    /// transactional id).
    InitProducerId {
        request_id: u64,
    },
    /// `(producer id, epoch)`.
    InitProducerIdResponse {
        request_id: u64,
        result: Result<(u64, u16), ErrorKind>,
    },
    /// A broker asks the controller for a block of producer ids (`AllocateProducerIds`).
    AllocateProducerIds {
        request_id: u64,
    },
    /// The first id of the broker's new block of `PRODUCER_ID_BLOCK_SIZE`.
    AllocateProducerIdsResponse {
        request_id: u64,
        first: u64,
    },
    ProduceResponse {
        request_id: u64,
        results: Vec<(TopicPartition, ProduceResult)>,
        /// KIP-951: for a partition answered NOT_LEADER_OR_FOLLOWER, the leader and leader
        /// epoch this broker knows (`CurrentLeader`), so the producer need not wait for
        /// metadata.
        #[serde(default)]
        current_leaders: Vec<(TopicPartition, BrokerId, Epoch)>,
    },
    /// Made by the network, not by a node: the destination of request `request_id` is down
    /// (connection refused).
    Disconnected {
        request_id: u64,
    },
    /// A broker asks the controller to create `__consumer_offsets` (first FindCoordinator).
    CreateOffsetsTopic,
    /// A broker asks the controller to create a topic a client's metadata request named
    /// (`AutoTopicCreationManager`, `auto.create.topics.enable=true`).
    AutoCreateTopic {
        topic: Arc<str>,
    },
    /// A broker asks the controller to create `__transaction_state` (first FindCoordinator
    /// of a transactional id).
    CreateTransactionTopic,
    /// A transactional producer to a (transaction) coordinator.
    TxnRequest {
        request_id: u64,
        transactional_id: Arc<str>,
        request: TxnRequest,
    },
    /// FindCoordinator: `(coordinator broker, 0)`; the others: the producer id and epoch.
    TxnResponse {
        request_id: u64,
        result: Result<(u64, u16), ErrorKind>,
    },
    /// The coordinator to a partition leader: write the transaction's marker.
    WriteTxnMarkers {
        request_id: u64,
        producer_id: u64,
        epoch: u16,
        commit: bool,
        partitions: Vec<TopicPartition>,
    },
    WriteTxnMarkersResponse {
        request_id: u64,
        results: Vec<(TopicPartition, ProduceResult)>,
    },
    GroupRequest {
        request_id: u64,
        request: Box<GroupRequest>,
    },
    GroupResponse {
        request_id: u64,
        response: Box<GroupResponse>,
    },
    ListOffsets {
        request_id: u64,
        partitions: Vec<(TopicPartition, OffsetSpec)>,
    },
    ListOffsetsResponse {
        request_id: u64,
        partitions: Vec<(TopicPartition, Result<Offset, ErrorKind>)>,
    },
}

/// The kind of a message, for drawing and filtering.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub enum MessageKind {
    BrokerRegistration,
    BrokerRegistrationResponse,
    BrokerHeartbeat,
    BrokerHeartbeatResponse,
    MetadataUpdate,
    AlterPartition,
    AlterPartitionResponse,
    Fetch,
    FetchResponse,
    MetadataRequest,
    MetadataResponse,
    Produce,
    ProduceResponse,
    InitProducerId,
    InitProducerIdResponse,
    AllocateProducerIds,
    AllocateProducerIdsResponse,
    Disconnected,
    CreateOffsetsTopic,
    AutoCreateTopic,
    CreateTransactionTopic,
    TxnRequest,
    TxnResponse,
    WriteTxnMarkers,
    WriteTxnMarkersResponse,
    FindCoordinator,
    FindCoordinatorResponse,
    JoinGroup,
    JoinGroupResponse,
    SyncGroup,
    SyncGroupResponse,
    Heartbeat,
    HeartbeatResponse,
    LeaveGroup,
    LeaveGroupResponse,
    OffsetCommit,
    OffsetCommitResponse,
    OffsetFetch,
    OffsetFetchResponse,
    ListOffsets,
    ListOffsetsResponse,
}

impl Message {
    pub fn kind(&self) -> MessageKind {
        match self {
            Message::BrokerRegistration { .. } => MessageKind::BrokerRegistration,
            Message::BrokerRegistrationResponse { .. } => MessageKind::BrokerRegistrationResponse,
            Message::BrokerHeartbeat { .. } => MessageKind::BrokerHeartbeat,
            Message::BrokerHeartbeatResponse { .. } => MessageKind::BrokerHeartbeatResponse,
            Message::MetadataUpdate { .. } => MessageKind::MetadataUpdate,
            Message::AlterPartition { .. } => MessageKind::AlterPartition,
            Message::AlterPartitionResponse { .. } => MessageKind::AlterPartitionResponse,
            Message::Fetch { .. } => MessageKind::Fetch,
            Message::FetchResponse { .. } => MessageKind::FetchResponse,
            Message::MetadataRequest { .. } => MessageKind::MetadataRequest,
            Message::MetadataResponse { .. } => MessageKind::MetadataResponse,
            Message::Produce { .. } => MessageKind::Produce,
            Message::ProduceResponse { .. } => MessageKind::ProduceResponse,
            Message::InitProducerId { .. } => MessageKind::InitProducerId,
            Message::InitProducerIdResponse { .. } => MessageKind::InitProducerIdResponse,
            Message::AllocateProducerIds { .. } => MessageKind::AllocateProducerIds,
            Message::AllocateProducerIdsResponse { .. } => MessageKind::AllocateProducerIdsResponse,
            Message::Disconnected { .. } => MessageKind::Disconnected,
            Message::CreateOffsetsTopic => MessageKind::CreateOffsetsTopic,
            Message::AutoCreateTopic { .. } => MessageKind::AutoCreateTopic,
            Message::CreateTransactionTopic => MessageKind::CreateTransactionTopic,
            Message::TxnRequest { .. } => MessageKind::TxnRequest,
            Message::TxnResponse { .. } => MessageKind::TxnResponse,
            Message::WriteTxnMarkers { .. } => MessageKind::WriteTxnMarkers,
            Message::WriteTxnMarkersResponse { .. } => MessageKind::WriteTxnMarkersResponse,
            Message::GroupRequest { request, .. } => match **request {
                GroupRequest::FindCoordinator { .. } => MessageKind::FindCoordinator,
                GroupRequest::JoinGroup { .. } => MessageKind::JoinGroup,
                GroupRequest::SyncGroup { .. } => MessageKind::SyncGroup,
                GroupRequest::Heartbeat { .. } => MessageKind::Heartbeat,
                GroupRequest::LeaveGroup { .. } => MessageKind::LeaveGroup,
                GroupRequest::OffsetCommit { .. } => MessageKind::OffsetCommit,
                GroupRequest::OffsetFetch { .. } => MessageKind::OffsetFetch,
            },
            Message::GroupResponse { response, .. } => match **response {
                GroupResponse::FindCoordinator(_) => MessageKind::FindCoordinatorResponse,
                GroupResponse::JoinGroup(_) => MessageKind::JoinGroupResponse,
                GroupResponse::SyncGroup(_) => MessageKind::SyncGroupResponse,
                GroupResponse::Heartbeat(_) => MessageKind::HeartbeatResponse,
                GroupResponse::LeaveGroup(_) => MessageKind::LeaveGroupResponse,
                GroupResponse::OffsetCommit(_) => MessageKind::OffsetCommitResponse,
                GroupResponse::OffsetFetch(_) => MessageKind::OffsetFetchResponse,
            },
            Message::ListOffsets { .. } => MessageKind::ListOffsets,
            Message::ListOffsetsResponse { .. } => MessageKind::ListOffsetsResponse,
        }
    }

    /// The id of a request that expects a response (and so is bounced with
    /// [`Message::Disconnected`] when its destination is down).
    pub fn request_id(&self) -> Option<u64> {
        match self {
            Message::BrokerRegistration { request_id, .. }
            | Message::BrokerHeartbeat { request_id, .. }
            | Message::AlterPartition { request_id, .. }
            | Message::Fetch { request_id, .. }
            | Message::MetadataRequest { request_id, .. }
            | Message::GroupRequest { request_id, .. }
            | Message::TxnRequest { request_id, .. }
            | Message::WriteTxnMarkers { request_id, .. }
            | Message::InitProducerId { request_id }
            | Message::AllocateProducerIds { request_id }
            | Message::ListOffsets { request_id, .. } => Some(*request_id),
            Message::Produce {
                request_id, acks, ..
            } if *acks != Acks::Zero => Some(*request_id),
            _ => None,
        }
    }

    /// Records carried (produce and fetch payloads), for the UI.
    pub fn record_count(&self) -> u64 {
        match self {
            Message::Produce { batches, .. } => {
                batches.iter().map(|(_, b, _)| u64::from(b.len())).sum()
            }
            Message::FetchResponse { partitions, .. } => partitions
                .iter()
                .map(|(_, r)| match r {
                    FetchResult::Records { chunks, .. } => {
                        chunks.iter().map(|c| u64::from(c.len())).sum()
                    }
                    _ => 0,
                })
                .sum(),
            _ => 0,
        }
    }
}
