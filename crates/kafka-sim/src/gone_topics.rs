//! Topics deleted and not created again yet, as an observer of the engine's events sees them.
//!
//! A topic's name outlives the topic. Kafka gives a topic created again under the same name a
//! new topic id, and it starts empty, at offset 0, with no committed offsets: it is a new
//! topic. So whatever an observer keeps by topic name (a checker's key map, the guarantee
//! ledger's delivery marks, a chart's series) is forgotten at the topic's `TopicDeleted`.
//!
//! Events about the deleted topic may still come after it: an ack or a fetch response already
//! on the wire, records a consumer had fetched and hands out at its next poll, a broker that
//! has not yet learned of the deletion. Until a topic of that name is created again
//! (`TopicCreated`) they can only be about the deleted one, and observers ignore them
//! ([`GoneTopics::is_gone`]). After that a late one would be taken for the new topic's: events
//! name partitions by topic name, as Kafka's clients did before topic ids. Only a broker cut
//! off from the controller across the re-creation could still send one; the checkers skip its
//! replica anyway (`check/changes.rs`).

use crate::event::Event;
use crate::sorted::SortedSet;
use std::sync::Arc;

/// The topics between their `TopicDeleted` and the next `TopicCreated` of their name.
#[derive(Clone, Debug, Default)]
pub struct GoneTopics {
    gone: SortedSet<Arc<str>>,
}

impl GoneTopics {
    /// Follows one event; returns the topic it deletes, for the caller to forget.
    pub fn observe<'e>(&mut self, event: &'e Event) -> Option<&'e Arc<str>> {
        match event {
            Event::TopicDeleted { topic } => {
                self.gone.insert(topic.clone());
                Some(topic)
            }
            Event::TopicCreated { topic, .. } => {
                self.gone.remove(topic);
                None
            }
            _ => None,
        }
    }

    /// Whether `topic` was deleted and no topic of its name was created since: what is said
    /// of it now is about the deleted topic.
    pub fn is_gone(&self, topic: &str) -> bool {
        self.gone.contains(topic)
    }

    /// Whether `event` is about a partition of a gone topic (see [`Event::partition`]; a
    /// commit of several partitions is for the caller to sort out with [`GoneTopics::is_gone`]).
    pub fn about_gone(&self, event: &Event) -> bool {
        event.partition().is_some_and(|tp| self.is_gone(&tp.topic))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deleted(topic: &str) -> Event {
        Event::TopicDeleted {
            topic: topic.into(),
        }
    }

    fn created(topic: &str) -> Event {
        Event::TopicCreated {
            topic: topic.into(),
            topic_id: "id".into(),
            partitions: 1,
            replication_factor: 1,
        }
    }

    #[test]
    fn a_topic_is_gone_from_its_deletion_until_one_of_its_name_is_created() {
        let mut g = GoneTopics::default();
        assert!(g.observe(&created("t1")).is_none());
        assert!(!g.is_gone("t1"));
        assert_eq!(g.observe(&deleted("t1")).map(|t| &**t), Some("t1"));
        assert!(g.is_gone("t1"));
        assert!(!g.is_gone("t2"));
        g.observe(&created("t2"));
        assert!(g.is_gone("t1"), "another topic's creation changes nothing");
        g.observe(&created("t1"));
        assert!(!g.is_gone("t1"));
    }
}
