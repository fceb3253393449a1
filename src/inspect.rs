//! Plain data for the inspector panels, taken from the engine: a partition's replicas with their
//! logs. Components draw these; they never read the engine themselves.

use kafka_sim::{BrokerId, Engine, Offset, TopicPartition};

/// Newest records shown per replica.
pub const RECORDS_SHOWN: u64 = 12;

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionDetail {
    pub name: String,
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    pub isr: Vec<BrokerId>,
    pub replicas: Vec<ReplicaLog>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaLog {
    pub broker: BrokerId,
    /// "leader", "in-sync follower", "out-of-sync follower", "offline"
    pub role: &'static str,
    pub log_start_offset: u64,
    pub high_watermark: u64,
    pub log_end_offset: u64,
    /// Newest first.
    pub records: Vec<RecordLine>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RecordLine {
    pub offset: u64,
    pub key: String,
    pub value: String,
    pub timestamp_ms: u64,
    pub leader_epoch: u32,
    /// Below this replica's HW.
    pub committed: bool,
}

/// "orders-3" -> the partition, if the topic exists in the engine.
pub fn parse_partition(name: &str) -> Option<TopicPartition> {
    let (topic, partition) = name.rsplit_once('-')?;
    Some(TopicPartition::new(topic, partition.parse().ok()?))
}

pub fn partition_detail(engine: &Engine, name: &str) -> Option<PartitionDetail> {
    let tp = parse_partition(name)?;
    let p = engine.partition_view(&tp)?;
    let replicas = p
        .replica_states
        .iter()
        .map(|r| {
            let role = r.role.as_str();
            let from = Offset(
                r.log_end_offset
                    .0
                    .saturating_sub(RECORDS_SHOWN)
                    .max(r.log_start_offset.0),
            );
            let mut records: Vec<RecordLine> = engine
                .replica_records(r.broker, &tp, from, r.log_end_offset)
                .iter()
                .map(|rec| RecordLine {
                    offset: rec.offset.0,
                    key: text(rec.key),
                    value: text(rec.value),
                    timestamp_ms: rec.timestamp_ms,
                    leader_epoch: rec.leader_epoch.0,
                    committed: rec.offset.0 < r.high_watermark.0,
                })
                .collect();
            records.reverse();
            ReplicaLog {
                broker: r.broker,
                role,
                log_start_offset: r.log_start_offset.0,
                high_watermark: r.high_watermark.0,
                log_end_offset: r.log_end_offset.0,
                records,
            }
        })
        .collect();
    Some(PartitionDetail {
        name: tp.to_string(),
        leader: p.leader,
        leader_epoch: p.leader_epoch.0,
        isr: p.isr.clone(),
        replicas,
    })
}

/// Bytes as the console consumer prints them: UTF-8 text, `null` for none.
fn text(bytes: Option<&[u8]>) -> String {
    bytes.map_or_else(
        || "null".to_string(),
        |b| String::from_utf8_lossy(b).into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::opening_engine;

    #[test]
    fn names_parse_back_to_partitions_even_with_dashes_in_the_topic() {
        let tp = parse_partition("customer-events-12").unwrap();
        assert_eq!((&*tp.topic, tp.partition.0), ("customer-events", 12));
        assert!(parse_partition("orders").is_none());
    }

    #[test]
    fn the_detail_lists_every_replica_with_its_newest_records_first() {
        let mut engine = opening_engine();
        engine.advance_to(20_000);
        let detail = (0..6)
            .filter_map(|p| partition_detail(&engine, &format!("orders-{p}")))
            .find(|d| d.replicas[0].log_end_offset >= 2)
            .expect("the producer wrote to some partition");
        assert_eq!(detail.replicas.len(), 3);
        assert_eq!(
            detail
                .replicas
                .iter()
                .filter(|r| r.role == "leader")
                .count(),
            1
        );
        for r in &detail.replicas {
            assert!(
                r.records.windows(2).all(|w| w[0].offset > w[1].offset),
                "newest first"
            );
            assert!(r
                .records
                .iter()
                .all(|rec| rec.committed == (rec.offset < r.high_watermark)));
            assert!(r.records.iter().all(|rec| rec.key.starts_with("customer-")));
        }
        assert!(partition_detail(&engine, "missing-0").is_none());
    }
}
