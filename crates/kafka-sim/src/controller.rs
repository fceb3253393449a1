//! The KRaft controller, modelled as one logical node (Raft itself is not simulated).
//!
//! It owns the authoritative [`MetadataImage`]: it registers brokers, fences those silent for
//! `broker.session.timeout.ms`, elects leaders (from the ISR, or unclean when the topic allows
//! it), bumps leader epochs, applies the leaders' ISR changes, and publishes every new image
//! to the brokers. Admin operations (create topic, add partitions, configs, preferred
//! election) are applied here synchronously so that Kafka's errors come back at once.

use crate::ctx::{Ctx, Timer};
use crate::error::{ErrorKind, KafkaError};
use crate::event::{ElectionKind, Event};
use crate::ids::{BrokerId, Epoch, SimTime, TopicPartition};
use crate::message::Message;
use crate::metadata::{MetadataImage, PartitionRegistration, TopicImage};
use crate::network::NodeId;
use crate::placement::{assign_replicas, StartIndex};
use crate::topic::{new_topic_id, topics_collide, validate_topic_name, TopicConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// `broker.session.timeout.ms`.
pub const BROKER_SESSION_TIMEOUT_MS: u64 = 9_000;
/// `leader.imbalance.check.interval.seconds` (300) in ms; `auto.leader.rebalance.enable=true`.
pub const LEADER_IMBALANCE_CHECK_INTERVAL_MS: u64 = 300_000;
/// The simulator's cap on partitions per topic (Kafka has none; this bounds memory).
pub const MAX_PARTITIONS_PER_TOPIC: i32 = 10_000;

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum ControllerTimer {
    SessionCheck { broker: BrokerId },
    LeaderRebalance,
}

/// A broker's registration with the controller.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Registration {
    pub broker_epoch: u64,
    pub incarnation: u32,
    pub fenced: bool,
    pub last_heartbeat_ms: SimTime,
}

/// What a `create_topic` asks for (the fields of Kafka's `CreatableTopic`).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct NewTopic {
    pub topic: String,
    /// `None` = not given (`-1` in Kafka).
    pub partitions: Option<i32>,
    pub replication_factor: Option<i32>,
    /// Partition id -> broker ids.
    pub replica_assignment: Option<BTreeMap<u32, Vec<u32>>>,
    pub fixed_start_index: Option<u32>,
    pub configs: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Controller {
    pub image: Arc<MetadataImage>,
    pub registrations: BTreeMap<BrokerId, Registration>,
    next_broker_epoch: u64,
    dirty: bool,
}

fn err(kind: ErrorKind, msg: impl Into<String>) -> KafkaError {
    KafkaError::new(kind, msg)
}

