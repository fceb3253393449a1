//! Acked records, checked independently of the engine's own ledger: the checker keeps its own
//! list of what producers were told is written (from `ProduceAcked` events) and compares it
//! with the log of each partition's current leader whenever leadership or that log changes.
//!
//! A missing record is then one of:
//! - a violation of Kafka's guarantee (acks=all, `min.insync.replicas >= 2`, no unclean
//!   election since the ack): [`Invariant::AckedRecordNotLost`];
//! - an expected loss Kafka allows (unclean election, acks=1, min ISR 1), kept as a [`Loss`];
//!
//! and in both cases the engine must have reported exactly those offsets in an
//! `AckedRecordsLost` event, or the loss was silent: [`Invariant::LossNeverSilent`].
//!
//! Offsets below the leader's log start were deleted by retention, not lost. A compacted
//! log still covers every offset with the batch (and epoch) that held it, so a record the
//! cleaner removed in favour of a later record of its key is not lost either.

use super::{fmt_ranges, Invariant, Loss, LossCause, Violation};
use crate::engine::Engine;
use crate::ids::{Epoch, Offset, SimTime, TopicPartition};
use crate::log::Log;
use crate::sorted::SortedMap;

/// Acked offsets `[start, end)` written in `epoch`.
#[derive(Clone, Debug)]
struct Acked {
    start: Offset,
    end: Offset,
    epoch: Epoch,
    /// acks=all while `min.insync.replicas >= 2`: Kafka promises never to lose it.
    guaranteed: bool,
    /// Index of the ack event (orders it against unclean elections).
    acked_at: u64,
}

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    acked: SortedMap<TopicPartition, Vec<Acked>>,
    /// Event indexes of unclean elections, per partition.
    unclean: SortedMap<TopicPartition, Vec<u64>>,
    /// Offsets the engine reported lost and the checker has not matched yet.
    reported: SortedMap<TopicPartition, Vec<(Offset, Offset)>>,
    losses: Vec<Loss>,
}

impl State {
    /// A deleted topic: its acks promised nothing about a later topic of its name.
    pub(super) fn forget_topic(&mut self, topic: &str) {
        self.acked.retain(|tp, _| &*tp.topic != topic);
        self.unclean.retain(|tp, _| &*tp.topic != topic);
        self.reported.retain(|tp, _| &*tp.topic != topic);
    }

    pub(super) fn losses(&self) -> &[Loss] {
        &self.losses
    }

    pub(super) fn record(
        &mut self,
        tp: &TopicPartition,
        base: Offset,
        count: u32,
        epoch: Epoch,
        guaranteed: bool,
        acked_at: u64,
    ) {
        let end = Offset(base.0 + u64::from(count));
        let list = self.acked.entry(tp.clone()).or_default();
        match list.last_mut() {
            Some(l) if l.end == base && l.epoch == epoch && l.guaranteed == guaranteed => {
                l.end = end;
                l.acked_at = acked_at;
            }
            _ => list.push(Acked {
                start: base,
                end,
                epoch,
                guaranteed,
                acked_at,
            }),
        }
    }

    pub(super) fn unclean_election(&mut self, tp: &TopicPartition, at: u64) {
        self.unclean.entry(tp.clone()).or_default().push(at);
    }

    pub(super) fn reported(&mut self, tp: &TopicPartition, ranges: &[(Offset, Offset)]) {
        self.reported
            .entry(tp.clone())
            .or_default()
            .extend_from_slice(ranges);
    }

