//! The consumer side of the guarantee ledger: what each group was handed, from
//! `RecordsDelivered` and the membership events around it.
//!
//! - Duplicates: counted by the engine's own rule ([`GroupDeliveries::record`]: records below
//!   the group's delivery mark of the partition), with the reason taken from what happened to
//!   the consumer that had been handed them (killed, left, revoked in a rebalance) and the
//!   group's committed offset.
//! - Per-key order: within a partition a group always sees a key's records in offset order
//!   (redeliveries are duplicates, not reorderings), so a key goes out of order only across
//!   partitions (the key moved after `alter_partitions`, or records sent to explicit
//!   partitions): a record whose producer timestamp is older than the newest one the group
//!   already saw for its key, from another partition. One small entry per (group, key hash).
//! - Aborted records seen by read_uncommitted consumers: a transactional batch is judged by
//!   its partition leader's transaction index (the aborted transactions, as a read_committed
//!   fetch gets them) once its transaction is over; until then it waits in `pending`.

use super::view::{ConsumerFate, EntryKind, EntryReason, LedgerEntry};
use crate::consumer::IsolationLevel;
use crate::engine::{Engine, GroupDeliveries};
use crate::event::Event;
use crate::ids::{Offset, SimTime, TopicPartition};
use crate::log::is_aborted;
use crate::record::{Chunk, Txn};
use crate::sorted::SortedMap;
use std::sync::Arc;

/// What became of the consumer that was last handed a partition's records.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Running,
    Killed,
    Left,
    Revoked,
}

/// A group's partition: who was handed it last, and the group's committed offset.
#[derive(Clone)]
struct PartState {
    consumer: Arc<str>,
    fate: Fate,
    committed: Option<Offset>,
    /// Set when the consumer's position was reset since its last delivery (the reset's cause).
    reset: Option<Arc<str>>,
}

/// The newest record of a key a group has seen.
#[derive(Clone)]
struct KeySeen {
    tp: TopicPartition,
    offset: Offset,
    timestamp_ms: u64,
}

/// A transactional batch delivered to a read_uncommitted consumer while its transaction was
/// still open.
#[derive(Clone)]
struct Pending {
    at: SimTime,
    group: Arc<str>,
    consumer: Arc<str>,
    tp: TopicPartition,
    chunk: Chunk,
}

#[derive(Clone, Default)]
pub(super) struct Deliveries {
    marks: SortedMap<Arc<str>, GroupDeliveries>,
    parts: SortedMap<(Arc<str>, TopicPartition), PartState>,
    keys: SortedMap<(Arc<str>, u64), KeySeen>,
    pending: Vec<Pending>,
}

