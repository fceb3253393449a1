//! The engine checking itself (issue 6): `cargo xtask verify --seeds N [--start S]` runs the
//! seeded fault sweep (`kafka-sim verify`, release build), and `cargo xtask test` runs
//! [`sweep`] (500 seeds plus the unclean-election positive control) and [`determinism`]
//! (the same scenario gives byte-identical output natively, twice, and in wasm32 under node).

use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::sh::{cargo_release_kafka_sim, target_dir, tool_path};
use crate::{root, tools, Result};

/// Seeds `cargo xtask test` sweeps: about 2-3 minutes on the shared 2-core machine.
pub const TEST_SEEDS: &str = "500";
/// Seeds of the positive control (unclean election on): a few of them lose acks=all records.
const CONTROL_SEEDS: &str = "40";
/// Sweep seeds whose scenarios also go through the native/wasm comparison.
const DETERMINISM_SEEDS: &str = "4";
const WASI_TARGET: &str = "wasm32-wasip1";
const WASI_MODULE: &str = "wasm32-wasip1/release/kafka-sim.wasm";
const NATIVE_BIN: &str = "release/kafka-sim";
const WASI_RUNNER: &str = "crates/kafka-sim/wasi/run.mjs";
/// Scenarios too large to trace and dump (a million records): see [`determinism`].
const HEAVY_SCENARIOS: &str = "crates/kafka-sim/scenarios/heavy";
const HEAVY_WASM_RUNS: usize = 10;

/// `cargo run --release -p kafka-sim --bin kafka-sim -- verify ARGS...`
fn kafka_sim_verify(args: &[&str]) -> Result {
    cargo_release_kafka_sim("run")
        .args(["--bin", "kafka-sim", "--", "verify"])
        .args(args)
        .run()
}

