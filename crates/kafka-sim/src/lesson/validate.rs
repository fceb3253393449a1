//! What a lesson file must satisfy before the app shows it: [`Lesson::check`] for one lesson,
//! [`check_index`] for the set (unique ids, the index naming every lesson once). The first
//! problem is returned in words naming the step, so a lesson author can fix it.

use super::{Checkpoint, Lesson, LessonIndex, Text};
use crate::command::json::Fields;
use crate::command::Command;

/// Steps per lesson: enough to build an idea, few enough to finish in minutes.
pub const MIN_STEPS: usize = 3;
pub const MAX_STEPS: usize = 6;

impl Lesson {
    /// Checks the lesson: a slug id, titles and texts in both languages, 3 to 6 steps, a
    /// scenario file name next to the lesson, valid checkpoints and show_me commands.
    pub fn check(&self) -> Result<(), String> {
        if !is_slug(&self.id) {
            return Err(format!(
                "id '{}': expected a slug (lowercase letters, digits and '-')",
                self.id
            ));
        }
        text(&self.title).map_err(|e| format!("title: {e}"))?;
        if !self.scenario.ends_with(".scenario.json")
            || self.scenario.contains('/')
            || self.scenario.contains('\\')
        {
            return Err(format!(
                "scenario '{}': expected a file name next to the lesson, ending in .scenario.json",
                self.scenario
            ));
        }
        if !(MIN_STEPS..=MAX_STEPS).contains(&self.steps.len()) {
            return Err(format!(
                "{} steps: a lesson has {MIN_STEPS} to {MAX_STEPS}",
                self.steps.len()
            ));
        }
        for (i, step) in self.steps.iter().enumerate() {
            let at = |e: String| format!("step {}: {e}", i + 1);
            text(&step.text).map_err(|e| at(format!("text: {e}")))?;
            text(&step.action).map_err(|e| at(format!("action: {e}")))?;
            step.checkpoint
                .check()
                .map_err(|e| at(format!("checkpoint: {e}")))?;
            for (j, c) in step.show_me.iter().enumerate() {
                show_me(c).map_err(|e| at(format!("show_me {}: {e}", j + 1)))?;
            }
        }
        Ok(())
    }
}

