//! [`Checkpoint`]: what a lesson step waits for, as a predicate over the engine's current
//! state, read only through the engine's public views (`view.rs`, `view/groups.rs`,
//! `lost_records`). No event is looked at: a checkpoint is true of a state, so going back on
//! the timeline unticks it.
//!
//! Thresholds are "at least" / "at most" rather than "equals" wherever the number depends on
//! how long the learner took (records keep flowing while they read).

use crate::engine::Engine;
use crate::group::GroupState;
use crate::ids::{BrokerId, TopicPartition};
use crate::view::{GroupView, PartitionView};
use serde::Serialize;

/// A predicate over the engine's current state. In JSON, one object tagged by `check`:
/// `{"check": "group_lag_at_least", "group": "payments", "lag": 40}` (read by `read.rs`).
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum Checkpoint {
    /// Every one of `of` holds.
    All { of: Vec<Checkpoint> },
    /// The group's lag (HW minus committed offset, summed over its partitions, of `topic`
    /// only when given) is at least `lag`.
    GroupLagAtLeast {
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        lag: u64,
    },
    /// The group has committed offsets on its partitions (of `topic` when given) and their
    /// summed lag is at most `lag`. A group that committed nothing yet does not qualify.
    GroupLagAtMost {
        group: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        lag: u64,
    },
    /// The group's coordinator has it in `state` (`Empty`, `Stable`, ... as
    /// `kafka-consumer-groups` prints it).
    GroupState { group: String, state: GroupState },
    /// The group is Stable with exactly `members` members, `idle` of them owning no partition.
    GroupStable {
        group: String,
        members: u32,
        idle: u32,
    },
    /// The group's applications were handed at least `records` records in all.
    GroupDeliveredAtLeast { group: String, records: u64 },
    /// At least `records` of them were handed to the group again (at-least-once).
    GroupDuplicatesAtLeast { group: String, records: u64 },
    /// The group's committed offset on `topic`-`partition` is at least `offset`.
    CommittedAtLeast {
        group: String,
        topic: String,
        partition: u32,
        offset: u64,
    },
    /// The group's committed offset on `topic`-`partition` is the leader's log start offset
    /// (where `reset_offsets --to-earliest` puts it).
    CommittedAtLogStart {
        group: String,
        topic: String,
        partition: u32,
    },
    /// The partition's leader has a HW (the end offset consumers see) of at least `offset`.
    EndOffsetAtLeast {
        topic: String,
        partition: u32,
        offset: u64,
    },
    /// The topic's partitions' HWs add up to at least `records`.
    TopicEndOffsetsAtLeast { topic: String, records: u64 },
    /// The partition leader's log start offset is at least `offset` (retention deleted below).
    LogStartOffsetAtLeast {
        topic: String,
        partition: u32,
        offset: u64,
    },
    /// The topic exists with exactly `partitions` partitions.
    PartitionCount { topic: String, partitions: u32 },
    /// The topic's partition leaders are spread over at least `brokers` distinct brokers.
    LeadersOnBrokersAtLeast { topic: String, brokers: u32 },
    /// At least `partitions` of the topic's partitions hold committed records.
    PartitionsWithRecordsAtLeast { topic: String, partitions: u32 },
    /// The controller has `broker` as the partition's leader, and it serves.
    LeaderIs {
        topic: String,
        partition: u32,
        broker: u32,
    },
    /// The partition has a serving leader, and it is not `broker`.
    LeaderIsNot {
        topic: String,
        partition: u32,
        broker: u32,
    },
    /// The partition has no leader that serves (`Leader: none`, or its leader is down).
    PartitionOffline { topic: String, partition: u32 },
    /// The partition's ISR has at most `size` members.
    IsrSizeAtMost {
        topic: String,
        partition: u32,
        size: u32,
    },
    /// The partition's ISR has at least `size` members.
    IsrSizeAtLeast {
        topic: String,
        partition: u32,
        size: u32,
    },
    /// Every replica's log (on every assigned broker) reaches `offset`.
    AllReplicasHave {
        topic: String,
        partition: u32,
        offset: u64,
    },
    /// The broker's process runs and the controller has it registered and unfenced.
    BrokerAlive { broker: u32 },
    /// The broker's process is down.
    BrokerDead { broker: u32 },
    /// The controller has fenced the broker (it noticed the missing heartbeats).
    BrokerFenced { broker: u32 },
    /// At least `records` committed records of the topic carry `key`, and all of them are on
    /// one partition (on `partition` when given).
    KeyOnOnePartition {
        topic: String,
        key: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        partition: Option<u32>,
        records: u64,
    },
    /// Committed keyless records are on at least `partitions` partitions of the topic.
    KeylessOnPartitionsAtLeast { topic: String, partitions: u32 },
    /// At least `records` committed records of the topic carry `key`.
    KeyRecordsAtLeast {
        topic: String,
        key: String,
        records: u64,
    },
    /// At most `records` records of `key` are left in the topic's leader logs (compaction),
    /// and at least one.
    KeyRecordsAtMost {
        topic: String,
        key: String,
        records: u64,
    },
    /// The latest committed record of `key` has `value` (`null`: a tombstone).
    LatestValueIs {
        topic: String,
        key: String,
        value: Option<String>,
    },
    /// The producer named `producer` had at least `records` records acknowledged.
    ProducerAckedAtLeast { producer: String, records: u64 },
    /// The producer had at least `records` sends fail.
    ProducerFailedAtLeast { producer: String, records: u64 },
    /// The producer's last failed send failed with the exception named `error`
    /// (`NotEnoughReplicasException`, as Kafka names it; a name is read as text, since
    /// reading every exception name cost the bundle more than all the lessons' code).
    ProducerLastError { producer: String, error: String },
    /// At least `records` acknowledged records of the topic were lost (an election's new
    /// leader lacked them), as the engine's acked-record ledger counts them.
    AckedRecordsLostAtLeast { topic: String, records: u64 },
    /// The topic has the config override `name` = `value`.
    TopicConfigIs {
        topic: String,
        name: String,
        value: String,
    },
}

