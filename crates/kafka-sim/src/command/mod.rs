//! What goes in: the closed set of commands a scenario (or the app) applies to the engine.

use crate::assignor::AssignorKind;
use crate::connect::ConnectorSpec;
use crate::consumer::{IsolationLevel, OffsetReset};
use crate::controller::NewTopic;
use crate::ids::{BrokerId, ProduceHandle};
use crate::message::Acks;
use crate::partitioner::PartitionerKind;
use crate::record::Header;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod form;
pub mod json;

pub use json::FieldError;

/// One operation on the cluster. This is the one description of every command: the engine
/// applies it, the scenario file, the sweep's workloads, the app's actions and its saved and
/// shared runs are lists of it. In JSON it is one flat object tagged by `op` (snake_case):
/// `{"op": "kill_broker", "broker": 2}`, the fields spelled as [`form`] says; unknown fields
/// are refused. [`Command::from_fields`] reads it naming the field at fault.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", deny_unknown_fields)]
pub enum Command {
    /// `kafka-topics --create`.
    CreateTopic(NewTopic),
    /// `kafka-topics --alter --partitions N`.
    AlterPartitions {
        topic: String,
        #[serde(deserialize_with = "form::i32")]
        partitions: i32,
    },
    /// `kafka-configs --alter --add-config/--delete-config` (`None` deletes).
    SetTopicConfig {
        topic: String,
        #[serde(deserialize_with = "form::config_changes")]
        configs: BTreeMap<String, Option<String>>,
    },
    /// `kafka-topics --delete`: the topic, its partitions and their logs go; groups'
    /// committed offsets for it are deleted.
    DeleteTopic { topic: String },
    /// Send one record with a producer using `acks`.
    Produce {
        topic: String,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "form::text")]
        key: Option<Vec<u8>>,
        /// Required, and may be `null` (a tombstone).
        #[serde(with = "form::text")]
        value: Option<Vec<u8>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty", with = "form::headers")]
        headers: Vec<Header>,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "form::opt_i32"
        )]
        partition: Option<i32>,
        #[serde(default, with = "form::acks")]
        acks: Acks,
        /// `enable.idempotence`; `None` = Kafka's default (on, unless acks is not all).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enable_idempotence: Option<bool>,
    },
    /// Start a load-generating producer named `id`.
    StartProducer {
        id: String,
        topic: String,
        #[serde(deserialize_with = "form::rate_per_s")]
        rate_per_s: u64,
        /// Keys cycled through; `None` = null keys (sticky partitioner).
        #[serde(default, deserialize_with = "form::keys")]
        keys: Option<Vec<String>>,
        #[serde(default, with = "form::acks")]
        acks: Acks,
        /// `enable.idempotence`; `None` = Kafka's default (on, unless acks is not all).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        enable_idempotence: Option<bool>,
        /// Pad or cut each value to this many bytes.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "form::opt_value_bytes"
        )]
        value_bytes: Option<u32>,
        #[serde(default, skip_serializing_if = "form::is_default")]
        partitioner: PartitionerKind,
        /// Stop after this many records.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "form::opt_count"
        )]
        max_records: Option<u64>,
    },
    /// `id` stops generating records; a transactional producer of that `transactional_id`
    /// still in its transaction dies instead (no EndTxn: the coordinator aborts it after
    /// `transaction.timeout.ms`).
    StopProducer { id: String },
    /// A transactional producer (`transactional.id`; acks=all, idempotent) sends `records`
    /// in one transaction, then commits or aborts it.
    Transaction {
        transactional_id: String,
        records: Vec<TxnRecord>,
        outcome: TxnOutcome,
    },
    /// The broker process dies (its logs stay on disk).
    KillBroker {
        #[serde(deserialize_with = "form::broker")]
        broker: BrokerId,
    },
    RestartBroker {
        #[serde(deserialize_with = "form::broker")]
        broker: BrokerId,
    },
    /// Cut a broker's links: every one (`from: "all"`, the default), or only those to the
    /// controller and the other brokers (`"cluster"`: clients still reach it).
    IsolateBroker {
        #[serde(deserialize_with = "form::broker")]
        broker: BrokerId,
        #[serde(default, skip_serializing_if = "form::is_default")]
        from: IsolateFrom,
    },
    /// Controlled shutdown: the broker asks the controller to move its leaderships, then
    /// stops (a crash is `kill_broker`; `restart_broker` brings it back).
    StopBroker {
        #[serde(deserialize_with = "form::broker")]
        broker: BrokerId,
    },
    /// Restore every cut link.
    HealNetwork {},
    /// A new broker joins (next free id unless given); existing partitions stay where they are.
    AddBroker {
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "form::opt_broker"
        )]
        broker: Option<BrokerId>,
    },
    /// `kafka-leader-election --election-type preferred` for one topic or all.
    ElectPreferredLeaders {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
    },
    /// `kafka-leader-election --topic T --partition P --election-type preferred|unclean`.
    ElectLeaders {
        topic: String,
        #[serde(deserialize_with = "form::i32")]
        partition: i32,
        election_type: ElectionType,
    },
    /// Start a consumer with `client.id` = `consumer` in `group`, subscribed to `topics`.
    JoinGroup(Box<JoinGroupSpec>),
    /// The consumer closes: commits (with auto-commit) and sends LeaveGroup.
    LeaveGroup { group: String, consumer: String },
    /// The consumer process dies without leaving: its session times out.
    KillConsumer { group: String, consumer: String },
    /// `kafka-consumer-groups --reset-offsets --topic T --execute` (group must be inactive).
    ResetOffsets {
        group: String,
        topic: String,
        to: ResetTarget,
    },
    /// A REST proxy: the HTTP client `http_client` POSTs records to `/topics/{topic}` at
    /// `rate_per_s`, and the proxy produces each one with its own producer, named `proxy`
    /// (`stop_producer` with that id stops the posts).
    StartRestProxy {
        proxy: String,
        http_client: String,
        topic: String,
        #[serde(deserialize_with = "form::rate_per_s")]
        rate_per_s: u64,
        /// Keys cycled through; `None` = null keys.
        #[serde(default, deserialize_with = "form::keys")]
        keys: Option<Vec<String>>,
        #[serde(default, with = "form::acks")]
        acks: Acks,
    },
    /// Kafka Connect's `PUT /connectors/{name}/config`: creates the connector, or changes it
    /// (see [`crate::connect`]).
    PutConnector(Box<ConnectorSpec>),
    /// Kafka Connect's `DELETE /connectors/{name}`: its tasks stop (a sink's consumers leave
    /// `connect-<name>`, committing what they put into the store).
    DeleteConnector { name: String },
}

