//! Admin operations on the controller (the `kafka-topics`, `kafka-configs` and
//! `kafka-leader-election` tools): validated with Kafka's rules and error texts before any
//! change, then published to the brokers.

use super::{Controller, MAX_PARTITIONS_PER_TOPIC};
use crate::command::form;
use crate::ctx::Ctx;
use crate::error::{ErrorKind, KafkaError};
use crate::event::Event;
use crate::ids::{BrokerId, Epoch, TopicPartition};
use crate::metadata::{PartitionRegistration, TopicImage};
use crate::placement::{assign_replicas, StartIndex};
use crate::rng::SplitMix64;
use crate::topic::{new_topic_id, topics_collide, validate_topic_name, TopicConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

fn err(kind: ErrorKind, msg: impl Into<String>) -> KafkaError {
    KafkaError::new(kind, msg)
}

/// What a `create_topic` asks for (the fields of Kafka's `CreatableTopic`).
/// In JSON the fields of a `create_topic` step ([`crate::command::form`]).
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTopic {
    pub topic: String,
    /// `None` = not given (`-1` in Kafka).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::opt_i32"
    )]
    pub partitions: Option<i32>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::opt_i32"
    )]
    pub replication_factor: Option<i32>,
    /// Partition id -> broker ids.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::replica_assignment"
    )]
    pub replica_assignment: Option<BTreeMap<u32, Vec<u32>>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "form::opt_u32"
    )]
    pub fixed_start_index: Option<u32>,
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "form::configs"
    )]
    pub configs: BTreeMap<String, String>,
}

impl Controller {
    // ----- admin operations -------------------------------------------------------------

    pub fn create_topic(
        &mut self,
        req: &NewTopic,
        rng: &mut SplitMix64,
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
        let mut changes = BTreeMap::new();
        changes.extend(
            req.configs
                .iter()
                .map(|(k, v)| (k.clone(), Some(v.clone()))),
        );
        let config = TopicConfig::default().with_changes(&changes)?;
        let assignment = self.plan_assignment(req, rng)?;
        let topic: Arc<str> = Arc::from(name);
        let topic_id = new_topic_id(rng);
        let mut partitions = Vec::with_capacity(assignment.len());
        for replicas in assignment {
            partitions.push(self.new_partition(replicas)?);
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
        rng: &mut SplitMix64,
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
                crate::sorting::sort(&mut sorted);
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
        let brokers = self.placeable()?;
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

    /// The brokers new replicas may go to: as KRaft's `ClusterControlManager.usableBrokers`,
    /// every registered broker, fenced ones included (so a fenced broker still counts for
    /// the replication factor and the topic starts under-replicated), but at least one must
    /// be unfenced (`StripedReplicaPlacer`: "All brokers are currently fenced.").
    fn placeable(&self) -> Result<Vec<BrokerId>, KafkaError> {
        if self.unfenced().is_empty() {
            return Err(err(
                ErrorKind::InvalidReplicationFactorException,
                "All brokers are currently fenced.",
            ));
        }
        Ok(self.registrations.keys().copied().collect())
    }

    /// A new partition on `replicas`: ISR the unfenced ones, the first of them leads
    /// (`ReplicationControlManager.createTopic`); none unfenced refuses the request.
    fn new_partition(&self, replicas: Vec<BrokerId>) -> Result<PartitionRegistration, KafkaError> {
        let isr: Vec<BrokerId> = replicas
            .iter()
            .copied()
            .filter(|b| self.usable(*b))
            .collect();
        if isr.is_empty() {
            return Err(err(
                ErrorKind::InvalidReplicationFactorException,
                "Unable to start the partition in a valid state, as all the brokers are currently fenced or in controlled shutdown.",
            ));
        }
        Ok(PartitionRegistration {
            leader: isr.first().copied(),
            replicas,
            isr,
            leader_epoch: Epoch(0),
            partition_epoch: 0,
        })
    }

    pub fn alter_partitions(
        &mut self,
        topic: &str,
        count: i32,
        rng: &mut SplitMix64,
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
        let brokers = self.placeable()?;
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
        for replicas in added {
            new_parts.push(self.new_partition(replicas)?);
        }
        for (i, p) in new_parts.iter().enumerate() {
            ctx.emit(Event::PartitionCreated {
                tp: TopicPartition::new(name.clone(), existing as u32 + i as u32),
                replicas: p.replicas.clone(),
                leader: p.leader,
                epoch: p.leader_epoch,
                isr: p.isr.clone(),
            });
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

    /// `DeleteTopics` (`ReplicationControlManager.deleteTopic`): the topic leaves the image.
    pub fn delete_topic(&mut self, topic: &str, ctx: &mut Ctx) -> Result<(), KafkaError> {
        let Some(t) = self.image.topics.get(topic) else {
            return Err(KafkaError::of(ErrorKind::UnknownTopicOrPartitionException));
        };
        let name = t.name.clone();
        self.image_mut().topics.remove(topic);
        ctx.emit(Event::TopicDeleted { topic: name });
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
        // KRaft elects nothing on this change: leaderless partitions wait for a broker to
        // unfence, the periodic unclean election or `kafka-leader-election`.
        self.image_mut()
            .topics
            .get_mut(topic)
            .expect("checked above")
            .config = config;
        self.publish(ctx);
        Ok(())
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
