//! Applying commands: validation with Kafka's errors first, then the change. A rejected
//! command returns before touching anything, so the state is unchanged.

use crate::broker::Broker;
use crate::command::{Command, ElectionType, IsolateFrom, Outcome};
use crate::controller::NewTopic;
use crate::ctx::{Ctx, Outbox};
use crate::engine::{Engine, MAX_BROKERS, MAX_RATE_PER_S, MAX_VALUE_BYTES};
use crate::error::{ErrorKind, KafkaError};
use crate::event::{ElectionKind, Event};
use crate::ids::{BrokerId, ClientId, ProduceHandle, TopicPartition};
use crate::message::Acks;
use crate::network::NodeId;
use crate::partitioner::PartitionerKind;
use crate::producer::{NewRecord, Producer, MAX_REQUEST_SIZE_BYTES};
use crate::record::{record_size_bytes, BATCH_HEADER_BYTES};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A [`Ctx`] over `engine`'s clock, RNG and ids (the fields are borrowed one by one, so the
/// rest of the engine stays usable beside it).
macro_rules! ctx {
    ($engine:ident, $out:expr) => {
        Ctx {
            now: $engine.now,
            out: $out,
            rng: &mut $engine.rng,
            next_id: &mut $engine.next_id,
        }
    };
}
pub(crate) use ctx;

impl Engine {
    /// One method per command; each validates with Kafka's errors before it changes anything.
    pub(crate) fn apply_inner(
        &mut self,
        command: Command,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        match command {
            Command::CreateTopic(req) => self.create_topic(&req, out),
            Command::AlterPartitions { topic, partitions } => {
                self.alter_partitions(&topic, partitions, out)
            }
            Command::DeleteTopic { topic } => self.delete_topic(&topic, out),
            Command::SetTopicConfig { topic, configs } => {
                self.set_topic_config(&topic, &configs, out)
            }
            Command::ElectPreferredLeaders { topic } => {
                self.elect_preferred_leaders(topic.as_deref(), out)
            }
            Command::ElectLeaders {
                topic,
                partition,
                election_type,
            } => self.elect_leaders(&topic, partition, election_type, out),
            Command::Produce {
                topic,
                key,
                value,
                headers,
                partition,
                acks,
                enable_idempotence,
            } => self.produce(
                NewRecord {
                    topic: Arc::from(topic.as_str()),
                    key,
                    value,
                    headers,
                    partition: None,
                },
                partition,
                acks,
                enable_idempotence,
                out,
            ),
            Command::StartProducer {
                id,
                topic,
                rate_per_s,
                keys,
                acks,
                enable_idempotence,
                value_bytes,
                partitioner,
                max_records,
            } => self.start_producer(
                &id,
                &topic,
                ProducerLoad {
                    rate_per_s,
                    keys,
                    acks,
                    enable_idempotence,
                    value_bytes,
                    partitioner,
                    max_records,
                },
                out,
            ),
            Command::StopProducer { id } => self.stop_producer(&id, out),
            Command::Transaction {
                transactional_id,
                records,
                outcome,
            } => self.transaction(&transactional_id, records, outcome, out),
            Command::KillBroker { broker } => self.kill_broker(broker, out),
            Command::RestartBroker { broker } => self.restart_broker(broker, out),
            Command::IsolateBroker { broker, from } => self.isolate_broker(broker, from, out),
            Command::StopBroker { broker } => self.stop_broker(broker, out),
            Command::HealNetwork {} => self.heal_network(out),
            Command::AddBroker { broker } => self.add_broker(broker, out),
            Command::JoinGroup(spec) => self.join_group(&spec, out),
            Command::LeaveGroup { group, consumer } => self.leave_group(&group, &consumer, out),
            Command::KillConsumer { group, consumer } => self.kill_consumer(&group, &consumer, out),
            Command::ResetOffsets { group, topic, to } => {
                self.reset_offsets(&group, &topic, to, out)?;
                Ok(Outcome::Done)
            }
            Command::StartRestProxy {
                proxy,
                http_client,
                topic,
                rate_per_s,
                keys,
                acks,
            } => self.start_rest_proxy(
                &proxy,
                &http_client,
                &topic,
                ProducerLoad::new(rate_per_s, keys, acks),
                out,
            ),
            Command::PutConnector(spec) => self.put_connector(&spec, out),
            Command::DeleteConnector { name } => self.delete_connector(&name, out),
        }
    }

