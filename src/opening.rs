//! The clusters the app can open on. `Classic` is Kafka's teaching example and the default;
//! `Large` (`?scenario=large`) shows that the diagram stays legible, and is what the frame-time
//! benchmark measures.

use kafka_sim::assignor::AssignorKind;
use kafka_sim::command::JoinGroupSpec;
use kafka_sim::consumer::OffsetReset;
use kafka_sim::scenario::{run_scenario, Scenario, Step};
use kafka_sim::{Acks, Command, Engine, NewTopic};

/// One-way network latency in the app, ms. Real links take about a millisecond; the diagram uses
/// a slower network so that requests in flight can be seen at 1x. Kafka's timeouts (seconds) are
/// far larger, so the behaviour is the same.
pub const LATENCY_MS: u64 = 150;
pub const SEED: u64 = 42;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// 3 brokers; `orders` with 6 partitions, RF 3, min.insync.replicas=2; a producer of orders
    /// keyed by customer id at a rate slow enough to follow one record with the eye; consumer
    /// groups `payments` (2 consumers) and `inventory` (1) each reading every order.
    Classic,
    /// 12 brokers; `events` with 100 partitions, RF 3; a producer at 2,000 records/s; 6 consumer
    /// groups of 3 consumers each.
    Large,
}

impl Preset {
    /// From the page's query string, e.g. `?scenario=large`; anything else is `Classic`.
    pub fn from_query(query: &str) -> Preset {
        let large = query
            .trim_start_matches('?')
            .split('&')
            .any(|pair| pair == "scenario=large");
        if large {
            Preset::Large
        } else {
            Preset::Classic
        }
    }

    fn brokers(self) -> u32 {
        match self {
            Preset::Classic => 3,
            Preset::Large => 12,
        }
    }

