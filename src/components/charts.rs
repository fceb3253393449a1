//! The Charts tab: small SVG line charts over simulated time, drawn by hand as markup text
//! (a few polylines and axes cost the bundle far less than a chart crate or `html!` nodes).
//!
//! Code map:
//! - [`markup`]: the whole tab from the sampler's points: lag per group, records in/out per
//!   topic, failed sends, partition health, ISR changes and elections.
//! - `chart`: one chart: title, the metric Kafka exposes for it, y axis with unit and ticks,
//!   x axis in simulated seconds before now, one polyline per series, a legend.
//!
//! Each chart's `data-latest` holds its first series' newest value (the e2e reads the lag).

use std::fmt::Write;

use super::markup::esc;
use crate::i18n::{tr, trf, Lang};
use crate::state::metrics::{group_flow, rate, Point};

/// Drawing box, in SVG units; the panel is about 300 CSS px wide, so a unit is about a pixel.
const W: f64 = 300.0;
const H: f64 = 130.0;
/// Left margin for the y labels, bottom margin for the x labels.
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 8.0;
const RIGHT: f64 = 8.0;
/// Partitions drawn at most in a group's lag chart (those with the most lag).
const MAX_PARTITION_SERIES: usize = 8;
/// Points drawn at most per line (about one per two and a half units of the plot's width).
const MAX_POINTS: usize = 100;

/// The x axis spans at least this much simulated time (a young run fills from the right).
const MIN_SPAN_MS: u64 = 60_000;
/// Series colours, cycled (distinct on the dark panel).
const COLOURS: [&str; 8] = [
    "#4fc3f7", "#ffb74d", "#81c784", "#e57373", "#ba68c8", "#fff176", "#4db6ac", "#f06292",
];

/// One line: its name and its value at each point (`None`: not drawn there).
struct Series {
    name: String,
    values: Vec<Option<f64>>,
}

