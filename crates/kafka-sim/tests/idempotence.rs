//! The idempotent producer (Kafka 4.x default `enable.idempotence=true`): a batch resent after
//! a lost ack is written once, because the new leader rebuilt the producer's last batches
//! from the replicated log (`ProducerStateManager`, `UnifiedLog.analyzeAndValidateProducerState`);
//! without idempotence the same retry is written twice.

mod common;

use common::*;
use kafka_sim::check::{run_checked, Checker};
use kafka_sim::{Acks, BrokerId, Command, Engine, Event, Offset, Outcome, ProduceHandle};

/// One record to t-0 (replicas 1,2,3, leader 1, min ISR 2); broker 1 dies once both
/// followers have the batch but before the producer's ack, so the producer retries to the
/// new leader. Returns the engine a minute later and the record's handle.
fn lost_ack_then_retry(enable_idempotence: Option<bool>) -> (Engine, ProduceHandle) {
    let mut e = engine(3, 7);
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    let mut checker = Checker::new();
    run_checked(&mut e, &mut checker, 1_000).unwrap();
    let Outcome::Produced(h) = e
        .apply(Command::Produce {
            topic: "t".into(),
            key: None,
            value: Some(b"once".to_vec()),
            headers: Vec::new(),
            partition: Some(0),
            acks: Acks::All,
            enable_idempotence,
        })
        .unwrap()
    else {
        panic!("not produced");
    };
    let t = tp("t", 0);
    loop {
        e.step();
        checker.check(&e).unwrap();
        if leo(&e, 2, &t) == Offset(1) && leo(&e, 3, &t) == Offset(1) {
            break;
        }
        assert!(e.now() < 10_000, "the followers never fetched the batch");
    }
    assert!(
        acked_offset(&e, h).is_none(),
        "acked before the leader died"
    );
    kill(&mut e, 1);
    let until = e.now() + 60_000;
    run_checked(&mut e, &mut checker, until).unwrap();
    checker.finish(&e).unwrap();
    (e, h)
}

#[test]
fn lost_ack_retry_is_written_once_with_idempotence_producer_state_manager() {
    let (e, h) = lost_ack_then_retry(None);
    let t = tp("t", 0);
    let new_leader = leader(&e, &t).expect("a new leader");
    assert_ne!(new_leader, BrokerId(1));
    // The leader found the batch among the producer's last 5 and answered with its offset.
    assert_eq!(acked_offset(&e, h), Some((t.clone(), Some(Offset(0)))));
    assert_eq!(leo(&e, new_leader.0, &t), Offset(1), "written once");
    let producers = e
        .events()
        .iter()
        .filter(|x| matches!(&x.event, Event::ProduceAcked { .. }))
        .count();
    assert_eq!(producers, 1);
}

#[test]
fn lost_ack_retry_is_written_twice_without_idempotence() {
    let (e, h) = lost_ack_then_retry(Some(false));
    let t = tp("t", 0);
    let new_leader = leader(&e, &t).expect("a new leader");
    // The retry is a new append: the record is at offsets 0 and 1.
    assert_eq!(acked_offset(&e, h), Some((t.clone(), Some(Offset(1)))));
    assert_eq!(leo(&e, new_leader.0, &t), Offset(2), "written twice");
}

#[test]
fn idempotence_asked_for_with_acks_1_is_a_config_exception() {
    let mut e = engine(3, 1);
    create(&mut e, "t", 1, 3, &[]);
    let err = e
        .apply(Command::Produce {
            topic: "t".into(),
            key: None,
            value: Some(b"v".to_vec()),
            headers: Vec::new(),
            partition: None,
            acks: Acks::One,
            enable_idempotence: Some(true),
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "ConfigException: Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.");
}

/// `TransactionManager.bumpIdempotentProducerEpoch`: a batch that fails for good
/// (NotEnoughReplicas) leaves its sequence numbers unwritten; the producer bumps its epoch
/// and the partition's next batch starts again at sequence 0, so it is written instead of
/// being refused as out of order.
#[test]
fn a_failed_batch_bumps_the_epoch_and_the_next_batch_is_written_transaction_manager() {
    let mut e = engine(3, 3);
    create(&mut e, "t", 1, 3, &[("min.insync.replicas", "2")]);
    let mut c = Checker::new();
    run_checked(&mut e, &mut c, 500).unwrap();
    let a = produce(&mut e, "t", 0, "a", Acks::All);
    run_checked(&mut e, &mut c, 1_500).unwrap();
    assert_eq!(acked_offset(&e, a).unwrap().1, Some(Offset(0)));
    kill(&mut e, 2);
    kill(&mut e, 3);
    run_checked(&mut e, &mut c, 20_000).unwrap();
    let b = produce(&mut e, "t", 0, "b", Acks::All);
    run_checked(&mut e, &mut c, 21_000).unwrap();
    assert_eq!(failed(&e, b), Some("NotEnoughReplicasException"));
    restart(&mut e, 2);
    restart(&mut e, 3);
    run_checked(&mut e, &mut c, 60_000).unwrap();
    let d = produce(&mut e, "t", 0, "c", Acks::All);
    run_checked(&mut e, &mut c, 62_000).unwrap();
    assert_eq!(acked_offset(&e, d).unwrap().1, Some(Offset(1)));
    let p = e
        .producers_view()
        .into_iter()
        .find(|p| p.name == "producer-acks-all")
        .unwrap();
    assert_eq!(p.stats.batches_failed, 1, "only b failed");
    c.finish(&e).unwrap();
}
