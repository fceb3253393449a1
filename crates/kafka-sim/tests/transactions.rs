//! Transactions (Kafka 4.x): the transaction coordinator and its markers, the last stable
//! offset, read_committed consumers, the transaction timeout and fencing, and the
//! `--dump --isolation-level` CLI output. Each test names the Kafka class it follows.

mod common;

use common::cli::snapshot;
use kafka_sim::check::run_scenario_checked;
use kafka_sim::event::Event;
use kafka_sim::scenario::parse_scenario;
use kafka_sim::{Engine, Offset, TopicPartition};

fn scenario_file() -> String {
    std::fs::read_to_string(common::cli::crate_dir().join("scenarios/transactions.json")).unwrap()
}

/// Runs `scenario/transactions.json` (or `text`) to `until`, every invariant checked after
/// every step.
fn run(text: &str, until: u64) -> Engine {
    let s = parse_scenario(text).unwrap();
    let r = run_scenario_checked(&s, Some(until));
    if let Some(v) = r.violation {
        panic!("{v}");
    }
    r.run.engine
}

/// `(at, offset, value)` of every record delivered to `group`.
fn delivered(e: &Engine, group: &str) -> Vec<(u64, TopicPartition, u64, String)> {
    let mut out = Vec::new();
    for te in e.events() {
        if let Event::RecordsDelivered {
            group: g,
            tp,
            records,
            ..
        } = &te.event
        {
            if &**g == group {
                for c in records {
                    for r in c.records() {
                        let v = String::from_utf8_lossy(r.value.unwrap_or_default()).into_owned();
                        out.push((te.at, tp.clone(), r.offset.0, v));
                    }
                }
            }
        }
    }
    out
}

fn values(d: &[(u64, TopicPartition, u64, String)]) -> Vec<&str> {
    let mut v: Vec<&str> = d.iter().map(|x| x.3.as_str()).collect();
    v.sort();
    v
}

fn tp(p: u32) -> TopicPartition {
    TopicPartition::new("t", p)
}

/// `TransactionCoordinator` writes the commit marker (WriteTxnMarkers) after the data: a
/// read_committed consumer gets the records only once the marker is in the log.
#[test]
fn committed_records_reach_read_committed_only_after_the_commit_marker_transaction_coordinator() {
    let e = run(&scenario_file(), 30_000);
    let rc = delivered(&e, "rc");
    let c1 = rc
        .iter()
        .find(|d| d.3 == "c1")
        .expect("delivered to read_committed");
    // The commit marker of t-0: the append after the data at offsets 0..2.
    let marker_at = e
        .events()
        .iter()
        .find(|te| {
            matches!(&te.event, Event::RecordsAppended { tp: t, base_offset, count: 0, .. }
                if *t == tp(0) && *base_offset == Offset(2))
        })
        .expect("the commit marker at offset 2")
        .at;
    assert!(
        c1.0 >= marker_at,
        "delivered at {} before the marker at {marker_at}",
        c1.0
    );
    assert!(e.events().iter().any(|te| matches!(&te.event,
        Event::TransactionCompleted { transactional_id, committed: true, .. } if &**transactional_id == "tx-c")));
}

/// `FetchCollector` skips an aborted transaction's records for read_committed; a
/// read_uncommitted consumer gets them (and never sees the control batches as records).
#[test]
fn aborted_records_only_reach_read_uncommitted_fetch_collector() {
    let e = run(&scenario_file(), 90_000);
    assert_eq!(values(&delivered(&e, "rc")), ["c1", "c2", "plain"]);
    assert_eq!(
        values(&delivered(&e, "ru")),
        ["a1", "a2", "c1", "c2", "d1", "plain"]
    );
}

/// `ProducerStateManager.firstUnstableOffset`: the open transaction of the dead producer at
/// t-0 offset 3 holds the LSO there, so the plain record at offset 4 (committed, below the
/// HW) waits for read_committed consumers, whose lag is measured to the LSO.
#[test]
fn an_open_transaction_holds_back_read_committed_at_the_lso_producer_state_manager() {
    let e = run(&scenario_file(), 30_000);
    let p = e.partition_view(&tp(0)).unwrap();
    assert_eq!(p.high_watermark, Offset(5));
    assert_eq!(p.last_stable_offset, Offset(3));
    assert_eq!(values(&delivered(&e, "rc")), ["c1", "c2"]);
    assert!(values(&delivered(&e, "ru")).contains(&"plain"));
    let rc = e.group_view("rc").unwrap();
    let lag = rc.partitions.iter().find(|p| p.tp == tp(0)).unwrap();
    assert_eq!(
        (lag.committed, lag.lag),
        (Some(Offset(3)), Some(0)),
        "lag to the LSO"
    );
}

