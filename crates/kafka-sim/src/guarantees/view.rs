//! The plain values the guarantee ledger hands out (to the app's charts and to
//! `kafka-sim run --ledger`): the counts, and one [`LedgerEntry`] per thing worth a look, each
//! pointing at a moment of the timeline (`at_ms`) and at records (partition and offsets).

use crate::event::ElectionKind;
use crate::ids::{BrokerId, Epoch, Offset, SimTime, TopicPartition};
use std::fmt;
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
    /// Why: the election that lost the records, the consumer that died before committing,
    /// the newer record of the key, the aborted transaction's producer id.
    pub reason: EntryReason,
    /// The topic was deleted since: its records are gone, and a topic created again under
    /// its name has other records at these offsets.
    pub topic_deleted: bool,
}

/// What became of the consumer that had been handed records a group was handed again.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ConsumerFate {
    /// Killed (`died before committing`).
    Died,
    /// Left the group.
    Left,
    /// Its partitions were revoked in a rebalance.
    Revoked,
    /// Another consumer was handed the partition while it still ran.
    LostPartition,
}

/// Why an entry is there, with its values. `Display` is the English `kafka-sim run --ledger`
/// prints; the app words each variant in its own languages.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum EntryReason {
    /// `[KIND election at T ms: ]leader B (epoch E) lacks them`.
    Lost {
        leader: BrokerId,
        epoch: Epoch,
        /// The partition's last election and when, where one was seen.
        election: Option<(ElectionKind, SimTime)>,
    },
    /// `consumer C died before committing: handed up to offset N, committed M`.
    ConsumerGone {
        consumer: Arc<str>,
        fate: ConsumerFate,
        handed_up_to: Offset,
        committed: Option<Offset>,
    },
    /// The same consumer fetched again below what it had been handed (`reset`: the position
    /// reset's cause, `earliest`, `latest` or `out-of-range`, where there was one).
    FetchedAgain {
        reset: Option<Arc<str>>,
        handed_up_to: Offset,
        committed: Option<Offset>,
    },
    /// A key's record produced before a record of it the group already saw in another
    /// partition (`newer`: that record, `TP@OFFSET`).
    KeyOrder {
        key: String,
        produced_at_ms: u64,
        newer_tp: TopicPartition,
        newer_offset: Offset,
        newer_at_ms: u64,
    },
    /// A read_uncommitted consumer read an aborted transaction's records.
    AbortedRead { producer_id: u64 },
}

impl EntryReason {
    /// The English text (as `kafka-sim run --ledger` prints it).
    pub fn text(&self) -> String {
        self.to_string()
    }
}

/// A committed offset as the ledger writes it (`none` when the group had none).
struct Committed(Option<Offset>);

impl fmt::Display for Committed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(o) => write!(f, "{}", o.0),
            None => f.write_str("none"),
        }
    }
}

impl fmt::Display for EntryReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntryReason::Lost {
                leader,
                epoch,
                election,
            } => {
                if let Some((kind, at)) = election {
                    write!(f, "{} election at {at} ms: ", kind.as_str())?;
                }
                write!(f, "leader {} (epoch {}) lacks them", leader.0, epoch.0)
            }
            EntryReason::ConsumerGone {
                consumer,
                fate,
                handed_up_to,
                committed,
            } => {
                let what = match fate {
                    ConsumerFate::Died => "died before committing",
                    ConsumerFate::Left => "left before committing",
                    ConsumerFate::Revoked => "lost the partition in a rebalance before committing",
                    ConsumerFate::LostPartition => "lost the partition before committing",
                };
                write!(
                    f,
                    "consumer {consumer} {what}: handed up to offset {}, committed {}",
                    handed_up_to.0,
                    Committed(*committed)
                )
            }
            EntryReason::FetchedAgain {
                reset,
                handed_up_to,
                committed,
            } => {
                match reset {
                    Some(source) => write!(f, "position reset ({source})")?,
                    None => f.write_str("fetched again")?,
                }
                write!(
                    f,
                    " below records already handed out up to {} (committed {})",
                    handed_up_to.0,
                    Committed(*committed)
                )
            }
            EntryReason::KeyOrder {
                key,
                produced_at_ms,
                newer_tp,
                newer_offset,
                newer_at_ms,
            } => write!(
                f,
                "key {key} produced at {produced_at_ms} ms, after {newer_tp}@{} produced at {newer_at_ms} ms (the key changed partition)",
                newer_offset.0
            ),
            EntryReason::AbortedRead { producer_id } => write!(
                f,
                "transaction of producer id {producer_id} aborted; read_uncommitted reads it"
            ),
        }
    }
}
