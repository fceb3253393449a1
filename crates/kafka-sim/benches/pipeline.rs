//! The engine pipeline benchmark (see `kafka_sim::workload`): prints records/s (wall clock)
//! and peak RSS (VmHWM). Run: `cargo bench -p kafka-sim --bench pipeline`.
//! `KAFKA_SIM_BENCH_RECORDS` changes the record count (default 1,000,000).

use kafka_sim::workload::run_pipeline;
use std::time::Instant;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let records: u64 = std::env::var("KAFKA_SIM_BENCH_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let start = Instant::now();
    let stats = run_pipeline(records, 1);
    let elapsed = start.elapsed();
    assert_eq!(stats.committed, records, "every record committed");
    assert_eq!(stats.delivered, records, "every record consumed once");
    println!(
        "pipeline: {records} records x 100 B, 12 partitions, RF 3, acks=all, 1 group of 3 consumers: {:.3} s wall, {:.0} records/s (simulated {} ms)",
        elapsed.as_secs_f64(),
        records as f64 / elapsed.as_secs_f64(),
        stats.simulated_ms
    );
    match peak_rss_kib() {
        Some(kib) => println!("peak RSS (VmHWM): {:.1} MB", kib as f64 / 1024.0),
        None => println!("peak RSS: unavailable"),
    }
}
