//! The pipeline workload as a wasm32 module for timing under node:
//! `cargo build --release -p kafka-sim --example wasm_bench --no-default-features --target wasm32-unknown-unknown`
//! then `node crates/kafka-sim/benches/wasm_pipeline.mjs target/wasm32-unknown-unknown/release/examples/wasm_bench.wasm`.

/// Runs the pipeline with `records` records; returns the committed count (for checking).
#[no_mangle]
pub extern "C" fn run_pipeline(records: u64) -> u64 {
    kafka_sim::workload::run_pipeline(records, 1).committed
}
