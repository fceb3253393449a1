//! Plain data for the context panel's cards, read from the engine: a partition's replicas with
//! their logs, and one record with its journey (which replicas hold it, whether the HW passed
//! it, which groups fetched and committed it). Components draw these; they never read the
//! engine themselves.

use kafka_sim::view::ReplicaRole;
use kafka_sim::{BrokerId, Engine, Offset, TopicPartition};

use crate::scene::words::bytes_text;

/// Newest records listed per replica.
pub const RECORDS_SHOWN: u64 = 12;

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionDetail {
    pub tp: TopicPartition,
    pub leader: Option<BrokerId>,
    pub leader_epoch: u32,
    pub isr: Vec<BrokerId>,
    pub replicas: Vec<ReplicaLog>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaLog {
    pub broker: BrokerId,
    pub role: ReplicaRole,
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

pub fn partition_detail(engine: &Engine, tp: &TopicPartition) -> Option<PartitionDetail> {
    let p = engine.partition_view(tp)?;
    let replicas = p
        .replica_states
        .iter()
        .map(|r| {
            let from = Offset(
                r.log_end_offset
                    .0
                    .saturating_sub(RECORDS_SHOWN)
                    .max(r.log_start_offset.0),
            );
            let mut records: Vec<RecordLine> = engine
                .replica_records(r.broker, tp, from, r.log_end_offset)
                .iter()
                .map(|rec| RecordLine {
                    offset: rec.offset.0,
                    key: bytes_text(rec.key),
                    value: bytes_text(rec.value),
                    timestamp_ms: rec.timestamp_ms,
                    leader_epoch: rec.leader_epoch.0,
                    committed: rec.offset.0 < r.high_watermark.0,
                })
                .collect();
            records.reverse();
            ReplicaLog {
                broker: r.broker,
                role: r.role,
                log_start_offset: r.log_start_offset.0,
                high_watermark: r.high_watermark.0,
                log_end_offset: r.log_end_offset.0,
                records,
            }
        })
        .collect();
    Some(PartitionDetail {
        tp: tp.clone(),
        leader: p.leader,
        leader_epoch: p.leader_epoch.0,
        isr: p.isr.clone(),
        replicas,
    })
}

/// One record, as the record card shows it: Kafka's parts of a record (headers, key, value,
/// timestamp) and where it has got to.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordDetail {
    pub tp: TopicPartition,
    pub offset: u64,
    pub leader_epoch: u32,
    pub timestamp_ms: u64,
    pub key: String,
    pub value: String,
    pub headers: Vec<(String, String)>,
    /// Each replica: its role and whether its log holds this very record (same leader epoch).
    pub copies: Vec<(BrokerId, ReplicaRole, bool)>,
    /// The leader's HW passed it: committed, readable by consumers, never lost while an ISR
    /// replica survives (acks=all, unclean election off).
    pub committed: bool,
    pub groups: Vec<GroupProgress>,
}

/// How far one group has got with a record.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupProgress {
    pub group: String,
    /// The member whose fetch position passed the record: it was handed to that application.
    pub fetched_by: Option<String>,
    /// The group's committed offset passed it: it will not be read again by this group.
    pub committed: bool,
}

/// The record at `offset` of `tp`, read from the replica that shows the partition (the leader,
/// or the replica holding the most when there is none).
pub fn record_detail(engine: &Engine, tp: &TopicPartition, offset: u64) -> Option<RecordDetail> {
    let p = engine.partition_view(tp)?;
    let shown = crate::scene::snapshot::shown_replica(&p)?;
    let holder = p.replica_states[shown].broker;
    let at = Offset(offset);
    let next = Offset(offset + 1);
    let records = engine.replica_records(holder, tp, at, next);
    let rec = records.first()?;
    let copies = p
        .replica_states
        .iter()
        .map(|r| {
            let has = engine
                .replica_records(r.broker, tp, at, next)
                .first()
                .is_some_and(|other| other.leader_epoch == rec.leader_epoch);
            (r.broker, r.role, has)
        })
        .collect();
    let consumers = engine.consumers_view();
    let groups = engine
        .groups_view()
        .into_iter()
        .filter_map(|g| {
            let gp = g.partitions.iter().find(|gp| gp.tp == *tp)?;
            let fetched_by = gp.owner.clone().filter(|owner| {
                consumers
                    .iter()
                    .rev()
                    .find(|c| c.group == g.group && c.client_id == *owner)
                    .and_then(|c| c.positions.iter().find(|(t, _)| t == tp))
                    .is_some_and(|(_, pos)| pos.0 > offset)
            });
            Some(GroupProgress {
                committed: gp.committed.is_some_and(|c| c.0 > offset),
                fetched_by,
                group: g.group,
            })
        })
        .collect();
    Some(RecordDetail {
        tp: tp.clone(),
        offset,
        leader_epoch: rec.leader_epoch.0,
        timestamp_ms: rec.timestamp_ms,
        key: bytes_text(rec.key),
        value: bytes_text(rec.value),
        headers: rec
            .headers
            .iter()
            .map(|h| (h.key.clone(), bytes_text(h.value.as_deref())))
            .collect(),
        copies,
        committed: p.high_watermark.0 > offset,
        groups,
    })
}

