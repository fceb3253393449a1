//! The read-only view of consumer groups and consumers: what the coordinator knows (state,
//! generation, assignor, members and their assignments, committed offsets) joined with the
//! partitions' high watermarks (lag), and what each consumer client knows (positions).

use crate::assignor::RebalanceProtocol;
use crate::consumer::{ConsumerStats, MemberState};
use crate::engine::Engine;
use crate::group::GroupState;
use crate::ids::{BrokerId, ClientId, Offset, TopicPartition};
use crate::sorted::{SortedMap, SortedSet};
use std::sync::Arc;

/// One member of a group, as its coordinator records it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MemberView {
    /// CONSUMER-ID: `<client.id>-<uuid>`.
    pub member_id: String,
    /// CLIENT-ID: the scenario's `consumer`.
    pub client_id: String,
    /// HOST, e.g. `/127.0.0.1`.
    pub host: String,
    /// Partitions of the current generation, sorted.
    pub assignment: Vec<TopicPartition>,
    /// The group is Stable and this member owns no partition: more members than partitions.
    /// False during a rebalance, when members are between assignments (see `rebalancing`),
    /// which is not what Kafka calls an idle consumer.
    pub idle: bool,
    /// The group is rebalancing (PreparingRebalance or CompletingRebalance): `assignment` is
    /// the one being given up or not handed out yet.
    pub rebalancing: bool,
    pub is_leader: bool,
    /// The consumer client behind this member, if it is one the engine started.
    pub consumer: Option<ClientId>,
}

/// One partition a group has committed or been assigned.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GroupPartitionView {
    pub tp: TopicPartition,
    /// CURRENT-OFFSET: the committed offset (next to read), if any.
    pub committed: Option<Offset>,
    /// LOG-END-OFFSET: the leader's HW; `None` when the partition is offline.
    pub high_watermark: Option<Offset>,
    /// LAG = HW - committed.
    pub lag: Option<u64>,
    /// Client id of the member that owns it in this generation.
    pub owner: Option<String>,
}

/// One consumer group.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct GroupView {
    pub group: String,
    /// `None` while no coordinator is available (its broker is down or not loaded yet).
    pub state: Option<GroupState>,
    pub generation: i32,
    /// The assignor chosen for this generation (`range`, `cooperative-sticky`, ...).
    pub protocol: Option<String>,
    pub coordinator: Option<BrokerId>,
    /// The `__consumer_offsets` partition holding the group.
    pub offsets_partition: Option<u32>,
    pub leader: Option<String>,
    pub members: Vec<MemberView>,
    pub partitions: Vec<GroupPartitionView>,
    /// Records handed to the group's applications, and how many of them were repeats.
    pub records_delivered: u64,
    pub duplicates: u64,
}

/// One consumer client.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConsumerView {
    pub client: ClientId,
    pub group: String,
    pub client_id: String,
    /// The topics it subscribed to.
    pub topics: Vec<String>,
    /// Where it starts a partition without a committed offset (`auto.offset.reset`).
    pub auto_offset_reset: crate::consumer::OffsetReset,
    pub state: MemberState,
    /// Not killed and not closed.
    pub running: bool,
    pub member_id: String,
    pub generation: i32,
    pub coordinator: Option<BrokerId>,
    pub protocol: RebalanceProtocol,
    pub assignment: Vec<TopicPartition>,
    /// Next offset to hand to the application, per assigned partition.
    pub positions: Vec<(TopicPartition, Offset)>,
    /// Last offsets this consumer committed.
    pub committed: Vec<(TopicPartition, Offset)>,
    pub buffered_records: u64,
    pub process_rate_per_s: Option<u64>,
    pub stats: ConsumerStats,
}

impl Engine {
    /// Every group the engine has seen (started consumers, or known to a coordinator), sorted.
    pub fn group_names(&self) -> Vec<String> {
        let mut names: SortedSet<Arc<str>> =
            SortedSet::from_iter(self.consumer_names.keys().map(|(g, _)| g.clone()));
        for b in self.brokers.values().filter(|b| b.alive) {
            names.extend(b.groups.keys().cloned());
        }
        names.into_iter().map(|n| n.to_string()).collect()
    }

    pub fn groups_view(&self) -> Vec<GroupView> {
        self.group_names()
            .iter()
            .filter_map(|g| self.group_view(g))
            .collect()
    }

