//! Leader elections the controller runs on request or on its own schedule, as KRaft's
//! `QuorumController` and `ReplicationControlManager` do:
//!
//! - `kafka-leader-election` (`electLeader`): per partition, `preferred` moves leadership to
//!   the first replica if it is in the ISR and unfenced, `unclean` gives a leaderless
//!   partition a leader, from the ISR if possible, else from any unfenced replica (whatever
//!   the topic's `unclean.leader.election.enable`). A partition that already has the desired
//!   leader answers ELECTION_NOT_NEEDED; one that cannot get it PREFERRED_LEADER_NOT_AVAILABLE
//!   or ELIGIBLE_LEADERS_NOT_AVAILABLE. The answer is one [`Event::LeaderElectionResult`],
//!   worded as the tool prints it.
//! - Periodic tasks, scheduled after any controller write that leaves work for them and run
//!   one interval later (`maybeScheduleNextBalancePartitionLeaders`,
//!   `maybeScheduleNextElectUncleanLeaders`): the preferred-leader rebalance
//!   `leader.imbalance.check.interval.seconds` after a partition's leader stopped being its
//!   first replica (`auto.leader.rebalance.enable=true`), and the unclean election of
//!   leaderless partitions of topics that allow it, `unclean.leader.election.interval.ms`
//!   after a partition lost its leader. Setting `unclean.leader.election.enable` itself
//!   elects nothing.

use super::{Controller, ControllerTimer};
use crate::ctx::{Ctx, Timer};
use crate::error::{ErrorKind, KafkaError};
use crate::event::{ElectionKind, Event};
use crate::ids::{BrokerId, Epoch, TopicPartition};
use crate::metadata::PartitionRegistration;

/// `leader.imbalance.check.interval.seconds` (300) in ms; `auto.leader.rebalance.enable=true`.
pub const LEADER_IMBALANCE_CHECK_INTERVAL_MS: u64 = 300_000;
/// `unclean.leader.election.interval.ms` (KRaft's periodic unclean election, 5 minutes).
pub const UNCLEAN_LEADER_ELECTION_INTERVAL_MS: u64 = 300_000;

/// What one partition's requested election came to (`ApiError` of `electLeader`).
enum Answer {
    Elected,
    NotNeeded,
    Failed(ErrorKind),
}

impl Controller {
    /// `kafka-leader-election --election-type preferred|unclean` for `partitions` (each must
    /// exist); `None` = every partition, whose ELECTION_NOT_NEEDED answers Kafka leaves out.
    pub fn elect_leaders(
        &mut self,
        partitions: Option<Vec<TopicPartition>>,
        election: ElectionKind,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let all = partitions.is_none();
        let todo = match partitions {
            Some(list) => {
                if let Some(tp) = list.iter().find(|tp| self.image.partition(tp).is_none()) {
                    return Err(KafkaError::new(
                        ErrorKind::UnknownTopicOrPartitionException,
                        format!("No such partition as {tp}"),
                    ));
                }
                list
            }
            None => self.partitions_where(|_, _| true),
        };
        let (mut succeeded, mut not_needed, mut failed) = (Vec::new(), Vec::new(), Vec::new());
        for tp in todo {
            match self.elect_one(&tp, election, ctx) {
                Answer::Elected => succeeded.push(tp),
                Answer::NotNeeded if all => {}
                Answer::NotNeeded => not_needed.push(tp),
                Answer::Failed(kind) => failed.push((tp, kind)),
            }
        }
        ctx.emit(Event::LeaderElectionResult {
            election,
            succeeded,
            not_needed,
            failed,
        });
        self.publish(ctx);
        Ok(())
    }

    /// `ReplicationControlManager.electLeader` for one partition.
    fn elect_one(&mut self, tp: &TopicPartition, election: ElectionKind, ctx: &mut Ctx) -> Answer {
        let reg = self.image.partition(tp).expect("checked").clone();
        if election == ElectionKind::Preferred {
            if reg.leader.is_some() && reg.leader == reg.replicas.first().copied() {
                return Answer::NotNeeded;
            }
            match preferred_move(&reg, |b| self.usable(b)) {
                Some(leader) => self.set_leader(tp, leader, ElectionKind::Preferred, ctx),
                None => return Answer::Failed(ErrorKind::PreferredLeaderNotAvailableException),
            }
        } else {
            if reg.leader.is_some() {
                return Answer::NotNeeded;
            }
            match self.choose_leader(&reg.replicas, &reg.isr, true) {
                Some((leader, kind)) => self.set_leader(tp, leader, kind, ctx),
                None => return Answer::Failed(ErrorKind::EligibleLeadersNotAvailableException),
            }
        }
        Answer::Elected
    }

