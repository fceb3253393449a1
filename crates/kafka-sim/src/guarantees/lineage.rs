//! One record's journey, computed on demand from the engine's recorded events and its state:
//! produced (by whom, with which acks, in which batch), retried (each retriable failure of its
//! batch before the append), appended by the leader (epoch), copied
//! by each follower, covered by the HW, acked, delivered to each group's members, committed
//! by each group; also deduplicated (a retried batch answered with its original offsets),
//! truncated (with the election that made the log diverge), deleted by retention, lost, or
//! replaced by another record at its offset.
//!
//! A record is `(offset, leader epoch)`: within one epoch only one leader assigns offsets. The
//! lineage follows the first record appended at the offset; a record appended there later
//! (after an election made the first one go) is another record, shown as `replaced` and not
//! followed. Follower copies (`RecordsReplicated` carries no epoch) are attributed to it until
//! it is replaced; deliveries and acks are matched by epoch.

use crate::engine::Engine;
use crate::event::{ElectionKind, Event, TimedEvent};
use crate::ids::{BrokerId, Epoch, Offset, SimTime, TopicPartition};
use crate::sorted::{SortedMap, SortedSet};
use std::sync::Arc;

/// What a lineage step is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StepKind {
    Produced,
    Retried,
    Appended,
    Replicated,
    HighWatermark,
    Acked,
    Deduplicated,
    Delivered,
    Committed,
    Truncated,
    Deleted,
    Lost,
    Replaced,
}

impl StepKind {
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Produced => "produced",
            StepKind::Retried => "retried",
            StepKind::Appended => "appended",
            StepKind::Replicated => "replicated",
            StepKind::HighWatermark => "committed-hw",
            StepKind::Acked => "acked",
            StepKind::Deduplicated => "deduplicated",
            StepKind::Delivered => "delivered",
            StepKind::Committed => "offset-commit",
            StepKind::Truncated => "truncated",
            StepKind::Deleted => "deleted",
            StepKind::Lost => "lost",
            StepKind::Replaced => "replaced",
        }
    }
}

/// One step: when, what, on which broker (for log steps), and the details in words.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LineageStep {
    pub at_ms: SimTime,
    pub kind: StepKind,
    pub broker: Option<BrokerId>,
    /// The group, for `Delivered` and `Committed` steps.
    pub group: Option<Arc<str>>,
    pub detail: String,
}

/// The record being followed, once its append is found.
struct Record {
    epoch: Epoch,
    replaced: bool,
    acked: bool,
    hw: bool,
    holders: SortedSet<BrokerId>,
}

fn covers(base: Offset, span: u64, offset: Offset) -> bool {
    base <= offset && offset.0 < base.0 + span
}

/// The journey of the record at `tp`@`offset`, steps in time order (empty when no record was
/// ever appended there, or the engine does not record events).
pub fn lineage(engine: &Engine, tp: &TopicPartition, offset: Offset) -> Vec<LineageStep> {
    lineage_in(engine, engine.events(), tp, offset)
}

