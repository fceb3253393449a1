//! One random workload per seed, as a [`Scenario`] of typed commands (so a failure is written
//! as a file that `kafka-sim run FILE --check` replays).
//!
//! The workload: 3-5 brokers; 1-3 topics with random partitions, replication factor and
//! `min.insync.replicas`; continuous producers with acks 0, 1 or all, keyed or not; single
//! records; consumer groups (every assignor, earliest or latest, some slow); and faults at
//! random times: broker kills and restarts, isolations and heals, consumers killed, leaving
//! and joining,
//! `min.insync.replicas` changes, toggles of `unclean.leader.election.enable` (rare, or always
//! on in the positive control), partition increases, preferred elections, producers stopped
//! and started, brokers added. Some topics roll segments every few seconds and delete them
//! by `retention.ms` / `retention.bytes`; some are compacted (`cleanup.policy=compact`, or
//! `compact,delete`) with a low `min.cleanable.dirty.ratio`, so the cleaner runs during the
//! run (these choices come from a second random stream, so the rest of a seed's workload is
//! what it was without them). Transactions (committed, aborted, some whose producer dies
//! mid-way so the coordinator aborts them after `transaction.timeout.ms`, some reusing a
//! transactional id so the older producer is fenced) and read_committed consumers come from a
//! third stream. At most RF-1 brokers are down (dead or isolated) at once,
//! Kafka's precondition for keeping acked records. At the end the network heals, every
//! broker restarts, and the cluster runs a minute more to settle.

use crate::assignor::AssignorKind;
use crate::command::{Command, JoinGroupSpec, TxnOutcome, TxnRecord};
use crate::consumer::{IsolationLevel, OffsetReset};
use crate::controller::NewTopic;
use crate::ids::BrokerId;
use crate::message::Acks;
use crate::partitioner::PartitionerKind;
use crate::rng::SplitMix64;
use crate::scenario::{Scenario, Step};
use std::collections::BTreeMap;

/// What kind of sweep to generate.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Workload {
    /// Positive control: every topic is created with `unclean.leader.election.enable=true`
    /// and faults may take down every replica, so acked records can be lost (expectedly).
    pub unclean: bool,
}

/// The workload of `seed`.
pub fn scenario(seed: u64, w: Workload) -> Scenario {
    let mut g = Gen {
        r: SplitMix64::new(seed ^ 0x5eed_5eed_5eed_5eed),
        logs: SplitMix64::new(seed ^ 0x1065_1065_1065_1065),
        idempotence: SplitMix64::new(seed ^ 0x1de0_1de0_1de0_1de0),
        txns: SplitMix64::new(seed ^ 0x7a45_7a45_7a45_7a45),
        steps: Vec::new(),
        alive: Vec::new(),
        dead: Vec::new(),
        isolated: Vec::new(),
        topics: Vec::new(),
        producers: Vec::new(),
        next_producer: 0,
        consumers: Vec::new(),
        next_consumer: 0,
        w,
    };
    let brokers = 3 + g.r.below(3);
    g.alive = (1..=brokers).collect();
    let topic_count = 1 + g.r.below(3);
    for i in 0..topic_count {
        g.create_topic(i, brokers);
    }
    for _ in 0..1 + g.r.below(3) {
        let at = 10 + u64::from(g.r.below(1000));
        g.start_producer(at);
    }
    for group in 0..g.r.below(3) {
        for _ in 0..1 + g.r.below(3) {
            let at = 10 + u64::from(g.r.below(2_000));
            g.join_group(at, group);
        }
    }
    let mut t = 2_000;
    for _ in 0..3 + g.r.below(10) {
        t += 1_000 + u64::from(g.r.below(15_000));
        g.fault(t);
        if g.r.below(3) == 0 {
            let at = t + 1 + u64::from(g.r.below(500));
            g.produce(at);
        }
    }
    g.transactions(t);
    let end = t + 5_000;
    if !g.isolated.is_empty() {
        g.push(end, Command::HealNetwork {});
    }
    for b in std::mem::take(&mut g.dead) {
        g.push(
            end,
            Command::RestartBroker {
                broker: BrokerId(b),
            },
        );
    }
    g.steps.sort_by_key(|s| s.at_ms);
    Scenario {
        seed,
        brokers,
        until_ms: end + 60_000,
        latency_ms: crate::network::DEFAULT_LATENCY_MS,
        description: Some(format!(
            "kafka-sim verify workload for seed {seed}{}",
            if w.unclean {
                " (unclean positive control)"
            } else {
                ""
            }
        )),
        steps: g.steps,
    }
}

