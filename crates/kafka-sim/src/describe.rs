//! Kafka's CLI output: `kafka-topics.sh --describe` and `kafka-console-consumer` with
//! `print.partition`, `print.offset` and `print.key`, byte for byte (tab-separated).

use crate::engine::Engine;
use crate::ids::{join_brokers, Offset, TopicPartition};
use std::fmt::Write;

/// `kafka-topics.sh --describe` for every topic, by name.
pub fn describe_topics(engine: &Engine) -> String {
    let mut s = String::new();
    for t in engine.controller.image.topics.values() {
        let rf = t.partitions.first().map_or(0, |p| p.replicas.len());
        let _ = writeln!(
            s,
            "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
            t.name,
            t.topic_id,
            t.partitions.len(),
            rf,
            t.config.describe()
        );
        for (i, p) in t.partitions.iter().enumerate() {
            let leader = p.leader.map_or("none".to_string(), |l| l.0.to_string());
            let _ = writeln!(
                s,
                "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}",
                t.name,
                i,
                leader,
                join_brokers(&p.replicas),
                join_brokers(&p.isr)
            );
        }
    }
    s
}

fn text(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "null".to_string(),
        Some(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// Every committed record of `topic` (below the leader's HW), partitions ascending, as
/// `Partition:P<TAB>Offset:O<TAB>KEY<TAB>VALUE`. `None` if the topic does not exist.
pub fn dump_topic(engine: &Engine, topic: &str) -> Option<String> {
    let t = engine.controller.image.topics.get(topic)?;
    let mut s = String::new();
    for p in 0..t.partitions.len() as u32 {
        let tp = TopicPartition::new(t.name.clone(), p);
        for r in engine.committed_records(&tp, Offset(0), usize::MAX) {
            let _ = writeln!(
                s,
                "Partition:{}\tOffset:{}\t{}\t{}",
                p,
                r.offset.0,
                text(r.key),
                text(r.value)
            );
        }
    }
    Some(s)
}
