//! What happened: the closed set of events the engine reports, one per state change that a
//! user (or the app's animation and event log) cares about. Events are per batch, not per
//! record, so a million records make thousands of events, not millions.

use crate::error::{ErrorKind, KafkaError};
use crate::ids::{BrokerId, Epoch, Offset, SimTime, TopicPartition};
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
    },
    /// A follower appended records fetched from its leader.
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
    ProducerStarted {
        producer: Arc<str>,
        topic: Arc<str>,
        rate_per_s: u64,
    },
    ProducerStopped {
        producer: Arc<str>,
    },
}

impl Event {
    /// The event's name as the trace prints it.
    pub fn name(&self) -> &'static str {
        match self {
            Event::CommandRejected { .. } => "CommandRejected",
            Event::TopicCreated { .. } => "TopicCreated",
            Event::PartitionCreated { .. } => "PartitionCreated",
            Event::TopicConfigChanged { .. } => "TopicConfigChanged",
            Event::BrokerKilled { .. } => "BrokerKilled",
            Event::BrokerRestarted { .. } => "BrokerRestarted",
            Event::BrokerAdded { .. } => "BrokerAdded",
            Event::BrokerIsolated { .. } => "BrokerIsolated",
            Event::NetworkHealed => "NetworkHealed",
            Event::BrokerRegistered { .. } => "BrokerRegistered",
            Event::BrokerRegistrationRejected { .. } => "RegistrationRejected",
            Event::BrokerFenced { .. } => "BrokerFenced",
            Event::BrokerUnfenced { .. } => "BrokerUnfenced",
            Event::LeaderElected { .. } => "LeaderElected",
            Event::PartitionOffline { .. } => "PartitionOffline",
            Event::IsrShrunk { .. } => "IsrShrunk",
            Event::IsrExpanded { .. } => "IsrExpanded",
            Event::RecordsAppended { .. } => "RecordsAppended",
            Event::RecordsReplicated { .. } => "RecordsReplicated",
            Event::HighWatermarkAdvanced { .. } => "HighWatermark",
            Event::LogTruncated { .. } => "LogTruncated",
            Event::AckedRecordsLost { .. } => "AckedRecordsLost",
            Event::ProduceAcked { .. } => "ProduceAcked",
            Event::ProduceFailed { .. } => "ProduceFailed",
            Event::ProducerStarted { .. } => "ProducerStarted",
            Event::ProducerStopped { .. } => "ProducerStopped",
        }
    }
}

/// An event and when it happened.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct TimedEvent {
    pub at: SimTime,
    pub event: Event,
}