/// The same from `events` kept elsewhere (the app drains the engine's events every frame and
/// keeps a bounded history of them), in time order, none after `engine`'s time. Deliveries
/// whose records were left out (the app keeps only their count) are matched by their offsets.
pub fn lineage_in<'a>(
    engine: &Engine,
    events: impl IntoIterator<Item = &'a TimedEvent>,
    tp: &TopicPartition,
    offset: Offset,
) -> Vec<LineageStep> {
    let mut steps: Vec<LineageStep> = Vec::new();
    let mut rec: Option<Record> = None;
    let mut election: Option<(SimTime, ElectionKind, BrokerId, Epoch)> = None;
    // Batches of this partition sent again before the record was appended: when, by whom,
    // how many records, why, which attempt.
    let mut retries: Vec<(SimTime, Arc<str>, u32, crate::error::ErrorKind, u32)> = Vec::new();
    // Groups that were handed the record, and whether they committed past it yet.
    let mut groups: SortedMap<Arc<str>, bool> = SortedMap::new();
    let step = |steps: &mut Vec<LineageStep>, at, kind, broker, detail: String| {
        steps.push(LineageStep {
            at_ms: at,
            kind,
            broker,
            group: None,
            detail,
        })
    };
    for te in events {
        let at = te.at;
        match &te.event {
            Event::LeaderElected {
                tp: t,
                leader,
                epoch,
                election: kind,
                ..
            } if t == tp => election = Some((at, *kind, *leader, *epoch)),
            Event::RecordsAppended {
                broker,
                tp: t,
                base_offset,
                count,
                epoch,
                client,
            } if t == tp && covers(*base_offset, u64::from(*count), offset) => {
                let batch = format!(
                    "batch={}..{}",
                    base_offset.0,
                    base_offset.0 + u64::from(*count)
                );
                match &mut rec {
                    None => {
                        produced(engine, tp, offset, *epoch, *client, at, &batch, &mut steps);
                        let producer = client.and_then(|c| engine.producers.get(&c));
                        if let (Some(p), Some(made)) = (producer, steps.last().map(|s| s.at_ms)) {
                            // The producer's retries of a batch as large, since the record was
                            // made: this batch's (a producer retries a partition's batches in
                            // order, so two of the same size in that window are rare).
                            for r in retries
                                .iter()
                                .filter(|r| r.0 >= made && *r.1 == *p.name && r.2 == *count)
                            {
                                step(
                                    &mut steps,
                                    r.0,
                                    StepKind::Retried,
                                    None,
                                    format!("by {}: {} (attempt {})", p.name, r.3.name(), r.4),
                                );
                            }
                        }
                        step(
                            &mut steps,
                            at,
                            StepKind::Appended,
                            Some(*broker),
                            format!("by leader {} epoch={} {batch}", broker.0, epoch.0),
                        );
                        let mut holders = SortedSet::new();
                        holders.insert(*broker);
                        rec = Some(Record {
                            epoch: *epoch,
                            replaced: false,
                            acked: false,
                            hw: false,
                            holders,
                        });
                    }
                    Some(r) if !r.replaced && *epoch != r.epoch => {
                        r.replaced = true;
                        step(
                            &mut steps,
                            at,
                            StepKind::Replaced,
                            Some(*broker),
                            format!(
                                "leader {} appended another record at this offset in epoch {} ({batch})",
                                broker.0, epoch.0
                            ),
                        );
                    }
                    Some(_) => {}
                }
            }
            Event::ProduceRetried {
                producer,
                tp: t,
                count,
                error,
                attempt,
            } if t == tp && rec.is_none() => {
                retries.push((at, producer.clone(), *count, *error, *attempt));
            }
            Event::RecordsReplicated {
                broker,
                tp: t,
                base_offset,
                count,
            } if t == tp && covers(*base_offset, *count, offset) => {
                if let Some(r) = rec.as_mut().filter(|r| !r.replaced) {
                    if r.holders.insert(*broker) {
                        step(
                            &mut steps,
                            at,
                            StepKind::Replicated,
                            Some(*broker),
                            format!("copied by follower {}", broker.0),
                        );
                    }
                }
            }
            Event::HighWatermarkAdvanced {
                broker,
                tp: t,
                high_watermark,
            } if t == tp && *high_watermark > offset => {
                if let Some(r) = rec.as_mut() {
                    if !r.hw && !r.replaced && r.holders.contains(broker) {
                        r.hw = true;
                        step(
                            &mut steps,
                            at,
                            StepKind::HighWatermark,
                            Some(*broker),
                            format!(
                                "covered by the HW of broker {} (hw={})",
                                broker.0, high_watermark.0
                            ),
                        );
                    }
                }
            }
            Event::ProduceAcked {
                producer,
                tp: t,
                base_offset,
                count,
                epoch,
            } if t == tp && covers(*base_offset, u64::from(*count), offset) => {
                if let Some(r) = rec.as_mut().filter(|r| r.epoch == *epoch) {
                    let (kind, detail) = if r.acked {
                        (
                            StepKind::Deduplicated,
                            format!("acked again to {producer}: a retried batch the leader already had, answered with its offsets"),
                        )
                    } else {
                        (StepKind::Acked, format!("acked to {producer}"))
                    };
                    r.acked = true;
                    step(&mut steps, at, kind, None, detail);
                }
            }
            Event::LogTruncated {
                broker,
                tp: t,
                from_leo,
                to_offset,
            } if t == tp && *to_offset <= offset && offset < *from_leo => {
                if let Some(r) = rec.as_mut() {
                    if r.holders.remove(broker) {
                        let why = match election {
                            Some((t, kind, leader, epoch)) => format!(
                                "its log diverged from leader {} after the {} election at {} ms (epoch {})",
                                leader.0,
                                kind.as_str(),
                                t,
                                epoch.0
                            ),
                            None => "its log diverged from the leader's".to_string(),
                        };
                        step(
                            &mut steps,
                            at,
                            StepKind::Truncated,
                            Some(*broker),
                            format!(
                                "removed from broker {} (truncated to {}): {why}",
                                broker.0, to_offset.0
                            ),
                        );
                    }
                }
            }
            Event::SegmentsDeleted {
                broker,
                tp: t,
                log_start_offset,
                reason,
                ..
            } if t == tp && *log_start_offset > offset => {
                if let Some(r) = rec.as_mut() {
                    if r.holders.remove(broker) {
                        step(
                            &mut steps,
                            at,
                            StepKind::Deleted,
                            Some(*broker),
                            format!(
                                "deleted from broker {} by {reason} (log start {})",
                                broker.0, log_start_offset.0
                            ),
                        );
                    }
                }
            }
            Event::AckedRecordsLost {
                tp: t,
                leader,
                epoch,
                ranges,
                ..
            } if t == tp
                && ranges.iter().any(|(s, e)| *s <= offset && offset < *e)
                // A record appended at the offset later is another record.
                && rec.as_ref().is_some_and(|r| !r.replaced) =>
            {
                let kind = election.map_or("", |e| e.1.as_str());
                step(
                    &mut steps,
                    at,
                    StepKind::Lost,
                    None,
                    format!(
                        "acked but gone: new leader {} (epoch {}, {kind} election) does not have it",
                        leader.0, epoch.0
                    ),
                );
            }
            Event::RecordsDelivered {
                group,
                consumer,
                tp: t,
                records,
                base_offset,
                count,
                ..
            } if t == tp => {
                let Some(r) = rec.as_ref() else { continue };
                let held = if records.is_empty() {
                    !r.replaced && covers(*base_offset, u64::from(*count), offset)
                } else {
                    records
                        .iter()
                        .any(|c| c.epoch() == r.epoch && c.record(offset).is_some())
                };
                if held {
                    let again = groups.insert(group.clone(), false).is_some();
                    let detail = if again {
                        format!("delivered again to group {group} consumer {consumer} (duplicate)")
                    } else {
                        format!("delivered to group {group} consumer {consumer}")
                    };
                    step(&mut steps, at, StepKind::Delivered, None, detail);
                    in_group(&mut steps, group);
                }
            }
            Event::OffsetsCommitted { group, offsets, .. } => {
                let Some(done) = groups.get_mut(group) else {
                    continue;
                };
                let past = offsets.iter().find(|(t, o)| t == tp && *o > offset);
                if let (false, Some((_, o))) = (*done, past) {
                    *done = true;
                    step(
                        &mut steps,
                        at,
                        StepKind::Committed,
                        None,
                        format!("group {group} committed offset {} past it", o.0),
                    );
                    in_group(&mut steps, group);
                }
            }
            _ => {}
        }
    }
    crate::sorting::sort_by_key(&mut steps, |s| s.at_ms);
    steps
}

