//! Replication, HW/ISR rules, failover, truncation, unclean election accounting, restart.

mod common;
use common::*;
use kafka_sim::{Acks, BrokerId, Command, Epoch, Event, Offset};

#[test]
fn acks_all_commits_when_the_whole_isr_has_the_record() {
    let mut e = engine(3, 1);
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(50);
    let h = produce(&mut e, "t", 0, "a", Acks::All);
    run_checked(&mut e, 1000);
    let (tp0, off) = acked_offset(&e, h).expect("acked");
    assert_eq!((tp0, off), (tp("t", 0), Some(Offset(0))));
    let t = tp("t", 0);
    for b in 1..=3 {
        assert_eq!(leo(&e, b, &t), Offset(1));
        // Follower HW = min(leader HW, own LEO): all caught up after an idle period.
        assert_eq!(hw_of(&e, b, &t), Offset(1), "broker {b}");
    }
}

#[test]
fn leader_hw_waits_for_a_silent_isr_member_until_it_is_fenced() {
    let mut e = engine(3, 2);
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(50);
    let t = tp("t", 0);
    assert_eq!(leader(&e, &t), Some(BrokerId(1)));
    kill(&mut e, 3);
    e.advance_to(1000);
    let h = produce(&mut e, "t", 0, "a", Acks::All);
    run_checked(&mut e, 8000);
    // Broker 3 is still in the ISR and counts as caught up (< replica.lag.time.max.ms):
    // HW = min LEO over the ISR stays at 0 and the acks=all record is not acked yet.
    assert_eq!(leo(&e, 1, &t), Offset(1));
    assert_eq!(leo(&e, 2, &t), Offset(1));
    assert_eq!(hw_of(&e, 1, &t), Offset(0));
    assert!(acked_offset(&e, h).is_none());
    // Its session expires 9000 ms after its last heartbeat (sent at 0, received at 2).
    run_checked(&mut e, 9001);
    assert_eq!(e.partition_view(&t).unwrap().isr.len(), 3);
    run_checked(&mut e, 9002);
    assert_eq!(
        e.partition_view(&t).unwrap().isr,
        vec![BrokerId(1), BrokerId(2)]
    );
    run_checked(&mut e, 9100);
    assert_eq!(hw_of(&e, 1, &t), Offset(1));
    assert_eq!(acked_offset(&e, h).unwrap().1, Some(Offset(0)));
}

#[test]
fn acks_all_is_rejected_up_front_below_min_isr_and_hw_stops() {
    let mut e = engine(3, 3);
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(50);
    let h0 = produce(&mut e, "t", 0, "before", Acks::All);
    e.advance_to(500);
    assert!(acked_offset(&e, h0).is_some());
    kill(&mut e, 2);
    kill(&mut e, 3);
    run_checked(&mut e, 12_000);
    let t = tp("t", 0);
    assert_eq!(e.partition_view(&t).unwrap().isr, vec![BrokerId(1)]);
    let h = produce(&mut e, "t", 0, "x", Acks::All);
    let h1 = produce(&mut e, "t", 0, "y", Acks::One);
    run_checked(&mut e, 13_000);
    assert_eq!(failed(&e, h), Some("NotEnoughReplicasException"));
    // The rejected record was never appended; the acks=1 record was, but the HW does not
    // advance while |ISR| < min.insync.replicas.
    assert_eq!(acked_offset(&e, h1).unwrap().1, Some(Offset(1)));
    assert_eq!(leo(&e, 1, &t), Offset(2));
    assert_eq!(hw_of(&e, 1, &t), Offset(1));
    // Lowering min.insync.replicas lets the HW move again.
    e.apply(Command::SetTopicConfig {
        topic: "t".into(),
        configs: [("min.insync.replicas".to_string(), Some("1".to_string()))].into(),
    })
    .unwrap();
    run_checked(&mut e, 13_100);
    assert_eq!(hw_of(&e, 1, &t), Offset(2));
}

