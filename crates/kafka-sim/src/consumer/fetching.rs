//! The data side of the consumer: metadata, positions (committed offset via OffsetFetch,
//! else `auto.offset.reset` via ListOffsets), FETCH from leaders (one request per leader at
//! a time, a partition is fetched again only once its buffered records were handed out),
//! `poll()` with `max.poll.records` and the processing rate, and offset commits. A
//! read_committed consumer reads below the last stable offset and skips aborted batches.

use super::METADATA_MAX_AGE_MS;
use super::{
    CommitPurpose, Consumer, ConsumerTimer, IsolationLevel, MemberState, OffsetReset, Req,
};
use crate::ctx::Ctx;
use crate::error::ErrorKind;
use crate::event::Event;
use crate::ids::{BrokerId, Epoch, Offset, TopicPartition};
use crate::log::is_aborted;
use crate::message::TopicMetadata;
use crate::message::{FetchPartition, FetchResult, GroupRequest, Message, OffsetSpec};
use crate::record::Chunk;
use crate::sorted::SortedMap;
use std::sync::Arc;

impl Consumer {
    // ----- commits ----------------------------------------------------------------------

    /// Positions of the assigned partitions (`subscriptions.allConsumed()`).
    pub(super) fn consumed_offsets(&self) -> Vec<(TopicPartition, Offset)> {
        self.assignment
            .iter()
            .filter_map(|tp| self.positions.get(tp).map(|o| (tp.clone(), *o)))
            .collect()
    }

    pub(super) fn send_commit(
        &mut self,
        purpose: CommitPurpose,
        offsets: Vec<(TopicPartition, Offset)>,
        ctx: &mut Ctx,
    ) {
        let Some(c) = self.coordinator else {
            self.after_commit(purpose, ctx);
            return;
        };
        let request = GroupRequest::OffsetCommit {
            group: self.config.group.clone(),
            generation: self.generation,
            member_id: self.member_id.clone(),
            offsets: offsets.clone(),
        };
        self.group_request(c, request, Req::Commit { purpose, offsets }, ctx);
    }

    pub(super) fn on_commit(
        &mut self,
        purpose: CommitPurpose,
        offsets: Vec<(TopicPartition, Offset)>,
        r: Result<(), ErrorKind>,
        ctx: &mut Ctx,
    ) {
        match r {
            Ok(()) => {
                self.stats.commits += 1;
                self.committed.extend(offsets);
            }
            Err(ErrorKind::NotCoordinatorException)
            | Err(ErrorKind::CoordinatorNotAvailableException) => self.coordinator_unknown(ctx),
            Err(ErrorKind::RebalanceInProgressException)
            | Err(ErrorKind::IllegalGenerationException)
            | Err(ErrorKind::UnknownMemberIdException) => {
                if self.state == MemberState::Stable {
                    self.needs_rejoin = true;
                }
            }
            Err(_) => {}
        }
        self.after_commit(purpose, ctx);
        self.step(ctx);
    }

    pub(super) fn after_commit(&mut self, purpose: CommitPurpose, ctx: &mut Ctx) {
        match purpose {
            CommitPurpose::Auto => {}
            CommitPurpose::BeforeJoin => {
                if self.state == MemberState::CommittingBeforeJoin {
                    self.join_now(ctx);
                }
            }
            CommitPurpose::Close => {
                if self.state == MemberState::Leaving {
                    self.leave(ctx);
                }
            }
        }
    }

    pub(super) fn arm_auto_commit(&mut self, ctx: &mut Ctx) {
        if self.config.enable_auto_commit && !self.auto_commit_armed {
            self.auto_commit_armed = true;
            self.timer(
                ctx,
                ctx.now + self.config.auto_commit_interval_ms,
                ConsumerTimer::AutoCommit,
            );
        }
    }

    // ----- positions --------------------------------------------------------------------

