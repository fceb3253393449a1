//! One random workload per seed, as a [`Scenario`] of typed commands (so a failure is written
//! as a file that `kafka-sim run FILE --check` replays).
//!
//! The workload: 3-5 brokers; 1-3 topics with random partitions, replication factor and
//! `min.insync.replicas`; continuous producers with acks 0, 1 or all, keyed or not; single
//! records; consumer groups (every assignor, earliest or latest, some slow); and faults at
//! random times: broker kills, controlled shutdowns (`stop_broker`) and restarts, isolations
//! (from everything, or only from the cluster while clients still reach the broker) and
//! heals, consumers killed, leaving and joining,
//! `min.insync.replicas` changes, toggles of `unclean.leader.election.enable` (rare, or always
//! on in the positive control), partition increases, preferred elections (all partitions,
//! or `elect_leaders` preferred or unclean for one), topics deleted (and auto-created again
//! by the clients still using them), producers stopped and started, brokers added. Some topics roll segments every few seconds and delete them
//! by `retention.ms` / `retention.bytes`; some are compacted (`cleanup.policy=compact`, or
//! `compact,delete`) with a low `min.cleanable.dirty.ratio`, so the cleaner runs during the
//! run. The log lifecycle is pushed hard: slow consumer groups fall behind short-retention
//! topics (their positions drop below the log start: OFFSET_OUT_OF_RANGE and
//! `auto.offset.reset`, `none` included) and some reprocess from the earliest offset; compacted
//! topics get tombstones for the keys the producers repeat; a run with a short-retention
//! topic lasts past the second retention check (330 s); and a topic may switch
//! `cleanup.policy` or shorten `retention.ms` mid-run. Transactions (committed, aborted, some
//! whose producer dies mid-way so the coordinator aborts them after `transaction.timeout.ms`,
//! some reusing a transactional id so the older producer is fenced) and read_committed
//! consumers are drawn too. These choices, like each acks=all producer's idempotence, come
//! from random streams of their own, so the rest of a seed's workload is what it was without
//! them. At most RF-1 brokers are down (dead or isolated) at once,
//! Kafka's precondition for keeping acked records. At the end the network heals, every
//! broker restarts, and the cluster runs a minute more to settle.

use crate::assignor::AssignorKind;
use crate::command::{
    Command, ElectionType, IsolateFrom, JoinGroupSpec, ResetTarget, TxnOutcome, TxnRecord,
};
use crate::consumer::{IsolationLevel, OffsetReset};
use crate::controller::NewTopic;
use crate::ids::BrokerId;
use crate::log::{LOG_INITIAL_TASK_DELAY_MS, LOG_RETENTION_CHECK_INTERVAL_MS};
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
    g.log_workload(end);
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
    // Past the second retention check (`log.retention.check.interval.ms` after the first),
    // so every leader deletes by retention at least twice; the producers stop where the run
    // used to end (the quiet tail costs little), so the check empties the logs and moves
    // every log start past what slow consumers have read.
    let short = g.topics.iter().any(|t| t.log == LogKind::Short);
    let second_check = LOG_INITIAL_TASK_DELAY_MS + LOG_RETENTION_CHECK_INTERVAL_MS + 10_000;
    let until_ms = if short && end + 60_000 < second_check {
        for (id, _) in std::mem::take(&mut g.producers) {
            g.push(end + 60_000, Command::StopProducer { id });
        }
        second_check
    } else {
        end + 60_000
    };
    g.steps.sort_by_key(|s| s.at_ms);
    Scenario {
        seed,
        brokers,
        until_ms,
        latency_ms: crate::network::DEFAULT_LATENCY_MS,
        auto_create_topics_enable: true,
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
    log: LogKind,
}

