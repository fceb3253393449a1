//! Runs where records are retried, appended, copied, acked, acked again, lost after an ack
//! and truncated (an unclean election), replaced, deleted by retention, delivered, delivered
//! again (a consumer killed before committing), committed past, read out of key order and
//! read from aborted transactions: every [`StepDetail`] and [`EntryReason`] variant occurs,
//! and each, in Portuguese, says no common English word (Kafka's names, ids and configs
//! aside), while in English it says many (so the check can fail) and is the text
//! `kafka-sim` prints.

use std::collections::BTreeSet;

use kafka_sim::guarantees::{lineage, EntryReason, GuaranteeLedger, StepDetail};
use kafka_sim::scenario::{parse_scenario, run_scenario, Scenario};
use kafka_sim::sweep::{gen, Workload};
use kafka_sim::{Event, Offset, TopicPartition};

use super::{entry_reason, step_detail};
use crate::i18n::Lang;

/// Common English words: none may be in a Portuguese step or reason.
const ENGLISH: &[&str] = &[
    "by", "to", "of", "the", "again", "group", "consumer", "committed", "committing", "past",
    "copied", "follower", "leader", "acked", "delivered", "died", "before", "handed", "election",
    "lacks", "attempt", "moved", "removed", "truncated", "deleted", "from", "its", "log",
    "diverged", "after", "at", "in", "another", "record", "records", "appended", "covered",
    "retried", "batch", "answered", "with", "already", "had", "gone", "new", "does", "not",
    "have", "it", "them", "duplicate", "left", "lost", "partition", "rebalance", "position",
    "reset", "below", "fetched", "out", "up", "key", "produced", "changed", "transaction",
    "producer", "aborted", "reads", "none", "clean", "preferred", "start", "this", "offsets",
    "epoch", "broker's", "leader's",
];

/// The English words of `text`: tokens with `=`, `.`, `_`, `-` or `@` (ids, configs,
/// exception names with their package) are left out.
fn english_words(text: &str) -> BTreeSet<String> {
    text.split_whitespace()
        .filter(|t| !t.contains(['=', '.', '_', '-', '@']))
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != '\''))
        .map(str::to_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect()
}

/// A variant's name (exhaustive: a new variant must be named here, and in `STEP_VARIANTS`).
fn step_variant(d: &StepDetail) -> &'static str {
    match d {
        StepDetail::Produced { .. } => "Produced",
        StepDetail::Retried { .. } => "Retried",
        StepDetail::Appended { .. } => "Appended",
        StepDetail::Replaced { .. } => "Replaced",
        StepDetail::Replicated { .. } => "Replicated",
        StepDetail::HighWatermark { .. } => "HighWatermark",
        StepDetail::Acked { .. } => "Acked",
        StepDetail::AckedAgain { .. } => "AckedAgain",
        StepDetail::Truncated { .. } => "Truncated",
        StepDetail::Deleted { .. } => "Deleted",
        StepDetail::Lost { .. } => "Lost",
        StepDetail::Delivered { .. } => "Delivered",
        StepDetail::DeliveredAgain { .. } => "DeliveredAgain",
        StepDetail::Committed { .. } => "Committed",
    }
}

const STEP_VARIANTS: &[&str] = &[
    "Produced",
    "Retried",
    "Appended",
    "Replaced",
    "Replicated",
    "HighWatermark",
    "Acked",
    "AckedAgain",
    "Truncated",
    "Deleted",
    "Lost",
    "Delivered",
    "DeliveredAgain",
    "Committed",
];

fn reason_variant(r: &EntryReason) -> &'static str {
    match r {
        EntryReason::Lost { .. } => "Lost",
        EntryReason::ConsumerGone { .. } => "ConsumerGone",
        EntryReason::FetchedAgain { .. } => "FetchedAgain",
        EntryReason::KeyOrder { .. } => "KeyOrder",
        EntryReason::AbortedRead { .. } => "AbortedRead",
    }
}

const REASON_VARIANTS: &[&str] = &[
    "Lost",
    "ConsumerGone",
    "FetchedAgain",
    "KeyOrder",
    "AbortedRead",
];

