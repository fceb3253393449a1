//! Which replicas changed since the last check, so that a check costs what changed rather
//! than what exists (a cluster with consumer groups has 150 `__consumer_offsets` replicas that
//! mostly sit still). A replica's fingerprint covers everything the replica checks read
//! besides the log's contents: its process incarnation, LEO, HW, log start, epoch cache ends
//! and role. The end-of-run check ([`super::Checker::finish`]) looks at every replica anyway.
//!
//! A replica of a deleted topic that its broker still holds (the broker was cut off when the
//! topic went, and drops it when it next reads the metadata, by topic id) is not checked: the
//! checks follow the topic that has the name now, and forgot the deleted one's history at its
//! `TopicDeleted` event. Its broker's topic id for the name tells the two apart.

use crate::broker::Broker;
use crate::engine::Engine;
use crate::ids::{BrokerId, Epoch, Offset, TopicPartition};
use crate::replica::{Replica, Role};
use crate::sorted::SortedMap;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Fingerprint {
    incarnation: u32,
    leo: Offset,
    hw: Offset,
    log_start: Offset,
    epochs: usize,
    last_epoch: Option<(Epoch, Offset)>,
    /// `(leads, epoch)` of the replica's role.
    role: (bool, Epoch),
}

fn fingerprint(b: &Broker, r: &Replica) -> Fingerprint {
    let epochs = r.log.epoch_entries();
    Fingerprint {
        incarnation: b.incarnation,
        leo: r.log.log_end_offset(),
        hw: r.high_watermark,
        log_start: r.log.log_start_offset(),
        epochs: epochs.len(),
        last_epoch: epochs.last().copied(),
        role: match &r.role {
            Role::Leader(s) => (true, s.epoch),
            Role::Follower { epoch, .. } => (false, *epoch),
        },
    }
}

/// Whether `b`'s replica of `tp` belongs to the topic of that name the controller has now.
fn is_current(e: &Engine, b: &Broker, tp: &TopicPartition) -> bool {
    e.controller
        .image
        .topics
        .get(&tp.topic)
        .map(|t| &t.topic_id)
        == b.topic_ids.get(&tp.topic)
}

#[derive(Clone, Debug, Default)]
pub(super) struct Changes {
    /// Per broker, in the order of its replica map: each replica's last fingerprint.
    seen: SortedMap<BrokerId, Vec<(TopicPartition, Fingerprint)>>,
}

impl Changes {
    /// Calls `f` for every replica whose fingerprint changed (or that is new) since the last
    /// call, then remembers the new fingerprints.
    pub(super) fn for_each_changed<E>(
        &mut self,
        e: &Engine,
        mut f: impl FnMut(&Broker, &TopicPartition, &Replica) -> Result<(), E>,
    ) -> Result<(), E> {
        for b in e.brokers.values() {
            let mut f = |b: &Broker, tp: &TopicPartition, r: &Replica| {
                if is_current(e, b, tp) {
                    f(b, tp, r)
                } else {
                    Ok(())
                }
            };
            let seen = self.seen.entry(b.id).or_default();
            let aligned = seen.len() == b.replicas.len()
                && seen
                    .iter()
                    .zip(b.replicas.keys())
                    .all(|((a, _), k)| a.partition == k.partition && a.topic == k.topic);
            if aligned {
                for ((_, old), (tp, r)) in seen.iter_mut().zip(&b.replicas) {
                    let now = fingerprint(b, r);
                    if *old != now {
                        f(b, tp, r)?;
                        *old = now;
                    }
                }
                continue;
            }
            let before: SortedMap<TopicPartition, Fingerprint> = seen.drain(..).collect();
            for (tp, r) in &b.replicas {
                let now = fingerprint(b, r);
                if before.get(tp) != Some(&now) {
                    f(b, tp, r)?;
                }
                seen.push((tp.clone(), now));
            }
        }
        Ok(())
    }
}