    /// Looks up positions of assigned partitions that have none: the committed offset first.
    pub(super) fn ensure_positions(&mut self, ctx: &mut Ctx) {
        let Some(c) = self.coordinator else {
            return;
        };
        let missing: Vec<TopicPartition> = self
            .assignment
            .iter()
            .filter(|tp| {
                !self.positions.contains_key(*tp)
                    && !self.looking_up.contains(*tp)
                    && !self.failed.contains(*tp)
            })
            .cloned()
            .collect();
        if missing.is_empty() {
            return;
        }
        self.looking_up.extend(missing.iter().cloned());
        let request = GroupRequest::OffsetFetch {
            group: self.config.group.clone(),
            partitions: missing,
        };
        self.group_request(c, request, Req::OffsetFetch, ctx);
    }

    fn set_position(&mut self, tp: TopicPartition, offset: Offset, source: &str, ctx: &mut Ctx) {
        self.looking_up.remove(&tp);
        if !self.assignment.contains(&tp) || self.positions.contains_key(&tp) {
            return;
        }
        self.positions.insert(tp.clone(), offset);
        let (group, consumer) = self.emit_group();
        ctx.emit(Event::FetchPositionSet {
            group,
            consumer,
            tp,
            offset,
            source: Arc::from(source),
        });
    }

    pub(super) fn on_offset_fetch(
        &mut self,
        r: Result<Vec<(TopicPartition, Option<Offset>)>, ErrorKind>,
        ctx: &mut Ctx,
    ) {
        match r {
            Ok(list) => {
                let mut reset = Vec::new();
                for (tp, o) in list {
                    match o {
                        Some(o) => self.set_position(tp, o, "committed", ctx),
                        None => reset.push(tp),
                    }
                }
                self.reset_positions(reset, ctx);
            }
            Err(_) => {
                self.looking_up.clear();
                self.coordinator_unknown(ctx);
            }
        }
        self.step(ctx);
    }

    /// `auto.offset.reset` for partitions without a committed (or a valid) offset.
    pub(super) fn reset_positions(&mut self, partitions: Vec<TopicPartition>, ctx: &mut Ctx) {
        if partitions.is_empty() {
            return;
        }
        let spec = match self.config.auto_offset_reset {
            OffsetReset::Earliest => OffsetSpec::Earliest,
            OffsetReset::Latest if self.read_committed() => OffsetSpec::LastStable,
            OffsetReset::Latest => OffsetSpec::Latest,
            OffsetReset::None => {
                let names: Vec<String> = partitions.iter().map(|t| t.to_string()).collect();
                for tp in &partitions {
                    self.looking_up.remove(tp);
                    self.failed.insert(tp.clone());
                }
                self.fail(
                    ErrorKind::NoOffsetForPartitionException,
                    format!(
                        "Undefined offset with no reset policy for partitions: [{}]",
                        names.join(", ")
                    ),
                    ctx,
                );
                return;
            }
        };
        let mut per: SortedMap<BrokerId, Vec<(TopicPartition, OffsetSpec)>> = SortedMap::new();
        for tp in partitions {
            match self.leader_of(&tp) {
                Some(b) => {
                    self.looking_up.insert(tp.clone());
                    per.entry(b).or_default().push((tp, spec));
                }
                None => {
                    self.looking_up.remove(&tp);
                    self.request_metadata(ctx);
                }
            }
        }
        for (b, partitions) in per {
            let message = Message::ListOffsets {
                request_id: ctx.id(),
                partitions: partitions.clone(),
            };
            self.request(b, message, Req::ListOffsets { partitions }, ctx);
        }
    }

    pub(super) fn on_list_offsets(
        &mut self,
        req: Req,
        partitions: Vec<(TopicPartition, Result<Offset, ErrorKind>)>,
        ctx: &mut Ctx,
    ) {
        let Req::ListOffsets { partitions: asked } = req else {
            return;
        };
        for (tp, r) in partitions {
            match r {
                Ok(o) => {
                    let source = match asked.iter().find(|(t, _)| *t == tp) {
                        Some((_, OffsetSpec::Earliest)) => "earliest",
                        _ => "latest",
                    };
                    self.set_position(tp, o, source, ctx);
                }
                Err(_) => {
                    self.looking_up.remove(&tp);
                    self.request_metadata(ctx);
                }
            }
        }
        self.step(ctx);
    }

