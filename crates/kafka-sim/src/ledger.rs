//! The acked-record ledger: which offsets producers were told are written, and in which leader
//! epoch. At every leadership change the new leader's log is compared with it, and acked
//! records the new leader does not have are reported as lost with their exact offsets:
//! Kafka can lose acknowledged data (acks=1, unclean election) and the simulator makes it visible.

use crate::event::Event;
use crate::ids::{BrokerId, Epoch, Offset, TopicPartition};
use crate::log::Log;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};

/// Offsets `[start, end)` acknowledged to a producer, written in `epoch`. Within one epoch
/// only one leader assigns offsets, so `(epoch, offset)` identifies a record.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct AckedRange {
    pub start: Offset,
    pub end: Offset,
    pub epoch: Epoch,
}

#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct AckLedger {
    #[serde(with = "crate::ids::map_as_pairs")]
    ranges: SortedMap<TopicPartition, Vec<AckedRange>>,
    #[serde(with = "crate::ids::map_as_pairs")]
    lost: SortedMap<TopicPartition, u64>,
}

impl AckLedger {
    /// Records an ack; contiguous acks of one epoch merge so the ledger stays small.
    pub fn record(&mut self, tp: &TopicPartition, base: Offset, count: u32, epoch: Epoch) {
        let ranges = self.ranges.entry(tp.clone()).or_default();
        let end = Offset(base.0 + u64::from(count));
        match ranges.last_mut() {
            Some(last) if last.end == base && last.epoch == epoch => last.end = end,
            _ => ranges.push(AckedRange {
                start: base,
                end,
                epoch,
            }),
        }
    }

    /// Drops the acked offsets below `offset`: every replica's log starts above them
    /// (retention deleted them), so no leader can lose them any more.
    /// Forgets a deleted topic's acks and losses.
    pub fn forget_topic(&mut self, topic: &str) {
        self.ranges.retain(|tp, _| &*tp.topic != topic);
        self.lost.retain(|tp, _| &*tp.topic != topic);
    }

    pub fn forget_below(&mut self, tp: &TopicPartition, offset: Offset) {
        let Some(ranges) = self.ranges.get_mut(tp) else {
            return;
        };
        ranges.retain(|r| r.end > offset);
        if let Some(first) = ranges.first_mut() {
            first.start = first.start.max(offset);
        }
    }

    pub fn ranges(&self, tp: &TopicPartition) -> &[AckedRange] {
        self.ranges.get(tp).map_or(&[], |v| v.as_slice())
    }

    /// Heap bytes of the acked ranges (for `crate::footprint`).
    pub fn heap_bytes(&self) -> u64 {
        self.ranges
            .values()
            .map(|v| (v.capacity() * std::mem::size_of::<AckedRange>() + 64) as u64)
            .sum()
    }

    pub fn lost(&self) -> &SortedMap<TopicPartition, u64> {
        &self.lost
    }

    /// Compares the acked ranges of `tp` with the log of its new `leader`; drops and reports
    /// the acked records that log lacks (absent, or another epoch's record at that offset).
    pub fn check(
        &mut self,
        tp: &TopicPartition,
        leader: BrokerId,
        epoch: Epoch,
        log: &Log,
    ) -> Option<Event> {
        let ranges = self.ranges.get_mut(tp)?;
        let mut lost: Vec<(Offset, Offset)> = Vec::new();
        let mut kept = Vec::with_capacity(ranges.len());
        // Below the new leader's log start, retention deleted the records (on the leader it
        // was copied from, if not here): deleted, not lost.
        let start = log.log_start_offset();
        for mut r in ranges.drain(..) {
            if r.end <= start {
                continue;
            }
            r.start = r.start.max(start);
            let mut o = r.start;
            let mut keep_from = r.start;
            while o < r.end {
                let (present, next) = match log.chunk_at(o) {
                    Some(c) => (c.epoch() == r.epoch, c.end_offset().min(r.end)),
                    None => (false, r.end),
                };
                if !present {
                    if keep_from < o {
                        kept.push(AckedRange {
                            start: keep_from,
                            end: o,
                            epoch: r.epoch,
                        });
                    }
                    match lost.last_mut() {
                        Some(last) if last.1 == o => last.1 = next,
                        _ => lost.push((o, next)),
                    }
                    keep_from = next;
                }
                o = next;
            }
            if keep_from < r.end {
                kept.push(AckedRange {
                    start: keep_from,
                    end: r.end,
                    epoch: r.epoch,
                });
            }
        }
        *ranges = kept;
        if lost.is_empty() {
            return None;
        }
        crate::sorting::sort(&mut lost);
        let count = lost.iter().map(|(a, b)| b.0 - a.0).sum();
        *self.lost.entry(tp.clone()).or_default() += count;
        Some(Event::AckedRecordsLost {
            tp: tp.clone(),
            leader,
            epoch,
            ranges: lost,
            count,
        })
    }
}
