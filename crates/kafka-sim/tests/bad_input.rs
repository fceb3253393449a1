//! Bad input never hurts: commands that make no sense in the current state are a typed error
//! and change nothing; arbitrary command sequences and arbitrary scenario bytes never panic
//! and keep every invariant. Property tests use proptest with bounded case counts, so this
//! runs in CI in seconds (`PROPTEST_CASES=N` runs more). Native only (proptest's RNG).
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use kafka_sim::check::{run_scenario_checked, Checker};
use kafka_sim::command::{JoinGroupSpec, ResetTarget};
use kafka_sim::connect::ConnectorSpec;
use kafka_sim::scenario::parse_scenario;
use kafka_sim::{Acks, BrokerId, Command, Engine, NewTopic};
use proptest::prelude::*;

/// The engine's whole state as JSON, without its event log (a rejected command only adds a
/// `CommandRejected` event).
fn state(e: &Engine) -> String {
    let mut e = e.clone();
    e.take_events();
    serde_json::to_string(&e).expect("serializable")
}

/// Applies `c` to a copy; if it is rejected, the copy's state must equal the original's.
/// Returns whether it was rejected.
fn rejected_without_change(e: &Engine, c: Command) -> bool {
    let mut copy = e.clone();
    match copy.apply(c.clone()) {
        Ok(_) => false,
        Err(err) => {
            assert!(!err.name().is_empty());
            assert_eq!(
                state(&copy),
                state(e),
                "{c:?} was rejected ({err}) but changed the state"
            );
            true
        }
    }
}

/// A cluster with a topic, a producer, a stopped broker and an active consumer group.
fn busy() -> Engine {
    let mut e = engine(3, 11);
    create(&mut e, "t", 2, 3, &[("min.insync.replicas", "2")]);
    start_load(&mut e, "p", "t", 50, Acks::All);
    e.apply(Command::JoinGroup(Box::new(JoinGroupSpec::new(
        "g",
        "c1",
        &["t"],
    ))))
    .unwrap();
    run_checked(&mut e, 5_000);
    e.apply(Command::KillBroker {
        broker: BrokerId(3),
    })
    .unwrap();
    run_checked(&mut e, 6_000);
    e
}

#[test]
fn commands_that_make_no_sense_are_typed_errors_that_change_nothing() {
    let e = busy();
    let wrong = [
        Command::KillBroker {
            broker: BrokerId(3),
        },
        Command::RestartBroker {
            broker: BrokerId(1),
        },
        Command::KillBroker {
            broker: BrokerId(99),
        },
        Command::Produce {
            topic: "bad topic!".into(),
            key: None,
            value: Some(b"v".to_vec()),
            headers: Vec::new(),
            partition: None,
            acks: Acks::All,
            enable_idempotence: None,
        },
        Command::Produce {
            topic: "t".into(),
            key: None,
            value: None,
            headers: Vec::new(),
            partition: Some(7),
            acks: Acks::One,
            enable_idempotence: None,
        },
        Command::Produce {
            topic: "t".into(),
            key: None,
            value: Some(vec![0; 2_000_000]),
            headers: Vec::new(),
            partition: None,
            acks: Acks::One,
            enable_idempotence: None,
        },
        Command::StopProducer { id: "nope".into() },
        Command::CreateTopic(NewTopic {
            topic: "t".into(),
            partitions: Some(1),
            replication_factor: Some(1),
            ..NewTopic::default()
        }),
        Command::CreateTopic(NewTopic {
            topic: "x".repeat(1_000_000),
            partitions: Some(1),
            replication_factor: Some(1),
            ..NewTopic::default()
        }),
        Command::CreateTopic(NewTopic {
            topic: "huge".into(),
            partitions: Some(i32::MAX),
            replication_factor: Some(1),
            ..NewTopic::default()
        }),
        Command::AlterPartitions {
            topic: "t".into(),
            partitions: 1,
        },
        Command::SetTopicConfig {
            topic: "t".into(),
            configs: [("min.insync.replicas".to_string(), Some("-3".to_string()))].into(),
        },
        Command::AddBroker {
            broker: Some(BrokerId(2)),
        },
        Command::ElectPreferredLeaders {
            topic: Some("missing".into()),
        },
        Command::ResetOffsets {
            group: "g".into(),
            topic: "t".into(),
            to: ResetTarget::Earliest,
        },
        Command::LeaveGroup {
            group: "g".into(),
            consumer: "nobody".into(),
        },
        Command::KillConsumer {
            group: "none".into(),
            consumer: "c1".into(),
        },
        Command::JoinGroup(Box::new(JoinGroupSpec::new("g", "c1", &["t"]))),
        Command::StartProducer {
            id: "p".into(),
            topic: "t".into(),
            rate_per_s: 10,
            keys: None,
            acks: Acks::All,
            enable_idempotence: None,
            value_bytes: None,
            partitioner: Default::default(),
            max_records: None,
        },
    ];
    for c in wrong {
        assert!(rejected_without_change(&e, c.clone()), "{c:?} was accepted");
    }
}

