//! The seeded fault sweep: seeds pass every invariant, the positive control (unclean
//! election enabled) finds acked-record loss and reports it as expected, shrinking keeps a
//! failure and its file replays with `kafka-sim run --check`, and a checked run is the same
//! run as an unchecked one. The big sweep is `cargo xtask verify --seeds N` (release build).
//!
//! `KAFKA_SIM_SEED=S KAFKA_SIM_SEEDS=N cargo test -p kafka-sim --release --test sweep` runs
//! other seeds. The whole-run tests are ignored in debug builds (minutes there); `cargo xtask
//! test` runs this file with `--release`.

use kafka_sim::check::{run_scenario_checked, LossCause};
use kafka_sim::scenario::{parse_scenario, run_scenario, Scenario};
use kafka_sim::sweep::{gen, run_doc, run_seed, shrink, Workload};
use kafka_sim::trace::format_trace;
use std::path::PathBuf;
use std::process::Command;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Seeds of the positive control that lose acks=all records after an unclean election.
const UNCLEAN_LOSS_SEEDS: [u64; 2] = [0, 26];

fn unclean() -> Workload {
    Workload { unclean: true }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "minutes in a debug build: cargo xtask test runs it with --release"
)]
fn seeds_pass_every_invariant() {
    let start = env("KAFKA_SIM_SEED", 0);
    for seed in start..start + env("KAFKA_SIM_SEEDS", 2) {
        let r = run_seed(seed, Workload::default());
        assert!(
            r.checks > 1_000,
            "seed {seed} checked only {} times",
            r.checks
        );
        if let Some(f) = r.failure {
            panic!(
                "seed {seed}: {}\n{}\nminimal scenario:\n{}",
                f.violation, f.trace_tail, f.minimal_scenario
            );
        }
    }
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "minutes in a debug build: cargo xtask test runs it with --release"
)]
fn positive_control_finds_acks_all_loss_and_calls_it_expected() {
    for seed in UNCLEAN_LOSS_SEEDS {
        let r = run_seed(seed, unclean());
        assert!(r.failure.is_none(), "seed {seed}: {:?}", r.failure);
        let loss = r
            .losses
            .iter()
            .find(|l| l.acks_all && l.cause == LossCause::UncleanElection)
            .unwrap_or_else(|| panic!("seed {seed}: no acks=all loss in {:?}", r.losses));
        assert!(loss.to_string().starts_with("EXPECTED loss"), "{loss}");
    }
}

#[test]
fn the_normal_sweep_never_enables_unclean_election_at_creation_and_runs_groups() {
    let mut joins = 0;
    for seed in 0..20 {
        let doc = gen::scenario(seed, Workload::default());
        for step in &doc.steps {
            match &step.command {
                kafka_sim::Command::CreateTopic(t) => {
                    assert!(!t.configs.contains_key("unclean.leader.election.enable"))
                }
                kafka_sim::Command::JoinGroup(_) => joins += 1,
                _ => {}
            }
        }
        let text = serde_json::to_string(&doc).unwrap();
        assert_eq!(
            parse_scenario(&text).expect("generated scenarios parse"),
            doc
        );
        assert_eq!(
            doc,
            gen::scenario(seed, Workload::default()),
            "deterministic"
        );
    }
    assert!(joins > 10, "consumer groups in the workloads: {joins}");
}

fn acks_all_lost(d: &Scenario) -> Option<u64> {
    run_doc(d)
        .losses
        .iter()
        .find(|l| l.acks_all && l.cause == LossCause::UncleanElection)
        .map(|l| l.at_ms)
}

#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "minutes in a debug build: cargo xtask test runs it with --release"
)]
fn shrinking_keeps_the_failure_and_the_file_replays_with_check() {
    let seed = UNCLEAN_LOSS_SEEDS[1];
    let doc = gen::scenario(seed, unclean());
    let before = doc.steps.len();
    let minimal = shrink::minimize_by(&doc, acks_all_lost);
    let after = minimal.steps.len();
    assert!(after < before, "{after} steps of {before}");
    assert!(acks_all_lost(&minimal).is_some(), "the failure survives");
    assert!(minimal.until_ms <= doc.until_ms);

    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("sweep-minimal-{seed}.json"));
    std::fs::write(&path, serde_json::to_string_pretty(&minimal).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
        .args(["run", path.to_str().unwrap(), "--check"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("EXPECTED loss"), "{stderr}");
    assert!(stderr.contains("(acks=all)"), "{stderr}");
}

#[test]
fn a_checked_run_is_the_same_run_as_an_unchecked_one() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    // The scenario files (not `heavy/`: a million records, for the wasm32 comparison alone).
    let mut docs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    docs.push(serde_json::to_string(&gen::scenario(5, Workload::default())).unwrap());
    for text in docs {
        let s = parse_scenario(&text).unwrap();
        let plain = run_scenario(&s, None);
        let checked = run_scenario_checked(&s, None);
        assert!(checked.violation.is_none(), "{:?}", checked.violation);
        assert_eq!(
            format_trace(plain.engine.events()),
            format_trace(checked.run.engine.events())
        );
    }
}

#[test]
fn the_sweep_regression_scenarios_pass() {
    // Minimal scenarios the sweep found, kept so the bugs they show stay fixed.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let path = e.unwrap().path();
        let s = parse_scenario(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let run = run_scenario_checked(&s, None);
        assert!(
            run.violation.is_none(),
            "{}: {:?}",
            path.display(),
            run.violation
        );
        n += 1;
    }
    assert!(n > 0);
}

#[test]
fn the_verify_command_passes_seeds_and_refuses_bad_usage() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_kafka-sim"))
            .arg("verify")
            .args(args)
            .current_dir(env!("CARGO_TARGET_TMPDIR"))
            .output()
            .unwrap()
    };
    let ok = run(&["--seeds", "1", "--start", "3", "--jobs", "1"]);
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("verify: 1 passed, 0 failed"), "{stdout}");
    let bad = run(&["--seeds", "many"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--seeds: invalid number"));
}