    fn create_topic(&mut self, req: &NewTopic, out: &mut Outbox) -> Result<Outcome, KafkaError> {
        // Draw from a copy so a rejected command leaves the RNG untouched.
        let mut rng = self.rng.clone();
        let mut ctx = ctx!(self, out);
        self.controller.create_topic(req, &mut rng, &mut ctx)?;
        self.rng = rng;
        Ok(Outcome::Done)
    }

    fn alter_partitions(
        &mut self,
        topic: &str,
        partitions: i32,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let mut rng = self.rng.clone();
        let mut ctx = ctx!(self, out);
        self.controller
            .alter_partitions(topic, partitions, &mut rng, &mut ctx)?;
        self.rng = rng;
        Ok(Outcome::Done)
    }

    /// `kafka-topics --delete` (internal topics are refused, as `TopicCommand` refuses them).
    fn delete_topic(&mut self, topic: &str, out: &mut Outbox) -> Result<Outcome, KafkaError> {
        if topic == crate::group::OFFSETS_TOPIC {
            return Err(KafkaError::new(
                ErrorKind::IllegalArgumentException,
                format!("Topic {topic} is a kafka internal topic and is not allowed to be marked for deletion."),
            ));
        }
        let mut ctx = ctx!(self, out);
        self.controller.delete_topic(topic, &mut ctx)?;
        // Acks and deliveries of the old topic say nothing about a topic of the same name
        // created later.
        self.ledger.forget_topic(topic);
        for d in self.group_deliveries.values_mut() {
            d.forget_topic(topic);
        }
        Ok(Outcome::Done)
    }

    fn set_topic_config(
        &mut self,
        topic: &str,
        configs: &BTreeMap<String, Option<String>>,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let mut ctx = ctx!(self, out);
        self.controller.set_topic_config(topic, configs, &mut ctx)?;
        Ok(Outcome::Done)
    }

    /// `kafka-leader-election --election-type preferred`, for every partition of `topic`
    /// (or of every topic: `--all-topic-partitions`).
    fn elect_preferred_leaders(
        &mut self,
        topic: Option<&str>,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let partitions = match topic {
            None => None,
            Some(t) => {
                let n = self
                    .controller
                    .image
                    .topics
                    .get(t)
                    .map_or(0, |t| t.partitions.len());
                if n == 0 {
                    return Err(KafkaError::of(ErrorKind::UnknownTopicOrPartitionException));
                }
                Some((0..n as u32).map(|p| TopicPartition::new(t, p)).collect())
            }
        };
        let mut ctx = ctx!(self, out);
        self.controller
            .elect_leaders(partitions, ElectionKind::Preferred, &mut ctx)?;
        Ok(Outcome::Done)
    }

    /// `kafka-leader-election --topic T --partition P --election-type preferred|unclean`.
    fn elect_leaders(
        &mut self,
        topic: &str,
        partition: i32,
        election: ElectionType,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let kind = match election {
            ElectionType::Preferred => ElectionKind::Preferred,
            ElectionType::Unclean => ElectionKind::Unclean,
        };
        if partition < 0 {
            return Err(KafkaError::new(
                ErrorKind::UnknownTopicOrPartitionException,
                format!("No such partition as {topic}-{partition}"),
            ));
        }
        let tp = TopicPartition::new(topic, partition as u32);
        let mut ctx = ctx!(self, out);
        self.controller
            .elect_leaders(Some(vec![tp]), kind, &mut ctx)?;
        Ok(Outcome::Done)
    }

