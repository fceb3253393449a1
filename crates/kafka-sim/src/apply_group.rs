//! Applying consumer commands: start, close and kill consumers, and
//! `kafka-consumer-groups --reset-offsets`, validated with Kafka's errors before any change.

use crate::apply::ctx;
use crate::assignor::DEFAULT_ASSIGNORS;
use crate::broker::offset_for;
use crate::command::{JoinGroupSpec, Outcome, ResetTarget};
use crate::consumer::{Consumer, ConsumerConfig, MAX_POLL_RECORDS};
use crate::ctx::{Ctx, Outbox};
use crate::engine::{Engine, MAX_RATE_PER_S};
use crate::error::{ErrorKind, KafkaError};
use crate::event::Event;
use crate::group::{GroupState, OFFSETS_TOPIC};
use crate::ids::{BrokerId, ClientId, Offset, TopicPartition};
use crate::message::OffsetSpec;
use crate::network::NodeId;
use std::sync::Arc;

fn err(kind: ErrorKind, msg: impl Into<String>) -> KafkaError {
    KafkaError::new(kind, msg)
}

impl Engine {
    /// A consumer starts (a new client) and joins `spec.group`.
    pub(crate) fn join_group(
        &mut self,
        spec: &JoinGroupSpec,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let config = validate_join(spec)?;
        self.start_consumer(config, out)
    }

    /// A consumer of `config` starts (a new client) and joins its group.
    pub(crate) fn start_consumer(
        &mut self,
        config: ConsumerConfig,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let key = (config.group.clone(), config.client_id.clone());
        if let Some(c) = self.consumer_names.get(&key) {
            if self.consumers[c].running() {
                return Err(err(
                    ErrorKind::IllegalStateException,
                    format!(
                        "Consumer '{}' is already running in group '{}'.",
                        config.client_id, config.group
                    ),
                ));
            }
        }
        let id = ClientId(self.next_client);
        self.next_client += 1;
        let bootstrap: Vec<BrokerId> = self.brokers.keys().copied().collect();
        let mut c = Consumer::new(id, config, bootstrap);
        c.start(&mut ctx!(self, out));
        self.consumers.insert(id, c);
        self.consumer_names.insert(key, id);
        Ok(Outcome::Done)
    }

    /// `close()`: commit (with auto-commit), then LeaveGroup.
    pub(crate) fn leave_group(
        &mut self,
        group: &str,
        consumer: &str,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let id = self.running_consumer(group, consumer)?;
        let mut ctx = ctx!(self, out);
        let c = self.consumers.get_mut(&id).expect("running");
        c.close(&mut ctx);
        Ok(Outcome::Done)
    }

    /// The process dies without leaving; the group notices after `session.timeout.ms`.
    pub(crate) fn kill_consumer(
        &mut self,
        group: &str,
        consumer: &str,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let id = self.running_consumer(group, consumer)?;
        let mut ctx = ctx!(self, out);
        let c = self.consumers.get_mut(&id).expect("running");
        c.kill(&mut ctx);
        Ok(Outcome::Done)
    }

    fn running_consumer(&self, group: &str, consumer: &str) -> Result<ClientId, KafkaError> {
        self.consumer_names
            .get(&(Arc::from(group), Arc::from(consumer)))
            .copied()
            .filter(|c| self.consumers[c].running())
            .ok_or_else(|| {
                err(
                    ErrorKind::IllegalStateException,
                    format!("No running consumer '{consumer}' in group '{group}'."),
                )
            })
    }

    /// The broker coordinating `group` now, if it is up and knows it leads the partition.
    pub(crate) fn coordinator_of(&self, group: &str) -> Option<BrokerId> {
        let t = self.controller.image.topics.get(OFFSETS_TOPIC)?;
        let p = crate::assignor::java::offsets_partition_for(group, t.partitions.len() as u32);
        let leader = t.partitions.get(p as usize)?.leader?;
        let b = self.brokers.get(&leader)?;
        (b.alive && b.coordinates(group)).then_some(leader)
    }