/// `TransactionCoordinator.abortTimedOutTransactions`: after `transaction.timeout.ms`
/// (60 s, checked every 10 s) the coordinator aborts with a bumped epoch; the LSO moves on.
#[test]
fn a_timed_out_transaction_is_aborted_transaction_coordinator() {
    let e = run(&scenario_file(), 90_000);
    let timed_out = e
        .events()
        .iter()
        .find(|te| matches!(&te.event, Event::TransactionTimedOut { transactional_id, .. } if &**transactional_id == "tx-dead"))
        .expect("timed out");
    assert_eq!(
        timed_out.at, 70_000,
        "record at 3018 ms + 60 s, at the next 10 s check"
    );
    assert!(e.events().iter().any(|te| matches!(&te.event,
        Event::TransactionCompleted { transactional_id, committed: false, epoch: 1, .. } if &**transactional_id == "tx-dead")));
    let p = e.partition_view(&tp(0)).unwrap();
    assert_eq!(p.last_stable_offset, p.high_watermark);
    let plain = delivered(&e, "rc")
        .into_iter()
        .find(|d| d.3 == "plain")
        .unwrap();
    assert!(plain.0 >= 70_000);
}

/// `TransactionCoordinator.handleInitProducerId`: a second producer of the same
/// transactional.id gets the next epoch; the first is fenced (ProducerFencedException) and
/// its records never reach read_committed consumers.
#[test]
fn a_newer_producer_fences_the_older_epoch_producer_fenced_exception() {
    let text = r#"{"seed": 3, "brokers": 3, "until_ms": 20000, "steps": [
      {"at_ms": 0, "op": "create_topic", "topic": "t", "partitions": 1, "replication_factor": 3},
      {"at_ms": 100, "op": "join_group", "group": "rc", "consumer": "c1", "topics": "t", "auto_offset_reset": "earliest", "isolation_level": "read_committed"},
      {"at_ms": 1000, "op": "transaction", "transactional_id": "app", "records": [{"topic": "t", "value": "zombie"}], "outcome": "commit"},
      {"at_ms": 1000, "op": "transaction", "transactional_id": "app", "records": [{"topic": "t", "value": "new"}], "outcome": "commit"}
    ]}"#;
    let e = run(text, 20_000);
    let ended: Vec<(Option<&str>, bool)> = e
        .events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::TransactionEnded {
                error, committed, ..
            } => Some((error.map(|k| k.name()), *committed)),
            _ => None,
        })
        .collect();
    assert!(
        ended.contains(&(Some("ProducerFencedException"), false)),
        "{ended:?}"
    );
    assert!(ended.contains(&(None, true)), "{ended:?}");
    assert_eq!(values(&delivered(&e, "rc")), ["new"]);
}

/// `kafka-console-consumer --isolation-level`: read_committed prints only committed
/// records below the LSO.
#[test]
fn dump_with_isolation_level_cli() {
    snapshot(
        "transactions.txt",
        &[
            "run",
            "scenarios/transactions.json",
            "--until",
            "30000",
            "--dump",
            "t",
            "--isolation-level",
            "read_committed",
        ],
    );
    let out = snapshot(
        "transactions-uncommitted.txt",
        &[
            "run",
            "scenarios/transactions.json",
            "--until",
            "30000",
            "--dump",
            "t",
        ],
    );
    assert!(out.contains("a1") && out.contains("d1"));
}