    fn heal_network(&mut self, out: &mut Outbox) -> Result<Outcome, KafkaError> {
        self.network.heal();
        out.events.push(Event::NetworkHealed);
        Ok(Outcome::Done)
    }

    /// One record from the producer of its `acks` (`producer-acks-all`, ...).
    fn produce(
        &mut self,
        mut record: NewRecord,
        partition: Option<i32>,
        acks: Acks,
        enable_idempotence: Option<bool>,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let idempotent = idempotence(acks, enable_idempotence)?;
        self.check_record(&mut record, partition)?;
        // One producer per setting: acks=all without idempotence is a producer of its own.
        let name = if acks == Acks::All && !idempotent {
            "producer-acks-all-non-idempotent".to_string()
        } else {
            format!("producer-acks-{}", acks.as_str())
        };
        let client = self.ensure_producer(&name, acks, PartitionerKind::Default);
        self.producers.get_mut(&client).expect("ensured").idempotent = idempotent;
        self.next_handle += 1;
        let handle = ProduceHandle(self.next_handle);
        self.handle_owner.insert(handle, client);
        let mut ctx = ctx!(self, out);
        let p = self.producers.get_mut(&client).expect("just ensured");
        p.send(record, Some(handle), &mut ctx);
        Ok(Outcome::Produced(handle))
    }

    /// `KafkaProducer.send`'s checks: a valid topic name, the partition in range (once the topic is
    /// known), the
    /// record fits `max.request.size`. Sets the record's partition.
    pub(crate) fn check_record(
        &self,
        record: &mut NewRecord,
        partition: Option<i32>,
    ) -> Result<(), KafkaError> {
        // A missing topic is no error here: the producer waits for it in its metadata (and
        // the broker auto-creates it, `auto.create.topics.enable`), failing after
        // `max.block.ms` if it never comes.
        crate::topic::validate_topic_name(&record.topic)?;
        let partitions = self.partition_count(&record.topic);
        if let Some(p) = partition {
            if p < 0 {
                return Err(KafkaError::new(
                    ErrorKind::IllegalArgumentException,
                    format!("Invalid partition: {p}"),
                ));
            }
            if let Some(partitions) = partitions.filter(|n| p as u32 >= *n) {
                return Err(KafkaError::new(
                    ErrorKind::KafkaException,
                    format!("Invalid partition given with record: {p} is not in the range [0...{partitions})."),
                ));
            }
        }
        record.partition = partition.map(|p| p as u32);
        let size = BATCH_HEADER_BYTES
            + record_size_bytes(
                0,
                0,
                record.key.as_deref(),
                record.value.as_deref(),
                &record.headers,
            );
        if size > MAX_REQUEST_SIZE_BYTES {
            return Err(KafkaError::new(
                ErrorKind::RecordTooLargeException,
                format!("The message is {size} bytes when serialized which is larger than {MAX_REQUEST_SIZE_BYTES}, which is the value of the max.request.size configuration."),
            ));
        }
        Ok(())
    }

    pub(crate) fn start_producer(
        &mut self,
        id: &str,
        topic: &str,
        load: ProducerLoad,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        if let Some(c) = self.producer_names.get(id) {
            let p = &self.producers[c];
            if p.continuous.as_ref().is_some_and(|c| c.running) || p.continuous.is_none() {
                return Err(KafkaError::new(
                    ErrorKind::IllegalStateException,
                    format!("Producer {id} is already running."),
                ));
            }
        }
        let idempotent = load.check(topic)?;
        let ProducerLoad {
            rate_per_s,
            keys,
            acks,
            enable_idempotence: _,
            value_bytes,
            partitioner,
            max_records,
        } = load;
        let client = self.ensure_producer(id, acks, partitioner);
        let name: Arc<str> = Arc::from(id);
        let topic: Arc<str> = Arc::from(topic);
        let mut ctx = ctx!(self, out);
        ctx.emit(Event::ProducerStarted {
            producer: name,
            topic: topic.clone(),
            rate_per_s,
        });
        let p = self.producers.get_mut(&client).expect("just ensured");
        p.acks = acks;
        p.idempotent = idempotent;
        p.partitioner.kind = partitioner;
        p.start_continuous(topic, rate_per_s, keys, value_bytes, max_records, &mut ctx);
        Ok(Outcome::Done)
    }

