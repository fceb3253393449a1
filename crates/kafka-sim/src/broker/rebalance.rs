//! Rebalances on the coordinator: JoinGroup (KIP-394's member id round trip, the initial
//! rebalance delay of an empty group), the PreparingRebalance and CompletingRebalance phases
//! with their timeouts, session expiry of members, and the choice of a new leader.

use super::{Broker, BrokerTimer};
use crate::assignor::{AssignorKind, Subscription};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::group::{new_member_id, Group, GroupState, Member, GROUP_INITIAL_REBALANCE_DELAY_MS};
use crate::message::{GroupResponse, JoinResponse};
use crate::network::NodeId;
use std::sync::Arc;

use super::coordinator::CLIENT_HOST;

impl Broker {
    // ----- JoinGroup ------------------------------------------------------------------------

    pub(super) fn join_group(
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
    pub(super) fn member_subscriptions(&self, group: &str) -> Vec<(Arc<str>, Subscription)> {
        let Some(g) = self.groups.get(group) else {
            return Vec::new();
        };
        let protocol = g.protocol.unwrap_or(AssignorKind::Range);
        g.members_in_join_order()
            .into_iter()
            .map(|m| (m.member_id.clone(), m.subscription(protocol)))
            .collect()
    }

    pub(super) fn maybe_prepare_rebalance(&mut self, group: &str, reason: &str, ctx: &mut Ctx) {
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
    /// rejoin; the join phase ends when everybody rejoined (perhaps at once) or at the
    /// rebalance timeout (for a new group, after `group.initial.rebalance.delay.ms`, extended
    /// while members arrive).
    pub(super) fn prepare_rebalance(&mut self, group: &str, reason: &str, ctx: &mut Ctx) {
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
            g.join_timer_at = ctx.now + delay_ms;
            g.join_timer_remaining_ms = remaining_ms;
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
            let at = ctx.now + timeout;
            g.join_timer_at = at;
            self.timer(ctx, at, BrokerTimer::GroupJoin { group: id, seq });
        }
        for (to, request_id) in waiting_sync {
            self.group_reply(
                to,
                request_id,
                GroupResponse::SyncGroup(Err(ErrorKind::RebalanceInProgressException)),
                ctx,
            );
        }
        // Everybody may have rejoined already (the only member rejoining), so the join phase
        // ends now rather than at the rebalance timeout (`maybeCompleteJoinElseSchedule`).
        if !initial {
            self.maybe_complete_join(group, ctx);
        }
    }

    pub(super) fn maybe_complete_join(&mut self, group: &str, ctx: &mut Ctx) {
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
                    let at = now + delay_ms.min(remaining_ms);
                    let remaining_ms = remaining_ms.saturating_sub(delay_ms);
                    g.join_timer_at = at;
                    g.join_timer_remaining_ms = remaining_ms;
                    self.timer(
                        ctx,
                        at,
                        BrokerTimer::GroupInitialJoin {
                            group,
                            seq,
                            delay_ms,
                            remaining_ms,
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
pub(super) struct NewMember {
    pub(super) client_id: Arc<str>,
    pub(super) session_timeout_ms: u64,
    pub(super) rebalance_timeout_ms: u64,
    pub(super) protocols: Vec<(AssignorKind, Subscription)>,
}

/// A new leader after the old one left: the first member in Java `HashMap` order, as Kafka
/// takes `members.keySet().iterator().next()`.
pub(super) fn first_in_hash_order(g: &Group) -> Option<Arc<str>> {
    let ids: Vec<Arc<str>> = g
        .members_in_join_order()
        .into_iter()
        .map(|m| m.member_id.clone())
        .collect();
    crate::assignor::java::string_order(&ids).into_iter().next()
}
