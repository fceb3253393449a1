//! The group coordinator (classic protocol) on the broker that leads the group's
//! `__consumer_offsets` partition: FindCoordinator, JoinGroup (with KIP-394's member id
//! round trip and the initial rebalance delay), SyncGroup, Heartbeat, LeaveGroup, session
//! expiry and rebalance timeouts, following Kafka's `GroupMetadataManager` for classic groups.
//! Offsets (commit, fetch, loading after failover) are in `broker/offsets.rs`.

use super::{Broker, BrokerTimer};
use crate::assignor::java::offsets_partition_for;
use crate::assignor::{AssignorKind, Subscription};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::group::{
    new_member_id, Group, GroupState, Member, GROUP_INITIAL_REBALANCE_DELAY_MS, OFFSETS_TOPIC,
    OFFSETS_TOPIC_PARTITIONS,
};
use crate::ids::TopicPartition;
use crate::message::{GroupRequest, GroupResponse, JoinResponse, Message};
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

    // ----- JoinGroup ------------------------------------------------------------------------

    fn join_group(
        &mut self,
        from: NodeId,
        request_id: u64,
        group: Arc<str>,
        member_id: Arc<str>,
        new: NewMember,
        ctx: &mut Ctx,
    ) {
        let now = ctx.now;
        let reply_err = |b: &Broker, kind: ErrorKind, id: Arc<str>, ctx: &mut Ctx| {
            b.group_reply(
                from,
                request_id,
                GroupResponse::JoinGroup(Err((kind, id))),
                ctx,
            );
        };
        if !self.groups.contains_key(&group) && !member_id.is_empty() {
            reply_err(self, ErrorKind::UnknownMemberIdException, member_id, ctx);
            return;
        }
        let g = self
            .groups
            .entry(group.clone())
            .or_insert_with(|| Group::new(group.clone()));
        if g.state == GroupState::Dead {
            reply_err(
                self,
                ErrorKind::CoordinatorNotAvailableException,
                member_id,
                ctx,
            );
            return;
        }
        if !g.supports(&new.protocols) {
            reply_err(
                self,
                ErrorKind::InconsistentGroupProtocolException,
                member_id,
                ctx,
            );
            return;
        }
        if member_id.is_empty() {
            let id: Arc<str> = Arc::from(new_member_id(&new.client_id, ctx.rng));
            let expires = now + new.session_timeout_ms;
            g.pending.insert(id.clone(), expires);
            self.timer(
                ctx,
                expires,
                BrokerTimer::PendingMemberExpiry {
                    group,
                    member: id.clone(),
                },
            );
            reply_err(self, ErrorKind::MemberIdRequiredException, id, ctx);
            return;
        }
        if g.pending.remove(&member_id).is_some() {
            let session = new.session_timeout_ms;
            let m = Member {
                member_id: member_id.clone(),
                client_id: new.client_id,
                client_host: Arc::from(CLIENT_HOST),
                session_timeout_ms: session,
                rebalance_timeout_ms: new.rebalance_timeout_ms,
                protocols: new.protocols,
                assignment: Vec::new(),
                awaiting_join: Some((from, request_id)),
                awaiting_sync: None,
                session_deadline: now + session,
                join_order: g.next_join_order,
                session_timer_at: now + session,
            };
            g.next_join_order += 1;
            g.members.insert(member_id.clone(), m);
            if g.leader.is_none() {
                g.leader = Some(member_id.clone());
            }
            if g.state == GroupState::PreparingRebalance {
                g.new_member_added = true;
            }
            ctx.emit(Event::MemberJoined {
                group: group.clone(),
                member: member_id.clone(),
                broker: self.id,
            });
            self.timer(
                ctx,
                now + session,
                BrokerTimer::GroupSession {
                    group: group.clone(),
                    member: member_id.clone(),
                    at: now + session,
                },
            );
            let reason = format!("Adding new member {member_id}");
            self.maybe_prepare_rebalance(&group, &reason, ctx);
            self.maybe_complete_join(&group, ctx);
            return;
        }
        let state = g.state;
        let leader = g.leader.clone();
        let generation = g.generation;
        let protocol = g.protocol;
        let Some(m) = g.members.get_mut(&member_id) else {
            reply_err(self, ErrorKind::UnknownMemberIdException, member_id, ctx);
            return;
        };
        match state {
            GroupState::Empty | GroupState::Dead => {
                reply_err(self, ErrorKind::UnknownMemberIdException, member_id, ctx);
            }
            GroupState::PreparingRebalance => {
                m.protocols = new.protocols;
                m.awaiting_join = Some((from, request_id));
                self.maybe_complete_join(&group, ctx);
            }
            GroupState::CompletingRebalance | GroupState::Stable => {
                let same = m.protocols == new.protocols;
                let is_leader = leader.as_ref() == Some(&member_id);
                let keep = same && (state == GroupState::CompletingRebalance || !is_leader);
                if keep {
                    // A resent join with unchanged metadata: answer with the current generation.
                    let members = if is_leader {
                        self.member_subscriptions(&group)
                    } else {
                        Vec::new()
                    };
                    let resp = JoinResponse {
                        generation,
                        protocol: protocol.unwrap_or(AssignorKind::Range),
                        leader: leader.unwrap_or_default(),
                        member_id,
                        members,
                    };
                    self.group_reply(from, request_id, GroupResponse::JoinGroup(Ok(resp)), ctx);
                } else {
                    m.protocols = new.protocols;
                    m.awaiting_join = Some((from, request_id));
                    let reason = if is_leader {
                        format!(
                            "Leader {member_id} re-joining group during {}",
                            state.as_str()
                        )
                    } else {
                        format!(
                            "Updating metadata for member {member_id} during {}",
                            state.as_str()
                        )
                    };
                    self.prepare_rebalance(&group, &reason, ctx);
                }
            }
        }
    }

    /// Every member's subscription for the chosen protocol, in join order (the JoinGroup
    /// response's member list, which only the leader receives).
    fn member_subscriptions(&self, group: &str) -> Vec<(Arc<str>, Subscription)> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        let protocol = g.protocol.unwrap_or(AssignorKind::Range);
        g.members_in_join_order()
            .into_iter()
            .map(|m| (m.member_id.clone(), m.subscription(protocol)))
            .collect()
    }

    fn maybe_prepare_rebalance(&mut self, group: &str, reason: &str, ctx: &mut Ctx) {
        let can = self.groups.get(group).is_some_and(|g| {
            matches!(
                g.state,
                GroupState::Stable | GroupState::CompletingRebalance | GroupState::Empty
            )
        });
        if can {
            self.prepare_rebalance(group, reason, ctx);
        }
    }

    /// Moves the group to PreparingRebalance: members awaiting their assignment are told to
    /// rejoin; the join phase ends when everybody rejoined or at the rebalance timeout (for a
    /// new group, after `group.initial.rebalance.delay.ms`, extended while members arrive).
    fn prepare_rebalance(&mut self, group: &str, reason: &str, ctx: &mut Ctx) {
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        let mut waiting_sync = Vec::new();
        if g.state == GroupState::CompletingRebalance {
            for m in g.members.values_mut() {
                m.assignment.clear();
                if let Some(w) = m.awaiting_sync.take() {
                    waiting_sync.push(w);
                }
            }
        }
        let initial = g.state == GroupState::Empty;
        g.state = GroupState::PreparingRebalance;
        g.rebalance_seq += 1;
        let seq = g.rebalance_seq;
        let id = g.id.clone();
        let timeout = g.rebalance_timeout_ms();
        ctx.emit(Event::RebalanceStarted {
            group: id.clone(),
            generation: g.generation,
            reason: Arc::from(reason),
        });
        if initial {
            g.initial_delay = true;
            g.new_member_added = false;
            let delay_ms = GROUP_INITIAL_REBALANCE_DELAY_MS;
            let remaining_ms = timeout.saturating_sub(delay_ms);
            self.timer(
                ctx,
                ctx.now + delay_ms,
                BrokerTimer::GroupInitialJoin {
                    group: id,
                    seq,
                    delay_ms,
                    remaining_ms,
                },
            );
        } else {
            g.initial_delay = false;
            self.timer(
                ctx,
                ctx.now + timeout,
                BrokerTimer::GroupJoin { group: id, seq },
            );
        }
        for (to, request_id) in waiting_sync {
            self.group_reply(
                to,
                request_id,
                GroupResponse::SyncGroup(Err(ErrorKind::RebalanceInProgressException)),
                ctx,
            );
        }
    }

    fn maybe_complete_join(&mut self, group: &str, ctx: &mut Ctx) {
        let ready = self.groups.get(group).is_some_and(|g| {
            g.state == GroupState::PreparingRebalance && !g.initial_delay && g.all_members_joined()
        });
        if ready {
            self.complete_join(group, ctx);
        }
    }

    /// The join phase ends: members that did not rejoin are dropped, the generation moves on,
    /// the protocol is chosen and every member gets its JoinGroup answer (the leader with
    /// everybody's subscriptions).
    pub(crate) fn complete_join(&mut self, group: &str, ctx: &mut Ctx) {
        let now = ctx.now;
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        if g.state != GroupState::PreparingRebalance {
            return;
        }
        g.initial_delay = false;
        let gone: Vec<Arc<str>> = g
            .members
            .values()
            .filter(|m| m.awaiting_join.is_none())
            .map(|m| m.member_id.clone())
            .collect();
        for m in &gone {
            g.members.remove(m);
            ctx.emit(Event::MemberRemoved {
                group: g.id.clone(),
                member: m.clone(),
                reason: Arc::from("did not rejoin within the rebalance timeout"),
            });
        }
        g.generation += 1;
        if g.members.is_empty() {
            g.protocol = None;
            g.leader = None;
            g.state = GroupState::Empty;
            ctx.emit(Event::GroupEmptied {
                group: g.id.clone(),
                generation: g.generation,
            });
            self.store_group(group, ctx);
            return;
        }
        if g.leader.as_ref().is_none_or(|l| !g.members.contains_key(l)) {
            g.leader = first_in_hash_order(g);
        }
        g.protocol = g.select_protocol();
        g.state = GroupState::CompletingRebalance;
        g.rebalance_seq += 1;
        let seq = g.rebalance_seq;
        let timeout = g.rebalance_timeout_ms();
        let generation = g.generation;
        let protocol = g.protocol.unwrap_or(AssignorKind::Range);
        let leader = g.leader.clone().unwrap_or_default();
        let mut replies = Vec::new();
        for m in g.members.values_mut() {
            if let Some(w) = m.awaiting_join.take() {
                replies.push((w, m.member_id.clone()));
            }
            m.session_deadline = now + m.session_timeout_ms;
        }
        let everyone = self.member_subscriptions(group);
        for ((to, request_id), member_id) in replies {
            let members = if member_id == leader {
                everyone.clone()
            } else {
                Vec::new()
            };
            let resp = JoinResponse {
                generation,
                protocol,
                leader: leader.clone(),
                member_id,
                members,
            };
            self.group_reply(to, request_id, GroupResponse::JoinGroup(Ok(resp)), ctx);
        }
        self.timer(
            ctx,
            now + timeout,
            BrokerTimer::GroupSync {
                group: Arc::from(group),
                seq,
            },
        );
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
                for m in g.members.values_mut() {
                    m.assignment = assignments
                        .iter()
                        .find(|(id, _)| *id == m.member_id)
                        .map(|(_, a)| a.clone())
                        .unwrap_or_default();
                }
                g.state = GroupState::Stable;
                ctx.emit(Event::RebalanceCompleted {
                    group: g.id.clone(),
                    generation: g.generation,
                    protocol: Arc::from(g.protocol.map_or("", |p| p.name())),
                    leader: g.leader.clone().unwrap_or_default(),
                    members: g.members.len() as u32,
                });
                let mut replies = Vec::new();
                for m in g.members.values_mut() {
                    if let Some(w) = m.awaiting_sync.take() {
                        replies.push((w, m.assignment.clone()));
                    }
                }
                self.store_group(group, ctx);
                for ((to, rid), a) in replies {
                    self.group_reply(to, rid, GroupResponse::SyncGroup(Ok(a)), ctx);
                }
            }
        }
    }

    // ----- Heartbeat, LeaveGroup, sessions -----------------------------------------------------

    fn heartbeat_group(
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
    fn remove_member(
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

    /// Group timers: session expiry, pending members, join and sync phase deadlines.
    pub(crate) fn on_group_timer(&mut self, timer: BrokerTimer, ctx: &mut Ctx) {
        let now = ctx.now;
        match timer {
            BrokerTimer::GroupSession { group, member, at } => {
                let Some(m) = self
                    .groups
                    .get_mut(&group)
                    .and_then(|g| g.members.get_mut(&member))
                else {
                    return;
                };
                if m.session_timer_at != at {
                    return;
                }
                let next = if m.awaiting_join.is_some() || m.awaiting_sync.is_some() {
                    // Members waiting for a join or sync answer are kept alive.
                    Some(now + m.session_timeout_ms)
                } else if now < m.session_deadline {
                    Some(m.session_deadline)
                } else {
                    None
                };
                match next {
                    Some(t) => {
                        m.session_timer_at = t;
                        self.timer(
                            ctx,
                            t,
                            BrokerTimer::GroupSession {
                                group,
                                member,
                                at: t,
                            },
                        );
                    }
                    None => {
                        let reason = format!(
                            "Removing member {member} in epoch {} due to session timeout",
                            self.groups.get(&group).map_or(0, |g| g.generation)
                        );
                        self.remove_member(&group, &member, "session timeout", &reason, ctx);
                    }
                }
            }
            BrokerTimer::PendingMemberExpiry { group, member } => {
                let expired = self
                    .groups
                    .get(&group)
                    .and_then(|g| g.pending.get(&member))
                    .is_some_and(|t| *t <= now);
                if expired {
                    if let Some(g) = self.groups.get_mut(&group) {
                        g.pending.remove(&member);
                    }
                    self.maybe_complete_join(&group, ctx);
                }
            }
            BrokerTimer::GroupInitialJoin {
                group,
                seq,
                delay_ms,
                remaining_ms,
            } => {
                let Some(g) = self.groups.get_mut(&group) else {
                    return;
                };
                if g.rebalance_seq != seq || g.state != GroupState::PreparingRebalance {
                    return;
                }
                if g.new_member_added && remaining_ms > 0 {
                    g.new_member_added = false;
                    let delay = delay_ms.min(remaining_ms);
                    self.timer(
                        ctx,
                        now + delay,
                        BrokerTimer::GroupInitialJoin {
                            group,
                            seq,
                            delay_ms,
                            remaining_ms: remaining_ms.saturating_sub(delay_ms),
                        },
                    );
                } else {
                    self.complete_join(&group, ctx);
                }
            }
            BrokerTimer::GroupJoin { group, seq } => {
                let due = self.groups.get(&group).is_some_and(|g| {
                    g.rebalance_seq == seq && g.state == GroupState::PreparingRebalance
                });
                if due {
                    self.complete_join(&group, ctx);
                }
            }
            BrokerTimer::GroupSync { group, seq } => {
                let Some(g) = self.groups.get(&group) else {
                    return;
                };
                if g.rebalance_seq != seq || g.state != GroupState::CompletingRebalance {
                    return;
                }
                // The leader never sent the assignment: drop members that did not sync and
                // start over.
                let silent: Vec<Arc<str>> = g
                    .members
                    .values()
                    .filter(|m| m.awaiting_sync.is_none())
                    .map(|m| m.member_id.clone())
                    .collect();
                for m in silent {
                    if let Some(g) = self.groups.get_mut(&group) {
                        g.members.remove(&m);
                    }
                    ctx.emit(Event::MemberRemoved {
                        group: group.clone(),
                        member: m,
                        reason: Arc::from("did not sync within the rebalance timeout"),
                    });
                }
                self.prepare_rebalance(&group, "Sync phase timed out", ctx);
            }
            _ => {}
        }
    }
}

/// What a JoinGroup says about a member.
struct NewMember {
    client_id: Arc<str>,
    session_timeout_ms: u64,
    rebalance_timeout_ms: u64,
    protocols: Vec<(AssignorKind, Subscription)>,
}

/// A new leader after the old one left: the first member in Java `HashMap` order, as Kafka
/// takes `members.keySet().iterator().next()`.
fn first_in_hash_order(g: &Group) -> Option<Arc<str>> {
    let ids: Vec<Arc<str>> = g
        .members_in_join_order()
        .into_iter()
        .map(|m| m.member_id.clone())
        .collect();
    crate::assignor::java::string_order(&ids).into_iter().next()
}
