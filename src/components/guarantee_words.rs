//! The guarantee ledger's and a record's lineage's sentences in the language chosen. The engine
//! hands them out as values ([`StepDetail`], [`EntryReason`]; their `Display` is the English
//! `kafka-sim` prints); here each variant is worded with [`tr`]/[`trf`], whose English keys
//! are the engine's English, so both languages say the same thing. Kafka's own names stay as
//! they are: exception names, config names, `acks=all`, `epoch=`, `hw=`, `batch=`, `key=`,
//! `read_uncommitted`, TOPIC-PARTITION@OFFSET ids.
//!
//! The matches are exhaustive: a new variant in the engine does not build until it is worded
//! here (and the test below fails until a run shows it).

use kafka_sim::guarantees::{ConsumerFate, EntryReason, StepDetail};
use kafka_sim::{ElectionKind, Offset};

use crate::i18n::{tr, trf, Lang};

/// An election's kind as an adjective (`clean`, `unclean`, `preferred`).
fn election_word(lang: Lang, kind: ElectionKind) -> &'static str {
    match kind {
        ElectionKind::Clean => tr(lang, "clean"),
        // Kafka's own word (unclean.leader.election.enable).
        ElectionKind::Unclean => tr(lang, "unclean"),
        ElectionKind::Preferred => tr(lang, "preferred"),
    }
}

/// A group's committed offset, `none` when it had none.
fn committed_word(lang: Lang, committed: Option<Offset>) -> String {
    match committed {
        Some(o) => o.0.to_string(),
        None => tr(lang, "none").to_string(),
    }
}

/// A lineage step's details in `lang`.
pub fn step_detail(lang: Lang, detail: &StepDetail) -> String {
    match detail {
        StepDetail::Produced {
            tp,
            offset,
            producer,
            batch,
            key,
        } => {
            let record = format!("{tp}@{}", offset.0);
            match producer {
                Some((p, acks)) => trf(
                    lang,
                    "{} by {} (acks={}) {}{}",
                    &[&record, p, &acks.as_str(), batch, key],
                ),
                None => trf(lang, "{} by the broker {}{}", &[&record, batch, key]),
            }
        }
        StepDetail::Retried {
            producer,
            error,
            attempt,
        } => trf(
            lang,
            "by {}: {} (attempt {})",
            &[producer, &error.name(), attempt],
        ),
        StepDetail::Appended {
            leader,
            epoch,
            batch,
        } => trf(
            lang,
            "by leader {} epoch={} {}",
            &[&leader.0, &epoch.0, batch],
        ),
        StepDetail::Replaced {
            leader,
            epoch,
            batch,
        } => trf(
            lang,
            "leader {} appended another record at this offset in epoch {} ({})",
            &[&leader.0, &epoch.0, batch],
        ),
        StepDetail::Replicated { follower } => {
            trf(lang, "copied by follower {}", &[&follower.0])
        }
        StepDetail::HighWatermark { broker, hw } => trf(
            lang,
            "covered by the HW of broker {} (hw={})",
            &[&broker.0, &hw.0],
        ),
        StepDetail::Acked { producer } => trf(lang, "acked to {}", &[producer]),
        StepDetail::AckedAgain { producer } => trf(
            lang,
            "acked again to {}: a retried batch the leader already had, answered with its offsets",
            &[producer],
        ),
        StepDetail::Truncated {
            broker,
            to,
            election,
        } => match election {
            Some(e) => trf(
                lang,
                "removed from broker {} (truncated to {}): its log diverged from leader {} after the {} election at {} ms (epoch {})",
                &[
                    &broker.0,
                    &to.0,
                    &e.leader.0,
                    &election_word(lang, e.kind),
                    &e.at_ms,
                    &e.epoch.0,
                ],
            ),
            None => trf(
                lang,
                "removed from broker {} (truncated to {}): its log diverged from the leader's",
                &[&broker.0, &to.0],
            ),
        },
        StepDetail::Deleted {
            broker,
            reason,
            log_start,
        } => trf(
            lang,
            "deleted from broker {} by {} (log start {})",
            &[&broker.0, reason, &log_start.0],
        ),
        StepDetail::Lost {
            leader,
            epoch,
            election,
        } => match election {
            Some(kind) => trf(
                lang,
                "acked but gone: new leader {} (epoch {}, {} election) does not have it",
                &[&leader.0, &epoch.0, &election_word(lang, *kind)],
            ),
            None => trf(
                lang,
                "acked but gone: new leader {} (epoch {}) does not have it",
                &[&leader.0, &epoch.0],
            ),
        },
        StepDetail::Delivered { group, consumer } => trf(
            lang,
            "delivered to group {} consumer {}",
            &[group, consumer],
        ),
        StepDetail::DeliveredAgain { group, consumer } => trf(
            lang,
            "delivered again to group {} consumer {} (duplicate)",
            &[group, consumer],
        ),
        StepDetail::Committed { group, offset } => trf(
            lang,
            "group {} committed offset {} past it",
            &[group, &offset.0],
        ),
    }
}

/// A guarantee ledger entry's reason in `lang`.
pub fn entry_reason(lang: Lang, reason: &EntryReason) -> String {
    match reason {
        EntryReason::Lost {
            leader,
            epoch,
            election,
        } => match election {
            Some((kind, at)) => trf(
                lang,
                "{} election at {} ms: leader {} (epoch {}) lacks them",
                &[&election_word(lang, *kind), at, &leader.0, &epoch.0],
            ),
            None => trf(
                lang,
                "leader {} (epoch {}) lacks them",
                &[&leader.0, &epoch.0],
            ),
        },
        EntryReason::ConsumerGone {
            consumer,
            fate,
            handed_up_to,
            committed,
        } => {
            let values: [&dyn std::fmt::Display; 3] =
                [consumer, &handed_up_to.0, &committed_word(lang, *committed)];
            match fate {
                ConsumerFate::Died => trf(
                    lang,
                    "consumer {} died before committing: handed up to offset {}, committed {}",
                    &values,
                ),
                ConsumerFate::Left => trf(
                    lang,
                    "consumer {} left before committing: handed up to offset {}, committed {}",
                    &values,
                ),
                ConsumerFate::Revoked => trf(
                    lang,
                    "consumer {} lost the partition in a rebalance before committing: handed up to offset {}, committed {}",
                    &values,
                ),
                ConsumerFate::LostPartition => trf(
                    lang,
                    "consumer {} lost the partition before committing: handed up to offset {}, committed {}",
                    &values,
                ),
            }
        }
        EntryReason::FetchedAgain {
            reset,
            handed_up_to,
            committed,
        } => {
            let committed = committed_word(lang, *committed);
            match reset {
                Some(source) => trf(
                    lang,
                    "position reset ({}) below records already handed out up to {} (committed {})",
                    &[source, &handed_up_to.0, &committed],
                ),
                None => trf(
                    lang,
                    "fetched again below records already handed out up to {} (committed {})",
                    &[&handed_up_to.0, &committed],
                ),
            }
        }
        EntryReason::KeyOrder {
            key,
            produced_at_ms,
            newer_tp,
            newer_offset,
            newer_at_ms,
        } => trf(
            lang,
            "key {} produced at {} ms, after {}@{} produced at {} ms (the key changed partition)",
            &[key, produced_at_ms, newer_tp, &newer_offset.0, newer_at_ms],
        ),
        EntryReason::AbortedRead { producer_id } => trf(
            lang,
            "transaction of producer id {} aborted; read_uncommitted reads it",
            &[producer_id],
        ),
    }
}

#[cfg(test)]
mod tests;
