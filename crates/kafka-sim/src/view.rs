//! The read-only view a UI draws from: plain data about brokers, topics, partitions,
//! replicas, messages in flight and producers; groups and consumers in `view/groups.rs`;
//! the timeouts about to change something (deadlines) in `view/deadlines.rs`. Nothing here
//! can change the engine.

mod deadlines;
mod groups;
pub use deadlines::{follower_stall_ms, DeadlineKind, DeadlineView, MEMBER_HEARTBEAT_OVERDUE_MS};
pub use groups::{ConsumerView, GroupPartitionView, GroupView, MemberView};

use crate::engine::Engine;
use crate::error::KafkaError;
use crate::ids::{BrokerId, ClientId, Epoch, Offset, SimTime, TopicPartition};
use crate::message::{Acks, MessageKind};
use crate::network::{Envelope, NodeId};
use crate::producer::ProducerStats;
use crate::record::RecordView;
use crate::replica::Role;

/// One broker as the UI shows it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BrokerView {
    pub id: BrokerId,
    /// The process runs.
    pub alive: bool,
    /// Its links are cut (all, or those to the controller and the other brokers).
    pub isolated: bool,
    /// The controller fenced it (or never registered it).
    pub fenced: bool,
    /// Partitions it leads, in its own (possibly stale) view.
    pub leader_count: u32,
    pub replica_count: u32,
}

/// The controller as the UI shows it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ControllerView {
    pub metadata_version: u64,
    /// `(broker, broker_epoch, fenced, last heartbeat ms)`.
    pub registrations: Vec<(BrokerId, u64, bool, SimTime)>,
}

/// What a replica is for its partition, by one rule the whole UI shares (the controller's
/// registration joined with the broker processes), so no drawing computes it differently.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord, Hash)]
pub enum ReplicaRole {
    /// The controller registers this broker as the partition's leader.
    Leader,
    /// A follower in the ISR.
    InSync,
    /// A follower outside the ISR (lagging, or not caught up since it came back).
    OutOfSync,
    /// Its broker process is down, or the partition has no leader (`Leader: none`).
    Offline,
}

impl ReplicaRole {
    /// The role in words, as the UI writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplicaRole::Leader => "leader",
            ReplicaRole::InSync => "in-sync follower",
            ReplicaRole::OutOfSync => "out-of-sync follower",
            ReplicaRole::Offline => "offline",
        }
    }

    /// The rule: Offline if the broker is down or the partition leaderless; Leader if the
    /// controller's registered leader is this broker; InSync if in the ISR; else OutOfSync.
    fn of(broker: BrokerId, broker_alive: bool, leader: Option<BrokerId>, in_isr: bool) -> Self {
        if !broker_alive || leader.is_none() {
            ReplicaRole::Offline
        } else if leader == Some(broker) {
            ReplicaRole::Leader
        } else if in_isr {
            ReplicaRole::InSync
        } else {
            ReplicaRole::OutOfSync
        }
    }
}

/// One replica of a partition on one broker.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReplicaView {
    pub broker: BrokerId,
    pub log_start_offset: Offset,
    pub log_end_offset: Offset,
    pub high_watermark: Offset,
    /// Leads in the broker's own view (an isolated old leader may still think so).
    pub is_leader: bool,
    /// In the ISR as the controller records it.
    pub in_isr: bool,
    pub broker_alive: bool,
    /// Its role by the one rule of [`ReplicaRole`].
    pub role: ReplicaRole,
    /// The leader epochs this replica has seen, with their start offsets.
    pub epochs: Vec<(Epoch, Offset)>,
    /// Log segments (the last is the active one) and their total size, bytes.
    pub segments: u32,
    pub size_bytes: u64,
    /// The log cleaner's first dirty offset (compacted topics, once cleaned).
    pub clean_offset: Option<Offset>,
}

