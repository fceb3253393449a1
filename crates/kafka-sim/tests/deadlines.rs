//! `Engine::deadlines_view`: every deadline it reports is the time the engine really acts
//! (compared with the event the engine then records), and a healthy cluster reports none.

mod common;

use common::*;
use kafka_sim::command::JoinGroupSpec;
use kafka_sim::consumer::OffsetReset;
use kafka_sim::group::GroupState;
use kafka_sim::view::{DeadlineKind, DeadlineView};
use kafka_sim::{Acks, BrokerId, Command, ElectionKind, Engine, Event, SimTime, TopicPartition};
use std::collections::BTreeSet;

fn join(e: &mut Engine, group: &str, consumer: &str) {
    let mut spec = JoinGroupSpec::new(group, consumer, &["orders"]);
    spec.auto_offset_reset = OffsetReset::Earliest;
    e.apply(Command::JoinGroup(Box::new(spec))).unwrap();
}

fn kill_consumer(e: &mut Engine, group: &str, consumer: &str) {
    e.apply(Command::KillConsumer {
        group: group.into(),
        consumer: consumer.into(),
    })
    .unwrap();
}

/// The times of the events `pick` selects, recorded after `from`.
fn times(e: &Engine, from: SimTime, pick: impl Fn(&Event) -> bool) -> Vec<SimTime> {
    e.events()
        .iter()
        .filter(|t| t.at > from && pick(&t.event))
        .map(|t| t.at)
        .collect()
}

fn fence_at(d: &[DeadlineView], broker: u32) -> Option<SimTime> {
    d.iter().find_map(|d| match d.kind {
        DeadlineKind::BrokerFence { broker: b } if b == BrokerId(broker) => Some(d.at),
        _ => None,
    })
}

fn shrinks(d: &[DeadlineView]) -> Vec<(TopicPartition, BrokerId, SimTime, &'static str)> {
    d.iter()
        .filter_map(|d| match &d.kind {
            DeadlineKind::IsrShrink { tp, follower, .. } => {
                Some((tp.clone(), *follower, d.at, d.config))
            }
            _ => None,
        })
        .collect()
}

