//! The read-only views the app draws from: the one replica-role rule, a leader the controller
//! still registers but that cannot serve, producers' last errors, and members that are idle
//! (Stable, no partition) versus between assignments (rebalancing).

mod common;

use common::*;
use kafka_sim::command::JoinGroupSpec;
use kafka_sim::group::GroupState;
use kafka_sim::view::{GroupView, ReplicaRole};
use kafka_sim::{Acks, BrokerId, Command, Engine, ErrorKind, Event};

fn roles(e: &Engine, topic: &str) -> Vec<(u32, ReplicaRole)> {
    e.partition_view(&tp(topic, 0))
        .unwrap()
        .replica_states
        .iter()
        .map(|r| (r.broker.0, r.role))
        .collect()
}

#[test]
fn replica_roles_follow_one_rule_and_leader_down_shows_what_the_controller_does_not_know() {
    use ReplicaRole::*;
    let mut e = engine(3, 1);
    create(&mut e, "t", 1, 3, &[]);
    e.advance_to(1_000);
    assert_eq!(roles(&e, "t"), vec![(1, Leader), (2, InSync), (3, InSync)]);
    assert!(!e.partition_view(&tp("t", 0)).unwrap().leader_down);

    // A dead follower is offline at once, before the controller fences it.
    kill(&mut e, 3);
    e.advance_to(1_100);
    assert_eq!(roles(&e, "t"), vec![(1, Leader), (2, InSync), (3, Offline)]);
    assert!(!e.partition_view(&tp("t", 0)).unwrap().leader_down);

    // The leader cut off: the controller still registers it, so it is drawn as leader, but
    // the partition serves nothing until the fence.
    isolate(&mut e, 1);
    e.advance_to(1_200);
    let p = e.partition_view(&tp("t", 0)).unwrap();
    assert_eq!(p.leader, Some(BrokerId(1)));
    assert!(p.leader_down, "{p:?}");
    assert_eq!(roles(&e, "t"), vec![(1, Leader), (2, InSync), (3, Offline)]);

    // Fenced after broker.session.timeout.ms: broker 2 leads, broker 1 (alive, cut off) has
    // left the ISR.
    e.advance_to(12_000);
    let p = e.partition_view(&tp("t", 0)).unwrap();
    assert_eq!(p.leader, Some(BrokerId(2)), "{}", trace_tail(&e, 20));
    assert!(!p.leader_down);
    assert_eq!(
        roles(&e, "t"),
        vec![(1, OutOfSync), (2, Leader), (3, Offline)]
    );

    // The last ISR member dies: no leader, every replica offline, alive or not.
    kill(&mut e, 2);
    e.advance_to(25_000);
    let p = e.partition_view(&tp("t", 0)).unwrap();
    assert_eq!(p.leader, None);
    assert!(!p.leader_down, "no registered leader, nothing to be down");
    assert_eq!(
        roles(&e, "t"),
        vec![(1, Offline), (2, Offline), (3, Offline)]
    );

    let words: Vec<&str> = [Leader, InSync, OutOfSync, Offline]
        .iter()
        .map(|r| r.as_str())
        .collect();
    assert_eq!(
        words,
        [
            "leader",
            "in-sync follower",
            "out-of-sync follower",
            "offline"
        ]
    );
}

#[test]
fn a_leader_whose_process_died_is_down_until_fenced() {
    let mut e = engine(3, 2);
    create(&mut e, "t", 1, 3, &[]);
    e.advance_to(1_000);
    kill(&mut e, 1);
    e.advance_to(1_001);
    let p = e.partition_view(&tp("t", 0)).unwrap();
    assert_eq!(p.leader, Some(BrokerId(1)));
    assert!(p.leader_down);
    assert_eq!(p.replica_states[0].role, ReplicaRole::Offline);
    e.advance_to(12_000);
    let p = e.partition_view(&tp("t", 0)).unwrap();
    assert_eq!(p.leader, Some(BrokerId(2)));
    assert!(!p.leader_down);
}