    // ----- metadata ---------------------------------------------------------------------

    /// The metadata names another topic id for `topic`: it was deleted and created again. Its
    /// positions and fetched records are the old topic's, so they go, and the assigned
    /// partitions start again by `auto.offset.reset`. (Kafka's consumer takes the new leader
    /// epoch when the topic id changes, KAFKA-12257, and the position's validation then finds
    /// no such epoch, or a log that ends before it, and resets: simplified here to the reset.)
    fn topic_recreated(&mut self, topic: &str, ctx: &mut Ctx) {
        let old = |tp: &TopicPartition| &*tp.topic == topic;
        self.positions.retain(|tp, _| !old(tp));
        self.committed.retain(|tp, _| !old(tp));
        self.buffer.retain(|(tp, _, _)| !old(tp));
        self.buffered.retain(|tp, _| !old(tp));
        self.looking_up.retain(|tp| !old(tp));
        let assigned: Vec<TopicPartition> = self
            .assignment
            .iter()
            .filter(|tp| old(tp))
            .cloned()
            .collect();
        self.reset_positions(assigned, ctx);
    }

    pub(super) fn leader_of(&self, tp: &TopicPartition) -> Option<BrokerId> {
        self.leaders
            .get(&tp.topic)?
            .get(tp.partition.0 as usize)
            .copied()
            .flatten()
    }

    pub(super) fn request_metadata(&mut self, ctx: &mut Ctx) {
        if self.metadata_in_flight || self.bootstrap.is_empty() || !self.state.active() {
            return;
        }
        self.metadata_in_flight = true;
        let to = self.bootstrap[self.cursor % self.bootstrap.len()];
        let message = Message::MetadataRequest {
            request_id: ctx.id(),
            topics: self.metadata_topics.iter().cloned().collect(),
        };
        self.request(to, message, Req::Metadata, ctx);
    }

    pub(super) fn on_metadata(
        &mut self,
        brokers: Vec<BrokerId>,
        topics: Vec<TopicMetadata>,
        ctx: &mut Ctx,
    ) {
        self.metadata_in_flight = false;
        self.metadata_refreshes += 1;
        let refresh = self.metadata_refreshes;
        self.timer(
            ctx,
            ctx.now + METADATA_MAX_AGE_MS,
            ConsumerTimer::MetadataMaxAge { refresh },
        );
        if !brokers.is_empty() {
            let current = self.bootstrap[self.cursor % self.bootstrap.len()];
            self.bootstrap = brokers;
            self.cursor = self
                .bootstrap
                .iter()
                .position(|b| *b == current)
                .unwrap_or(0);
        }
        let mut recreated = Vec::new();
        for t in topics {
            if t.error.is_none() {
                let known = self.topic_ids.insert(t.topic.clone(), t.topic_id);
                if known.is_some_and(|id| Some(&id) != self.topic_ids.get(&t.topic)) {
                    recreated.push(t.topic.clone());
                }
                self.leaders.insert(t.topic, t.leaders);
            }
        }
        for topic in recreated {
            self.topic_recreated(&topic, ctx);
        }
        // The leader rebalances when a subscribed topic's partition count changed.
        if let Some(snapshot) = &self.assignment_snapshot {
            let changed = snapshot
                .iter()
                .any(|(t, n)| self.leaders.get(t).is_some_and(|l| l.len() as u32 != *n));
            if changed && self.state == MemberState::Stable {
                self.assignment_snapshot = None;
                self.needs_rejoin = true;
            }
        }
        if self.state == MemberState::AwaitingMetadata {
            if let Some(resp) = self.pending_join.take() {
                self.finish_assignment(resp, ctx);
            }
        }
        let unknown = self
            .config
            .topics
            .iter()
            .any(|t| !self.leaders.contains_key(t));
        if unknown {
            self.arm_retry(ctx);
        }
        self.step(ctx);
    }