impl Controller {
    /// A controller with `brokers` registered and unfenced, as a cluster that is already up.
    pub fn new(brokers: &[BrokerId]) -> Self {
        let mut c = Controller {
            image: Arc::new(MetadataImage::default()),
            registrations: BTreeMap::new(),
            next_broker_epoch: 1,
            dirty: false,
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
        ctx.timer(
            LEADER_IMBALANCE_CHECK_INTERVAL_MS,
            Timer::Controller(ControllerTimer::LeaderRebalance),
        );
    }

    pub fn broker_epoch(&self, broker: BrokerId) -> Option<u64> {
        self.registrations.get(&broker).map(|r| r.broker_epoch)
    }

    fn usable(&self, b: BrokerId) -> bool {
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

    // ----- admin operations -------------------------------------------------------------

    pub fn create_topic(
        &mut self,
        req: &NewTopic,
        rng: &mut crate::rng::SplitMix64,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let name = req.topic.as_str();
        validate_topic_name(name)?;
        if self.image.topics.contains_key(name) {
            return Err(err(
                ErrorKind::TopicExistsException,
                format!("Topic '{name}' already exists."),
            ));
        }
        if let Some(existing) = self
            .image
            .topics
            .keys()
            .find(|existing| topics_collide(existing, name))
        {
            return Err(err(
                ErrorKind::InvalidTopicException,
                format!("Topic '{name}' collides with existing topic: {existing}"),
            ));
        }
        let changes: BTreeMap<String, Option<String>> = req
            .configs
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        let config = TopicConfig::default().with_changes(&changes)?;
        let assignment = self.plan_assignment(req, rng)?;
        let topic: Arc<str> = Arc::from(name);
        let topic_id = new_topic_id(rng);
        let mut partitions = Vec::with_capacity(assignment.len());
        for replicas in assignment {
            let isr: Vec<BrokerId> = replicas
                .iter()
                .copied()
                .filter(|b| self.usable(*b))
                .collect();
            let leader = isr.first().copied();
            partitions.push(PartitionRegistration {
                replicas,
                isr,
                leader,
                leader_epoch: Epoch(0),
                partition_epoch: 0,
            });
        }
        let rf = partitions.first().map_or(0, |p| p.replicas.len() as u32);
        ctx.emit(Event::TopicCreated {
            topic: topic.clone(),
            topic_id: topic_id.clone(),
            partitions: partitions.len() as u32,
            replication_factor: rf,
        });
        for (i, p) in partitions.iter().enumerate() {
            ctx.emit(Event::PartitionCreated {
                tp: TopicPartition::new(topic.clone(), i as u32),
                replicas: p.replicas.clone(),
                leader: p.leader,
                epoch: p.leader_epoch,
                isr: p.isr.clone(),
            });
        }
        self.image_mut().topics.insert(
            topic.clone(),
            TopicImage {
                name: topic,
                topic_id,
                config,
                partitions,
            },
        );
        self.publish(ctx);
        Ok(())
    }

    fn plan_assignment(
        &self,
        req: &NewTopic,
        rng: &mut crate::rng::SplitMix64,
    ) -> Result<Vec<Vec<BrokerId>>, KafkaError> {
        if let Some(manual) = &req.replica_assignment {
            if req.replication_factor.is_some() {
                return Err(err(
                    ErrorKind::InvalidRequestException,
                    "A manual partition assignment was specified, but replication factor was not set to -1.",
                ));
            }
            if req.partitions.is_some() {
                return Err(err(
                    ErrorKind::InvalidRequestException,
                    "A manual partition assignment was specified, but numPartitions was not set to -1.",
                ));
            }
            let mut out = Vec::new();
            let mut rf: Option<usize> = None;
            for (i, (&p, brokers)) in manual.iter().enumerate() {
                if p as usize != i {
                    return Err(err(
                        ErrorKind::InvalidReplicaAssignmentException,
                        "partitions should be a consecutive 0-based integer sequence",
                    ));
                }
                if brokers.is_empty() {
                    return Err(err(
                        ErrorKind::InvalidReplicaAssignmentException,
                        "The manual partition assignment includes an empty replica list.",
                    ));
                }
                let mut sorted = brokers.clone();
                sorted.sort();
                for w in 0..sorted.len() {
                    let b = sorted[w];
                    if !self.registrations.contains_key(&BrokerId(b)) {
                        return Err(err(
                            ErrorKind::InvalidReplicaAssignmentException,
                            format!("The manual partition assignment includes broker {b}, but no such broker is registered."),
                        ));
                    }
                    if w > 0 && sorted[w - 1] == b {
                        return Err(err(
                            ErrorKind::InvalidReplicaAssignmentException,
                            format!("The manual partition assignment includes the broker {b} more than once."),
                        ));
                    }
                }
                if let Some(r) = rf {
                    if r != brokers.len() {
                        return Err(err(
                            ErrorKind::InvalidReplicaAssignmentException,
                            format!("The manual partition assignment includes a partition with {} replica(s), but this is not consistent with previous partitions, which have {r} replica(s).", brokers.len()),
                        ));
                    }
                }
                rf = Some(brokers.len());
                if !brokers.iter().any(|b| self.usable(BrokerId(*b))) {
                    return Err(err(
                        ErrorKind::InvalidReplicaAssignmentException,
                        format!("All brokers specified in the manual partition assignment for partition {p} are fenced or in controlled shutdown."),
                    ));
                }
                out.push(brokers.iter().map(|b| BrokerId(*b)).collect());
            }
            if out.is_empty() {
                return Err(err(
                    ErrorKind::InvalidReplicaAssignmentException,
                    "The manual partition assignment includes an empty replica list.",
                ));
            }
            if out.len() as i32 > MAX_PARTITIONS_PER_TOPIC {
                return Err(too_many_partitions(out.len() as i64));
            }
            return Ok(out);
        }
        let partitions = req.partitions.unwrap_or(1);
        let rf = req.replication_factor.unwrap_or(1);
        if partitions <= 0 {
            return Err(err(
                ErrorKind::InvalidPartitionsException,
                "Number of partitions was set to an invalid non-positive value.",
            ));
        }
        if partitions > MAX_PARTITIONS_PER_TOPIC {
            return Err(too_many_partitions(i64::from(partitions)));
        }
        if rf <= 0 {
            return Err(err(
                ErrorKind::InvalidReplicationFactorException,
                "Replication factor must be larger than 0, or -1 to use the default value.",
            ));
        }
        let brokers = self.unfenced();
        if rf as usize > brokers.len() {
            return Err(rf_error(rf, brokers.len()));
        }
        let start = match req.fixed_start_index {
            Some(k) => StartIndex::Fixed(k),
            None => StartIndex::Random,
        };
        Ok(assign_replicas(
            &brokers,
            partitions as u32,
            rf as u32,
            start,
            0,
            rng,
        ))
    }

    pub fn alter_partitions(
        &mut self,
        topic: &str,
        count: i32,
        rng: &mut crate::rng::SplitMix64,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let Some(t) = self.image.topics.get(topic) else {
            return Err(KafkaError::of(ErrorKind::UnknownTopicOrPartitionException));
        };
        let existing = t.partitions.len() as i32;
        if count == existing {
            return Err(err(
                ErrorKind::InvalidPartitionsException,
                format!("Topic already has {existing} partition(s)."),
            ));
        }
        if count < existing {
            return Err(err(
                ErrorKind::InvalidPartitionsException,
                format!("The topic {topic} currently has {existing} partition(s); {count} would not be an increase."),
            ));
        }
        if count > MAX_PARTITIONS_PER_TOPIC {
            return Err(too_many_partitions(i64::from(count)));
        }
        let rf = t.partitions[0].replicas.len();
        let brokers = self.unfenced();
        if rf > brokers.len() {
            return Err(rf_error(rf as i32, brokers.len()));
        }
        // AdminZkClient.createPartitions: start where partition 0's first replica sits.
        let first = t.partitions[0].replicas[0];
        let start = brokers.iter().position(|b| *b >= first).unwrap_or(0) as u32;
        let added = assign_replicas(
            &brokers,
            (count - existing) as u32,
            rf as u32,
            StartIndex::Fixed(start),
            existing as u32,
            rng,
        );
        let name = t.name.clone();
        let mut new_parts = Vec::new();
        for (i, replicas) in added.into_iter().enumerate() {
            let isr: Vec<BrokerId> = replicas.clone();
            let p = PartitionRegistration {
                leader: isr.first().copied(),
                replicas,
                isr,
                leader_epoch: Epoch(0),
                partition_epoch: 0,
            };
            ctx.emit(Event::PartitionCreated {
                tp: TopicPartition::new(name.clone(), existing as u32 + i as u32),
                replicas: p.replicas.clone(),
                leader: p.leader,
                epoch: p.leader_epoch,
                isr: p.isr.clone(),
            });
            new_parts.push(p);
        }
        self.image_mut()
            .topics
            .get_mut(topic)
            .expect("checked above")
            .partitions
            .extend(new_parts);
        self.publish(ctx);
        Ok(())
    }

    pub fn set_topic_config(
        &mut self,
        topic: &str,
        changes: &BTreeMap<String, Option<String>>,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        let Some(t) = self.image.topics.get(topic) else {
            return Err(KafkaError::of(ErrorKind::UnknownTopicOrPartitionException));
        };
        let config = t.config.with_changes(changes)?;
        let name = t.name.clone();
        ctx.emit(Event::TopicConfigChanged {
            topic: name.clone(),
            configs: config.describe(),
        });
        let unclean = config.unclean_leader_election_enable;
        self.image_mut()
            .topics
            .get_mut(topic)
            .expect("checked above")
            .config = config;
        if unclean {
            self.elect_offline(&name, None, ctx);
        }
        self.publish(ctx);
        Ok(())
    }

    /// Moves leadership back to each partition's first replica where it is in the ISR and
    /// unfenced. `topic: None` = all topics.
    pub fn elect_preferred(
        &mut self,
        topic: Option<&str>,
        ctx: &mut Ctx,
    ) -> Result<(), KafkaError> {
        if let Some(t) = topic {
            if !self.image.topics.contains_key(t) {
                return Err(KafkaError::of(ErrorKind::UnknownTopicOrPartitionException));
            }
        }
        let mut changes = Vec::new();
        for (name, t) in &self.image.topics {
            if topic.is_some_and(|x| x != &**name) {
                continue;
            }
            for (i, p) in t.partitions.iter().enumerate() {
                let preferred = p.replicas[0];
                if p.leader != Some(preferred)
                    && p.isr.contains(&preferred)
                    && self.usable(preferred)
                {
                    changes.push((TopicPartition::new(name.clone(), i as u32), preferred));
                }
            }
        }
        for (tp, leader) in changes {
            let p = self.image_mut().partition_mut(&tp).expect("exists");
            p.leader = Some(leader);
            p.leader_epoch = Epoch(p.leader_epoch.0 + 1);
            p.partition_epoch += 1;
            let (epoch, isr) = (p.leader_epoch, p.isr.clone());
            ctx.emit(Event::LeaderElected {
                tp,
                leader,
                epoch,
                isr,
                election: ElectionKind::Preferred,
            });
        }
        self.publish(ctx);
        Ok(())
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

    /// Elects leaders for offline partitions (of `topic`, or all) now that `broker` (or any
    /// broker) may be usable again.
    fn elect_offline(&mut self, topic: &str, _broker: Option<BrokerId>, ctx: &mut Ctx) {
        let mut todo = Vec::new();
        for (name, t) in &self.image.topics {
            if !topic.is_empty() && &**name != topic {
                continue;
            }
            for (i, p) in t.partitions.iter().enumerate() {
                if p.leader.is_none() {
                    todo.push((
                        TopicPartition::new(name.clone(), i as u32),
                        t.config.unclean_leader_election_enable,
                    ));
                }
            }
        }
        for (tp, unclean) in todo {
            let reg = self.image.partition(&tp).expect("exists").clone();
            if let Some((leader, kind)) = self.choose_leader(&reg.replicas, &reg.isr, unclean) {
                let p = self.image_mut().partition_mut(&tp).expect("exists");
                p.leader = Some(leader);
                p.leader_epoch = Epoch(p.leader_epoch.0 + 1);
                p.partition_epoch += 1;
                if kind == ElectionKind::Unclean {
                    p.isr = vec![leader];
                }
                ctx.emit(Event::LeaderElected {
                    tp,
                    leader,
                    epoch: p.leader_epoch,
                    isr: p.isr.clone(),
                    election: kind,
                });
            }
        }
    }

    fn unfence(&mut self, broker: BrokerId, ctx: &mut Ctx) {
        if let Some(r) = self.registrations.get_mut(&broker) {
            r.fenced = false;
        }
        self.image_mut().brokers.insert(broker, false);
        ctx.emit(Event::BrokerUnfenced { broker });
        self.elect_offline("", Some(broker), ctx);
    }

    // ----- messages and timers ----------------------------------------------------------

    pub fn handle(&mut self, from: NodeId, message: Message, ctx: &mut Ctx) {
        let Some(broker) = from.broker() else {
            return;
        };
        match message {
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
                    .is_some_and(|r| r.broker_epoch == broker_epoch);
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
                let expired = self.registrations.get(&broker).is_some_and(|r| {
                    !r.fenced && ctx.now >= r.last_heartbeat_ms + BROKER_SESSION_TIMEOUT_MS
                });
                if expired {
                    self.fence(broker, ctx);
                }
            }
            ControllerTimer::LeaderRebalance => {
                let _ = self.elect_preferred(None, ctx);
                ctx.timer(
                    ctx.now + LEADER_IMBALANCE_CHECK_INTERVAL_MS,
                    Timer::Controller(ControllerTimer::LeaderRebalance),
                );
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

fn rf_error(rf: i32, brokers: usize) -> KafkaError {
    err(
        ErrorKind::InvalidReplicationFactorException,
        format!("Unable to replicate the partition {rf} time(s): The target replication factor of {rf} cannot be reached because only {brokers} broker(s) are registered."),
    )
}

fn too_many_partitions(n: i64) -> KafkaError {
    err(
        ErrorKind::InvalidPartitionsException,
        format!(
            "Number of partitions {n} exceeds the simulator's limit of {MAX_PARTITIONS_PER_TOPIC}."
        ),
    )
}
