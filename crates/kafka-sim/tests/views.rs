//! The read-only views the app draws from: the one replica-role rule and a leader the
//! controller still registers but that cannot serve.

mod common;

use common::*;
use kafka_sim::view::ReplicaRole;
use kafka_sim::{BrokerId, Engine};

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
    assert_eq!(roles(&e, "t"), vec![(1, OutOfSync), (2, Leader), (3, Offline)]);

    // The last ISR member dies: no leader, every replica offline, alive or not.
    kill(&mut e, 2);
    e.advance_to(25_000);
    let p = e.partition_view(&tp("t", 0)).unwrap();
    assert_eq!(p.leader, None);
    assert!(!p.leader_down, "no registered leader, nothing to be down");
    assert_eq!(roles(&e, "t"), vec![(1, Offline), (2, Offline), (3, Offline)]);

    let words: Vec<&str> = [Leader, InSync, OutOfSync, Offline]
        .iter()
        .map(|r| r.as_str())
        .collect();
    assert_eq!(
        words,
        ["leader", "in-sync follower", "out-of-sync follower", "offline"]
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