/// The Charts tab as HTML text.
pub fn markup(lang: Lang, points: &[Point]) -> String {
    let mut out = String::from(r#"<div class="charts">"#);
    let Some(last) = points.last() else {
        let _ = write!(
            out,
            r#"<p class="hint">{}</p></div>"#,
            tr(lang, "Charts start with the first simulated second.")
        );
        return out;
    };
    for g in &last.groups {
        let name = g.group.as_str();
        // The partitions with the most lag now, the rest counted in the legend: a group over
        // a hundred partitions would draw a hundred lines nobody can tell apart.
        let mut ranked: Vec<(usize, &(kafka_sim::TopicPartition, u64))> =
            g.lags.iter().enumerate().collect();
        kafka_sim::sorting::sort_by_key(&mut ranked, |(_, (_, lag))| std::cmp::Reverse(*lag));
        let more = ranked.len().saturating_sub(MAX_PARTITION_SERIES);
        ranked.truncate(MAX_PARTITION_SERIES);
        let mut series: Vec<Series> = ranked
            .into_iter()
            .map(|(i, (tp, _))| {
                let values: Vec<Option<f64>> = points
                    .iter()
                    .map(|p| {
                        let group = p.groups.iter().find(|s| s.group == name)?;
                        // Samples list a group's partitions in the same order, nearly always:
                        // look where it is now first.
                        let lag = match group.lags.get(i) {
                            Some(l) if l.0 == *tp => l,
                            _ => group.lags.iter().find(|(t, _)| t == tp)?,
                        };
                        Some(lag.1 as f64)
                    })
                    .collect();
                Series {
                    name: format!("{tp} · {}", outlook(lang, points, &values)),
                    values,
                }
            })
            .collect();
        if more > 0 {
            // A legend entry without a line.
            series.push(Series {
                name: trf(lang, "{} more partitions, less lag", &[&more]),
                values: Vec::new(),
            });
        }
        let total = g.total_lag();
        let totals: Vec<Option<f64>> = points
            .iter()
            .map(|p| {
                let group = p.groups.iter().find(|s| s.group == name)?;
                Some(group.total_lag() as f64)
            })
            .collect();
        let rates = match group_flow(points, name) {
            Some((consume, produce)) => trf(
                lang,
                " (consumes {}/s, {}/s produced)",
                &[&number(consume), &number(produce)],
            ),
            None => String::new(),
        };
        let clear = format!("{}{rates}", outlook(lang, points, &totals));
        let note = format!("{} · {clear}", trf(lang, "lag now: {}", &[&total]));
        chart(
            lang,
            &mut out,
            &Chart {
                id: &format!("lag-{name}"),
                title: &trf(lang, "Consumer lag: {}", &[&name]),
                metric: "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,records-lag-max (as kafka-consumer-groups LAG: HW - committed)",
                unit: tr(lang, "records"),
                latest: total as f64,
                note: &note,
            },
            points,
            &series,
        );
    }
    let mut flows = Vec::new();
    for t in &last.topics {
        let topic = t.topic.as_str();
        let produced = |p: &Point| {
            p.topics
                .iter()
                .find(|s| s.topic == topic)
                .map_or(0, |s| s.produced)
        };
        let consumed = |p: &Point| p.totals.consumed_of(topic);
        flows.push(rates(points, trf(lang, "{} in", &[&topic]), produced));
        flows.push(rates(points, trf(lang, "{} out", &[&topic]), consumed));
    }
    let latest_in = flows.first().and_then(newest).unwrap_or(0.0);
    chart(
        lang,
        &mut out,
        &Chart {
            id: "throughput",
            title: tr(lang, "Records in and out per topic"),
            metric: "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=*; kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic=*,records-consumed-rate",
            unit: tr(lang, "records/s"),
            latest: latest_in,
            note: "",
        },
        points,
        &flows,
    );
    let failed = [rates(points, tr(lang, "failed records").into(), |p| {
        p.failed_records
    })];
    chart(
        lang,
        &mut out,
        &Chart {
            id: "failed",
            title: tr(lang, "Failed produce (all producers)"),
            metric: "kafka.producer:type=producer-metrics,client-id=*,record-error-rate",
            unit: "records/s",
            latest: newest(&failed[0]).unwrap_or(0.0),
            note: "",
        },
        points,
        &failed,
    );
    let health = [
        levels(points, tr(lang, "under-replicated"), |p| p.under_replicated),
        levels(points, tr(lang, "offline"), |p| p.offline),
    ];
    chart(
        lang,
        &mut out,
        &Chart {
            id: "partitions",
            title: tr(lang, "Under-replicated and offline partitions"),
            metric: "kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions; kafka.controller:type=KafkaController,name=OfflinePartitionsCount",
            unit: tr(lang, "partitions"),
            latest: f64::from(last.under_replicated),
            note: "",
        },
        points,
        &health,
    );
    let changes = [
        rates(points, tr(lang, "ISR shrinks").into(), |p| {
            p.totals.isr_shrinks
        }),
        rates(points, tr(lang, "ISR expands").into(), |p| {
            p.totals.isr_expands
        }),
        rates(points, tr(lang, "leader elections").into(), |p| {
            p.totals.elections
        }),
    ];
    chart(
        lang,
        &mut out,
        &Chart {
            id: "isr",
            title: tr(lang, "ISR changes and leader elections"),
            metric: "kafka.server:type=ReplicaManager,name=IsrShrinksPerSec / IsrExpandsPerSec; kafka.controller:type=ControllerStats,name=LeaderElectionRateAndTimeMs",
            unit: tr(lang, "per s"),
            latest: newest(&changes[0]).unwrap_or(0.0),
            note: "",
        },
        points,
        &changes,
    );
    out.push_str("</div>");
    out
}

fn newest(s: &Series) -> Option<f64> {
    s.values.iter().rev().find_map(|v| *v)
}

fn rates(points: &[Point], name: String, value: impl Fn(&Point) -> u64) -> Series {
    let values = (0..points.len()).map(|i| rate(points, i, &value)).collect();
    Series { name, values }
}

fn levels(points: &[Point], name: &str, value: impl Fn(&Point) -> u32) -> Series {
    Series {
        name: name.to_string(),
        values: points.iter().map(|p| Some(f64::from(value(p)))).collect(),
    }
}

/// How a lag series is going. Lag is HW - committed, and consumers commit every
/// `auto.commit.interval.ms` (5 s), so even a consumer keeping up shows a sawtooth. The trend
/// is read from the floor of each 5 s (the lag just after a commit) over the last 30 s (Kafka's
/// `metrics.sample.window.ms`), by a least-squares line: falling by more than the noise, it
/// clears at that pace; rising, it grows; otherwise it keeps up. A line through six floors
/// does not flip at every commit, as two 10 s floors did.
fn outlook(lang: Lang, points: &[Point], lags: &[Option<f64>]) -> String {
    let Some((now, Some(lag))) = points.last().map(|p| p.at_ms).zip(lags.last().copied()) else {
        return tr(lang, "no lag").to_string();
    };
    if lag <= 1.0 {
        return tr(lang, "caught up").to_string();
    }
    let Some(first) = points.first().map(|p| p.at_ms) else {
        return tr(lang, "measuring").to_string();
    };
    // (seconds before now, floor, range) of each 5 s bucket of the window that has a sample.
    let floors: Vec<(f64, f64, f64)> = (0..TREND_MS / FLOOR_MS)
        .filter_map(|i| {
            let to = now.checked_sub(i * FLOOR_MS)?;
            let from = to.checked_sub(FLOOR_MS)?;
            let (low, high) = points
                .iter()
                .zip(lags)
                .filter(|(p, _)| p.at_ms > from && p.at_ms <= to)
                .filter_map(|(_, l)| *l)
                .fold(None, |m: Option<(f64, f64)>, l| {
                    Some(m.map_or((l, l), |(lo, hi)| (lo.min(l), hi.max(l))))
                })?;
            let t = -((i * FLOOR_MS + FLOOR_MS / 2) as f64) / 1000.0;
            Some((t, low, high - low))
        })
        .collect();
    if now < first + TREND_MS * 2 / 3 || floors.len() < 4 {
        return tr(lang, "measuring").to_string();
    }
    let n = floors.len() as f64;
    let (mean_t, mean_l, sawtooth) = floors.iter().fold((0.0, 0.0, 0.0), |(t, l, r), f| {
        (t + f.0 / n, l + f.1 / n, r + f.2 / n)
    });
    let (cov, var) = floors.iter().fold((0.0, 0.0), |(c, v), (t, l, _)| {
        (
            c + (t - mean_t) * (l - mean_l),
            v + (t - mean_t) * (t - mean_t),
        )
    });
    let per_s = cov / var;
    let latest_floor = floors[0].1;
    // What the line moves over the window against what a steady lag wanders by: the sawtooth
    // between two commits (the records that arrive meanwhile), a couple of records, 2 %.
    let drift = per_s * (TREND_MS as f64 / 1000.0);
    let noise = sawtooth.max(0.02 * lag).max(2.0);
    if drift < -noise {
        let seconds = (latest_floor / -per_s).ceil().max(1.0) as u64;
        trf(lang, "clears in {} s", &[&seconds])
    } else if drift > noise {
        tr(lang, "growing").to_string()
    } else {
        tr(lang, "keeping up").to_string()
    }
}

/// The window a lag trend is read over (Kafka's `metrics.sample.window.ms`).
const TREND_MS: u64 = 30_000;
/// One floor per `auto.commit.interval.ms`.
const FLOOR_MS: u64 = 5_000;

/// What a chart says about itself.
struct Chart<'a> {
    id: &'a str,
    title: &'a str,
    metric: &'a str,
    unit: &'a str,
    latest: f64,
    note: &'a str,
}

