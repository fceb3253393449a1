//! Benchmarks. Figures, not pass/fail: targets are in the issues, measured figures go into the
//! closing notes.
//! - `cargo xtask bench`: the engine pipeline, natively and compiled to wasm32 (run under node),
//!   and the ratio between them.
//! - `cargo xtask bench-ui`: frame times of the release build in headless Chromium
//!   (tests/e2e/bench-ui.mjs), for the default scenario at 1x and 100x and the large one.

use crate::sh::{target_dir, Cmd};
use crate::{dist, tools, Result};

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// Built with the browser bundle's profile (`web` in Cargo.toml), so it measures what users run.
const WASM_MODULE: &str = "wasm32-unknown-unknown/web/examples/wasm_bench.wasm";

pub fn engine() -> Result {
    println!("==> engine pipeline, native (release)");
    let native = Cmd::new("cargo")
        .args(["bench", "-q", "-p", "kafka-sim", "--bench", "pipeline"])
        .output()?;
    println!("\n==> engine pipeline, wasm32 under node");
    // The browser's profile (`web`), not `--release`: see WASM_MODULE.
    Cmd::new("cargo")
        .args([
            "build",
            "-q",
            "--profile",
            "web",
            "-p",
            "kafka-sim",
            "--example",
            "wasm_bench",
        ])
        .args(["--no-default-features", "--target", WASM_TARGET])
        .run()?;
    let wasm = Cmd::new("node")
        .args([
            "crates/kafka-sim/benches/wasm_pipeline.mjs".into(),
            target_dir().join(WASM_MODULE),
        ])
        .output()?;
    match (records_per_s(&native), records_per_s(&wasm)) {
        (Some(n), Some(w)) => println!(
            "\nnative {:.2} M records/s, wasm32 {:.2} M records/s: wasm runs at {:.0}% of native ({:.1}x slower)",
            n / 1e6,
            w / 1e6,
            100.0 * w / n,
            n / w
        ),
        _ => println!("\n(could not read records/s from the output above)"),
    }
    Ok(())
}

pub fn ui(args: &[String]) -> Result {
    tools::ensure_test_tools()?;
    dist::build(None)?;
    Cmd::new("node")
        .args([
            "tests/e2e/bench-ui.mjs",
            "--dist",
            "dist",
            "--out",
            "target/bench-ui",
        ])
        // --long-seconds N, --soak-minutes M, --tab NAME: see tests/e2e/bench-ui.mjs.
        .args(args.iter().map(String::as_str))
        .env("CHROMIUM", tools::CHROMIUM)
        .run()
}

/// The number before "records/s" in a benchmark's output line.
fn records_per_s(output: &str) -> Option<f64> {
    let before = output.split(" records/s").next()?;
    before.rsplit([' ', ',']).next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_records_per_second_from_either_benchmark() {
        let native = "pipeline: 1000000 records x 100 B, 12 partitions, RF 3, acks=all: 0.180 s wall, 5555556 records/s (simulated 9 ms)";
        assert_eq!(super::records_per_s(native), Some(5_555_556.0));
        let wasm = "wasm pipeline: 1000000 records: 1.500 s, 666667 records/s";
        assert_eq!(super::records_per_s(wasm), Some(666_667.0));
    }
}
