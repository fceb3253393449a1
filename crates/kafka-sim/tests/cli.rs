//! The `kafka-sim` binary: snapshot tests of its output for the example scenarios, exit
//! codes and messages for bad scenario files, and determinism across runs.
//!
//! Snapshots live in `tests/snapshots/`; regenerate with `UPDATE_SNAPSHOTS=1 cargo test`
//! and review the diff.

mod common;
use common::cli::{crate_dir, run, snapshot};
use std::path::Path;

#[test]
fn basic_acks_describe_dump() {
    snapshot(
        "basic.txt",
        &[
            "run",
            "scenarios/basic.json",
            "--acks",
            "--describe-topics",
            "--dump",
            "orders",
        ],
    );
}

#[test]
fn failover_acks_describe_trace() {
    snapshot(
        "failover.txt",
        &[
            "run",
            "scenarios/failover.json",
            "--acks",
            "--describe-topics",
            "--trace",
        ],
    );
}

#[test]
fn unclean_full_output() {
    snapshot(
        "unclean.txt",
        &[
            "run",
            "scenarios/unclean.json",
            "--acks",
            "--describe-topics",
            "--dump",
            "payments",
            "--trace",
        ],
    );
}

#[test]
fn isolation_describe_trace() {
    snapshot(
        "isolation.txt",
        &[
            "run",
            "scenarios/isolation.json",
            "--describe-topics",
            "--trace",
        ],
    );
}

/// Retention moved the log start of `clicks` (printed as `kafka-get-offsets --time earliest`
/// does); the compacted `profiles` keeps each user's last value at its offset, a tombstone
/// included, with gaps where older values were.
#[test]
fn retention_log_start_and_compaction() {
    snapshot(
        "retention.txt",
        &[
            "run",
            "scenarios/retention.json",
            "--describe-topics",
            "--log-start-offsets",
            "clicks",
            "--dump",
            "profiles",
            "--check",
        ],
    );
}

#[test]
fn until_flag_stops_early() {
    let (code, out, _) = run(&[
        "run",
        "scenarios/failover.json",
        "--until",
        "5000",
        "--describe-topics",
    ]);
    assert_eq!(code, 0);
    // Broker 1 is dead but not yet fenced at 5000 ms: still listed as leader.
    assert!(
        out.contains("\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\n"),
        "{out}"
    );
    let (_, acks, _) = run(&[
        "run",
        "scenarios/failover.json",
        "--until",
        "5000",
        "--acks",
    ]);
    assert_eq!(acks, "ack orders-2@0\nack orders-0@0\npending\npending\n");
}

#[test]
fn same_seed_same_trace_byte_for_byte() {
    for s in ["basic", "failover", "unclean", "isolation"] {
        let path = format!("scenarios/{s}.json");
        let a = run(&["run", &path, "--trace", "--acks", "--describe-topics"]).1;
        let b = run(&["run", &path, "--trace", "--acks", "--describe-topics"]).1;
        assert_eq!(a, b, "{s}");
    }
}

fn bad(json: &str) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("kafka-sim-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!(
        "{:x}.json",
        json.len() * 31 + json.bytes().map(usize::from).sum::<usize>()
    ));
    std::fs::write(&path, json).unwrap();
    let (code, out, err) = run(&["run", path.to_str().unwrap(), "--trace"]);
    assert!(out.is_empty());
    let msg = err.trim().to_string();
    assert_eq!(msg.lines().count(), 1, "one message: {msg}");
    let name = path.display().to_string();
    (code, msg.replacen(&format!("kafka-sim: {name}: "), "", 1))
}