/// A cluster with a topic, a producer and a consumer group, all settled.
fn busy_cluster(seed: u64) -> Engine {
    let mut e = engine(3, seed);
    create(&mut e, "orders", 6, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(100);
    start_load(&mut e, "p", "orders", 200, Acks::All);
    join(&mut e, "g", "c1");
    join(&mut e, "g", "c2");
    e.advance_to(15_000);
    assert_eq!(
        e.group_view("g").unwrap().state,
        Some(GroupState::Stable),
        "{}",
        trace_tail(&e, 30)
    );
    e
}

#[test]
fn a_healthy_busy_cluster_reports_no_deadline() {
    let mut e = busy_cluster(1);
    // Sample at odd times for a minute of heartbeats, fetches, commits and polls.
    let mut t = e.now();
    while t < 75_000 {
        t += 97;
        e.advance_to(t);
        let d = e.deadlines_view();
        assert!(d.is_empty(), "at {t}: {d:?}");
    }
    let p = e.producers_view();
    assert!(p[0].stats.records_acked > 10_000, "it was busy: {p:?}");
}

#[test]
fn a_quiet_cluster_reports_no_deadline_after_any_step() {
    // A trickle of records: followers' fetches wait in long polls, and every record makes
    // them briefly behind. Look after every single step.
    let mut e = engine(3, 11);
    create(&mut e, "orders", 3, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(100);
    start_load(&mut e, "p", "orders", 3, Acks::All);
    join(&mut e, "g", "c1");
    e.advance_to(15_000);
    let mut steps = 0;
    while e.now() < 35_000 {
        e.step();
        steps += 1;
        let d = e.deadlines_view();
        assert!(d.is_empty(), "at {}: {d:?}", e.now());
    }
    assert!(steps > 1_000, "{steps}");
}

#[test]
fn a_killed_broker_is_fenced_and_leaves_every_isr_when_its_deadline_says() {
    let mut e = busy_cluster(2);
    e.advance_to(20_123);
    kill(&mut e, 3);
    e.advance_to(20_124);
    let d = e.deadlines_view();
    let fence = fence_at(&d, 3).expect("a dead broker will be fenced");
    assert_eq!(d[0].config, "broker.session.timeout.ms");
    assert_eq!(d[0].config_ms, 9_000);
    let expected = shrinks(&d);
    // Broker 3 follows in every partition it does not lead (placement from index 0: it
    // leads orders-2 and orders-5, and some __consumer_offsets partitions).
    let followed: BTreeSet<TopicPartition> = e
        .topics_view()
        .iter()
        .flat_map(|t| t.partitions.clone())
        .filter(|p| p.leader != Some(BrokerId(3)) && p.isr.contains(&BrokerId(3)))
        .map(|p| p.tp)
        .collect();
    assert!(followed.contains(&tp("orders", 0)));
    assert_eq!(
        expected
            .iter()
            .map(|s| s.0.clone())
            .collect::<BTreeSet<_>>(),
        followed
    );
    for (_, follower, at, config) in &expected {
        assert_eq!(
            (*follower, *at, *config),
            (BrokerId(3), fence, "broker.session.timeout.ms")
        );
    }
    // The deadline does not move while the engine runs towards it.
    e.advance_to(fence - 1);
    assert_eq!(fence_at(&e.deadlines_view(), 3), Some(fence));

    e.advance_to(fence + 1_000);
    let fenced = times(
        &e,
        20_123,
        |ev| matches!(ev, Event::BrokerFenced { broker } if *broker == BrokerId(3)),
    );
    assert_eq!(fenced, vec![fence], "{}", trace_tail(&e, 40));
    let mut shrunk = BTreeSet::new();
    for t in e.events().iter().filter(|t| t.at > 20_123) {
        if let Event::IsrShrunk { tp, removed, .. } = &t.event {
            assert_eq!((removed.clone(), t.at), (vec![BrokerId(3)], fence), "{tp}");
            shrunk.insert(tp.clone());
        }
    }
    assert_eq!(shrunk, followed);
    assert!(fence_at(&e.deadlines_view(), 3).is_none(), "fenced now");
}

#[test]
fn an_isolated_broker_is_fenced_when_its_deadline_says() {
    let mut e = busy_cluster(3);
    e.advance_to(30_777);
    isolate(&mut e, 1);
    e.advance_to(30_778);
    let fence = fence_at(&e.deadlines_view(), 1).expect("cut off from the controller");
    e.advance_to(fence + 500);
    let fenced = times(
        &e,
        30_777,
        |ev| matches!(ev, Event::BrokerFenced { broker } if *broker == BrokerId(1)),
    );
    assert_eq!(fenced, vec![fence]);
}

#[test]
fn a_killed_consumer_expires_when_its_deadline_says() {
    let mut e = busy_cluster(4);
    e.advance_to(21_001);
    let member = e
        .group_view("g")
        .unwrap()
        .members
        .iter()
        .find(|m| m.client_id == "c1")
        .unwrap()
        .member_id
        .clone();
    kill_consumer(&mut e, "g", "c1");
    e.advance_to(21_002);
    let d = e.deadlines_view();
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].kind,
        DeadlineKind::SessionExpiry {
            group: "g".into(),
            client_id: "c1".into(),
            member_id: member.clone(),
        }
    );
    assert_eq!(
        (d[0].config, d[0].config_ms),
        ("session.timeout.ms", 45_000)
    );
    let at = d[0].at;
    assert!(at > 21_002 + 40_000 && at <= 21_002 + 45_000, "{at}");
    e.advance_to(at + 1_000);
    let removed = times(
        &e,
        21_001,
        |ev| matches!(ev, Event::MemberRemoved { member: m, .. } if **m == *member),
    );
    assert_eq!(removed, vec![at], "{}", trace_tail(&e, 30));
}

#[test]
fn a_rebalance_waiting_for_a_killed_member_ends_at_its_session_expiry() {
    let mut e = busy_cluster(5);
    e.advance_to(20_000);
    kill_consumer(&mut e, "g", "c1");
    e.advance_to(22_000);
    join(&mut e, "g", "c3");
    // Step until the rebalance c3 started has every running member back in the join phase.
    let mut d = Vec::new();
    while e.now() < 30_000 {
        e.step();
        d = e.deadlines_view();
        if d.iter().any(|d| {
            matches!(&d.kind, DeadlineKind::JoinPhaseEnds { .. })
                && d.config == "session.timeout.ms"
        }) {
            break;
        }
    }
    let expiry = d
        .iter()
        .find(|d| matches!(&d.kind, DeadlineKind::SessionExpiry { client_id, .. } if client_id == "c1"))
        .expect("c1's session")
        .at;
    let join = d
        .iter()
        .find(|d| matches!(&d.kind, DeadlineKind::JoinPhaseEnds { .. }))
        .expect("a join phase");
    assert_eq!(
        join.kind,
        DeadlineKind::JoinPhaseEnds {
            group: "g".into(),
            initial: false
        }
    );
    assert_eq!(join.at, expiry, "not the 300 s rebalance timeout: {d:?}");
    let left = step_until_not_preparing(&mut e, "g", expiry + 10_000);
    assert_eq!(left, expiry);
}

