//! The member side of the classic protocol (`AbstractCoordinator` + `ConsumerCoordinator`):
//! coordinator discovery, `onJoinPrepare` (commit, then revoke all when eager), JoinGroup,
//! the leader's assignment, SyncGroup, `onJoinComplete` (revoke what moved when cooperative,
//! then rejoin), heartbeats and their errors, LeaveGroup.

use super::{CommitPurpose, Consumer, ConsumerTimer, MemberState, Req, HEARTBEAT_INTERVAL_MS};
use super::{MAX_POLL_INTERVAL_MS, SESSION_TIMEOUT_MS};
use crate::assignor::{self, AssignorKind, RebalanceProtocol, StickyUserData, Subscription};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::ids::{BrokerId, TopicPartition};
use crate::message::{GroupRequest, JoinResponse};
use crate::sorted::{SortedMap, SortedSet};
use std::sync::Arc;

impl Consumer {
    /// Drives the member forward (`ensureActiveGroup`): find the coordinator, then (re)join
    /// when needed; also looks up positions and fetches.
    pub(crate) fn step(&mut self, ctx: &mut Ctx) {
        if !self.state.active() {
            return;
        }
        if self.coordinator.is_none() {
            self.find_coordinator(ctx);
        } else if self.needs_rejoin
            && matches!(self.state, MemberState::Unjoined | MemberState::Stable)
        {
            self.begin_join(ctx);
        }
        if self.state == MemberState::Stable {
            self.ensure_positions(ctx);
        }
        self.maybe_fetch(ctx);
    }

    fn find_coordinator(&mut self, ctx: &mut Ctx) {
        let busy = self.inflight.values().any(|r| *r == Req::FindCoordinator);
        if busy || self.retry_armed || self.bootstrap.is_empty() {
            return;
        }
        let to = self.bootstrap[self.cursor % self.bootstrap.len()];
        let request = GroupRequest::FindCoordinator {
            group: self.config.group.clone(),
        };
        self.group_request(to, request, Req::FindCoordinator, ctx);
    }

    pub(super) fn on_find_coordinator(&mut self, r: Result<BrokerId, ErrorKind>, ctx: &mut Ctx) {
        match r {
            Ok(b) => {
                self.coordinator = Some(b);
                let (group, consumer) = self.emit_group();
                ctx.emit(Event::CoordinatorFound {
                    group,
                    consumer,
                    broker: b,
                });
                self.step(ctx);
            }
            Err(_) => {
                self.cursor += 1;
                self.arm_retry(ctx);
            }
        }
    }

    /// The coordinator moved or died: forget it and rediscover; a join or sync in progress
    /// starts over.
    pub(crate) fn coordinator_unknown(&mut self, ctx: &mut Ctx) {
        self.coordinator = None;
        if matches!(
            self.state,
            MemberState::Joining
                | MemberState::Syncing
                | MemberState::CommittingBeforeJoin
                | MemberState::AwaitingMetadata
        ) {
            self.state = MemberState::Unjoined;
            self.needs_rejoin = true;
        }
        self.find_coordinator(ctx);
    }

    /// `onJoinPrepare`: commit what was consumed (auto-commit), then join.
    fn begin_join(&mut self, ctx: &mut Ctx) {
        self.needs_rejoin = false;
        let offsets = self.consumed_offsets();
        if self.config.enable_auto_commit && self.generation >= 0 && !offsets.is_empty() {
            self.state = MemberState::CommittingBeforeJoin;
            self.send_commit(CommitPurpose::BeforeJoin, offsets, ctx);
        } else {
            self.join_now(ctx);
        }
    }

    /// Revokes as the protocol says, then sends JoinGroup.
    pub(super) fn join_now(&mut self, ctx: &mut Ctx) {
        if self.protocol == RebalanceProtocol::Eager || self.generation < 0 {
            // Eager: give up everything. Cooperative members that lost their generation
            // lose their partitions too (`onPartitionsLost`).
            self.revoke(self.assignment.iter().cloned().collect(), ctx);
        }
        self.send_join(ctx);
    }

    fn send_join(&mut self, ctx: &mut Ctx) {
        let Some(coordinator) = self.coordinator else {
            self.state = MemberState::Unjoined;
            self.needs_rejoin = true;
            self.find_coordinator(ctx);
            return;
        };
        self.state = MemberState::Joining;
        let owned: Vec<TopicPartition> = self.assignment.iter().cloned().collect();
        let protocols = self
            .config
            .assignors
            .iter()
            .map(|k| {
                let sub = Subscription {
                    topics: self.config.topics.clone(),
                    owned_partitions: owned.clone(),
                    generation: self.generation,
                    user_data: (*k == AssignorKind::Sticky)
                        .then(|| self.sticky_memory.clone())
                        .flatten(),
                };
                (*k, sub)
            })
            .collect();
        let request = GroupRequest::JoinGroup {
            group: self.config.group.clone(),
            member_id: self.member_id.clone(),
            client_id: self.config.client_id.clone(),
            session_timeout_ms: SESSION_TIMEOUT_MS,
            rebalance_timeout_ms: MAX_POLL_INTERVAL_MS,
            protocols,
        };
        self.group_request(coordinator, request, Req::Join, ctx);
    }