    pub(crate) fn stop_producer(
        &mut self,
        id: &str,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        if self.kill_transactional(id, out) {
            return Ok(Outcome::Done);
        }
        let running = self
            .producer_names
            .get(id)
            .and_then(|c| self.producers.get(c))
            .and_then(|p| p.continuous.as_ref())
            .is_some_and(|c| c.running);
        if !running {
            return Err(KafkaError::new(
                ErrorKind::IllegalStateException,
                format!("No running producer with id {id}."),
            ));
        }
        let c = self.producer_names[id];
        self.producers
            .get_mut(&c)
            .expect("exists")
            .stop_continuous();
        out.events.push(Event::ProducerStopped {
            producer: Arc::from(id),
        });
        Ok(Outcome::Done)
    }

    fn kill_broker(&mut self, broker: BrokerId, out: &mut Outbox) -> Result<Outcome, KafkaError> {
        let b = self.broker_checked(broker)?;
        if !b.alive {
            return Err(KafkaError::new(
                ErrorKind::IllegalStateException,
                format!("Broker {} is already stopped.", broker.0),
            ));
        }
        let mut ctx = ctx!(self, out);
        ctx.emit(Event::BrokerKilled { broker });
        self.brokers
            .get_mut(&broker)
            .expect("checked")
            .kill(&mut ctx);
        Ok(Outcome::Done)
    }

    fn restart_broker(
        &mut self,
        broker: BrokerId,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        let b = self.broker_checked(broker)?;
        if b.alive {
            return Err(KafkaError::new(
                ErrorKind::IllegalStateException,
                format!("Broker {} is already running.", broker.0),
            ));
        }
        let mut ctx = ctx!(self, out);
        ctx.emit(Event::BrokerRestarted { broker });
        self.brokers
            .get_mut(&broker)
            .expect("checked")
            .restart(&mut ctx);
        Ok(Outcome::Done)
    }

    fn isolate_broker(
        &mut self,
        broker: BrokerId,
        from: IsolateFrom,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
        self.broker_checked(broker)?;
        if self.network.is_cut(broker) {
            return Err(KafkaError::new(
                ErrorKind::IllegalStateException,
                format!("Broker {} is already isolated.", broker.0),
            ));
        }
        match from {
            IsolateFrom::All => self.network.isolated.insert(broker),
            IsolateFrom::Cluster => self.network.cut_from_cluster.insert(broker),
        };
        out.events.push(Event::BrokerIsolated { broker, from });
        Ok(Outcome::Done)
    }

    /// Controlled shutdown (`BrokerLifecycleManager`, the controller's
    /// `handleBrokerInControlledShutdown`): the broker tells the controller it wants to shut
    /// down, the controller moves its leaderships to other ISR members and drops it from the
    /// ISRs, and fences it once it leads nothing; then the process ends. Unlike a crash, no
    /// partition waits `broker.session.timeout.ms` for a new leader. A broker that cannot
    /// reach the controller gives up on the controlled shutdown and just stops.
    fn stop_broker(&mut self, broker: BrokerId, out: &mut Outbox) -> Result<Outcome, KafkaError> {
        let b = self.broker_checked(broker)?;
        if !b.alive {
            return Err(KafkaError::new(
                ErrorKind::IllegalStateException,
                format!("Broker {} is already stopped.", broker.0),
            ));
        }
        let reaches = self
            .network
            .connected(NodeId::Broker(broker), NodeId::Controller);
        let mut ctx = ctx!(self, out);
        ctx.emit(Event::BrokerStopped { broker });
        if reaches {
            self.controller.controlled_shutdown(broker, &mut ctx);
        }
        self.brokers
            .get_mut(&broker)
            .expect("checked")
            .kill(&mut ctx);
        Ok(Outcome::Done)
    }

