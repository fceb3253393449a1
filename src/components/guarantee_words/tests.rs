//! Runs where records are retried, appended, copied, acked, acked again, lost after an ack
//! and truncated (an unclean election), replaced, deleted by retention, delivered, delivered
//! again (a consumer killed before committing), committed past, read out of key order and
//! read from aborted transactions: every [`StepDetail`] and [`EntryReason`] variant occurs,
//! and each, in Portuguese, says no common English word (Kafka's names, ids and configs
//! aside), while in English it says many (so the check can fail) and is the text
//! `kafka-sim` prints.

use std::collections::BTreeSet;

use kafka_sim::guarantees::{lineage, lineage_in, EntryReason, GuaranteeLedger, StepDetail};
use kafka_sim::scenario::{parse_scenario, run_scenario, Scenario};
use kafka_sim::sweep::{gen, Workload};
use kafka_sim::{Event, Offset, TimedEvent, TopicPartition};

use super::{entry_reason, step_detail};
use crate::i18n::Lang;

/// Common English words: none may be in a Portuguese step or reason. (Kafka's terms Brazilian
/// developers say as they are, "log", "offset", "batch", "rebalance", "broker", "HW", may
/// stay, and so may ids, configs and exception names.)
const ENGLISH: &[&str] = &[
    "by",
    "to",
    "of",
    "the",
    "again",
    "group",
    "consumer",
    "committed",
    "committing",
    "past",
    "copied",
    "follower",
    "leader",
    "acked",
    "delivered",
    "died",
    "before",
    "handed",
    "election",
    "lacks",
    "attempt",
    "moved",
    "removed",
    "truncated",
    "deleted",
    "from",
    "its",
    "diverged",
    "after",
    "at",
    "in",
    "another",
    "record",
    "records",
    "appended",
    "covered",
    "retried",
    "answered",
    "with",
    "already",
    "had",
    "gone",
    "new",
    "does",
    "not",
    "have",
    "it",
    "them",
    "duplicate",
    "left",
    "lost",
    "partition",
    "position",
    "reset",
    "below",
    "fetched",
    "out",
    "up",
    "key",
    "produced",
    "changed",
    "transaction",
    "producer",
    "aborted",
    "reads",
    "none",
    "clean",
    "preferred",
    "start",
    "this",
    "epoch",
    "leader's",
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

/// Words for a message, comma-separated (no Debug formatting in `src/`, tests included).
fn list<T: std::fmt::Display>(words: impl IntoIterator<Item = T>) -> String {
    words
        .into_iter()
        .map(|w| w.to_string())
        .collect::<Vec<_>>()
        .join(", ")
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

/// Records of a key sent to explicit partitions, the newer one to the partition the group
/// reads first (whichever it is, one of the two keys is read out of order).
const KEY_MOVES: &str = r#"{ "seed": 3, "brokers": 3, "until_ms": 20000, "steps": [
  {"at_ms": 0, "op": "create_topic", "topic": "orders", "partitions": 2, "replication_factor": 3},
  {"at_ms": 2000, "op": "produce", "topic": "orders", "key": "k1", "value": "a", "partition": 1},
  {"at_ms": 2100, "op": "produce", "topic": "orders", "key": "k1", "value": "b", "partition": 0},
  {"at_ms": 2200, "op": "produce", "topic": "orders", "key": "k2", "value": "c", "partition": 0},
  {"at_ms": 2300, "op": "produce", "topic": "orders", "key": "k2", "value": "d", "partition": 1},
  {"at_ms": 5000, "op": "join_group", "group": "billing", "consumer": "billing-1", "topics": ["orders"],
   "auto_offset_reset": "earliest"} ] }"#;

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
            details.extend(
                lineage(&run.engine, tp, Offset(*o))
                    .into_iter()
                    .map(|s| s.detail),
            );
        }
        // A second answer to a batch already acked (`acked again`: a retried batch the leader
        // already had) is rare in a run: each acked batch's answer, given twice.
        if name == "basic.json" {
            let events: Vec<&TimedEvent> = run
                .engine
                .events()
                .iter()
                .flat_map(|te| {
                    let twice = matches!(te.event, Event::ProduceAcked { .. });
                    std::iter::repeat_n(te, if twice { 2 } else { 1 })
                })
                .collect();
            for (tp, o) in records.iter().take(3) {
                let steps = lineage_in(&run.engine, events.iter().copied(), tp, Offset(*o));
                details.extend(steps.into_iter().map(|s| s.detail));
            }
        }
        let seen: BTreeSet<&str> = details[before..].iter().map(step_variant).collect();
        let why: BTreeSet<&str> = ledger
            .entries()
            .iter()
            .map(|e| reason_variant(&e.reason))
            .collect();
        eprintln!(
            "{name}: {} records, steps {} reasons {}",
            records.len(),
            list(&seen),
            list(&why)
        );
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
    let pairs = renderings(&details, &reasons);
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
        "the English texts say many of the words: {}",
        list(&english_seen)
    );
    left.sort();
    left.dedup();
    let left: Vec<String> = left
        .iter()
        .map(|(pt, words)| format!("{pt} ({})", list(words)))
        .collect();
    assert!(
        left.is_empty(),
        "English left in Portuguese:\n{}",
        left.join("\n")
    );
}