/// What `join_group` asks for.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinGroupSpec {
    pub group: String,
    pub consumer: String,
    #[serde(deserialize_with = "form::topics")]
    pub topics: Vec<String>,
    /// `partition.assignment.strategy`; `None` = Kafka's default `[range, cooperative-sticky]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignor: Option<AssignorKind>,
    /// Records processed per second; `None` = instantly.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::opt_rate_per_s"
    )]
    pub process_rate_per_s: Option<u64>,
    #[serde(default)]
    pub auto_offset_reset: OffsetReset,
    #[serde(default = "form::yes")]
    pub enable_auto_commit: bool,
    /// `max.poll.records`; `None` = 500.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::opt_poll_records"
    )]
    pub max_poll_records: Option<u32>,
    /// `isolation.level`; Kafka's default read_uncommitted.
    #[serde(default, skip_serializing_if = "IsolationLevel::is_default")]
    pub isolation_level: IsolationLevel,
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
            isolation_level: IsolationLevel::ReadUncommitted,
        }
    }
}

/// One record of a `transaction` step.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxnRecord {
    pub topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "form::text")]
    pub key: Option<Vec<u8>>,
    #[serde(default, with = "form::text")]
    pub value: Option<Vec<u8>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::opt_i32"
    )]
    pub partition: Option<i32>,
}

/// How a `transaction` step ends: `commitTransaction()` or `abortTransaction()`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnOutcome {
    Commit,
    Abort,
}

/// `--to-earliest`, `--to-latest`, `--to-offset`, `--shift-by`, `--to-datetime`; in JSON
/// `"earliest"`, `"latest"`, `{"offset": N}`, `{"shift_by": N}`, `{"datetime_ms": T}`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResetTarget {
    Earliest,
    Latest,
    Offset(#[serde(deserialize_with = "form::i64")] i64),
    ShiftBy(#[serde(deserialize_with = "form::i64")] i64),
    /// Epoch milliseconds (simulated time).
    DatetimeMs(#[serde(deserialize_with = "form::time_ms")] u64),
}

/// Which links `isolate_broker` cuts; in JSON `"all"` or `"cluster"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IsolateFrom {
    /// Every link: controller, other brokers and clients.
    #[default]
    All,
    /// The controller and the other brokers; clients still reach the broker.
    Cluster,
}

impl IsolateFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            IsolateFrom::All => "all",
            IsolateFrom::Cluster => "cluster",
        }
    }
}

/// `kafka-leader-election --election-type`; in JSON `"preferred"` or `"unclean"`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ElectionType {
    Preferred,
    Unclean,
}

/// What an accepted command returns.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Outcome {
    Done,
    /// The record's handle; see [`crate::Engine::delivery`].
    Produced(ProduceHandle),
    BrokerAdded(BrokerId),
}
