//! Retention, as Kafka's `UnifiedLog.deleteOldSegments` does it: whole segments from the
//! oldest, while the predicate holds and the segment lies entirely below the high watermark
//! (so the log start never passes it). Three passes, in Kafka's order:
//! - segments wholly below the log start offset (moved by the leader's log start);
//! - `retention.bytes`: while the log is larger than the limit by at least the segment's size;
//! - `retention.ms`: segments whose largest timestamp is more than `retention.ms` old.
//!
//! The active segment is never deleted while active: when every segment is to go, Kafka first
//! rolls a new, empty active segment at the LEO (`deleteSegments`), so a log whose records are
//! all past retention empties and its log start becomes its LEO. A last segment that is empty
//! is never deletable. Each broker runs this for its own replicas (`LogManager.cleanupLogs`,
//! every `log.retention.check.interval.ms` from `log.initial.task.delay.ms` after start), and
//! the log cleaner runs it for `compact,delete` logs after each pass.

use super::{Log, Segment};
use crate::ids::{Offset, SimTime};
use crate::topic::TopicConfig;
use serde::{Deserialize, Serialize};

/// `log.retention.check.interval.ms`.
pub const LOG_RETENTION_CHECK_INTERVAL_MS: u64 = 300_000;
/// `log.initial.task.delay.ms`: the first retention check after a broker starts.
pub const LOG_INITIAL_TASK_DELAY_MS: u64 = 30_000;

/// Why segments were deleted (`SegmentDeletionReason`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum DeletionReason {
    /// Below the log start offset (a follower following its leader's log start).
    LogStartOffset,
    RetentionBytes,
    RetentionMs,
}

impl DeletionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DeletionReason::LogStartOffset => "log-start-offset",
            DeletionReason::RetentionBytes => "retention.bytes",
            DeletionReason::RetentionMs => "retention.ms",
        }
    }
}

/// Segments one pass deleted.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Deleted {
    pub reason: DeletionReason,
    pub segments: u32,
    /// Offsets that went (records and compaction gaps alike).
    pub offsets: u64,
    pub log_start_offset: Offset,
}

impl Log {
    /// `UnifiedLog.deleteOldSegments`: every pass that deleted something, in order.
    pub fn delete_old_segments(
        &mut self,
        config: &TopicConfig,
        high_watermark: Offset,
        now: SimTime,
    ) -> Vec<Deleted> {
        let mut out = Vec::new();
        let start = self.log_start;
        let n = self.deletable(high_watermark, |_, next| {
            next.is_some_and(|n| n.base_offset <= start)
        });
        out.extend(self.delete_segments(n, DeletionReason::LogStartOffset, now));
        if !config.cleanup_delete {
            return out;
        }
        let size = self.size_bytes();
        if config.retention_bytes >= 0 && size >= config.retention_bytes as u64 {
            let mut diff = size - config.retention_bytes as u64;
            let n = self.deletable(high_watermark, |s, _| {
                if diff >= s.size_bytes {
                    diff -= s.size_bytes;
                    true
                } else {
                    false
                }
            });
            out.extend(self.delete_segments(n, DeletionReason::RetentionBytes, now));
        }
        if config.retention_ms >= 0 {
            let retention = config.retention_ms as u64;
            let n = self.deletable(high_watermark, |s, _| {
                now.saturating_sub(s.largest_timestamp()) > retention
            });
            out.extend(self.delete_segments(n, DeletionReason::RetentionMs, now));
        }
        out
    }

    /// `UnifiedLog.deletableSegments`: how many segments from the oldest may go.
    fn deletable(
        &self,
        high_watermark: Offset,
        mut predicate: impl FnMut(&Segment, Option<&Segment>) -> bool,
    ) -> usize {
        let mut n = 0;
        for (i, s) in self.segments.iter().enumerate() {
            let next = self.segments.get(i + 1);
            let last_and_empty = next.is_none() && s.size_bytes == 0;
            let upper = next.map_or(self.leo, |n| n.base_offset);
            if high_watermark >= upper && predicate(s, next) && !last_and_empty {
                n += 1;
            } else {
                break;
            }
        }
        n
    }

    /// `UnifiedLog.deleteSegments`: drops the `n` oldest segments and their chunks and moves
    /// the log start to the next segment's base.
    fn delete_segments(
        &mut self,
        n: usize,
        reason: DeletionReason,
        now: SimTime,
    ) -> Option<Deleted> {
        if n == 0 {
            return None;
        }
        if n == self.segments.len() {
            // There is always an active segment: roll an empty one at the LEO first.
            self.segments.push_back(Segment::new(self.leo, now));
        }
        let new_start = self.segments[n].base_offset;
        self.segments.drain(..n);
        let gone = self.chunks.partition_point(|c| c.end_offset() <= new_start);
        self.chunks.drain(..gone);
        if let Some(first) = self.chunks.front_mut() {
            if first.base_offset() < new_start {
                first.start = (new_start.0 - first.batch.base_offset.0) as u32;
            }
        }
        let offsets = new_start.0.saturating_sub(self.log_start.0);
        if new_start > self.log_start {
            self.log_start = new_start;
            self.truncate_epochs_from_start();
        }
        Some(Deleted {
            reason,
            segments: n as u32,
            offsets,
            log_start_offset: self.log_start,
        })
    }
}