impl Checkpoint {
    /// Whether the checkpoint holds on the engine as it is now.
    pub fn holds(&self, engine: &Engine) -> bool {
        match self {
            Checkpoint::All { of } => of.iter().all(|c| c.holds(engine)),
            Checkpoint::GroupLagAtLeast { group, topic, lag } => {
                group_lags(engine, group, topic.as_deref()).is_some_and(|l| l.sum >= *lag)
            }
            Checkpoint::GroupLagAtMost { group, topic, lag } => {
                group_lags(engine, group, topic.as_deref())
                    .is_some_and(|l| l.all_known && l.partitions > 0 && l.sum <= *lag)
            }
            Checkpoint::GroupState { group, state } => {
                engine.group_view(group).and_then(|g| g.state) == Some(*state)
            }
            Checkpoint::GroupStable {
                group,
                members,
                idle,
            } => engine.group_view(group).is_some_and(|g| {
                g.state == Some(GroupState::Stable)
                    && g.members.len() == *members as usize
                    && g.members.iter().filter(|m| m.idle).count() == *idle as usize
            }),
            Checkpoint::GroupDeliveredAtLeast { group, records } => engine
                .group_view(group)
                .is_some_and(|g| g.records_delivered >= *records),
            Checkpoint::GroupDuplicatesAtLeast { group, records } => engine
                .group_view(group)
                .is_some_and(|g| g.duplicates >= *records),
            Checkpoint::CommittedAtLeast {
                group,
                topic,
                partition,
                offset,
            } => committed(engine, group, &tp(topic, *partition)).is_some_and(|c| c >= *offset),
            Checkpoint::CommittedAtLogStart {
                group,
                topic,
                partition,
            } => {
                let tp = tp(topic, *partition);
                let start = leader_replica(engine, &tp).map(|(_, r)| r.log_start_offset.0);
                start.is_some() && committed(engine, group, &tp) == start
            }
            Checkpoint::EndOffsetAtLeast {
                topic,
                partition,
                offset,
            } => engine
                .high_watermark(&tp(topic, *partition))
                .is_some_and(|hw| hw.0 >= *offset),
            Checkpoint::TopicEndOffsetsAtLeast { topic, records } => partitions(engine, topic)
                .is_some_and(|ps| ps.iter().map(|p| p.high_watermark.0).sum::<u64>() >= *records),
            Checkpoint::LogStartOffsetAtLeast {
                topic,
                partition,
                offset,
            } => leader_replica(engine, &tp(topic, *partition))
                .is_some_and(|(_, r)| r.log_start_offset.0 >= *offset),
            Checkpoint::PartitionCount {
                topic,
                partitions: n,
            } => partitions(engine, topic).is_some_and(|ps| ps.len() == *n as usize),
            Checkpoint::LeadersOnBrokersAtLeast { topic, brokers } => partitions(engine, topic)
                .is_some_and(|ps| {
                    let mut leaders: Vec<BrokerId> = ps
                        .iter()
                        .filter(|p| !p.leader_down)
                        .filter_map(|p| p.leader)
                        .collect();
                    leaders.sort();
                    leaders.dedup();
                    leaders.len() >= *brokers as usize
                }),
            Checkpoint::PartitionsWithRecordsAtLeast {
                topic,
                partitions: n,
            } => partitions(engine, topic).is_some_and(|ps| {
                ps.iter()
                    .filter(|p| {
                        p.replica_states.iter().any(|r| {
                            Some(r.broker) == p.leader && r.log_start_offset < p.high_watermark
                        })
                    })
                    .count()
                    >= *n as usize
            }),
            Checkpoint::LeaderIs {
                topic,
                partition,
                broker,
            } => partition_view(engine, topic, *partition)
                .is_some_and(|p| !p.leader_down && p.leader == Some(BrokerId(*broker))),
            Checkpoint::LeaderIsNot {
                topic,
                partition,
                broker,
            } => partition_view(engine, topic, *partition).is_some_and(|p| {
                !p.leader_down && p.leader.is_some_and(|l| l != BrokerId(*broker))
            }),
            Checkpoint::PartitionOffline { topic, partition } => {
                partition_view(engine, topic, *partition)
                    .is_some_and(|p| p.leader.is_none() || p.leader_down)
            }
            Checkpoint::IsrSizeAtMost {
                topic,
                partition,
                size,
            } => partition_view(engine, topic, *partition)
                .is_some_and(|p| p.isr.len() <= *size as usize),
            Checkpoint::IsrSizeAtLeast {
                topic,
                partition,
                size,
            } => partition_view(engine, topic, *partition)
                .is_some_and(|p| p.isr.len() >= *size as usize),
            Checkpoint::AllReplicasHave {
                topic,
                partition,
                offset,
            } => partition_view(engine, topic, *partition).is_some_and(|p| {
                p.replica_states
                    .iter()
                    .all(|r| r.log_end_offset.0 >= *offset)
            }),
            Checkpoint::BrokerAlive { broker } => engine
                .brokers_view()
                .iter()
                .any(|b| b.id == BrokerId(*broker) && b.alive && !b.fenced),
            Checkpoint::BrokerDead { broker } => engine
                .brokers_view()
                .iter()
                .any(|b| b.id == BrokerId(*broker) && !b.alive),
            Checkpoint::BrokerFenced { broker } => engine
                .brokers_view()
                .iter()
                .any(|b| b.id == BrokerId(*broker) && b.fenced),
            Checkpoint::KeyOnOnePartition {
                topic,
                key,
                partition,
                records,
            } => {
                let counts = key_counts(engine, topic, Some(key.as_bytes()));
                let on: Vec<&(u32, u64)> = counts.iter().filter(|(_, n)| *n > 0).collect();
                match on.as_slice() {
                    [(p, n)] => *n >= *records && partition.is_none_or(|want| want == *p),
                    _ => false,
                }
            }
            Checkpoint::KeylessOnPartitionsAtLeast { topic, partitions } => {
                key_counts(engine, topic, None)
                    .iter()
                    .filter(|(_, n)| *n > 0)
                    .count()
                    >= *partitions as usize
            }
            Checkpoint::KeyRecordsAtLeast {
                topic,
                key,
                records,
            } => {
                let n: u64 = key_counts(engine, topic, Some(key.as_bytes()))
                    .iter()
                    .map(|(_, n)| n)
                    .sum();
                n >= *records
            }
            Checkpoint::KeyRecordsAtMost {
                topic,
                key,
                records,
            } => {
                let n: u64 = key_counts(engine, topic, Some(key.as_bytes()))
                    .iter()
                    .map(|(_, n)| n)
                    .sum();
                n >= 1 && n <= *records
            }
            Checkpoint::LatestValueIs { topic, key, value } => {
                latest_value(engine, topic, key.as_bytes())
                    .is_some_and(|v| v.as_deref() == value.as_deref().map(str::as_bytes))
            }
            Checkpoint::ProducerAckedAtLeast { producer, records } => engine
                .producers_view()
                .iter()
                .any(|p| p.name == *producer && p.stats.records_acked >= *records),
            Checkpoint::ProducerFailedAtLeast { producer, records } => engine
                .producers_view()
                .iter()
                .any(|p| p.name == *producer && p.stats.records_failed >= *records),
            Checkpoint::ProducerLastError { producer, error } => {
                engine.producers_view().iter().any(|p| {
                    p.name == *producer
                        && p.last_error
                            .as_ref()
                            .is_some_and(|(_, e)| e.kind.name() == error)
                })
            }
            Checkpoint::AckedRecordsLostAtLeast { topic, records } => {
                let lost: u64 = engine
                    .lost_records()
                    .iter()
                    .filter(|(tp, _)| tp.topic.as_ref() == topic.as_str())
                    .map(|(_, n)| *n)
                    .sum();
                lost >= *records
            }
            Checkpoint::TopicConfigIs { topic, name, value } => {
                engine.topic_config_override(topic, name) == Some(value.as_str())
            }
        }
    }
}