struct Topic {
    name: String,
    partitions: u32,
    rf: u32,
}

struct Gen {
    r: SplitMix64,
    /// Log configs (retention, compaction) of the topics.
    logs: SplitMix64,
    /// Whether acks=all producers are idempotent (a third are not): a stream of its own too.
    idempotence: SplitMix64,
    /// Transactions and read_committed consumers: a stream of their own.
    txns: SplitMix64,
    steps: Vec<Step>,
    alive: Vec<u32>,
    dead: Vec<u32>,
    isolated: Vec<u32>,
    topics: Vec<Topic>,
    producers: Vec<String>,
    next_producer: u32,
    /// Running consumers as `(group, consumer id)`.
    consumers: Vec<(String, String)>,
    next_consumer: u32,
    w: Workload,
}

impl Gen {
    fn push(&mut self, at_ms: u64, command: Command) {
        self.steps.push(Step { at_ms, command });
    }

    fn set_config(&mut self, at: u64, topic: String, name: &str, value: String) {
        let configs = BTreeMap::from([(name.to_string(), Some(value))]);
        self.push(at, Command::SetTopicConfig { topic, configs });
    }

    fn pick<T: Clone>(&mut self, from: &[T]) -> Option<T> {
        (!from.is_empty()).then(|| from[self.r.below(from.len() as u32) as usize].clone())
    }

    fn create_topic(&mut self, i: u32, brokers: u32) {
        let partitions = 1 + self.r.below(4);
        let rf = [1, 2, 3, 3, 3][self.r.below(5) as usize].min(brokers);
        let min_isr = 1 + self.r.below(rf);
        let name = format!("t{i}");
        let mut configs = BTreeMap::from([config("min.insync.replicas", min_isr)]);
        if self.w.unclean {
            configs.extend([config("unclean.leader.election.enable", "true")]);
        }
        self.log_configs(&mut configs);
        self.push(
            0,
            Command::CreateTopic(NewTopic {
                topic: name.clone(),
                partitions: Some(partitions as i32),
                replication_factor: Some(rf as i32),
                configs,
                ..NewTopic::default()
            }),
        );
        self.topics.push(Topic {
            name,
            partitions,
            rf,
        });
    }

    /// A third of the topics keep a short log (segments of a few seconds, deleted after
    /// seconds or a few KB), a quarter are compacted, the rest keep Kafka's defaults.
    fn log_configs(&mut self, configs: &mut BTreeMap<String, String>) {
        let l = &mut self.logs;
        match l.below(12) {
            0..=3 => {
                configs.extend([config("segment.ms", 1_000 + l.below(9_000))]);
                configs.extend([config("retention.ms", 2_000 + l.below(38_000))]);
                if l.below(2) == 0 {
                    configs.extend([config("retention.bytes", 1_000 + l.below(30_000))]);
                }
            }
            4..=6 => {
                let policy = ["compact", "compact,delete"][l.below(2) as usize];
                configs.extend([config("cleanup.policy", policy)]);
                configs.extend([config("segment.ms", 1_000 + l.below(4_000))]);
                let ratio = format!("0.{:02}", 1 + l.below(50));
                configs.extend([config("min.cleanable.dirty.ratio", ratio)]);
                configs.extend([config("delete.retention.ms", 1_000 + l.below(20_000))]);
                if policy == "compact,delete" {
                    configs.extend([config("retention.ms", 5_000 + l.below(40_000))]);
                }
            }
            _ => {}
        }
    }

    fn topic(&mut self) -> (String, u32) {
        let i = self.r.below(self.topics.len() as u32) as usize;
        (self.topics[i].name.clone(), self.topics[i].rf)
    }

    fn acks(&mut self) -> Acks {
        [Acks::Zero, Acks::One, Acks::All, Acks::All, Acks::All][self.r.below(5) as usize]
    }

    /// `enable_idempotence` for a producer with `acks`: Kafka's default (on) for two thirds of
    /// the acks=all producers, off for the rest, so both kinds retry through the same faults.
    fn idempotence(&mut self, acks: Acks) -> Option<bool> {
        (acks == Acks::All && self.idempotence.below(3) == 0).then_some(false)
    }

