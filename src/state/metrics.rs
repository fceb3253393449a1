//! The charts' data: one sample of the cluster's health per simulated second, kept for the
//! last `KEPT_MS` of simulated time (older than `FULL_DETAIL_MS`, thinned to one per
//! `THINNED_EVERY_MS`), so the Charts tab draws from it without asking the engine for history.
//!
//! Code map:
//! - [`Metrics::observe`]: after each engine advance: counts the new events, samples once a
//!   simulated second.
//! - [`Metrics::rewind`]: the timeline showed another moment: samples after it are dropped.
//! - [`Point`]: one sample; counters are cumulative, so a rate is the difference of two points
//!   (thinning loses no count); [`rate`] computes it.
//!
//! Everything is read from the engine (its views) or its events at simulated time: no clock.

use kafka_sim::view::GroupView;
use kafka_sim::{Engine, Event, TimedEvent, TopicPartition};

/// Simulated time between samples.
pub const EVERY_MS: u64 = 1_000;
/// Samples older than this (simulated) are dropped.
pub const KEPT_MS: u64 = 600_000;
/// The newest samples keep every second; older ones are thinned.
const FULL_DETAIL_MS: u64 = 120_000;
const THINNED_EVERY_MS: u64 = 5_000;

/// Counters that only grow along a run (they are copied into each point).
#[derive(Clone, Default, PartialEq)]
pub struct Totals {
    /// `IsrShrunk`, `IsrExpanded` and `LeaderElected` events seen.
    pub isr_shrinks: u64,
    pub isr_expands: u64,
    pub elections: u64,
    /// Records handed to applications, per topic (from `RecordsDelivered`), in first-seen order.
    pub consumed: Vec<(String, u64)>,
}

impl Totals {
    fn count(&mut self, event: &Event) {
        match event {
            Event::IsrShrunk { .. } => self.isr_shrinks += 1,
            Event::IsrExpanded { .. } => self.isr_expands += 1,
            Event::LeaderElected { .. } => self.elections += 1,
            Event::RecordsDelivered { tp, count, .. } => {
                let topic = &*tp.topic;
                match self.consumed.iter_mut().find(|(t, _)| t == topic) {
                    Some((_, n)) => *n += u64::from(*count),
                    None => self.consumed.push((topic.to_string(), u64::from(*count))),
                }
            }
            _ => {}
        }
    }

    /// Records consumed from `topic` so far.
    pub fn consumed_of(&self, topic: &str) -> u64 {
        self.consumed
            .iter()
            .find(|(t, _)| t == topic)
            .map_or(0, |(_, n)| *n)
    }
}

/// One group at one moment.
#[derive(Clone, PartialEq)]
pub struct GroupSample {
    pub group: String,
    /// Records handed to the group's applications so far (the engine's count).
    pub delivered: u64,
    /// LAG = high watermark - committed offset, per partition with a committed offset.
    pub lags: Vec<(TopicPartition, u64)>,
}

impl GroupSample {
    pub fn total_lag(&self) -> u64 {
        self.lags.iter().map(|(_, l)| l).sum()
    }
}

/// One topic at one moment (internal topics are left out).
#[derive(Clone, PartialEq)]
pub struct TopicSample {
    pub topic: String,
    /// Sum of its partitions' high watermarks: records written and replicated so far.
    pub produced: u64,
}

#[derive(Clone, Default, PartialEq)]
pub struct Point {
    pub at_ms: u64,
    /// The counters do not go on from the previous point: the timeline jumped just before
    /// this one, or a topic was deleted (one created again under its name counts from
    /// zero). No rate is drawn from the previous point.
    pub gap: bool,
    /// Partitions whose ISR is smaller than their replica set, and those with no leader.
    pub under_replicated: u32,
    pub offline: u32,
    /// Records whose send failed for good, all producers together.
    pub failed_records: u64,
    pub totals: Totals,
    pub topics: Vec<TopicSample>,
    pub groups: Vec<GroupSample>,
}

/// The sampler and its samples, oldest first.
#[derive(Default)]
pub struct Metrics {
    points: Vec<Point>,
    totals: Totals,
    /// The next sample starts a new stretch (set by [`Metrics::rewind`] and by a topic's
    /// deletion).
    gap: bool,
}

impl Metrics {
    pub fn points(&self) -> &[Point] {
        &self.points
    }

    /// Counts `events` (each is seen once: the app takes them from the engine once) and,
    /// once a simulated second has passed since the last sample, samples `engine`.
    pub fn observe(&mut self, events: &[TimedEvent], engine: &Engine) {
        for e in events {
            self.totals.count(&e.event);
            if matches!(e.event, Event::TopicDeleted { .. }) {
                self.gap = true;
            }
        }
        let now = engine.now();
        if self.points.last().is_some_and(|p| now < p.at_ms + EVERY_MS) {
            return;
        }
        let point = self.sample(engine);
        self.gap = false;
        self.points.push(point);
        self.thin(now);
    }

