#![allow(dead_code)]
//! Helpers shared by the integration tests.

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
        value_bytes: None,
        partitioner: Default::default(),
        max_records: None,
    })
    .expect("start producer");
}

pub fn tp(topic: &str, p: u32) -> TopicPartition {
    TopicPartition::new(topic, p)
}

pub fn leader(e: &Engine, tp: &TopicPartition) -> Option<BrokerId> {
    e.partition_view(tp).unwrap().leader
}

pub fn leo(e: &Engine, broker: u32, tp: &TopicPartition) -> Offset {
    e.partition_view(tp)
        .unwrap()
        .replica_states
        .iter()
        .find(|r| r.broker == BrokerId(broker))
        .unwrap()
        .log_end_offset
}

pub fn hw_of(e: &Engine, broker: u32, tp: &TopicPartition) -> Offset {
    e.partition_view(tp)
        .unwrap()
        .replica_states
        .iter()
        .find(|r| r.broker == BrokerId(broker))
        .unwrap()
        .high_watermark
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

/// Invariants that must hold after every step (a subset of issue 6's checker).
pub fn check_invariants(e: &Engine) {
    for t in e.topics_view() {
        for p in t.partitions {
            if let Some(l) = p.leader {
                assert!(
                    p.isr.contains(&l),
                    "{:?}: leader {l:?} not in ISR {:?}",
                    p.tp,
                    p.isr
                );
            }
            assert!(!p.isr.is_empty(), "{:?}: empty ISR", p.tp);
            for r in &p.replica_states {
                assert!(
                    r.high_watermark <= r.log_end_offset,
                    "{:?} on {:?}: HW {:?} > LEO {:?}",
                    p.tp,
                    r.broker,
                    r.high_watermark,
                    r.log_end_offset
                );
            }
        }
    }
}

/// Runs to `t` one step at a time, checking invariants after every step.
pub fn run_checked(e: &mut Engine, t: u64) {
    while e.next_time().is_some_and(|n| n <= t) {
        e.step();
        check_invariants(e);
    }
    e.advance_to(t);
}

pub fn events_named<'a>(e: &'a Engine, name: &str) -> Vec<&'a Event> {
    e.events()
        .iter()
        .filter(|x| x.event.name() == name)
        .map(|x| &x.event)
        .collect()
}
