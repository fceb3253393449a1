#![allow(dead_code)]
//! Helpers shared by the integration tests.

pub mod cli;

use kafka_sim::check::Checker;
use kafka_sim::{
    Acks, BrokerId, Command, Delivery, Engine, EngineConfig, Event, NewTopic, Offset,
    ProduceHandle, TopicPartition,
};

pub fn engine(brokers: u32, seed: u64) -> Engine {
    Engine::new(EngineConfig {
        seed,
        brokers,
        ..EngineConfig::default()
    })
}

/// Creates a topic with `fixed_start_index: 0` (so replicas are predictable) and configs.
pub fn create(e: &mut Engine, topic: &str, partitions: i32, rf: i32, configs: &[(&str, &str)]) {
    e.apply(Command::CreateTopic(NewTopic {
        topic: topic.into(),
        partitions: Some(partitions),
        replication_factor: Some(rf),
        fixed_start_index: Some(0),
        configs: configs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..NewTopic::default()
    }))
    .expect("create topic");
}

pub fn produce(
    e: &mut Engine,
    topic: &str,
    partition: i32,
    value: &str,
    acks: Acks,
) -> ProduceHandle {
    match e
        .apply(Command::Produce {
            topic: topic.into(),
            key: None,
            value: Some(value.as_bytes().to_vec()),
            headers: Vec::new(),
            partition: Some(partition),
            acks,
            enable_idempotence: None,
        })
        .expect("produce accepted")
    {
        kafka_sim::Outcome::Produced(h) => h,
        other => panic!("unexpected outcome {other:?}"),
    }
}

pub fn start_load(e: &mut Engine, id: &str, topic: &str, rate: u64, acks: Acks) {
    e.apply(Command::StartProducer {
        id: id.into(),
        topic: topic.into(),
        rate_per_s: rate,
        keys: Some((0..16).map(|i| format!("k{i}")).collect()),
        acks,
        enable_idempotence: None,
        value_bytes: None,
        partitioner: Default::default(),
        max_records: None,
    })
    .expect("start producer");
}

pub fn kill(e: &mut Engine, broker: u32) {
    e.apply(Command::KillBroker {
        broker: BrokerId(broker),
    })
    .unwrap();
}

pub fn restart(e: &mut Engine, broker: u32) {
    e.apply(Command::RestartBroker {
        broker: BrokerId(broker),
    })
    .unwrap();
}

pub fn isolate(e: &mut Engine, broker: u32) {
    e.apply(Command::IsolateBroker {
        broker: BrokerId(broker),
        from: Default::default(),
    })
    .unwrap();
}

pub fn tp(topic: &str, p: u32) -> TopicPartition {
    TopicPartition::new(topic, p)
}

pub fn leader(e: &Engine, tp: &TopicPartition) -> Option<BrokerId> {
    e.partition_view(tp).unwrap().leader
}

/// `broker`'s (log end offset, high watermark) for `tp`.
fn replica_offsets(e: &Engine, broker: u32, tp: &TopicPartition) -> (Offset, Offset) {
    let view = e.partition_view(tp).unwrap();
    let r = view
        .replica_states
        .iter()
        .find(|r| r.broker == BrokerId(broker))
        .unwrap();
    (r.log_end_offset, r.high_watermark)
}

pub fn leo(e: &Engine, broker: u32, tp: &TopicPartition) -> Offset {
    replica_offsets(e, broker, tp).0
}

pub fn hw_of(e: &Engine, broker: u32, tp: &TopicPartition) -> Offset {
    replica_offsets(e, broker, tp).1
}

pub fn acked_offset(e: &Engine, h: ProduceHandle) -> Option<(TopicPartition, Option<Offset>)> {
    match e.delivery(h)? {
        Delivery::Acked { tp, offset } => Some((tp.clone(), *offset)),
        _ => None,
    }
}

pub fn failed(e: &Engine, h: ProduceHandle) -> Option<&'static str> {
    match e.delivery(h)? {
        Delivery::Failed(err) => Some(err.name()),
        _ => None,
    }
}

/// Checks every invariant of `kafka_sim::check` on the engine as it is now (a fresh checker
/// reads the whole event history, so this also catches silent loss of earlier acks).
pub fn check_invariants(e: &Engine) {
    if let Err(v) = Checker::new().finish(e) {
        panic!("{v}");
    }
}

/// Runs to `t` one step at a time, checking every invariant after every step (one checker
/// per call: it remembers leader epochs, HWs and the committed log between steps).
pub fn run_checked(e: &mut Engine, t: u64) {
    let mut checker = Checker::new();
    if let Err(v) = kafka_sim::check::run_checked(e, &mut checker, t) {
        panic!("{v}\n{}", trace_tail(e, 30));
    }
}

/// The last `n` lines of the engine's trace (for failure messages).
pub fn trace_tail(e: &Engine, n: usize) -> String {
    let events = e.events();
    kafka_sim::trace::format_trace(&events[events.len().saturating_sub(n)..])
}

pub fn events_named<'a>(e: &'a Engine, name: &str) -> Vec<&'a Event> {
    e.events()
        .iter()
        .filter(|x| x.event.name() == name)
        .map(|x| &x.event)
        .collect()
}