/// `cargo xtask verify [--seeds N] [--start S] [--unclean] [--expect-loss] [--jobs J]`, or
/// `cargo xtask verify --determinism` for the native/wasm comparison alone.
pub fn run(args: &[String]) -> Result {
    if args.iter().any(|a| a == "--determinism") {
        return determinism();
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    kafka_sim_verify(&args)
}

/// The test pipeline's sweep: the sweep tests in release, then [`TEST_SEEDS`] seeds must pass
/// every invariant, and the positive control must find acked-record loss and call it expected.
pub fn sweep() -> Result {
    // The sweep's own tests (shrinking, replay, positive control) take minutes in debug.
    cargo_release_kafka_sim("test")
        .args(["--test", "sweep"])
        .run()?;
    kafka_sim_verify(&["--seeds", TEST_SEEDS, "--start", "0"])?;
    kafka_sim_verify(&["--seeds", CONTROL_SEEDS, "--unclean", "--expect-loss"])
}

/// Native twice and wasm32-wasip1 (node's WASI) once, for every example scenario and a few
/// sweep seeds: `--acks --trace --describe-topics --dump T...` must match byte for byte; so
/// must a short `verify` sweep (the checker itself running in wasm). The heavy scenarios
/// ([`HEAVY_SCENARIOS`]) are compared by `--describe-topics --describe-groups`, in wasm
/// [`HEAVY_WASM_RUNS`] times: the one there crashed node 4 runs in 5 (`wasi/run.mjs`).
pub fn determinism() -> Result {
    tools::ensure_rust_target(WASI_TARGET)?;
    let build = || cargo_release_kafka_sim("build").args(["--bin", "kafka-sim"]);
    build().run()?;
    build().args(["--target", WASI_TARGET]).run()?;
    let dir = "target/kafka-sim-determinism";
    quiet(native(&[
        "verify",
        "--seeds",
        DETERMINISM_SEEDS,
        "--emit",
        dir,
    ]))?;
    let mut files = json_files("crates/kafka-sim/scenarios")?;
    files.extend(json_files(dir)?);
    files.sort();
    for file in &files {
        let rel = file.strip_prefix(root()).unwrap_or(file);
        let path = rel.to_string_lossy().into_owned();
        let topics = topics(&quiet(native(&["run", &path, "--describe-topics"]))?);
        let mut args = vec![
            "run",
            path.as_str(),
            "--acks",
            "--trace",
            "--describe-topics",
        ];
        for t in &topics {
            args.extend(["--dump", t.as_str()]);
        }
        compare(&path, &args, 1)?;
    }
    let heavy = json_files(HEAVY_SCENARIOS)?;
    for file in &heavy {
        let path = file.strip_prefix(root()).unwrap_or(file).to_string_lossy();
        let args = ["run", &path, "--describe-topics", "--describe-groups"];
        compare(&path, &args, HEAVY_WASM_RUNS)?;
    }
    compare(
        "a 2-seed sweep",
        &["verify", "--seeds", "2", "--start", "11", "--jobs", "1"],
        1,
    )?;
    println!(
        "{} scenario(s), {} heavy one(s) and a sweep: identical natively (twice) and in {WASI_TARGET}",
        files.len(),
        heavy.len()
    );
    Ok(())
}

/// The `.json` files of `dir` (relative to the root), sorted.
fn json_files(dir: &str) -> Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(root().join(dir)).map_err(|e| format!("{dir}: {e}"))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Runs `args` natively twice and in wasm `wasm_runs` times; every output must be equal.
fn compare(what: &str, args: &[&str], wasm_runs: usize) -> Result {
    let first = quiet(native(args))?;
    let second = quiet(native(args))?;
    if first != second {
        return Err(format!(
            "{what}: two native runs differ{}",
            first_difference(&first, &second)
        ));
    }
    for run in 1..=wasm_runs {
        let mut node = command("node");
        node.args(["--no-warnings", WASI_RUNNER])
            .arg(target_dir().join(WASI_MODULE))
            .args(args);
        let wasm = quiet(node).map_err(|e| format!("{what}: wasm32 run {run}: {e}"))?;
        if first != wasm {
            return Err(format!(
                "{what}: native and wasm32 (run {run}) differ{}",
                first_difference(&first, &wasm)
            ));
        }
    }
    println!(
        "{what}: {} bytes, identical (wasm32 {wasm_runs} time(s))",
        first.len()
    );
    Ok(())
}

fn first_difference(a: &str, b: &str) -> String {
    match a.lines().zip(b.lines()).position(|(x, y)| x != y) {
        Some(i) => format!(
            " at line {}:\n  {:?}\n  {:?}",
            i + 1,
            a.lines().nth(i).unwrap_or(""),
            b.lines().nth(i).unwrap_or("")
        ),
        None => format!(
            " in length ({} vs {} lines)",
            a.lines().count(),
            b.lines().count()
        ),
    }
}

/// Topic names from `kafka-topics --describe` output (`Topic: NAME<TAB>TopicId: ...`).
fn topics(describe: &str) -> Vec<String> {
    describe
        .lines()
        .filter(|l| l.contains("TopicId:"))
        .filter_map(|l| l.strip_prefix("Topic: "))
        .filter_map(|l| l.split('\t').next())
        .map(str::to_string)
        .collect()
}

fn command(program: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root()).env("PATH", tool_path());
    c
}

fn native(args: &[&str]) -> Command {
    let mut c = command(&target_dir().join(NATIVE_BIN).to_string_lossy());
    c.args(args);
    c
}

/// Runs without echoing the (long) output; returns stdout, or an error with stderr.
fn quiet(mut c: Command) -> Result<String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start {:?}: {e}", c.get_program()))?;
    if !out.status.success() {
        return Err(format!(
            "{:?} {:?} failed ({}): {}",
            c.get_program(),
            c.get_args().collect::<Vec<_>>(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_topic_names_from_describe_output() {
        let d = "Topic: orders\tTopicId: abc\tPartitionCount: 1\n\tTopic: orders\tPartition: 0\tLeader: 1\n";
        assert_eq!(super::topics(d), vec!["orders".to_string()]);
    }

    #[test]
    fn says_where_outputs_differ() {
        assert!(super::first_difference("a\nb\n", "a\nc\n").contains("line 2"));
    }
}
