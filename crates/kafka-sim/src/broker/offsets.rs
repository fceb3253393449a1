//! Committed offsets on the coordinator: OffsetCommit (validated against the group's
//! generation, written to the group's `__consumer_offsets` partition and acknowledged once
//! the ISR has it, like `offsets.commit.required.acks=-1`), OffsetFetch, group metadata
//! records, and loading everything back from the log when this broker becomes leader of an
//! offsets partition — which is how offsets and groups survive a coordinator failover.

use super::{Broker, BrokerTimer, DelayedAnswer, DelayedProduce};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::group::{
    decode, group_key, offset_key, Group, GroupRecord, GroupState, Member, MemberRecord,
    StoredRecord, OFFSETS_TOPIC, OFFSET_COMMIT_TIMEOUT_MS,
};
use crate::ids::{Epoch, Offset, TopicPartition};
use crate::message::GroupResponse;
use crate::metadata::MetadataImage;
use crate::network::NodeId;
use crate::record::BatchData;
use crate::replica::WaitingAck;
use crate::sorted::SortedMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// An OffsetCommit waiting for its records to reach the ISR.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) struct PendingCommit {
    pub group: Arc<str>,
    pub member: Arc<str>,
    pub offsets: Vec<(TopicPartition, Offset)>,
    /// An admin reset (answered by nobody) rather than a member's commit.
    pub admin: bool,
    /// Some partitions of the request were not committed: this broker's metadata has no
    /// such partition (a deleted topic's, say). The answer is UNKNOWN_TOPIC_OR_PARTITION.
    #[serde(default)]
    pub refused_unknown: bool,
}

impl Broker {
    /// Appends records to a led internal partition (`__consumer_offsets`,
    /// `__transaction_state`). Returns the end offset.
    pub(super) fn append_internal(
        &mut self,
        tp: &TopicPartition,
        records: &[(String, Option<String>)],
        ctx: &mut Ctx,
    ) -> Option<(Offset, Epoch)> {
        let replica = self.replicas.get_mut(tp)?;
        let epoch = replica.leader_state()?.epoch;
        let mut data = BatchData::default();
        for (k, v) in records {
            data.push(
                Some(k.as_bytes()),
                v.as_deref().map(str::as_bytes),
                Vec::new(),
                ctx.now,
            );
        }
        // The batch stays in the log until compaction: keep no spare capacity.
        data.shrink();
        let (_, end) =
            self.append_as_leader(tp, epoch, Arc::new(data), (None, None), None, None, ctx);
        Some((end, epoch))
    }

