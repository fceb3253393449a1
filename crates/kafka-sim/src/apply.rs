//! Applying commands: validation with Kafka's errors first, then the change. A rejected
//! command returns before touching anything, so the state is unchanged.

use crate::broker::Broker;
use crate::command::{Command, Outcome};
use crate::ctx::{Ctx, Outbox};
use crate::engine::{Engine, MAX_BROKERS, MAX_RATE_PER_S, MAX_VALUE_BYTES};
use crate::error::{ErrorKind, KafkaError};
use crate::event::Event;
use crate::ids::{BrokerId, ClientId, ProduceHandle};
use crate::message::Acks;
use crate::partitioner::PartitionerKind;
use crate::producer::{NewRecord, Producer, MAX_REQUEST_SIZE_BYTES};
use crate::record::{record_size_bytes, BATCH_HEADER_BYTES};
use std::sync::Arc;

impl Engine {
    pub(crate) fn apply_inner(
        &mut self,
        command: Command,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let now = self.now;
        macro_rules! ctx {
            () => {
                Ctx {
                    now,
                    out,
                    rng: &mut self.rng,
                    next_id: &mut self.next_id,
                }
            };
        }
        match command {
            Command::CreateTopic(req) => {
                // Draw from a copy so a rejected command leaves the RNG untouched.
                let mut rng = self.rng.clone();
                let mut ctx = Ctx {
                    now,
                    out,
                    rng: &mut self.rng,
                    next_id: &mut self.next_id,
                };
                self.controller.create_topic(&req, &mut rng, &mut ctx)?;
                self.rng = rng;
                Ok(Outcome::Done)
            }
            Command::AlterPartitions { topic, partitions } => {
                let mut rng = self.rng.clone();
                let mut ctx = ctx!();
                self.controller
                    .alter_partitions(&topic, partitions, &mut rng, &mut ctx)?;
                self.rng = rng;
                Ok(Outcome::Done)
            }
            Command::SetTopicConfig { topic, configs } => {
                let mut ctx = ctx!();
                self.controller
                    .set_topic_config(&topic, &configs, &mut ctx)?;
                Ok(Outcome::Done)
            }
            Command::ElectPreferredLeaders { topic } => {
                let mut ctx = ctx!();
                self.controller
                    .elect_preferred(topic.as_deref(), &mut ctx)?;
                Ok(Outcome::Done)
            }
            Command::Produce {
                topic,
                key,
                value,
                headers,
                partition,
                acks,
            } => {
                let partitions = self.topic_partitions(&topic)?;
                if let Some(p) = partition {
                    if p < 0 {
                        return Err(KafkaError::new(
                            ErrorKind::IllegalArgumentException,
                            format!("Invalid partition: {p}"),
                        ));
                    }
                    if p as u32 >= partitions {
                        return Err(KafkaError::new(
                            ErrorKind::KafkaException,
                            format!("Invalid partition given with record: {p} is not in the range [0...{partitions})."),
                        ));
                    }
                }
                let size = BATCH_HEADER_BYTES
                    + record_size_bytes(0, 0, key.as_deref(), value.as_deref(), &headers);
                if size > MAX_REQUEST_SIZE_BYTES {
                    return Err(KafkaError::new(
                        ErrorKind::RecordTooLargeException,
                        format!("The message is {size} bytes when serialized which is larger than {MAX_REQUEST_SIZE_BYTES}, which is the value of the max.request.size configuration."),
                    ));
                }
                let name = format!("producer-acks-{}", acks.as_str());
                let client = self.ensure_producer(&name, acks, PartitionerKind::Default);
                self.next_handle += 1;
                let handle = ProduceHandle(self.next_handle);
                self.handle_owner.insert(handle, client);
                let mut ctx = ctx!();
                let p = self.producers.get_mut(&client).expect("just ensured");
                p.send(
                    NewRecord {
                        topic: Arc::from(topic.as_str()),
                        key,
                        value,
                        headers,
                        partition: partition.map(|p| p as u32),
                    },
                    Some(handle),
                    &mut ctx,
                );
                Ok(Outcome::Produced(handle))
            }
            Command::StartProducer {
                id,
                topic,
                rate_per_s,
                keys,
                acks,
                value_bytes,
                partitioner,
                max_records,
            } => {
                if let Some(c) = self.producer_names.get(&id) {
                    let p = &self.producers[c];
                    if p.continuous.as_ref().is_some_and(|c| c.running) || p.continuous.is_none() {
                        return Err(KafkaError::new(
                            ErrorKind::IllegalStateException,
                            format!("Producer {id} is already running."),
                        ));
                    }
                }
                self.topic_partitions(&topic)?;
                if rate_per_s == 0 || rate_per_s > MAX_RATE_PER_S {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalArgumentException,
                        format!(
                            "rate_per_s must be between 1 and {MAX_RATE_PER_S}, got {rate_per_s}."
                        ),
                    ));
                }
                if value_bytes.is_some_and(|v| v > MAX_VALUE_BYTES) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalArgumentException,
                        format!("value_bytes must be at most {MAX_VALUE_BYTES}."),
                    ));
                }
                if keys.as_ref().is_some_and(|k| k.is_empty()) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalArgumentException,
                        "keys must not be an empty list (use null for keyless records).",
                    ));
                }
                let client = self.ensure_producer(&id, acks, partitioner);
                let name: Arc<str> = Arc::from(id.as_str());
                let topic: Arc<str> = Arc::from(topic.as_str());
                let mut ctx = ctx!();
                ctx.emit(Event::ProducerStarted {
                    producer: name,
                    topic: topic.clone(),
                    rate_per_s,
                });
                let p = self.producers.get_mut(&client).expect("just ensured");
                p.acks = acks;
                p.partitioner.kind = partitioner;
                p.start_continuous(topic, rate_per_s, keys, value_bytes, max_records, &mut ctx);
                Ok(Outcome::Done)
            }
            Command::StopProducer { id } => {
                let running = self
                    .producer_names
                    .get(&id)
                    .and_then(|c| self.producers.get(c))
                    .and_then(|p| p.continuous.as_ref())
                    .is_some_and(|c| c.running);
                if !running {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("No running producer with id {id}."),
                    ));
                }
                let c = self.producer_names[&id];
                self.producers
                    .get_mut(&c)
                    .expect("exists")
                    .stop_continuous();
                out.events.push(Event::ProducerStopped {
                    producer: Arc::from(id.as_str()),
                });
                Ok(Outcome::Done)
            }
            Command::KillBroker { broker } => {
                let b = self.broker_checked(broker)?;
                if !b.alive {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} is already stopped.", broker.0),
                    ));
                }
                let mut ctx = ctx!();
                ctx.emit(Event::BrokerKilled { broker });
                self.brokers
                    .get_mut(&broker)
                    .expect("checked")
                    .kill(&mut ctx);
                Ok(Outcome::Done)
            }
            Command::RestartBroker { broker } => {
                let b = self.broker_checked(broker)?;
                if b.alive {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} is already running.", broker.0),
                    ));
                }
                let mut ctx = ctx!();
                ctx.emit(Event::BrokerRestarted { broker });
                self.brokers
                    .get_mut(&broker)
                    .expect("checked")
                    .restart(&mut ctx);
                Ok(Outcome::Done)
            }
            Command::IsolateBroker { broker } => {
                self.broker_checked(broker)?;
                if self.network.isolated.contains(&broker) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} is already isolated.", broker.0),
                    ));
                }
                self.network.isolated.insert(broker);
                out.events.push(Event::BrokerIsolated { broker });
                Ok(Outcome::Done)
            }
            Command::HealNetwork => {
                self.network.isolated.clear();
                out.events.push(Event::NetworkHealed);
                Ok(Outcome::Done)
            }
            c @ (Command::JoinGroup(_)
            | Command::LeaveGroup { .. }
            | Command::KillConsumer { .. }
            | Command::ResetOffsets { .. }) => self.apply_group(c, out),
            Command::AddBroker { broker } => {
                let next = self
                    .brokers
                    .keys()
                    .next_back()
                    .map_or(Some(1), |b| b.0.checked_add(1));
                let Some(id) = broker.or(next.map(BrokerId)) else {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        "No broker id is left above the highest one.",
                    ));
                };
                if self.brokers.contains_key(&id) {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("Broker {} already exists.", id.0),
                    ));
                }
                if self.brokers.len() as u32 >= MAX_BROKERS {
                    return Err(KafkaError::new(
                        ErrorKind::IllegalStateException,
                        format!("The simulator supports at most {MAX_BROKERS} brokers."),
                    ));
                }
                let mut b = Broker::new(id, None);
                let mut ctx = ctx!();
                ctx.emit(Event::BrokerAdded { broker: id });
                b.start(&mut ctx);
                self.brokers.insert(id, b);
                Ok(Outcome::BrokerAdded(id))
            }
        }
    }

    fn broker_checked(&self, broker: BrokerId) -> Result<&Broker, KafkaError> {
        self.brokers.get(&broker).ok_or_else(|| {
            KafkaError::new(
                ErrorKind::BrokerNotAvailableException,
                format!("Broker {} is not part of the cluster.", broker.0),
            )
        })
    }

    /// The partition count of an existing topic, or the producer's metadata timeout error.
    fn topic_partitions(&self, topic: &str) -> Result<u32, KafkaError> {
        self.controller
            .image
            .topics
            .get(topic)
            .map(|t| t.partitions.len() as u32)
            .ok_or_else(|| {
                KafkaError::new(
                    ErrorKind::TimeoutException,
                    format!("Topic {topic} not present in metadata after 60000 ms."),
                )
            })
    }

    fn ensure_producer(
        &mut self,
        name: &str,
        acks: Acks,
        partitioner: PartitionerKind,
    ) -> ClientId {
        if let Some(c) = self.producer_names.get(name) {
            return *c;
        }
        let id = ClientId(self.next_client);
        self.next_client += 1;
        let bootstrap: Vec<BrokerId> = self.brokers.keys().copied().collect();
        self.producers.insert(
            id,
            Producer::new(id, Arc::from(name), acks, partitioner, bootstrap),
        );
        self.producer_names.insert(name.to_string(), id);
        id
    }
}