    fn start_producer(&mut self, at: u64) {
        // A fresh id every time: a producer's acks never change while it has requests in
        // flight (the acked-record check reads a producer's acks by name).
        let id = format!("p{}", self.next_producer);
        self.next_producer += 1;
        let (topic, _) = self.topic();
        let keys = match self.r.below(3) {
            0 => None,
            _ => Some((0..5).map(|k| format!("k{k}")).collect()),
        };
        let rate = 5 + self.r.below(120);
        let acks = self.acks();
        let enable_idempotence = self.idempotence(acks);
        self.push(
            at,
            Command::StartProducer {
                id: id.clone(),
                topic,
                rate_per_s: u64::from(rate),
                keys,
                acks,
                enable_idempotence,
                value_bytes: None,
                partitioner: PartitionerKind::Default,
                max_records: None,
            },
        );
        self.producers.push(id);
    }

    fn join_group(&mut self, at: u64, group: u32) {
        let group = format!("g{group}");
        let consumer = format!("c{}", self.next_consumer);
        self.next_consumer += 1;
        let (topic, _) = self.topic();
        let assignor = [
            AssignorKind::Range,
            AssignorKind::RoundRobin,
            AssignorKind::Sticky,
            AssignorKind::CooperativeSticky,
        ][self.r.below(4) as usize];
        let reset = [OffsetReset::Earliest, OffsetReset::Latest][self.r.below(2) as usize];
        let mut spec = JoinGroupSpec::new(&group, &consumer, &[&topic]);
        spec.assignor = Some(assignor);
        spec.auto_offset_reset = reset;
        if self.r.below(3) == 0 {
            spec.process_rate_per_s = Some(u64::from(1 + self.r.below(200)));
        }
        if self.txns.below(2) == 0 {
            spec.isolation_level = IsolationLevel::ReadCommitted;
        }
        self.push(at, Command::JoinGroup(Box::new(spec)));
        self.consumers.push((group, consumer));
    }

    /// 1-4 transactions between 1 s and `last`: 1-5 keyed records each, committed or
    /// aborted; a quarter of the producers die a few ms in (before, during or after their
    /// EndTxn); a sixth reuse the previous transactional id (fencing its producer).
    fn transactions(&mut self, last: u64) {
        let mut id = 0;
        for _ in 0..1 + self.txns.below(4) {
            let at = 1_000 + u64::from(self.txns.below(last.saturating_sub(1_000).max(1) as u32));
            if id == 0 || self.txns.below(6) != 0 {
                id += 1;
            }
            let transactional_id = format!("tx{id}");
            let records = (0..1 + self.txns.below(5))
                .map(|i| {
                    let topic = &self.topics[self.txns.below(self.topics.len() as u32) as usize];
                    TxnRecord {
                        topic: topic.name.clone(),
                        key: Some(format!("key-{}", self.txns.below(10)).into_bytes()),
                        value: Some(format!("{transactional_id}-{i}").into_bytes()),
                        partition: None,
                    }
                })
                .collect();
            let outcome = [TxnOutcome::Commit, TxnOutcome::Abort][self.txns.below(2) as usize];
            if self.txns.below(4) == 0 {
                // Mostly 17-24 ms in: after its records are written, before EndTxn (once
                // `__transaction_state` exists), so the coordinator's timeout aborts it.
                let dies = at
                    + match self.txns.below(3) {
                        0 => 5 + u64::from(self.txns.below(400)),
                        _ => 17 + u64::from(self.txns.below(8)),
                    };
                let id = transactional_id.clone();
                self.push(dies, Command::StopProducer { id });
            }
            let command = Command::Transaction {
                transactional_id,
                records,
                outcome,
            };
            self.push(at, command);
        }
    }

    fn produce(&mut self, at: u64) {
        let (topic, _) = self.topic();
        let acks = self.acks();
        let enable_idempotence = self.idempotence(acks);
        let key = format!("key-{}", self.r.below(10));
        // Some tombstones, for the compacted topics.
        let value = if self.logs.below(5) == 0 {
            None
        } else {
            Some(b"v".to_vec())
        };
        self.push(
            at,
            Command::Produce {
                topic,
                key: Some(key.into_bytes()),
                value,
                headers: Vec::new(),
                partition: None,
                acks,
                enable_idempotence,
            },
        );
    }

