//! Consumer groups on the coordinator side (the classic protocol's `ClassicGroup`): states,
//! members, generations and committed offsets, plus how they are written to and read back
//! from `__consumer_offsets`, which is what makes them survive a coordinator failover.
//!
//! The protocol handlers live in `broker/coordinator.rs` (JoinGroup, SyncGroup, Heartbeat,
//! LeaveGroup, timers) and `broker/offsets.rs` (OffsetCommit, OffsetFetch, loading).

use crate::assignor::{AssignorKind, Subscription};
use crate::ids::{Offset, SimTime, TopicPartition};
use crate::network::NodeId;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The internal topic holding committed offsets and group metadata.
pub const OFFSETS_TOPIC: &str = "__consumer_offsets";
/// `offsets.topic.num.partitions`.
pub const OFFSETS_TOPIC_PARTITIONS: u32 = 50;
/// `offsets.topic.replication.factor` (capped at the live broker count, see README).
pub const OFFSETS_TOPIC_REPLICATION_FACTOR: u32 = 3;
/// `offsets.topic.segment.bytes` of the simulator: 1 MiB, the smallest `segment.bytes` Kafka
/// 4.x accepts, where Kafka's default is 100 MiB. A busy group commits about 3 MB an hour to
/// its partition, so with Kafka's default the first segment would roll (and compaction start)
/// only after more than a day of simulated time, and the browser would hold every commit
/// until then; with 1 MiB compaction is visible within minutes and memory stays bounded.
pub const OFFSETS_TOPIC_SEGMENT_BYTES: u64 = 1_048_576;
/// `group.initial.rebalance.delay.ms`.
pub const GROUP_INITIAL_REBALANCE_DELAY_MS: u64 = 3_000;
/// `offsets.commit.timeout.ms`: how long a commit waits for the ISR.
pub const OFFSET_COMMIT_TIMEOUT_MS: u64 = 5_000;

/// A classic group's state (Kafka's `ClassicGroupState`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl GroupState {
    /// As `kafka-consumer-groups` prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

/// One member as the coordinator knows it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Member {
    /// `<client.id>-<uuid>`: the CONSUMER-ID column.
    pub member_id: Arc<str>,
    pub client_id: Arc<str>,
    /// The HOST column, `/127.0.0.1` style.
    pub client_host: Arc<str>,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    /// Supported assignors in preference order, each with the member's subscription.
    pub protocols: Vec<(AssignorKind, Subscription)>,
    /// What the leader gave it in the current generation.
    pub assignment: Vec<TopicPartition>,
    /// A JoinGroup waiting for the join phase to complete: (client, request id).
    pub(crate) awaiting_join: Option<(NodeId, u64)>,
    /// A SyncGroup waiting for the leader's assignment.
    pub(crate) awaiting_sync: Option<(NodeId, u64)>,
    /// Expires without a heartbeat by then (unless awaiting join or sync).
    pub(crate) session_deadline: SimTime,
    /// Order of first join: the first member leads.
    pub(crate) join_order: u64,
    /// When the member's one pending session timer fires (older timers are stale).
    pub(crate) session_timer_at: SimTime,
}

impl Member {
    /// When the coordinator removes this member unless a heartbeat comes first; `None`
    /// while it waits for a JoinGroup or SyncGroup answer (such members are kept alive).
    /// The pending session timer fires at `session_timer_at`: it removes the member if the
    /// deadline has passed, else sets itself again for the deadline; so the later of both.
    pub fn session_expires_at(&self) -> Option<SimTime> {
        if self.awaiting_join.is_some() || self.awaiting_sync.is_some() {
            return None;
        }
        Some(self.session_timer_at.max(self.session_deadline))
    }

    /// When the last heartbeat (or join) renewed the session.
    pub fn session_renewed_at(&self) -> SimTime {
        self.session_deadline
            .saturating_sub(self.session_timeout_ms)
    }

    pub fn subscription(&self, protocol: AssignorKind) -> Subscription {
        self.protocols
            .iter()
            .find(|(k, _)| *k == protocol)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    }
}

