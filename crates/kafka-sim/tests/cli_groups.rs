//! `kafka-sim run --describe-groups --deliveries` snapshots for the consumer group scenario,
//! and bad `join_group` / `reset_offsets` steps. Regenerate with `UPDATE_SNAPSHOTS=1`.

mod common;
use common::cli::{run, snapshot};

#[test]
fn groups_describe_and_deliveries() {
    let out = snapshot(
        "groups.txt",
        &[
            "run",
            "scenarios/groups.json",
            "--describe-groups",
            "--deliveries",
        ],
    );
    // The killed consumer's unacknowledged record is delivered again to its successor.
    assert!(out.contains("billing\tbilling-2\tPartition:2\tOffset:0\tcarol\tink"));
    assert!(out.contains("billing\tbilling-1\tPartition:2\tOffset:0\tcarol\tink"));
}

#[test]
fn groups_midway_shows_rebalancing_and_empty_groups() {
    // 'idle' is Empty with its (reset) offsets, 'busy' is rebalancing, 'wide' has an idle
    // member (not listed: it has no partition); see scenarios/groups-states.json.
    snapshot(
        "groups-states.txt",
        &["run", "scenarios/groups-states.json", "--describe-groups"],
    );
}

#[test]
fn same_run_twice_same_output() {
    let a = run(&["run", "scenarios/groups.json", "--trace", "--deliveries"]);
    let b = run(&["run", "scenarios/groups.json", "--trace", "--deliveries"]);
    assert_eq!(a, b);
}

#[test]
fn bad_group_steps_name_the_field() {
    let dir = std::env::temp_dir().join(format!("kafka-sim-groups-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (
            r#"{"steps": [{"at_ms": 0, "op": "join_group", "group": "g", "consumer": "c", "topics": ["t"], "assignor": "fair"}]}"#,
            r#"step 0: field "assignor": expected "range", "roundrobin", "sticky" or "cooperative-sticky""#,
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "join_group", "group": "g", "consumer": "c"}]}"#,
            r#"step 0: field "topics": missing"#,
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "reset_offsets", "group": "g", "topic": "t", "to": {"offset": "x"}}]}"#,
            r#"step 0: field "to": expected"#,
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "join_group", "group": "g", "consumer": "c", "topics": ["t"], "auto_offset_reset": "smallest"}]}"#,
            r#"step 0: field "auto_offset_reset""#,
        ),
    ];
    for (i, (json, expected)) in cases.iter().enumerate() {
        let path = dir.join(format!("bad{i}.json"));
        std::fs::write(&path, json).unwrap();
        let (code, _, stderr) = run(&["run", path.to_str().unwrap()]);
        assert_eq!(code, 2, "{json}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}

#[test]
fn connectors_report_their_status_as_connects_rest_api_does() {
    let out = snapshot(
        "connect.txt",
        &[
            "run",
            "scenarios/connect.json",
            "--connectors",
            "--describe-groups",
            "--check",
        ],
    );
    assert!(out.contains(r#"{"name":"warehouse","connector":{"state":"RUNNING","worker_id":"connect:8083"},"tasks":[{"id":0,"state":"RUNNING","worker_id":"connect:8083"},{"id":1,"state":"RUNNING","worker_id":"connect:8083"},{"id":2,"state":"FAILED","worker_id":"connect:8083"}],"type":"sink"}"#), "{out}");
    assert!(out.contains(r#""name":"crm-source""#) && out.contains(r#""type":"source""#));
    assert!(
        out.contains("connect-warehouse"),
        "the sink's group is described"
    );
}