fn tp(topic: &str, partition: u32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

fn partition_view(engine: &Engine, topic: &str, p: u32) -> Option<PartitionView> {
    engine.partition_view(&tp(topic, p))
}

/// The topic's partitions, or `None` when it does not exist.
fn partitions(engine: &Engine, topic: &str) -> Option<Vec<PartitionView>> {
    engine
        .topics_view_where(|t| t == topic)
        .into_iter()
        .next()
        .map(|t| t.partitions)
}

/// The partition's leader and its replica state, when the leader serves.
fn leader_replica(
    engine: &Engine,
    tp: &TopicPartition,
) -> Option<(BrokerId, crate::view::ReplicaView)> {
    let p = engine.partition_view(tp)?;
    let leader = p.leader.filter(|_| !p.leader_down)?;
    let r = p.replica_states.into_iter().find(|r| r.broker == leader)?;
    Some((leader, r))
}

fn committed(engine: &Engine, group: &str, tp: &TopicPartition) -> Option<u64> {
    let g: GroupView = engine.group_view(group)?;
    g.partitions
        .iter()
        .find(|p| p.tp == *tp)
        .and_then(|p| p.committed)
        .map(|o| o.0)
}

/// A group's lag summed over its partitions (of `topic` when given).
struct Lags {
    sum: u64,
    partitions: usize,
    /// Every counted partition has a committed offset and a leader.
    all_known: bool,
}

fn group_lags(engine: &Engine, group: &str, topic: Option<&str>) -> Option<Lags> {
    let g = engine.group_view(group)?;
    let ps: Vec<_> = g
        .partitions
        .iter()
        .filter(|p| topic.is_none_or(|t| p.tp.topic.as_ref() == t))
        .collect();
    Some(Lags {
        sum: ps.iter().filter_map(|p| p.lag).sum(),
        partitions: ps.len(),
        all_known: ps.iter().all(|p| p.lag.is_some()),
    })
}

/// Per partition of the topic, how many committed records carry `key` (`None`: no key).
fn key_counts(engine: &Engine, topic: &str, key: Option<&[u8]>) -> Vec<(u32, u64)> {
    let Some(ps) = partitions(engine, topic) else {
        return Vec::new();
    };
    ps.iter()
        .map(|p| {
            let n = engine
                .committed_records(&p.tp, crate::ids::Offset(0), usize::MAX)
                .iter()
                .filter(|r| r.key == key)
                .count();
            (p.tp.partition.0, n as u64)
        })
        .collect()
}

/// The value of the latest committed record of `key` in the topic (`Some(None)` for a
/// tombstone), or `None` when no committed record has the key.
fn latest_value(engine: &Engine, topic: &str, key: &[u8]) -> Option<Option<Vec<u8>>> {
    // The latest by timestamp across partitions; a key lives on one partition unless the
    // partition count changed, and then the newest record is the one that counts.
    let mut best: Option<(u64, Option<Vec<u8>>)> = None;
    for p in partitions(engine, topic)? {
        for r in engine.committed_records(&p.tp, crate::ids::Offset(0), usize::MAX) {
            if r.key == Some(key) && best.as_ref().is_none_or(|(t, _)| r.timestamp_ms >= *t) {
                best = Some((r.timestamp_ms, r.value.map(<[u8]>::to_vec)));
            }
        }
    }
    best.map(|(_, v)| v)
}
