//! The pipeline benchmark workload, shared by the native bench (`benches/pipeline.rs`) and the
//! wasm32 build (`examples/wasm_bench.rs`): N records of 100 bytes into 12 partitions, RF 3,
//! acks=all, min.insync.replicas=2, on 3 brokers, consumed by one group of 3 consumers
//! (Kafka's defaults: range, auto-commit; earliest), until every record is committed, on every
//! replica and handed to the group's applications.

use crate::command::{Command, JoinGroupSpec};
use crate::consumer::OffsetReset;
use crate::controller::NewTopic;
use crate::engine::{Engine, EngineConfig};
use crate::ids::{Offset, TopicPartition};
use crate::message::Acks;

pub const PIPELINE_PARTITIONS: u32 = 12;
/// Consumers in the benchmark's group.
pub const PIPELINE_CONSUMERS: u32 = 3;

/// What a pipeline run did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct PipelineStats {
    /// Records below the HW, summed over partitions (equals the records sent).
    pub committed: u64,
    /// Records handed to the consumer group's applications.
    pub delivered: u64,
    /// Simulated time the run took, ms.
    pub simulated_ms: u64,
}

/// Runs the pipeline workload with `records` records.
pub fn run_pipeline(records: u64, seed: u64) -> PipelineStats {
    let mut engine = Engine::new(EngineConfig {
        seed,
        brokers: 3,
        record_events: false,
        ..EngineConfig::default()
    });
    engine
        .apply(Command::CreateTopic(NewTopic {
            topic: "bench".into(),
            partitions: Some(PIPELINE_PARTITIONS as i32),
            replication_factor: Some(3),
            configs: [("min.insync.replicas".to_string(), "2".to_string())].into(),
            ..NewTopic::default()
        }))
        .expect("create topic");
    for i in 0..PIPELINE_CONSUMERS {
        let mut spec =
            JoinGroupSpec::new("bench-group", &format!("bench-consumer-{i}"), &["bench"]);
        spec.auto_offset_reset = OffsetReset::Earliest;
        engine
            .apply(Command::JoinGroup(Box::new(spec)))
            .expect("join group");
    }
    engine.advance_to(10);
    let keys: Vec<String> = (0..1000).map(|i| format!("key-{i}")).collect();
    engine
        .apply(Command::StartProducer {
            id: "bench".into(),
            topic: "bench".into(),
            rate_per_s: 1_000_000,
            keys: Some(keys),
            acks: Acks::All,
            enable_idempotence: None,
            value_bytes: Some(100),
            partitioner: Default::default(),
            max_records: Some(records),
        })
        .expect("start producer");
    let tps: Vec<TopicPartition> = (0..PIPELINE_PARTITIONS)
        .map(|p| TopicPartition::new("bench", p))
        .collect();
    let mut t = 10;
    loop {
        t += 100;
        engine.advance_to(t);
        let committed: u64 = tps
            .iter()
            .map(|tp| engine.high_watermark(tp).unwrap_or(Offset(0)).0)
            .sum();
        let replicated: u64 = tps
            .iter()
            .map(|tp| {
                engine
                    .log_end_offsets(tp)
                    .iter()
                    .map(|(_, o)| o.0)
                    .min()
                    .unwrap_or(0)
            })
            .sum();
        let delivered = engine
            .group_deliveries
            .get("bench-group")
            .map_or(0, |d| d.delivered);
        if committed >= records && replicated >= records && delivered >= records {
            return PipelineStats {
                committed,
                delivered,
                simulated_ms: engine.now(),
            };
        }
        assert!(t < 100_000_000, "pipeline did not converge");
    }
}
