//! Topic administration: Kafka's validation rules and error texts, and that a rejected
//! command changes nothing.

mod common;
use common::*;
use kafka_sim::describe::describe_topics;
use kafka_sim::{BrokerId, Command, ErrorKind, Event, NewTopic, TopicPartition};

fn create_err(e: &mut kafka_sim::Engine, t: NewTopic) -> kafka_sim::KafkaError {
    let before = describe_topics(e);
    let err = e.apply(Command::CreateTopic(t)).unwrap_err();
    assert_eq!(describe_topics(e), before, "state unchanged");
    match &e.events().last().unwrap().event {
        Event::CommandRejected { op, error } => {
            assert_eq!(op, "create_topic");
            assert_eq!(error, &err);
        }
        other => panic!("not recorded: {other:?}"),
    }
    err
}

fn topic(name: &str, partitions: i32, rf: i32) -> NewTopic {
    NewTopic {
        topic: name.into(),
        partitions: Some(partitions),
        replication_factor: Some(rf),
        ..NewTopic::default()
    }
}

#[test]
fn topic_name_rules_and_collisions() {
    let mut e = engine(3, 1);
    let err = create_err(&mut e, topic("bad/name", 1, 1));
    assert_eq!(err.kind, ErrorKind::InvalidTopicException);
    assert_eq!(err.message, "Topic name is invalid: 'bad/name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'");
    assert_eq!(
        create_err(&mut e, topic(&"x".repeat(250), 1, 1)).message,
        format!(
            "Topic name is invalid: the length of '{}' is longer than the max allowed length 249",
            "x".repeat(250)
        )
    );
    e.apply(Command::CreateTopic(topic("a.b", 1, 1))).unwrap();
    let err = create_err(&mut e, topic("a_b", 1, 1));
    assert_eq!(
        err.to_string(),
        "InvalidTopicException: Topic 'a_b' collides with existing topic: a.b"
    );
    let err = create_err(&mut e, topic("a.b", 1, 1));
    assert_eq!(
        err.to_string(),
        "TopicExistsException: Topic 'a.b' already exists."
    );
}

#[test]
fn partition_and_replication_factor_errors() {
    let mut e = engine(2, 1);
    let err = create_err(&mut e, topic("t", 3, 3));
    assert_eq!(err.to_string(), "InvalidReplicationFactorException: Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.");
    assert_eq!(
        create_err(&mut e, topic("t", 0, 1)).to_string(),
        "InvalidPartitionsException: Number of partitions was set to an invalid non-positive value."
    );
    assert_eq!(
        create_err(&mut e, topic("t", 1, 0)).to_string(),
        "InvalidReplicationFactorException: Replication factor must be larger than 0, or -1 to use the default value."
    );
    let mut bad_cfg = topic("t", 1, 1);
    bad_cfg
        .configs
        .insert("min.insync.replicas".into(), "zero".into());
    assert_eq!(
        create_err(&mut e, bad_cfg).to_string(),
        "InvalidConfigurationException: Invalid value zero for configuration min.insync.replicas: Not a number of type INT"
    );
}

/// KRaft's placer (`ClusterControlManager.usableBrokers`, `StripedReplicaPlacer`) counts
/// every registered broker, fenced ones included; `ReplicationControlManager.createTopic`
/// then starts the partition with the unfenced replicas as ISR, under-replicated.
#[test]
fn fenced_brokers_still_count_for_replication_factor_replication_control_manager() {
    let mut e = engine(3, 1);
    e.apply(Command::KillBroker {
        broker: BrokerId(3),
    })
    .unwrap();
    e.advance_to(100);
    // The controller has not noticed yet (session timeout): 3 brokers are registered.
    e.apply(Command::CreateTopic(topic("early", 1, 3))).unwrap();
    e.advance_to(10_000);
    // Broker 3 is fenced now, still registered: RF 3 is placed, ISR without it.
    e.apply(Command::CreateTopic(topic("late", 2, 3))).unwrap();
    for p in 0..2 {
        let v = e.partition_view(&TopicPartition::new("late", p)).unwrap();
        assert_eq!(v.replicas.len(), 3);
        assert!(
            !v.isr.contains(&BrokerId(3)),
            "a fenced broker is not in the ISR"
        );
        assert_eq!(v.isr.len(), 2);
        assert_ne!(v.leader, Some(BrokerId(3)));
    }
    let err = create_err(&mut e, topic("too-big", 1, 4));
    assert!(err.message.ends_with("only 3 broker(s) are registered."));
    // RF 1 on the fenced broker alone cannot start (fixed start index 2 = broker 3).
    let mut lone = topic("lone", 1, 1);
    lone.fixed_start_index = Some(2);
    assert_eq!(
        create_err(&mut e, lone).message,
        "Unable to start the partition in a valid state, as all the brokers are currently fenced or in controlled shutdown."
    );
}

