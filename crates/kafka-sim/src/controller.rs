//! The KRaft controller, modelled as one logical node (Raft itself is not simulated).
//!
//! It owns the authoritative [`MetadataImage`]: it registers brokers, fences those silent for
//! `broker.session.timeout.ms`, elects leaders (from the ISR, or unclean when the topic allows
//! it), bumps leader epochs, applies the leaders' ISR changes, and publishes every new image
//! to the brokers. Admin operations (create topic, add partitions, configs, preferred
//! election) are applied here synchronously so that Kafka's errors come back at once.

use crate::ctx::{Ctx, Timer};
use crate::error::ErrorKind;
use crate::event::{ElectionKind, Event};
use crate::ids::{BrokerId, Epoch, SimTime, TopicPartition};
use crate::message::Message;
use crate::metadata::{MetadataImage, PartitionRegistration};
use crate::network::NodeId;
use serde::{Deserialize, Serialize};

mod admin;
mod elections;
mod internal;
use crate::sorted::SortedMap;
pub use admin::NewTopic;
pub(crate) use elections::preferred_move;
pub use elections::{LEADER_IMBALANCE_CHECK_INTERVAL_MS, UNCLEAN_LEADER_ELECTION_INTERVAL_MS};
use std::sync::Arc;

/// `broker.session.timeout.ms`.
pub const BROKER_SESSION_TIMEOUT_MS: u64 = 9_000;
/// The simulator's cap on partitions per topic (Kafka has none; this bounds memory).
pub const MAX_PARTITIONS_PER_TOPIC: i32 = 10_000;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum ControllerTimer {
    SessionCheck { broker: BrokerId },
    LeaderRebalance,
    UncleanElection,
}

/// A broker's registration with the controller.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Registration {
    pub broker_epoch: u64,
    pub incarnation: u32,
    pub fenced: bool,
    pub last_heartbeat_ms: SimTime,
    /// Its controlled shutdown is done: this incarnation stays fenced, whatever heartbeat
    /// still arrives from it (`BrokerHeartbeatManager` keeps a broker that finished its
    /// controlled shutdown fenced until it registers again).
    #[serde(default)]
    pub shut_down: bool,
}

