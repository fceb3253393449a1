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
use crate::error::ErrorKind;
use crate::event::{ElectionKind, Event, TimedEvent};
use crate::gone_topics::GoneTopics;
use crate::ids::{BrokerId, Epoch, Offset, SimTime, TopicPartition};
use crate::message::Acks;
use crate::sorted::{SortedMap, SortedSet};
use std::fmt;
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

/// One step: when, what, on which broker (for log steps), and its details.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LineageStep {
    pub at_ms: SimTime,
    pub kind: StepKind,
    pub broker: Option<BrokerId>,
    /// The group, for `Delivered` and `Committed` steps.
    pub group: Option<Arc<str>>,
    pub detail: StepDetail,
}

/// The offsets `[start, end)` of the batch a record came in (`batch=START..END`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct BatchRange {
    pub start: Offset,
    pub end: Offset,
}

impl fmt::Display for BatchRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "batch={}..{}", self.start.0, self.end.0)
    }
}

/// The record's key, as the `produced` step shows it (` key=K`, ` key=null`, or nothing when
/// no replica holds the record any more).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RecordKey {
    Unknown,
    Null,
    Key(String),
}

impl fmt::Display for RecordKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordKey::Unknown => Ok(()),
            RecordKey::Null => f.write_str(" key=null"),
            RecordKey::Key(k) => write!(f, " key={k}"),
        }
    }
}

/// The last election of the partition before a step.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ElectionSeen {
    pub at_ms: SimTime,
    pub kind: ElectionKind,
    pub leader: BrokerId,
    pub epoch: Epoch,
}

/// What a step says, with its values. `Display` is the English `kafka-sim run --lineage`
/// prints; the app words each variant in its own languages.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StepDetail {
    /// `TP@OFFSET by P (acks=A) batch=S..E key=K` (`by the broker` without a producer).
    Produced {
        tp: TopicPartition,
        offset: Offset,
        producer: Option<(Arc<str>, Acks)>,
        batch: BatchRange,
        key: RecordKey,
    },
    /// `by P: ERROR (attempt N)`: the batch was sent again.
    Retried {
        producer: Arc<str>,
        error: ErrorKind,
        attempt: u32,
    },
    /// `by leader B epoch=E batch=S..E`.
    Appended {
        leader: BrokerId,
        epoch: Epoch,
        batch: BatchRange,
    },
    /// Another record took the offset in a later epoch.
    Replaced {
        leader: BrokerId,
        epoch: Epoch,
        batch: BatchRange,
    },
    /// `copied by follower B`.
    Replicated { follower: BrokerId },
    /// `covered by the HW of broker B (hw=H)`.
    HighWatermark { broker: BrokerId, hw: Offset },
    /// `acked to P`.
    Acked { producer: Arc<str> },
    /// A retried batch answered with its original offsets.
    AckedAgain { producer: Arc<str> },
    /// Removed from a replica whose log diverged (after `election` when one is known).
    Truncated {
        broker: BrokerId,
        to: Offset,
        election: Option<ElectionSeen>,
    },
    /// Deleted by retention (`reason`: `retention.ms`, `retention.bytes`, `log-start-offset`).
    Deleted {
        broker: BrokerId,
        reason: Arc<str>,
        log_start: Offset,
    },
    /// Acked, and the new leader does not have it (`election`: the partition's last one).
    Lost {
        leader: BrokerId,
        epoch: Epoch,
        election: Option<ElectionKind>,
    },
    /// Handed to a group's consumer.
    Delivered { group: Arc<str>, consumer: Arc<str> },
    /// Handed again to a group that already had it.
    DeliveredAgain { group: Arc<str>, consumer: Arc<str> },
    /// The group committed an offset past the record.
    Committed { group: Arc<str>, offset: Offset },
}

