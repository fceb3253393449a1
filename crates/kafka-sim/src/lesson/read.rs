//! Reading a [`Checkpoint`] from JSON: `{"check": "group_lag_at_least", "group": "payments",
//! "lag": 40}`.
//!
//! By hand, through one flat struct of every field a check can have, and a match: serde's
//! derived reader of this 34-variant enum was one 58 KB function in the browser's bundle (3 KB
//! gzip more than this, measured; its internally tagged form, which buffers every object,
//! another 23 KB gzip). A field that does not belong to the check is refused, as a derived
//! reader with `deny_unknown_fields` would.

use super::Checkpoint;
use crate::group::GroupState;
use serde::{Deserialize, Deserializer};

/// Every field any check has, each optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Flat {
    check: String,
    of: Option<Vec<Checkpoint>>,
    group: Option<String>,
    topic: Option<String>,
    lag: Option<u64>,
    state: Option<GroupState>,
    members: Option<u32>,
    idle: Option<u32>,
    records: Option<u64>,
    partition: Option<u32>,
    offset: Option<u64>,
    partitions: Option<u32>,
    brokers: Option<u32>,
    broker: Option<u32>,
    size: Option<u32>,
    key: Option<String>,
    /// `null` (a tombstone) is a value here, unlike a missing field.
    #[serde(default, deserialize_with = "present")]
    value: Option<Option<String>>,
    producer: Option<String>,
    error: Option<String>,
    name: Option<String>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Takes a required field.
fn req<T>(field: &mut Option<T>, name: &str) -> Result<T, String> {
    field
        .take()
        .ok_or_else(|| format!("missing field `{name}`"))
}