    /// Gives partitions up: positions and buffered records go; the application is told.
    pub(super) fn revoke(&mut self, partitions: Vec<TopicPartition>, ctx: &mut Ctx) {
        if partitions.is_empty() {
            return;
        }
        for tp in &partitions {
            self.drop_partition(tp);
        }
        let (group, consumer) = self.emit_group();
        ctx.emit(Event::PartitionsRevoked {
            group,
            consumer,
            partitions,
        });
    }

    pub(super) fn drop_partition(&mut self, tp: &TopicPartition) {
        self.assignment.remove(tp);
        self.positions.remove(tp);
        self.looking_up.remove(tp);
        self.failed.remove(tp);
        if self.buffered.remove(tp).is_some() {
            self.buffer.retain(|(t, _, _)| t != tp);
        }
    }

    pub(super) fn on_join(
        &mut self,
        r: Result<JoinResponse, (ErrorKind, Arc<str>)>,
        ctx: &mut Ctx,
    ) {
        if self.state != MemberState::Joining {
            return;
        }
        match r {
            Ok(resp) => {
                self.member_id = resp.member_id.clone();
                self.generation = resp.generation;
                if resp.leader == resp.member_id {
                    self.assign_as_leader(resp, ctx);
                } else {
                    self.send_sync(Vec::new(), ctx);
                }
            }
            Err((ErrorKind::MemberIdRequiredException, id)) => {
                self.member_id = id;
                self.send_join(ctx);
            }
            Err((ErrorKind::UnknownMemberIdException, _)) => {
                self.member_id = Arc::from("");
                self.generation = -1;
                self.join_now(ctx);
            }
            Err((ErrorKind::IllegalGenerationException, _)) => {
                self.generation = -1;
                self.join_now(ctx);
            }
            Err((ErrorKind::RebalanceInProgressException, _)) => self.send_join(ctx),
            Err((
                ErrorKind::NotCoordinatorException | ErrorKind::CoordinatorNotAvailableException,
                _,
            )) => {
                self.coordinator_unknown(ctx);
            }
            Err((kind, _)) => self.fail(kind, kind.default_message().to_string(), ctx),
        }
    }

    /// An error the application sees from `poll()`: the consumer stops.
    pub(crate) fn fail(&mut self, kind: ErrorKind, message: String, ctx: &mut Ctx) {
        let (group, consumer) = self.emit_group();
        ctx.emit(Event::ConsumerError {
            group,
            consumer,
            error: crate::error::KafkaError::new(kind, message),
        });
        self.state = MemberState::Closed;
        self.clear_all();
    }

    /// The leader runs the chosen assignor over everybody's subscriptions, once it has the
    /// partition counts of every subscribed topic.
    fn assign_as_leader(&mut self, resp: JoinResponse, ctx: &mut Ctx) {
        let topics: SortedSet<Arc<str>> = SortedSet::from_iter(
            resp.members
                .iter()
                .flat_map(|(_, s)| s.topics.iter().cloned()),
        );
        if topics.iter().all(|t| self.leaders.contains_key(t)) {
            self.finish_assignment(resp, ctx);
        } else {
            self.metadata_topics.extend(topics);
            self.pending_join = Some(resp);
            self.state = MemberState::AwaitingMetadata;
            self.metadata_in_flight = false;
            self.request_metadata(ctx);
        }
    }

    pub(super) fn finish_assignment(&mut self, resp: JoinResponse, ctx: &mut Ctx) {
        let mut counts: SortedMap<Arc<str>, u32> = SortedMap::new();
        for (_, s) in &resp.members {
            for t in &s.topics {
                if let Some(l) = self.leaders.get(t) {
                    counts.insert(t.clone(), l.len() as u32);
                }
            }
        }
        let result = assignor::run(resp.protocol, &counts, &resp.members);
        self.assignment_snapshot = Some(counts);
        let assignments = result
            .into_iter()
            .map(|(m, mut parts)| {
                crate::sorting::sort(&mut parts);
                (m, parts)
            })
            .collect();
        self.send_sync(assignments, ctx);
    }

    fn send_sync(&mut self, assignments: Vec<(Arc<str>, Vec<TopicPartition>)>, ctx: &mut Ctx) {
        let Some(coordinator) = self.coordinator else {
            self.coordinator_unknown(ctx);
            return;
        };
        self.state = MemberState::Syncing;
        let request = GroupRequest::SyncGroup {
            group: self.config.group.clone(),
            generation: self.generation,
            member_id: self.member_id.clone(),
            assignments,
        };
        self.group_request(coordinator, request, Req::Sync, ctx);
        self.arm_heartbeat(ctx);
    }