    /// The timeline shows `now` (an earlier or later moment, replayed): the samples after it
    /// described another future and go; the counters go back to the last kept sample, and the
    /// next sample is not compared with it (the events between were not seen).
    pub fn rewind(&mut self, now: u64) {
        let keep = self.points.partition_point(|p| p.at_ms <= now);
        self.points.truncate(keep);
        if let Some(last) = self.points.last() {
            self.totals = last.totals.clone();
        }
        self.gap = true;
    }

    fn sample(&self, engine: &Engine) -> Point {
        let mut point = Point {
            at_ms: engine.now(),
            gap: self.gap,
            under_replicated: 0,
            offline: 0,
            failed_records: engine
                .producers_view()
                .iter()
                .map(|p| p.stats.records_failed)
                .sum(),
            totals: self.totals.clone(),
            topics: Vec::new(),
            groups: Vec::new(),
        };
        for topic in engine.topics_view() {
            let mut produced = 0;
            for p in &topic.partitions {
                produced += p.high_watermark.0;
                if p.leader.is_none() {
                    point.offline += 1;
                } else if p.isr.len() < p.replicas.len() {
                    point.under_replicated += 1;
                }
            }
            if !crate::scene::snapshot::is_internal(&topic.name) {
                point.topics.push(TopicSample {
                    topic: topic.name,
                    produced,
                });
            }
        }
        point.groups = engine.groups_view().into_iter().map(group_sample).collect();
        point
    }

    /// Drops samples older than `KEPT_MS`, and keeps one per `THINNED_EVERY_MS` among those
    /// older than `FULL_DETAIL_MS` (counters are cumulative: a wider interval loses nothing).
    fn thin(&mut self, now: u64) {
        let old = self
            .points
            .partition_point(|p| p.at_ms + KEPT_MS < now)
            .min(self.points.len().saturating_sub(1));
        self.points.drain(..old);
        let mut i = 1;
        while i + 1 < self.points.len() && self.points[i].at_ms + FULL_DETAIL_MS < now {
            if self.points[i + 1].at_ms - self.points[i - 1].at_ms <= THINNED_EVERY_MS {
                // A jump before the dropped point now lies before its successor.
                let gap = self.points.remove(i).gap;
                self.points[i].gap |= gap;
            } else {
                i += 1;
            }
        }
    }
}

fn group_sample(g: GroupView) -> GroupSample {
    GroupSample {
        delivered: g.records_delivered,
        lags: g
            .partitions
            .into_iter()
            .filter_map(|p| Some((p.tp, p.lag?)))
            .collect(),
        group: g.group,
    }
}

/// Per second, the growth of `value` from the point before `i` to point `i`; `None` across a
/// jump of the timeline. A counter that went down (a producer removed) counts as no growth.
pub fn rate(points: &[Point], i: usize, value: impl Fn(&Point) -> u64) -> Option<f64> {
    let (before, p) = (points.get(i.checked_sub(1)?)?, points.get(i)?);
    if p.gap || p.at_ms <= before.at_ms {
        return None;
    }
    let grown = value(p).saturating_sub(value(before)) as f64;
    Some(grown * 1000.0 / (p.at_ms - before.at_ms) as f64)
}

/// The average rate of `value` over the last `window_ms` of samples without a jump.
pub fn recent_rate(points: &[Point], window_ms: u64, value: impl Fn(&Point) -> u64) -> Option<f64> {
    let last = points.last()?;
    let mut first = points.len() - 1;
    while first > 0 && !points[first].gap && points[first - 1].at_ms + window_ms >= last.at_ms {
        first -= 1;
    }
    let from = &points[first];
    (last.at_ms > from.at_ms).then(|| {
        value(last).saturating_sub(value(from)) as f64 * 1000.0 / (last.at_ms - from.at_ms) as f64
    })
}

