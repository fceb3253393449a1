//! Same seed + same commands = byte-identical trace; state is a value (Clone + serde) that
//! continues exactly like the original.

mod common;
use common::*;
use kafka_sim::scenario::{parse_scenario, run_scenario};
use kafka_sim::trace::format_trace;
use kafka_sim::{Acks, BrokerId, Command, Engine};

fn busy_run(seed: u64) -> Engine {
    let mut e = engine(3, seed);
    e.apply(Command::CreateTopic(kafka_sim::NewTopic {
        topic: "t".into(),
        partitions: Some(4),
        replication_factor: Some(3),
        ..Default::default()
    }))
    .unwrap();
    e.advance_to(20);
    e.apply(Command::StartProducer {
        id: "keyless".into(),
        topic: "t".into(),
        rate_per_s: 300,
        keys: None,
        acks: Acks::One,
        enable_idempotence: None,
        value_bytes: Some(50),
        partitioner: Default::default(),
        max_records: None,
    })
    .unwrap();
    start_load(&mut e, "keyed", "t", 200, Acks::All);
    e.advance_to(2_000);
    e.apply(Command::KillBroker {
        broker: BrokerId(2),
    })
    .unwrap();
    e.advance_to(4_000);
    e
}

fn finish(mut e: Engine) -> String {
    e.apply(Command::RestartBroker {
        broker: BrokerId(2),
    })
    .unwrap();
    e.advance_to(25_000);
    format_trace(e.events()) + &kafka_sim::describe::describe_topics(&e)
}

#[test]
fn same_seed_twice_gives_identical_traces() {
    let a = finish(busy_run(42));
    let b = finish(busy_run(42));
    assert_eq!(a, b);
    assert!(a.lines().count() > 500, "a busy run");
    let c = finish(busy_run(43));
    assert_ne!(
        a, c,
        "the seed matters (topic ids, placement, sticky switches)"
    );
}

#[test]
fn a_cloned_engine_continues_identically() {
    let e = busy_run(7);
    let copy = e.clone();
    assert_eq!(finish(e), finish(copy));
}

#[test]
fn a_serialized_engine_continues_identically() {
    let e = busy_run(8);
    let json = serde_json::to_string(&e).unwrap();
    let back: Engine = serde_json::from_str(&json).unwrap();
    assert_eq!(finish(e), finish(back));
}

#[test]
fn scenario_runs_are_reproducible() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/unclean.json"
    ))
    .unwrap();
    let s = parse_scenario(&text).unwrap();
    let a = run_scenario(&s, None);
    let b = run_scenario(&s, None);
    assert_eq!(
        format_trace(a.engine.events()),
        format_trace(b.engine.events())
    );
    assert_eq!(a.acks_report(&s), b.acks_report(&s));
}

#[test]
fn step_and_advance_agree() {
    let mut a = busy_run(9);
    let mut b = a.clone();
    a.advance_to(9_000);
    while b.next_time().is_some_and(|t| t <= 9_000) {
        b.step();
    }
    b.advance_to(9_000);
    assert_eq!(format_trace(a.events()), format_trace(b.events()));
    assert_eq!(a.now(), 9_000);
}

#[test]
fn advancing_in_bounded_slices_equals_one_advance() {
    let one = {
        let mut e = busy_run(9);
        e.advance_to(30_000);
        e
    };
    let mut sliced = busy_run(9);
    let mut calls = 0u32;
    let mut last_now = sliced.now();
    // Budgets of 1, 2, 3, ... 7 steps, as a frame budget would vary.
    while !sliced.advance_by_steps(30_000, calls % 7 + 1) {
        calls += 1;
        assert!(sliced.now() >= last_now, "the clock never goes back");
        assert!(
            sliced.now() <= 30_000,
            "an unfinished slice stops at an item's time"
        );
        assert!(sliced.next_time().is_some_and(|t| t <= 30_000));
        last_now = sliced.now();
    }
    assert!(
        calls > 1_000,
        "the advance really was cut into slices ({calls})"
    );
    assert_eq!(sliced.now(), 30_000);
    assert_eq!(
        serde_json::to_string(&sliced).unwrap(),
        serde_json::to_string(&one).unwrap(),
        "slices give the identical engine state"
    );
    assert_eq!(format_trace(sliced.events()), format_trace(one.events()));
    // Nothing left before the target: a zero budget still reaches it.
    let mut idle = sliced.clone();
    assert!(idle.advance_by_steps(30_000, 0));
    let next = idle.next_time().expect("timers keep running");
    assert!(
        !idle.advance_by_steps(next, 0),
        "a zero budget cannot pass a due item"
    );
    assert_eq!(idle.now(), 30_000);
}
