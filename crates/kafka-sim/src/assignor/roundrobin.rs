//! `RoundRobinAssignor`: every partition of every subscribed topic (topics by name, partitions
//! ascending) dealt in turn over the members sorted by member id, skipping members that do not
//! subscribe to the partition's topic. The turn carries over from one topic to the next.

use super::{sorted_ids, MemberPartitions, Subscription};
use crate::ids::TopicPartition;
use crate::sorted::SortedMap;
use std::sync::Arc;

pub(super) fn assign(
    topics: &SortedMap<Arc<str>, u32>,
    members: &[(Arc<str>, Subscription)],
) -> MemberPartitions {
    let mut out: MemberPartitions =
        SortedMap::from_iter(members.iter().map(|(m, _)| (m.clone(), Vec::new())));
    let subs: SortedMap<&Arc<str>, &Subscription> =
        SortedMap::from_iter(members.iter().map(|(m, s)| (m, s)));
    let sorted = sorted_ids(members);
    if sorted.is_empty() {
        return out;
    }
    let mut turn = 0usize;
    for (topic, &count) in topics {
        // Somebody subscribes to every topic in `topics`, so the skip loop ends.
        for p in 0..count {
            while !subs[&sorted[turn % sorted.len()]].topics.contains(topic) {
                turn += 1;
            }
            let m = &sorted[turn % sorted.len()];
            turn += 1;
            out.get_mut(m)
                .expect("member")
                .push(TopicPartition::new(topic.clone(), p));
        }
    }
    out
}
