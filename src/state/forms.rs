//! The forms' policy: what the app checks before a command reaches the engine (numbers typed as
//! text, names), how it names new consumers, and where a rejection is shown: next to the control
//! that caused it, in Kafka's words.

use crate::i18n::{tr, trf, Lang};
use std::collections::BTreeMap;

use kafka_sim::assignor::AssignorKind;
use kafka_sim::{Command, Engine, NewTopic, ProduceHandle};

/// Where a control lives, so that its error is shown next to it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Panel {
    Produce,
    Brokers,
    Topics,
    Groups,
    /// The card of the selected object (its own actions: kill, restart, ...).
    Details,
    /// The timeline bar (import, share).
    Timeline,
    /// The Guarantees tab's record finder.
    Guarantees,
    /// The open lesson ("Show me").
    Lessons,
}

/// What the user's last actions left to show.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Feedback {
    /// The last rejected action, in Kafka's words, shown inline in the panel it came from.
    pub error: Option<(Panel, String)>,
    /// The record last sent from the Produce form, followed on the diagram.
    pub last_produce: Option<ProduceHandle>,
    /// How that record fared when it was last announced (each outcome is said once).
    pub announced_produce: Option<String>,
    /// The records the last key search found.
    pub found: Option<Found>,
}

/// Records found by their key, newest first within each partition.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub key: String,
    pub records: Vec<(kafka_sim::TopicPartition, u64)>,
}

impl Feedback {
    /// The error to show in `panel`, if the last rejected action came from it.
    pub fn error_in(&self, panel: Panel) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(p, _)| *p == panel)
            .map(|(_, text)| text.as_str())
    }
}

/// How a group's consumers join: the topics they subscribe to and the assignor (`None` is
/// Kafka's default list), remembered so that added and restarted consumers join alike.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupSpec {
    pub topics: Vec<String>,
    pub assignor: Option<AssignorKind>,
    /// Where its consumers start a partition without a committed offset.
    pub auto_offset_reset: kafka_sim::consumer::OffsetReset,
}

/// A whole number typed into a form; Kafka itself judges its range (e.g. 0 partitions).
/// `field` is already in the language the message is said in.
pub fn parse_count(lang: Lang, field: &str, text: &str) -> Result<i32, String> {
    text.trim().parse().map_err(|_| {
        trf(
            lang,
            "{} must be a whole number, got \"{}\".",
            &[&field, &text.trim()],
        )
    })
}

/// `kafka-topics --create` from the form's text fields.
pub fn create_topic(
    lang: Lang,
    name: &str,
    partitions: &str,
    replication_factor: &str,
    min_insync_replicas: &str,
) -> Result<Command, String> {
    let partitions = parse_count(lang, tr(lang, "Partitions"), partitions)?;
    let replication_factor = parse_count(lang, tr(lang, "Replication factor"), replication_factor)?;
    let mut configs = BTreeMap::new();
    if !min_insync_replicas.trim().is_empty() {
        configs.insert(
            "min.insync.replicas".to_string(),
            min_insync_replicas.trim().to_string(),
        );
    }
    Ok(Command::CreateTopic(NewTopic {
        topic: name.trim().to_string(),
        partitions: Some(partitions),
        replication_factor: Some(replication_factor),
        replica_assignment: None,
        fixed_start_index: None,
        configs,
    }))
}

/// `<group>-<n>` with n one more than the highest number a consumer of the group has had.
pub fn next_consumer_name(engine: &Engine, group: &str) -> String {
    let prefix = format!("{group}-");
    let highest = engine
        .consumers_view()
        .iter()
        .filter(|c| c.group == group)
        .filter_map(|c| c.client_id.strip_prefix(&prefix)?.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("{group}-{}", highest + 1)
}

/// A new group's name and topics, checked before its first consumer starts.
pub fn check_new_group(
    lang: Lang,
    engine: &Engine,
    name: &str,
    topics: &[String],
) -> Result<(), String> {
    if name.is_empty() {
        return Err(tr(lang, "A group needs a name (group.id).").to_string());
    }
    if engine.group_names().iter().any(|g| g == name) {
        return Err(trf(
            lang,
            "Group '{}' exists already: add a consumer to it instead.",
            &[&name],
        ));
    }
    if topics.is_empty() {
        return Err(tr(
            lang,
            "Choose at least one topic for the group to subscribe to.",
        )
        .to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::opening_engine;

    #[test]
    fn numbers_are_checked_before_kafka_sees_them() {
        assert_eq!(parse_count(Lang::En, "Partitions", " 6 "), Ok(6));
        assert_eq!(
            parse_count(Lang::En, "Partitions", "six"),
            Err("Partitions must be a whole number, got \"six\".".to_string())
        );
        assert_eq!(
            parse_count(Lang::PtBr, "Partições", "seis"),
            Err("Partições precisa ser um número inteiro, recebi \"seis\".".to_string())
        );
        assert!(create_topic(Lang::En, "t", "3", "x", "").is_err());
        assert!(matches!(
            create_topic(Lang::En, "t", "3", "2", "2"),
            Ok(Command::CreateTopic(_))
        ));
    }

    #[test]
    fn new_consumers_and_groups_are_named_and_checked() {
        let engine = opening_engine();
        assert_eq!(next_consumer_name(&engine, "payments"), "payments-3");
        assert_eq!(next_consumer_name(&engine, "fresh"), "fresh-1");
        let orders = vec!["orders".to_string()];
        assert!(check_new_group(Lang::En, &engine, "", &orders).is_err());
        assert!(check_new_group(Lang::En, &engine, "payments", &orders).is_err());
        assert!(check_new_group(Lang::En, &engine, "audit", &[]).is_err());
        assert!(check_new_group(Lang::En, &engine, "audit", &orders).is_ok());
    }
}
