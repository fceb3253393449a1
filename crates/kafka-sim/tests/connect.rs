//! Kafka around Kafka: a REST proxy producing for an HTTP client, and Kafka Connect source and
//! sink connectors with Kafka's names (`connect-<name>`, `connector-consumer-<name>-<n>`,
//! `connector-producer-<name>-<n>`), their tasks, offsets committed every
//! `offset.flush.interval.ms`, and Connect's errors. Every run is checked after every step.

mod common;

use common::*;
use kafka_sim::connect::{ConnectorClass, ConnectorSpec};
use kafka_sim::group::GroupState;
use kafka_sim::{Acks, Command, Engine, ErrorKind};

fn source(name: &str, table: &str, topic: &str, keys: &[&str]) -> ConnectorSpec {
    let keys = keys.iter().map(|k| k.to_string()).collect();
    ConnectorSpec::source(name, table, topic, 10, Some(keys))
}

fn sink(name: &str, topics: &[&str], tasks_max: u32) -> ConnectorSpec {
    ConnectorSpec {
        store: Some("warehouse-db".into()),
        ..ConnectorSpec::sink(name, topics, tasks_max)
    }
}

fn put(e: &mut Engine, spec: ConnectorSpec) {
    e.apply(Command::PutConnector(Box::new(spec)))
        .expect("put_connector");
}

fn members(e: &Engine, group: &str) -> (Option<GroupState>, Vec<String>) {
    let g = e.groups_view().into_iter().find(|g| g.group == group);
    g.map_or((None, Vec::new()), |g| {
        let mut m: Vec<String> = g.members.iter().map(|m| m.client_id.clone()).collect();
        m.sort();
        (g.state, m)
    })
}

fn cluster() -> Engine {
    let mut e = engine(3, 7);
    create(&mut e, "db.customers", 3, 3, &[]);
    run_checked(&mut e, 1_000);
    e
}