    /// Compares the acked records of `tp` with its current leader's log.
    pub(super) fn verify(
        &mut self,
        e: &Engine,
        tp: &TopicPartition,
        now: SimTime,
    ) -> Result<(), Violation> {
        let leader_log = e
            .controller
            .image
            .partition(tp)
            .and_then(|reg| reg.leader)
            .and_then(|l| e.brokers.get(&l))
            .and_then(|b| b.replicas.get(tp))
            .map(|r| &r.log);
        let reported = self.reported.remove(tp).unwrap_or_default();
        let fail = |invariant, detail: String| Violation {
            invariant,
            at_ms: now,
            tp: Some(tp.clone()),
            broker: None,
            detail,
        };
        let Some(log) = leader_log else {
            if reported.is_empty() {
                return Ok(());
            }
            return Err(fail(
                Invariant::LossNeverSilent,
                format!(
                    "the engine reported {} lost while the partition has no leader",
                    fmt_ranges(&reported)
                ),
            ));
        };
        let list = self.acked.remove(tp).unwrap_or_default();
        let mut kept = Vec::with_capacity(list.len());
        let mut lost: Vec<(Acked, Offset, Offset)> = Vec::new();
        // Below the leader's log start retention deleted the records: gone, not lost (the
        // structure checks keep the log start at most the HW and never moving back).
        let start = log.log_start_offset();
        for mut a in list {
            if a.end <= start {
                continue;
            }
            a.start = a.start.max(start);
            let mut keep_from = a.start;
            for (s, t) in missing(log, a.start, a.end, a.epoch) {
                if keep_from < s {
                    kept.push(Acked {
                        start: keep_from,
                        end: s,
                        ..a.clone()
                    });
                }
                lost.push((a.clone(), s, t));
                keep_from = t;
            }
            if keep_from < a.end {
                kept.push(Acked {
                    start: keep_from,
                    ..a
                });
            }
        }
        self.acked.insert(tp.clone(), kept);
        let found: Vec<(Offset, Offset)> = merge(lost.iter().map(|(_, s, t)| (*s, *t)).collect());
        if found != merge(reported.clone()) {
            return Err(fail(
                Invariant::LossNeverSilent,
                format!(
                    "acked records missing from the leader's log: [{}]; the engine reported: [{}]",
                    fmt_ranges(&found),
                    fmt_ranges(&merge(reported))
                ),
            ));
        }
        if lost.is_empty() {
            return Ok(());
        }
        let unclean = self.unclean.get(tp).map_or(&[][..], |v| v.as_slice());
        let after_unclean = |a: &Acked| unclean.iter().any(|u| *u > a.acked_at);
        if let Some((a, s, t)) = lost
            .iter()
            .find(|(a, _, _)| a.guaranteed && !after_unclean(a))
        {
            return Err(fail(
                Invariant::AckedRecordNotLost,
                format!(
                    "records {}..{} acked with acks=all (epoch {}, min.insync.replicas >= 2) are \
                     gone from the leader's log without an unclean election",
                    s.0, t.0, a.epoch.0
                ),
            ));
        }
        let count = found.iter().map(|(a, b)| b.0 - a.0).sum();
        self.losses.push(Loss {
            at_ms: now,
            tp: tp.clone(),
            ranges: found,
            count,
            acks_all: lost.iter().any(|(a, _, _)| a.guaranteed),
            cause: if lost.iter().any(|(a, _, _)| after_unclean(a)) {
                LossCause::UncleanElection
            } else {
                LossCause::WeakAcks
            },
        });
        Ok(())
    }
}

/// The sub-ranges of `[start, end)` where `log` lacks a record of `epoch`.
fn missing(log: &Log, start: Offset, end: Offset, epoch: Epoch) -> Vec<(Offset, Offset)> {
    let mut out: Vec<(Offset, Offset)> = Vec::new();
    let mut o = start;
    while o < end {
        let (present, next) = match log.chunk_at(o) {
            Some(c) if c.base_offset() <= o => (c.epoch() == epoch, c.end_offset().min(end)),
            Some(c) => (false, c.base_offset().min(end)),
            None => (false, end),
        };
        if !present {
            match out.last_mut() {
                Some(l) if l.1 == o => l.1 = next,
                _ => out.push((o, next)),
            }
        }
        o = next;
    }
    out
}

/// Sorts and merges touching ranges.
fn merge(mut v: Vec<(Offset, Offset)>) -> Vec<(Offset, Offset)> {
    v.sort();
    let mut out: Vec<(Offset, Offset)> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(l) if l.1 >= a => l.1 = l.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}