    pub(crate) fn reset_offsets(
        &mut self,
        group: &str,
        topic: &str,
        to: ResetTarget,
        out: &mut Outbox,
    ) -> Result<(), KafkaError> {
        let Some(t) = self.controller.image.topics.get(topic) else {
            return Err(KafkaError::of(ErrorKind::UnknownTopicOrPartitionException));
        };
        let partitions = t.partitions.len() as u32;
        let coordinator = self
            .coordinator_of(group)
            .ok_or_else(|| KafkaError::of(ErrorKind::CoordinatorNotAvailableException))?;
        let broker = &self.brokers[&coordinator];
        let existing = broker.groups.get(group);
        if let Some(g) = existing {
            if !matches!(g.state, GroupState::Empty | GroupState::Dead) {
                return Err(err(
                    ErrorKind::IllegalStateException,
                    format!(
                        "Assignments can only be reset if the group '{group}' is inactive, but the current state is {}.",
                        g.state.as_str()
                    ),
                ));
            }
        }
        let mut offsets = Vec::new();
        for p in 0..partitions {
            let tp = TopicPartition::new(t.name.clone(), p);
            let leader = self
                .controller
                .image
                .partition(&tp)
                .and_then(|r| r.leader)
                .and_then(|l| self.brokers.get(&l))
                .and_then(|b| b.replicas.get(&tp))
                .ok_or_else(|| KafkaError::of(ErrorKind::LeaderNotAvailableException))?;
            let (log, hw) = (&leader.log, leader.high_watermark);
            let earliest = log.log_start_offset();
            let clamp = |o: i64| Offset(o.clamp(earliest.0 as i64, hw.0 as i64) as u64);
            let offset = match to {
                ResetTarget::Earliest => earliest,
                ResetTarget::Latest => hw,
                ResetTarget::Offset(o) => clamp(o),
                ResetTarget::ShiftBy(s) => {
                    let current = existing.and_then(|g| g.offsets.get(&tp)).ok_or_else(|| {
                        err(
                            ErrorKind::IllegalArgumentException,
                            format!("Cannot shift offset for partition {tp} since there is no current committed offset"),
                        )
                    })?;
                    clamp((current.0 as i64).saturating_add(s))
                }
                ResetTarget::DatetimeMs(ms) => offset_for(log, hw, OffsetSpec::Timestamp(ms)),
            };
            offsets.push((tp, offset));
        }
        let mut ctx = Ctx {
            now: self.now,
            out,
            rng: &mut self.rng,
            next_id: &mut self.next_id,
        };
        ctx.emit(Event::OffsetsReset {
            group: Arc::from(group),
            offsets: offsets.clone(),
        });
        let request_id = ctx.id();
        let pending = crate::broker::PendingCommit {
            group: Arc::from(group),
            member: Arc::from(""),
            offsets,
            admin: true,
            refused_unknown: false,
        };
        self.brokers
            .get_mut(&coordinator)
            .expect("alive")
            .write_commit(NodeId::Controller, request_id, pending, &mut ctx);
        Ok(())
    }
}

pub(crate) fn validate_join(spec: &JoinGroupSpec) -> Result<ConsumerConfig, KafkaError> {
    if spec.group.is_empty() {
        return Err(err(
            ErrorKind::InvalidGroupIdException,
            "The configured groupId is invalid",
        ));
    }
    if spec.topics.is_empty() || spec.topics.iter().any(|t| t.trim().is_empty()) {
        return Err(err(
            ErrorKind::IllegalArgumentException,
            "Topic collection to subscribe to cannot contain null or empty topic",
        ));
    }
    if let Some(r) = spec.process_rate_per_s {
        if r == 0 || r > MAX_RATE_PER_S {
            return Err(err(
                ErrorKind::IllegalArgumentException,
                format!("process_rate_per_s must be between 1 and {MAX_RATE_PER_S}, got {r}."),
            ));
        }
    }
    let max_poll_records = spec.max_poll_records.unwrap_or(MAX_POLL_RECORDS);
    if max_poll_records == 0 {
        return Err(err(
            ErrorKind::ConfigException,
            "Invalid value 0 for configuration max.poll.records: Value must be at least 1",
        ));
    }
    let mut topics: Vec<Arc<str>> = spec.topics.iter().map(|t| Arc::from(t.as_str())).collect();
    crate::sorting::sort(&mut topics);
    topics.dedup();
    Ok(ConsumerConfig {
        group: Arc::from(spec.group.as_str()),
        client_id: Arc::from(spec.consumer.as_str()),
        topics,
        assignors: match spec.assignor {
            Some(a) => vec![a],
            None => DEFAULT_ASSIGNORS.to_vec(),
        },
        process_rate_per_s: spec.process_rate_per_s,
        auto_offset_reset: spec.auto_offset_reset,
        enable_auto_commit: spec.enable_auto_commit,
        auto_commit_interval_ms: crate::consumer::AUTO_COMMIT_INTERVAL_MS,
        max_poll_records,
        isolation_level: spec.isolation_level,
    })
}