fn topic_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("t".to_string()),
        Just("u".to_string()),
        Just("t.x".to_string()),
        Just("t_x".to_string()),
        Just(String::new()),
        Just("bad name!".to_string()),
        Just("y".repeat(300)),
    ]
}

fn acks() -> impl Strategy<Value = Acks> {
    prop_oneof![Just(Acks::Zero), Just(Acks::One), Just(Acks::All)]
}

fn config() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            Just("min.insync.replicas"),
            Just("unclean.leader.election.enable"),
            Just("retention.ms"),
            Just("no.such.config"),
        ],
        prop_oneof![
            Just("1"),
            Just("2"),
            Just("3"),
            Just("true"),
            Just("false"),
            Just("-1"),
            Just("99999999999999999999"),
            Just(""),
        ],
    )
        .prop_map(|(k, v)| (k.to_string(), v.to_string()))
}

fn command() -> impl Strategy<Value = Command> {
    let broker = (0u32..6).prop_map(BrokerId);
    let group = prop_oneof![Just("g".to_string()), Just("h".to_string())];
    let consumer = prop_oneof![Just("c1".to_string()), Just("c2".to_string())];
    prop_oneof![
        (
            topic_name(),
            -2i32..8,
            -1i32..5,
            proptest::collection::vec(config(), 0..2)
        )
            .prop_map(|(topic, p, rf, configs)| Command::CreateTopic(NewTopic {
                topic,
                partitions: Some(p),
                replication_factor: Some(rf),
                configs: configs.into_iter().collect(),
                ..NewTopic::default()
            })),
        (topic_name(), -1i32..12)
            .prop_map(|(topic, partitions)| Command::AlterPartitions { topic, partitions }),
        (topic_name(), config()).prop_map(|(topic, (k, v))| Command::SetTopicConfig {
            topic,
            configs: [(k, Some(v))].into(),
        }),
        (
            topic_name(),
            proptest::option::of(-2i32..6),
            acks(),
            any::<bool>()
        )
            .prop_map(|(topic, partition, acks, keyed)| Command::Produce {
                topic,
                key: keyed.then(|| b"k".to_vec()),
                value: Some(b"v".to_vec()),
                headers: Vec::new(),
                partition,
                acks,
                enable_idempotence: None,
            }),
        (topic_name(), 0u64..400, acks(), 0usize..3).prop_map(|(topic, rate, acks, id)| {
            Command::StartProducer {
                id: format!("p{id}"),
                topic,
                rate_per_s: rate,
                keys: None,
                acks,
                enable_idempotence: None,
                value_bytes: None,
                partitioner: Default::default(),
                max_records: None,
            }
        }),
        (0usize..3).prop_map(|id| Command::StopProducer {
            id: format!("p{id}")
        }),
        (broker.clone(), any::<bool>()).prop_map(|(broker, stop)| if stop {
            Command::StopBroker { broker }
        } else {
            Command::KillBroker { broker }
        }),
        broker
            .clone()
            .prop_map(|broker| Command::RestartBroker { broker }),
        (broker.clone(), any::<bool>()).prop_map(|(broker, cluster)| Command::IsolateBroker {
            broker,
            from: if cluster {
                kafka_sim::IsolateFrom::Cluster
            } else {
                kafka_sim::IsolateFrom::All
            },
        }),
        Just(Command::HealNetwork {}),
        proptest::option::of(broker).prop_map(|broker| Command::AddBroker { broker }),
        (proptest::option::of(topic_name()), any::<u8>()).prop_map(|(topic, b)| match topic {
            Some(topic) if b % 3 > 0 => Command::ElectLeaders {
                topic,
                partition: i32::from(b % 5) - 1,
                election_type: if b % 3 == 1 {
                    kafka_sim::ElectionType::Preferred
                } else {
                    kafka_sim::ElectionType::Unclean
                },
            },
            topic => Command::ElectPreferredLeaders { topic },
        }),
        (group.clone(), consumer.clone(), topic_name()).prop_map(|(g, c, t)| {
            Command::JoinGroup(Box::new(JoinGroupSpec::new(&g, &c, &[t.as_str()])))
        }),
        (group.clone(), consumer.clone())
            .prop_map(|(group, consumer)| Command::LeaveGroup { group, consumer }),
        (group.clone(), consumer)
            .prop_map(|(group, consumer)| Command::KillConsumer { group, consumer }),
        (group, topic_name(), -5i64..50).prop_map(|(group, topic, o)| Command::ResetOffsets {
            group,
            topic,
            to: ResetTarget::Offset(o),
        }),
        (
            prop_oneof![Just("w"), Just("c1")],
            0u32..4,
            any::<bool>(),
            topic_name(),
            0u64..30,
        )
            .prop_map(|(name, tasks_max, sink, topic, rate)| {
                let mut spec = if sink {
                    ConnectorSpec::sink(name, &[topic.as_str()], 1)
                } else {
                    ConnectorSpec::source(name, "rows", &topic, rate, Some(vec!["k".into()]))
                };
                spec.tasks_max = tasks_max;
                Command::PutConnector(Box::new(spec))
            }),
        prop_oneof![Just("w"), Just("x")]
            .prop_map(|name| Command::DeleteConnector { name: name.into() }),
        (prop_oneof![Just("p"), Just("rp")], topic_name(), 0u64..30).prop_map(
            |(proxy, topic, rate_per_s)| Command::StartRestProxy {
                proxy: proxy.into(),
                http_client: "web".into(),
                topic,
                rate_per_s,
                keys: None,
                acks: Acks::All,
            }
        ),
    ]
}