#[test]
fn english_words_leaves_ids_and_configs_out() {
    assert_eq!(
        english_words("by leader 2 epoch=0 batch=0..1, NotEnoughReplicasException orders-0@4"),
        ["by", "leader"].iter().map(|w| w.to_string()).collect()
    );
    assert!(english_words("pelo líder 2 epoch=0 (acks=all) key=k7").is_empty());
}

/// The cases within variants that the runs above may not reach (each consumer fate, each
/// election kind, no election known, a record written by the broker itself), worded too.
#[test]
fn every_case_within_a_variant_says_no_english_word_in_portuguese() {
    use kafka_sim::guarantees::{BatchRange, ConsumerFate, ElectionSeen, RecordKey};
    use kafka_sim::{Acks, BrokerId, ElectionKind, Epoch};
    let kinds = [
        ElectionKind::Clean,
        ElectionKind::Unclean,
        ElectionKind::Preferred,
    ];
    let batch = BatchRange {
        start: Offset(4),
        end: Offset(6),
    };
    let mut details = vec![
        StepDetail::Produced {
            tp: TopicPartition::new("orders", 0),
            offset: Offset(5),
            producer: None,
            batch,
            key: RecordKey::Unknown,
        },
        StepDetail::Produced {
            tp: TopicPartition::new("orders", 0),
            offset: Offset(5),
            producer: Some(("checkout".into(), Acks::All)),
            batch,
            key: RecordKey::Null,
        },
        StepDetail::Truncated {
            broker: BrokerId(1),
            to: Offset(3),
            election: None,
        },
        StepDetail::Lost {
            leader: BrokerId(2),
            epoch: Epoch(3),
            election: None,
        },
    ];
    let mut reasons = vec![EntryReason::Lost {
        leader: BrokerId(2),
        epoch: Epoch(3),
        election: None,
    }];
    for kind in kinds {
        details.push(StepDetail::Truncated {
            broker: BrokerId(1),
            to: Offset(3),
            election: Some(ElectionSeen {
                at_ms: 30_000,
                kind,
                leader: BrokerId(2),
                epoch: Epoch(3),
            }),
        });
        details.push(StepDetail::Lost {
            leader: BrokerId(2),
            epoch: Epoch(3),
            election: Some(kind),
        });
        reasons.push(EntryReason::Lost {
            leader: BrokerId(2),
            epoch: Epoch(3),
            election: Some((kind, 30_000)),
        });
    }
    for fate in [
        ConsumerFate::Died,
        ConsumerFate::Left,
        ConsumerFate::Revoked,
        ConsumerFate::LostPartition,
    ] {
        reasons.push(EntryReason::ConsumerGone {
            consumer: "payments-2".into(),
            fate,
            handed_up_to: Offset(4),
            committed: None,
        });
    }
    for reset in [None, Some("earliest".into())] {
        reasons.push(EntryReason::FetchedAgain {
            reset,
            handed_up_to: Offset(4),
            committed: Some(Offset(2)),
        });
    }
    let texts = renderings(&details, &reasons);
    for (cli, en, pt) in texts {
        // Only the loss with no election known reads better in the app than `(epoch 3,
        // election)`, which `kafka-sim` prints.
        if !cli.contains(",  election") {
            assert_eq!(en, cli);
        }
        assert!(!english_words(&en).is_empty(), "{en}");
        assert!(
            english_words(&pt).is_empty(),
            "{pt}: {}",
            list(english_words(&pt))
        );
    }
}

/// Each step's and reason's (CLI English, app English, app Portuguese).
fn renderings(details: &[StepDetail], reasons: &[EntryReason]) -> Vec<(String, String, String)> {
    let steps = details.iter().map(|d| {
        (
            d.text(),
            step_detail(Lang::En, d),
            step_detail(Lang::PtBr, d),
        )
    });
    let why = reasons.iter().map(|r| {
        (
            r.text(),
            entry_reason(Lang::En, r),
            entry_reason(Lang::PtBr, r),
        )
    });
    steps.chain(why).collect()
}
