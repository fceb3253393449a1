//! The engine pipeline benchmark: 1,000,000 records with 100-byte values into a topic with
//! 12 partitions, RF 3, acks=all, on 3 brokers, all replicated to followers.
//! Prints records/s (wall clock) and peak RSS (VmHWM). Run: `cargo bench -p kafka-sim --bench pipeline`.

use kafka_sim::{Acks, Command, Engine, EngineConfig, NewTopic, Offset, TopicPartition};
use std::time::Instant;

const RECORDS: u64 = 1_000_000;
const PARTITIONS: u32 = 12;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let records: u64 = std::env::var("KAFKA_SIM_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(RECORDS);
    let start = Instant::now();
    let mut engine = Engine::new(EngineConfig {
        seed: 1,
        brokers: 3,
        record_events: false,
        ..EngineConfig::default()
    });
    engine
        .apply(Command::CreateTopic(NewTopic {
            topic: "bench".into(),
            partitions: Some(PARTITIONS as i32),
            replication_factor: Some(3),
            configs: [("min.insync.replicas".to_string(), "2".to_string())].into(),
            ..NewTopic::default()
        }))
        .expect("create topic");
    engine.advance_to(10);
    let keys: Vec<String> = (0..1000).map(|i| format!("key-{i}")).collect();
    engine
        .apply(Command::StartProducer {
            id: "bench".into(),
            topic: "bench".into(),
            rate_per_s: 1_000_000,
            keys: Some(keys),
            acks: Acks::All,
            value_bytes: Some(100),
            partitioner: Default::default(),
            max_records: Some(records),
        })
        .expect("start producer");
    // Run until every record is acked and on every replica.
    let tps: Vec<TopicPartition> = (0..PARTITIONS)
        .map(|p| TopicPartition::new("bench", p))
        .collect();
    let mut t = 10;
    loop {
        t += 100;
        engine.advance_to(t);
        let acked: u64 = engine
            .producers_view()
            .iter()
            .map(|p| p.stats.records_acked)
            .sum();
        if acked >= records {
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
            if replicated >= records {
                break;
            }
        }
        assert!(t < 10_000_000, "benchmark did not converge");
    }
    let elapsed = start.elapsed();
    let total: u64 = tps
        .iter()
        .map(|tp| engine.high_watermark(tp).unwrap_or(Offset(0)).0)
        .sum();
    assert_eq!(total, records, "every record committed");
    let rate = records as f64 / elapsed.as_secs_f64();
    println!(
        "pipeline: {records} records x 100 B, 12 partitions, RF 3, acks=all: {:.3} s wall, {:.0} records/s, simulated {} ms",
        elapsed.as_secs_f64(),
        rate,
        engine.now()
    );
    match peak_rss_kib() {
        Some(kib) => println!("peak RSS (VmHWM): {:.1} MB", kib as f64 / 1024.0),
        None => println!("peak RSS: unavailable"),
    }
}