    pub(super) fn on_sync(&mut self, r: Result<Vec<TopicPartition>, ErrorKind>, ctx: &mut Ctx) {
        if self.state != MemberState::Syncing {
            return;
        }
        match r {
            Ok(parts) => self.on_assigned(parts, ctx),
            Err(e) => {
                self.state = MemberState::Unjoined;
                self.needs_rejoin = true;
                match e {
                    ErrorKind::UnknownMemberIdException => {
                        self.member_id = Arc::from("");
                        self.generation = -1;
                    }
                    ErrorKind::IllegalGenerationException => self.generation = -1,
                    ErrorKind::NotCoordinatorException
                    | ErrorKind::CoordinatorNotAvailableException => self.coordinator_unknown(ctx),
                    _ => {}
                }
                self.step(ctx);
            }
        }
    }

    /// `onJoinComplete`: take the new assignment; a cooperative member revokes what moved
    /// and rejoins at once so the partitions can go to their new owners.
    fn on_assigned(&mut self, parts: Vec<TopicPartition>, ctx: &mut Ctx) {
        let new: SortedSet<TopicPartition> = SortedSet::from_iter(parts.iter().cloned());
        let revoked: Vec<TopicPartition> = self.assignment.difference(&new).cloned().collect();
        let added: Vec<TopicPartition> = new.difference(&self.assignment).cloned().collect();
        self.revoke(revoked.clone(), ctx);
        self.assignment = new;
        self.sticky_memory = Some(StickyUserData {
            partitions: parts,
            generation: self.generation,
        });
        self.state = MemberState::Stable;
        self.stats.assignments += 1;
        let (group, consumer) = self.emit_group();
        ctx.emit(Event::PartitionsAssigned {
            group,
            consumer,
            generation: self.generation,
            assigned: self.assignment.iter().cloned().collect(),
            added,
            revoked: revoked.clone(),
        });
        self.arm_auto_commit(ctx);
        if self.protocol == RebalanceProtocol::Cooperative && !revoked.is_empty() {
            self.needs_rejoin = true;
        }
        self.step(ctx);
        self.schedule_poll(ctx);
    }

    // ----- heartbeats ---------------------------------------------------------------------

    pub(super) fn arm_heartbeat(&mut self, ctx: &mut Ctx) {
        if !self.heartbeat_armed {
            self.heartbeat_armed = true;
            self.timer(
                ctx,
                ctx.now + HEARTBEAT_INTERVAL_MS,
                ConsumerTimer::Heartbeat,
            );
        }
    }

    pub(super) fn on_heartbeat_timer(&mut self, ctx: &mut Ctx) {
        self.heartbeat_armed = false;
        if !matches!(self.state, MemberState::Syncing | MemberState::Stable) {
            return;
        }
        if let (Some(c), false) = (self.coordinator, self.heartbeat_in_flight) {
            self.heartbeat_in_flight = true;
            let request = GroupRequest::Heartbeat {
                group: self.config.group.clone(),
                generation: self.generation,
                member_id: self.member_id.clone(),
            };
            self.group_request(c, request, Req::Heartbeat, ctx);
        }
        self.arm_heartbeat(ctx);
    }

    pub(super) fn on_heartbeat(&mut self, r: Result<(), ErrorKind>, ctx: &mut Ctx) {
        self.heartbeat_in_flight = false;
        let Err(e) = r else {
            return;
        };
        match e {
            ErrorKind::RebalanceInProgressException if self.state == MemberState::Stable => {
                self.needs_rejoin = true;
            }
            ErrorKind::UnknownMemberIdException | ErrorKind::IllegalGenerationException => {
                if e == ErrorKind::UnknownMemberIdException {
                    self.member_id = Arc::from("");
                }
                self.generation = -1;
                if matches!(self.state, MemberState::Stable | MemberState::Syncing) {
                    self.state = MemberState::Unjoined;
                }
                self.needs_rejoin = true;
            }
            ErrorKind::NotCoordinatorException | ErrorKind::CoordinatorNotAvailableException => {
                self.coordinator_unknown(ctx)
            }
            _ => {}
        }
        self.step(ctx);
    }

    // ----- leaving ------------------------------------------------------------------------

    /// LeaveGroup (best effort), then the consumer is closed.
    pub(super) fn leave(&mut self, ctx: &mut Ctx) {
        if let (Some(c), false) = (self.coordinator, self.member_id.is_empty()) {
            let request = GroupRequest::LeaveGroup {
                group: self.config.group.clone(),
                member_id: self.member_id.clone(),
            };
            self.group_request(c, request, Req::Leave, ctx);
        }
        let (group, consumer) = self.emit_group();
        ctx.emit(Event::ConsumerLeft { group, consumer });
        self.state = MemberState::Closed;
        self.clear_all();
    }
}