    /// Deletes the committed offsets of deleted topics from the groups this broker
    /// coordinates: a tombstone per offset in the group's `__consumer_offsets` partition
    /// (`OffsetMetadataManager.onPartitionsDeleted`), so a coordinator that loads the
    /// partition later does not bring them back. A topic is deleted when `image` has no
    /// topic of its name, or one with another id than in `previous` (deleted and created
    /// again between two images this broker saw: Kafka's metadata delta deletes by id).
    pub(crate) fn delete_offsets_of_deleted_topics(
        &mut self,
        previous: &MetadataImage,
        image: &MetadataImage,
        ctx: &mut Ctx,
    ) {
        let deleted = |topic: &str| match (previous.topics.get(topic), image.topics.get(topic)) {
            (_, None) => true,
            (Some(old), Some(new)) => old.topic_id != new.topic_id,
            (None, Some(_)) => false,
        };
        let mut tombstones: Vec<(Arc<str>, TopicPartition)> = Vec::new();
        for (name, g) in &self.groups {
            for tp in g.offsets.keys() {
                if deleted(&tp.topic) {
                    tombstones.push((name.clone(), tp.clone()));
                }
            }
        }
        for (group, tp) in tombstones {
            let offsets_tp = self.offsets_tp(&group);
            let record = [(offset_key(&group, &tp), None)];
            if self.append_internal(&offsets_tp, &record, ctx).is_some() {
                if let Some(g) = self.groups.get_mut(&group) {
                    g.offsets.remove(&tp);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn offset_commit(
        &mut self,
        from: NodeId,
        request_id: u64,
        group: Arc<str>,
        generation: i32,
        member_id: Arc<str>,
        offsets: Vec<(TopicPartition, Offset)>,
        ctx: &mut Ctx,
    ) {
        let check = match self.groups.get(&group) {
            None if generation < 0 && member_id.is_empty() => Ok(()),
            None => Err(ErrorKind::IllegalGenerationException),
            Some(g) => {
                if g.state == GroupState::Dead {
                    Err(ErrorKind::CoordinatorNotAvailableException)
                } else if generation < 0 && g.state == GroupState::Empty {
                    Ok(())
                } else if g.state == GroupState::CompletingRebalance {
                    Err(ErrorKind::RebalanceInProgressException)
                } else if !g.members.contains_key(&member_id) {
                    Err(ErrorKind::UnknownMemberIdException)
                } else if generation != g.generation {
                    Err(ErrorKind::IllegalGenerationException)
                } else {
                    Ok(())
                }
            }
        };
        // `KafkaApis.handleOffsetCommitRequest` answers UNKNOWN_TOPIC_OR_PARTITION for each
        // partition its metadata does not have and commits the others (the Java consumer then
        // fails the whole commit): a deleted topic's offsets are not brought back.
        let (offsets, unknown): (Vec<_>, Vec<_>) = offsets
            .into_iter()
            .partition(|(tp, _)| self.metadata.partition(tp).is_some());
        let check = match check {
            Ok(()) if offsets.is_empty() && !unknown.is_empty() => {
                Err(ErrorKind::UnknownTopicOrPartitionException)
            }
            other => other,
        };
        if let Err(e) = check {
            self.group_reply(from, request_id, GroupResponse::OffsetCommit(Err(e)), ctx);
            return;
        }
        let pending = PendingCommit {
            group,
            member: member_id,
            offsets,
            admin: false,
            refused_unknown: !unknown.is_empty(),
        };
        self.write_commit(from, request_id, pending, ctx);
    }

    /// Writes a commit's records and answers once the ISR has them (or at once if it does).
    pub(crate) fn write_commit(
        &mut self,
        client: NodeId,
        request_id: u64,
        pending: PendingCommit,
        ctx: &mut Ctx,
    ) {
        let tp = self.offsets_tp(&pending.group);
        let records: Vec<(String, Option<String>)> = pending
            .offsets
            .iter()
            .map(|(p, o)| (offset_key(&pending.group, p), Some(o.0.to_string())))
            .collect();
        let answer = DelayedAnswer::OffsetCommit(Box::new(pending));
        self.write_internal(tp, &records, client, request_id, answer, ctx);
    }

    /// A coordinator's write (`CoordinatorRuntime`): appends `records` to the led internal
    /// partition `tp` and gives `answer` its result once the ISR has them, as acks=-1: at
    /// once if the HW already covers them (or NOT_LEADER_OR_FOLLOWER if this broker does not
    /// lead `tp`), else when the HW passes them, the leadership is lost, or
    /// `offsets.commit.timeout.ms` runs out.
    pub(crate) fn write_internal(
        &mut self,
        tp: TopicPartition,
        records: &[(String, Option<String>)],
        client: NodeId,
        request_id: u64,
        answer: DelayedAnswer,
        ctx: &mut Ctx,
    ) {
        let appended = self.append_internal(&tp, records, ctx);
        let result = match appended {
            None => Some(Err(ErrorKind::NotLeaderOrFollowerException)),
            Some((required, epoch)) => self.await_hw(
                &tp,
                WaitingAck {
                    required,
                    request_id,
                    part: 0,
                    base_offset: required,
                    epoch,
                },
            ),
        };
        let d = DelayedProduce {
            client,
            remaining: u32::from(result.is_none()),
            results: vec![(tp, result)],
            answer,
        };
        if d.remaining == 0 {
            self.respond_produce(request_id, d, ctx);
            return;
        }
        self.delayed.insert(request_id, d);
        self.timer(
            ctx,
            ctx.now + OFFSET_COMMIT_TIMEOUT_MS,
            BrokerTimer::ProduceTimeout { request_id },
        );
    }

    /// A commit is replicated (or failed): update the cache and answer the member.
    pub(crate) fn finish_commit(
        &mut self,
        client: NodeId,
        request_id: u64,
        c: PendingCommit,
        ok: bool,
        ctx: &mut Ctx,
    ) {
        let result = if ok && self.coordinates(&c.group) {
            let g = self
                .groups
                .entry(c.group.clone())
                .or_insert_with(|| Group::new(c.group.clone()));
            for (tp, o) in &c.offsets {
                g.offsets.insert(tp.clone(), *o);
            }
            if !c.admin {
                ctx.emit(Event::OffsetsCommitted {
                    group: c.group.clone(),
                    member: c.member.clone(),
                    offsets: c.offsets.clone(),
                });
            }
            if c.refused_unknown {
                Err(ErrorKind::UnknownTopicOrPartitionException)
            } else {
                Ok(())
            }
        } else {
            Err(ErrorKind::NotCoordinatorException)
        };
        if !c.admin {
            self.group_reply(client, request_id, GroupResponse::OffsetCommit(result), ctx);
        }
    }

    pub(crate) fn offset_fetch(
        &self,
        group: &str,
        partitions: &[TopicPartition],
    ) -> Result<Vec<(TopicPartition, Option<Offset>)>, ErrorKind> {
        let g = self.groups.get(group);
        Ok(partitions
            .iter()
            .map(|tp| (tp.clone(), g.and_then(|g| g.offsets.get(tp).copied())))
            .collect())
    }

    /// Writes the metadata record of a group that became Empty (no one waits for it).
    pub(crate) fn store_group(&mut self, group: &str, ctx: &mut Ctx) {
        let Some(g) = self.groups.get(group) else {
            return;
        };
        let record = group_record(g, |m| m.assignment.clone());
        let tp = self.offsets_tp(group);
        self.append_internal(&tp, &[record], ctx);
    }

    /// The leader's SyncGroup: writes the group's metadata record with the new assignment,
    /// so that a new coordinator resumes the same generation with the same members, and
    /// completes the rebalance only once that record is committed
    /// (`GroupMetadataManager.classicGroupSyncToClassicGroup`): a coordinator that lost its
    /// partition, or cannot replicate it (cut off from the other brokers), never hands out
    /// a generation that another coordinator may also be handing out.
    pub(crate) fn store_assignment(
        &mut self,
        leader: (NodeId, u64),
        sync: PendingSync,
        ctx: &mut Ctx,
    ) {
        let Some(g) = self.groups.get(&sync.group) else {
            return;
        };
        let record = group_record(g, |m| sync.assignment_of(&m.member_id));
        let tp = self.offsets_tp(&sync.group);
        let answer = DelayedAnswer::GroupSync(Box::new(sync));
        self.write_internal(tp, &[record], leader.0, leader.1, answer, ctx);
    }

    /// The assignment record is committed (or failed): if the group still waits in the same
    /// generation, its members get their assignments and it is Stable; or they all get the
    /// error and the group rebalances again.
    pub(crate) fn finish_sync(
        &mut self,
        sync: PendingSync,
        result: Result<(), ErrorKind>,
        ctx: &mut Ctx,
    ) {
        let Some(g) = self.groups.get_mut(&sync.group) else {
            return;
        };
        if g.state != GroupState::CompletingRebalance || g.generation != sync.generation {
            return;
        }
        let error = result.err().map(sync_error);
        let mut replies = Vec::new();
        for m in g.members.values_mut() {
            m.assignment = match error {
                Some(_) => Vec::new(),
                None => sync.assignment_of(&m.member_id),
            };
            if let Some(w) = m.awaiting_sync.take() {
                replies.push((w, m.assignment.clone()));
            }
        }
        if error.is_none() {
            g.state = GroupState::Stable;
            ctx.emit(Event::RebalanceCompleted {
                group: g.id.clone(),
                generation: g.generation,
                protocol: Arc::from(g.protocol.map_or("", |p| p.name())),
                leader: g.leader.clone().unwrap_or_default(),
                members: g.members.len() as u32,
            });
        }
        for ((to, rid), a) in replies {
            let r = error.map_or(Ok(a), Err);
            self.group_reply(to, rid, GroupResponse::SyncGroup(r), ctx);
        }
        if let Some(e) = error {
            let reason = format!(
                "Error {} when storing group assignment during SyncGroup",
                e.name()
            );
            self.maybe_prepare_rebalance(&sync.group, &reason, ctx);
        }
    }

    /// This broker now leads `__consumer_offsets-<partition>`: load its groups from the log.
    pub(crate) fn load_groups(&mut self, partition: u32, ctx: &mut Ctx) {
        let tp = TopicPartition::new(OFFSETS_TOPIC, partition);
        let Some(replica) = self.replicas.get(&tp) else {
            return;
        };
        let mut groups: SortedMap<Arc<str>, Group> = SortedMap::new();
        let end = replica.log.log_end_offset();
        for r in replica.log.records(replica.log.log_start_offset(), end) {
            match decode(r.key, r.value) {
                Some(StoredRecord::Offset { group, tp, offset }) => {
                    groups
                        .entry(group.clone())
                        .or_insert_with(|| Group::new(group))
                        .offsets
                        .insert(tp, offset);
                }
                Some(StoredRecord::OffsetDeleted { group, tp }) => {
                    if let Some(g) = groups.get_mut(&group) {
                        g.offsets.remove(&tp);
                    }
                }
                Some(StoredRecord::Group { group, record }) => {
                    let g = groups
                        .entry(group.clone())
                        .or_insert_with(|| Group::new(group));
                    restore(g, record, ctx.now);
                }
                None => {}
            }
        }
        let count = groups.len() as u32;
        for (name, g) in groups {
            let sessions: Vec<(Arc<str>, u64)> = g
                .members
                .values()
                .map(|m| (m.member_id.clone(), m.session_timer_at))
                .collect();
            self.groups.insert(name.clone(), g);
            for (member, at) in sessions {
                self.timer(
                    ctx,
                    at,
                    BrokerTimer::GroupSession {
                        group: name.clone(),
                        member,
                        at,
                    },
                );
            }
        }
        if count > 0 {
            ctx.emit(Event::CoordinatorLoaded {
                broker: self.id,
                partition,
                groups: count,
            });
        }
    }

    /// This broker no longer leads `__consumer_offsets-<partition>`: forget its groups and
    /// tell members waiting for a join or sync answer to find the new coordinator.
    pub(crate) fn unload_groups(&mut self, partition: u32, ctx: &mut Ctx) {
        let n = self.offsets_partitions();
        let names: Vec<Arc<str>> = self
            .groups
            .keys()
            .filter(|g| crate::assignor::java::offsets_partition_for(g, n) == partition)
            .cloned()
            .collect();
        for name in names {
            let Some(g) = self.groups.remove(&name) else {
                continue;
            };
            for m in g.members.values() {
                if let Some((to, rid)) = m.awaiting_join {
                    let r = GroupResponse::JoinGroup(Err((
                        ErrorKind::NotCoordinatorException,
                        m.member_id.clone(),
                    )));
                    self.group_reply(to, rid, r, ctx);
                }
                if let Some((to, rid)) = m.awaiting_sync {
                    let r = GroupResponse::SyncGroup(Err(ErrorKind::NotCoordinatorException));
                    self.group_reply(to, rid, r, ctx);
                }
            }
        }
    }
}

/// A leader's SyncGroup waiting for its assignment record to be committed.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub(crate) struct PendingSync {
    pub group: Arc<str>,
    pub generation: i32,
    pub assignments: Vec<(Arc<str>, Vec<TopicPartition>)>,
}

impl PendingSync {
    /// The leader's assignment for `member` (empty if it gave none, as Kafka fills in).
    fn assignment_of(&self, member: &str) -> Vec<TopicPartition> {
        self.assignments
            .iter()
            .find(|(id, _)| &**id == member)
            .map(|(_, a)| a.clone())
            .unwrap_or_default()
    }
}

/// The group's metadata record (key and encoded value) with `assignment` for each member.
fn group_record(
    g: &Group,
    assignment: impl Fn(&Member) -> Vec<TopicPartition>,
) -> (String, Option<String>) {
    let protocol = g.protocol;
    let record = GroupRecord {
        generation: g.generation,
        protocol,
        leader: g.leader.clone(),
        members: g
            .members_in_join_order()
            .into_iter()
            .map(|m| MemberRecord {
                member_id: m.member_id.clone(),
                client_id: m.client_id.clone(),
                client_host: m.client_host.clone(),
                session_timeout_ms: m.session_timeout_ms,
                rebalance_timeout_ms: m.rebalance_timeout_ms,
                subscription: protocol.map(|p| m.subscription(p)).unwrap_or_default(),
                assignment: assignment(m),
            })
            .collect(),
    };
    (group_key(&g.id), Some(crate::group_codec::encode(&record)))
}

/// The SyncGroup error for a failed write of the group's record
/// (`GroupMetadataManager.appendGroupMetadataErrorToResponseError`).
fn sync_error(append: ErrorKind) -> ErrorKind {
    match append {
        ErrorKind::UnknownTopicOrPartitionException
        | ErrorKind::NotEnoughReplicasException
        | ErrorKind::TimeoutException => ErrorKind::CoordinatorNotAvailableException,
        ErrorKind::NotLeaderOrFollowerException => ErrorKind::NotCoordinatorException,
        e => e,
    }
}

/// Rebuilds a group from its last metadata record: Stable with its members (each given a
/// fresh session), or Empty.
fn restore(g: &mut Group, record: GroupRecord, now: u64) {
    g.generation = record.generation;
    g.protocol = record.protocol;
    g.leader = record.leader;
    g.members.clear();
    for (i, m) in record.members.into_iter().enumerate() {
        let protocols = match record.protocol {
            Some(p) => vec![(p, m.subscription)],
            None => Vec::new(),
        };
        let deadline = now + m.session_timeout_ms;
        g.members.insert(
            m.member_id.clone(),
            Member {
                member_id: m.member_id,
                client_id: m.client_id,
                client_host: m.client_host,
                session_timeout_ms: m.session_timeout_ms,
                rebalance_timeout_ms: m.rebalance_timeout_ms,
                protocols,
                assignment: m.assignment,
                awaiting_join: None,
                awaiting_sync: None,
                session_deadline: deadline,
                join_order: i as u64,
                session_timer_at: deadline,
            },
        );
    }
    g.next_join_order = g.members.len() as u64;
    g.state = if g.members.is_empty() {
        GroupState::Empty
    } else {
        GroupState::Stable
    };
}
