//! The cluster the app opens on: Kafka's classic teaching example, already running.

use kafka_sim::{Acks, Command, Engine, EngineConfig, NewTopic};
use std::collections::BTreeMap;

pub const TOPIC: &str = "orders";
pub const PRODUCER: &str = "order-service";
/// Orders per second of the opening producer: slow enough to follow one record with the eye.
pub const PRODUCER_RATE_PER_S: u64 = 2;
/// One-way network latency in the app, ms. Real links take about a millisecond; the diagram uses
/// a slower network so that requests in flight can be seen at 1x. Kafka's timeouts (seconds) are
/// far larger, so the behaviour is the same.
pub const LATENCY_MS: u64 = 150;
pub const SEED: u64 = 42;

/// 3 brokers; `orders` with 6 partitions, RF 3, min.insync.replicas=2; a producer of orders keyed
/// by customer id. (Consumer groups `payments` and `inventory` join when the engine has them.)
pub fn opening_engine() -> Engine {
    let mut engine = Engine::new(EngineConfig {
        seed: SEED,
        brokers: 3,
        latency_ms: LATENCY_MS,
        record_events: true,
    });
    let configs = BTreeMap::from([("min.insync.replicas".to_string(), "2".to_string())]);
    let commands = [
        Command::CreateTopic(NewTopic {
            topic: TOPIC.to_string(),
            partitions: Some(6),
            replication_factor: Some(3),
            replica_assignment: None,
            fixed_start_index: None,
            configs,
        }),
        start_producer(PRODUCER_RATE_PER_S),
    ];
    for command in commands {
        engine
            .apply(command)
            .expect("the opening scenario is valid Kafka");
    }
    engine
}

/// The opening producer's keys: eight customers, so each customer's orders stay in order on
/// one partition.
pub fn customer_keys() -> Vec<String> {
    (1..=8).map(|c| format!("customer-{c}")).collect()
}

/// Starts (or restarts) the opening producer at `rate_per_s`, acks=all, keyed by customer.
pub fn start_producer(rate_per_s: u64) -> Command {
    Command::StartProducer {
        id: PRODUCER.to_string(),
        topic: TOPIC.to_string(),
        rate_per_s,
        keys: Some(customer_keys()),
        acks: Acks::All,
        value_bytes: None,
        partitioner: Default::default(),
        max_records: None,
    }
}
