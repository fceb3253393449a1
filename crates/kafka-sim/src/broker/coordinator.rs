//! The group coordinator (classic protocol) on the broker that leads the group's
//! `__consumer_offsets` partition: FindCoordinator, JoinGroup (with KIP-394's member id
//! round trip and the initial rebalance delay), SyncGroup, Heartbeat, LeaveGroup, session
//! expiry and rebalance timeouts, following Kafka's `GroupMetadataManager` for classic groups.
//! This file routes group requests and serves SyncGroup, Heartbeat and LeaveGroup; joins,
//! rebalance phases and timers are in `broker/rebalance.rs`, offsets (commit, fetch, loading
//! after failover) in `broker/offsets.rs`.

use super::rebalance::{first_in_hash_order, NewMember};
use super::{Broker, PendingSync};
use crate::assignor::java::offsets_partition_for;
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::group::{GroupState, OFFSETS_TOPIC, OFFSETS_TOPIC_PARTITIONS};
use crate::ids::TopicPartition;
use crate::message::{GroupRequest, GroupResponse, Message};
use crate::network::NodeId;
use std::sync::Arc;

/// The HOST column for every simulated client (they all run "locally").
pub const CLIENT_HOST: &str = "/127.0.0.1";

fn error_for(req: &GroupRequest, kind: ErrorKind) -> GroupResponse {
    match req {
        GroupRequest::FindCoordinator { .. } => GroupResponse::FindCoordinator(Err(kind)),
        GroupRequest::JoinGroup { member_id, .. } => {
            GroupResponse::JoinGroup(Err((kind, member_id.clone())))
        }
        GroupRequest::SyncGroup { .. } => GroupResponse::SyncGroup(Err(kind)),
        GroupRequest::Heartbeat { .. } => GroupResponse::Heartbeat(Err(kind)),
        GroupRequest::LeaveGroup { .. } => GroupResponse::LeaveGroup(Err(kind)),
        GroupRequest::OffsetCommit { .. } => GroupResponse::OffsetCommit(Err(kind)),
        GroupRequest::OffsetFetch { .. } => GroupResponse::OffsetFetch(Err(kind)),
    }
}

fn group_of(req: &GroupRequest) -> &Arc<str> {
    match req {
        GroupRequest::FindCoordinator { group }
        | GroupRequest::JoinGroup { group, .. }
        | GroupRequest::SyncGroup { group, .. }
        | GroupRequest::Heartbeat { group, .. }
        | GroupRequest::LeaveGroup { group, .. }
        | GroupRequest::OffsetCommit { group, .. }
        | GroupRequest::OffsetFetch { group, .. } => group,
    }
}

impl Broker {
    pub(crate) fn group_reply(
        &self,
        to: NodeId,
        request_id: u64,
        response: GroupResponse,
        ctx: &mut Ctx,
    ) {
        ctx.send(
            self.node(),
            to,
            Message::GroupResponse {
                request_id,
                response: Box::new(response),
            },
        );
    }

    /// The `__consumer_offsets` partition count as this broker's metadata knows it.
    pub(crate) fn offsets_partitions(&self) -> u32 {
        self.metadata
            .topics
            .get(OFFSETS_TOPIC)
            .map_or(OFFSETS_TOPIC_PARTITIONS, |t| t.partitions.len() as u32)
    }

    pub(crate) fn offsets_tp(&self, group: &str) -> TopicPartition {
        TopicPartition::new(
            OFFSETS_TOPIC,
            offsets_partition_for(group, self.offsets_partitions()),
        )
    }

    /// Whether this broker coordinates `group` now: it leads the group's offsets partition.
    pub(crate) fn coordinates(&self, group: &str) -> bool {
        self.replicas
            .get(&self.offsets_tp(group))
            .is_some_and(|r| r.leader_state().is_some())
    }