/// Cases per property (proptest's default is 256); `PROPTEST_CASES` overrides it.
fn cases(default: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(default);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(cases(96))]

    /// Any command sequence, at any times: no panic, every invariant after every step, and a
    /// rejected command changes nothing.
    #[test]
    fn arbitrary_command_sequences_never_panic_and_keep_invariants(
        steps in proptest::collection::vec((command(), 0u64..5_000), 1..25),
        seed in any::<u64>(),
    ) {
        let mut e = engine(3, seed);
        let mut checker = Checker::new();
        let mut t = 0;
        for (c, dt) in steps {
            rejected_without_change(&e, c.clone());
            let _ = e.apply(c);
            checker.check(&e).map_err(|v| TestCaseError::fail(v.to_string()))?;
            t += dt;
            kafka_sim::check::run_checked(&mut e, &mut checker, t)
                .map_err(|v| TestCaseError::fail(v.to_string()))?;
        }
        kafka_sim::check::run_checked(&mut e, &mut checker, t + 30_000)
            .map_err(|v| TestCaseError::fail(v.to_string()))?;
        checker.finish(&e).map_err(|v| TestCaseError::fail(v.to_string()))?;
    }

    /// Any bytes as a scenario file: an error or a scenario, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_scenario(&String::from_utf8_lossy(&bytes));
    }

    /// JSON shaped like a scenario, with arbitrary values in every field: an error naming
    /// the step and field, or a scenario that runs (briefly) keeping every invariant.
    #[test]
    fn arbitrary_scenario_json_never_panics(doc in scenario_json()) {
        match parse_scenario(&doc) {
            Err(e) => {
                let text = e.to_string();
                prop_assert!(!text.is_empty());
                if e.step.is_some() {
                    prop_assert!(text.starts_with("step "), "{}", text);
                }
            }
            Ok(s) => {
                let run = run_scenario_checked(&s, Some(s.until_ms.min(20_000)));
                prop_assert!(run.violation.is_none(), "{:?}", run.violation);
            }
        }
    }
}

/// A JSON value of any type, with numbers at and beyond the limits.
fn value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::json;
    prop_oneof![
        Just(json!(null)),
        Just(json!(true)),
        Just(json!(-1)),
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(3)),
        Just(json!(1e12)),
        Just(json!(1.5)),
        Just(json!(u64::MAX)),
        Just(json!(-9223372036854775808i64)),
        Just(json!("t")),
        Just(json!("all")),
        Just(json!("x".repeat(10_000))),
        Just(json!(["t", 1])),
        Just(json!({"0": [1, 2]})),
        Just(json!({"min.insync.replicas": "2"})),
    ]
}