/// `group`'s recent consume rate and the produce rate of its topics (records/s, over the last
/// 10 simulated seconds without a jump): its lag clears in lag / (consume - produce) seconds
/// when that is positive. `None` when there is too little data.
pub fn group_flow(points: &[Point], group: &str) -> Option<(f64, f64)> {
    const WINDOW_MS: u64 = 10_000;
    let sample = points.last()?.groups.iter().find(|g| g.group == group)?;
    let delivered = |p: &Point| {
        p.groups
            .iter()
            .find(|g| g.group == group)
            .map_or(0, |g| g.delivered)
    };
    let topics: Vec<&str> = sample.lags.iter().map(|(tp, _)| &*tp.topic).collect();
    let produced = |p: &Point| {
        p.topics
            .iter()
            .filter(|t| topics.contains(&t.topic.as_str()))
            .map(|t| t.produced)
            .sum()
    };
    Some((
        recent_rate(points, WINDOW_MS, delivered)?,
        recent_rate(points, WINDOW_MS, produced)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::opening_engine;
    use kafka_sim::Command;

    fn run_to(metrics: &mut Metrics, engine: &mut Engine, until_ms: u64) {
        while engine.now() < until_ms {
            let next = (engine.now() + 250).min(until_ms);
            engine.advance_to(next);
            metrics.observe(&engine.take_events(), engine);
        }
    }

    fn lag_of(metrics: &Metrics, group: &str) -> u64 {
        let last = metrics.points().last().unwrap();
        last.groups
            .iter()
            .find(|g| g.group == group)
            .unwrap()
            .total_lag()
    }

    #[test]
    fn samples_once_a_second_and_sees_lag_grow_while_a_group_is_down_then_clear() {
        let mut engine = opening_engine();
        let mut metrics = Metrics::default();
        run_to(&mut metrics, &mut engine, 30_000);
        let n = metrics.points().len();
        assert!((30..=32).contains(&n), "{n} samples in 30 s");
        let produced = |p: &Point| p.topics.iter().map(|t| t.produced).sum();
        let rate_now = rate(metrics.points(), n - 1, produced).unwrap();
        assert!(rate_now > 0.0, "the opening producer writes");
        let consumers: Vec<String> = engine
            .consumers_view()
            .into_iter()
            .filter(|c| c.group == "payments")
            .map(|c| c.client_id)
            .collect();
        assert!(!consumers.is_empty());
        for c in &consumers {
            let kill = Command::KillConsumer {
                group: "payments".into(),
                consumer: c.clone(),
            };
            engine.apply(kill).unwrap();
        }
        let before = lag_of(&metrics, "payments");
        run_to(&mut metrics, &mut engine, 60_000);
        let during = lag_of(&metrics, "payments");
        assert!(during > before + 20, "lag {before} -> {during}");
        let (consumed, written) = group_flow(metrics.points(), "payments").unwrap();
        assert_eq!(consumed, 0.0, "nobody consumes");
        assert!(written > 0.0);
        // Time travel: back to 40 s drops the later samples; the next one is a new stretch.
        metrics.rewind(40_000);
        assert!(metrics.points().last().unwrap().at_ms <= 40_000);
        let mut engine_then = opening_engine();
        engine_then.advance_to(41_500);
        engine_then.take_events();
        metrics.observe(&[], &engine_then);
        let last = metrics.points().len() - 1;
        assert!(metrics.points()[last].gap);
        assert_eq!(rate(metrics.points(), last, produced), None);
    }

    #[test]
    fn a_deleted_topic_breaks_the_lines_so_one_created_again_counts_from_zero() {
        // `orders` deleted at 20 s; its producer creates it again at once (auto-creation),
        // empty: its HWs start again from 0, which is no negative rate but a new line.
        let mut engine = opening_engine();
        let mut metrics = Metrics::default();
        run_to(&mut metrics, &mut engine, 20_000);
        engine
            .apply(Command::DeleteTopic {
                topic: "orders".into(),
            })
            .unwrap();
        run_to(&mut metrics, &mut engine, 40_000);
        let points = metrics.points();
        let produced = |p: &Point| {
            p.topics
                .iter()
                .find(|t| t.topic == "orders")
                .map_or(0, |t| t.produced)
        };
        let after = points.partition_point(|p| p.at_ms <= 20_000);
        assert!(points[after].gap, "the first sample after the deletion");
        assert_eq!(rate(points, after, produced), None);
        assert!(produced(&points[after]) < produced(&points[after - 1]));
        assert!(
            (after + 1..points.len()).all(|i| !points[i].gap),
            "one break only"
        );
        let now = rate(points, points.len() - 1, produced).unwrap();
        assert!(now > 0.0, "the new topic's rate: {now}");
    }

    #[test]
    fn keeps_ten_simulated_minutes_thinning_the_older_ones() {
        let mut engine = opening_engine();
        let mut metrics = Metrics::default();
        run_to(&mut metrics, &mut engine, 800_000);
        let points = metrics.points();
        let first = points.first().unwrap().at_ms;
        assert!(
            first + KEPT_MS + EVERY_MS >= 800_000,
            "oldest kept at {first}"
        );
        assert!(points.len() < 250, "{} points", points.len());
        let recent = points
            .iter()
            .filter(|p| p.at_ms + 60_000 >= 800_000)
            .count();
        assert!(recent >= 60, "the last minute keeps every second: {recent}");
        let elections = |p: &Point| p.totals.elections;
        assert!(points
            .windows(2)
            .all(|w| elections(&w[0]) <= elections(&w[1])));
    }
}