#[test]
fn leader_failover_bumps_the_epoch_after_the_session_timeout() {
    let mut e = engine(3, 4);
    create(&mut e, "t", 1, 3, &[]);
    e.advance_to(1000);
    let t = tp("t", 0);
    kill(&mut e, 1);
    run_checked(&mut e, 9001);
    let p = e.partition_view(&t).unwrap();
    assert_eq!((p.leader, p.leader_epoch), (Some(BrokerId(1)), Epoch(0)));
    run_checked(&mut e, 9002);
    let p = e.partition_view(&t).unwrap();
    assert_eq!((p.leader, p.leader_epoch), (Some(BrokerId(2)), Epoch(1)));
    assert_eq!(p.isr, vec![BrokerId(2), BrokerId(3)]);
    assert!(e.events().iter().any(|x| matches!(&x.event,
        Event::LeaderElected { leader, epoch, .. } if *leader == BrokerId(2) && *epoch == Epoch(1))));
    // The producer retries on the new leader.
    let h = produce(&mut e, "t", 0, "after", Acks::All);
    run_checked(&mut e, 10_000);
    assert_eq!(acked_offset(&e, h).unwrap().1, Some(Offset(0)));
}

/// Steps until the leader of `t` has just appended a batch that no follower has yet.
fn step_until_leader_appends(
    e: &mut kafka_sim::Engine,
    t: &kafka_sim::TopicPartition,
    leader_id: u32,
) {
    for _ in 0..200_000 {
        e.step();
        let just_appended = matches!(e.events().last().map(|x| &x.event),
            Some(Event::RecordsAppended { broker, .. }) if *broker == BrokerId(leader_id));
        let leader_leo = leo(e, leader_id, t);
        let followers_behind = (1..=3)
            .filter(|b| *b != leader_id)
            .all(|b| leo(e, b, t) < leader_leo);
        if just_appended && followers_behind {
            return;
        }
    }
    panic!("the leader never appended");
}

#[test]
fn follower_truncates_by_leader_epoch_after_a_leader_change() {
    let mut e = engine(3, 5);
    create(&mut e, "t", 1, 3, &[]);
    e.advance_to(50);
    start_load(&mut e, "load", "t", 2000, Acks::One);
    e.advance_to(2000);
    let t = tp("t", 0);
    step_until_leader_appends(&mut e, &t, 1);
    // Cut the leader off and crash it: the batch it just wrote never leaves it (the fetch
    // responses and the produce response in flight are lost with the link).
    let now = e.now();
    isolate(&mut e, 1);
    kill(&mut e, 1);
    let old_leo = leo(&e, 1, &t);
    let old_hw = hw_of(&e, 1, &t);
    let (hw3, leo3) = (hw_of(&e, 3, &t), leo(&e, 3, &t));
    e.apply(Command::StopProducer { id: "load".into() })
        .unwrap();
    e.advance_to(now + 100);
    e.apply(Command::HealNetwork {}).unwrap();
    run_checked(&mut e, 12_000);
    assert_eq!(leader(&e, &t), Some(BrokerId(2)));
    // What broker 2 had when it took over is the start of epoch 1 in its epoch cache.
    let view = e.partition_view(&t).unwrap();
    let b2 = view
        .replica_states
        .iter()
        .find(|r| r.broker == BrokerId(2))
        .unwrap();
    let epoch1_start = b2.epochs.iter().find(|(ep, _)| *ep == Epoch(1)).unwrap().1;
    assert!(epoch1_start < old_leo);
    // The lost batch was never acknowledged (its response was cut off): no acked loss.
    assert!(events_named(&e, "AckedRecordsLost").is_empty());
    restart(&mut e, 1);
    run_checked(&mut e, 30_000);
    let truncations: Vec<_> = e
        .events()
        .iter()
        .filter_map(|x| match &x.event {
            Event::LogTruncated {
                broker,
                from_leo,
                to_offset,
                ..
            } if *broker == BrokerId(1) => Some((*from_leo, *to_offset)),
            _ => None,
        })
        .collect();
    // Truncated to the end of epoch 0 as the new leader reports it (KIP-101/279).
    assert_eq!(truncations, vec![(old_leo, epoch1_start)]);
    assert!(old_hw <= epoch1_start);
    // Broker 3's HW lagged its LEO (followers learn the HW one fetch later), yet it kept its
    // log: truncation goes by leader epoch, never simply to the follower's own HW.
    assert!(hw3 < leo3, "hw {hw3:?} leo {leo3:?}");
    assert!(!e.events().iter().any(|x| matches!(&x.event,
        Event::LogTruncated { broker, .. } if *broker == BrokerId(3))));
    // Back in sync: same LEO and the same records (epochs) everywhere.
    let view = e.partition_view(&t).unwrap();
    assert_eq!(
        view.isr.len(),
        3,
        "broker 1 rejoined the ISR: {:?}",
        view.isr
    );
    let end = leo(&e, 2, &t);
    for b in [1, 3] {
        assert_eq!(leo(&e, b, &t), end);
        let mine = e.replica_records(BrokerId(b), &t, Offset(0), end);
        let theirs = e.replica_records(BrokerId(2), &t, Offset(0), end);
        assert_eq!(mine.len(), theirs.len());
        assert!(mine
            .iter()
            .zip(&theirs)
            .all(|(a, b)| a.leader_epoch == b.leader_epoch && a.value == b.value));
    }
}

