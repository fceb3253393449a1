//! Consumer groups end to end: pull consumers, rebalances, failover, lag, offsets reset,
//! ordering, coordinator failover.

mod common;

use common::*;
use kafka_sim::assignor::AssignorKind;
use kafka_sim::command::{JoinGroupSpec, ResetTarget};
use kafka_sim::consumer::OffsetReset;
use kafka_sim::group::GroupState;
use kafka_sim::{BrokerId, Command, Engine, ErrorKind, Event};
use std::collections::BTreeMap;

fn join(
    e: &mut Engine,
    group: &str,
    consumer: &str,
    topics: &[&str],
    f: impl FnOnce(&mut JoinGroupSpec),
) {
    let mut spec = JoinGroupSpec::new(group, consumer, topics);
    spec.auto_offset_reset = OffsetReset::Earliest;
    f(&mut spec);
    e.apply(Command::JoinGroup(Box::new(spec))).expect("join");
}

fn produce_keyed(e: &mut Engine, topic: &str, key: &str, value: &str) {
    e.apply(Command::Produce {
        topic: topic.into(),
        key: Some(key.as_bytes().to_vec()),
        value: Some(value.as_bytes().to_vec()),
        headers: Vec::new(),
        partition: None,
        acks: kafka_sim::Acks::All,
        enable_idempotence: None,
    })
    .expect("produce");
}

