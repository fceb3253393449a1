//! The guarantee ledger and a record's lineage (`src/guarantees/`), one test per promise of
//! the issue: the ledger's counts are those of `--acks`, `--deliveries` and the acked-record
//! ledger (example scenarios and sweep seeds); acks=1 records lost by a failover are listed
//! with exactly their offsets; a killed consumer's redelivered records are duplicates with
//! their reason; a record replicated to 3 replicas has one step per replica in time order;
//! a record truncated after an unclean election says so. Plus the CLI flags.

mod common;

use common::cli;
use kafka_sim::describe::deliveries;
use kafka_sim::guarantees::{lineage, EntryKind, GuaranteeLedger, StepKind};
use kafka_sim::scenario::{parse_scenario, run_scenario, Scenario, ScenarioRun};
use kafka_sim::sweep::{gen, Workload};
use kafka_sim::{Acks, BrokerId, Offset, TopicPartition};

fn scenario_file(name: &str) -> Scenario {
    let path = cli::crate_dir().join("scenarios").join(name);
    parse_scenario(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn ledger_of(run: &ScenarioRun) -> GuaranteeLedger {
    let mut l = GuaranteeLedger::new();
    // Fed in slices, as the app feeds it every frame: the result must not depend on that.
    for chunk in run.engine.events().chunks(97) {
        l.feed(&run.engine, chunk);
    }
    l
}

/// The ledger's counts against the engine's own reports of the same run.
fn assert_counts_agree(name: &str, s: &Scenario) {
    let run = run_scenario(s, None);
    let c = ledger_of(&run).counts();
    let e = &run.engine;
    let acked: u64 = e
        .producers_view()
        .iter()
        .filter(|p| p.acks != Acks::Zero)
        .map(|p| p.stats.records_acked)
        .sum();
    assert_eq!(
        c.acked, acked,
        "{name}: acked vs the producers' acked records"
    );
    let only_produce_steps = s.steps.iter().all(|st| {
        !matches!(
            st.command.op_name().as_str(),
            "start_producer" | "transaction" | "start_rest_proxy" | "put_connector"
        )
    });
    if only_produce_steps {
        let acks = run.acks_report(s);
        let with_offset = acks
            .lines()
            .filter(|l| l.starts_with("ack ") && !l.ends_with("@-1"))
            .count() as u64;
        assert_eq!(c.acked, with_offset, "{name}: acked vs --acks");
    }
    let lost: u64 = e.lost_records().values().sum();
    assert_eq!(c.lost, lost, "{name}: lost vs the acked-record ledger");
    assert_eq!(
        c.delivered,
        deliveries(e).lines().count() as u64,
        "{name}: delivered vs --deliveries"
    );
    let dups: u64 = e.groups_view().iter().map(|g| g.duplicates).sum();
    assert_eq!(c.duplicates, dups, "{name}: duplicates vs the groups' view");
}

#[test]
fn counts_equal_acks_deliveries_and_the_acked_record_ledger() {
    let dir = cli::crate_dir().join("scenarios");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 8);
    for name in &names {
        assert_counts_agree(name, &scenario_file(name));
    }
    for seed in 0..4 {
        let s = gen::scenario(seed, Workload::default());
        assert_counts_agree(&format!("seed {seed}"), &s);
    }
    // The positive control loses acked records: the lost counts are compared there too.
    let s = gen::scenario(0, Workload { unclean: true });
    assert_counts_agree("unclean seed 0", &s);
}

/// Broker 1 leads `t-0`; cut off from the cluster it still takes acks=1 writes, is fenced,
/// and the new leader (a clean election) does not have them.
const ACKS1_FAILOVER: &str = r#"{ "seed": 5, "brokers": 3, "until_ms": 40000, "steps": [
  {"at_ms": 0, "op": "create_topic", "topic": "t", "partitions": 1, "replication_factor": 3, "fixed_start_index": 0},
  {"at_ms": 100, "op": "produce", "topic": "t", "value": "a", "acks": "all"},
  {"at_ms": 100, "op": "produce", "topic": "t", "value": "b", "acks": "all"},
  {"at_ms": 1000, "op": "isolate_broker", "broker": 1, "from": "cluster"},
  {"at_ms": 1100, "op": "produce", "topic": "t", "value": "c", "acks": "1"},
  {"at_ms": 1100, "op": "produce", "topic": "t", "value": "d", "acks": "1"},
  {"at_ms": 1100, "op": "produce", "topic": "t", "value": "e", "acks": "1"},
  {"at_ms": 20000, "op": "heal_network"} ] }"#;