    pub fn group_view(&self, name: &str) -> Option<GroupView> {
        let coordinator = self.coordinator_of(name);
        let offsets_partition = self
            .controller
            .image
            .topics
            .get(crate::group::OFFSETS_TOPIC)
            .map(|t| crate::assignor::java::offsets_partition_for(name, t.partitions.len() as u32));
        let deliveries = self.group_deliveries.get(name);
        let mut view = GroupView {
            group: name.to_string(),
            state: None,
            generation: 0,
            protocol: None,
            coordinator,
            offsets_partition,
            leader: None,
            members: Vec::new(),
            partitions: Vec::new(),
            records_delivered: deliveries.map_or(0, |d| d.delivered),
            duplicates: deliveries.map_or(0, |d| d.duplicates),
        };
        let Some(g) = coordinator.and_then(|b| self.brokers[&b].groups.get(name)) else {
            if coordinator.is_some() {
                view.state = Some(GroupState::Dead);
            }
            return Some(view);
        };
        view.state = Some(g.state);
        view.generation = g.generation;
        view.protocol = g.protocol.map(|p| p.name().to_string());
        view.leader = g.leader.as_ref().map(|l| l.to_string());
        let mut owners: SortedMap<TopicPartition, String> = SortedMap::new();
        let rebalancing = matches!(
            g.state,
            GroupState::PreparingRebalance | GroupState::CompletingRebalance
        );
        for m in g.members_in_join_order() {
            let mut assignment = m.assignment.clone();
            crate::sorting::sort(&mut assignment);
            for tp in &assignment {
                owners.insert(tp.clone(), m.client_id.to_string());
            }
            view.members.push(MemberView {
                member_id: m.member_id.to_string(),
                client_id: m.client_id.to_string(),
                host: m.client_host.to_string(),
                idle: g.state == GroupState::Stable && assignment.is_empty(),
                rebalancing,
                assignment,
                is_leader: g.leader.as_ref() == Some(&m.member_id),
                consumer: self
                    .consumer_names
                    .get(&(g.id.clone(), m.client_id.clone()))
                    .copied(),
            });
        }
        let tps: SortedSet<TopicPartition> =
            SortedSet::from_iter(g.offsets.keys().cloned().chain(owners.keys().cloned()));
        // A read_committed consumer's lag is measured to the last stable offset
        // (`FetchCollector` / the consumer's `records-lag`).
        let read_committed = g
            .members
            .values()
            .any(|m| self.is_read_committed(&g.id, &m.client_id));
        for tp in tps {
            let committed = g.offsets.get(&tp).copied();
            let hw = self.high_watermark(&tp);
            let end = if read_committed {
                self.last_stable_offset(&tp)
            } else {
                hw
            };
            view.partitions.push(GroupPartitionView {
                lag: committed.zip(end).map(|(c, h)| h.0.saturating_sub(c.0)),
                committed,
                high_watermark: hw,
                owner: owners.get(&tp).cloned(),
                tp,
            });
        }
        Some(view)
    }

    pub fn consumers_view(&self) -> Vec<ConsumerView> {
        self.consumers
            .values()
            .map(|c| ConsumerView {
                client: c.id,
                group: c.config.group.to_string(),
                client_id: c.config.client_id.to_string(),
                topics: c.config.topics.iter().map(|t| t.to_string()).collect(),
                auto_offset_reset: c.config.auto_offset_reset,
                state: c.state,
                running: c.running(),
                member_id: c.member_id.to_string(),
                generation: c.generation,
                coordinator: c.coordinator,
                protocol: c.protocol,
                assignment: c.assignment.iter().cloned().collect(),
                positions: c.positions.iter().map(|(t, o)| (t.clone(), *o)).collect(),
                committed: c.committed.iter().map(|(t, o)| (t.clone(), *o)).collect(),
                buffered_records: c.buffered_records(),
                process_rate_per_s: c.config.process_rate_per_s,
                stats: c.stats.clone(),
            })
            .collect()
    }
}

impl Engine {
    /// Whether `consumer` of `group` reads with `isolation.level=read_committed`.
    pub(crate) fn is_read_committed(&self, group: &str, consumer: &str) -> bool {
        self.consumers.values().any(|c| {
            &*c.config.group == group
                && &*c.config.client_id == consumer
                && c.config.isolation_level == crate::consumer::IsolationLevel::ReadCommitted
        })
    }
}