/// Records whose key reads `key` (as the cards print keys: `null` for none), newest first
/// within each partition, at most `limit`, read from the replica that shows each partition.
/// Internal topics are left out.
pub fn find_key(engine: &Engine, key: &str, limit: usize) -> Vec<(TopicPartition, u64)> {
    let mut found = Vec::new();
    for topic in engine.topics_view() {
        if crate::scene::snapshot::is_internal(&topic.name) {
            continue;
        }
        for p in &topic.partitions {
            let Some(shown) = crate::scene::snapshot::shown_replica(p) else {
                continue;
            };
            let r = &p.replica_states[shown];
            let records =
                engine.replica_records(r.broker, &p.tp, r.log_start_offset, r.log_end_offset);
            for rec in records.iter().rev() {
                if found.len() == limit {
                    return found;
                }
                if bytes_text(rec.key) == key {
                    found.push((p.tp.clone(), rec.offset.0));
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::opening_engine;

    #[test]
    fn the_detail_lists_every_replica_with_its_newest_records_first() {
        let mut engine = opening_engine();
        engine.advance_to(20_000);
        let detail = (0..6)
            .filter_map(|p| partition_detail(&engine, &TopicPartition::new("orders", p)))
            .find(|d| d.replicas[0].log_end_offset >= 2)
            .expect("the producer wrote to some partition");
        assert_eq!(detail.replicas.len(), 3);
        let leaders = detail
            .replicas
            .iter()
            .filter(|r| r.role == ReplicaRole::Leader);
        assert_eq!(leaders.count(), 1);
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
        assert!(partition_detail(&engine, &TopicPartition::new("missing", 0)).is_none());
    }

    #[test]
    fn a_record_card_follows_the_record_to_every_replica_and_group() {
        let mut engine = opening_engine();
        engine.advance_to(60_000);
        let tp = TopicPartition::new("orders", 0);
        let r = record_detail(&engine, &tp, 0).expect("offset 0 exists after a minute");
        assert!(r.key.starts_with("customer-"));
        assert!(r.value.starts_with("order-service-"));
        assert_eq!(r.copies.len(), 3);
        assert!(
            r.copies.iter().all(|(_, _, has)| *has),
            "replicated to all three"
        );
        assert!(r.committed);
        let groups: Vec<&str> = r.groups.iter().map(|g| g.group.as_str()).collect();
        assert_eq!(groups, ["inventory", "payments"]);
        assert!(r
            .groups
            .iter()
            .all(|g| g.fetched_by.is_some() && g.committed));
        assert!(record_detail(&engine, &tp, 1_000_000).is_none());
    }

    #[test]
    fn a_key_is_found_on_its_one_partition_newest_first() {
        let mut engine = opening_engine();
        engine.advance_to(60_000);
        let first = record_detail(&engine, &TopicPartition::new("orders", 0), 0).unwrap();
        let found = find_key(&engine, &first.key, 1_000);
        assert!(found.len() >= 2, "the producer cycles through its keys");
        assert!(
            found.iter().all(|(tp, _)| tp.partition.0 == 0),
            "murmur2 keeps a key on one partition"
        );
        assert!(found.windows(2).all(|w| w[0].1 > w[1].1), "newest first");
        assert!(found.contains(&(TopicPartition::new("orders", 0), 0)));
        assert_eq!(
            find_key(&engine, &first.key, 1).len(),
            1,
            "at most the limit"
        );
        assert!(find_key(&engine, "no-such-key", 10).is_empty());
    }
}
