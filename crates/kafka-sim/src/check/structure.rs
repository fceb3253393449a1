//! Cheap structural invariants, checked on every partition after every step: the controller's
//! registration (leader in ISR, ISR within replicas, epochs never going down) and every
//! replica on every broker (log start <= HW <= LEO, the log start never going back, a
//! leader's HW never going down within its tenure, one leader per epoch whether the controller
//! or a broker's own, possibly stale, view says so).

use super::{Invariant, Violation};
use crate::broker::Broker;
use crate::engine::Engine;
use crate::ids::{BrokerId, Epoch, Offset, SimTime, TopicPartition};
use crate::replica::{Replica, Role};
use crate::sorted::SortedMap;

/// A leader's tenure: one broker process leading in one epoch.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Tenure {
    incarnation: u32,
    epoch: Epoch,
    hw: Offset,
}

#[derive(Clone, Debug, Default)]
pub(super) struct State {
    /// Per partition: the leader seen in each epoch (controller or broker view).
    leaders: SortedMap<TopicPartition, SortedMap<Epoch, BrokerId>>,
    /// Per partition: the controller's last (leader epoch, partition epoch).
    epochs: SortedMap<TopicPartition, (Epoch, u32)>,
    /// Per partition and broker: the current leader tenure and its HW.
    tenures: SortedMap<(TopicPartition, BrokerId), Tenure>,
    /// Per partition and broker: the log start offset last seen.
    log_starts: SortedMap<(TopicPartition, BrokerId), Offset>,
    /// The metadata image version last checked, and checks since then.
    image_version: Option<u64>,
    unchanged_checks: u32,
}

fn violation(
    invariant: Invariant,
    at_ms: SimTime,
    tp: &TopicPartition,
    broker: Option<BrokerId>,
    detail: String,
) -> Violation {
    Violation {
        invariant,
        at_ms,
        tp: Some(tp.clone()),
        broker,
        detail,
    }
}

impl State {
    /// A deleted topic: a topic created later under its name starts at epoch 0 again.
    pub(super) fn forget_topic(&mut self, topic: &str) {
        self.leaders.retain(|tp, _| &*tp.topic != topic);
        self.epochs.retain(|tp, _| &*tp.topic != topic);
        self.tenures.retain(|(tp, _), _| &*tp.topic != topic);
        self.log_starts.retain(|(tp, _), _| &*tp.topic != topic);
        self.image_version = None;
    }

    /// Checks the controller's registrations when its metadata image changed (every change
    /// bumps the image version when it is published; the engine publishes in the same step).
    pub(super) fn check_registrations_if_changed(
        &mut self,
        e: &Engine,
        now: SimTime,
    ) -> Result<(), Violation> {
        let version = e.controller.image.version;
        // Every 64th check looks anyway, in case a change was made without a publish.
        if self.image_version == Some(version) && self.unchanged_checks < 63 {
            self.unchanged_checks += 1;
            return Ok(());
        }
        self.unchanged_checks = 0;
        self.check_registrations(e, now)?;
        self.image_version = Some(version);
        Ok(())
    }

    pub(super) fn check_registrations(
        &mut self,
        e: &Engine,
        now: SimTime,
    ) -> Result<(), Violation> {
        for t in e.controller.image.topics.values() {
            for (i, reg) in t.partitions.iter().enumerate() {
                let tp = TopicPartition::new(t.name.clone(), i as u32);
                let mut sorted = reg.isr.clone();
                sorted.sort();
                sorted.dedup();
                if reg.isr.is_empty()
                    || sorted.len() != reg.isr.len()
                    || reg.isr.iter().any(|b| !reg.replicas.contains(b))
                {
                    return Err(violation(
                        Invariant::IsrWellFormed,
                        now,
                        &tp,
                        None,
                        format!("ISR {:?} with replicas {:?}", reg.isr, reg.replicas),
                    ));
                }
                if let Some(l) = reg.leader {
                    if !reg.isr.contains(&l) || !reg.replicas.contains(&l) {
                        return Err(violation(
                            Invariant::LeaderInIsr,
                            now,
                            &tp,
                            Some(l),
                            format!(
                                "leader {l} in epoch {} is not in ISR {:?} (replicas {:?})",
                                reg.leader_epoch.0, reg.isr, reg.replicas
                            ),
                        ));
                    }
                    self.claim(&tp, reg.leader_epoch, l, "the controller", now)?;
                }
                let now_epochs = (reg.leader_epoch, reg.partition_epoch);
                if let Some(before) = self.epochs.insert(tp.clone(), now_epochs) {
                    if now_epochs.0 < before.0 || now_epochs.1 < before.1 {
                        return Err(violation(
                            Invariant::EpochMonotonic,
                            now,
                            &tp,
                            None,
                            format!(
                                "leader epoch/partition epoch went from {}/{} to {}/{}",
                                before.0 .0, before.1, now_epochs.0 .0, now_epochs.1
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks one replica (called for the replicas that changed since the last check).
    pub(super) fn check_replica(
        &mut self,
        b: &Broker,
        tp: &TopicPartition,
        r: &Replica,
        now: SimTime,
    ) -> Result<(), Violation> {
        let (start, hw, leo) = (
            r.log.log_start_offset(),
            r.high_watermark,
            r.log.log_end_offset(),
        );
        if hw > leo || start > hw {
            return Err(violation(
                Invariant::HwAtMostLeo,
                now,
                tp,
                Some(b.id),
                format!(
                    "log start {} / HW {} / LEO {} out of order",
                    start.0, hw.0, leo.0
                ),
            ));
        }
        let key = (tp.clone(), b.id);
        if let Some(before) = self.log_starts.insert(key.clone(), start) {
            if start < before {
                return Err(violation(
                    Invariant::LogStartMonotonic,
                    now,
                    tp,
                    Some(b.id),
                    format!("log start went back from {} to {}", before.0, start.0),
                ));
            }
        }
        let Role::Leader(state) = &r.role else {
            self.tenures.remove(&key);
            return Ok(());
        };
        self.claim(tp, state.epoch, b.id, "its own view", now)?;
        let tenure = Tenure {
            incarnation: b.incarnation,
            epoch: state.epoch,
            hw,
        };
        if let Some(before) = self.tenures.insert(key, tenure) {
            let same = before.incarnation == tenure.incarnation && before.epoch == tenure.epoch;
            if same && hw < before.hw {
                return Err(violation(
                    Invariant::LeaderHwMonotonic,
                    now,
                    tp,
                    Some(b.id),
                    format!(
                        "leader HW went from {} to {} in epoch {}",
                        before.hw.0, hw.0, state.epoch.0
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Records that `broker` leads `tp` in `epoch`; another broker in the same epoch is a
    /// split brain that epochs exist to rule out.
    fn claim(
        &mut self,
        tp: &TopicPartition,
        epoch: Epoch,
        broker: BrokerId,
        whose: &str,
        now: SimTime,
    ) -> Result<(), Violation> {
        let seen = self.leaders.entry(tp.clone()).or_default();
        match seen.get(&epoch) {
            Some(&other) if other != broker => Err(violation(
                Invariant::OneLeaderPerEpoch,
                now,
                tp,
                Some(broker),
                format!(
                    "broker {broker} leads epoch {} in {whose}, but broker {other} led that epoch",
                    epoch.0
                ),
            )),
            Some(_) => Ok(()),
            None => {
                seen.insert(epoch, broker);
                Ok(())
            }
        }
    }
}