/// FNV-1a of a key: the per-key state keeps 8 bytes per key instead of the key itself.
fn key_hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl Deliveries {
    /// Records delivered so far, all groups.
    pub(super) fn delivered(&self) -> u64 {
        self.marks.values().map(|d| d.delivered).sum()
    }

    /// A deleted topic: a topic created later under its name starts again at offset 0, with
    /// nothing delivered, committed or pending.
    pub(super) fn forget_topic(&mut self, topic: &str) {
        for d in self.marks.values_mut() {
            d.forget_topic(topic);
        }
        self.parts.retain(|(_, tp), _| &*tp.topic != topic);
        self.keys.retain(|_, k| &*k.tp.topic != topic);
        self.pending.retain(|p| &*p.tp.topic != topic);
    }

    /// Follows one event; entries it finds go to `out`.
    pub(super) fn observe(
        &mut self,
        engine: &Engine,
        at: SimTime,
        event: &Event,
        out: &mut Vec<LedgerEntry>,
    ) {
        match event {
            Event::RecordsDelivered {
                group,
                consumer,
                tp,
                records,
                ..
            } => self.delivered_records(engine, at, group, consumer, tp, records, out),
            Event::OffsetsCommitted { group, offsets, .. }
            | Event::OffsetsReset { group, offsets } => {
                for (tp, o) in offsets {
                    if let Some(p) = self.parts.get_mut(&(group.clone(), tp.clone())) {
                        p.committed = Some(*o);
                    }
                }
            }
            Event::ConsumerKilled { group, consumer } => {
                self.set_fate(group, consumer, Fate::Killed)
            }
            Event::ConsumerLeft { group, consumer } => self.set_fate(group, consumer, Fate::Left),
            Event::PartitionsRevoked {
                group,
                consumer,
                partitions,
            }
            | Event::PartitionsAssigned {
                group,
                consumer,
                revoked: partitions,
                ..
            } => {
                for tp in partitions {
                    if let Some(p) = self.parts.get_mut(&(group.clone(), tp.clone())) {
                        if p.consumer == *consumer && p.fate == Fate::Running {
                            p.fate = Fate::Revoked;
                        }
                    }
                }
            }
            Event::FetchPositionSet {
                group, tp, source, ..
            } if &**source != "committed" => {
                if let Some(p) = self.parts.get_mut(&(group.clone(), tp.clone())) {
                    p.reset = Some(source.clone());
                }
            }
            _ => {}
        }
    }

    fn set_fate(&mut self, group: &Arc<str>, consumer: &Arc<str>, fate: Fate) {
        for ((g, _), p) in self.parts.iter_mut() {
            if g == group && p.consumer == *consumer && p.fate == Fate::Running {
                p.fate = fate;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn delivered_records(
        &mut self,
        engine: &Engine,
        at: SimTime,
        group: &Arc<str>,
        consumer: &Arc<str>,
        tp: &TopicPartition,
        records: &[Chunk],
        out: &mut Vec<LedgerEntry>,
    ) {
        let marks = self.marks.entry(group.clone()).or_default();
        let mark = marks.next.get(tp).copied().unwrap_or_default();
        let duplicates = marks.record(tp, records);
        let key = (group.clone(), tp.clone());
        if duplicates > 0 {
            let start = records.first().map_or(mark, Chunk::base_offset);
            let end = records.last().map_or(mark, |c| c.end_offset().min(mark));
            // A group's partition has a state from its first delivery on, and only records
            // below the mark of an earlier delivery are duplicates: never `None` here.
            let reason = self.parts.get(&key).map_or(
                EntryReason::FetchedAgain {
                    reset: None,
                    handed_up_to: mark,
                    committed: None,
                },
                |p| duplicate_reason(p, consumer, mark),
            );
            out.push(LedgerEntry {
                at_ms: at,
                kind: EntryKind::Duplicate,
                tp: tp.clone(),
                start,
                end,
                count: duplicates,
                group: Some(group.clone()),
                consumer: Some(consumer.clone()),
                reason,
                topic_deleted: false,
            });
        }
        let committed = self.parts.get(&key).and_then(|p| p.committed);
        self.parts.insert(
            key,
            PartState {
                consumer: consumer.clone(),
                fate: Fate::Running,
                committed,
                reset: None,
            },
        );
        for c in records {
            for r in c.records().filter(|r| r.offset >= mark) {
                let Some(k) = r.key else { continue };
                self.key_order(at, group, consumer, tp, r.offset, k, r.timestamp_ms, out);
            }
        }
        if read_uncommitted(engine, group, consumer) {
            for c in records {
                if c.batch.txn == Some(Txn::Data) && !c.is_empty() {
                    self.pending.push(Pending {
                        at,
                        group: group.clone(),
                        consumer: consumer.clone(),
                        tp: tp.clone(),
                        chunk: c.clone(),
                    });
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn key_order(
        &mut self,
        at: SimTime,
        group: &Arc<str>,
        consumer: &Arc<str>,
        tp: &TopicPartition,
        offset: Offset,
        key: &[u8],
        timestamp_ms: u64,
        out: &mut Vec<LedgerEntry>,
    ) {
        let seen = KeySeen {
            tp: tp.clone(),
            offset,
            timestamp_ms,
        };
        let slot = self
            .keys
            .entry((group.clone(), key_hash(key)))
            .or_insert(seen.clone());
        if slot.tp != *tp && timestamp_ms < slot.timestamp_ms {
            out.push(LedgerEntry {
                at_ms: at,
                kind: EntryKind::OrderViolation,
                tp: tp.clone(),
                start: offset,
                end: Offset(offset.0 + 1),
                count: 1,
                group: Some(group.clone()),
                consumer: Some(consumer.clone()),
                reason: EntryReason::KeyOrder {
                    key: String::from_utf8_lossy(key).into_owned(),
                    produced_at_ms: timestamp_ms,
                    newer_tp: slot.tp.clone(),
                    newer_offset: slot.offset,
                    newer_at_ms: slot.timestamp_ms,
                },
                topic_deleted: false,
            });
        } else if timestamp_ms >= slot.timestamp_ms {
            *slot = seen;
        }
    }

    /// Judges the pending transactional deliveries whose transaction is over on the
    /// partition's current leader; the others keep waiting.
    pub(super) fn settle(&mut self, engine: &Engine, out: &mut Vec<LedgerEntry>) {
        let mut kept = Vec::new();
        for p in self.pending.drain(..) {
            let Some(log) = engine.leader_log(&p.tp) else {
                // The topic is gone (or leaderless): judge it when a leader is back.
                kept.push(p);
                continue;
            };
            let (base, end) = (p.chunk.base_offset(), p.chunk.end_offset());
            let aborted = log.producers().aborted_in(base, end);
            if is_aborted(&p.chunk, &aborted) {
                let pid = p.chunk.batch.producer.map_or(0, |i| i.producer_id);
                out.push(LedgerEntry {
                    at_ms: p.at,
                    kind: EntryKind::AbortedSeen,
                    tp: p.tp,
                    start: base,
                    end,
                    count: u64::from(p.chunk.len()),
                    group: Some(p.group),
                    consumer: Some(p.consumer),
                    reason: EntryReason::AbortedRead { producer_id: pid },
                    topic_deleted: false,
                });
            } else if log.producers().first_unstable().is_some_and(|u| u <= base) {
                kept.push(p);
            }
        }
        self.pending = kept;
    }
}

fn read_uncommitted(engine: &Engine, group: &Arc<str>, consumer: &Arc<str>) -> bool {
    engine
        .consumer_named(group, consumer)
        .is_some_and(|c| c.config.isolation_level == IsolationLevel::ReadUncommitted)
}

/// Why `consumer` was handed again records below `mark` that `p.consumer` had been handed.
fn duplicate_reason(p: &PartState, consumer: &Arc<str>, mark: Offset) -> EntryReason {
    let fate = match p.fate {
        Fate::Killed => ConsumerFate::Died,
        Fate::Left => ConsumerFate::Left,
        Fate::Revoked => ConsumerFate::Revoked,
        Fate::Running if p.consumer != *consumer => ConsumerFate::LostPartition,
        Fate::Running => {
            return EntryReason::FetchedAgain {
                reset: p.reset.clone(),
                handed_up_to: mark,
                committed: p.committed,
            };
        }
    };
    EntryReason::ConsumerGone {
        consumer: p.consumer.clone(),
        fate,
        handed_up_to: mark,
        committed: p.committed,
    }
}