impl StepDetail {
    /// The English text (as `kafka-sim run --lineage` prints it).
    pub fn text(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for StepDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StepDetail::Produced {
                tp,
                offset,
                producer,
                batch,
                key,
            } => {
                write!(f, "{tp}@{} ", offset.0)?;
                match producer {
                    Some((p, acks)) => write!(f, "by {p} (acks={})", acks.as_str())?,
                    None => f.write_str("by the broker")?,
                }
                write!(f, " {batch}{key}")
            }
            StepDetail::Retried {
                producer,
                error,
                attempt,
            } => write!(f, "by {producer}: {} (attempt {attempt})", error.name()),
            StepDetail::Appended {
                leader,
                epoch,
                batch,
            } => write!(f, "by leader {} epoch={} {batch}", leader.0, epoch.0),
            StepDetail::Replaced {
                leader,
                epoch,
                batch,
            } => write!(
                f,
                "leader {} appended another record at this offset in epoch {} ({batch})",
                leader.0, epoch.0
            ),
            StepDetail::Replicated { follower } => {
                write!(f, "copied by follower {}", follower.0)
            }
            StepDetail::HighWatermark { broker, hw } => write!(
                f,
                "covered by the HW of broker {} (hw={})",
                broker.0, hw.0
            ),
            StepDetail::Acked { producer } => write!(f, "acked to {producer}"),
            StepDetail::AckedAgain { producer } => write!(
                f,
                "acked again to {producer}: a retried batch the leader already had, answered with its offsets"
            ),
            StepDetail::Truncated {
                broker,
                to,
                election,
            } => {
                write!(
                    f,
                    "removed from broker {} (truncated to {}): ",
                    broker.0, to.0
                )?;
                match election {
                    Some(e) => write!(
                        f,
                        "its log diverged from leader {} after the {} election at {} ms (epoch {})",
                        e.leader.0,
                        e.kind.as_str(),
                        e.at_ms,
                        e.epoch.0
                    ),
                    None => f.write_str("its log diverged from the leader's"),
                }
            }
            StepDetail::Deleted {
                broker,
                reason,
                log_start,
            } => write!(
                f,
                "deleted from broker {} by {reason} (log start {})",
                broker.0, log_start.0
            ),
            StepDetail::Lost {
                leader,
                epoch,
                election,
            } => write!(
                f,
                "acked but gone: new leader {} (epoch {}, {} election) does not have it",
                leader.0,
                epoch.0,
                election.map_or("", ElectionKind::as_str)
            ),
            StepDetail::Delivered { group, consumer } => {
                write!(f, "delivered to group {group} consumer {consumer}")
            }
            StepDetail::DeliveredAgain { group, consumer } => write!(
                f,
                "delivered again to group {group} consumer {consumer} (duplicate)"
            ),
            StepDetail::Committed { group, offset } => {
                write!(f, "group {group} committed offset {} past it", offset.0)
            }
        }
    }
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
    let mut election: Option<ElectionSeen> = None;
    // Batches of this partition sent again before the record was appended: when, by whom,
    // how many records, why, which attempt.
    let mut retries: Vec<(SimTime, Arc<str>, u32, ErrorKind, u32)> = Vec::new();
    // Groups that were handed the record, and whether they committed past it yet.
    let mut groups: SortedMap<Arc<str>, bool> = SortedMap::new();
    let step = |steps: &mut Vec<LineageStep>, at, kind, broker, detail: StepDetail| {
        steps.push(LineageStep {
            at_ms: at,
            kind,
            broker,
            group: None,
            detail,
        })
    };
    let mut gone = GoneTopics::default();
    for te in events {
        let at = te.at;
        if gone.observe(&te.event).is_some_and(|t| *t == tp.topic) {
            // The journey is the topic's that has the name now: one created after a
            // deletion has other records at the same offsets.
            steps.clear();
            rec = None;
            election = None;
            retries.clear();
            groups.clear();
        }
        if gone.about_gone(&te.event) {
            continue;
        }
        match &te.event {
            Event::LeaderElected {
                tp: t,
                leader,
                epoch,
                election: kind,
                ..
            } if t == tp => {
                election = Some(ElectionSeen {
                    at_ms: at,
                    kind: *kind,
                    leader: *leader,
                    epoch: *epoch,
                })
            }
            Event::RecordsAppended {
                broker,
                tp: t,
                base_offset,
                count,
                epoch,
                client,
            } if t == tp && covers(*base_offset, u64::from(*count), offset) => {
                let batch = BatchRange {
                    start: *base_offset,
                    end: Offset(base_offset.0 + u64::from(*count)),
                };
                match &mut rec {
                    None => {
                        produced(engine, tp, offset, *epoch, *client, at, batch, &mut steps);
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
                                    StepDetail::Retried {
                                        producer: p.name.clone(),
                                        error: r.3,
                                        attempt: r.4,
                                    },
                                );
                            }
                        }
                        step(
                            &mut steps,
                            at,
                            StepKind::Appended,
                            Some(*broker),
                            StepDetail::Appended {
                                leader: *broker,
                                epoch: *epoch,
                                batch,
                            },
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
                            StepDetail::Replaced {
                                leader: *broker,
                                epoch: *epoch,
                                batch,
                            },
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
                            StepDetail::Replicated { follower: *broker },
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
                            StepDetail::HighWatermark {
                                broker: *broker,
                                hw: *high_watermark,
                            },
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
                    let producer = producer.clone();
                    let (kind, detail) = if r.acked {
                        (StepKind::Deduplicated, StepDetail::AckedAgain { producer })
                    } else {
                        (StepKind::Acked, StepDetail::Acked { producer })
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
                        step(
                            &mut steps,
                            at,
                            StepKind::Truncated,
                            Some(*broker),
                            StepDetail::Truncated {
                                broker: *broker,
                                to: *to_offset,
                                election,
                            },
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
                            StepDetail::Deleted {
                                broker: *broker,
                                reason: reason.clone(),
                                log_start: *log_start_offset,
                            },
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
                step(
                    &mut steps,
                    at,
                    StepKind::Lost,
                    None,
                    StepDetail::Lost {
                        leader: *leader,
                        epoch: *epoch,
                        election: election.map(|e| e.kind),
                    },
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
                    let (g, consumer) = (group.clone(), consumer.clone());
                    let detail = if again {
                        StepDetail::DeliveredAgain { group: g, consumer }
                    } else {
                        StepDetail::Delivered { group: g, consumer }
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
                        StepDetail::Committed {
                            group: group.clone(),
                            offset: *o,
                        },
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
    batch: BatchRange,
    steps: &mut Vec<LineageStep>,
) {
    let producer = client
        .and_then(|c| engine.producers.get(&c))
        .map(|p| (p.name.clone(), p.acks));
    let mut at = appended_at;
    let mut key = RecordKey::Unknown;
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
                Some(k) => RecordKey::Key(String::from_utf8_lossy(k).into_owned()),
                None => RecordKey::Null,
            };
            break;
        }
    }
    steps.push(LineageStep {
        at_ms: at,
        kind: StepKind::Produced,
        broker: None,
        group: None,
        detail: StepDetail::Produced {
            tp: tp.clone(),
            offset,
            producer,
            batch,
            key,
        },
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