#[test]
fn bad_scenarios_exit_2_naming_step_and_field() {
    let cases: &[(&str, &str)] = &[
        (
            r#"{"steps": [}"#,
            "invalid JSON: expected value at line 1 column 12",
        ),
        (r#"[1,2]"#, "expected a JSON object at the top level"),
        (
            r#"{"seed": -1, "steps": []}"#,
            "field \"seed\": expected an integer between 0 and 18446744073709551615",
        ),
        (
            r#"{"brokers": 0, "steps": []}"#,
            "field \"brokers\": expected an integer between 1 and 64",
        ),
        (
            r#"{"until_ms": 1e30, "steps": []}"#,
            "field \"until_ms\": expected an integer between 0 and 1000000000",
        ),
        (
            r#"{"seed": 1}"#,
            "field \"steps\": missing (expected a list of steps)",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "explode"}]}"#,
            "step 0: field \"op\": unknown op \"explode\"",
        ),
        (
            r#"{"steps": [{"op": "heal_network"}]}"#,
            "step 0: field \"at_ms\": missing (expected an integer between 0 and 1000000000)",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "heal_network"}, {"at_ms": 5, "op": "produce", "topic": "t", "value": "v", "acks": "2"}]}"#,
            "step 1: field \"acks\": expected \"0\", \"1\" or \"all\"",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "create_topic", "topic": 7}]}"#,
            "step 0: field \"topic\": expected a string",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "create_topic", "topic": "t", "partitions": 1e12}]}"#,
            "step 0: field \"partitions\": expected a 32-bit integer",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "kill_broker"}]}"#,
            "step 0: field \"broker\": missing (expected an integer between 0 and 4294967295)",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "produce", "topic": "t"}]}"#,
            "step 0: field \"value\": missing (expected a string or null)",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "kill_broker", "broker": 1, "brokr": 2}]}"#,
            "step 0: field \"brokr\": unknown field",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "start_producer", "id": "p", "topic": "t", "rate_per_s": 0}]}"#,
            "step 0: field \"rate_per_s\": expected an integer between 1 and 10000000",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "create_topic", "topic": "t", "replica_assignment": {"x": [1]}}]}"#,
            "step 0: field \"replica_assignment\": partition ids must be integers, not \"x\"",
        ),
        (r#"{"steps": [3]}"#, "step 0: expected an object"),
    ];
    for (json, expected) in cases {
        let (code, msg) = bad(json);
        assert_eq!(code, 2, "{json}");
        assert_eq!(&msg, expected, "{json}");
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&["run"]).0, 2);
    assert_eq!(run(&["frobnicate"]).0, 2);
    assert_eq!(run(&["run", "scenarios/basic.json", "--bogus"]).0, 2);
    assert_eq!(run(&["run", "does/not/exist.json"]).0, 2);
    assert_eq!(run(&["run", "scenarios/basic.json", "--dump", "nope"]).0, 2);
    let (code, _, stderr) = run(&["run", "scenarios/basic.json", "--log-start-offsets", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--log-start-offsets: topic 'nope' does not exist"));
    assert!(Path::new(&crate_dir().join("scenarios/basic.json")).exists());
}

/// `kafka-get-offsets.sh --time -1|-2` (`GetOffsetShell`): every partition of every topic,
/// internal topics included by default, sorted by the `topic-partition` text, printed as
/// `topic:partition:offset`; latest is the HW, earliest the log start.
#[test]
fn get_offsets_prints_every_partition_as_get_offset_shell() {
    let (code, latest, err) = run(&["run", "scenarios/groups.json", "--get-offsets", "latest"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = latest.lines().collect();
    assert_eq!(lines.len(), 50 + 3, "__consumer_offsets and orders");
    assert_eq!(
        &lines[..3],
        &[
            "__consumer_offsets:0:0",
            "__consumer_offsets:1:0",
            "__consumer_offsets:10:0"
        ]
    );
    assert_eq!(&lines[50..], &["orders:0:4", "orders:1:2", "orders:2:2"]);
    assert!(latest.contains("__consumer_offsets:42:34\n"));
    let (code, earliest, _) = run(&["run", "scenarios/groups.json", "--get-offsets", "-2"]);
    assert_eq!(code, 0);
    assert!(earliest.lines().all(|l| l.ends_with(":0")));
    let (code, _, err) = run(&["run", "scenarios/groups.json", "--get-offsets", "soon"]);
    assert_eq!(code, 2);
    assert!(err.contains("--get-offsets needs earliest or latest"));
}