/// The smallest of 1, 2, 5 times a power of ten at or above `v` (a round top for the y axis).
fn nice_ceiling(v: f64) -> f64 {
    let mut step = 1.0;
    loop {
        for m in [1.0, 2.0, 5.0] {
            if m * step >= v {
                return m * step;
            }
        }
        step *= 10.0;
    }
}

/// A number for an axis or the latest value: integers as such, small values with one decimal.
fn number(v: f64) -> String {
    if v >= 10.0 || v.fract() == 0.0 {
        format!("{}", v.round() as u64)
    } else {
        let tenths = (v * 10.0).round() as u64;
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// A coordinate as a whole SVG unit: printing floats would bring the float formatter into the
/// bundle (about 6 KB gzip), and a unit is under a CSS pixel at the sizes the charts are drawn.
fn px(v: f64) -> i64 {
    v.round() as i64
}

fn chart(lang: Lang, out: &mut String, c: &Chart, points: &[Point], series: &[Series]) {
    let now = points.last().map_or(0, |p| p.at_ms);
    let oldest = points.first().map_or(0, |p| p.at_ms);
    let span = (now - oldest).max(MIN_SPAN_MS) as f64;
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .fold(0.0_f64, |a, &b| a.max(b));
    let top = nice_ceiling(top.max(1.0));
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let x = |at: u64| LEFT + pw - (now - at) as f64 / span * pw;
    let y = |v: f64| TOP + ph - v / top * ph;
    let _ = write!(
        out,
        r#"<figure class="chart" data-chart="{}" data-latest="{}"><figcaption><b>{}</b><code class="metric">{}</code>"#,
        esc(c.id),
        number(c.latest),
        esc(c.title),
        esc(c.metric)
    );
    if !c.note.is_empty() {
        let _ = write!(out, r#"<span class="chart-note">{}</span>"#, esc(c.note));
    }
    let _ = write!(
        out,
        r#"</figcaption><svg viewBox="0 0 {} {}" role="img" aria-label="{}">"#,
        px(W),
        px(H),
        esc(c.title)
    );
    // Y axis: 0, half and the top, with the unit above.
    for v in [0.0, top / 2.0, top] {
        let yy = y(v);
        let _ = write!(
            out,
            r#"<line class="grid" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#,
            px(LEFT),
            px(W - RIGHT),
            px(yy),
            px(yy),
            px(LEFT - 4.0),
            px(yy + 4.0),
            number(v)
        );
    }
    // X axis: seconds before now, at the start, the middle and now.
    let span_s = span as u64 / 1000;
    for (k, anchor) in [(0u32, "start"), (1, "middle"), (2, "end")] {
        let xx = LEFT + pw * f64::from(k) / 2.0;
        let label = match k {
            2 => tr(lang, "now").to_string(),
            _ => format!("-{} s", span_s * u64::from(2 - k) / 2),
        };
        let _ = write!(
            out,
            r#"<text class="tick" x="{}" y="{}" text-anchor="{anchor}">{label}</text>"#,
            px(xx),
            px(H - 4.0)
        );
    }
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        // A polyline per stretch of values (a jump of the timeline or a missing value breaks it).
        let mut run = String::new();
        let flush = |run: &mut String, out: &mut String| {
            if !run.is_empty() {
                let _ = write!(
                    out,
                    r#"<polyline class="series" stroke="{colour}" points="{run}"/>"#
                );
                run.clear();
            }
        };
        // At most `MAX_POINTS` per line: each a run of samples' largest value (a peak is kept).
        let step = points.len().div_ceil(MAX_POINTS).max(1);
        for (ps, vs) in points.chunks(step).zip(s.values.chunks(step)) {
            match vs.iter().flatten().copied().reduce(f64::max) {
                Some(v) => {
                    let at = ps[ps.len() - 1].at_ms;
                    let _ = write!(run, "{},{} ", px(x(at)), px(y(v)));
                }
                None => flush(&mut run, out),
            }
        }
        flush(&mut run, out);
    }
    let _ = write!(
        out,
        r#"</svg><ul class="legend-list"><li class="unit">{}</li>"#,
        esc(&trf(lang, "y: {}", &[&c.unit]))
    );
    for (i, s) in series.iter().enumerate() {
        if s.values.is_empty() {
            let _ = write!(out, r#"<li class="unit">{}</li>"#, esc(&s.name));
            continue;
        }
        let _ = write!(
            out,
            r#"<li><i style="background:{}"></i>{}</li>"#,
            COLOURS[i % COLOURS.len()],
            esc(&s.name)
        );
    }
    out.push_str("</ul></figure>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_round_up_and_numbers_read_well() {
        assert_eq!(nice_ceiling(0.3), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(37.0), 50.0);
        assert_eq!(nice_ceiling(101.0), 200.0);
        assert_eq!(number(2.25), "2.3");
        assert_eq!(number(12.6), "13");
        assert!(markup(Lang::En, &[]).contains("first simulated second"));
    }

    #[test]
    fn a_big_group_draws_its_laggiest_partitions_with_few_points() {
        use crate::state::metrics::GroupSample;
        let points: Vec<Point> = (0..600u64)
            .map(|s| Point {
                at_ms: s * 1_000,
                groups: vec![GroupSample {
                    group: "g".into(),
                    delivered: 0,
                    lags: (0..100)
                        .map(|p| (kafka_sim::TopicPartition::new("t", p), u64::from(p) * s))
                        .collect(),
                }],
                ..Point::default()
            })
            .collect();
        let html = markup(Lang::En, &points);
        let lag = &html[..html.find(r#"data-chart="throughput""#).unwrap()];
        assert_eq!(lag.matches("<polyline").count(), MAX_PARTITION_SERIES);
        assert!(
            lag.contains(">t-99 · "),
            "the partition with the most lag is drawn"
        );
        assert!(!lag.contains(">t-0 · "), "one with none is not");
        assert!(lag.contains("92 more partitions, less lag"));
        let first = &lag[lag.find("points=\"").unwrap()..];
        let points_drawn = first[..first.find("\"/>").unwrap()].split(' ').count();
        assert!(points_drawn <= MAX_POINTS + 1, "{points_drawn} points");
    }

    #[test]
    fn a_lag_says_how_it_is_going_from_its_floor() {
        let points: Vec<Point> = (0..=30)
            .map(|s| Point {
                at_ms: s * 1_000,
                ..Point::default()
            })
            .collect();
        let series =
            |f: &dyn Fn(u64) -> f64| -> Vec<Option<f64>> { (0..=30).map(|s| Some(f(s))).collect() };
        // Falling 2 a second to 20 left (its last floor): 10 s more.
        assert_eq!(
            outlook(Lang::En, &points, &series(&|s| 80.0 - 2.0 * s as f64)),
            "clears in 10 s"
        );
        assert_eq!(
            outlook(Lang::En, &points, &series(&|s| s as f64 * 3.0)),
            "growing"
        );
        // A consumer keeping up: commits every 5 s, lag 0 to 8 and back.
        assert_eq!(
            outlook(Lang::En, &points, &series(&|s| (s % 5) as f64 * 2.0 + 2.0)),
            "keeping up"
        );
        assert_eq!(outlook(Lang::En, &points, &series(&|_| 0.0)), "caught up");
        assert_eq!(
            outlook(Lang::En, &points[..8], &series(&|s| s as f64 + 5.0)[..8]),
            "measuring"
        );
    }

    #[test]
    fn a_consumer_keeping_up_keeps_up_at_every_second_not_at_every_other_commit() {
        // Two minutes of a sawtooth whose floor wanders by a record or two (records arrive
        // unevenly), as the default cluster's groups show it: asked every second, the outlook
        // must not flip to "clears in" or "growing" between commits.
        let lag = |s: u64| {
            let wander = (s * 7919 % 13) as f64 / 6.0; // 0..2, uneven
            (s % 5) as f64 * 2.0 + 3.0 + wander
        };
        let points: Vec<Point> = (0..=120)
            .map(|s| Point {
                at_ms: s * 1_000,
                ..Point::default()
            })
            .collect();
        let lags: Vec<Option<f64>> = (0..=120).map(|s| Some(lag(s))).collect();
        for end in 30..=120 {
            let said = outlook(Lang::En, &points[..=end], &lags[..=end]);
            assert_eq!(said, "keeping up", "at {end} s");
        }
    }
}
