//! `RangeAssignor`, per topic: the subscribed members sorted by member id; `n = P / C`,
//! `extra = P % C`; member `i` takes the next `n + (i < extra)` consecutive partitions.

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
    for (topic, &count) in topics {
        let consumers: Vec<&Arc<str>> = sorted
            .iter()
            .filter(|m| subs[m].topics.contains(topic))
            .collect();
        if consumers.is_empty() {
            continue;
        }
        let c = consumers.len() as u32;
        let per = count / c;
        let extra = count % c;
        for (i, m) in consumers.iter().enumerate() {
            let i = i as u32;
            let start = per * i + i.min(extra);
            let len = per + u32::from(i < extra);
            let list = out.get_mut(*m).expect("member");
            list.extend((start..start + len).map(|p| TopicPartition::new(topic.clone(), p)));
        }
    }
    out
}