fn scenario_json() -> impl Strategy<Value = String> {
    let op = prop_oneof![
        Just("create_topic"),
        Just("produce"),
        Just("start_producer"),
        Just("kill_broker"),
        Just("restart_broker"),
        Just("alter_partitions"),
        Just("join_group"),
        Just("reset_offsets"),
        Just("put_connector"),
        Just("delete_connector"),
        Just("start_rest_proxy"),
        Just("no_such_op"),
    ];
    let field = prop_oneof![
        Just("topic"),
        Just("partitions"),
        Just("replication_factor"),
        Just("configs"),
        Just("value"),
        Just("key"),
        Just("acks"),
        Just("broker"),
        Just("rate_per_s"),
        Just("id"),
        Just("group"),
        Just("consumer"),
        Just("topics"),
        Just("to"),
        Just("name"),
        Just("class"),
        Just("tasks_max"),
        Just("bogus"),
    ];
    let step = (
        op,
        proptest::collection::vec((field, value()), 0..5),
        0u64..20_000,
    )
        .prop_map(|(op, fields, at)| {
            let mut m = serde_json::Map::new();
            m.insert("at_ms".into(), at.into());
            m.insert("op".into(), op.into());
            for (k, v) in fields {
                m.insert(k.into(), v);
            }
            serde_json::Value::Object(m)
        });
    (
        proptest::collection::vec(step, 0..8),
        value(),
        value(),
        any::<bool>(),
    )
        .prop_map(|(steps, brokers, until, deep)| {
            let mut doc = serde_json::json!({"steps": steps});
            if brokers.is_u64() {
                doc["brokers"] = brokers;
            }
            if until.is_number() {
                doc["until_ms"] = until;
            }
            let text = doc.to_string();
            // Deep nesting: the parser's recursion limit answers, not the stack.
            if deep {
                format!("{}{}{}", "[".repeat(10_000), text, "]".repeat(10_000))
            } else {
                text
            }
        })
}

#[test]
fn absurd_scenarios_are_clear_errors() {
    let cases = [
        (
            r#"{"steps": [{"at_ms": 0, "op": "create_topic", "topic": "t", "partitions": 1e12}]}"#,
            "step 0: field \"partitions\"",
        ),
        (r#"{"until_ms": 1e30, "steps": []}"#, "field \"until_ms\""),
        (
            r#"{"until_ms": 18446744073709551616, "steps": []}"#,
            "field \"until_ms\"",
        ),
        (r#"{"brokers": -1, "steps": []}"#, "field \"brokers\""),
        (r#"{"brokers": 100000, "steps": []}"#, "field \"brokers\""),
        (
            r#"{"steps": [{"at_ms": 0, "op": "start_producer", "id": "p", "topic": "t", "rate_per_s": 1e9}]}"#,
            "step 0: field \"rate_per_s\"",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "explode"}]}"#,
            "step 0: field \"op\": unknown op",
        ),
        (
            r#"{"steps": [{"at_ms": "soon", "op": "heal_network"}]}"#,
            "step 0: field \"at_ms\"",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "kill_broker", "broker": "one"}]}"#,
            "step 0: field \"broker\"",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "produce", "topic": "t", "value": "v", "acks": 2}]}"#,
            "step 0: field \"acks\"",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "produce", "topic": "t", "value": "v", "partition": 1e12}]}"#,
            "step 0: field \"partition\"",
        ),
        (
            r#"{"steps": [{"at_ms": 0, "op": "heal_network", "extra": 1}]}"#,
            "step 0: field \"extra\"",
        ),
        (r#"{"steps": "#, "invalid JSON"),
    ];
    for (text, expected) in cases {
        let e = parse_scenario(text).expect_err(text);
        assert!(e.to_string().contains(expected), "{text}: {e}");
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = parse_scenario(&deep).expect_err("deep nesting");
    assert_eq!(e.to_string(), "expected a JSON object at the top level");
    let deep_inside = format!(
        r#"{{"steps": {}{}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    // Skipped over iteratively by the parser, then refused as a step.
    let e = parse_scenario(&deep_inside).expect_err("deep nesting in a field");
    assert_eq!(e.to_string(), "step 0: expected an object");
    let deep_field = format!(
        r#"{{"steps": [{{"at_ms": 0, "op": "heal_network", "x": {}{}}}]}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let e = parse_scenario(&deep_field).expect_err("deep nesting in a step");
    assert_eq!(e.to_string(), "step 0: field \"x\": unknown field");
    let huge = format!(
        r#"{{"steps": [{{"at_ms": 0, "op": "create_topic", "topic": "{}"}}]}}"#,
        "t".repeat(5_000_000)
    );
    let s = parse_scenario(&huge).expect("a long name is Kafka's error, at run time");
    let run = run_scenario_checked(&s, Some(1_000));
    assert!(run.violation.is_none());
    assert!(matches!(&run.run.results[0], Some(Err(e)) if e.name() == "InvalidTopicException"));
}