    // ----- fetching ---------------------------------------------------------------------

    /// Sends a FETCH to every leader that has fetchable partitions and none in flight.
    pub(super) fn maybe_fetch(&mut self, ctx: &mut Ctx) {
        if !self.state.active() {
            return;
        }
        let mut per: SortedMap<BrokerId, Vec<FetchPartition>> = SortedMap::new();
        let mut need_metadata = false;
        for tp in &self.assignment {
            let Some(pos) = self.positions.get(tp) else {
                continue;
            };
            if self.buffered.contains_key(tp) {
                continue;
            }
            match self.leader_of(tp) {
                None => need_metadata = true,
                Some(b) if self.fetching.contains(&b) => {}
                Some(b) => per.entry(b).or_default().push(FetchPartition {
                    tp: tp.clone(),
                    fetch_offset: *pos,
                    last_fetched_epoch: None,
                    current_leader_epoch: Epoch(0),
                }),
            }
        }
        if need_metadata {
            self.request_metadata(ctx);
        }
        for (b, partitions) in per {
            let offsets = partitions
                .iter()
                .map(|p| (p.tp.clone(), p.fetch_offset))
                .collect();
            self.fetching.insert(b);
            self.stats.fetches += 1;
            let message = Message::Fetch {
                request_id: ctx.id(),
                partitions,
                read_committed: self.read_committed(),
            };
            self.request(b, message, Req::Fetch { broker: b, offsets }, ctx);
        }
    }

    pub(super) fn on_fetch_response(
        &mut self,
        req: Req,
        partitions: Vec<(TopicPartition, FetchResult)>,
        ctx: &mut Ctx,
    ) {
        let Req::Fetch { broker, offsets } = req else {
            return;
        };
        self.fetching.remove(&broker);
        let mut need_metadata = false;
        let mut out_of_range = Vec::new();
        for ((tp, result), (_, asked)) in partitions.into_iter().zip(offsets) {
            if self.positions.get(&tp) != Some(&asked) || !self.assignment.contains(&tp) {
                continue;
            }
            match result {
                FetchResult::Records {
                    chunks,
                    log_start_offset,
                    aborted,
                    ..
                } => {
                    for mut c in chunks {
                        if is_aborted(&c, &aborted) {
                            // `CompletedFetch.nextFetchedRecord`: an aborted transaction's
                            // batch is skipped, its offsets passed over.
                            c = c.without_records();
                        }
                        // Record-less (compacted) ranges too: the position moves past them.
                        if c.span() > 0 {
                            *self.buffered.entry(tp.clone()).or_default() += 1;
                            self.buffer.push_back((tp.clone(), c, log_start_offset));
                        }
                    }
                }
                FetchResult::Error(ErrorKind::OffsetOutOfRangeException) => {
                    self.positions.remove(&tp);
                    out_of_range.push((tp, asked));
                }
                _ => need_metadata = true,
            }
        }
        if need_metadata {
            self.request_metadata(ctx);
        }
        if let Some((tp, offset)) = out_of_range
            .first()
            .filter(|_| self.config.auto_offset_reset == OffsetReset::None)
        {
            // `FetchCollector.handleInitializeErrors`: no reset policy, the application
            // gets the error (here: the consumer stops).
            let leader = self.leader_of(tp).map_or(-1, |b| i64::from(b.0));
            let message = format!(
                "Fetch position FetchPosition{{offset={}, offsetEpoch=Optional.empty, \
                 currentLeader=LeaderAndEpoch{{leader=Optional[{leader}], epoch=absent}}}} \
                 is out of range for partition {tp}",
                offset.0
            );
            self.fail(ErrorKind::OffsetOutOfRangeException, message, ctx);
            return;
        }
        // Out of range (below the log start after retention, or beyond the log end after an
        // unclean election): reset by `auto.offset.reset`.
        self.reset_positions(out_of_range.into_iter().map(|(tp, _)| tp).collect(), ctx);
        self.schedule_poll(ctx);
        self.maybe_fetch(ctx);
    }

