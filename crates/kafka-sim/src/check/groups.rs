//! Consumer-group invariants, from the events consumers and coordinators report:
//! - [`Invariant::ConsumerBelowHw`]: every record handed to an application was committed:
//!   below the HW, with the leader epoch the committed log has at that offset (read_uncommitted
//!   reads only below the HW, so a consumer never sees a record that may still vanish).
//! - [`Invariant::OneOwnerPerGeneration`]: within one group generation no partition is
//!   assigned to two members.
//! - [`Invariant::CommitAtMostHw`]: a committed offset (the next offset to read) never exceeds
//!   the partition's HW at commit time.
//!
//! The committed log and its end (the highest HW any replica has had) come from `logs.rs`;
//! partitions that had an unclean election have no committed log any more and are skipped.

use super::logs;
use super::{Invariant, Violation};
use crate::event::Event;
use crate::gone_topics::GoneTopics;
use crate::ids::{Epoch, Offset, SimTime, TopicPartition};
use crate::sorted::SortedMap;
use std::sync::Arc;

/// Something to check once the committed log is up to date with this step.
#[derive(Clone, Debug)]
enum Pending {
    Delivered {
        group: Arc<str>,
        consumer: Arc<str>,
        tp: TopicPartition,
        /// `(start, end, epoch)` of each delivered chunk.
        pieces: Vec<(Offset, Offset, Epoch)>,
    },
    Committed {
        group: Arc<str>,
        member: Arc<str>,
        tp: TopicPartition,
        offset: Offset,
    },
}

/// A generation and the member owning each partition in it.
type Owners = (i32, SortedMap<TopicPartition, Arc<str>>);

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    /// Per group: the generation last assigned and who owns each partition in it.
    owners: SortedMap<Arc<str>, Owners>,
    pending: Vec<Pending>,
    violation: Option<(Invariant, Option<TopicPartition>, String)>,
}

impl State {
    /// A deleted topic: its deliveries and commits are not checked against a topic created
    /// later under its name, and no member owns its partitions any more.
    pub(super) fn forget_topic(&mut self, topic: &str) {
        self.pending.retain(|p| match p {
            Pending::Delivered { tp, .. } | Pending::Committed { tp, .. } => &*tp.topic != topic,
        });
        for (_, owners) in self.owners.values_mut() {
            owners.retain(|tp, _| &*tp.topic != topic);
        }
    }

    /// Follows one event; `gone` tells the partitions of deleted topics (whose commits are not
    /// checked: a commit can name several topics).
    pub(super) fn observe(&mut self, event: &Event, gone: &GoneTopics) {
        match event {
            Event::RecordsDelivered {
                group,
                consumer,
                tp,
                records,
                ..
            } => self.pending.push(Pending::Delivered {
                group: group.clone(),
                consumer: consumer.clone(),
                tp: tp.clone(),
                pieces: records
                    .iter()
                    .map(|c| (c.base_offset(), c.end_offset(), c.epoch()))
                    .collect(),
            }),
            Event::OffsetsCommitted {
                group,
                member,
                offsets,
            } => {
                for (tp, offset) in offsets.iter().filter(|(tp, _)| !gone.is_gone(&tp.topic)) {
                    self.pending.push(Pending::Committed {
                        group: group.clone(),
                        member: member.clone(),
                        tp: tp.clone(),
                        offset: *offset,
                    });
                }
            }
            Event::PartitionsAssigned {
                group,
                consumer,
                generation,
                assigned,
                ..
            } => self.assigned(group, consumer, *generation, assigned),
            _ => {}
        }
    }

    fn assigned(
        &mut self,
        group: &Arc<str>,
        consumer: &Arc<str>,
        generation: i32,
        assigned: &[TopicPartition],
    ) {
        let entry = self
            .owners
            .entry(group.clone())
            .or_insert_with(|| (generation, SortedMap::new()));
        if entry.0 != generation {
            // Only the newest generation matters; an older one's assignment arriving late is
            // stale and ignored by its consumer too.
            if generation < entry.0 {
                return;
            }
            *entry = (generation, SortedMap::new());
        }
        for tp in assigned {
            match entry.1.get(tp) {
                Some(other) if other != consumer && self.violation.is_none() => {
                    self.violation = Some((
                        Invariant::OneOwnerPerGeneration,
                        Some(tp.clone()),
                        format!(
                            "group {group} generation {generation}: assigned to both {other} and {consumer}"
                        ),
                    ));
                }
                _ => {
                    entry.1.insert(tp.clone(), consumer.clone());
                }
            }
        }
    }

    /// Runs after the logs are checked for this step, so the committed log includes every HW
    /// the replicas reached up to now.
    pub(super) fn check(&mut self, logs: &logs::State, now: SimTime) -> Result<(), Violation> {
        let fail =
            |(invariant, tp, detail): (Invariant, Option<TopicPartition>, String)| Violation {
                invariant,
                at_ms: now,
                tp,
                broker: None,
                detail,
            };
        if let Some(v) = self.violation.take() {
            self.pending.clear();
            return Err(fail(v));
        }
        for p in std::mem::take(&mut self.pending) {
            match p {
                Pending::Delivered {
                    group,
                    consumer,
                    tp,
                    pieces,
                } => {
                    let Some(committed) = logs.committed(&tp) else {
                        continue;
                    };
                    let end = committed.last().map_or(Offset(0), |r| r.1);
                    for (start, stop, epoch) in pieces {
                        if stop > end {
                            return Err(fail((
                                Invariant::ConsumerBelowHw,
                                Some(tp.clone()),
                                format!(
                                    "{consumer} of group {group} received offsets {}..{} but the HW never passed {}",
                                    start.0, stop.0, end.0
                                ),
                            )));
                        }
                        if let Some((o, e)) = first_mismatch(committed, start, stop, epoch) {
                            return Err(fail((
                                Invariant::ConsumerBelowHw,
                                Some(tp.clone()),
                                format!(
                                    "{consumer} of group {group} received offset {} of epoch {} but the committed record there has epoch {}",
                                    o.0, epoch.0, e.0
                                ),
                            )));
                        }
                    }
                }
                Pending::Committed {
                    group,
                    member,
                    tp,
                    offset,
                } => {
                    let Some(committed) = logs.committed(&tp) else {
                        continue;
                    };
                    let end = committed.last().map_or(Offset(0), |r| r.1);
                    if offset > end {
                        return Err(fail((
                            Invariant::CommitAtMostHw,
                            Some(tp),
                            format!(
                                "group {group} (member {member}) committed offset {} above the HW {}",
                                offset.0, end.0
                            ),
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

/// The first offset of `[start, stop)` whose committed epoch is not `epoch`.
fn first_mismatch(
    committed: &[(Offset, Offset, Epoch)],
    start: Offset,
    stop: Offset,
    epoch: Epoch,
) -> Option<(Offset, Epoch)> {
    let mut o = start;
    while o < stop {
        let i = committed.partition_point(|r| r.1 <= o);
        let (run_start, run_end, run_epoch) = *committed.get(i)?;
        if o < run_start {
            // A gap of the committed log (deleted by retention before it was checked).
            o = run_start;
            continue;
        }
        if run_epoch != epoch {
            return Some((o, run_epoch));
        }
        o = run_end;
    }
    None
}