#[test]
fn unclean_election_loses_exactly_the_acked_records_above_the_new_leaders_leo() {
    let mut e = engine(3, 6);
    create(&mut e, "t", 1, 3, &[]);
    e.advance_to(50);
    for i in 0..3 {
        produce(&mut e, "t", 0, &format!("r{i}"), Acks::All);
    }
    e.advance_to(500);
    let t = tp("t", 0);
    assert_eq!(hw_of(&e, 1, &t), Offset(3));
    // Followers die; the controller shrinks the ISR to the leader alone.
    kill(&mut e, 2);
    kill(&mut e, 3);
    e.advance_to(10_000);
    assert_eq!(e.partition_view(&t).unwrap().isr, vec![BrokerId(1)]);
    let lost_handles: Vec<_> = (0..4)
        .map(|i| produce(&mut e, "t", 0, &format!("lost{i}"), Acks::All))
        .collect();
    e.advance_to(11_000);
    for h in &lost_handles {
        assert!(
            acked_offset(&e, *h).is_some(),
            "acked by the lone ISR member"
        );
    }
    assert_eq!(leo(&e, 1, &t), Offset(7));
    // The only ISR member dies: offline.
    kill(&mut e, 1);
    restart(&mut e, 2);
    restart(&mut e, 3);
    run_checked(&mut e, 25_000);
    let p = e.partition_view(&t).unwrap();
    assert_eq!(p.leader, None, "no clean leader: Leader: none");
    assert_eq!(p.isr, vec![BrokerId(1)]);
    assert!(
        kafka_sim::describe::describe_topics(&e).contains("Leader: none\tReplicas: 1,2,3\tIsr: 1")
    );
    assert!(events_named(&e, "AckedRecordsLost").is_empty());
    // Allowing unclean election elects broker 2, whose log ends at 3.
    e.apply(Command::SetTopicConfig {
        topic: "t".into(),
        configs: [(
            "unclean.leader.election.enable".to_string(),
            Some("true".to_string()),
        )]
        .into(),
    })
    .unwrap();
    // KRaft elects nothing on the config change (ReplicationControlManager): the partition
    // stays offline until a broker unfences, the periodic task or an explicit election.
    assert_eq!(e.partition_view(&t).unwrap().leader, None);
    e.apply(Command::ElectLeaders {
        topic: "t".into(),
        partition: 0,
        election_type: kafka_sim::ElectionType::Unclean,
    })
    .unwrap();
    // The ISR is the new leader alone.
    let p = e.partition_view(&t).unwrap();
    assert_eq!(p.leader, Some(BrokerId(2)));
    assert_eq!(p.isr, vec![BrokerId(2)]);
    run_checked(&mut e, 26_000);
    let lost = events_named(&e, "AckedRecordsLost");
    assert_eq!(lost.len(), 1);
    match lost[0] {
        Event::AckedRecordsLost {
            ranges,
            count,
            leader,
            ..
        } => {
            assert_eq!(*leader, BrokerId(2));
            assert_eq!(ranges, &vec![(Offset(3), Offset(7))]);
            assert_eq!(*count, 4);
        }
        _ => unreachable!(),
    }
    assert_eq!(e.lost_records().get(&t), Some(&4));
    // The old leader comes back and truncates its 4 lost records away.
    restart(&mut e, 1);
    run_checked(&mut e, 45_000);
    assert!(e.events().iter().any(|x| matches!(&x.event,
        Event::LogTruncated { broker, to_offset, .. } if *broker == BrokerId(1) && *to_offset == Offset(3))));
    assert_eq!(leo(&e, 1, &t), Offset(3));
}