    pub fn topic(self) -> &'static str {
        match self {
            Preset::Classic => "orders",
            Preset::Large => "events",
        }
    }

    fn partitions(self) -> i32 {
        match self {
            Preset::Classic => 6,
            Preset::Large => 100,
        }
    }

    /// The topic's log lifecycle: Kafka keeps a week by default, which no browser tab can hold
    /// at these rates. Whole segments past `retention.ms` (or, for `Large`, beyond
    /// `retention.bytes` per partition) are deleted, as Kafka deletes them. Measured with
    /// `cargo run -p kafka-sim --release --example memory`: `Classic` keeps an hour of
    /// records in under 8 MB; `Large` (2,000 records/s) keeps its last 10-15 minutes and stays
    /// flat near 175 MB natively over 50 simulated hours.
    fn retention(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Preset::Classic => &[("retention.ms", "3600000"), ("segment.ms", "600000")],
            Preset::Large => &[
                ("retention.ms", "600000"),
                ("segment.ms", "120000"),
                ("segment.bytes", "1048576"),
                ("retention.bytes", "1048576"),
            ],
        }
    }

    /// The name of the preset's load producer.
    pub fn producer(self) -> &'static str {
        match self {
            Preset::Classic => "order-service",
            Preset::Large => "event-service",
        }
    }

    pub fn producer_rate_per_s(self) -> u64 {
        match self {
            Preset::Classic => 2,
            Preset::Large => 2_000,
        }
    }

    /// The producer's keys: customers, so each customer's records stay in order on one partition.
    fn keys(self) -> Vec<String> {
        let customers = match self {
            Preset::Classic => 8,
            Preset::Large => 500,
        };
        (1..=customers).map(|c| format!("customer-{c}")).collect()
    }

    /// Starts (or restarts) the preset's producer at `rate_per_s`, acks=all.
    pub fn start_producer(self, rate_per_s: u64) -> Command {
        Command::StartProducer {
            id: self.producer().to_string(),
            topic: self.topic().to_string(),
            rate_per_s,
            keys: Some(self.keys()),
            acks: Acks::All,
            enable_idempotence: None,
            value_bytes: None,
            partitioner: Default::default(),
            max_records: None,
        }
    }

    /// The consumer groups the preset opens with.
    pub fn group_names(self) -> Vec<String> {
        self.groups().into_iter().map(|(g, _)| g).collect()
    }

    /// `(group, consumers)` that read the topic from the start.
    fn groups(self) -> Vec<(String, Vec<String>)> {
        let group = |name: &str, n: u32| {
            (
                name.to_string(),
                (1..=n).map(|i| format!("{name}-{i}")).collect(),
            )
        };
        match self {
            Preset::Classic => vec![group("payments", 2), group("inventory", 1)],
            Preset::Large => (1..=6).map(|g| group(&format!("service-{g}"), 3)).collect(),
        }
    }

    /// Records per second one consumer processes: a little faster than its share of the load,
    /// so lag stays small until a consumer goes away.
    fn process_rate_per_s(self) -> u64 {
        match self {
            Preset::Classic => 3,
            Preset::Large => 2_000,
        }
    }

    /// A consumer joining `group`, subscribed to `topics`, starting where `auto_offset_reset`
    /// says where nothing is committed (the preset's groups: earliest, they read every record).
    pub fn join_group(
        self,
        group: &str,
        consumer: &str,
        topics: &[&str],
        assignor: Option<AssignorKind>,
        auto_offset_reset: OffsetReset,
    ) -> Command {
        let mut spec = JoinGroupSpec::new(group, consumer, topics);
        spec.assignor = assignor;
        spec.process_rate_per_s = Some(self.process_rate_per_s());
        spec.auto_offset_reset = auto_offset_reset;
        Command::JoinGroup(Box::new(spec))
    }

    /// The preset as a scenario: its cluster, and at t = 0 its topic, producer and groups.
    /// A run in the app is this plus the user's commands ([`crate::state::run::Run`]).
    pub fn scenario(self) -> Scenario {
        // Inserts, not `from_iter`: that sorts first, and each call site's sort costs the
        // bundle about 3 KB.
        let mut configs = std::collections::BTreeMap::new();
        configs.insert("min.insync.replicas".to_string(), "2".to_string());
        configs.extend(
            self.retention()
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let mut commands = vec![
            Command::CreateTopic(NewTopic {
                topic: self.topic().to_string(),
                partitions: Some(self.partitions()),
                replication_factor: Some(3),
                replica_assignment: None,
                fixed_start_index: None,
                configs,
            }),
            self.start_producer(self.producer_rate_per_s()),
        ];
        for (group, consumers) in self.groups() {
            commands.extend(
                consumers.iter().map(|c| {
                    self.join_group(&group, c, &[self.topic()], None, OffsetReset::Earliest)
                }),
            );
        }
        Scenario {
            seed: SEED,
            brokers: self.brokers(),
            until_ms: 0,
            latency_ms: LATENCY_MS,
            auto_create_topics_enable: true,
            description: Some(format!("KafkaScope: {}", self.name())),
            steps: commands
                .into_iter()
                .map(|command| Step { at_ms: 0, command })
                .collect(),
        }
    }

    /// What the preset is called in a saved run's description.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Classic => "the classic cluster (3 brokers, orders)",
            Preset::Large => "the large cluster (12 brokers, events)",
        }
    }

    /// The running cluster this preset opens on (its scenario run to t = 0).
    pub fn engine(self) -> Engine {
        run_scenario(&self.scenario(), None).engine
    }

    /// The preset a scenario opens as (its first steps are the preset's), if any: the app's
    /// controls (the producer box, the groups) follow it.
    pub fn of(scenario: &Scenario) -> Option<Preset> {
        [Preset::Classic, Preset::Large].into_iter().find(|p| {
            let own = p.scenario();
            // Steps compared as the JSON they are written as: the writer is in the bundle
            // anyway, a derived `PartialEq` of every command would cost 3 KB more.
            let same = |a: &Step, b: &Step| {
                a.at_ms == b.at_ms && a.command.to_json() == b.command.to_json()
            };
            scenario.seed == own.seed
                && scenario.brokers == own.brokers
                && scenario.steps.len() >= own.steps.len()
                && own
                    .steps
                    .iter()
                    .zip(&scenario.steps)
                    .all(|(a, b)| same(a, b))
        })
    }
}

/// The default cluster: [`Preset::Classic`].
pub fn opening_engine() -> Engine {
    Preset::Classic.engine()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_string_chooses_the_preset() {
        assert_eq!(Preset::from_query(""), Preset::Classic);
        assert_eq!(Preset::from_query("?scenario=large"), Preset::Large);
        assert_eq!(Preset::from_query("?x=1&scenario=large"), Preset::Large);
        assert_eq!(Preset::from_query("?scenario=largest"), Preset::Classic);
    }

    #[test]
    fn both_presets_start_with_every_partition_led_and_records_flowing() {
        for preset in [Preset::Classic, Preset::Large] {
            let mut engine = preset.engine();
            engine.advance_to(5_000);
            let topics = engine.topics_view();
            let topic = topics.iter().find(|t| t.name == preset.topic()).unwrap();
            let partitions = &topic.partitions;
            assert_eq!(partitions.len() as i32, preset.partitions());
            assert!(partitions
                .iter()
                .all(|p| p.leader.is_some() && p.isr.len() == 3));
            let committed: u64 = partitions.iter().map(|p| p.high_watermark.0).sum();
            assert!(committed > 0, "{preset:?}: records are committed");
            engine.advance_to(20_000);
            let groups = engine.groups_view();
            assert_eq!(groups.len(), preset.groups().len());
            for g in &groups {
                assert!(g.records_delivered > 0, "{preset:?}: {} consumes", g.group);
                let owned: usize = g.members.iter().map(|m| m.assignment.len()).sum();
                assert_eq!(
                    owned as i32,
                    preset.partitions(),
                    "{} owns every partition once",
                    g.group
                );
            }
        }
    }
}