/// Steps until `group` leaves PreparingRebalance; returns the time it did.
fn step_until_not_preparing(e: &mut Engine, group: &str, until: SimTime) -> SimTime {
    while e.now() < until {
        let t = e.step().unwrap();
        if e.group_view(group).unwrap().state != Some(GroupState::PreparingRebalance) {
            return t;
        }
    }
    panic!("still preparing:\n{}", trace_tail(e, 30));
}

fn join_phase(d: &[DeadlineView]) -> Option<&DeadlineView> {
    d.iter()
        .find(|d| matches!(d.kind, DeadlineKind::JoinPhaseEnds { .. }))
}

#[test]
fn a_new_groups_join_phase_ends_when_its_deadline_says() {
    let mut e = engine(3, 6);
    create(&mut e, "orders", 2, 3, &[]);
    e.advance_to(100);
    join(&mut e, "g", "c1");
    while join_phase(&e.deadlines_view()).is_none() {
        assert!(e.now() < 5_000, "{}", trace_tail(&e, 20));
        e.step();
    }
    let d = e.deadlines_view();
    let first = join_phase(&d).unwrap().clone();
    assert_eq!(
        first.kind,
        DeadlineKind::JoinPhaseEnds {
            group: "g".into(),
            initial: true
        }
    );
    assert_eq!(
        (first.config, first.config_ms),
        ("group.initial.rebalance.delay.ms", 3_000)
    );
    assert_eq!(
        first.at,
        e.now() + 3_000,
        "the delay starts at the first join"
    );

    // A second member arriving during the delay extends it by one more delay.
    e.advance_to(first.at - 1_500);
    join(&mut e, "g", "c2");
    e.advance_to(first.at - 1_000);
    let extended = join_phase(&e.deadlines_view()).unwrap().at;
    assert_eq!(extended, first.at + 3_000);
    assert_eq!(step_until_not_preparing(&mut e, "g", 20_000), extended);
    assert_eq!(
        e.group_view("g").unwrap().state,
        Some(GroupState::CompletingRebalance)
    );
}

#[test]
fn the_automatic_preferred_election_is_announced_for_its_check() {
    let mut e = engine(3, 7);
    create(&mut e, "orders", 3, 3, &[]);
    e.advance_to(1_000);
    kill(&mut e, 1);
    e.advance_to(15_000);
    restart(&mut e, 1);
    e.advance_to(30_000);
    // Broker 1 is back in the ISR of orders-0 (its preferred leader), led by broker 2 now.
    assert_eq!(leader(&e, &tp("orders", 0)), Some(BrokerId(2)));
    let d = e.deadlines_view();
    let moves: Vec<(TopicPartition, BrokerId, SimTime)> = d
        .iter()
        .filter_map(|d| match &d.kind {
            DeadlineKind::PreferredLeaderElection { tp, preferred } => {
                Some((tp.clone(), *preferred, d.at))
            }
            _ => None,
        })
        .collect();
    // QuorumController schedules the rebalance one interval after the imbalance began
    // (broker 1's fence moved its leaderships).
    let fenced = e
        .events()
        .iter()
        .find(|t| matches!(t.event, Event::BrokerFenced { .. }))
        .unwrap()
        .at;
    assert!(
        moves.contains(&(tp("orders", 0), BrokerId(1), fenced + 300_000)),
        "{d:?}"
    );
    assert_eq!(d[0].config, "leader.imbalance.check.interval.seconds");
    e.advance_to(fenced + 300_001);
    let elected: Vec<(TopicPartition, SimTime)> = e
        .events()
        .iter()
        .filter_map(|t| match &t.event {
            Event::LeaderElected {
                tp,
                election: ElectionKind::Preferred,
                ..
            } => Some((tp.clone(), t.at)),
            _ => None,
        })
        .collect();
    let announced: Vec<(TopicPartition, SimTime)> =
        moves.iter().map(|(tp, _, at)| (tp.clone(), *at)).collect();
    assert_eq!(elected, announced);
    assert!(e.deadlines_view().is_empty(), "{:?}", e.deadlines_view());
}
