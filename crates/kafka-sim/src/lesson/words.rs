//! A checkpoint in words, one line, for the CLI (`kafka-sim lesson` prints it next to the
//! time it was met). English only: the app shows the steps' own texts, in either language.

use super::Checkpoint;

impl Checkpoint {
    /// `group payments lag on orders >= 40`, `all of: broker 1 fenced; leader of orders-0 is not 1`.
    pub fn words(&self) -> String {
        match self {
            Checkpoint::All { of } => {
                let parts: Vec<String> = of.iter().map(Checkpoint::words).collect();
                format!("all of: {}", parts.join("; "))
            }
            Checkpoint::GroupLagAtLeast { group, topic, lag } => {
                format!("group {group} lag{} >= {lag}", on(topic))
            }
            Checkpoint::GroupLagAtMost { group, topic, lag } => {
                format!("group {group} lag{} <= {lag}", on(topic))
            }
            Checkpoint::GroupState { group, state } => {
                format!("group {group} is {}", state.as_str())
            }
            Checkpoint::GroupStable {
                group,
                members,
                idle,
            } => format!("group {group} is Stable with {members} members, {idle} idle"),
            Checkpoint::GroupDeliveredAtLeast { group, records } => {
                format!("group {group} was handed >= {records} records")
            }
            Checkpoint::GroupDuplicatesAtLeast { group, records } => {
                format!("group {group} was handed >= {records} records again")
            }
            Checkpoint::CommittedAtLeast {
                group,
                topic,
                partition,
                offset,
            } => format!("group {group} committed {topic}-{partition} >= {offset}"),
            Checkpoint::CommittedAtLogStart {
                group,
                topic,
                partition,
            } => format!("group {group} committed {topic}-{partition} at the log start"),
            Checkpoint::EndOffsetAtLeast {
                topic,
                partition,
                offset,
            } => format!("end offset of {topic}-{partition} >= {offset}"),
            Checkpoint::TopicEndOffsetsAtLeast { topic, records } => {
                format!("end offsets of {topic} add up to >= {records}")
            }
            Checkpoint::LogStartOffsetAtLeast {
                topic,
                partition,
                offset,
            } => format!("log start offset of {topic}-{partition} >= {offset}"),
            Checkpoint::PartitionCount { topic, partitions } => {
                format!("{topic} has {partitions} partitions")
            }
            Checkpoint::LeadersOnBrokersAtLeast { topic, brokers } => {
                format!("leaders of {topic} on >= {brokers} brokers")
            }
            Checkpoint::PartitionsWithRecordsAtLeast { topic, partitions } => {
                format!(">= {partitions} partitions of {topic} hold records")
            }
            Checkpoint::LeaderIs {
                topic,
                partition,
                broker,
            } => format!("leader of {topic}-{partition} is {broker}"),
            Checkpoint::LeaderIsNot {
                topic,
                partition,
                broker,
            } => format!("leader of {topic}-{partition} is not {broker}"),
            Checkpoint::PartitionOffline { topic, partition } => {
                format!("{topic}-{partition} is offline")
            }
            Checkpoint::IsrSizeAtMost {
                topic,
                partition,
                size,
            } => format!("ISR of {topic}-{partition} has <= {size} members"),
            Checkpoint::IsrSizeAtLeast {
                topic,
                partition,
                size,
            } => format!("ISR of {topic}-{partition} has >= {size} members"),
            Checkpoint::AllReplicasHave {
                topic,
                partition,
                offset,
            } => format!("every replica of {topic}-{partition} reaches offset {offset}"),
            Checkpoint::BrokerAlive { broker } => format!("broker {broker} runs, unfenced"),
            Checkpoint::BrokerDead { broker } => format!("broker {broker} is down"),
            Checkpoint::BrokerFenced { broker } => format!("broker {broker} is fenced"),
            Checkpoint::KeyOnOnePartition {
                topic,
                key,
                partition,
                records,
            } => match partition {
                Some(p) => {
                    format!(">= {records} records of key {key} in {topic}, all on partition {p}")
                }
                None => {
                    format!(">= {records} records of key {key} in {topic}, all on one partition")
                }
            },
            Checkpoint::KeylessOnPartitionsAtLeast { topic, partitions } => {
                format!("keyless records on >= {partitions} partitions of {topic}")
            }
            Checkpoint::KeyRecordsAtLeast {
                topic,
                key,
                records,
            } => format!(">= {records} records of key {key} in {topic}"),
            Checkpoint::KeyRecordsAtMost {
                topic,
                key,
                records,
            } => format!("1 to {records} records of key {key} left in {topic}"),
            Checkpoint::LatestValueIs { topic, key, value } => match value {
                Some(v) => format!("latest value of key {key} in {topic} is {v}"),
                None => format!("latest record of key {key} in {topic} is a tombstone"),
            },
            Checkpoint::ProducerAckedAtLeast { producer, records } => {
                format!("producer {producer} has >= {records} records acked")
            }
            Checkpoint::ProducerFailedAtLeast { producer, records } => {
                format!("producer {producer} has >= {records} failed sends")
            }
            Checkpoint::ProducerLastError { producer, error } => {
                format!("producer {producer} last failed with {error}")
            }
            Checkpoint::AckedRecordsLostAtLeast { topic, records } => {
                format!(">= {records} acked records of {topic} lost")
            }
            Checkpoint::TopicConfigIs { topic, name, value } => {
                format!("{topic} has {name}={value}")
            }
        }
    }
}

fn on(topic: &Option<String>) -> String {
    topic.as_ref().map_or(String::new(), |t| format!(" on {t}"))
}