#[test]
fn a_rest_proxy_produces_for_its_http_client() {
    let mut e = cluster();
    e.apply(Command::StartRestProxy {
        proxy: "rest-proxy".into(),
        http_client: "web-shop".into(),
        topic: "db.customers".into(),
        rate_per_s: 20,
        keys: Some(vec!["web-1".into()]),
        acks: Acks::All,
    })
    .expect("start_rest_proxy");
    run_checked(&mut e, 6_000);
    let proxies = e.rest_proxies_view();
    assert_eq!(proxies.len(), 1);
    assert_eq!(proxies[0].proxy, "rest-proxy");
    assert_eq!(proxies[0].http_client, "web-shop");
    let p = e.producers_view();
    let proxy = p
        .iter()
        .find(|p| p.name == "rest-proxy")
        .expect("its producer");
    assert!(proxy.stats.records_acked >= 50, "{:?}", proxy.stats);
    e.apply(Command::StopProducer {
        id: "rest-proxy".into(),
    })
    .expect("the posts stop like any producer");
    let err = e
        .apply(Command::StartRestProxy {
            proxy: " ".into(),
            http_client: "web-shop".into(),
            topic: "db.customers".into(),
            rate_per_s: 1,
            keys: None,
            acks: Acks::All,
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ConfigException);
}

#[test]
fn a_source_connector_moves_a_tables_rows_keyed_by_primary_key() {
    let mut e = cluster();
    let mut spec = source(
        "crm-source",
        "customers",
        "db.customers",
        &["c-1", "c-2", "c-3"],
    );
    spec.tasks_max = 4;
    put(&mut e, spec);
    run_checked(&mut e, 8_000);
    let c = &e.connectors_view()[0];
    assert_eq!(c.class, ConnectorClass::Source);
    let tasks: Vec<(&str, bool)> = c
        .tasks
        .iter()
        .map(|t| (t.client_id.as_str(), t.running))
        .collect();
    assert_eq!(
        tasks,
        vec![("connector-producer-crm-source-0", true)],
        "one table, one task, whatever tasks.max says"
    );
    assert_eq!(c.external, "customers");
    assert!(c.moved >= 50, "rows acked: {}", c.moved);
    // Each primary key lands on one partition (keyed records, murmur2).
    for key in ["c-1", "c-2", "c-3"] {
        let parts: std::collections::BTreeSet<u32> = (0..3)
            .filter(|&p| {
                let t = tp("db.customers", p);
                let l = leader(&e, &t).expect("leader");
                e.replica_records(l, &t, kafka_sim::Offset(0), leo(&e, l.0, &t))
                    .iter()
                    .any(|r| r.key == Some(key.as_bytes()))
            })
            .collect();
        assert_eq!(parts.len(), 1, "{key} on {parts:?}");
    }
    // Changing its config restarts its task with the new rate.
    let mut faster = source("crm-source", "customers", "db.customers", &["c-1"]);
    faster.rate_per_s = Some(50);
    put(&mut e, faster);
    let p = e.producers_view();
    let task = p
        .iter()
        .find(|p| p.name == "connector-producer-crm-source-0")
        .unwrap();
    assert!(task.running && task.rate_per_s == 50);
    e.apply(Command::DeleteConnector {
        name: "crm-source".into(),
    })
    .expect("delete");
    assert!(e.connectors_view().is_empty());
    let p = e.producers_view();
    assert!(!p.iter().any(|p| p.running), "its task stopped");
    run_checked(&mut e, 12_000);
}

#[test]
fn a_sink_connector_is_the_group_connect_name_and_scales_by_tasks() {
    let mut e = cluster();
    put(
        &mut e,
        source(
            "crm-source",
            "customers",
            "db.customers",
            &["c-1", "c-2", "c-3"],
        ),
    );
    run_checked(&mut e, 5_000);
    put(&mut e, sink("warehouse", &["db.customers"], 1));
    run_checked(&mut e, 20_000);
    let (state, m) = members(&e, "connect-warehouse");
    assert_eq!(state, Some(GroupState::Stable));
    assert_eq!(m, vec!["connector-consumer-warehouse-0"]);
    let c = e
        .connectors_view()
        .into_iter()
        .find(|c| c.name == "warehouse")
        .unwrap();
    assert_eq!(c.group.as_deref(), Some("connect-warehouse"));
    assert_eq!(c.external, "warehouse-db");
    // It read from earliest: the rows produced before it started reached the store too.
    let source_moved = e.connectors_view()[0].moved;
    assert!(c.moved >= 100, "sink moved {} of {source_moved}", c.moved);
    // No commit yet: a sink task commits every offset.flush.interval.ms (60 s), not 5 s.
    let committed = |e: &Engine| {
        e.groups_view()
            .into_iter()
            .find(|g| g.group == "connect-warehouse")
            .unwrap()
            .partitions
            .iter()
            .filter(|p| p.committed.is_some())
            .count()
    };
    assert_eq!(committed(&e), 0, "nothing committed 15 s after it started");
    run_checked(&mut e, 70_000);
    assert_eq!(committed(&e), 3, "committed after offset.flush.interval.ms");

    put(&mut e, sink("warehouse", &["db.customers"], 3));
    run_checked(&mut e, 80_000);
    let (state, m) = members(&e, "connect-warehouse");
    assert_eq!(state, Some(GroupState::Stable));
    assert_eq!(
        m,
        vec![
            "connector-consumer-warehouse-0",
            "connector-consumer-warehouse-1",
            "connector-consumer-warehouse-2"
        ]
    );
    let g = e
        .groups_view()
        .into_iter()
        .find(|g| g.group == "connect-warehouse")
        .unwrap();
    assert!(
        g.members.iter().all(|m| m.assignment.len() == 1),
        "a partition each"
    );

    put(&mut e, sink("warehouse", &["db.customers"], 1));
    run_checked(&mut e, 90_000);
    assert_eq!(
        members(&e, "connect-warehouse").1,
        vec!["connector-consumer-warehouse-0"]
    );
    e.apply(Command::DeleteConnector {
        name: "warehouse".into(),
    })
    .expect("delete");
    run_checked(&mut e, 100_000);
    let (state, m) = members(&e, "connect-warehouse");
    assert_eq!(state, Some(GroupState::Empty), "its tasks left the group");
    assert!(m.is_empty());
    assert_eq!(
        committed(&e),
        3,
        "the group's offsets stay, as Kafka keeps them"
    );
}

#[test]
fn connect_refuses_what_connect_refuses() {
    let mut e = cluster();
    let apply = |e: &mut Engine, spec: ConnectorSpec| {
        e.apply(Command::PutConnector(Box::new(spec))).unwrap_err()
    };
    let err = apply(&mut e, sink("warehouse", &[], 1));
    assert_eq!(err.kind, ErrorKind::ConfigException);
    assert_eq!(err.message, "Must configure one of topics or topics.regex");
    let err = apply(&mut e, sink("warehouse", &["db.customers"], 0));
    assert_eq!(
        err.message,
        "Invalid value 0 for configuration tasks.max: Value must be at least 1"
    );
    let mut no_table = source("crm", "customers", "db.customers", &["c"]);
    no_table.table = None;
    assert_eq!(apply(&mut e, no_table).kind, ErrorKind::ConfigException);
    let err = e
        .apply(Command::DeleteConnector {
            name: "nobody".into(),
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFoundException);
    assert_eq!(err.message, "Connector nobody not found");
    // A refused command changed nothing.
    assert!(e.connectors_view().is_empty());
    assert!(e.producers_view().is_empty());
    assert!(e.consumers_view().is_empty());
    // A sink whose topics change must be deleted first (its tasks leave before new ones join).
    put(&mut e, sink("warehouse", &["db.customers"], 1));
    let err = apply(&mut e, sink("warehouse", &["other"], 1));
    assert_eq!(err.kind, ErrorKind::ConfigException);
}

#[test]
fn connectors_read_from_a_scenario_file() {
    let text = r#"{"seed": 1, "brokers": 3, "until_ms": 30000, "steps": [
        {"at_ms": 0, "op": "create_topic", "topic": "db.customers", "partitions": 3, "replication_factor": 3},
        {"at_ms": 0, "op": "start_rest_proxy", "proxy": "rest-proxy", "http_client": "web-shop", "topic": "db.customers", "rate_per_s": 5},
        {"at_ms": 1000, "op": "put_connector", "name": "crm", "class": "source", "table": "customers", "topic": "db.customers", "rate_per_s": 5, "keys": ["c-1", "c-2"]},
        {"at_ms": 2000, "op": "put_connector", "name": "warehouse", "class": "sink", "topics": ["db.customers"], "tasks_max": 2},
        {"at_ms": 25000, "op": "delete_connector", "name": "crm"}
    ]}"#;
    let scenario = kafka_sim::scenario::parse_scenario(text).expect("reads");
    let mut e = scenario.new_engine();
    for i in scenario.step_order() {
        let step = &scenario.steps[i];
        run_checked(&mut e, step.at_ms);
        e.apply(step.command.clone())
            .expect("each step is accepted");
    }
    run_checked(&mut e, scenario.until_ms);
    let names: Vec<String> = e.connectors_view().into_iter().map(|c| c.name).collect();
    assert_eq!(names, vec!["warehouse"]);
    assert_eq!(members(&e, "connect-warehouse").1.len(), 2);
    // Written back, the commands read the same.
    for step in &scenario.steps {
        let json = step.command.to_json();
        let again = kafka_sim::command::json::Fields::parse(&json).unwrap();
        assert_eq!(Command::from_fields(again).unwrap(), step.command, "{json}");
    }
    let bad = r#"{"op": "put_connector", "name": "x", "class": "sideways", "topics": ["t"]}"#;
    let err = Command::from_fields(kafka_sim::command::json::Fields::parse(bad).unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("class"), "{err}");
}
