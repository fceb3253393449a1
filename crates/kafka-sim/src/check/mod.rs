//! Invariant checkers, run after every event (TigerBeetle's VOPR checkers, the invariants of
//! Kafka's TLA+ replication specs). A simulator that teaches Kafka must never teach something
//! false, so every rule of KAFKA_SEMANTICS.md that can be stated about a state (or about a
//! state and the ones before it) is checked here, from the outside, without trusting the
//! engine's own bookkeeping.
//!
//! [`Checker::check`] looks at the engine after each step (or command) and returns the first
//! broken invariant as a [`Violation`] naming the invariant, the partition, the broker and the
//! values. The checks are incremental (each step costs what changed, not what is stored), and
//! [`Checker::finish`] re-checks everything from scratch at the end of a run as a safety net.
//!
//! - `structure.rs`: leader in ISR, ISR within the replicas, log start <= HW <= LEO, log start
//!   never goes back, leader HW never decreases within a tenure, controller epochs never
//!   decrease, one leader per epoch.
//! - `logs.rs`: offsets dense and increasing (every offset from the log start covered by one
//!   batch, compacted batches included), epoch cache agrees with the records, log matching
//!   (replicas agree on every offset below both their HWs), no idempotent batch twice.
//! - `acked.rs`: acked records are never lost silently, and acks=all records with
//!   `min.insync.replicas >= 2` are never lost without an unclean election.
//! - `groups.rs`: consumer-group invariants (consumers read only committed records, one
//!   owner per partition per generation, commits never above the HW).
//! - `log_start.rs`: no consumer receives a record below the log start it was served with.
//! - `compaction.rs`: the log cleaner never removes the latest value of a key.
//! - `txns.rs`: a read_committed consumer never receives an aborted (or open) transaction's
//!   record.
//! - `scenario.rs`: a scenario run checked after every step ([`run_scenario_checked`]).

mod acked;
mod changes;
mod compaction;
mod groups;
mod log_start;
mod logs;
mod scenario;
mod structure;
mod txns;

pub use scenario::{run_scenario_checked, CheckedRun};

use crate::engine::Engine;
use crate::event::Event;
use crate::gone_topics::GoneTopics;
use crate::ids::{BrokerId, Offset, SimTime, TopicPartition};
use crate::sorted::SortedSet;
use std::fmt;

/// The invariants the checker knows, by name.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Invariant {
    /// The controller's leader of a partition is in its ISR and in its replicas.
    LeaderInIsr,
    /// The ISR is non-empty, has no duplicates and is a subset of the replicas.
    IsrWellFormed,
    /// `HW <= LEO` (and `log start <= HW`) on every replica.
    HwAtMostLeo,
    /// A replica's log start offset never goes back (retention only moves it forward).
    LogStartMonotonic,
    /// A leader's HW never goes down while it leads in one epoch (one tenure).
    LeaderHwMonotonic,
    /// The controller's leader epoch and partition epoch never go down.
    EpochMonotonic,
    /// Never two different leaders in one leader epoch.
    OneLeaderPerEpoch,
    /// Offsets are dense and increasing, epochs never decrease along the log, and the leader
    /// epoch cache agrees with the records.
    OffsetsDense,
    /// Replicas agree on every offset below both their HWs (same leader epoch per offset).
    LogMatching,
    /// A record acked with acks=all while `min.insync.replicas >= 2` is never lost without an
    /// unclean election.
    AckedRecordNotLost,
    /// Any acked record that is lost is reported by the engine (`AckedRecordsLost`), exactly.
    LossNeverSilent,
    /// A consumer never receives a record at or above the HW.
    ConsumerBelowHw,
    /// Within one group generation no partition is owned by two members.
    OneOwnerPerGeneration,
    /// A committed offset never exceeds the HW at commit time.
    CommitAtMostHw,
    /// No log holds an idempotent producer's batch (producer id, epoch, sequence) twice:
    /// the leader answers a resent batch with the original offsets (`ProducerStateManager`).
    NoDuplicateIdempotentBatch,
    /// No consumer receives a record below the leader's log start offset at the time the
    /// leader served it (retention made it unreadable).
    ConsumerAboveLogStart,
    /// Compaction never removes the latest record of a key (unless it is a tombstone past
    /// `delete.retention.ms`).
    CompactionKeepsLatest,
    /// A read_committed consumer never receives a record of an aborted (or still open)
    /// transaction (`FetchCollector` skips aborted batches, the LSO holds back open ones).
    ReadCommittedNoAborted,
}