/// (group, consumer, partition, offset, value) of every delivered record, in order.
fn deliveries(e: &Engine) -> Vec<(String, String, u32, u64, String)> {
    let mut out = Vec::new();
    for te in e.events() {
        if let Event::RecordsDelivered {
            group,
            consumer,
            tp,
            records,
            ..
        } = &te.event
        {
            for c in records {
                for r in c.records() {
                    out.push((
                        group.to_string(),
                        consumer.to_string(),
                        tp.partition.0,
                        r.offset.0,
                        String::from_utf8_lossy(r.value.unwrap_or_default()).into_owned(),
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn two_consumers_share_a_topic_and_get_everything() {
    let mut e = engine(3, 1);
    create(&mut e, "orders", 6, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "c1", &["orders"], |_| {});
    join(&mut e, "g", "c2", &["orders"], |_| {});
    for i in 0..60 {
        produce_keyed(&mut e, "orders", &format!("k{}", i % 7), &format!("v{i}"));
    }
    e.advance_to(20_000);
    let g = e.group_view("g").unwrap();
    assert_eq!(g.state, Some(GroupState::Stable), "{}", trace_tail(&e, 40));
    assert_eq!(g.members.len(), 2);
    assert!(g.members.iter().all(|m| m.assignment.len() == 3), "{g:?}");
    let d = deliveries(&e);
    assert_eq!(d.len(), 60, "{}", trace_tail(&e, 40));
    assert_eq!(g.duplicates, 0);
}

fn group_state(e: &Engine, g: &str) -> Option<GroupState> {
    e.group_view(g).and_then(|v| v.state)
}

fn lag(e: &Engine, g: &str) -> u64 {
    e.group_view(g)
        .unwrap()
        .partitions
        .iter()
        .map(|p| p.lag.unwrap_or(0))
        .sum()
}

#[test]
fn two_groups_each_get_every_record() {
    let mut e = engine(3, 2);
    create(&mut e, "orders", 4, 3, &[]);
    e.advance_to(100);
    join(&mut e, "billing", "b1", &["orders"], |_| {});
    join(&mut e, "billing", "b2", &["orders"], |_| {});
    join(&mut e, "audit", "a1", &["orders"], |_| {});
    for i in 0..40 {
        produce_keyed(&mut e, "orders", &format!("k{i}"), &format!("v{i}"));
    }
    e.advance_to(15_000);
    let d = deliveries(&e);
    for g in ["billing", "audit"] {
        let mut got: Vec<String> = d.iter().filter(|x| x.0 == g).map(|x| x.4.clone()).collect();
        got.sort();
        assert_eq!(got.len(), 40, "{g}");
        got.dedup();
        assert_eq!(got.len(), 40, "{g} got duplicates");
    }
    let b = e.group_view("billing").unwrap();
    assert_eq!(b.members.len(), 2);
    assert_eq!(lag(&e, "billing"), 0);
}

#[test]
fn more_consumers_than_partitions_leaves_members_idle() {
    let mut e = engine(3, 3);
    create(&mut e, "orders", 2, 3, &[]);
    e.advance_to(100);
    for c in ["c1", "c2", "c3", "c4"] {
        join(&mut e, "g", c, &["orders"], |_| {});
    }
    e.advance_to(10_000);
    let g = e.group_view("g").unwrap();
    assert_eq!(g.state, Some(GroupState::Stable));
    assert_eq!(g.members.len(), 4);
    assert_eq!(g.members.iter().filter(|m| m.idle).count(), 2, "{g:?}");
    let owners: Vec<_> = g
        .partitions
        .iter()
        .filter_map(|p| p.owner.clone())
        .collect();
    assert_eq!(
        owners,
        ["c1", "c2"],
        "range gives the partitions to the first members"
    );
}

#[test]
fn killed_consumer_partitions_move_after_session_timeout_and_resume_from_committed() {
    let mut e = engine(3, 4);
    create(&mut e, "orders", 2, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "fast", &["orders"], |_| {});
    // 'slow' processes 5 records/s, so it dies holding processed-but-uncommitted records.
    join(&mut e, "g", "slow", &["orders"], |s| {
        s.process_rate_per_s = Some(5)
    });
    for i in 0..100 {
        produce_keyed(&mut e, "orders", &format!("k{}", i % 10), &format!("v{i}"));
    }
    e.advance_to(14_000);
    let before = e.group_view("g").unwrap();
    let slow_parts = before
        .members
        .iter()
        .find(|m| m.client_id == "slow")
        .unwrap()
        .assignment
        .clone();
    assert!(!slow_parts.is_empty());
    let committed_before: BTreeMap<_, _> = before
        .partitions
        .iter()
        .map(|p| (p.tp.clone(), p.committed))
        .collect();
    e.apply(Command::KillConsumer {
        group: "g".into(),
        consumer: "slow".into(),
    })
    .unwrap();
    let killed_at = e.now();
    // Within the session timeout nothing moves.
    e.advance_to(killed_at + 40_000);
    let g = e.group_view("g").unwrap();
    assert_eq!(
        g.members.len(),
        2,
        "still a member until the session expires"
    );
    // After session.timeout.ms (45 s) the coordinator removes it and the partitions move.
    e.advance_to(killed_at + 60_000);
    let g = e.group_view("g").unwrap();
    assert_eq!(g.state, Some(GroupState::Stable));
    assert_eq!(g.members.len(), 1);
    let fast = &g.members[0];
    for tp in &slow_parts {
        assert!(fast.assignment.contains(tp), "{tp} moved to 'fast'");
    }
    // 'fast' resumed each moved partition at the committed offset.
    // (or, if 'slow' never committed it, at auto.offset.reset=earliest).
    let resumed: BTreeMap<_, _> = e
        .events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::FetchPositionSet {
                consumer,
                tp,
                offset,
                source,
                ..
            } if &**consumer == "fast" && slow_parts.contains(tp) && te.at > killed_at => {
                Some((tp.clone(), (offset.0, source.to_string())))
            }
            _ => None,
        })
        .collect();
    assert_eq!(resumed.len(), slow_parts.len());
    for tp in &slow_parts {
        let expected = match committed_before[tp] {
            Some(o) => (o.0, "committed".to_string()),
            None => (0, "earliest".to_string()),
        };
        assert_eq!(resumed[tp], expected, "{tp}");
    }
    // Everything is eventually delivered; the records 'slow' handled after its last commit
    // were delivered twice, and counted.
    e.advance_to(killed_at + 120_000);
    let g = e.group_view("g").unwrap();
    let d = deliveries(&e);
    let mut values: Vec<&String> = d.iter().map(|x| &x.4).collect();
    values.sort();
    values.dedup();
    assert_eq!(values.len(), 100);
    assert_eq!(g.records_delivered, d.len() as u64);
    assert_eq!(g.duplicates, d.len() as u64 - 100);
    assert!(g.duplicates > 0, "an uncommitted crash redelivers");
    assert_eq!(lag(&e, "g"), 0);
}

#[test]
fn lag_grows_while_the_only_consumer_is_down_and_drains_after_it_returns() {
    let mut e = engine(3, 5);
    create(&mut e, "orders", 3, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "svc", &["orders"], |_| {});
    start_load(&mut e, "load", "orders", 200, kafka_sim::Acks::All);
    e.advance_to(15_000);
    // Lag counts from the committed offset, so it runs up to one auto-commit interval.
    assert!(lag(&e, "g") < 1_200, "keeping up: lag {}", lag(&e, "g"));
    e.apply(Command::LeaveGroup {
        group: "g".into(),
        consumer: "svc".into(),
    })
    .unwrap();
    e.advance_to(20_000);
    assert_eq!(group_state(&e, "g"), Some(GroupState::Empty));
    let l1 = lag(&e, "g");
    e.advance_to(40_000);
    let l2 = lag(&e, "g");
    assert!(l2 > l1 + 3_000, "backlog builds: {l1} -> {l2}");
    join(&mut e, "g", "svc", &["orders"], |_| {});
    e.advance_to(60_000);
    let l3 = lag(&e, "g");
    assert!(l3 < 1_500, "backlog drains: {l2} -> {l3}");
    assert_eq!(
        e.group_view("g").unwrap().duplicates,
        0,
        "a clean leave commits first"
    );
}

#[test]
fn reset_offsets_is_rejected_on_an_active_group_and_applied_on_an_empty_one() {
    let mut e = engine(3, 6);
    create(&mut e, "orders", 2, 3, &[]);
    for i in 0..10 {
        produce_keyed(&mut e, "orders", &format!("k{i}"), "v");
    }
    e.advance_to(100);
    join(&mut e, "g", "c1", &["orders"], |_| {});
    e.advance_to(12_000);
    let err = e
        .apply(Command::ResetOffsets {
            group: "g".into(),
            topic: "orders".into(),
            to: ResetTarget::Earliest,
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::IllegalStateException);
    assert_eq!(
        err.message,
        "Assignments can only be reset if the group 'g' is inactive, but the current state is Stable."
    );
    e.apply(Command::LeaveGroup {
        group: "g".into(),
        consumer: "c1".into(),
    })
    .unwrap();
    e.advance_to(13_000);
    let hw: u64 = e
        .group_view("g")
        .unwrap()
        .partitions
        .iter()
        .map(|p| p.high_watermark.unwrap().0)
        .sum();
    assert_eq!(hw, 10);
    e.apply(Command::ResetOffsets {
        group: "g".into(),
        topic: "orders".into(),
        to: ResetTarget::Earliest,
    })
    .unwrap();
    e.advance_to(13_100);
    assert_eq!(lag(&e, "g"), 10);
    e.apply(Command::ResetOffsets {
        group: "g".into(),
        topic: "orders".into(),
        to: ResetTarget::Offset(1_000),
    })
    .unwrap();
    e.advance_to(13_200);
    assert_eq!(lag(&e, "g"), 0, "to-offset is clamped to the log end");
    e.apply(Command::ResetOffsets {
        group: "g".into(),
        topic: "orders".into(),
        to: ResetTarget::ShiftBy(-2),
    })
    .unwrap();
    e.advance_to(13_300);
    assert_eq!(lag(&e, "g"), 4);
    // The consumer comes back and reads exactly the reset range again.
    let before = deliveries(&e).len();
    join(&mut e, "g", "c1", &["orders"], |_| {});
    e.advance_to(25_000);
    assert_eq!(deliveries(&e).len() - before, 4);
    let err = e
        .apply(Command::ResetOffsets {
            group: "g".into(),
            topic: "nope".into(),
            to: ResetTarget::Latest,
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::UnknownTopicOrPartitionException);
}

#[test]
fn per_key_order_is_kept_within_a_group_across_rebalances() {
    let mut e = engine(3, 7);
    create(&mut e, "orders", 6, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(100);
    join(&mut e, "g", "c1", &["orders"], |_| {});
    start_load(&mut e, "load", "orders", 500, kafka_sim::Acks::All);
    e.advance_to(5_000);
    join(&mut e, "g", "c2", &["orders"], |_| {});
    e.advance_to(15_000);
    join(&mut e, "g", "c3", &["orders"], |s| {
        s.assignor = Some(AssignorKind::Range)
    });
    e.advance_to(25_000);
    e.apply(Command::LeaveGroup {
        group: "g".into(),
        consumer: "c2".into(),
    })
    .unwrap();
    e.advance_to(40_000);
    // Per partition (so per key), offsets handed out only move forward.
    let mut next: BTreeMap<u32, u64> = BTreeMap::new();
    for (_, c, p, o, _) in deliveries(&e) {
        let n = next.entry(p).or_default();
        assert!(
            o >= *n,
            "partition {p}: offset {o} after {n} (consumer {c})"
        );
        *n = o + 1;
    }
    assert_eq!(e.group_view("g").unwrap().duplicates, 0);
}

#[test]
fn committed_offsets_survive_coordinator_failover() {
    let mut e = engine(3, 8);
    create(&mut e, "orders", 3, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "c1", &["orders"], |_| {});
    join(&mut e, "g", "c2", &["orders"], |_| {});
    for i in 0..30 {
        produce_keyed(&mut e, "orders", &format!("k{i}"), &format!("v{i}"));
    }
    e.advance_to(20_000);
    let before = e.group_view("g").unwrap();
    let coordinator = before.coordinator.unwrap();
    let committed: Vec<_> = before.partitions.iter().map(|p| p.committed).collect();
    assert!(committed.iter().all(|c| c.is_some()));
    e.apply(Command::KillBroker {
        broker: coordinator,
    })
    .unwrap();
    e.advance_to(40_000);
    let after = e.group_view("g").unwrap();
    let new = after.coordinator.expect("a new coordinator");
    assert_ne!(new, coordinator);
    assert_eq!(
        after.state,
        Some(GroupState::Stable),
        "{}",
        trace_tail(&e, 30)
    );
    let now: Vec<_> = after.partitions.iter().map(|p| p.committed).collect();
    assert_eq!(now, committed, "offsets reloaded from __consumer_offsets");
    assert!(e
        .events()
        .iter()
        .any(|te| matches!(te.event, Event::CoordinatorLoaded { broker, .. } if broker == new)));
    // The group goes on: new records are consumed, nothing is consumed twice.
    for i in 30..40 {
        produce_keyed(&mut e, "orders", &format!("k{i}"), &format!("v{i}"));
    }
    e.advance_to(60_000);
    assert_eq!(deliveries(&e).len(), 40, "{}", trace_tail(&e, 30));
    assert_eq!(lag(&e, "g"), 0);
    let _ = BrokerId(0);
}

#[test]
fn cooperative_rebalance_revokes_only_what_moves_in_two_rounds() {
    let mut e = engine(3, 9);
    create(&mut e, "orders", 4, 3, &[]);
    e.advance_to(100);
    let coop = |s: &mut JoinGroupSpec| s.assignor = Some(AssignorKind::CooperativeSticky);
    join(&mut e, "g", "c1", &["orders"], coop);
    e.advance_to(10_000);
    join(&mut e, "g", "c2", &["orders"], coop);
    e.advance_to(25_000);
    let assigned: Vec<(String, i32, usize, usize)> = e
        .events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::PartitionsAssigned {
                consumer,
                generation,
                added,
                revoked,
                ..
            } => Some((
                consumer.to_string(),
                *generation,
                added.len(),
                revoked.len(),
            )),
            _ => None,
        })
        .collect();
    // gen 1: c1 takes all 4. gen 2: c1 keeps 2 and revokes 2, c2 gets nothing yet.
    // gen 3: c2 gets the 2 revoked partitions.
    assert_eq!(
        assigned,
        [
            ("c1".to_string(), 1, 4, 0),
            ("c1".to_string(), 2, 0, 2),
            ("c2".to_string(), 2, 0, 0),
            ("c1".to_string(), 3, 0, 0),
            ("c2".to_string(), 3, 2, 0),
        ]
    );
    // c1 never gave up the partitions it kept (no PartitionsRevoked of everything).
    assert!(!e
        .events()
        .iter()
        .any(|te| matches!(&te.event, Event::PartitionsRevoked { consumer, partitions, .. } if &**consumer == "c1" && partitions.len() == 4)));
}

#[test]
fn eager_default_protocol_revokes_everything_first() {
    let mut e = engine(3, 10);
    create(&mut e, "orders", 4, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "c1", &["orders"], |_| {});
    e.advance_to(10_000);
    join(&mut e, "g", "c2", &["orders"], |_| {});
    e.advance_to(25_000);
    let revoked: Vec<usize> = e
        .events()
        .iter()
        .filter_map(|te| match &te.event {
            Event::PartitionsRevoked { partitions, .. } => Some(partitions.len()),
            _ => None,
        })
        .collect();
    assert_eq!(revoked, [4], "default [range, cooperative-sticky] is eager");
    let g = e.group_view("g").unwrap();
    assert_eq!(g.protocol.as_deref(), Some("range"));
    assert_eq!(g.generation, 2);
}

#[test]
fn new_partitions_trigger_a_rebalance_after_metadata_refresh() {
    let mut e = engine(3, 11);
    create(&mut e, "orders", 2, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "c1", &["orders"], |_| {});
    join(&mut e, "g", "c2", &["orders"], |_| {});
    e.advance_to(10_000);
    let generation = e.group_view("g").unwrap().generation;
    e.apply(Command::AlterPartitions {
        topic: "orders".into(),
        partitions: 4,
    })
    .unwrap();
    // The leader notices at its next metadata refresh (metadata.max.age.ms = 5 min).
    e.advance_to(320_000);
    let g = e.group_view("g").unwrap();
    assert!(g.generation > generation);
    assert!(g.members.iter().all(|m| m.assignment.len() == 2), "{g:?}");
}

#[test]
fn auto_offset_reset_none_fails_the_consumer() {
    let mut e = engine(3, 12);
    create(&mut e, "orders", 1, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "c1", &["orders"], |s| {
        s.auto_offset_reset = OffsetReset::None
    });
    e.advance_to(10_000);
    let err = e
        .events()
        .iter()
        .find_map(|te| match &te.event {
            Event::ConsumerError { error, .. } => Some(error.clone()),
            _ => None,
        })
        .expect("an error from poll()");
    assert_eq!(err.kind, ErrorKind::NoOffsetForPartitionException);
    assert_eq!(
        err.message,
        "Undefined offset with no reset policy for partitions: [orders-0]"
    );
}

#[test]
fn bad_consumer_commands_are_kafka_errors() {
    let mut e = engine(3, 13);
    let empty = JoinGroupSpec::new("", "c", &["t"]);
    let err = e.apply(Command::JoinGroup(Box::new(empty))).unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidGroupIdException);
    join(&mut e, "g", "c", &["t"], |_| {});
    let again = JoinGroupSpec::new("g", "c", &["t"]);
    let err = e.apply(Command::JoinGroup(Box::new(again))).unwrap_err();
    assert_eq!(err.kind, ErrorKind::IllegalStateException);
    let err = e
        .apply(Command::KillConsumer {
            group: "g".into(),
            consumer: "other".into(),
        })
        .unwrap_err();
    assert_eq!(err.message, "No running consumer 'other' in group 'g'.");
}

#[test]
fn groups_are_deterministic_and_snapshots_replay() {
    let run = || {
        let mut e = engine(3, 14);
        create(&mut e, "orders", 3, 3, &[]);
        e.advance_to(100);
        join(&mut e, "g", "c1", &["orders"], |_| {});
        join(&mut e, "g", "c2", &["orders"], |s| {
            s.assignor = Some(AssignorKind::CooperativeSticky)
        });
        start_load(&mut e, "load", "orders", 300, kafka_sim::Acks::All);
        e.advance_to(8_000);
        e
    };
    let mut a = run();
    let mut b = run();
    let mut c: Engine = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
    let mut d = a.clone();
    for e in [&mut a, &mut b, &mut c, &mut d] {
        e.apply(Command::KillConsumer {
            group: "g".into(),
            consumer: "c1".into(),
        })
        .unwrap();
        e.advance_to(70_000);
    }
    let t = kafka_sim::trace::format_trace(a.events());
    assert_eq!(t, kafka_sim::trace::format_trace(b.events()));
    let tail = |e: &Engine| kafka_sim::trace::format_trace(&e.events()[a.events().len() - 500..]);
    assert_eq!(tail(&a), tail(&c));
    assert_eq!(tail(&a), tail(&d));
    assert_eq!(
        kafka_sim::describe::describe_groups(&a),
        kafka_sim::describe::describe_groups(&c)
    );
}

#[test]
fn a_coordinator_cut_off_from_the_cluster_completes_no_generation_group_metadata_manager() {
    // GroupMetadataManager.classicGroupSyncToClassicGroup: the leader's SyncGroup is answered
    // once the group's assignment record is committed. A coordinator that cannot replicate
    // it (cut off from the other brokers, while clients still reach it) answers
    // COORDINATOR_NOT_AVAILABLE after offsets.commit.timeout.ms, so only the coordinator
    // the controller elects next hands out generations: never two the same one.
    let mut e = engine(3, 11);
    create(&mut e, "t", 2, 3, &[]);
    join(&mut e, "g", "c1", &["t"], |_| {});
    run_checked(&mut e, 10_000);
    let before = e.group_view("g").unwrap();
    assert_eq!(before.state, Some(GroupState::Stable));
    let old = before.coordinator.unwrap();
    e.apply(Command::IsolateBroker {
        broker: old,
        from: kafka_sim::IsolateFrom::Cluster,
    })
    .unwrap();
    join(&mut e, "g", "c2", &["t"], |_| {});
    run_checked(&mut e, 100_000);
    let generations = |e: &Engine| -> Vec<i32> {
        e.events()
            .iter()
            .filter_map(|te| match &te.event {
                Event::RebalanceCompleted {
                    group, generation, ..
                } if &**group == "g" => Some(*generation),
                _ => None,
            })
            .collect()
    };
    let failed_syncs = e
        .events()
        .iter()
        .filter(|te| {
            matches!(&te.event, Event::RebalanceStarted { reason, .. }
            if reason.contains("CoordinatorNotAvailableException when storing group assignment"))
        })
        .count();
    assert!(failed_syncs > 0, "{}", trace_tail(&e, 40));
    // The new coordinator completed a generation with c1; the cut-off one, which c2 still
    // reaches, never completes one.
    let g = generations(&e);
    assert_eq!(g.len(), 2, "{g:?}");
    assert!(g[1] > g[0], "{g:?}");
    let during = e.group_view("g").unwrap();
    assert_ne!(during.coordinator, Some(old));
    // Healed, the old coordinator learns it lost the partition; c2 finds the new one.
    e.apply(Command::HealNetwork {}).unwrap();
    run_checked(&mut e, 160_000);
    let g = generations(&e);
    assert!(g.windows(2).all(|w| w[1] > w[0]), "{g:?}");
    let after = e.group_view("g").unwrap();
    assert_eq!(after.state, Some(GroupState::Stable));
    assert_eq!(after.members.len(), 2);
}