    fn read_committed(&self) -> bool {
        self.config.isolation_level == IsolationLevel::ReadCommitted
    }

    // ----- poll -------------------------------------------------------------------------

    pub(super) fn schedule_poll(&mut self, ctx: &mut Ctx) {
        if self.poll_armed || !self.state.active() {
            return;
        }
        if self.buffer.is_empty() && !self.auto_commit_due {
            return;
        }
        self.poll_armed = true;
        let at = ctx.now.max(self.busy_until);
        self.timer(ctx, at, ConsumerTimer::Poll);
    }

    /// One `poll()`: the auto-commit if due (of records already processed), then up to
    /// `max.poll.records` records to the application, which is then busy for
    /// `count / process_rate_per_s`.
    pub(super) fn poll(&mut self, ctx: &mut Ctx) {
        self.poll_armed = false;
        if ctx.now < self.busy_until {
            self.schedule_poll(ctx);
            return;
        }
        if self.auto_commit_due {
            // Mid-rebalance the commit is skipped: the rejoin commits anyway.
            self.auto_commit_due = false;
            let offsets = self.consumed_offsets();
            if self.state == MemberState::Stable && !offsets.is_empty() {
                self.send_commit(CommitPurpose::Auto, offsets, ctx);
            }
        }
        // Inside `onJoinPrepare` an eager member hands nothing out between its last commit
        // and the revocation, so nothing consumed goes uncommitted.
        if !self.state.active()
            || (self.state == MemberState::CommittingBeforeJoin
                && self.protocol == crate::assignor::RebalanceProtocol::Eager)
        {
            return;
        }
        let max = self.config.max_poll_records.max(1);
        let mut n: u32 = 0;
        // Per partition: the served log start and the pieces handed out.
        let mut pieces: SortedMap<TopicPartition, (Offset, Vec<Chunk>)> = SortedMap::new();
        while n < max {
            let Some((tp, chunk, log_start)) = self.buffer.pop_front() else {
                break;
            };
            let left = self.buffered.get_mut(&tp).map(|c| {
                *c -= 1;
                *c
            });
            if left == Some(0) {
                self.buffered.remove(&tp);
            }
            let Some(pos) = self.positions.get(&tp).copied() else {
                continue;
            };
            if chunk.end_offset() <= pos || chunk.base_offset() > pos {
                continue;
            }
            // At most the records still allowed; a compacted chunk may hold fewer records
            // than offsets, and the position moves past its gaps.
            let (piece, rest) = chunk.take_records(pos, max - n);
            if let Some(rest) = rest {
                *self.buffered.entry(tp.clone()).or_default() += 1;
                self.buffer.push_front((tp.clone(), rest, log_start));
            }
            self.positions.insert(tp.clone(), piece.end_offset());
            let take = piece.len();
            if take > 0 {
                n += take;
                let (start, chunks) = pieces.entry(tp).or_insert((log_start, Vec::new()));
                *start = (*start).min(log_start);
                chunks.push(piece);
            }
        }
        self.stats.polls += 1;
        if n > 0 {
            self.stats.records_delivered += u64::from(n);
            let (group, consumer) = self.emit_group();
            for (tp, (log_start_offset, records)) in pieces {
                let count = records.iter().map(|c| c.len()).sum();
                let base_offset = records
                    .iter()
                    .find_map(|c| c.records().next())
                    .map_or(records[0].base_offset(), |r| r.offset);
                ctx.emit(Event::RecordsDelivered {
                    group: group.clone(),
                    consumer: consumer.clone(),
                    tp,
                    base_offset,
                    count,
                    records,
                    log_start_offset,
                });
            }
            if let Some(rate) = self.config.process_rate_per_s.filter(|r| *r > 0) {
                self.busy_until = ctx.now + (u64::from(n) * 1000).div_ceil(rate);
            }
        }
        self.schedule_poll(ctx);
        self.maybe_fetch(ctx);
    }
}
