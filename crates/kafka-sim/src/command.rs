//! What goes in: the closed set of commands a scenario (or the app) applies to the engine.

use crate::assignor::AssignorKind;
use crate::consumer::OffsetReset;
use crate::controller::NewTopic;
use crate::ids::{BrokerId, ProduceHandle};
use crate::message::Acks;
use crate::partitioner::PartitionerKind;
use crate::record::Header;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Command {
    /// `kafka-topics --create`.
    CreateTopic(NewTopic),
    /// `kafka-topics --alter --partitions N`.
    AlterPartitions {
        topic: String,
        partitions: i32,
    },
    /// `kafka-configs --alter --add-config/--delete-config` (`None` deletes).
    SetTopicConfig {
        topic: String,
        configs: BTreeMap<String, Option<String>>,
    },
    /// Send one record with a producer using `acks`.
    Produce {
        topic: String,
        key: Option<Vec<u8>>,
        value: Option<Vec<u8>>,
        headers: Vec<Header>,
        partition: Option<i32>,
        acks: Acks,
    },
    /// Start a load-generating producer named `id`.
    StartProducer {
        id: String,
        topic: String,
        rate_per_s: u64,
        /// Keys cycled through; `None` = null keys (sticky partitioner).
        keys: Option<Vec<String>>,
        acks: Acks,
        /// Pad or cut each value to this many bytes.
        value_bytes: Option<u32>,
        partitioner: PartitionerKind,
        /// Stop after this many records.
        max_records: Option<u64>,
    },
    StopProducer {
        id: String,
    },
    /// The broker process dies (its logs stay on disk).
    KillBroker {
        broker: BrokerId,
    },
    RestartBroker {
        broker: BrokerId,
    },
    /// Cut every link of a broker (to the controller, other brokers and clients).
    IsolateBroker {
        broker: BrokerId,
    },
    /// Restore every cut link.
    HealNetwork,
    /// A new broker joins (next free id unless given); existing partitions stay where they are.
    AddBroker {
        broker: Option<BrokerId>,
    },
    /// `kafka-leader-election --election-type preferred` for one topic or all.
    ElectPreferredLeaders {
        topic: Option<String>,
    },
    /// Start a consumer with `client.id` = `consumer` in `group`, subscribed to `topics`.
    JoinGroup(Box<JoinGroupSpec>),
    /// The consumer closes: commits (with auto-commit) and sends LeaveGroup.
    LeaveGroup {
        group: String,
        consumer: String,
    },
    /// The consumer process dies without leaving: its session times out.
    KillConsumer {
        group: String,
        consumer: String,
    },
    /// `kafka-consumer-groups --reset-offsets --topic T --execute` (group must be inactive).
    ResetOffsets {
        group: String,
        topic: String,
        to: ResetTarget,
    },
}

/// What `join_group` asks for.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct JoinGroupSpec {
    pub group: String,
    pub consumer: String,
    pub topics: Vec<String>,
    /// `partition.assignment.strategy`; `None` = Kafka's default `[range, cooperative-sticky]`.
    pub assignor: Option<AssignorKind>,
    /// Records processed per second; `None` = instantly.
    pub process_rate_per_s: Option<u64>,
    pub auto_offset_reset: OffsetReset,
    pub enable_auto_commit: bool,
    /// `max.poll.records`; `None` = 500.
    pub max_poll_records: Option<u32>,
}

impl JoinGroupSpec {
    /// A consumer with Kafka's defaults.
    pub fn new(group: &str, consumer: &str, topics: &[&str]) -> Self {
        JoinGroupSpec {
            group: group.to_string(),
            consumer: consumer.to_string(),
            topics: topics.iter().map(|t| t.to_string()).collect(),
            assignor: None,
            process_rate_per_s: None,
            auto_offset_reset: OffsetReset::Latest,
            enable_auto_commit: true,
            max_poll_records: None,
        }
    }
}

/// `--to-earliest`, `--to-latest`, `--to-offset`, `--shift-by`, `--to-datetime`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum ResetTarget {
    Earliest,
    Latest,
    Offset(i64),
    ShiftBy(i64),
    /// Epoch milliseconds (simulated time).
    DatetimeMs(u64),
}

impl Command {
    /// The scenario op name.
    pub fn op_name(&self) -> &'static str {
        match self {
            Command::CreateTopic(_) => "create_topic",
            Command::AlterPartitions { .. } => "alter_partitions",
            Command::SetTopicConfig { .. } => "set_topic_config",
            Command::Produce { .. } => "produce",
            Command::StartProducer { .. } => "start_producer",
            Command::StopProducer { .. } => "stop_producer",
            Command::KillBroker { .. } => "kill_broker",
            Command::RestartBroker { .. } => "restart_broker",
            Command::IsolateBroker { .. } => "isolate_broker",
            Command::HealNetwork => "heal_network",
            Command::AddBroker { .. } => "add_broker",
            Command::ElectPreferredLeaders { .. } => "elect_preferred_leaders",
            Command::JoinGroup(_) => "join_group",
            Command::LeaveGroup { .. } => "leave_group",
            Command::KillConsumer { .. } => "kill_consumer",
            Command::ResetOffsets { .. } => "reset_offsets",
        }
    }
}

/// What an accepted command returns.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Outcome {
    Done,
    /// The record's handle; see [`crate::Engine::delivery`].
    Produced(ProduceHandle),
    BrokerAdded(BrokerId),
}