/// A key moves to another partition (`alter_partitions`) while a group reads it, and an
/// idempotent producer's batch is retried after its first attempt was appended.
const KEY_MOVES: &str = r#"{ "seed": 3, "brokers": 3, "until_ms": 30000, "steps": [
  {"at_ms": 0, "op": "create_topic", "topic": "orders", "partitions": 2, "replication_factor": 3},
  {"at_ms": 0, "op": "join_group", "group": "billing", "consumer": "billing-1", "topics": ["orders"]},
  {"at_ms": 2000, "op": "produce", "topic": "orders", "key": "k7", "value": "a", "acks": "all"},
  {"at_ms": 2100, "op": "produce", "topic": "orders", "key": "k7", "value": "b", "acks": "all"},
  {"at_ms": 5000, "op": "alter_partitions", "topic": "orders", "partitions": 5},
  {"at_ms": 9000, "op": "produce", "topic": "orders", "key": "k7", "value": "c", "acks": "all"},
  {"at_ms": 9000, "op": "produce", "topic": "orders", "key": "k7", "value": "d", "acks": "all"} ] }"#;

fn scenarios() -> Vec<(String, Scenario)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/kafka-sim/scenarios");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    let mut out: Vec<(String, Scenario)> = names
        .into_iter()
        .map(|n| {
            let s = parse_scenario(&std::fs::read_to_string(dir.join(&n)).unwrap()).unwrap();
            (n, s)
        })
        .collect();
    out.push((
        "unclean seed 0".into(),
        gen::scenario(0, Workload { unclean: true }),
    ));
    out.push(("key moves".into(), parse_scenario(KEY_MOVES).unwrap()));
    out
}

/// Every step detail (of the first records of each partition) and reason of each run.
fn details_and_reasons() -> (Vec<StepDetail>, Vec<EntryReason>) {
    let (mut details, mut reasons) = (Vec::new(), Vec::new());
    for (name, s) in scenarios() {
        let run = run_scenario(&s, None);
        let mut ledger = GuaranteeLedger::new();
        ledger.feed(&run.engine, run.engine.events());
        reasons.extend(ledger.entries().iter().map(|e| e.reason.clone()));
        let mut records: BTreeSet<(TopicPartition, u64)> = BTreeSet::new();
        for te in run.engine.events() {
            if let Event::RecordsAppended {
                tp,
                base_offset,
                count,
                ..
            } = &te.event
            {
                for o in base_offset.0..base_offset.0 + u64::from(*count) {
                    if o < 60 {
                        records.insert((tp.clone(), o));
                    }
                }
            }
        }
        let before = details.len();
        for (tp, o) in &records {
            details.extend(lineage(&run.engine, tp, Offset(*o)).into_iter().map(|s| s.detail));
        }
        let seen: BTreeSet<&str> = details[before..].iter().map(step_variant).collect();
        eprintln!("{name}: {} records, steps {seen:?}", records.len());
    }
    (details, reasons)
}

#[test]
fn every_step_and_reason_of_a_busy_run_says_no_english_word_in_portuguese() {
    let (details, reasons) = details_and_reasons();
    let steps_seen: BTreeSet<&str> = details.iter().map(step_variant).collect();
    let reasons_seen: BTreeSet<&str> = reasons.iter().map(reason_variant).collect();
    assert_eq!(
        steps_seen,
        STEP_VARIANTS.iter().copied().collect(),
        "every step detail occurs"
    );
    assert_eq!(
        reasons_seen,
        REASON_VARIANTS.iter().copied().collect(),
        "every reason occurs"
    );

    let mut english_seen = BTreeSet::new();
    let mut left = Vec::new();
    let pairs = details
        .iter()
        .map(|d| (d.text(), step_detail(Lang::En, d), step_detail(Lang::PtBr, d)))
        .chain(
            reasons
                .iter()
                .map(|r| (r.text(), entry_reason(Lang::En, r), entry_reason(Lang::PtBr, r))),
        );
    for (cli, en, pt) in pairs {
        assert_eq!(en, cli, "the app's English is the CLI's");
        english_seen.extend(english_words(&en));
        let words = english_words(&pt);
        if !words.is_empty() {
            left.push((pt, words));
        }
    }
    assert!(
        english_seen.len() > 40,
        "the English texts say many of the words: {english_seen:?}"
    );
    left.sort();
    left.dedup();
    assert!(left.is_empty(), "English left in Portuguese: {left:#?}");
}

#[test]
fn english_words_leaves_ids_and_configs_out() {
    assert_eq!(
        english_words("by leader 2 epoch=0 batch=0..1, NotEnoughReplicasException orders-0@4"),
        ["by", "leader"].iter().map(|w| w.to_string()).collect()
    );
    assert!(english_words("pelo líder 2 epoch=0 (acks=all) key=k7").is_empty());
}