/// One consumer group on its coordinator.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Group {
    pub id: Arc<str>,
    pub state: GroupState,
    pub generation: i32,
    /// The assignor chosen for this generation.
    pub protocol: Option<AssignorKind>,
    pub leader: Option<Arc<str>>,
    pub members: SortedMap<Arc<str>, Member>,
    /// Member ids handed out with MEMBER_ID_REQUIRED, not joined yet (KIP-394), with the
    /// time they expire.
    pub(crate) pending: SortedMap<Arc<str>, SimTime>,
    /// Committed offsets (the next offset to read), as stored in `__consumer_offsets`.
    #[serde(with = "crate::ids::map_as_pairs")]
    pub offsets: SortedMap<TopicPartition, Offset>,
    /// A member joined during the initial delay, which is then extended.
    pub(crate) new_member_added: bool,
    /// In the initial delayed join of an empty group (`group.initial.rebalance.delay.ms`):
    /// the join phase does not end early even when everybody has joined.
    pub(crate) initial_delay: bool,
    /// Invalidates join timers set for an earlier rebalance.
    pub(crate) rebalance_seq: u64,
    /// When the join phase's pending timer fires: the initial delay's, or the rebalance
    /// timeout's.
    #[serde(default)]
    pub(crate) join_timer_at: SimTime,
    /// How much longer the initial delay may still be extended when members keep arriving
    /// (the initial-join timer's `remaining_ms`).
    #[serde(default)]
    pub(crate) join_timer_remaining_ms: u64,
    pub(crate) next_join_order: u64,
}

impl Group {
    pub fn new(id: Arc<str>) -> Self {
        Group {
            id,
            state: GroupState::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: SortedMap::new(),
            pending: SortedMap::new(),
            offsets: SortedMap::new(),
            new_member_added: false,
            initial_delay: false,
            rebalance_seq: 0,
            join_timer_at: 0,
            join_timer_remaining_ms: 0,
            next_join_order: 0,
        }
    }

    /// Members in join order (the coordinator's order in JoinGroup responses).
    pub fn members_in_join_order(&self) -> Vec<&Member> {
        let mut m: Vec<&Member> = self.members.values().collect();
        crate::sorting::sort_by_key(&mut m, |m| m.join_order);
        m
    }

    /// The group's rebalance timeout: the largest of its members'.
    pub fn rebalance_timeout_ms(&self) -> u64 {
        self.members
            .values()
            .map(|m| m.rebalance_timeout_ms)
            .max()
            .unwrap_or(0)
    }

    pub fn all_members_joined(&self) -> bool {
        self.pending.is_empty() && self.members.values().all(|m| m.awaiting_join.is_some())
    }

    /// `selectProtocol`: among the assignors every member supports, the one most members
    /// prefer (ties: the first in Java's `HashMap` order of the names, as Kafka's stream max).
    pub fn select_protocol(&self) -> Option<AssignorKind> {
        let members: Vec<&Member> = self.members_in_join_order();
        let first = members.first()?;
        let candidates: Vec<AssignorKind> = first
            .protocols
            .iter()
            .map(|(k, _)| *k)
            .filter(|k| {
                members
                    .iter()
                    .all(|m| m.protocols.iter().any(|(p, _)| p == k))
            })
            .collect();
        let mut votes: SortedMap<AssignorKind, u32> = SortedMap::new();
        for m in &members {
            if let Some((k, _)) = m.protocols.iter().find(|(k, _)| candidates.contains(k)) {
                *votes.entry(*k).or_default() += 1;
            }
        }
        let names: Vec<&str> = votes.keys().map(|k| k.name()).collect();
        let order = crate::assignor::java::string_order(&names);
        let best = votes.values().copied().max()?;
        order
            .into_iter()
            .filter_map(AssignorKind::from_name)
            .find(|k| votes[k] == best)
    }

