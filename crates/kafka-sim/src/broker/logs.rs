//! The broker's log manager: what each broker does to its own replicas' logs, whatever their
//! role, as Kafka's `LogManager` and `LogCleaner` do.
//!
//! - Retention (`LogManager.cleanupLogs`): first `log.initial.task.delay.ms` after the broker
//!   starts, then every `log.retention.check.interval.ms`, every log whose topic is not
//!   compacted deletes its old segments (`retention.ms`, `retention.bytes`, below the log start).
//! - The log cleaner (one thread, `log.cleaner.threads=1`): every `log.cleaner.backoff.ms` it
//!   compacts the compacted logs whose dirty ratio is above `min.cleanable.dirty.ratio`, the
//!   filthiest first, then deletes old segments of every compacted log (`deleteOldSegments`:
//!   below the log start, and by retention for `compact,delete` logs).
//!
//! Segment rolls happen on append (`Log::append_batch`, `Log::append_chunks`); the roll
//! settings come from the topic's configs in this broker's metadata image.

use super::{Broker, BrokerTimer};
use crate::ctx::Ctx;
use crate::event::Event;
use crate::ids::TopicPartition;
use crate::log::{
    Deleted, Roll, LOG_CLEANER_BACKOFF_MS, LOG_INITIAL_TASK_DELAY_MS,
    LOG_RETENTION_CHECK_INTERVAL_MS,
};
use crate::topic::TopicConfig;
use std::sync::Arc;

impl Broker {
    pub(super) fn start_log_manager(&mut self, ctx: &mut Ctx) {
        self.timer(
            ctx,
            ctx.now + LOG_INITIAL_TASK_DELAY_MS,
            BrokerTimer::LogRetention,
        );
        self.timer(
            ctx,
            ctx.now + LOG_CLEANER_BACKOFF_MS,
            BrokerTimer::LogCleaner,
        );
    }

    /// How appends to `topic` roll segments now (Kafka's defaults for a topic this broker's
    /// metadata does not know yet).
    pub(crate) fn roll_for(&self, topic: &str, ctx: &Ctx) -> Roll {
        match self.metadata.topics.get(topic) {
            Some(t) => Roll::new(&t.config, ctx.now),
            None => Roll::new(&TopicConfig::default(), ctx.now),
        }
    }

    pub(super) fn retention_check(&mut self, ctx: &mut Ctx) {
        let me = self.id;
        for (tp, r) in self.replicas.iter_mut() {
            let Some(t) = self.metadata.topics.get(&tp.topic) else {
                continue;
            };
            if t.config.cleanup_compact {
                // The cleaner owns compacted logs (`pauseCleaningForNonCompactedPartitions`).
                continue;
            }
            let deleted = r
                .log
                .delete_old_segments(&t.config, r.high_watermark, ctx.now);
            emit_deleted(me, tp, deleted, ctx);
        }
        self.timer(
            ctx,
            ctx.now + LOG_RETENTION_CHECK_INTERVAL_MS,
            BrokerTimer::LogRetention,
        );
    }

    pub(super) fn cleaner_pass(&mut self, ctx: &mut Ctx) {
        let me = self.id;
        let mut dirty = Vec::new();
        for (tp, r) in &self.replicas {
            let Some(t) = self.metadata.topics.get(&tp.topic) else {
                continue;
            };
            if !t.config.cleanup_compact {
                continue;
            }
            let d = r.log.dirtiness(r.high_watermark);
            if d.needs_cleaning(t.config.min_cleanable_dirty_ratio_ppm) {
                dirty.push((std::cmp::Reverse(d.ratio_ppm()), tp.clone(), d));
            }
        }
        // `grabFilthiestCompactedLog`, again and again until none is dirty enough.
        crate::sorting::sort_by(&mut dirty, |a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        for (_, tp, d) in dirty {
            let (Some(t), Some(r)) = (
                self.metadata.topics.get(&tp.topic),
                self.replicas.get_mut(&tp),
            ) else {
                continue;
            };
            if let Some(c) = r.log.clean(&t.config, d, ctx.now) {
                ctx.emit(Event::LogCleaned {
                    broker: me,
                    tp,
                    records_removed: c.records_removed,
                    clean_offset: c.clean_offset,
                    segments: c.segments_after,
                });
            }
        }
        // `cleanerManager.deletableLogs`: every compacted log deletes its old segments,
        // by retention for `compact,delete`, and below the log start for all (a follower
        // following its leader's log start).
        for (tp, r) in self.replicas.iter_mut() {
            let Some(t) = self.metadata.topics.get(&tp.topic) else {
                continue;
            };
            if t.config.cleanup_compact {
                let deleted = r
                    .log
                    .delete_old_segments(&t.config, r.high_watermark, ctx.now);
                emit_deleted(me, tp, deleted, ctx);
            }
        }
        self.timer(
            ctx,
            ctx.now + LOG_CLEANER_BACKOFF_MS,
            BrokerTimer::LogCleaner,
        );
    }
}

pub(super) fn emit_deleted(
    broker: crate::ids::BrokerId,
    tp: &TopicPartition,
    deleted: Vec<Deleted>,
    ctx: &mut Ctx,
) {
    for d in deleted {
        ctx.emit(Event::SegmentsDeleted {
            broker,
            tp: tp.clone(),
            segments: d.segments,
            log_start_offset: d.log_start_offset,
            reason: Arc::from(d.reason.as_str()),
        });
    }
}
