//! How numbers, ids and durations are written on the diagram: short, exact, and the same
//! everywhere ("1-4, 7", "in 6.2 s", "12.3k").

use kafka_sim::{BrokerId, SimTime, TopicPartition};

use crate::i18n::{tr, trf, Lang};

/// Broker ids, runs of four or more shortened: "1, 2, 3" or "1-4, 7, 9-12"; "none" if empty.
pub fn join_ids(lang: Lang, ids: &[BrokerId]) -> String {
    if ids.is_empty() {
        return tr(lang, "none").to_string();
    }
    join_runs(ids.iter().map(|b| b.0))
}

/// Broker ids as Kafka's describe prints them: "1,2,3" (runs of four or more shortened).
pub fn compact_ids(lang: Lang, ids: &[BrokerId]) -> String {
    if ids.is_empty() {
        return tr(lang, "none").to_string();
    }
    join_runs(ids.iter().map(|b| b.0)).replace(", ", ",")
}

/// Ascending numbers with runs of four or more shortened: "0, 1, 2" or "0-16, 40".
pub fn join_runs(numbers: impl IntoIterator<Item = u32>) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for n in numbers {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if b - a >= 3 {
                format!("{a}-{b}")
            } else {
                (a..=b)
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "orders 0, 3" for one topic, runs shortened ("events 0-16"); "orders 0 · pay 1" across
/// topics; cut with an ellipsis past `max_chars`.
pub fn short_partitions(tps: &[TopicPartition], max_chars: usize) -> String {
    // In the order the partitions come (a member's assignment is sorted by topic).
    let mut by_topic: Vec<(&str, Vec<u32>)> = Vec::new();
    for tp in tps {
        kafka_sim::small_map::entry(&mut by_topic, &*tp.topic).push(tp.partition.0);
    }
    let text = by_topic
        .iter_mut()
        .map(|(topic, ps)| {
            kafka_sim::sorting::sort(ps);
            format!("{topic} {}", join_runs(ps.iter().copied()))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    ellipsis(&text, max_chars)
}

/// `text` cut to `max_chars` characters, the last one an ellipsis when cut.
pub fn ellipsis(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        text.chars()
            .take(max_chars.saturating_sub(1))
            .chain(['…'])
            .collect()
    }
}

/// `topic-partition`, the topic shortened with an ellipsis so the whole fits in `max` chars; the
/// partition number is never cut (it is what tells rows apart).
pub fn fit_label(topic: &str, partition: u32, max: usize) -> String {
    let suffix = format!("-{partition}");
    let room = max.saturating_sub(suffix.chars().count());
    if topic.chars().count() <= room {
        return format!("{topic}{suffix}");
    }
    let kept: String = topic.chars().take(room.saturating_sub(1)).collect();
    format!("{kept}…{suffix}")
}

/// A time still to wait, for countdowns: "in 6.2 s" under a minute (tenths let the eye see it
/// move), "in 4 min 12 s" beyond; "now" when due.
pub fn countdown(lang: Lang, now: SimTime, at: SimTime) -> String {
    let ms = at.saturating_sub(now);
    if ms == 0 {
        tr(lang, "now").to_string()
    } else {
        trf(lang, "in {}", &[&duration(ms)])
    }
}

/// A duration: "850 ms", "6.2 s", "4 min 12 s", "2 h 5 min".
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{}.{} s", ms / 1_000, ms % 1_000 / 100)
    } else if ms < 3_600_000 {
        format!("{} min {} s", ms / 60_000, ms % 60_000 / 1_000)
    } else {
        format!("{} h {} min", ms / 3_600_000, ms % 3_600_000 / 60_000)
    }
}

/// A config value in ms as Kafka users write it: `broker.session.timeout.ms=9000`.
pub fn config(name: &str, ms: u64) -> String {
    format!("{name}={ms}")
}

/// A count short enough for a small label: "999", "12.3k", "4.5M".
pub fn count(n: u64) -> String {
    if n < 1_000 {
        n.to_string()
    } else if n < 100_000 {
        format!("{}.{}k", n / 1_000, n % 1_000 / 100)
    } else if n < 1_000_000 {
        format!("{}k", n / 1_000)
    } else {
        format!("{}.{}M", n / 1_000_000, n % 1_000_000 / 100_000)
    }
}

/// Bytes as text, for the record card: UTF-8 where it is, `null` for none.
pub fn bytes_text(bytes: Option<&[u8]>) -> String {
    bytes.map_or_else(
        || "null".to_string(),
        |b| String::from_utf8_lossy(b).into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broker_lists_shorten_runs() {
        let ids = |v: &[u32]| v.iter().map(|&i| BrokerId(i)).collect::<Vec<_>>();
        assert_eq!(join_ids(Lang::En, &ids(&[1, 2, 3])), "1, 2, 3");
        assert_eq!(compact_ids(Lang::En, &ids(&[1, 2, 3])), "1,2,3");
        assert_eq!(
            join_ids(Lang::En, &ids(&[1, 2, 3, 4, 7, 9, 10, 11, 12])),
            "1-4, 7, 9-12"
        );
        assert_eq!(join_ids(Lang::En, &[]), "none");
        assert_eq!(join_ids(Lang::PtBr, &[]), "nenhum");
        assert_eq!(compact_ids(Lang::PtBr, &[]), "nenhum");
    }

    #[test]
    fn partitions_shorten_runs_and_fit() {
        let tps = |t: &str, ps: &[u32]| {
            ps.iter()
                .map(|&p| TopicPartition::new(t, p))
                .collect::<Vec<_>>()
        };
        assert_eq!(short_partitions(&tps("orders", &[3, 0]), 30), "orders 0, 3");
        assert_eq!(
            short_partitions(&tps("events", &(0..17).collect::<Vec<_>>()), 30),
            "events 0-16"
        );
        let many = short_partitions(&tps("events", &(0..100).step_by(2).collect::<Vec<_>>()), 30);
        assert_eq!(many.chars().count(), 30);
        assert!(many.ends_with('…'));
    }

    #[test]
    fn long_topic_names_are_shortened_but_keep_their_partition_number() {
        assert_eq!(fit_label("orders", 3, 11), "orders-3");
        assert_eq!(fit_label("customer-events", 12, 11), "custome…-12");
        assert_eq!(fit_label("customer-events", 12, 11).chars().count(), 11);
    }

    #[test]
    fn durations_and_counts_read_as_people_write_them() {
        assert_eq!(countdown(Lang::En, 1_000, 7_250), "in 6.2 s");
        assert_eq!(countdown(Lang::PtBr, 1_000, 7_250), "em 6.2 s");
        assert_eq!(countdown(Lang::En, 7_000, 7_000), "now");
        assert_eq!(countdown(Lang::PtBr, 7_000, 7_000), "agora");
        assert_eq!(countdown(Lang::En, 9_000, 7_000), "now");
        assert_eq!(duration(850), "850 ms");
        assert_eq!(duration(252_000), "4 min 12 s");
        assert_eq!(duration(7_500_000), "2 h 5 min");
        assert_eq!(count(999), "999");
        assert_eq!(count(12_345), "12.3k");
        assert_eq!(count(4_560_000), "4.5M");
        assert_eq!(
            config("replica.lag.time.max.ms", 30_000),
            "replica.lag.time.max.ms=30000"
        );
    }
}