    /// Makes `leader` lead `tp` with a new leader epoch; an unclean leader is the whole ISR.
    pub(super) fn set_leader(
        &mut self,
        tp: &TopicPartition,
        leader: BrokerId,
        kind: ElectionKind,
        ctx: &mut Ctx,
    ) {
        let p = self.image_mut().partition_mut(tp).expect("exists");
        p.leader = Some(leader);
        p.leader_epoch = Epoch(p.leader_epoch.0 + 1);
        p.partition_epoch += 1;
        if kind == ElectionKind::Unclean {
            p.isr = vec![leader];
        }
        let (epoch, isr) = (p.leader_epoch, p.isr.clone());
        ctx.emit(Event::LeaderElected {
            tp: tp.clone(),
            leader,
            epoch,
            isr,
            election: kind,
        });
    }

    /// The partitions, in topic and partition order, whose registration passes `keep`.
    pub(super) fn partitions_where(
        &self,
        keep: impl Fn(&PartitionRegistration, bool) -> bool,
    ) -> Vec<TopicPartition> {
        let mut out = Vec::new();
        for (name, t) in &self.image.topics {
            for (i, p) in t.partitions.iter().enumerate() {
                if keep(p, t.config.unclean_leader_election_enable) {
                    out.push(TopicPartition::new(name.clone(), i as u32));
                }
            }
        }
        out
    }

    fn any_partition(&self, pred: impl Fn(&PartitionRegistration) -> bool) -> bool {
        self.image
            .topics
            .values()
            .any(|t| t.partitions.iter().any(&pred))
    }

    /// After every controller write: schedules each periodic task that has work and is not
    /// scheduled yet, one interval from now (Kafka's `DEFERRED` schedule; the simulator
    /// elects every partition in one pass, so it never needs the `IMMEDIATELY` one).
    pub(super) fn schedule_periodic(&mut self, ctx: &mut Ctx) {
        if self.leader_rebalance_at.is_none()
            && self.any_partition(|p| p.leader.is_none() || p.leader != p.replicas.first().copied())
        {
            let at = ctx.now + LEADER_IMBALANCE_CHECK_INTERVAL_MS;
            self.leader_rebalance_at = Some(at);
            ctx.timer(at, Timer::Controller(ControllerTimer::LeaderRebalance));
        }
        if self.unclean_election_at.is_none() && self.any_partition(|p| p.leader.is_none()) {
            let at = ctx.now + UNCLEAN_LEADER_ELECTION_INTERVAL_MS;
            self.unclean_election_at = Some(at);
            ctx.timer(at, Timer::Controller(ControllerTimer::UncleanElection));
        }
    }

    /// `maybeBalancePartitionLeaders`: a preferred election for every imbalanced partition
    /// whose first replica can lead.
    pub(super) fn balance_partition_leaders(&mut self, ctx: &mut Ctx) {
        let moves: Vec<(TopicPartition, BrokerId)> = self
            .partitions_where(|_, _| true)
            .into_iter()
            .filter_map(|tp| {
                let reg = self.image.partition(&tp)?;
                preferred_move(reg, |b| self.usable(b)).map(|b| (tp, b))
            })
            .collect();
        for (tp, leader) in moves {
            self.set_leader(&tp, leader, ElectionKind::Preferred, ctx);
        }
    }

    /// Leaders for leaderless partitions: from the ISR, or from any unfenced replica where
    /// the topic allows unclean election (on unfence and in the periodic unclean task).
    pub(super) fn elect_offline(&mut self, ctx: &mut Ctx) {
        let todo = self.partitions_where(|p, _| p.leader.is_none());
        for tp in todo {
            let unclean = self
                .image
                .topics
                .get(&tp.topic)
                .is_some_and(|t| t.config.unclean_leader_election_enable);
            let reg = self.image.partition(&tp).expect("exists");
            if let Some((leader, kind)) = self.choose_leader(&reg.replicas, &reg.isr, unclean) {
                self.set_leader(&tp, leader, kind, ctx);
            }
        }
    }
}

/// The broker a preferred leader election moves `p`'s leadership to, if it moves: the first
/// replica, when it does not lead already, is in the ISR and `usable` (unfenced).
pub(crate) fn preferred_move(
    p: &PartitionRegistration,
    usable: impl Fn(BrokerId) -> bool,
) -> Option<BrokerId> {
    let preferred = *p.replicas.first()?;
    (p.leader != Some(preferred) && p.isr.contains(&preferred) && usable(preferred))
        .then_some(preferred)
}