/// Checks a set of lessons against their index: ids unique, each lesson listed once, in
/// the index's order, and each valid.
pub fn check_index(index: &LessonIndex, lessons: &[Lesson]) -> Result<(), String> {
    if index.lessons.len() != lessons.len() {
        return Err(format!(
            "the index lists {} lessons, {} were given",
            index.lessons.len(),
            lessons.len()
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (entry, lesson) in index.lessons.iter().zip(lessons) {
        if entry.id != lesson.id {
            return Err(format!(
                "index entry '{}' (file {}) holds lesson '{}'",
                entry.id, entry.file, lesson.id
            ));
        }
        if seen.contains(&lesson.id.as_str()) {
            return Err(format!("lesson id '{}' is used twice", lesson.id));
        }
        seen.push(&lesson.id);
        lesson.check().map_err(|e| format!("{}: {e}", lesson.id))?;
    }
    Ok(())
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn text(t: &Text) -> Result<(), String> {
    if t.en.trim().is_empty() {
        return Err("the English text is empty".to_string());
    }
    if t.pt_br.trim().is_empty() {
        return Err("the pt-BR text is empty".to_string());
    }
    Ok(())
}

/// A show_me command must survive the trip through its flat JSON form (the app saves and
/// shares runs in it), and name what it acts on.
fn show_me(c: &Command) -> Result<(), String> {
    let json = c.to_json();
    let back = Fields::parse(&json)
        .map_err(|e| e.to_string())
        .and_then(|f| Command::from_fields(f).map_err(|e| e.message));
    match back {
        Ok(b) if b == *c => Ok(()),
        Ok(_) => Err(format!("{json} reads back as another command")),
        Err(e) => Err(format!("{json} does not read back: {e}")),
    }
}

impl Checkpoint {
    /// Checks the checkpoint's own fields: names present, thresholds that can be met and
    /// are not trivially met (an "at least 0" would tick before anything happened).
    pub fn check(&self) -> Result<(), String> {
        let name = |what: &str, s: &str| {
            if s.trim().is_empty() {
                Err(format!("{what} is empty"))
            } else {
                Ok(())
            }
        };
        let positive = |what: &str, n: u64| {
            if n == 0 {
                Err(format!("{what} must be at least 1 (0 always holds)"))
            } else {
                Ok(())
            }
        };
        match self {
            Checkpoint::All { of } => {
                if of.is_empty() {
                    return Err("all: needs at least one checkpoint".to_string());
                }
                of.iter().try_for_each(Checkpoint::check)
            }
            Checkpoint::GroupLagAtLeast { group, topic, lag } => {
                name("group", group)?;
                topic.as_deref().map_or(Ok(()), |t| name("topic", t))?;
                positive("lag", *lag)
            }
            Checkpoint::GroupLagAtMost { group, topic, .. } => {
                name("group", group)?;
                topic.as_deref().map_or(Ok(()), |t| name("topic", t))
            }
            Checkpoint::GroupState { group, .. } | Checkpoint::GroupStable { group, .. } => {
                name("group", group)
            }
            Checkpoint::GroupDeliveredAtLeast { group, records }
            | Checkpoint::GroupDuplicatesAtLeast { group, records } => {
                name("group", group)?;
                positive("records", *records)
            }
            Checkpoint::CommittedAtLeast {
                group,
                topic,
                offset,
                ..
            } => {
                name("group", group)?;
                name("topic", topic)?;
                positive("offset", *offset)
            }
            Checkpoint::CommittedAtLogStart { group, topic, .. } => {
                name("group", group)?;
                name("topic", topic)
            }
            Checkpoint::EndOffsetAtLeast { topic, offset, .. }
            | Checkpoint::LogStartOffsetAtLeast { topic, offset, .. }
            | Checkpoint::AllReplicasHave { topic, offset, .. } => {
                name("topic", topic)?;
                positive("offset", *offset)
            }
            Checkpoint::TopicEndOffsetsAtLeast { topic, records }
            | Checkpoint::AckedRecordsLostAtLeast { topic, records } => {
                name("topic", topic)?;
                positive("records", *records)
            }
            Checkpoint::PartitionCount { topic, partitions }
            | Checkpoint::PartitionsWithRecordsAtLeast { topic, partitions }
            | Checkpoint::KeylessOnPartitionsAtLeast { topic, partitions } => {
                name("topic", topic)?;
                positive("partitions", u64::from(*partitions))
            }
            Checkpoint::LeadersOnBrokersAtLeast { topic, brokers } => {
                name("topic", topic)?;
                positive("brokers", u64::from(*brokers))
            }
            Checkpoint::IsrSizeAtLeast { topic, size, .. } => {
                name("topic", topic)?;
                positive("size", u64::from(*size))
            }
            Checkpoint::LeaderIs { topic, .. }
            | Checkpoint::LeaderIsNot { topic, .. }
            | Checkpoint::PartitionOffline { topic, .. }
            | Checkpoint::IsrSizeAtMost { topic, .. } => name("topic", topic),
            Checkpoint::BrokerAlive { broker }
            | Checkpoint::BrokerDead { broker }
            | Checkpoint::BrokerFenced { broker } => positive("broker", u64::from(*broker)),
            Checkpoint::KeyOnOnePartition {
                topic,
                key,
                records,
                ..
            }
            | Checkpoint::KeyRecordsAtLeast {
                topic,
                key,
                records,
            }
            | Checkpoint::KeyRecordsAtMost {
                topic,
                key,
                records,
            } => {
                name("topic", topic)?;
                name("key", key)?;
                positive("records", *records)
            }
            Checkpoint::LatestValueIs { topic, key, .. } => {
                name("topic", topic)?;
                name("key", key)
            }
            Checkpoint::ProducerAckedAtLeast { producer, records }
            | Checkpoint::ProducerFailedAtLeast { producer, records } => {
                name("producer", producer)?;
                positive("records", *records)
            }
            Checkpoint::ProducerLastError { producer, .. } => name("producer", producer),
            Checkpoint::TopicConfigIs {
                topic,
                name: n,
                value,
            } => {
                name("topic", topic)?;
                name("name", n)?;
                name("value", value)
            }
        }
    }
}