/// `TransactionCoordinator.handleInitProducerId` on an open transaction: the new producer's
/// InitProducerId aborts the dead producer's transaction at once (epoch bump), retries on
/// ConcurrentTransactions, and gets the epoch after it; no wait for the timeout.
#[test]
fn a_new_producer_aborts_the_open_transaction_of_its_id_transaction_coordinator() {
    let text = r#"{"seed": 5, "brokers": 3, "until_ms": 20000, "steps": [
      {"at_ms": 0, "op": "create_topic", "topic": "t", "partitions": 1, "replication_factor": 3},
      {"at_ms": 100, "op": "join_group", "group": "rc", "consumer": "c1", "topics": "t", "auto_offset_reset": "earliest", "isolation_level": "read_committed"},
      {"at_ms": 1000, "op": "transaction", "transactional_id": "app", "records": [{"topic": "t", "value": "warmup"}], "outcome": "commit"},
      {"at_ms": 3000, "op": "transaction", "transactional_id": "app", "records": [{"topic": "t", "value": "dead"}], "outcome": "commit"},
      {"at_ms": 3020, "op": "stop_producer", "id": "app"},
      {"at_ms": 5000, "op": "transaction", "transactional_id": "app", "records": [{"topic": "t", "value": "new"}], "outcome": "commit"}
    ]}"#;
    let e = run(text, 20_000);
    let completed: Vec<(u64, u16, bool)> = e
        .events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::TransactionCompleted {
                epoch, committed, ..
            } => Some((te.at, *epoch, *committed)),
            _ => None,
        })
        .collect();
    // warmup committed in epoch 0; "dead" aborted by the next InitProducerId (epoch 2 after
    // the second producer's epoch 1); "new" committed in epoch 3.
    assert_eq!(completed.len(), 3, "{completed:?}");
    assert!(
        completed[0].2 && !completed[1].2 && completed[2].2,
        "{completed:?}"
    );
    assert!(
        (5_000..6_000).contains(&completed[1].0),
        "aborted at once: {completed:?}"
    );
    assert!(completed[2].1 > completed[1].1);
    assert!(!e
        .events()
        .iter()
        .any(|te| matches!(te.event, Event::TransactionTimedOut { .. })));
    assert_eq!(values(&delivered(&e, "rc")), ["new", "warmup"]);
}

/// `TransactionStateManager.loadTransactionsForTxnTopicPartition`: the coordinator dies while
/// a dead producer's transaction is open; the new leader of its `__transaction_state`
/// partition loads it from the log and aborts it when it times out.
#[test]
fn a_new_coordinator_loads_an_open_transaction_and_times_it_out_transaction_state_manager() {
    let text = r#"{"seed": 1, "brokers": 3, "until_ms": 10000, "steps": [
      {"at_ms": 0, "op": "create_topic", "topic": "t", "partitions": 1, "replication_factor": 3, "configs": {"min.insync.replicas": "2"}},
      {"at_ms": 100, "op": "join_group", "group": "rc", "consumer": "c1", "topics": "t", "auto_offset_reset": "earliest", "isolation_level": "read_committed"},
      {"at_ms": 1000, "op": "transaction", "transactional_id": "warm", "records": [{"topic": "t", "value": "w"}], "outcome": "commit"},
      {"at_ms": 3000, "op": "transaction", "transactional_id": "dead", "records": [{"topic": "t", "value": "d"}], "outcome": "commit"},
      {"at_ms": 3020, "op": "stop_producer", "id": "dead"},
      {"at_ms": 3100, "op": "produce", "topic": "t", "value": "plain"}
    ]}"#;
    let s = parse_scenario(text).unwrap();
    let mut r = run_scenario_checked(&s, Some(10_000));
    assert!(r.violation.is_none());
    let e = &mut r.run.engine;
    let txn_tp = TopicPartition::new(
        "__transaction_state",
        kafka_sim::assignor::java::offsets_partition_for("dead", 50),
    );
    let coordinator = e.partition_view(&txn_tp).unwrap().leader.unwrap();
    assert_eq!(
        e.partition_view(&tp(0)).unwrap().last_stable_offset,
        Offset(2)
    );
    e.apply(kafka_sim::Command::KillBroker {
        broker: coordinator,
    })
    .unwrap();
    kafka_sim::check::run_checked(e, &mut r.checker, 90_000).unwrap();
    let by = e
        .events()
        .iter()
        .find_map(|te| match &te.event {
            Event::TransactionTimedOut {
                broker,
                transactional_id,
                ..
            } if &**transactional_id == "dead" => Some(*broker),
            _ => None,
        })
        .expect("timed out by the new coordinator");
    assert_ne!(by, coordinator);
    let p = e.partition_view(&tp(0)).unwrap();
    assert_eq!(p.last_stable_offset, p.high_watermark);
    assert_eq!(values(&delivered(e, "rc")), ["plain", "w"]);
}
