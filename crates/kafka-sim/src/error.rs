//! Kafka's errors, named as the Java client names the exception, with Kafka's message texts.
//!
//! A rejected command is an `Err(KafkaError)`; the engine records it in the trace and the run
//! goes on with its state unchanged. Broken invariants inside the engine are bugs and panic.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The exception class (or protocol error) Kafka would raise.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub enum ErrorKind {
    InvalidTopicException,
    TopicExistsException,
    InvalidPartitionsException,
    InvalidReplicationFactorException,
    InvalidReplicaAssignmentException,
    InvalidRequestException,
    InvalidConfigurationException,
    UnknownTopicOrPartitionException,
    NotLeaderOrFollowerException,
    NotEnoughReplicasException,
    NotEnoughReplicasAfterAppendException,
    FencedLeaderEpochException,
    UnknownLeaderEpochException,
    LeaderNotAvailableException,
    NetworkException,
    TimeoutException,
    RecordTooLargeException,
    /// A record the broker refuses, e.g. a keyless record for a compacted topic.
    InvalidRecordException,
    KafkaException,
    BrokerNotAvailableException,
    DuplicateBrokerRegistrationException,
    StaleBrokerEpochException,
    InvalidUpdateVersionException,
    IneligibleReplicaException,
    IllegalArgumentException,
    CoordinatorNotAvailableException,
    NotCoordinatorException,
    UnknownMemberIdException,
    IllegalGenerationException,
    RebalanceInProgressException,
    InconsistentGroupProtocolException,
    MemberIdRequiredException,
    OffsetOutOfRangeException,
    NoOffsetForPartitionException,
    InvalidGroupIdException,
    ConfigException,
    OutOfOrderSequenceException,
    InvalidProducerEpochException,
    PreferredLeaderNotAvailableException,
    EligibleLeadersNotAvailableException,
    ElectionNotNeededException,
    /// An InitProducerId of the same transactional id gave a newer epoch.
    ProducerFencedException,
    /// The coordinator is still completing the previous transaction (retriable).
    ConcurrentTransactionsException,
    InvalidTxnStateException,
    /// Kafka Connect's `NotFoundException` (its REST API's 404): no such connector.
    NotFoundException,
    /// Not a Kafka error: a simulator-only command (e.g. kill a broker) that makes no sense
    /// in the current state, such as killing a broker that is already down.
    IllegalStateException,
}

