//! Regression tests for the controller and admin behaviour of Kafka 4.x (KRaft) that the
//! engine once got wrong: each names the Kafka class whose rule it pins.

mod common;

use common::*;
use kafka_sim::{Acks, BrokerId, Command, ElectionType, Engine, Event, Offset};

/// `Partition.effectiveMinIsr` (KAFKA-15583, Kafka 3.7): min.insync.replicas above the
/// replication factor is capped at the replica count, for the NotEnoughReplicas check and
/// the HW alike.
#[test]
fn min_insync_above_replication_factor_is_capped_partition_effective_min_isr() {
    let mut e = engine(3, 1);
    create(&mut e, "t", 1, 1, &[("min.insync.replicas", "2")]);
    let all = produce(&mut e, "t", 0, "a", Acks::All);
    let one = produce(&mut e, "t", 0, "b", Acks::One);
    run_checked(&mut e, 2_000);
    // (The idempotent acks=all producer waits for its producer id first: either order.)
    let offset = |h| acked_offset(&e, h).and_then(|(_, o)| o);
    assert!(
        offset(all).is_some(),
        "acks=all acked, not NotEnoughReplicas"
    );
    assert!(offset(one).is_some());
    let l = leader(&e, &tp("t", 0)).unwrap().0;
    assert_eq!(hw_of(&e, l, &tp("t", 0)), Offset(2), "both records visible");
}

/// The last `kafka-leader-election` answer, worded as the tool prints it.
fn last_election_answer(e: &Engine) -> String {
    let ev = events_named(e, "LeaderElection");
    kafka_sim::trace::details(ev.last().expect("an election answer"))
}

/// A partition whose only ISR member (broker 1) is down while brokers 2 and 3, behind it,
/// are back: offline, waiting for a clean leader. Returns when it went offline.
fn offline_with_stale_replicas(e: &mut Engine) -> u64 {
    create(e, "t", 1, 3, &[]);
    e.advance_to(50);
    produce(e, "t", 0, "kept", Acks::All);
    e.advance_to(500);
    kill(e, 2);
    kill(e, 3);
    e.advance_to(10_000);
    produce(e, "t", 0, "only-on-1", Acks::All);
    e.advance_to(11_000);
    kill(e, 1);
    restart(e, 2);
    restart(e, 3);
    run_checked(e, 25_000);
    assert_eq!(leader(e, &tp("t", 0)), None);
    e.events()
        .iter()
        .rev()
        .find(|t| matches!(t.event, Event::PartitionOffline { .. }))
        .expect("offline")
        .at
}

fn allow_unclean(e: &mut Engine) {
    e.apply(Command::SetTopicConfig {
        topic: "t".into(),
        configs: [(
            "unclean.leader.election.enable".to_string(),
            Some("true".to_string()),
        )]
        .into(),
    })
    .unwrap();
}

/// KRaft (`QuorumController.maybeScheduleNextElectUncleanLeaders`,
/// `ReplicationControlManager.maybeElectUncleanLeaders`): enabling unclean election elects
/// nothing; the periodic task does, `unclean.leader.election.interval.ms` (5 minutes) after
/// the partition lost its leader.
#[test]
fn unclean_config_change_elects_nothing_the_periodic_task_does_quorum_controller() {
    let mut e = engine(3, 6);
    let offline_at = offline_with_stale_replicas(&mut e);
    allow_unclean(&mut e);
    run_checked(&mut e, offline_at + 299_999);
    assert_eq!(
        leader(&e, &tp("t", 0)),
        None,
        "the config change elects nothing"
    );
    run_checked(&mut e, offline_at + 300_000);
    let p = e.partition_view(&tp("t", 0)).unwrap();
    assert_eq!(p.leader, Some(BrokerId(2)));
    assert_eq!(p.isr, vec![BrokerId(2)]);
    assert_eq!(
        events_named(&e, "AckedRecordsLost").len(),
        1,
        "loss reported"
    );
}

/// `kafka-leader-election --election-type unclean` (`ReplicationControlManager.electLeader`)
/// elects at once, whatever the topic's config; a partition with a leader answers
/// ELECTION_NOT_NEEDED.
#[test]
fn explicit_unclean_election_is_immediate_replication_control_manager() {
    let mut e = engine(3, 6);
    offline_with_stale_replicas(&mut e);
    let unclean = |e: &mut Engine| {
        e.apply(Command::ElectLeaders {
            topic: "t".into(),
            partition: 0,
            election_type: ElectionType::Unclean,
        })
        .unwrap()
    };
    unclean(&mut e);
    assert_eq!(leader(&e, &tp("t", 0)), Some(BrokerId(2)));
    assert_eq!(
        last_election_answer(&e),
        "Successfully completed leader election (UNCLEAN) for partitions t-0"
    );
    unclean(&mut e);
    assert_eq!(
        last_election_answer(&e),
        "Valid replica already elected for partitions t-0"
    );
    run_checked(&mut e, 30_000);
}

