//! Partition assignors, computed exactly as the Java consumer's: `range` (`RangeAssignor`),
//! `roundrobin` (`RoundRobinAssignor`), `sticky` (`StickyAssignor`) and `cooperative-sticky`
//! (`CooperativeStickyAssignor`), all without racks. The group leader runs them over the
//! members' subscriptions (in the order the JoinGroup response lists them, which decides
//! Java `HashMap` iteration ties, see [`java`]).

use crate::ids::TopicPartition;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

pub mod java;
mod range;
mod roundrobin;
mod sticky;

/// One `partition.assignment.strategy` entry.
/// In JSON by its protocol name ([`AssignorKind::name`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AssignorKind {
    Range,
    RoundRobin,
    Sticky,
    #[serde(rename = "cooperative-sticky")]
    CooperativeSticky,
}

/// How members give up partitions during a rebalance (`RebalanceProtocol`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub enum RebalanceProtocol {
    /// Revoke everything before rejoining.
    Eager,
    /// Keep what stays; revoke only what moves, then rejoin once more.
    Cooperative,
}

impl AssignorKind {
    /// The protocol name in JoinGroup (`ConsumerPartitionAssignor.name()`).
    pub fn name(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }

    pub fn from_name(name: &str) -> Option<AssignorKind> {
        match name {
            "range" => Some(AssignorKind::Range),
            "roundrobin" => Some(AssignorKind::RoundRobin),
            "sticky" => Some(AssignorKind::Sticky),
            "cooperative-sticky" => Some(AssignorKind::CooperativeSticky),
            _ => None,
        }
    }

    /// Only the cooperative sticky assignor supports COOPERATIVE (besides EAGER).
    pub fn supports_cooperative(self) -> bool {
        self == AssignorKind::CooperativeSticky
    }
}

/// Kafka's default `partition.assignment.strategy`: `[RangeAssignor, CooperativeStickyAssignor]`.
pub const DEFAULT_ASSIGNORS: [AssignorKind; 2] =
    [AssignorKind::Range, AssignorKind::CooperativeSticky];

/// The protocol a consumer uses: the highest one every configured assignor supports
/// (`ConsumerCoordinator`), so the default list (range first) rebalances eagerly.
pub fn rebalance_protocol(assignors: &[AssignorKind]) -> RebalanceProtocol {
    if !assignors.is_empty() && assignors.iter().all(|a| a.supports_cooperative()) {
        RebalanceProtocol::Cooperative
    } else {
        RebalanceProtocol::Eager
    }
}

/// The `StickyAssignor`'s user data: the member's previous assignment and its generation.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct StickyUserData {
    pub partitions: Vec<TopicPartition>,
    pub generation: i32,
}

/// A member's `ConsumerProtocolSubscription`.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct Subscription {
    /// Subscribed topics, sorted.
    pub topics: Vec<Arc<str>>,
    /// Partitions the member still owns (empty for eager members, which revoked them).
    pub owned_partitions: Vec<TopicPartition>,
    /// The member's generation, `-1` if none.
    pub generation: i32,
    /// Only the `sticky` assignor sends user data.
    pub user_data: Option<StickyUserData>,
}

/// `Map<memberId, List<TopicPartition>>` as the assignor returns it (lists in the assignor's
/// own order; callers sort them for display).
pub type Assignment = BTreeMap<Arc<str>, Vec<TopicPartition>>;

/// The engine's form of an [`Assignment`] (a sorted vector: see `crate::sorted`).
pub(crate) type MemberPartitions = SortedMap<Arc<str>, Vec<TopicPartition>>;

/// Runs `kind` over `members` (in JoinGroup response order) and the partition counts of the
/// subscribed topics. Topics without metadata are ignored, as Kafka does.
pub fn assign(
    kind: AssignorKind,
    partitions_per_topic: &BTreeMap<Arc<str>, u32>,
    members: &[(Arc<str>, Subscription)],
) -> Assignment {
    let counts = partitions_per_topic
        .iter()
        .map(|(t, n)| (t.clone(), *n))
        .collect();
    run(kind, &counts, members).into_iter().collect()
}

/// [`assign`] on the engine's maps.
pub(crate) fn run(
    kind: AssignorKind,
    partitions_per_topic: &SortedMap<Arc<str>, u32>,
    members: &[(Arc<str>, Subscription)],
) -> MemberPartitions {
    // AbstractPartitionAssignor.assign: only topics somebody subscribes to and that exist.
    let mut topics: SortedMap<Arc<str>, u32> = SortedMap::new();
    for (_, s) in members {
        for t in &s.topics {
            if let Some(n) = partitions_per_topic.get(t) {
                topics.insert(t.clone(), *n);
            }
        }
    }
    match kind {
        AssignorKind::Range => range::assign(&topics, members),
        AssignorKind::RoundRobin => roundrobin::assign(&topics, members),
        AssignorKind::Sticky => sticky::assign(&topics, members, false),
        AssignorKind::CooperativeSticky => sticky::assign(&topics, members, true),
    }
}

/// The members of `members` sorted by member id (Kafka sorts `MemberInfo` by member id when
/// no `group.instance.id` is set).
pub(crate) fn sorted_ids(members: &[(Arc<str>, Subscription)]) -> Vec<Arc<str>> {
    let mut ids: Vec<Arc<str>> = members.iter().map(|(m, _)| m.clone()).collect();
    crate::sorting::sort(&mut ids);
    ids
}