/// One partition: the controller's registration plus each replica's log state.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PartitionView {
    pub tp: TopicPartition,
    pub leader: Option<BrokerId>,
    /// The controller still registers `leader`, but its process is dead or its links are cut:
    /// no produce or fetch is served for the partition until the controller fences the
    /// broker (`broker.session.timeout.ms`) and elects another leader. The simulator knows
    /// this before the controller does.
    pub leader_down: bool,
    pub leader_epoch: Epoch,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    /// The HW of the current leader (what consumers may read up to); 0 when offline.
    pub high_watermark: Offset,
    /// The leader's last stable offset: the HW, or the first offset of a transaction still
    /// open below it (what read_committed consumers may read up to).
    pub last_stable_offset: Offset,
    pub replica_states: Vec<ReplicaView>,
    pub acked_records_lost: u64,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TopicView {
    pub name: String,
    pub topic_id: String,
    /// `Configs:` text (explicit configs).
    pub configs: String,
    pub min_insync_replicas: u32,
    pub unclean_leader_election_enable: bool,
    pub partitions: Vec<PartitionView>,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ProducerView {
    pub client: ClientId,
    pub name: String,
    pub acks: Acks,
    /// For continuous producers: topic, rate and whether it still runs.
    pub topic: Option<String>,
    pub rate_per_s: u64,
    pub running: bool,
    /// Counters; `stats.batches_failed` counts the batches that failed for good.
    pub stats: ProducerStats,
    /// The last failed send's error, in Kafka's words (exception and message), and when it
    /// failed (e.g. `NotEnoughReplicasException` while the ISR is below
    /// `min.insync.replicas`).
    pub last_error: Option<(SimTime, KafkaError)>,
    /// Records queued or in flight.
    pub pending_records: u64,
}

/// A message in flight, for animation: interpolate between `sent_at` and `deliver_at`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EnvelopeView {
    pub from: NodeId,
    pub to: NodeId,
    pub kind: MessageKind,
    pub sent_at: SimTime,
    pub deliver_at: SimTime,
    pub records: u64,
    /// The link is cut: this message will be lost.
    pub doomed: bool,
}

impl Engine {
    pub fn brokers_view(&self) -> Vec<BrokerView> {
        self.brokers
            .values()
            .map(|b| BrokerView {
                id: b.id,
                alive: b.alive,
                isolated: self.network.is_cut(b.id),
                fenced: !self.controller.image.is_unfenced(b.id),
                leader_count: b
                    .replicas
                    .values()
                    .filter(|r| r.leader_state().is_some())
                    .count() as u32,
                replica_count: b.replicas.len() as u32,
            })
            .collect()
    }

    pub fn controller_view(&self) -> ControllerView {
        ControllerView {
            metadata_version: self.controller.image.version,
            registrations: self
                .controller
                .registrations
                .iter()
                .map(|(b, r)| (*b, r.broker_epoch, r.fenced, r.last_heartbeat_ms))
                .collect(),
        }
    }

    pub fn topics_view(&self) -> Vec<TopicView> {
        self.topics_view_where(|_| true)
    }

    /// The views of the topics whose name passes `keep`, built only for those: a UI that hides
    /// internal topics (`__consumer_offsets`, 50 partitions) does not pay for them every frame.
    pub fn topics_view_where(&self, keep: impl Fn(&str) -> bool) -> Vec<TopicView> {
        self.controller
            .image
            .topics
            .values()
            .filter(|t| keep(&t.name))
            .map(|t| TopicView {
                name: t.name.to_string(),
                topic_id: t.topic_id.clone(),
                configs: t.config.describe(),
                min_insync_replicas: t.config.min_insync_replicas,
                unclean_leader_election_enable: t.config.unclean_leader_election_enable,
                partitions: (0..t.partitions.len() as u32)
                    .filter_map(|p| self.partition_view(&TopicPartition::new(t.name.clone(), p)))
                    .collect(),
            })
            .collect()
    }

    pub fn partition_view(&self, tp: &TopicPartition) -> Option<PartitionView> {
        let reg = self.controller.image.partition(tp)?;
        let replica_states = reg
            .replicas
            .iter()
            .map(|b| {
                let broker = self.brokers.get(b);
                let r = broker.and_then(|x| x.replicas.get(tp));
                let broker_alive = broker.is_some_and(|x| x.alive);
                let in_isr = reg.isr.contains(b);
                ReplicaView {
                    broker: *b,
                    log_start_offset: r.map_or(Offset(0), |r| r.log.log_start_offset()),
                    log_end_offset: r.map_or(Offset(0), |r| r.log.log_end_offset()),
                    high_watermark: r.map_or(Offset(0), |r| r.high_watermark),
                    is_leader: r.is_some_and(|r| matches!(r.role, Role::Leader(_))),
                    in_isr,
                    broker_alive,
                    role: ReplicaRole::of(*b, broker_alive, reg.leader, in_isr),
                    epochs: r.map_or(Vec::new(), |r| r.log.epoch_entries().to_vec()),
                    segments: r.map_or(0, |r| r.log.segment_count() as u32),
                    size_bytes: r.map_or(0, |r| r.log.size_bytes()),
                    clean_offset: r.and_then(|r| r.log.clean_offset()),
                }
            })
            .collect();
        Some(PartitionView {
            tp: tp.clone(),
            leader: reg.leader,
            leader_down: reg.leader.is_some_and(|l| !self.broker_serving(l)),
            leader_epoch: reg.leader_epoch,
            replicas: reg.replicas.clone(),
            isr: reg.isr.clone(),
            high_watermark: self.high_watermark(tp).unwrap_or(Offset(0)),
            last_stable_offset: self.last_stable_offset(tp).unwrap_or(Offset(0)),
            replica_states,
            acked_records_lost: self.lost_records().get(tp).copied().unwrap_or(0),
        })
    }