#[test]
fn acks_all_with_min_isr_2_survives_leader_loss_without_unclean_election() {
    for seed in 0..6 {
        let mut e = engine(3, seed);
        create(&mut e, "t", 3, 3, &[("min.insync.replicas", "2")]);
        e.advance_to(50);
        start_load(&mut e, "load", "t", 3000, Acks::All);
        e.advance_to(1500 + seed * 37);
        let victim = leader(&e, &tp("t", 0)).unwrap();
        kill(&mut e, victim.0);
        run_checked(&mut e, 20_000);
        restart(&mut e, victim.0);
        run_checked(&mut e, 40_000);
        assert!(
            events_named(&e, "AckedRecordsLost").is_empty(),
            "seed {seed}: acked record lost; rerun with this seed"
        );
        let acked: u64 = e
            .producers_view()
            .iter()
            .map(|p| p.stats.records_acked)
            .sum();
        assert!(acked > 50_000, "seed {seed}: load kept flowing ({acked})");
        for p in 0..3 {
            let t = tp("t", p);
            for r in e.acked_ranges(&t) {
                let l = leader(&e, &t).unwrap();
                let recs = e.replica_records(l, &t, r.start, r.end);
                assert_eq!(recs.len() as u64, r.end.0 - r.start.0, "seed {seed} {t:?}");
                assert!(recs.iter().all(|x| x.leader_epoch == r.epoch));
            }
        }
    }
}

