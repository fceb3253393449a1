//! The plain values the guarantee ledger hands out (to the app's charts and to
//! `kafka-sim run --ledger`): the counts, and one [`LedgerEntry`] per thing worth a look, each
//! pointing at a moment of the timeline (`at_ms`) and at records (partition and offsets).

use crate::ids::{Offset, SimTime, TopicPartition};
use std::sync::Arc;

/// Running totals, records (not batches).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct LedgerCounts {
    /// Records a producer was told are written (`ProduceAcked`; acks=0 gets no answer).
    pub acked: u64,
    /// Acked records a new leader's log did not have (`AckedRecordsLost`).
    pub lost: u64,
    /// Records handed to applications, all groups.
    pub delivered: u64,
    /// Records a group was handed again (below its delivery mark of the partition).
    pub duplicates: u64,
    /// Records of a key a group received after a newer record of the same key.
    pub order_violations: u64,
    /// Records of aborted transactions handed to read_uncommitted consumers.
    pub aborted_seen: u64,
}

/// What an entry is about.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EntryKind {
    /// Acked records lost at an election.
    Lost,
    /// Records delivered again to a group.
    Duplicate,
    /// A record of a key delivered after a newer record of that key.
    OrderViolation,
    /// Aborted transactional records seen by a read_uncommitted consumer.
    AbortedSeen,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Lost => "lost",
            EntryKind::Duplicate => "duplicate",
            EntryKind::OrderViolation => "order-violation",
            EntryKind::AbortedSeen => "aborted-seen",
        }
    }
}

/// One ledger entry: offsets `[start, end)` of `tp` (`count` records, fewer than the span
/// where compaction left gaps), at `at_ms`, with who saw it and why.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LedgerEntry {
    pub at_ms: SimTime,
    pub kind: EntryKind,
    pub tp: TopicPartition,
    pub start: Offset,
    pub end: Offset,
    pub count: u64,
    /// The group and the consumer's client id (not for [`EntryKind::Lost`]).
    pub group: Option<Arc<str>>,
    pub consumer: Option<Arc<str>>,
    /// Why, in words: the election that lost the records, the consumer that died before
    /// committing, the newer record of the key, the aborted transaction's producer id.
    pub reason: String,
}