#[test]
fn acks_1_records_lost_by_a_failover_are_listed_with_their_offsets() {
    let s = parse_scenario(ACKS1_FAILOVER).unwrap();
    let run = run_scenario(&s, None);
    let acks = run.acks_report(&s);
    let acked: Vec<&str> = acks.lines().collect();
    // The acks=1 records were acked by the cut-off leader.
    let acks1: Vec<u64> = acked[2..]
        .iter()
        .map(|l| l.rsplit_once('@').unwrap().1.parse().unwrap())
        .collect();
    assert_eq!(acks1, [2, 3, 4], "{acks}");
    let ledger = ledger_of(&run);
    let lost: Vec<u64> = ledger
        .entries()
        .iter()
        .filter(|e| e.kind == EntryKind::Lost)
        .flat_map(|e| {
            assert_eq!(e.tp, TopicPartition::new("t", 0));
            assert!(e.reason.text().contains("clean election"), "{}", e.reason);
            e.start.0..e.end.0
        })
        .collect();
    assert_eq!(lost, acks1);
    assert_eq!(ledger.counts().lost, 3);
}

#[test]
fn a_killed_consumers_redelivered_records_are_duplicates_with_their_reason() {
    let run = run_scenario(&scenario_file("groups.json"), None);
    let ledger = ledger_of(&run);
    let dups: Vec<_> = ledger
        .entries()
        .iter()
        .filter(|e| e.kind == EntryKind::Duplicate)
        .collect();
    assert!(!dups.is_empty());
    let delivered = deliveries(&run.engine);
    for d in &dups {
        assert_eq!(d.group.as_deref(), Some("billing"));
        assert_eq!(d.consumer.as_deref(), Some("billing-1"));
        assert!(
            d.reason.text().contains("billing-2 died before committing"),
            "{}",
            d.reason
        );
        // Each duplicate offset went to billing-2 first, then to billing-1.
        for o in d.start.0..d.end.0 {
            let to = |c: &str| {
                let needle = format!("billing\t{c}\tPartition:{}\tOffset:{o}\t", d.tp.partition.0);
                delivered.lines().position(|l| l.starts_with(&needle))
            };
            assert!(to("billing-2").unwrap() < to("billing-1").unwrap());
        }
    }
    let total: u64 = dups.iter().map(|d| d.count).sum();
    assert_eq!(total, ledger.counts().duplicates);
    assert_eq!(
        total,
        run.engine.group_view("billing").unwrap().duplicates,
        "the groups' view counts the same duplicates"
    );
}

#[test]
fn a_record_replicated_to_3_replicas_has_one_step_per_replica_in_time_order() {
    let run = run_scenario(&scenario_file("failover.json"), None);
    let tp = TopicPartition::new("orders", 0);
    let steps = lineage(&run.engine, &tp, Offset(0));
    assert!(
        steps.windows(2).all(|w| w[0].at_ms <= w[1].at_ms),
        "{steps:#?}"
    );
    let copies: Vec<BrokerId> = steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::Appended | StepKind::Replicated))
        .map(|s| s.broker.unwrap())
        .collect();
    let mut sorted = copies.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [BrokerId(1), BrokerId(2), BrokerId(3)],
        "{steps:#?}"
    );
    let kinds: Vec<StepKind> = steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds[0], StepKind::Produced);
    assert_eq!(kinds[1], StepKind::Appended);
    assert!(kinds.contains(&StepKind::HighWatermark) && kinds.contains(&StepKind::Acked));
}