/// Names the group of the step just added.
fn in_group(steps: &mut [LineageStep], group: &Arc<str>) {
    if let Some(last) = steps.last_mut() {
        last.group = Some(group.clone());
    }
}

/// The `produced` step: the producer (from the append's client), its acks, and the record's
/// key and timestamp where some replica (or nothing) still holds it.
#[allow(clippy::too_many_arguments)]
fn produced(
    engine: &Engine,
    tp: &TopicPartition,
    offset: Offset,
    epoch: Epoch,
    client: Option<crate::ids::ClientId>,
    appended_at: SimTime,
    batch: &str,
    steps: &mut Vec<LineageStep>,
) {
    let who = match client.and_then(|c| engine.producers.get(&c)) {
        Some(p) => format!("by {} (acks={})", p.name, p.acks.as_str()),
        None => "by the broker".to_string(),
    };
    let mut at = appended_at;
    let mut key = String::new();
    for b in engine.brokers.values() {
        let Some(c) = b.replicas.get(tp).and_then(|r| r.log.chunk_at(offset)) else {
            continue;
        };
        if c.epoch() != epoch {
            continue;
        }
        if let Some(r) = c.record(offset) {
            at = r.timestamp_ms.min(appended_at);
            key = match r.key {
                Some(k) => format!(" key={}", String::from_utf8_lossy(k)),
                None => " key=null".to_string(),
            };
            break;
        }
    }
    steps.push(LineageStep {
        at_ms: at,
        kind: StepKind::Produced,
        broker: None,
        group: None,
        detail: format!("{tp}@{} {who} {batch}{key}", offset.0),
    });
}

/// Parses `TOPIC-PARTITION@OFFSET` (`orders-0@42`; the topic may contain `-`).
pub fn parse_record_ref(s: &str) -> Result<(TopicPartition, Offset), String> {
    let bad = || format!("'{s}': expected TOPIC-PARTITION@OFFSET, e.g. orders-0@42");
    let (tp, offset) = s.rsplit_once('@').ok_or_else(bad)?;
    let (topic, partition) = tp.rsplit_once('-').ok_or_else(bad)?;
    let partition: u32 = partition.parse().map_err(|_| bad())?;
    let offset: u64 = offset.parse().map_err(|_| bad())?;
    if topic.is_empty() {
        return Err(bad());
    }
    Ok((TopicPartition::new(topic, partition), Offset(offset)))
}
