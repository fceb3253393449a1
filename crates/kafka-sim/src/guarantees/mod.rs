//! The guarantee ledger, live: what Kafka promised and what became of it, as an observer of
//! the engine's events (like the checker, but for people): records acknowledged, acked
//! records lost and the election that lost them, records delivered twice to a group and why,
//! per-key order violations a group saw, aborted transactional records read_uncommitted
//! consumers saw. Incremental: [`GuaranteeLedger::feed`] takes the events since the last call
//! (the app calls it every frame with what `Engine::take_events` returned; the CLI once with
//! all of them). Memory is the counts, the entries, and per group and partition (and key) a
//! few words; never anything per record.
//!
//! Code map:
//! - `view.rs`: the counts and entries handed out ([`LedgerCounts`], [`LedgerEntry`]).
//! - `deliveries.rs`: the consumer side (duplicates and their reason, key order, aborted
//!   records seen).
//! - `lineage.rs`: one record's journey, computed on demand from the events and the state.
//! - `text.rs`: both as the CLI prints them (`--ledger`, `--lineage`).
//!
//! Acked and lost records are not counted again here: they are the engine's own
//! `ProduceAcked` and `AckedRecordsLost` events (the acked-record ledger, `src/ledger.rs`),
//! so the ledger and `--acks` / `lost_records()` can never disagree.

mod deliveries;
pub mod lineage;
pub mod text;
pub mod view;

pub use lineage::{
    lineage, lineage_in, BatchRange, ElectionSeen, LineageStep, RecordKey, StepDetail, StepKind,
};
pub use view::{ConsumerFate, EntryKind, EntryReason, LedgerCounts, LedgerEntry};

use crate::engine::Engine;
use crate::event::{ElectionKind, Event, TimedEvent};
use crate::gone_topics::GoneTopics;
use crate::ids::{BrokerId, Epoch, SimTime, TopicPartition};
use crate::sorted::SortedMap;
use deliveries::Deliveries;

/// The last election of a partition, to name the one that lost acked records.
#[derive(Clone, Copy)]
struct Election {
    at: SimTime,
    kind: ElectionKind,
}

/// The live guarantee ledger. Feed it events in order, read counts and entries.
#[derive(Clone, Default)]
pub struct GuaranteeLedger {
    acked: u64,
    lost: u64,
    entries: Vec<LedgerEntry>,
    elections: SortedMap<TopicPartition, Election>,
    deliveries: Deliveries,
    /// Deleted topics not created again yet: what is said of them is not followed.
    gone: GoneTopics,
}

impl GuaranteeLedger {
    pub fn new() -> GuaranteeLedger {
        GuaranteeLedger::default()
    }

    /// Follows `events` (the next ones, in order). `engine` is the engine they came from, as
    /// it is now: it tells a consumer's isolation level and whether a transaction a
    /// read_uncommitted consumer read from was aborted.
    pub fn feed(&mut self, engine: &Engine, events: &[TimedEvent]) {
        for e in events {
            if let Some(topic) = self.gone.observe(&e.event) {
                // A topic created later under its name is a new topic. The entries so far
                // stay (they happened), marked: their records are gone.
                self.elections.retain(|tp, _| tp.topic != *topic);
                self.deliveries.forget_topic(topic);
                for entry in self.entries.iter_mut().filter(|x| x.tp.topic == *topic) {
                    entry.topic_deleted = true;
                }
            }
            match &e.event {
                Event::ProduceAcked { count, .. } => self.acked += u64::from(*count),
                // A late delivery or commit of a deleted topic: its records are gone.
                ev if self.gone.about_gone(ev) => {}
                Event::LeaderElected { tp, election, .. } => {
                    self.elections.insert(
                        tp.clone(),
                        Election {
                            at: e.at,
                            kind: *election,
                        },
                    );
                }
                Event::AckedRecordsLost {
                    tp,
                    leader,
                    epoch,
                    ranges,
                    count,
                } => {
                    self.lost += count;
                    self.lost_entries(e.at, tp, *leader, *epoch, ranges);
                }
                ev => self.deliveries.observe(engine, e.at, ev, &mut self.entries),
            }
        }
        self.deliveries.settle(engine, &mut self.entries);
    }

    fn lost_entries(
        &mut self,
        at: SimTime,
        tp: &TopicPartition,
        leader: BrokerId,
        epoch: Epoch,
        ranges: &[(crate::ids::Offset, crate::ids::Offset)],
    ) {
        let election = EntryReason::Lost {
            leader,
            epoch,
            election: self.elections.get(tp).map(|el| (el.kind, el.at)),
        };
        for (start, end) in ranges {
            self.entries.push(LedgerEntry {
                at_ms: at,
                kind: EntryKind::Lost,
                tp: tp.clone(),
                start: *start,
                end: *end,
                count: end.0 - start.0,
                group: None,
                consumer: None,
                reason: election.clone(),
                topic_deleted: false,
            });
        }
    }

    /// The totals so far.
    pub fn counts(&self) -> LedgerCounts {
        let mut c = LedgerCounts {
            acked: self.acked,
            lost: self.lost,
            delivered: self.deliveries.delivered(),
            ..LedgerCounts::default()
        };
        for e in &self.entries {
            match e.kind {
                EntryKind::Lost => {}
                EntryKind::Duplicate => c.duplicates += e.count,
                EntryKind::OrderViolation => c.order_violations += e.count,
                EntryKind::AbortedSeen => c.aborted_seen += e.count,
            }
        }
        c
    }

    /// Every entry so far, in the order found (aborted records seen are found when their
    /// transaction ends, so their `at_ms` may be earlier than the entry before them).
    pub fn entries(&self) -> &[LedgerEntry] {
        &self.entries
    }
}