#[test]
fn a_record_sent_again_after_its_leader_died_shows_each_retry_with_its_error() {
    // failover.json kills orders-0's leader while the acks=all producer's second record is
    // on its way: the batch is retried until broker 2 leads (epoch 1) and appends it.
    let run = run_scenario(&scenario_file("failover.json"), None);
    let tp = TopicPartition::new("orders", 0);
    let steps = lineage(&run.engine, &tp, Offset(1));
    let kinds: Vec<StepKind> = steps.iter().map(|s| s.kind).collect();
    let retried: Vec<String> = steps
        .iter()
        .filter(|s| s.kind == StepKind::Retried)
        .map(|s| s.detail.text())
        .collect();
    assert_eq!(retried.len(), 11, "{steps:#?}");
    assert!(
        retried[0].contains("NetworkException (attempt 1)"),
        "{retried:?}"
    );
    let appended = kinds.iter().position(|k| *k == StepKind::Appended).unwrap();
    assert_eq!(kinds[0], StepKind::Produced);
    assert!(kinds[1..appended].iter().all(|k| *k == StepKind::Retried));
    assert_eq!(steps[appended].broker, Some(BrokerId(2)), "the new leader");
    // The first record went through at once: no retry.
    let first = lineage(&run.engine, &tp, Offset(0));
    assert!(first.iter().all(|s| s.kind != StepKind::Retried));
}

#[test]
fn a_record_truncated_after_an_unclean_election_says_so() {
    let run = run_scenario(&scenario_file("unclean.json"), None);
    let tp = TopicPartition::new("payments", 0);
    let steps = lineage(&run.engine, &tp, Offset(1));
    let lost = steps.iter().position(|s| s.kind == StepKind::Lost);
    let truncated = steps.iter().position(|s| s.kind == StepKind::Truncated);
    let (Some(lost), Some(truncated)) = (lost, truncated) else {
        panic!("{steps:#?}");
    };
    assert!(lost < truncated);
    assert_eq!(steps[truncated].broker, Some(BrokerId(1)));
    assert!(
        steps[truncated]
            .detail
            .text()
            .contains("after the unclean election"),
        "{}",
        steps[truncated].detail
    );
    // Offset 0 reached every replica and stays: nothing lost or truncated.
    let kept = lineage(&run.engine, &tp, Offset(0));
    assert!(kept
        .iter()
        .all(|s| !matches!(s.kind, StepKind::Lost | StepKind::Truncated)));
}

#[test]
fn cli_prints_the_ledger_and_a_lineage_and_refuses_bad_values() {
    let (code, out, err) = cli::run(&["run", "scenarios/unclean.json", "--ledger"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("acked 3\nlost 2\ndelivered 0\nduplicates 0\n"),
        "{out}"
    );
    assert!(out.contains("    30000 ms  lost             payments-0 offsets=1..3 count=2 reason: unclean election at 30000 ms"), "{out}");
    let (code, out, err) =
        cli::run(&["run", "scenarios/unclean.json", "--lineage", "payments-0@1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().all(|l| l.contains(" ms  ")), "{out}");
    assert!(out.lines().any(|l| l.contains("truncated")), "{out}");
    for bad in [
        "payments-0",
        "payments@1",
        "payments-x@1",
        "-0@1",
        "payments-0@-1",
    ] {
        let (code, _, err) = cli::run(&["run", "scenarios/unclean.json", "--lineage", bad]);
        assert_eq!(code, 2, "{bad}");
        assert!(
            err.contains("--lineage") && err.contains("TOPIC-PARTITION@OFFSET"),
            "{err}"
        );
    }
    let (code, _, err) = cli::run(&[
        "run",
        "scenarios/unclean.json",
        "--lineage",
        "payments-0@99",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no record was ever appended at payments-0@99"),
        "{err}"
    );
    let (code, _, _) = cli::run(&["run", "scenarios/unclean.json", "--lineage"]);
    assert_eq!(code, 2);
}