    /// Whether a joining member's protocols fit the group (`supportsProtocols`).
    pub fn supports(&self, protocols: &[(AssignorKind, Subscription)]) -> bool {
        if protocols.is_empty() {
            return false;
        }
        if self.members.is_empty() {
            return true;
        }
        protocols.iter().any(|(k, _)| {
            self.members
                .values()
                .all(|m| m.protocols.iter().any(|(p, _)| p == k))
        })
    }
}

/// A group metadata record (`GroupMetadataValue`), written on every completed rebalance.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GroupRecord {
    pub generation: i32,
    pub protocol: Option<AssignorKind>,
    pub leader: Option<Arc<str>>,
    pub members: Vec<MemberRecord>,
}

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct MemberRecord {
    pub member_id: Arc<str>,
    pub client_id: Arc<str>,
    pub client_host: Arc<str>,
    pub session_timeout_ms: u64,
    pub rebalance_timeout_ms: u64,
    pub subscription: Subscription,
    pub assignment: Vec<TopicPartition>,
}

/// The key of an offset commit record: `offset:<group>,<topic>,<partition>`.
pub fn offset_key(group: &str, tp: &TopicPartition) -> String {
    format!("offset:{group},{},{}", tp.topic, tp.partition.0)
}

/// The key of a group metadata record: `group:<group>`.
pub fn group_key(group: &str) -> String {
    format!("group:{group}")
}

/// What one `__consumer_offsets` record says.
pub enum StoredRecord {
    Offset {
        group: Arc<str>,
        tp: TopicPartition,
        offset: Offset,
    },
    Group {
        group: Arc<str>,
        record: GroupRecord,
    },
    /// A tombstone: the committed offset was deleted (its topic was).
    OffsetDeleted { group: Arc<str>, tp: TopicPartition },
}

/// Decodes a record of `__consumer_offsets` (ignores anything else).
pub fn decode(key: Option<&[u8]>, value: Option<&[u8]>) -> Option<StoredRecord> {
    let key = std::str::from_utf8(key?).ok()?;
    if let Some(rest) = key.strip_prefix("offset:") {
        let mut parts = rest.rsplitn(3, ',');
        let partition: u32 = parts.next()?.parse().ok()?;
        let topic = parts.next()?;
        let group = parts.next()?;
        let Some(value) = value else {
            return Some(StoredRecord::OffsetDeleted {
                group: Arc::from(group),
                tp: TopicPartition::new(topic, partition),
            });
        };
        let value = std::str::from_utf8(value).ok()?;
        return Some(StoredRecord::Offset {
            group: Arc::from(group),
            tp: TopicPartition::new(topic, partition),
            offset: Offset(value.parse().ok()?),
        });
    }
    let value = std::str::from_utf8(value?).ok()?;
    let group = key.strip_prefix("group:")?;
    Some(StoredRecord::Group {
        group: Arc::from(group),
        record: crate::group_codec::decode(value)?,
    })
}

/// A member id as Kafka makes it: `<client.id>-<UUID.randomUUID()>`, from the engine's RNG.
pub fn new_member_id(client_id: &str, rng: &mut crate::rng::SplitMix64) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    // Version 4, IETF variant, as java.util.UUID.randomUUID.
    let hi = (a & !0xf000) | 0x4000;
    let lo = (b & !(0xc << 60)) | (0x8 << 60);
    format!(
        "{client_id}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        let tp = TopicPartition::new("orders", 7);
        let k = offset_key("g,1", &tp);
        match decode(Some(k.as_bytes()), Some(b"42")) {
            Some(StoredRecord::Offset {
                group,
                tp: t,
                offset,
            }) => {
                assert_eq!(&*group, "g,1");
                assert_eq!(t, tp);
                assert_eq!(offset, Offset(42));
            }
            _ => panic!("not decoded"),
        }
    }

    #[test]
    fn member_ids_look_like_kafkas() {
        let mut rng = crate::rng::SplitMix64::new(1);
        let id = new_member_id("c1", &mut rng);
        assert_eq!(id.len(), "c1-".len() + 36);
        let uuid = &id[3..];
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{id}");
    }
}