/// `ReplicationControlManager.electLeader`: a preferred election that cannot happen answers
/// PREFERRED_LEADER_NOT_AVAILABLE, an unneeded one ELECTION_NOT_NEEDED, as
/// `kafka-leader-election` prints them.
#[test]
fn preferred_election_answers_not_available_and_not_needed_replication_control_manager() {
    let mut e = engine(3, 2);
    create(&mut e, "t", 2, 3, &[]);
    e.advance_to(100);
    let preferred = |e: &mut Engine, p: i32| {
        e.apply(Command::ElectLeaders {
            topic: "t".into(),
            partition: p,
            election_type: ElectionType::Preferred,
        })
        .unwrap()
    };
    preferred(&mut e, 0);
    assert_eq!(
        last_election_answer(&e),
        "Valid replica already elected for partitions t-0"
    );
    kill(&mut e, 1);
    e.advance_to(12_000);
    assert_ne!(leader(&e, &tp("t", 0)), Some(BrokerId(1)));
    preferred(&mut e, 0);
    assert_eq!(
        last_election_answer(&e),
        "Error completing leader election (PREFERRED) for partition: t-0: org.apache.kafka.common.errors.PreferredLeaderNotAvailableException: The preferred leader was not available."
    );
    let err = e
        .apply(Command::ElectLeaders {
            topic: "t".into(),
            partition: 7,
            election_type: ElectionType::Preferred,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "UnknownTopicOrPartitionException: No such partition as t-7"
    );
    run_checked(&mut e, 13_000);
}

fn produce_to(e: &mut Engine, topic: &str) -> kafka_sim::ProduceHandle {
    match e
        .apply(Command::Produce {
            topic: topic.into(),
            key: None,
            value: Some(b"v".to_vec()),
            headers: Vec::new(),
            partition: None,
            acks: Acks::All,
            enable_idempotence: None,
        })
        .expect("accepted: the producer waits for the topic")
    {
        kafka_sim::Outcome::Produced(h) => h,
        other => panic!("unexpected {other:?}"),
    }
}

/// `AutoTopicCreationManager` (`auto.create.topics.enable=true`, Kafka's default): a
/// producer's metadata request for a missing topic creates it with `num.partitions`=1 and
/// `default.replication.factor`=1, and the record is delivered.
#[test]
fn produce_to_a_missing_topic_creates_it_auto_topic_creation_manager() {
    let mut e = engine(3, 4);
    let h = produce_to(&mut e, "orders");
    run_checked(&mut e, 2_000);
    assert_eq!(
        acked_offset(&e, h),
        Some((tp("orders", 0), Some(Offset(0))))
    );
    let t = &e.topics_view()[0];
    assert_eq!(t.name, "orders");
    assert_eq!(t.partitions.len(), 1);
    assert_eq!(t.partitions[0].replicas.len(), 1);
}

/// The consumer's metadata request auto-creates too (`allow.auto.create.topics=true`).
#[test]
fn a_consumer_subscribing_to_a_missing_topic_creates_it_auto_topic_creation_manager() {
    let mut e = engine(3, 4);
    e.apply(Command::JoinGroup(Box::new(
        kafka_sim::command::JoinGroupSpec::new("g", "c1", &["clicks"]),
    )))
    .unwrap();
    run_checked(&mut e, 10_000);
    assert!(e.partition_view(&tp("clicks", 0)).is_some());
}

/// With `auto.create.topics.enable=false` the producer waits for the topic for
/// `max.block.ms`=60000 (`KafkaProducer.waitOnMetadata`) and only then fails.
#[test]
fn without_auto_creation_the_producer_fails_after_max_block_ms_kafka_producer() {
    let mut e = Engine::new(kafka_sim::EngineConfig {
        seed: 4,
        auto_create_topics_enable: false,
        ..Default::default()
    });
    let h = produce_to(&mut e, "orders");
    run_checked(&mut e, 59_999);
    assert_eq!(e.delivery(h), Some(&kafka_sim::Delivery::Pending));
    run_checked(&mut e, 62_000);
    assert_eq!(failed(&e, h), Some("TimeoutException"));
    assert!(e.topics_view().is_empty());
}

/// The scenario's top level carries the cluster setting, written back only when off.
#[test]
fn scenario_top_level_reads_auto_create_topics_enable() {
    let text = r#"{"brokers": 1, "auto_create_topics_enable": false, "until_ms": 61000,
        "steps": [{"at_ms": 0, "op": "produce", "topic": "orders", "value": "v"}]}"#;
    let s = kafka_sim::scenario::parse_scenario(text).unwrap();
    assert!(!s.auto_create_topics_enable);
    assert!(s.to_json().contains("\"auto_create_topics_enable\": false"));
    let run = kafka_sim::scenario::run_scenario(&s, None);
    assert_eq!(run.acks_report(&s), "error TimeoutException\n");
    let on = kafka_sim::scenario::parse_scenario(&text.replace("false", "true")).unwrap();
    assert!(!on.to_json().contains("auto_create_topics_enable"));
    let run = kafka_sim::scenario::run_scenario(&on, None);
    assert_eq!(run.acks_report(&on), "ack orders-0@0\n");
}