    /// Whether `broker`'s process runs and clients reach it, so it can answer requests.
    pub(crate) fn broker_serving(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).is_some_and(|b| b.alive)
            && !self.network.isolated.contains(&broker)
    }

    /// Whether `broker`'s process runs and reaches the controller and the other brokers.
    pub(crate) fn broker_in_cluster(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).is_some_and(|b| b.alive) && !self.network.is_cut(broker)
    }

    /// The HW of the partition's current leader (controller's view), if it has one.
    pub fn high_watermark(&self, tp: &TopicPartition) -> Option<Offset> {
        let leader = self.controller.image.partition(tp)?.leader?;
        Some(self.brokers.get(&leader)?.replicas.get(tp)?.high_watermark)
    }

    /// The last stable offset of the partition's current leader, if it has one.
    pub fn last_stable_offset(&self, tp: &TopicPartition) -> Option<Offset> {
        let leader = self.controller.image.partition(tp)?.leader?;
        let r = self.brokers.get(&leader)?.replicas.get(tp)?;
        Some(r.log.last_stable_offset(r.high_watermark))
    }

    /// Records of `tp` on `broker` in `[from, to)` (clamped to the log).
    pub fn replica_records(
        &self,
        broker: BrokerId,
        tp: &TopicPartition,
        from: Offset,
        to: Offset,
    ) -> Vec<RecordView<'_>> {
        match self.brokers.get(&broker).and_then(|b| b.replicas.get(tp)) {
            Some(r) => r.log.records(from, to).collect(),
            None => Vec::new(),
        }
    }

    /// Committed records (below the leader's HW) of a partition, from `from`, at most `max`.
    pub fn committed_records(
        &self,
        tp: &TopicPartition,
        from: Offset,
        max: usize,
    ) -> Vec<RecordView<'_>> {
        let Some(leader) = self.controller.image.partition(tp).and_then(|p| p.leader) else {
            return Vec::new();
        };
        let Some(r) = self.brokers.get(&leader).and_then(|b| b.replicas.get(tp)) else {
            return Vec::new();
        };
        r.log.records(from, r.high_watermark).take(max).collect()
    }

    /// What a read_committed reader gets of `tp` from the leader: the records below the last
    /// stable offset, aborted transactions' records left out.
    pub fn stable_records(&self, tp: &TopicPartition) -> Vec<RecordView<'_>> {
        let leader = self.controller.image.partition(tp).and_then(|p| p.leader);
        let Some(r) = leader.and_then(|l| self.brokers.get(&l)?.replicas.get(tp)) else {
            return Vec::new();
        };
        let log = &r.log;
        let lso = log.last_stable_offset(r.high_watermark);
        let aborted = log.producers().aborted_in(log.log_start_offset(), lso);
        log.chunks()
            .filter(|c| !crate::log::is_aborted(c, &aborted))
            .flat_map(|c| c.records())
            .filter(|v| v.offset >= log.log_start_offset() && v.offset < lso)
            .collect()
    }

    /// Messages in flight, oldest first.
    pub fn in_flight(&self) -> Vec<EnvelopeView> {
        self.network
            .in_flight
            .values()
            .map(|e| EnvelopeView {
                from: e.from,
                to: e.to,
                kind: e.message.kind(),
                sent_at: e.sent_at,
                deliver_at: e.deliver_at,
                records: e.message.record_count(),
                doomed: !self.network.connected(e.from, e.to),
            })
            .collect()
    }

    /// The raw envelopes in flight (with payloads).
    pub fn envelopes(&self) -> impl Iterator<Item = &Envelope> {
        self.network.in_flight.values()
    }

    pub fn producers_view(&self) -> Vec<ProducerView> {
        self.producers
            .values()
            .map(|p| ProducerView {
                client: p.id,
                name: p.name.to_string(),
                acks: p.acks,
                topic: p.continuous.as_ref().map(|c| c.topic.to_string()),
                rate_per_s: p.continuous.as_ref().map_or(0, |c| c.rate_per_s),
                running: p.continuous.as_ref().is_some_and(|c| c.running),
                stats: p.stats.clone(),
                last_error: p.last_error.clone(),
                pending_records: p.pending_records(),
            })
            .collect()
    }

    /// The topic's explicit config `name` (`kafka-configs --describe`), if it is set.
    pub fn topic_config_override(&self, topic: &str, name: &str) -> Option<&str> {
        let t = self.controller.image.topics.get(topic)?;
        t.config.overrides.get(name).map(String::as_str)
    }

    /// Total records written to leaders' logs plus replicated, per broker (for tests/UI).
    pub fn log_end_offsets(&self, tp: &TopicPartition) -> Vec<(BrokerId, Offset)> {
        self.brokers
            .values()
            .filter_map(|b| b.replicas.get(tp).map(|r| (b.id, r.log.log_end_offset())))
            .collect()
    }
}