impl Invariant {
    /// A short kebab-case name, stable for logs and tests.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::LeaderInIsr => "leader-in-isr",
            Invariant::IsrWellFormed => "isr-well-formed",
            Invariant::HwAtMostLeo => "hw-at-most-leo",
            Invariant::LogStartMonotonic => "log-start-monotonic",
            Invariant::LeaderHwMonotonic => "leader-hw-monotonic",
            Invariant::EpochMonotonic => "epoch-monotonic",
            Invariant::OneLeaderPerEpoch => "one-leader-per-epoch",
            Invariant::OffsetsDense => "offsets-dense",
            Invariant::LogMatching => "log-matching",
            Invariant::AckedRecordNotLost => "acked-record-not-lost",
            Invariant::LossNeverSilent => "loss-never-silent",
            Invariant::ConsumerBelowHw => "consumer-below-hw",
            Invariant::OneOwnerPerGeneration => "one-owner-per-generation",
            Invariant::CommitAtMostHw => "commit-at-most-hw",
            Invariant::NoDuplicateIdempotentBatch => "no-duplicate-idempotent-batch",
            Invariant::ConsumerAboveLogStart => "consumer-above-log-start",
            Invariant::CompactionKeepsLatest => "compaction-keeps-latest",
            Invariant::ReadCommittedNoAborted => "read-committed-no-aborted",
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant: which, when, where, and the values that break it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Violation {
    pub invariant: Invariant,
    pub at_ms: SimTime,
    pub tp: Option<TopicPartition>,
    pub broker: Option<BrokerId>,
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invariant {} broken at {} ms",
            self.invariant, self.at_ms
        )?;
        if let Some(tp) = &self.tp {
            write!(f, " on {tp}")?;
        }
        if let Some(b) = self.broker {
            write!(f, " (broker {b})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

impl std::error::Error for Violation {}

/// Why a lost acked record was allowed to be lost.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LossCause {
    /// An unclean leader election happened after the ack (`unclean.leader.election.enable`).
    UncleanElection,
    /// Kafka does not promise it: acks=1 (or acks=all while `min.insync.replicas` < 2).
    WeakAcks,
}

/// Acked records lost in a way Kafka allows (an expected loss, made visible).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Loss {
    pub at_ms: SimTime,
    pub tp: TopicPartition,
    /// `[start, end)` offsets.
    pub ranges: Vec<(Offset, Offset)>,
    pub count: u64,
    /// Some of them were acked with acks=all and `min.insync.replicas >= 2`.
    pub acks_all: bool,
    pub cause: LossCause,
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cause = match self.cause {
            LossCause::UncleanElection => "after an unclean leader election",
            LossCause::WeakAcks => "acks=1 or min.insync.replicas < 2",
        };
        write!(
            f,
            "EXPECTED loss at {} ms of {} acked record(s){} on {} at {} ({cause})",
            self.at_ms,
            self.count,
            if self.acks_all { " (acks=all)" } else { "" },
            self.tp,
            fmt_ranges(&self.ranges)
        )
    }
}