/// Controlled shutdown (`ReplicationControlManager.handleBrokerInControlledShutdown`): the
/// leaderships of a stopped broker move at once and it leaves the ISRs, where a crash
/// leaves its partitions leaderless for `broker.session.timeout.ms`; `restart_broker`
/// brings it back into the ISR.
/// A broker whose controlled shutdown is done stays fenced (`BrokerHeartbeatManager`): a
/// heartbeat it sent just before stopping, still on the wire, does not unfence it, so no
/// session timeout fences it a second time. Stopped at every millisecond of one heartbeat
/// interval, so that some stop has a heartbeat in flight.
#[test]
fn a_stopped_broker_stays_fenced_whatever_heartbeat_arrives_broker_heartbeat_manager() {
    for stop_at in 4_000..6_000 {
        let mut e = engine(3, 9);
        e.advance_to(stop_at);
        e.apply(Command::StopBroker {
            broker: BrokerId(1),
        })
        .unwrap();
        e.take_events();
        e.advance_to(stop_at + 12_000);
        let changes: Vec<_> = e
            .take_events()
            .into_iter()
            .filter(|t| {
                matches!(
                    t.event,
                    Event::BrokerUnfenced { .. } | Event::BrokerFenced { .. }
                )
            })
            .collect();
        assert!(changes.is_empty(), "stopped at {stop_at}: {changes:?}");
    }
}