impl ErrorKind {
    /// The exception's simple class name, as printed by `--acks` (`error NAME`).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::InvalidTopicException => "InvalidTopicException",
            ErrorKind::TopicExistsException => "TopicExistsException",
            ErrorKind::InvalidPartitionsException => "InvalidPartitionsException",
            ErrorKind::InvalidReplicationFactorException => "InvalidReplicationFactorException",
            ErrorKind::InvalidReplicaAssignmentException => "InvalidReplicaAssignmentException",
            ErrorKind::InvalidRequestException => "InvalidRequestException",
            ErrorKind::InvalidConfigurationException => "InvalidConfigurationException",
            ErrorKind::UnknownTopicOrPartitionException => "UnknownTopicOrPartitionException",
            ErrorKind::NotLeaderOrFollowerException => "NotLeaderOrFollowerException",
            ErrorKind::NotEnoughReplicasException => "NotEnoughReplicasException",
            ErrorKind::NotEnoughReplicasAfterAppendException => {
                "NotEnoughReplicasAfterAppendException"
            }
            ErrorKind::FencedLeaderEpochException => "FencedLeaderEpochException",
            ErrorKind::UnknownLeaderEpochException => "UnknownLeaderEpochException",
            ErrorKind::LeaderNotAvailableException => "LeaderNotAvailableException",
            ErrorKind::NetworkException => "NetworkException",
            ErrorKind::TimeoutException => "TimeoutException",
            ErrorKind::RecordTooLargeException => "RecordTooLargeException",
            ErrorKind::InvalidRecordException => "InvalidRecordException",
            ErrorKind::KafkaException => "KafkaException",
            ErrorKind::BrokerNotAvailableException => "BrokerNotAvailableException",
            ErrorKind::DuplicateBrokerRegistrationException => {
                "DuplicateBrokerRegistrationException"
            }
            ErrorKind::StaleBrokerEpochException => "StaleBrokerEpochException",
            ErrorKind::InvalidUpdateVersionException => "InvalidUpdateVersionException",
            ErrorKind::IneligibleReplicaException => "IneligibleReplicaException",
            ErrorKind::IllegalArgumentException => "IllegalArgumentException",
            ErrorKind::CoordinatorNotAvailableException => "CoordinatorNotAvailableException",
            ErrorKind::NotCoordinatorException => "NotCoordinatorException",
            ErrorKind::UnknownMemberIdException => "UnknownMemberIdException",
            ErrorKind::IllegalGenerationException => "IllegalGenerationException",
            ErrorKind::RebalanceInProgressException => "RebalanceInProgressException",
            ErrorKind::InconsistentGroupProtocolException => "InconsistentGroupProtocolException",
            ErrorKind::MemberIdRequiredException => "MemberIdRequiredException",
            ErrorKind::OffsetOutOfRangeException => "OffsetOutOfRangeException",
            ErrorKind::NoOffsetForPartitionException => "NoOffsetForPartitionException",
            ErrorKind::InvalidGroupIdException => "InvalidGroupIdException",
            ErrorKind::ConfigException => "ConfigException",
            ErrorKind::OutOfOrderSequenceException => "OutOfOrderSequenceException",
            ErrorKind::InvalidProducerEpochException => "InvalidProducerEpochException",
            ErrorKind::PreferredLeaderNotAvailableException => {
                "PreferredLeaderNotAvailableException"
            }
            ErrorKind::EligibleLeadersNotAvailableException => {
                "EligibleLeadersNotAvailableException"
            }
            ErrorKind::ElectionNotNeededException => "ElectionNotNeededException",
            ErrorKind::ProducerFencedException => "ProducerFencedException",
            ErrorKind::ConcurrentTransactionsException => "ConcurrentTransactionsException",
            ErrorKind::InvalidTxnStateException => "InvalidTxnStateException",
            ErrorKind::NotFoundException => "NotFoundException",
            ErrorKind::IllegalStateException => "IllegalStateException",
        }
    }

    /// Kafka's default message for protocol errors (`Errors.java`), used when the broker
    /// answers with an error code and no custom message.
    pub fn default_message(self) -> &'static str {
        match self {
            ErrorKind::UnknownTopicOrPartitionException => {
                "This server does not host this topic-partition."
            }
            ErrorKind::NotLeaderOrFollowerException => {
                "For requests intended only for the leader, this error indicates that the broker is not the current leader. For requests intended for any replica, this error indicates that the broker is not a replica of the topic partition."
            }
            ErrorKind::NotEnoughReplicasException => {
                "Messages are rejected since there are fewer in-sync replicas than required."
            }
            ErrorKind::NotEnoughReplicasAfterAppendException => {
                "Messages are written to the log, but to fewer in-sync replicas than required."
            }
            ErrorKind::FencedLeaderEpochException => {
                "The leader epoch in the request is older than the epoch on the broker."
            }
            ErrorKind::UnknownLeaderEpochException => {
                "The leader epoch in the request is newer than the epoch on the broker."
            }
            ErrorKind::LeaderNotAvailableException => {
                "There is no leader for this topic-partition as we are in the middle of a leadership election."
            }
            ErrorKind::NetworkException => {
                "The server disconnected before a response was received."
            }
            ErrorKind::TimeoutException => "The request timed out.",
            ErrorKind::DuplicateBrokerRegistrationException => {
                "This broker ID is already in use."
            }
            ErrorKind::StaleBrokerEpochException => "Broker epoch has changed.",
            ErrorKind::InvalidUpdateVersionException => "The given update version was invalid.",
            ErrorKind::IneligibleReplicaException => {
                "The new ISR contains at least one ineligible replica."
            }
            ErrorKind::CoordinatorNotAvailableException => "The coordinator is not available.",
            ErrorKind::NotCoordinatorException => "This is not the correct coordinator.",
            ErrorKind::UnknownMemberIdException => "The coordinator is not aware of this member.",
            ErrorKind::IllegalGenerationException => "Specified group generation id is not valid.",
            ErrorKind::RebalanceInProgressException => {
                "The group is rebalancing, so a rejoin is needed."
            }
            ErrorKind::InconsistentGroupProtocolException => {
                "The group member's supported protocols are incompatible with those of existing members or first group member tried to join with empty protocol type or empty protocol list."
            }
            ErrorKind::MemberIdRequiredException => {
                "The group member needs to have a valid member id before actually entering a consumer group."
            }
            ErrorKind::OffsetOutOfRangeException => {
                "The requested offset is not within the range of offsets maintained by the server."
            }
            ErrorKind::InvalidRecordException => {
                "This record has failed the validation on broker and hence will be rejected."
            }
            ErrorKind::OutOfOrderSequenceException => {
                "The broker received an out of order sequence number."
            }
            ErrorKind::InvalidProducerEpochException => {
                "Producer attempted to produce with an old epoch."
            }
            ErrorKind::PreferredLeaderNotAvailableException => {
                "The preferred leader was not available."
            }
            ErrorKind::EligibleLeadersNotAvailableException => {
                "Eligible topic partition leaders are not available."
            }
            ErrorKind::ElectionNotNeededException => {
                "Leader election not needed for topic partition."
            }
            ErrorKind::ProducerFencedException => {
                "There is a newer producer with the same transactionalId which fences the current one."
            }
            ErrorKind::ConcurrentTransactionsException => {
                "The producer attempted to update a transaction while another concurrent operation on the same transaction was ongoing."
            }
            ErrorKind::InvalidTxnStateException => {
                "The producer attempted a transactional operation in an invalid state."
            }
            _ => "",
        }
    }

    /// Whether Kafka's producer retries a batch that failed with this error. (Kafka also marks
    /// NotEnoughReplicas retriable; the simulator surfaces it at once, see README.)
    pub fn is_retriable_for_producer(self) -> bool {
        matches!(
            self,
            ErrorKind::NotLeaderOrFollowerException
                | ErrorKind::UnknownTopicOrPartitionException
                | ErrorKind::LeaderNotAvailableException
                | ErrorKind::NetworkException
                | ErrorKind::TimeoutException
                | ErrorKind::FencedLeaderEpochException
                | ErrorKind::UnknownLeaderEpochException
        )
    }
}

/// An error with Kafka's exception name and message.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct KafkaError {
    pub kind: ErrorKind,
    pub message: String,
}

impl KafkaError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        KafkaError {
            kind,
            message: message.into(),
        }
    }

    /// The error with Kafka's default message for its code.
    pub fn of(kind: ErrorKind) -> Self {
        KafkaError::new(kind, kind.default_message())
    }

    pub fn name(&self) -> &'static str {
        self.kind.name()
    }
}

impl fmt::Display for KafkaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)
    }
}

impl std::error::Error for KafkaError {}