    pub(crate) fn handle_group(
        &mut self,
        from: NodeId,
        request_id: u64,
        req: GroupRequest,
        ctx: &mut Ctx,
    ) {
        if let GroupRequest::FindCoordinator { group } = &req {
            let result = if self.metadata.topics.contains_key(OFFSETS_TOPIC) {
                let tp = self.offsets_tp(group);
                self.metadata
                    .partition(&tp)
                    .and_then(|p| p.leader)
                    .ok_or(ErrorKind::CoordinatorNotAvailableException)
            } else {
                // Kafka creates the internal topic on the first FindCoordinator.
                ctx.send(self.node(), NodeId::Controller, Message::CreateOffsetsTopic);
                Err(ErrorKind::CoordinatorNotAvailableException)
            };
            self.group_reply(
                from,
                request_id,
                GroupResponse::FindCoordinator(result),
                ctx,
            );
            return;
        }
        if !self.coordinates(group_of(&req)) {
            let r = error_for(&req, ErrorKind::NotCoordinatorException);
            self.group_reply(from, request_id, r, ctx);
            return;
        }
        match req {
            GroupRequest::FindCoordinator { .. } => {}
            GroupRequest::JoinGroup {
                group,
                member_id,
                client_id,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
            } => self.join_group(
                from,
                request_id,
                group,
                member_id,
                NewMember {
                    client_id,
                    session_timeout_ms,
                    rebalance_timeout_ms,
                    protocols,
                },
                ctx,
            ),
            GroupRequest::SyncGroup {
                group,
                generation,
                member_id,
                assignments,
            } => self.sync_group(
                from,
                request_id,
                &group,
                generation,
                &member_id,
                assignments,
                ctx,
            ),
            GroupRequest::Heartbeat {
                group,
                generation,
                member_id,
            } => {
                let r = self.heartbeat_group(&group, generation, &member_id, ctx.now);
                if r == Err(ErrorKind::RebalanceInProgressException) || r.is_ok() {
                    self.touch_session(&group, &member_id, ctx);
                }
                self.group_reply(from, request_id, GroupResponse::Heartbeat(r), ctx);
            }
            GroupRequest::LeaveGroup { group, member_id } => {
                let r = self.leave_group(&group, &member_id, ctx);
                self.group_reply(from, request_id, GroupResponse::LeaveGroup(r), ctx);
            }
            GroupRequest::OffsetCommit {
                group,
                generation,
                member_id,
                offsets,
            } => self.offset_commit(from, request_id, group, generation, member_id, offsets, ctx),
            GroupRequest::OffsetFetch { group, partitions } => {
                let r = self.offset_fetch(&group, &partitions);
                self.group_reply(from, request_id, GroupResponse::OffsetFetch(r), ctx);
            }
        }
    }