impl Registration {
    /// When the session ends without another heartbeat: the controller's session check set
    /// at the last heartbeat fires then and fences the broker.
    pub fn session_expires_at(&self) -> SimTime {
        self.last_heartbeat_ms + BROKER_SESSION_TIMEOUT_MS
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Controller {
    pub image: Arc<MetadataImage>,
    pub registrations: SortedMap<BrokerId, Registration>,
    next_broker_epoch: u64,
    dirty: bool,
    /// When the automatic preferred leader election runs next
    /// (`leader.imbalance.check.interval.seconds` after a partition became imbalanced);
    /// `None` while nothing is imbalanced.
    #[serde(default)]
    pub(crate) leader_rebalance_at: Option<SimTime>,
    /// When the periodic unclean election runs next (`unclean.leader.election.interval.ms`
    /// after a partition lost its leader); `None` while every partition has one.
    #[serde(default)]
    pub(crate) unclean_election_at: Option<SimTime>,
    /// The first producer id of the next block handed to a broker (`ProducerIdControlManager`).
    #[serde(default)]
    next_producer_id: u64,
}

/// `ProducerIdsBlock.PRODUCER_ID_BLOCK_SIZE`: ids a broker gets per `AllocateProducerIds`.
pub const PRODUCER_ID_BLOCK_SIZE: u64 = 1000;

impl Controller {
    /// A controller with `brokers` registered and unfenced, as a cluster that is already up.
    pub fn new(brokers: &[BrokerId]) -> Self {
        let mut c = Controller {
            image: Arc::new(MetadataImage::default()),
            registrations: SortedMap::new(),
            next_broker_epoch: 1,
            dirty: false,
            leader_rebalance_at: None,
            unclean_election_at: None,
            next_producer_id: 0,
        };
        let image = Arc::make_mut(&mut c.image);
        image.version = 1;
        for &b in brokers {
            image.brokers.insert(b, false);
            c.registrations.insert(
                b,
                Registration {
                    broker_epoch: c.next_broker_epoch,
                    incarnation: 0,
                    fenced: false,
                    last_heartbeat_ms: 0,
                    shut_down: false,
                },
            );
            c.next_broker_epoch += 1;
        }
        c
    }

    pub fn start(&mut self, ctx: &mut Ctx) {
        for &b in self.registrations.keys() {
            ctx.timer(
                BROKER_SESSION_TIMEOUT_MS,
                Timer::Controller(ControllerTimer::SessionCheck { broker: b }),
            );
        }
        self.schedule_periodic(ctx);
    }

    pub fn broker_epoch(&self, broker: BrokerId) -> Option<u64> {
        self.registrations.get(&broker).map(|r| r.broker_epoch)
    }

    pub(crate) fn usable(&self, b: BrokerId) -> bool {
        self.registrations.get(&b).is_some_and(|r| !r.fenced)
    }

    fn unfenced(&self) -> Vec<BrokerId> {
        self.registrations
            .iter()
            .filter(|(_, r)| !r.fenced)
            .map(|(b, _)| *b)
            .collect()
    }

    fn image_mut(&mut self) -> &mut MetadataImage {
        self.dirty = true;
        Arc::make_mut(&mut self.image)
    }

    /// Publishes the image to every registered broker if it changed (models the brokers'
    /// metadata log fetch; dead or cut-off brokers miss it and catch up by heartbeat).
    pub fn publish(&mut self, ctx: &mut Ctx) {
        self.schedule_periodic(ctx);
        if !self.dirty {
            return;
        }
        self.dirty = false;
        Arc::make_mut(&mut self.image).version += 1;
        for &b in self.registrations.keys() {
            ctx.send(
                NodeId::Controller,
                NodeId::Broker(b),
                Message::MetadataUpdate {
                    image: self.image.clone(),
                },
            );
        }
    }

    // ----- broker lifecycle ---------------------------------------------------------------

    /// Fences `broker`: removes it from every ISR and moves its leaderships.
    fn fence(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        if let Some(r) = self.registrations.get_mut(&broker) {
            r.fenced = true;
        }
        self.image_mut().brokers.insert(broker, true);
        ctx.emit(Event::BrokerFenced { broker });
        let mut touched = Vec::new();
        for (name, t) in &self.image.topics {
            for (i, p) in t.partitions.iter().enumerate() {
                if p.isr.contains(&broker) || p.leader == Some(broker) {
                    touched.push((
                        TopicPartition::new(name.clone(), i as u32),
                        t.config.unclean_leader_election_enable,
                    ));
                }
            }
        }
        for (tp, unclean) in touched {
            let reg = self.image.partition(&tp).expect("exists").clone();
            let mut new_isr: Vec<BrokerId> =
                reg.isr.iter().copied().filter(|b| *b != broker).collect();
            if reg.leader.is_none() {
                // Already offline: only drop the broker from the ISR if someone is left.
                if !new_isr.is_empty() {
                    let p = self.image_mut().partition_mut(&tp).expect("exists");
                    p.partition_epoch += 1;
                    p.isr = new_isr;
                }
                continue;
            }
            if reg.leader == Some(broker) {
                let choice = self.choose_leader(&reg.replicas, &new_isr, unclean);
                let p = self.image_mut().partition_mut(&tp).expect("exists");
                p.partition_epoch += 1;
                p.leader_epoch = Epoch(p.leader_epoch.0 + 1);
                match choice {
                    Some((leader, kind)) => {
                        if kind == ElectionKind::Unclean {
                            new_isr = vec![leader];
                        }
                        p.leader = Some(leader);
                        p.isr = new_isr.clone();
                        ctx.emit(Event::LeaderElected {
                            tp,
                            leader,
                            epoch: p.leader_epoch,
                            isr: new_isr,
                            election: kind,
                        });
                    }
                    None => {
                        // KRaft keeps the last ISR member so a clean election stays possible.
                        if new_isr.is_empty() {
                            new_isr = vec![broker];
                        }
                        p.leader = None;
                        p.isr = new_isr.clone();
                        ctx.emit(Event::PartitionOffline {
                            tp,
                            epoch: p.leader_epoch,
                            isr: new_isr,
                        });
                    }
                }
            } else {
                let p = self.image_mut().partition_mut(&tp).expect("exists");
                p.partition_epoch += 1;
                p.isr = new_isr.clone();
                ctx.emit(Event::IsrShrunk {
                    tp,
                    isr: new_isr,
                    removed: vec![broker],
                });
            }
        }
    }

    fn choose_leader(
        &self,
        replicas: &[BrokerId],
        isr: &[BrokerId],
        unclean: bool,
    ) -> Option<(BrokerId, ElectionKind)> {
        if let Some(b) = replicas
            .iter()
            .find(|b| isr.contains(b) && self.usable(**b))
        {
            return Some((*b, ElectionKind::Clean));
        }
        if unclean {
            if let Some(b) = replicas.iter().find(|b| self.usable(**b)) {
                return Some((*b, ElectionKind::Unclean));
            }
        }
        None
    }

    /// A broker's controlled shutdown: its leaderships move and it leaves the ISRs as at a
    /// fence, but now rather than after `broker.session.timeout.ms`.
    pub fn controlled_shutdown(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        if self.usable(broker) {
            self.fence(broker, ctx);
        }
        if let Some(r) = self.registrations.get_mut(&broker) {
            r.shut_down = true;
        }
        self.publish(ctx);
    }

    fn unfence(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        if let Some(r) = self.registrations.get_mut(&broker) {
            r.fenced = false;
        }
        self.image_mut().brokers.insert(broker, false);
        ctx.emit(Event::BrokerUnfenced { broker });
        self.elect_offline(ctx);
    }

    // ----- messages and timers ----------------------------------------------------------

    pub fn handle(&mut self, from: NodeId, message: Message, ctx: &mut Ctx) {
        let Some(broker) = from.broker() else {
            return;
        };
        match message {
            Message::CreateOffsetsTopic => self.create_offsets_topic(ctx),
            Message::AutoCreateTopic { topic } => self.auto_create_topic(&topic, ctx),
            Message::CreateTransactionTopic => self.create_transaction_topic(ctx),
            Message::BrokerRegistration {
                request_id,
                incarnation,
            } => {
                let result = match self.registrations.get(&broker) {
                    Some(r) if r.incarnation == incarnation => Ok(r.broker_epoch),
                    Some(r) if !r.fenced => {
                        ctx.emit(Event::BrokerRegistrationRejected {
                            broker,
                            error: ErrorKind::DuplicateBrokerRegistrationException,
                        });
                        Err(ErrorKind::DuplicateBrokerRegistrationException)
                    }
                    _ => {
                        let epoch = self.next_broker_epoch;
                        self.next_broker_epoch += 1;
                        self.registrations.insert(
                            broker,
                            Registration {
                                broker_epoch: epoch,
                                incarnation,
                                fenced: true,
                                last_heartbeat_ms: ctx.now,
                                shut_down: false,
                            },
                        );
                        ctx.emit(Event::BrokerRegistered {
                            broker,
                            broker_epoch: epoch,
                        });
                        self.unfence(broker, ctx);
                        ctx.timer(
                            ctx.now + BROKER_SESSION_TIMEOUT_MS,
                            Timer::Controller(ControllerTimer::SessionCheck { broker }),
                        );
                        Ok(epoch)
                    }
                };
                self.publish(ctx);
                let image = result.is_ok().then(|| self.image.clone());
                ctx.send(
                    NodeId::Controller,
                    from,
                    Message::BrokerRegistrationResponse {
                        request_id,
                        result,
                        image,
                    },
                );
            }
            Message::BrokerHeartbeat {
                request_id,
                broker_epoch,
                metadata_version,
            } => {
                let valid = self
                    .registrations
                    .get(&broker)
                    .is_some_and(|r| r.broker_epoch == broker_epoch && !r.shut_down);
                let result = if valid {
                    let r = self.registrations.get_mut(&broker).expect("valid");
                    r.last_heartbeat_ms = ctx.now;
                    let fenced = r.fenced;
                    ctx.timer(
                        ctx.now + BROKER_SESSION_TIMEOUT_MS,
                        Timer::Controller(ControllerTimer::SessionCheck { broker }),
                    );
                    if fenced {
                        self.unfence(broker, ctx);
                    }
                    Ok(())
                } else {
                    Err(ErrorKind::StaleBrokerEpochException)
                };
                self.publish(ctx);
                let image =
                    (valid && metadata_version < self.image.version).then(|| self.image.clone());
                ctx.send(
                    NodeId::Controller,
                    from,
                    Message::BrokerHeartbeatResponse {
                        request_id,
                        result,
                        image,
                    },
                );
            }
            Message::AlterPartition {
                request_id,
                tp,
                leader_epoch,
                partition_epoch,
                new_isr,
            } => {
                let result =
                    self.alter_partition(broker, &tp, leader_epoch, partition_epoch, new_isr, ctx);
                self.publish(ctx);
                ctx.send(
                    NodeId::Controller,
                    from,
                    Message::AlterPartitionResponse {
                        request_id,
                        tp,
                        result,
                    },
                );
            }
            Message::AllocateProducerIds { request_id } => {
                // `ProducerIdControlManager.generateNextProducerId`: blocks never overlap.
                let first = self.next_producer_id;
                self.next_producer_id += PRODUCER_ID_BLOCK_SIZE;
                ctx.send(
                    NodeId::Controller,
                    from,
                    Message::AllocateProducerIdsResponse { request_id, first },
                );
            }
            _ => {}
        }
    }

    fn alter_partition(
        &mut self,
        leader: BrokerId,
        tp: &TopicPartition,
        leader_epoch: Epoch,
        partition_epoch: u32,
        new_isr: Vec<BrokerId>,
        ctx: &mut Ctx,
    ) -> Result<PartitionRegistration, ErrorKind> {
        let Some(reg) = self.image.partition(tp).cloned() else {
            return Err(ErrorKind::UnknownTopicOrPartitionException);
        };
        if reg.leader != Some(leader) {
            return Err(ErrorKind::NotLeaderOrFollowerException);
        }
        if leader_epoch != reg.leader_epoch {
            return Err(ErrorKind::FencedLeaderEpochException);
        }
        if partition_epoch != reg.partition_epoch {
            return Err(ErrorKind::InvalidUpdateVersionException);
        }
        if !new_isr.contains(&leader)
            || new_isr
                .iter()
                .any(|b| !reg.replicas.contains(b) || (!reg.isr.contains(b) && !self.usable(*b)))
        {
            return Err(ErrorKind::IneligibleReplicaException);
        }
        let removed: Vec<BrokerId> = reg
            .isr
            .iter()
            .copied()
            .filter(|b| !new_isr.contains(b))
            .collect();
        let added: Vec<BrokerId> = new_isr
            .iter()
            .copied()
            .filter(|b| !reg.isr.contains(b))
            .collect();
        let p = self.image_mut().partition_mut(tp).expect("exists");
        p.isr = new_isr.clone();
        p.partition_epoch += 1;
        let out = p.clone();
        if !removed.is_empty() {
            ctx.emit(Event::IsrShrunk {
                tp: tp.clone(),
                isr: new_isr.clone(),
                removed,
            });
        }
        if !added.is_empty() {
            ctx.emit(Event::IsrExpanded {
                tp: tp.clone(),
                isr: new_isr,
                added,
            });
        }
        Ok(out)
    }

    pub fn on_timer(&mut self, timer: ControllerTimer, ctx: &mut Ctx) {
        match timer {
            ControllerTimer::SessionCheck { broker } => {
                let expired = self
                    .registrations
                    .get(&broker)
                    .is_some_and(|r| !r.fenced && ctx.now >= r.session_expires_at());
                if expired {
                    self.fence(broker, ctx);
                }
            }
            ControllerTimer::LeaderRebalance => {
                if self.leader_rebalance_at == Some(ctx.now) {
                    self.leader_rebalance_at = None;
                    self.balance_partition_leaders(ctx);
                }
            }
            ControllerTimer::UncleanElection => {
                if self.unclean_election_at == Some(ctx.now) {
                    self.unclean_election_at = None;
                    self.elect_offline(ctx);
                }
            }
        }
        self.publish(ctx);
    }

    /// Registers a brand-new broker id as known-but-fenced, so a later registration from it
    /// is accepted (used by `add_broker`).
    pub fn knows(&self, broker: BrokerId) -> bool {
        self.registrations.contains_key(&broker)
    }
}