/// A topic's log configs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum LogKind {
    /// Kafka's defaults.
    Default,
    /// Segments of a few seconds, deleted after seconds or a few KB.
    Short,
    Compacted,
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
    /// Running producers as `(id, topic)`.
    producers: Vec<(String, String)>,
    next_producer: u32,
    /// Running consumers as `(group, consumer id, topic)`.
    consumers: Vec<(String, String, String)>,
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
        let log = self.log_configs(&mut configs);
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
            log,
        });
    }

    /// A third of the topics keep a short log (segments of a few seconds, deleted after
    /// seconds or a few KB), a quarter are compacted, the rest keep Kafka's defaults.
    fn log_configs(&mut self, configs: &mut BTreeMap<String, String>) -> LogKind {
        let l = &mut self.logs;
        match l.below(12) {
            0..=3 => {
                configs.extend([config("segment.ms", 1_000 + l.below(9_000))]);
                configs.extend([config("retention.ms", 2_000 + l.below(38_000))]);
                if l.below(2) == 0 {
                    configs.extend([config("retention.bytes", 1_000 + l.below(30_000))]);
                }
                LogKind::Short
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
                LogKind::Compacted
            }
            _ => LogKind::Default,
        }
    }

    /// The log lifecycle's own load, all from the second stream, before `end`: slow groups
    /// behind short-retention topics (some reprocessing from the earliest offset),
    /// tombstones for the producers' keys on compacted topics, and a mid-run config change.
    fn log_workload(&mut self, end: u64) {
        for i in 0..self.topics.len() {
            let (name, log) = (self.topics[i].name.clone(), self.topics[i].log);
            match log {
                LogKind::Short => {
                    // Its own producer, so the topic grows while the group lags.
                    let id = format!("pl{i}");
                    let rate = 10 + self.logs.below(30);
                    let at = 10 + u64::from(self.logs.below(1_000));
                    self.push(
                        at,
                        Command::StartProducer {
                            id: id.clone(),
                            topic: name.clone(),
                            rate_per_s: u64::from(rate),
                            keys: None,
                            acks: Acks::All,
                            value_bytes: None,
                            partitioner: PartitionerKind::Default,
                            max_records: None,
                            enable_idempotence: None,
                        },
                    );
                    self.producers.push((id, name.clone()));
                    self.slow_group(i, &name, end);
                }
                LogKind::Compacted => {
                    for _ in 0..3 + self.logs.below(6) {
                        let at = 2_000 + u64::from(self.logs.below(end as u32));
                        let key = format!("k{}", self.logs.below(5));
                        self.push(at, tombstone(&name, key));
                    }
                }
                _ => {}
            }
        }
        if self.logs.below(4) == 0 {
            let i = self.logs.below(self.topics.len() as u32) as usize;
            let topic = self.topics[i].name.clone();
            let at = 5_000 + u64::from(self.logs.below(end as u32));
            if self.logs.below(2) == 0 {
                let policy = ["delete", "compact", "compact,delete"][self.logs.below(3) as usize];
                self.set_config(at, topic, "cleanup.policy", policy.to_string());
            } else {
                let ms = 2_000 + self.logs.below(20_000);
                self.set_config(at, topic, "retention.ms", ms.to_string());
            }
        }
    }

    /// A group that processes a few records a second on topic `i`, so retention deletes
    /// records it has not read yet; half of them leave, reset to the earliest offset and
    /// come back (`kafka-consumer-groups --reset-offsets --to-earliest`).
    fn slow_group(&mut self, i: usize, topic: &str, end: u64) {
        let l = &mut self.logs;
        let group = format!("slow{i}");
        // The first member has no committed offset (`none` would fail at once); the one
        // that comes back after the reset may fall behind again and then follows its policy.
        let first_reset = [OffsetReset::Earliest, OffsetReset::Latest][l.below(2) as usize];
        let again_reset = [
            OffsetReset::Earliest,
            OffsetReset::Earliest,
            OffsetReset::Latest,
            OffsetReset::None,
        ][l.below(4) as usize];
        let rate = 1 + l.below(10);
        let join_at = 10 + u64::from(l.below(5_000));
        let reprocess_at = (l.below(2) == 0).then(|| 30_000 + u64::from(l.below(end as u32)));
        let join = |consumer: String, reset: OffsetReset| {
            let mut spec = JoinGroupSpec::new(&group, &consumer, &[topic]);
            spec.auto_offset_reset = reset;
            spec.process_rate_per_s = Some(u64::from(rate));
            spec.max_poll_records = Some(1 + rate);
            Command::JoinGroup(Box::new(spec))
        };
        let first = join(format!("s{i}-0"), first_reset);
        let again = join(format!("s{i}-1"), again_reset);
        self.push(join_at, first);
        if let Some(at) = reprocess_at {
            self.push(
                at,
                Command::LeaveGroup {
                    group: group.clone(),
                    consumer: format!("s{i}-0"),
                },
            );
            // Once the group is empty (else Kafka refuses the reset; so does the engine).
            self.push(
                at + 3_000,
                Command::ResetOffsets {
                    group,
                    topic: topic.to_string(),
                    to: ResetTarget::Earliest,
                },
            );
            self.push(at + 4_000, again);
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
                topic: topic.clone(),
                rate_per_s: u64::from(rate),
                keys,
                acks,
                enable_idempotence,
                value_bytes: None,
                partitioner: PartitionerKind::Default,
                max_records: None,
            },
        );
        self.producers.push((id, topic));
    }

    fn delete_topic(&mut self, at: u64) {
        let i = self.r.below(self.topics.len() as u32) as usize;
        let topic = self.topics.remove(i).name;
        let (stopping, running) = std::mem::take(&mut self.producers)
            .into_iter()
            .partition(|(_, t)| *t == topic);
        self.producers = running;
        for (id, _) in stopping {
            self.push(at, Command::StopProducer { id });
        }
        let (leaving, staying) = std::mem::take(&mut self.consumers)
            .into_iter()
            .partition(|(_, _, t)| *t == topic);
        self.consumers = staying;
        for (group, consumer, _) in leaving {
            self.push(at, Command::LeaveGroup { group, consumer });
        }
        // Time for the closing commits and the last batches.
        self.push(at + 10_000, Command::DeleteTopic { topic });
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
        self.consumers.push((group, consumer, topic));
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
                let broker = BrokerId(b);
                // A third are controlled shutdowns (leaderships moved first), the rest crashes.
                // The positive control keeps its crashes only (and so the random stream it
                // had): a controlled shutdown leaves the ISR first, which is what keeps acked
                // records safe, and the control is there to lose some.
                let command = if !self.w.unclean && self.r.below(3) == 0 {
                    Command::StopBroker { broker }
                } else {
                    Command::KillBroker { broker }
                };
                self.push(at, command);
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
                // Half cut only from the cluster: clients still reach it (split brain).
                let from = if self.w.unclean {
                    IsolateFrom::All
                } else {
                    [IsolateFrom::All, IsolateFrom::Cluster][self.r.below(2) as usize]
                };
                self.push(
                    at,
                    Command::IsolateBroker {
                        broker: BrokerId(b),
                        from,
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
            // Now and then a topic is deleted, as an operator would: its producers stopped
            // and its consumers closed first, and no later step names it.
            13 if !self.w.unclean && self.topics.len() > 1 && self.r.below(2) == 0 => {
                self.delete_topic(at);
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
            14 if self.w.unclean || self.r.below(2) == 0 => {
                self.push(at, Command::ElectPreferredLeaders { topic: None })
            }
            14 => {
                let i = self.r.below(self.topics.len() as u32) as usize;
                let partition = self.r.below(self.topics[i].partitions) as i32;
                let election_type =
                    [ElectionType::Preferred, ElectionType::Unclean][self.r.below(2) as usize];
                let topic = self.topics[i].name.clone();
                self.push(
                    at,
                    Command::ElectLeaders {
                        topic,
                        partition,
                        election_type,
                    },
                );
            }
            15 if !self.producers.is_empty() => {
                let i = self.r.below(self.producers.len() as u32) as usize;
                let (id, _) = self.producers.remove(i);
                self.push(at, Command::StopProducer { id });
            }
            16 => self.start_producer(at),
            17 | 18 if !self.consumers.is_empty() => {
                let i = self.r.below(self.consumers.len() as u32) as usize;
                let (group, consumer, _) = self.consumers.remove(i);
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

/// An acks=all tombstone (null value) for `key`.
fn tombstone(topic: &str, key: String) -> Command {
    Command::Produce {
        topic: topic.to_string(),
        key: Some(key.into_bytes()),
        value: None,
        headers: Vec::new(),
        partition: None,
        acks: Acks::All,
        enable_idempotence: None,
    }
}

/// One topic config entry, its value as text.
fn config(name: &str, value: impl ToString) -> (String, String) {
    (name.to_string(), value.to_string())
}
