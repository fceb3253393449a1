//! What the user has selected in the diagram: one object, named by Kafka's own ids (a
//! `TopicPartition`, never a "orders-3" string), shared by both views so that selecting something
//! in one highlights it in the other.

use crate::i18n::{trf, Lang};
use kafka_sim::{BrokerId, TopicPartition};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    Broker(BrokerId),
    Partition(TopicPartition),
    Record { tp: TopicPartition, offset: u64 },
    Group(String),
    Consumer { group: String, client_id: String },
    Producer(String),
}

impl Selection {
    /// The partition a partition or record selection is about.
    pub fn partition(&self) -> Option<&TopicPartition> {
        match self {
            Selection::Partition(tp) | Selection::Record { tp, .. } => Some(tp),
            _ => None,
        }
    }

    /// The group a group or consumer selection is about.
    pub fn group(&self) -> Option<&str> {
        match self {
            Selection::Group(g) | Selection::Consumer { group: g, .. } => Some(g),
            _ => None,
        }
    }

    /// The record, for a record selection.
    pub fn record(&self) -> Option<(&TopicPartition, u64)> {
        match self {
            Selection::Record { tp, offset } => Some((tp, *offset)),
            _ => None,
        }
    }

    /// "Partition orders-3": how the selection is named in the panel and to screen readers,
    /// in `lang`.
    pub fn title(&self, lang: Lang) -> String {
        match self {
            Selection::Broker(b) => trf(lang, "Broker {}", &[&b.0]),
            Selection::Partition(tp) => trf(lang, "Partition {}", &[tp]),
            Selection::Record { tp, offset } => trf(lang, "Record {} offset {}", &[tp, offset]),
            Selection::Group(g) => trf(lang, "Group {}", &[g]),
            Selection::Consumer { client_id, .. } => trf(lang, "Consumer {}", &[client_id]),
            Selection::Producer(p) => trf(lang, "Producer {}", &[p]),
        }
    }
}

/// How a drawn object relates to the selection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mark {
    #[default]
    None,
    /// It is the selected object.
    Selected,
    /// It belongs to the selected object (a selected partition's replicas, a selected group's
    /// members, the partitions a selected consumer reads, ...).
    Related,
}

impl Mark {
    /// The CSS class drawing it.
    pub fn class(self) -> Option<&'static str> {
        match self {
            Mark::None => None,
            Mark::Selected => Some("selected"),
            Mark::Related => Some("related"),
        }
    }

    pub fn of(selected: bool, related: bool) -> Mark {
        if selected {
            Mark::Selected
        } else if related {
            Mark::Related
        } else {
            Mark::None
        }
    }
}