#[test]
fn a_producer_shows_its_last_error_in_kafkas_words() {
    let mut e = engine(3, 3);
    create(&mut e, "orders", 1, 3, &[("min.insync.replicas", "2")]);
    e.advance_to(100);
    start_load(&mut e, "p", "orders", 100, Acks::All);
    e.advance_to(2_000);
    let p = producer(&e, "p");
    assert_eq!(p.last_error, None);
    assert_eq!((p.stats.records_failed, p.stats.batches_failed), (0, 0));
    assert!(p.stats.records_acked > 0);

    // Two of three replicas die: once the controller fences them the ISR is [1], below
    // min.insync.replicas, and the leader rejects acks=all batches up front. (The batch
    // waiting for the HW at the kill times out after request.timeout.ms and is retried.)
    kill(&mut e, 2);
    kill(&mut e, 3);
    e.advance_to(40_000);
    let p = producer(&e, "p");
    let (at, error) = p.last_error.clone().expect("a failed batch");
    assert_eq!(error.kind, ErrorKind::NotEnoughReplicasException);
    assert_eq!(
        error.message,
        "Messages are rejected since there are fewer in-sync replicas than required."
    );
    let last_failure = e
        .events()
        .iter()
        .rev()
        .find(|t| matches!(t.event, Event::ProduceFailed { .. }))
        .unwrap();
    assert_eq!(at, last_failure.at, "the time of the last failed batch");
    assert!(at > 11_000, "only after the fence: {at}");
    assert!(p.stats.batches_failed > 0);
    assert!(p.stats.records_failed >= p.stats.batches_failed);

    e.advance_to(45_000);
    let later = producer(&e, "p");
    assert!(later.stats.batches_failed > p.stats.batches_failed);
    assert!(later.stats.records_failed > p.stats.records_failed);
    assert!(later.last_error.unwrap().0 > at);
}

fn producer(e: &Engine, name: &str) -> kafka_sim::view::ProducerView {
    e.producers_view()
        .into_iter()
        .find(|p| p.name == name)
        .unwrap()
}

fn join(e: &mut Engine, group: &str, consumer: &str) {
    let spec = JoinGroupSpec::new(group, consumer, &["orders"]);
    e.apply(Command::JoinGroup(Box::new(spec))).unwrap();
}

/// Steps until `g` is in `state` with members, returning its view.
fn step_until(e: &mut Engine, group: &str, state: GroupState, until: u64) -> GroupView {
    while e.now() < until {
        e.step();
        if let Some(g) = e.group_view(group) {
            if g.state == Some(state) && !g.members.is_empty() {
                return g;
            }
        }
    }
    panic!("{group} never reached {state:?}:\n{}", trace_tail(e, 30));
}

#[test]
fn members_are_idle_only_in_a_stable_group_and_rebalancing_while_it_rebalances() {
    let mut e = engine(3, 4);
    create(&mut e, "orders", 2, 3, &[]);
    e.advance_to(100);
    for c in ["c1", "c2", "c3"] {
        join(&mut e, "g", c);
    }
    // The first rebalance: nobody owns anything yet, and that is not "idle".
    let g = step_until(&mut e, "g", GroupState::PreparingRebalance, 10_000);
    assert!(g.members.iter().all(|m| m.rebalancing && !m.idle), "{g:?}");
    let g = step_until(&mut e, "g", GroupState::CompletingRebalance, 10_000);
    assert!(g.members.iter().all(|m| m.rebalancing && !m.idle), "{g:?}");

    e.advance_to(10_000);
    let g = e.group_view("g").unwrap();
    assert_eq!(g.state, Some(GroupState::Stable));
    assert!(g.members.iter().all(|m| !m.rebalancing));
    let idle: Vec<&str> = g
        .members
        .iter()
        .filter(|m| m.idle)
        .map(|m| m.client_id.as_str())
        .collect();
    assert_eq!(idle.len(), 1, "three members, two partitions: {g:?}");
    for m in &g.members {
        assert_eq!(m.idle, m.assignment.is_empty());
    }

    // A member with a partition leaves: the next rebalance shows everyone rebalancing, the
    // idle one included.
    let owner = g
        .members
        .iter()
        .find(|m| !m.idle)
        .unwrap()
        .client_id
        .clone();
    e.apply(Command::LeaveGroup {
        group: "g".into(),
        consumer: owner,
    })
    .unwrap();
    let g = step_until(&mut e, "g", GroupState::PreparingRebalance, 20_000);
    assert!(g.members.iter().all(|m| m.rebalancing && !m.idle), "{g:?}");
    e.advance_to(20_000);
    let g = e.group_view("g").unwrap();
    assert_eq!(g.state, Some(GroupState::Stable));
    assert_eq!(g.members.len(), 2);
    assert!(g.members.iter().all(|m| !m.idle && !m.rebalancing), "{g:?}");
}