#[test]
fn restarted_follower_catches_up_and_rejoins_the_isr() {
    let mut e = engine(3, 7);
    create(&mut e, "t", 2, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(50);
    start_load(&mut e, "load", "t", 500, Acks::All);
    e.advance_to(1000);
    kill(&mut e, 3);
    run_checked(&mut e, 20_000);
    for p in 0..2 {
        assert!(!e
            .partition_view(&tp("t", p))
            .unwrap()
            .isr
            .contains(&BrokerId(3)));
    }
    restart(&mut e, 3);
    run_checked(&mut e, 30_000);
    e.apply(Command::StopProducer { id: "load".into() })
        .unwrap();
    run_checked(&mut e, 32_000);
    for p in 0..2 {
        let t = tp("t", p);
        let v = e.partition_view(&t).unwrap();
        assert!(v.isr.contains(&BrokerId(3)), "{t:?} isr {:?}", v.isr);
        let l = v.leader.unwrap();
        assert_eq!(leo(&e, 3, &t), leo(&e, l.0, &t));
    }
    assert!(!events_named(&e, "IsrExpanded").is_empty());
}

#[test]
fn isolated_leader_is_replaced_and_rejoins_as_follower_after_heal() {
    let mut e = engine(3, 8);
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(50);
    start_load(&mut e, "load", "t", 200, Acks::All);
    e.advance_to(3000);
    let t = tp("t", 0);
    isolate(&mut e, 1);
    run_checked(&mut e, 15_000);
    let v = e.partition_view(&t).unwrap();
    assert_eq!(v.leader, Some(BrokerId(2)));
    assert!(e.brokers_view()[0].isolated && e.brokers_view()[0].fenced);
    // The isolated broker still believes it leads (it cannot hear the controller).
    assert!(v.replica_states[0].is_leader);
    e.apply(Command::HealNetwork {}).unwrap();
    run_checked(&mut e, 30_000);
    let v = e.partition_view(&t).unwrap();
    assert!(!v.replica_states[0].is_leader);
    assert_eq!(v.isr.len(), 3);
    assert!(events_named(&e, "AckedRecordsLost").is_empty());
    assert!(events_named(&e, "BrokerUnfenced").len() == 1);
}

/// Three brokers and topic `t` (RF 3): broker 1 dies at 100 ms and restarts at 10 s, so
/// the partitions it led have moved to other brokers (now at 10 s).
fn broker_1_bounced(seed: u64, partitions: i32) -> kafka_sim::Engine {
    let mut e = engine(3, seed);
    create(&mut e, "t", partitions, 3, &[]);
    e.advance_to(100);
    kill(&mut e, 1);
    e.advance_to(10_000);
    restart(&mut e, 1);
    e
}

#[test]
fn preferred_leader_election_moves_leadership_back() {
    let mut e = broker_1_bounced(9, 3);
    e.advance_to(20_000);
    let t0 = tp("t", 0);
    let v = e.partition_view(&t0).unwrap();
    assert_eq!(v.replicas[0], BrokerId(1));
    assert_ne!(v.leader, Some(BrokerId(1)));
    assert!(v.isr.contains(&BrokerId(1)));
    let epoch = v.leader_epoch;
    e.apply(Command::ElectPreferredLeaders {
        topic: Some("t".into()),
    })
    .unwrap();
    e.advance_to(20_100);
    let v = e.partition_view(&t0).unwrap();
    assert_eq!(v.leader, Some(BrokerId(1)));
    assert_eq!(v.leader_epoch, Epoch(epoch.0 + 1));
    assert!(e.brokers_view()[0].leader_count >= 1);
}

/// QuorumController.maybeScheduleNextBalancePartitionLeaders: the rebalance is scheduled
/// `leader.imbalance.check.interval.seconds` after the write that made a partition
/// imbalanced (here broker 1's fence), not on a fixed clock.
#[test]
fn automatic_leader_rebalance_runs_an_interval_after_the_imbalance_quorum_controller() {
    let mut e = broker_1_bounced(10, 1);
    let fenced = e
        .events()
        .iter()
        .find(|t| matches!(t.event, Event::BrokerFenced { .. }))
        .expect("broker 1 fenced")
        .at;
    assert!(fenced > 0);
    e.advance_to(fenced + 299_999);
    assert_eq!(leader(&e, &tp("t", 0)), Some(BrokerId(2)));
    e.advance_to(fenced + 300_000);
    assert_eq!(leader(&e, &tp("t", 0)), Some(BrokerId(1)));
    // Balanced again: nothing is scheduled until the next imbalance.
    assert!(e.deadlines_view().is_empty());
}

#[test]
fn added_broker_registers_and_can_host_new_partitions() {
    let mut e = engine(2, 11);
    let err = e
        .apply(Command::CreateTopic(kafka_sim::NewTopic {
            topic: "t".into(),
            partitions: Some(1),
            replication_factor: Some(3),
            ..Default::default()
        }))
        .unwrap_err();
    assert_eq!(err.message, "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.");
    assert_eq!(
        e.apply(Command::AddBroker { broker: None }).unwrap(),
        kafka_sim::Outcome::BrokerAdded(BrokerId(3))
    );
    e.advance_to(100);
    create(&mut e, "t", 3, 3, &[]);
    e.advance_to(200);
    let h = produce(&mut e, "t", 2, "x", Acks::All);
    e.advance_to(500);
    assert!(acked_offset(&e, h).is_some());
    assert_eq!(e.brokers_view().len(), 3);
}

#[test]
fn log_append_time_overwrites_timestamps() {
    let mut e = engine(3, 12);
    create(
        &mut e,
        "t",
        1,
        3,
        &[("message.timestamp.type", "LogAppendTime")],
    );
    e.advance_to(100);
    produce(&mut e, "t", 0, "x", Acks::All);
    e.advance_to(1000);
    let recs = e.committed_records(&tp("t", 0), Offset(0), 10);
    assert_eq!(recs.len(), 1);
    assert!(
        recs[0].timestamp_ms > 100,
        "broker time at append, not create time"
    );
}

#[test]
fn producers_pick_up_new_partitions_and_spread_keyless_records() {
    let mut e = engine(3, 13);
    create(&mut e, "t", 2, 2, &[]);
    e.advance_to(50);
    // Keyless records: sticky partitioner, switching after ~16 KB per partition.
    e.apply(Command::StartProducer {
        id: "sticky".into(),
        topic: "t".into(),
        rate_per_s: 1000,
        keys: None,
        acks: Acks::One,
        enable_idempotence: None,
        value_bytes: Some(100),
        partitioner: Default::default(),
        max_records: Some(3000),
    })
    .unwrap();
    e.apply(Command::StartProducer {
        id: "rr".into(),
        topic: "t".into(),
        rate_per_s: 100,
        keys: Some(vec!["same".into()]),
        acks: Acks::All,
        enable_idempotence: None,
        value_bytes: None,
        partitioner: kafka_sim::partitioner::PartitionerKind::RoundRobin,
        max_records: None,
    })
    .unwrap();
    e.advance_to(5_000);
    let hw = |e: &kafka_sim::Engine, p| e.high_watermark(&tp("t", p)).unwrap().0;
    assert!(
        hw(&e, 0) > 1000 && hw(&e, 1) > 1000,
        "{} {}",
        hw(&e, 0),
        hw(&e, 1)
    );
    e.apply(Command::AlterPartitions {
        topic: "t".into(),
        partitions: 3,
    })
    .unwrap();
    // The round-robin producer learns about partition 2 at its next metadata refresh
    // (metadata.max.age.ms = 5 minutes) and deals records to it too.
    e.advance_to(299_000);
    assert_eq!(hw(&e, 2), 0);
    e.advance_to(320_000);
    assert!(hw(&e, 2) > 500, "{}", hw(&e, 2));
    // An explicit partition the producer does not know yet makes it refresh metadata.
    e.apply(Command::AlterPartitions {
        topic: "t".into(),
        partitions: 4,
    })
    .unwrap();
    let h = produce(&mut e, "t", 3, "x", Acks::All);
    e.advance_to(321_000);
    assert_eq!(acked_offset(&e, h).unwrap().0, tp("t", 3));
}

#[test]
fn headers_and_null_values_are_stored() {
    let mut e = engine(3, 14);
    create(&mut e, "t", 1, 3, &[]);
    e.advance_to(50);
    e.apply(Command::Produce {
        topic: "t".into(),
        key: Some(b"k".to_vec()),
        value: None,
        headers: vec![kafka_sim::record::Header {
            key: "trace".into(),
            value: Some(b"abc".to_vec()),
        }],
        partition: None,
        acks: Acks::All,
        enable_idempotence: None,
    })
    .unwrap();
    e.advance_to(1000);
    let recs = e.committed_records(&tp("t", 0), Offset(0), 10);
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].value, None);
    assert_eq!(recs[0].headers[0].key, "trace");
    let dump = kafka_sim::describe::dump_topic(&e, "t", Default::default()).unwrap();
    assert_eq!(dump, "Partition:0\tOffset:0\tk\tnull\n");
    // Replicas share the leader's batch instead of copying it.
    let l = leader(&e, &tp("t", 0)).unwrap();
    let a = e.replica_records(l, &tp("t", 0), Offset(0), Offset(1));
    let other = if l.0 == 1 { 2 } else { 1 };
    let b = e.replica_records(BrokerId(other), &tp("t", 0), Offset(0), Offset(1));
    assert!(std::ptr::eq(a[0].headers, b[0].headers));
}