    fn add_broker(
        &mut self,
        broker: Option<BrokerId>,
        out: &mut Outbox,
    ) -> Result<Outcome, KafkaError> {
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
        b.auto_create_topics = self.config.auto_create_topics_enable;
        let mut ctx = ctx!(self, out);
        ctx.emit(Event::BrokerAdded { broker: id });
        b.start(&mut ctx);
        self.brokers.insert(id, b);
        Ok(Outcome::BrokerAdded(id))
    }

    fn broker_checked(&self, broker: BrokerId) -> Result<&Broker, KafkaError> {
        self.brokers.get(&broker).ok_or_else(|| {
            KafkaError::new(
                ErrorKind::BrokerNotAvailableException,
                format!("Broker {} is not part of the cluster.", broker.0),
            )
        })
    }

    /// The partition count of an existing topic.
    fn partition_count(&self, topic: &str) -> Option<u32> {
        self.controller
            .image
            .topics
            .get(topic)
            .map(|t| t.partitions.len() as u32)
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

/// A continuous producer's settings ([`Command::StartProducer`] without its names).
pub(crate) struct ProducerLoad {
    pub rate_per_s: u64,
    pub keys: Option<Vec<String>>,
    pub acks: Acks,
    pub enable_idempotence: Option<bool>,
    pub value_bytes: Option<u32>,
    pub partitioner: PartitionerKind,
    pub max_records: Option<u64>,
}

impl ProducerLoad {
    /// A load of Kafka's defaults but its rate, keys and acks.
    pub fn new(rate_per_s: u64, keys: Option<Vec<String>>, acks: Acks) -> Self {
        ProducerLoad {
            rate_per_s,
            keys,
            acks,
            enable_idempotence: None,
            value_bytes: None,
            partitioner: PartitionerKind::default(),
            max_records: None,
        }
    }

    /// Refuses what `start_producer` would refuse for `topic` (so a caller can check before
    /// changing anything); returns whether the producer is idempotent.
    pub fn check(&self, topic: &str) -> Result<bool, KafkaError> {
        crate::topic::validate_topic_name(topic)?;
        let idempotent = idempotence(self.acks, self.enable_idempotence)?;
        let rate_per_s = self.rate_per_s;
        if rate_per_s == 0 || rate_per_s > MAX_RATE_PER_S {
            return Err(KafkaError::new(
                ErrorKind::IllegalArgumentException,
                format!("rate_per_s must be between 1 and {MAX_RATE_PER_S}, got {rate_per_s}."),
            ));
        }
        if self.value_bytes.is_some_and(|v| v > MAX_VALUE_BYTES) {
            return Err(KafkaError::new(
                ErrorKind::IllegalArgumentException,
                format!("value_bytes must be at most {MAX_VALUE_BYTES}."),
            ));
        }
        if self.keys.as_ref().is_some_and(|k| k.is_empty()) {
            return Err(KafkaError::new(
                ErrorKind::IllegalArgumentException,
                "keys must not be an empty list (use null for keyless records).",
            ));
        }
        Ok(idempotent)
    }
}

/// `enable.idempotence` as `KafkaProducer` settles it: on by default unless acks is not all
/// (then silently off); asked for explicitly with acks 0 or 1 it is a `ConfigException`.
fn idempotence(acks: Acks, enable: Option<bool>) -> Result<bool, KafkaError> {
    match enable {
        Some(true) if acks != Acks::All => Err(KafkaError::new(
            ErrorKind::ConfigException,
            "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.",
        )),
        Some(e) => Ok(e),
        None => Ok(acks == Acks::All),
    }
}