/// `[a, b)` ranges as `a..b, c..d`.
pub(crate) fn fmt_ranges(ranges: &[(Offset, Offset)]) -> String {
    ranges
        .iter()
        .map(|(a, b)| format!("{}..{}", a.0, b.0))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks an engine after every step. Keep one per engine and call [`Checker::check`] after
/// each `step()` or `apply()`; the engine must record events and they must not be taken in
/// between (the checker reads the events that are new since the last check).
#[derive(Clone, Debug, Default)]
pub struct Checker {
    events_seen: usize,
    checks: u64,
    changes: changes::Changes,
    structure: structure::State,
    logs: logs::State,
    acked: acked::State,
    groups: groups::State,
    log_start: log_start::State,
    compaction: compaction::State,
    /// Deleted topics not created again yet: what is said of them is not checked.
    gone: GoneTopics,
}

impl Checker {
    pub fn new() -> Checker {
        Checker::default()
    }

    /// How many times [`Checker::check`] ran.
    pub fn checks(&self) -> u64 {
        self.checks
    }

    /// How much the log lifecycle invariants really checked: deliveries served after the
    /// log start had moved, and latest key values found in place after a cleaning.
    pub fn log_coverage(&self) -> (u64, u64) {
        (
            self.log_start.deliveries_checked,
            self.compaction.keys_verified,
        )
    }

    /// Expected losses found so far (never violations, always visible).
    pub fn losses(&self) -> &[Loss] {
        self.acked.losses()
    }

    /// Checks the engine's current state against every invariant.
    pub fn check(&mut self, engine: &Engine) -> Result<(), Violation> {
        self.checks += 1;
        let events = engine.events();
        let from = if self.events_seen <= events.len() {
            self.events_seen
        } else {
            0
        };
        let mut dirty: SortedSet<TopicPartition> = SortedSet::new();
        for (i, te) in events.iter().enumerate().skip(from) {
            let index = i as u64;
            if let Some(topic) = self.gone.observe(&te.event) {
                // A topic created later under its name is a new topic: its own history only.
                self.structure.forget_topic(topic);
                self.logs.forget_topic(topic);
                self.acked.forget_topic(topic);
                self.groups.forget_topic(topic);
                self.compaction.forget_topic(topic);
                dirty.retain(|tp| tp.topic != *topic);
            }
            if self.gone.about_gone(&te.event) {
                // A late ack or delivery of the deleted topic, or a broker that has not
                // learned of the deletion yet: nothing of the topic is left to check it with.
                continue;
            }
            match &te.event {
                Event::ProduceAcked {
                    producer,
                    tp,
                    base_offset,
                    count,
                    epoch,
                } => {
                    let guaranteed = engine.acks_all_guaranteed(producer, tp);
                    self.acked
                        .record(tp, *base_offset, *count, *epoch, guaranteed, index);
                    // An ack from an older leader epoch than the current one may name records
                    // the new leader lacks: compare everything. Otherwise the leader wrote it.
                    let current = engine
                        .controller
                        .image
                        .partition(tp)
                        .map(|r| r.leader_epoch);
                    if current.is_some_and(|c| c > *epoch) {
                        dirty.insert(tp.clone());
                    }
                }
                Event::LeaderElected { tp, election, .. } => {
                    if *election == crate::event::ElectionKind::Unclean {
                        self.acked.unclean_election(tp, index);
                        self.logs.unclean_election(tp);
                    }
                    dirty.insert(tp.clone());
                }
                Event::LogTruncated { tp, .. } => {
                    dirty.insert(tp.clone());
                }
                Event::AckedRecordsLost { tp, ranges, .. } => {
                    self.acked.reported(tp, ranges);
                    dirty.insert(tp.clone());
                }
                _ => {}
            }
            self.groups.observe(&te.event, &self.gone);
            self.log_start.observe(&te.event, te.at);
            self.compaction.observe(&te.event);
            txns::check_delivery(engine, &te.event, te.at)?;
        }
        self.events_seen = events.len();
        let now = engine.now();
        self.structure.check_registrations_if_changed(engine, now)?;
        let (structure, logs) = (&mut self.structure, &mut self.logs);
        let compaction = &mut self.compaction;
        self.changes.for_each_changed(engine, |b, tp, r| {
            structure.check_replica(b, tp, r, now)?;
            compaction.replica_changed(engine, tp, r, now);
            logs.check_replica(b, tp, r, now)
        })?;
        for tp in &dirty {
            self.acked.verify(engine, tp, now)?;
        }
        self.groups.check(&self.logs, now)?;
        self.log_start.check()?;
        self.compaction.check(engine, now)?;
        Ok(())
    }

    /// The end of a run: checks once more, then re-checks every log from offset 0 and every
    /// acked record against its partition's leader (a safety net for the incremental checks).
    pub fn finish(&mut self, engine: &Engine) -> Result<(), Violation> {
        self.check(engine)?;
        self.structure.check_registrations(engine, engine.now())?;
        let mut fresh = logs::State::default();
        fresh.inherit_unclean(&self.logs);
        let now = engine.now();
        changes::Changes::default()
            .for_each_changed(engine, |b, tp, r| fresh.check_replica(b, tp, r, now))?;
        let tps: Vec<TopicPartition> = engine
            .topics_view()
            .into_iter()
            .flat_map(|t| t.partitions.into_iter().map(|p| p.tp))
            .collect();
        for tp in &tps {
            self.acked.verify(engine, tp, engine.now())?;
        }
        self.compaction.verify_all(engine, now)?;
        Ok(())
    }
}

/// Runs an engine to `until` one step at a time, checking after every step.
pub fn run_checked(
    engine: &mut Engine,
    checker: &mut Checker,
    until: SimTime,
) -> Result<(), Violation> {
    while engine.next_time().is_some_and(|t| t <= until) {
        engine.step();
        checker.check(engine)?;
    }
    engine.advance_to(until);
    Ok(())
}

impl Engine {
    /// Whether an ack of `producer` on `tp` is one Kafka promises never to lose: acks=all
    /// while the partition's effective `min.insync.replicas` (capped at its replicas) is at least 2. Uses the producer's acks now (the sweep
    /// never changes a producer's acks while it has requests in flight).
    pub(crate) fn acks_all_guaranteed(&self, producer: &str, tp: &TopicPartition) -> bool {
        let acks_all = self
            .producer_names
            .get(producer)
            .and_then(|c| self.producers.get(c))
            .is_some_and(|p| p.acks == crate::message::Acks::All);
        let min_isr = self
            .controller
            .image
            .topics
            .get(&tp.topic)
            .map_or(1, |t| t.effective_min_isr(tp.partition.0));
        acks_all && min_isr >= 2
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_log;