#[test]
fn stop_broker_moves_leaderships_before_stopping_replication_control_manager() {
    let mut e = engine(3, 9);
    create(&mut e, "t", 3, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(100);
    let warm = produce(&mut e, "t", 0, "warm", Acks::All);
    e.advance_to(1_000);
    assert!(acked_offset(&e, warm).is_some());
    let led_by_1: Vec<u32> = (0..3)
        .filter(|p| leader(&e, &tp("t", *p)) == Some(BrokerId(1)))
        .collect();
    assert!(!led_by_1.is_empty());
    e.apply(Command::StopBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    for p in &led_by_1 {
        let v = e.partition_view(&tp("t", *p)).unwrap();
        assert!(
            v.leader.is_some() && v.leader != Some(BrokerId(1)),
            "moved at once"
        );
        assert!(!v.isr.contains(&BrokerId(1)));
    }
    assert!(!e.brokers_view()[0].alive);
    // acks=all records are acknowledged by the new leaders within a retry (the producer
    // finds broker 1 gone and refreshes its metadata), not after a session timeout.
    let h = produce(&mut e, "t", led_by_1[0] as i32, "v", Acks::All);
    run_checked(&mut e, 1_500);
    assert!(acked_offset(&e, h).is_some(), "{}", trace_tail(&e, 40));
    let err = e
        .apply(Command::StopBroker {
            broker: BrokerId(1),
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "IllegalStateException: Broker 1 is already stopped."
    );
    restart(&mut e, 1);
    run_checked(&mut e, 5_000);
    let v = e.partition_view(&tp("t", led_by_1[0])).unwrap();
    assert!(v.isr.contains(&BrokerId(1)), "back in the ISR");
}

/// A leader cut from the controller and the other brokers while clients still reach it
/// (split brain): it accepts acks=1 writes, acks=all ones wait (its HW cannot move without
/// the followers, `Partition.maybeIncrementLeaderHW`), the controller elects another
/// leader after the fence, and when the network heals the old leader truncates its acks=1
/// records (`AbstractFetcherThread` truncation by leader epoch): reported, never silent.
#[test]
fn a_leader_cut_from_the_cluster_accepts_acks_1_then_truncates_partition() {
    let mut e = engine(3, 2);
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(50);
    // Both producers learn that broker 1 leads.
    let early_one = produce(&mut e, "t", 0, "early-1", Acks::One);
    let early_all = produce(&mut e, "t", 0, "early-all", Acks::All);
    run_checked(&mut e, 1_000);
    assert!(acked_offset(&e, early_one).is_some() && acked_offset(&e, early_all).is_some());
    e.apply(Command::IsolateBroker {
        broker: BrokerId(1),
        from: kafka_sim::IsolateFrom::Cluster,
    })
    .unwrap();
    e.advance_to(1_100);
    let one = produce(&mut e, "t", 0, "split-1", Acks::One);
    let all = produce(&mut e, "t", 0, "split-all", Acks::All);
    run_checked(&mut e, 1_200);
    assert_eq!(
        acked_offset(&e, one),
        Some((tp("t", 0), Some(Offset(2)))),
        "the old leader still takes acks=1 writes"
    );
    run_checked(&mut e, 14_000);
    assert_eq!(
        e.delivery(all),
        Some(&kafka_sim::Delivery::Pending),
        "acks=all hangs"
    );
    assert_eq!(
        leader(&e, &tp("t", 0)),
        Some(BrokerId(2)),
        "the controller moved on"
    );
    e.apply(Command::HealNetwork {}).unwrap();
    run_checked(&mut e, 60_000);
    let lost = events_named(&e, "AckedRecordsLost");
    assert!(!lost.is_empty(), "the acks=1 record is lost, and reported");
    assert_eq!(
        leo(&e, 1, &tp("t", 0)),
        leo(&e, 2, &tp("t", 0)),
        "truncated and caught up"
    );
    assert!(
        acked_offset(&e, all).is_some(),
        "acks=all acked by the new leader"
    );
}

/// `kafka-topics --delete` (`ReplicationControlManager.deleteTopic`, brokers' stray-log
/// deletion, `OffsetMetadataManager.onPartitionsDeleted`): the topic, its partitions and
/// logs go from every broker, the group's committed offsets for it are tombstoned (a new
/// coordinator does not bring them back), and a topic created again under the name starts
/// empty.
#[test]
fn delete_topic_removes_logs_and_committed_offsets_replication_control_manager() {
    let mut e = engine(3, 5);
    create(&mut e, "t", 2, 3, &[]);
    e.advance_to(100);
    for i in 0..4 {
        produce(&mut e, "t", i % 2, "v", Acks::All);
    }
    let mut spec = kafka_sim::command::JoinGroupSpec::new("g", "c1", &["t"]);
    spec.auto_offset_reset = kafka_sim::consumer::OffsetReset::Earliest;
    e.apply(Command::JoinGroup(Box::new(spec))).unwrap();
    run_checked(&mut e, 15_000);
    e.apply(Command::LeaveGroup {
        group: "g".into(),
        consumer: "c1".into(),
    })
    .unwrap();
    run_checked(&mut e, 16_000);
    assert!(e
        .group_view("g")
        .unwrap()
        .partitions
        .iter()
        .any(|p| p.committed.is_some()));
    let replicas_before: u32 = e.brokers_view().iter().map(|b| b.replica_count).sum();
    e.apply(Command::DeleteTopic { topic: "t".into() }).unwrap();
    run_checked(&mut e, 17_000);
    assert!(e.partition_view(&tp("t", 0)).is_none());
    let replicas_after: u32 = e.brokers_view().iter().map(|b| b.replica_count).sum();
    assert_eq!(
        replicas_before - replicas_after,
        6,
        "2 partitions x 3 replicas deleted"
    );
    assert!(
        e.group_view("g").unwrap().partitions.is_empty(),
        "offsets deleted"
    );
    // The coordinator moves (its broker crashes): the tombstones keep the offsets deleted.
    let coordinator = e.group_view("g").unwrap().coordinator.unwrap();
    kill(&mut e, coordinator.0);
    run_checked(&mut e, 30_000);
    assert!(e.group_view("g").is_none_or(|g| g.partitions.is_empty()));
    // Created again (auto-creation, by a producer): a new, empty topic.
    restart(&mut e, coordinator.0);
    let h = produce(&mut e, "t", 0, "new", Acks::All);
    run_checked(&mut e, 40_000);
    assert_eq!(acked_offset(&e, h), Some((tp("t", 0), Some(Offset(0)))));
    let err = e
        .apply(Command::DeleteTopic {
            topic: "__consumer_offsets".into(),
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "IllegalArgumentException: Topic __consumer_offsets is a kafka internal topic and is not allowed to be marked for deletion.");
    let err = e
        .apply(Command::DeleteTopic {
            topic: "missing".into(),
        })
        .unwrap_err();
    assert_eq!(
        err.kind,
        kafka_sim::ErrorKind::UnknownTopicOrPartitionException
    );
}