#[test]
fn partition_increase_rules_and_placement() {
    let mut e = engine(3, 1);
    create(&mut e, "t", 3, 2, &[]);
    let before = describe_topics(&e);
    let err = e
        .apply(Command::AlterPartitions {
            topic: "t".into(),
            partitions: 3,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "InvalidPartitionsException: Topic already has 3 partition(s)."
    );
    let err = e
        .apply(Command::AlterPartitions {
            topic: "t".into(),
            partitions: 2,
        })
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "InvalidPartitionsException: The topic t currently has 3 partition(s); 2 would not be an increase."
    );
    let err = e
        .apply(Command::AlterPartitions {
            topic: "nope".into(),
            partitions: 2,
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UnknownTopicOrPartitionException);
    assert_eq!(describe_topics(&e), before);
    e.apply(Command::AlterPartitions {
        topic: "t".into(),
        partitions: 5,
    })
    .unwrap();
    let t = &e.topics_view()[0];
    assert_eq!(t.partitions.len(), 5);
    // Same algorithm continued from partition 3 (start index of partition 0's first
    // replica); the shift grows at partition 3 = n, as if all 5 were created at once.
    let replicas: Vec<Vec<u32>> = t
        .partitions
        .iter()
        .map(|p| p.replicas.iter().map(|b| b.0).collect())
        .collect();
    assert_eq!(
        replicas,
        vec![vec![1, 2], vec![2, 3], vec![3, 1], vec![1, 3], vec![2, 1]]
    );
    e.advance_to(200);
    let h = produce(&mut e, "t", 4, "x", kafka_sim::Acks::All);
    e.advance_to(2000);
    assert_eq!(acked_offset(&e, h).unwrap().0, tp("t", 4));
}

#[test]
fn manual_replica_assignment() {
    let mut e = engine(3, 1);
    let manual = |m: &[(u32, Vec<u32>)]| NewTopic {
        topic: "m".into(),
        replica_assignment: Some(m.iter().cloned().collect()),
        ..NewTopic::default()
    };
    assert_eq!(
        create_err(&mut e, manual(&[(0, vec![1, 7])])).message,
        "The manual partition assignment includes broker 7, but no such broker is registered."
    );
    assert_eq!(
        create_err(&mut e, manual(&[(0, vec![1, 1])])).message,
        "The manual partition assignment includes the broker 1 more than once."
    );
    assert_eq!(
        create_err(&mut e, manual(&[(0, vec![1, 2]), (2, vec![2, 3])])).message,
        "partitions should be a consecutive 0-based integer sequence"
    );
    let mut both = manual(&[(0, vec![1])]);
    both.partitions = Some(1);
    assert_eq!(
        create_err(&mut e, both).kind,
        ErrorKind::InvalidRequestException
    );
    e.apply(Command::CreateTopic(manual(&[
        (0, vec![3, 1]),
        (1, vec![2, 3]),
    ])))
    .unwrap();
    let text = describe_topics(&e);
    assert!(
        text.contains("\tTopic: m\tPartition: 0\tLeader: 3\tReplicas: 3,1\tIsr: 3,1\n"),
        "{text}"
    );
}

#[test]
fn produce_errors_up_front() {
    let mut e = engine(3, 1);
    create(&mut e, "t", 2, 1, &[]);
    let produce = |e: &mut kafka_sim::Engine, topic: &str, partition| {
        e.apply(Command::Produce {
            topic: topic.into(),
            key: None,
            value: Some(b"v".to_vec()),
            headers: Vec::new(),
            partition,
            acks: kafka_sim::Acks::All,
            enable_idempotence: None,
        })
    };
    // A missing topic is no error up front: the producer waits for it in its metadata.
    assert!(produce(&mut e, "missing", None).is_ok());
    assert_eq!(
        produce(&mut e, "t", Some(2)).unwrap_err().to_string(),
        "KafkaException: Invalid partition given with record: 2 is not in the range [0...2)."
    );
    assert!(produce(&mut e, "t", Some(1)).is_ok());
}

#[test]
fn broker_commands_in_the_wrong_state_are_rejected() {
    let mut e = engine(3, 1);
    let err = e
        .apply(Command::KillBroker {
            broker: BrokerId(9),
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::BrokerNotAvailableException);
    let err = e
        .apply(Command::RestartBroker {
            broker: BrokerId(1),
        })
        .unwrap_err();
    assert_eq!(err.message, "Broker 1 is already running.");
    e.apply(Command::KillBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    assert_eq!(
        e.apply(Command::KillBroker {
            broker: BrokerId(1)
        })
        .unwrap_err()
        .message,
        "Broker 1 is already stopped."
    );
    assert!(e
        .apply(Command::AddBroker {
            broker: Some(BrokerId(2))
        })
        .is_err());
    assert!(e
        .apply(Command::StopProducer {
            id: "nobody".into()
        })
        .is_err());
    assert_eq!(
        events_named(&e, "CommandRejected").len(),
        5,
        "every rejection is in the trace"
    );
}

#[test]
fn absurd_numbers_are_errors_not_panics() {
    let mut e = engine(3, 1);
    let mut t = topic("big", 3, 2);
    t.fixed_start_index = Some(u32::MAX);
    e.apply(Command::CreateTopic(t)).unwrap();
    assert!(e
        .apply(Command::CreateTopic(topic("huge", i32::MAX, 1)))
        .is_err());
    assert!(e
        .apply(Command::AlterPartitions {
            topic: "big".into(),
            partitions: i32::MAX
        })
        .is_err());
    e.apply(Command::AddBroker {
        broker: Some(BrokerId(u32::MAX)),
    })
    .unwrap();
    let err = e.apply(Command::AddBroker { broker: None }).unwrap_err();
    assert_eq!(err.kind, ErrorKind::IllegalStateException);
    e.advance_to(30_000);
}