    // ----- SyncGroup --------------------------------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn sync_group(
        &mut self,
        from: NodeId,
        request_id: u64,
        group: &str,
        generation: i32,
        member_id: &str,
        assignments: Vec<(Arc<str>, Vec<TopicPartition>)>,
        ctx: &mut Ctx,
    ) {
        let reply = |b: &Broker, r, ctx: &mut Ctx| {
            b.group_reply(from, request_id, GroupResponse::SyncGroup(r), ctx);
        };
        let Some(g) = self.groups.get_mut(group) else {
            reply(self, Err(ErrorKind::UnknownMemberIdException), ctx);
            return;
        };
        if !g.members.contains_key(member_id) {
            reply(self, Err(ErrorKind::UnknownMemberIdException), ctx);
            return;
        }
        if generation != g.generation {
            reply(self, Err(ErrorKind::IllegalGenerationException), ctx);
            return;
        }
        match g.state {
            GroupState::Empty | GroupState::Dead => {
                reply(self, Err(ErrorKind::UnknownMemberIdException), ctx)
            }
            GroupState::PreparingRebalance => {
                reply(self, Err(ErrorKind::RebalanceInProgressException), ctx)
            }
            GroupState::Stable => {
                let a = g.members[member_id].assignment.clone();
                reply(self, Ok(a), ctx);
            }
            GroupState::CompletingRebalance => {
                g.members.get_mut(member_id).expect("checked").awaiting_sync =
                    Some((from, request_id));
                if g.leader.as_deref() != Some(member_id) {
                    return;
                }
                let sync = PendingSync {
                    group: g.id.clone(),
                    generation: g.generation,
                    assignments,
                };
                self.store_assignment((from, request_id), sync, ctx);
            }
        }
    }

    // ----- Heartbeat, LeaveGroup, sessions -----------------------------------------------------

    pub(super) fn heartbeat_group(
        &self,
        group: &str,
        generation: i32,
        member_id: &str,
        _now: u64,
    ) -> Result<(), ErrorKind> {
        let g = self
            .groups
            .get(group)
            .ok_or(ErrorKind::UnknownMemberIdException)?;
        match g.state {
            GroupState::Dead => return Err(ErrorKind::CoordinatorNotAvailableException),
            GroupState::Empty => return Err(ErrorKind::UnknownMemberIdException),
            _ => {}
        }
        if !g.members.contains_key(member_id) {
            return Err(ErrorKind::UnknownMemberIdException);
        }
        if generation != g.generation {
            return Err(ErrorKind::IllegalGenerationException);
        }
        if g.state == GroupState::PreparingRebalance {
            return Err(ErrorKind::RebalanceInProgressException);
        }
        Ok(())
    }

    fn touch_session(&mut self, group: &str, member_id: &str, ctx: &mut Ctx) {
        if let Some(m) = self
            .groups
            .get_mut(group)
            .and_then(|g| g.members.get_mut(member_id))
        {
            m.session_deadline = ctx.now + m.session_timeout_ms;
        }
    }

    fn leave_group(
        &mut self,
        group: &str,
        member_id: &str,
        ctx: &mut Ctx,
    ) -> Result<(), ErrorKind> {
        let g = self
            .groups
            .get_mut(group)
            .ok_or(ErrorKind::UnknownMemberIdException)?;
        if g.state == GroupState::Dead {
            return Err(ErrorKind::CoordinatorNotAvailableException);
        }
        if g.pending.remove(member_id).is_some() {
            return Ok(());
        }
        if !g.members.contains_key(member_id) {
            return Err(ErrorKind::UnknownMemberIdException);
        }
        let reason = format!("Removing member {member_id} on LeaveGroup");
        self.remove_member(
            group,
            member_id,
            "the consumer left the group",
            &reason,
            ctx,
        );
        Ok(())
    }

    /// Drops a member and rebalances (or finishes a join phase that waited only for it).
    pub(super) fn remove_member(
        &mut self,
        group: &str,
        member_id: &str,
        why: &str,
        rebalance_reason: &str,
        ctx: &mut Ctx,
    ) {
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        let Some(m) = g.members.remove(member_id) else {
            return;
        };
        ctx.emit(Event::MemberRemoved {
            group: g.id.clone(),
            member: m.member_id.clone(),
            reason: Arc::from(why),
        });
        if g.leader.as_deref() == Some(member_id) {
            g.leader = first_in_hash_order(g);
        }
        if let Some((to, rid)) = m.awaiting_join {
            let r = GroupResponse::JoinGroup(Err((
                ErrorKind::UnknownMemberIdException,
                m.member_id.clone(),
            )));
            self.group_reply(to, rid, r, ctx);
        }
        match self.groups.get(group).map(|g| g.state) {
            Some(GroupState::Stable) | Some(GroupState::CompletingRebalance) => {
                self.prepare_rebalance(group, rebalance_reason, ctx)
            }
            Some(GroupState::PreparingRebalance) => self.maybe_complete_join(group, ctx),
            _ => {}
        }
    }
}