impl Flat {
    /// The first field left after the check took its own: it does not belong there.
    fn leftover(&self) -> Option<&'static str> {
        [
            ("of", self.of.is_some()),
            ("group", self.group.is_some()),
            ("topic", self.topic.is_some()),
            ("lag", self.lag.is_some()),
            ("state", self.state.is_some()),
            ("members", self.members.is_some()),
            ("idle", self.idle.is_some()),
            ("records", self.records.is_some()),
            ("partition", self.partition.is_some()),
            ("offset", self.offset.is_some()),
            ("partitions", self.partitions.is_some()),
            ("brokers", self.brokers.is_some()),
            ("broker", self.broker.is_some()),
            ("size", self.size.is_some()),
            ("key", self.key.is_some()),
            ("value", self.value.is_some()),
            ("producer", self.producer.is_some()),
            ("error", self.error.is_some()),
            ("name", self.name.is_some()),
        ]
        .into_iter()
        .find(|(_, set)| *set)
        .map(|(name, _)| name)
    }

    fn into_checkpoint(mut self) -> Result<Checkpoint, String> {
        let f = &mut self;
        use Checkpoint as C;
        let c = match f.check.as_str() {
            "all" => C::All {
                of: req(&mut f.of, "of")?,
            },
            "group_lag_at_least" => C::GroupLagAtLeast {
                group: req(&mut f.group, "group")?,
                topic: f.topic.take(),
                lag: req(&mut f.lag, "lag")?,
            },
            "group_lag_at_most" => C::GroupLagAtMost {
                group: req(&mut f.group, "group")?,
                topic: f.topic.take(),
                lag: req(&mut f.lag, "lag")?,
            },
            "group_state" => C::GroupState {
                group: req(&mut f.group, "group")?,
                state: req(&mut f.state, "state")?,
            },
            "group_stable" => C::GroupStable {
                group: req(&mut f.group, "group")?,
                members: req(&mut f.members, "members")?,
                idle: req(&mut f.idle, "idle")?,
            },
            "group_delivered_at_least" => C::GroupDeliveredAtLeast {
                group: req(&mut f.group, "group")?,
                records: req(&mut f.records, "records")?,
            },
            "group_duplicates_at_least" => C::GroupDuplicatesAtLeast {
                group: req(&mut f.group, "group")?,
                records: req(&mut f.records, "records")?,
            },
            "committed_at_least" => C::CommittedAtLeast {
                group: req(&mut f.group, "group")?,
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                offset: req(&mut f.offset, "offset")?,
            },
            "committed_at_log_start" => C::CommittedAtLogStart {
                group: req(&mut f.group, "group")?,
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
            },
            "end_offset_at_least" => C::EndOffsetAtLeast {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                offset: req(&mut f.offset, "offset")?,
            },
            "topic_end_offsets_at_least" => C::TopicEndOffsetsAtLeast {
                topic: req(&mut f.topic, "topic")?,
                records: req(&mut f.records, "records")?,
            },
            "log_start_offset_at_least" => C::LogStartOffsetAtLeast {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                offset: req(&mut f.offset, "offset")?,
            },
            "partition_count" => C::PartitionCount {
                topic: req(&mut f.topic, "topic")?,
                partitions: req(&mut f.partitions, "partitions")?,
            },
            "leaders_on_brokers_at_least" => C::LeadersOnBrokersAtLeast {
                topic: req(&mut f.topic, "topic")?,
                brokers: req(&mut f.brokers, "brokers")?,
            },
            "partitions_with_records_at_least" => C::PartitionsWithRecordsAtLeast {
                topic: req(&mut f.topic, "topic")?,
                partitions: req(&mut f.partitions, "partitions")?,
            },
            "leader_is" => C::LeaderIs {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                broker: req(&mut f.broker, "broker")?,
            },
            "leader_is_not" => C::LeaderIsNot {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                broker: req(&mut f.broker, "broker")?,
            },
            "partition_offline" => C::PartitionOffline {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
            },
            "isr_size_at_most" => C::IsrSizeAtMost {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                size: req(&mut f.size, "size")?,
            },
            "isr_size_at_least" => C::IsrSizeAtLeast {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                size: req(&mut f.size, "size")?,
            },
            "all_replicas_have" => C::AllReplicasHave {
                topic: req(&mut f.topic, "topic")?,
                partition: req(&mut f.partition, "partition")?,
                offset: req(&mut f.offset, "offset")?,
            },
            "broker_alive" => C::BrokerAlive {
                broker: req(&mut f.broker, "broker")?,
            },
            "broker_dead" => C::BrokerDead {
                broker: req(&mut f.broker, "broker")?,
            },
            "broker_fenced" => C::BrokerFenced {
                broker: req(&mut f.broker, "broker")?,
            },
            "key_on_one_partition" => C::KeyOnOnePartition {
                topic: req(&mut f.topic, "topic")?,
                key: req(&mut f.key, "key")?,
                partition: f.partition.take(),
                records: req(&mut f.records, "records")?,
            },
            "keyless_on_partitions_at_least" => C::KeylessOnPartitionsAtLeast {
                topic: req(&mut f.topic, "topic")?,
                partitions: req(&mut f.partitions, "partitions")?,
            },
            "key_records_at_least" => C::KeyRecordsAtLeast {
                topic: req(&mut f.topic, "topic")?,
                key: req(&mut f.key, "key")?,
                records: req(&mut f.records, "records")?,
            },
            "key_records_at_most" => C::KeyRecordsAtMost {
                topic: req(&mut f.topic, "topic")?,
                key: req(&mut f.key, "key")?,
                records: req(&mut f.records, "records")?,
            },
            "latest_value_is" => C::LatestValueIs {
                topic: req(&mut f.topic, "topic")?,
                key: req(&mut f.key, "key")?,
                value: req(&mut f.value, "value")?,
            },
            "producer_acked_at_least" => C::ProducerAckedAtLeast {
                producer: req(&mut f.producer, "producer")?,
                records: req(&mut f.records, "records")?,
            },
            "producer_failed_at_least" => C::ProducerFailedAtLeast {
                producer: req(&mut f.producer, "producer")?,
                records: req(&mut f.records, "records")?,
            },
            "producer_last_error" => C::ProducerLastError {
                producer: req(&mut f.producer, "producer")?,
                error: req(&mut f.error, "error")?,
            },
            "acked_records_lost_at_least" => C::AckedRecordsLostAtLeast {
                topic: req(&mut f.topic, "topic")?,
                records: req(&mut f.records, "records")?,
            },
            "topic_config_is" => C::TopicConfigIs {
                topic: req(&mut f.topic, "topic")?,
                name: req(&mut f.name, "name")?,
                value: req(&mut f.value, "value")?.ok_or("field `value` may not be null here")?,
            },
            other => return Err(format!("unknown check `{other}`")),
        };
        match self.leftover() {
            Some(field) => Err(format!(
                "field `{field}` does not belong to check `{}`",
                self.check
            )),
            None => Ok(c),
        }
    }
}

impl<'de> Deserialize<'de> for Checkpoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Flat::deserialize(d)?
            .into_checkpoint()
            .map_err(serde::de::Error::custom)
    }
}