    /// How many brokers may be down at once: RF-1 of the widest topic (at least one), or any
    /// number in the positive control.
    fn max_down(&self) -> usize {
        if self.w.unclean {
            return self.alive.len() + self.dead.len();
        }
        let rf = self.topics.iter().map(|t| t.rf).max().unwrap_or(1);
        rf.saturating_sub(1).max(1) as usize
    }

    fn fault(&mut self, at: u64) {
        let down = self.dead.len() + self.isolated.len();
        let up: Vec<u32> = self
            .alive
            .iter()
            .copied()
            .filter(|b| !self.isolated.contains(b))
            .collect();
        // The positive control may take every broker down (that is what makes an unclean
        // election lose acks=all records); the normal sweep keeps one up.
        let keep_up = usize::from(!self.w.unclean);
        let kind = self.r.below(20);
        match kind {
            0..=4 if down < self.max_down() && up.len() > keep_up => {
                let b = self.pick(&up).expect("non-empty");
                self.alive.retain(|x| *x != b);
                self.dead.push(b);
                self.push(
                    at,
                    Command::KillBroker {
                        broker: BrokerId(b),
                    },
                );
            }
            0..=6 if !self.dead.is_empty() => {
                let b = self.pick(&self.dead.clone()).expect("non-empty");
                self.dead.retain(|x| *x != b);
                self.alive.push(b);
                self.push(
                    at,
                    Command::RestartBroker {
                        broker: BrokerId(b),
                    },
                );
            }
            7 | 8 if down < self.max_down() && up.len() > 1 => {
                let b = self.pick(&up).expect("non-empty");
                self.isolated.push(b);
                self.push(
                    at,
                    Command::IsolateBroker {
                        broker: BrokerId(b),
                    },
                );
            }
            7..=9 if !self.isolated.is_empty() => {
                self.isolated.clear();
                self.push(at, Command::HealNetwork {});
            }
            10 | 11 => {
                let (topic, rf) = self.topic();
                let min_isr = 1 + self.r.below(rf);
                self.set_config(at, topic, "min.insync.replicas", min_isr.to_string());
            }
            12 if !self.w.unclean && self.r.below(4) == 0 => {
                let (topic, _) = self.topic();
                let value = ["true", "false"][self.r.below(2) as usize];
                self.set_config(
                    at,
                    topic,
                    "unclean.leader.election.enable",
                    value.to_string(),
                );
            }
            13 => {
                let i = self.r.below(self.topics.len() as u32) as usize;
                self.topics[i].partitions += 1 + self.r.below(2);
                let (topic, partitions) = (self.topics[i].name.clone(), self.topics[i].partitions);
                self.push(
                    at,
                    Command::AlterPartitions {
                        topic,
                        partitions: partitions as i32,
                    },
                );
            }
            14 => self.push(at, Command::ElectPreferredLeaders { topic: None }),
            15 if !self.producers.is_empty() => {
                let i = self.r.below(self.producers.len() as u32) as usize;
                let id = self.producers.remove(i);
                self.push(at, Command::StopProducer { id });
            }
            16 => self.start_producer(at),
            17 | 18 if !self.consumers.is_empty() => {
                let i = self.r.below(self.consumers.len() as u32) as usize;
                let (group, consumer) = self.consumers.remove(i);
                let command = if self.r.below(2) == 0 {
                    Command::KillConsumer { group, consumer }
                } else {
                    Command::LeaveGroup { group, consumer }
                };
                self.push(at, command);
            }
            17 | 18 => {
                let group = self.r.below(2);
                self.join_group(at, group);
            }
            19 if self.r.below(3) == 0 => {
                let b = self
                    .alive
                    .iter()
                    .chain(&self.dead)
                    .max()
                    .copied()
                    .unwrap_or(0)
                    + 1;
                self.alive.push(b);
                self.push(
                    at,
                    Command::AddBroker {
                        broker: Some(BrokerId(b)),
                    },
                );
            }
            _ => self.produce(at),
        }
    }
}

/// One topic config entry, its value as text.
fn config(name: &str, value: impl ToString) -> (String, String) {
    (name.to_string(), value.to_string())
}
