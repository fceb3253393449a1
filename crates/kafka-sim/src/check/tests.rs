//! The checker must be able to fail: each test breaks one invariant by hand in an otherwise
//! healthy engine and expects exactly that invariant to be reported.

use super::*;
use crate::command::Command;
use crate::controller::NewTopic;
use crate::engine::EngineConfig;
use crate::ids::Epoch;
use crate::message::Acks;
use crate::metadata::PartitionRegistration;
use crate::replica::Role;
use std::sync::Arc;

fn tp() -> TopicPartition {
    TopicPartition::new("t", 0)
}

/// Three brokers, `t-0` with replicas 1,2,3 (leader 1), min ISR 2, 40 acks=all records
/// committed everywhere; checked after every step.
fn healthy() -> (Engine, Checker) {
    let mut e = Engine::new(EngineConfig {
        seed: 7,
        ..EngineConfig::default()
    });
    let mut c = Checker::new();
    e.apply(Command::CreateTopic(NewTopic {
        topic: "t".into(),
        partitions: Some(1),
        replication_factor: Some(3),
        fixed_start_index: Some(0),
        configs: [("min.insync.replicas".to_string(), "2".to_string())].into(),
        ..NewTopic::default()
    }))
    .unwrap();
    c.check(&e).unwrap();
    e.apply(Command::StartProducer {
        id: "p".into(),
        topic: "t".into(),
        rate_per_s: 100,
        keys: None,
        acks: Acks::All,
        enable_idempotence: None,
        value_bytes: None,
        partitioner: Default::default(),
        max_records: Some(40),
    })
    .unwrap();
    run_checked(&mut e, &mut c, 5_000).unwrap();
    let p = e.partition_view(&tp()).unwrap();
    assert_eq!(p.leader, Some(BrokerId(1)));
    assert_eq!(p.high_watermark, Offset(40));
    assert!(p
        .replica_states
        .iter()
        .all(|r| r.high_watermark == Offset(40)));
    (e, c)
}

fn replica_mut(e: &mut Engine, b: u32) -> &mut crate::replica::Replica {
    e.brokers
        .get_mut(&BrokerId(b))
        .unwrap()
        .replicas
        .get_mut(&tp())
        .unwrap()
}

/// Edits `t-0`'s registration in the controller's metadata image without publishing it.
fn edit_unpublished(e: &mut Engine, edit: impl FnOnce(&mut PartitionRegistration)) {
    let image = Arc::make_mut(&mut e.controller.image);
    edit(image.partition_mut(&tp()).unwrap());
}

/// Edits `t-0`'s registration and bumps the image version, as the controller's publish does.
fn edit_published(e: &mut Engine, edit: impl FnOnce(&mut PartitionRegistration)) {
    edit_unpublished(e, edit);
    Arc::make_mut(&mut e.controller.image).version += 1;
}

fn broken(c: &mut Checker, e: &Engine) -> Invariant {
    let v = c.check(e).expect_err("the checker must notice");
    assert!(!v.detail.is_empty());
    assert!(v.to_string().contains(v.invariant.name()), "{v}");
    v.invariant
}

#[test]
fn healthy_run_with_failover_passes_every_check() {
    let (mut e, mut c) = healthy();
    e.apply(Command::KillBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    c.check(&e).unwrap();
    run_checked(&mut e, &mut c, 30_000).unwrap();
    e.apply(Command::RestartBroker {
        broker: BrokerId(1),
    })
    .unwrap();
    run_checked(&mut e, &mut c, 60_000).unwrap();
    c.finish(&e).unwrap();
    assert!(c.losses().is_empty());
    assert!(c.checks() > 100);
}

#[test]
fn a_log_start_going_back_is_reported() {
    let (mut e, mut c) = healthy();
    // Retention on broker 2 moved its log start to 20 (legal: below its HW of 40)...
    assert!(replica_mut(&mut e, 2)
        .log
        .maybe_increment_log_start(Offset(20), Offset(40)));
    c.check(&e).unwrap();
    // ... and a log start can only go forward: restart it at 10 with everything consistent.
    let r = replica_mut(&mut e, 2);
    r.log.truncate_fully_and_start_at(Offset(10), 0);
    r.high_watermark = Offset(10);
    assert_eq!(broken(&mut c, &e), Invariant::LogStartMonotonic);
}

#[test]
fn hw_above_leo_is_reported() {
    let (mut e, mut c) = healthy();
    replica_mut(&mut e, 2).high_watermark = Offset(41);
    assert_eq!(broken(&mut c, &e), Invariant::HwAtMostLeo);
}

#[test]
fn leader_outside_isr_is_reported() {
    let (mut e, mut c) = healthy();
    edit_published(&mut e, |reg| reg.isr = vec![BrokerId(2), BrokerId(3)]);
    assert_eq!(broken(&mut c, &e), Invariant::LeaderInIsr);
}

#[test]
fn empty_isr_is_reported() {
    let (mut e, mut c) = healthy();
    edit_published(&mut e, |reg| {
        reg.isr.clear();
        reg.leader = None;
    });
    assert_eq!(broken(&mut c, &e), Invariant::IsrWellFormed);
}

#[test]
fn leader_hw_going_down_is_reported() {
    let (mut e, mut c) = healthy();
    replica_mut(&mut e, 1).high_watermark = Offset(39);
    assert_eq!(broken(&mut c, &e), Invariant::LeaderHwMonotonic);
}

#[test]
fn leader_epoch_going_down_is_reported() {
    let (mut e, mut c) = healthy();
    let set = |e: &mut Engine, epoch: u32| {
        edit_published(e, |reg| reg.leader_epoch = Epoch(epoch));
    };
    set(&mut e, 5);
    c.check(&e).unwrap();
    set(&mut e, 4);
    assert_eq!(broken(&mut c, &e), Invariant::EpochMonotonic);
}

#[test]
fn an_unpublished_image_change_is_still_noticed_within_64_checks() {
    let (mut e, mut c) = healthy();
    edit_unpublished(&mut e, |reg| reg.isr = vec![BrokerId(2), BrokerId(3)]);
    let v = (0..64).find_map(|_| c.check(&e).err()).expect("noticed");
    assert_eq!(v.invariant, Invariant::LeaderInIsr);
}

#[test]
fn two_leaders_in_one_epoch_are_reported() {
    let (mut e, mut c) = healthy();
    let leader_role = replica_mut(&mut e, 1).role.clone();
    replica_mut(&mut e, 2).role = leader_role;
    assert_eq!(broken(&mut c, &e), Invariant::OneLeaderPerEpoch);
}

#[test]
fn follower_disagreeing_below_its_hw_is_reported() {
    let (mut e, mut c) = healthy();
    let leader_log = replica_mut(&mut e, 1).log.clone();
    // Broker 3 rewrites offsets 30.. with records of another epoch, keeping its HW at 40.
    let r = replica_mut(&mut e, 3);
    r.log.truncate_to(Offset(30));
    let chunks = leader_log.read(Offset(30), u64::MAX);
    let mut batch = (*chunks[0].batch).clone();
    batch.base_offset = Offset(30);
    batch.leader_epoch = Epoch(9);
    let mut data = crate::record::BatchData::default();
    for _ in 0..10 {
        data.push(None, Some(b"forged"), Vec::new(), 0);
    }
    batch.data = Arc::new(data);
    r.log
        .append_batch(Arc::new(batch), &crate::log::Roll::default());
    assert_eq!(broken(&mut c, &e), Invariant::LogMatching);
}

#[test]
fn epoch_cache_disagreeing_with_records_is_reported() {
    let (mut e, mut c) = healthy();
    replica_mut(&mut e, 2)
        .log
        .assign_epoch(Epoch(3), Offset(20));
    assert_eq!(broken(&mut c, &e), Invariant::OffsetsDense);
}

#[test]
fn silently_lost_acked_records_are_reported() {
    let (mut e, mut c) = healthy();
    for b in 1..=3 {
        let r = replica_mut(&mut e, b);
        r.log.truncate_to(Offset(35));
        r.high_watermark = Offset(35);
    }
    // The per-step check only looks at partitions whose leadership or logs changed by an
    // event; the end-of-run check looks at all of them.
    let v = c.finish(&e).expect_err("the loss must be noticed");
    assert!(
        [Invariant::LossNeverSilent, Invariant::LeaderHwMonotonic].contains(&v.invariant),
        "{v}"
    );
    // A checker attached late reads the events from the start, so it knows the acks too.
    let v = Checker::new()
        .finish(&e)
        .expect_err("the loss must be noticed");
    assert_eq!(v.invariant, Invariant::LossNeverSilent, "{v}");
}

#[test]
fn stale_leader_role_in_old_epoch_is_fine() {
    // An isolated old leader still believes it leads in its old epoch: that is no violation.
    let (mut e, mut c) = healthy();
    e.apply(Command::IsolateBroker {
        broker: BrokerId(1),
        from: Default::default(),
    })
    .unwrap();
    run_checked(&mut e, &mut c, 20_000).unwrap();
    let p = e.partition_view(&tp()).unwrap();
    assert_ne!(p.leader, Some(BrokerId(1)));
    assert!(matches!(replica_mut(&mut e, 1).role, Role::Leader(_)));
    c.check(&e).unwrap();
}

/// Appends a made-up event, as a buggy consumer or coordinator would have reported it.
fn inject(e: &mut Engine, event: crate::event::Event) {
    let at = e.now();
    e.events.push(crate::event::TimedEvent { at, event });
}

/// Injects consumer `c1` of group `g` receiving `count` records of `t-0` from `base_offset`.
fn inject_delivery(
    e: &mut Engine,
    base_offset: Offset,
    count: u32,
    records: Vec<crate::record::Chunk>,
) {
    inject(
        e,
        crate::event::Event::RecordsDelivered {
            group: "g".into(),
            consumer: "c1".into(),
            tp: tp(),
            base_offset,
            count,
            records,
            log_start_offset: Offset(0),
        },
    );
}

/// Injects `t-0` being assigned to `consumer` of group `g` in `generation`.
fn inject_assignment(e: &mut Engine, consumer: &str, generation: i32) {
    inject(
        e,
        crate::event::Event::PartitionsAssigned {
            group: "g".into(),
            consumer: consumer.into(),
            generation,
            assigned: vec![tp()],
            added: vec![tp()],
            revoked: Vec::new(),
        },
    );
}

#[test]
fn a_consumer_receiving_a_record_above_the_hw_is_reported() {
    let (mut e, mut c) = healthy();
    // The leader has a record at offset 40 that is not committed (HW 40).
    let leader = replica_mut(&mut e, 1);
    let mut batch = (*leader.log.read(Offset(39), u64::MAX)[0].batch).clone();
    batch.base_offset = Offset(40);
    // A new batch, not the idempotent producer's batch again (that is the next test).
    batch.producer = None;
    leader
        .log
        .append_batch(Arc::new(batch), &crate::log::Roll::default());
    let chunks = leader.log.read(Offset(40), u64::MAX);
    assert_eq!(chunks[0].base_offset(), Offset(40));
    inject_delivery(&mut e, Offset(40), 1, chunks);
    assert_eq!(broken(&mut c, &e), Invariant::ConsumerBelowHw);
}

/// The leader appending an idempotent producer's batch a second time, as a leader without
/// `ProducerStateManager`'s duplicate check would on a retry.
#[test]
fn an_idempotent_batch_written_twice_is_reported() {
    let (mut e, mut c) = healthy();
    let leader = replica_mut(&mut e, 1);
    let mut batch = (*leader.log.read(Offset(39), u64::MAX)[0].batch).clone();
    assert!(
        batch.producer.is_some(),
        "acks=all producers are idempotent"
    );
    batch.base_offset = leader.log.log_end_offset();
    leader
        .log
        .append_batch(Arc::new(batch), &crate::log::Roll::default());
    assert_eq!(broken(&mut c, &e), Invariant::NoDuplicateIdempotentBatch);
}

#[test]
fn a_consumer_receiving_committed_records_is_fine() {
    let (mut e, mut c) = healthy();
    let chunks = replica_mut(&mut e, 2).log.read(Offset(0), u64::MAX);
    inject_delivery(&mut e, Offset(0), 40, chunks);
    c.check(&e).unwrap();
}

#[test]
fn two_owners_in_one_generation_are_reported() {
    let (mut e, mut c) = healthy();
    for consumer in ["c1", "c2"] {
        inject_assignment(&mut e, consumer, 3);
    }
    assert_eq!(broken(&mut c, &e), Invariant::OneOwnerPerGeneration);
}

#[test]
fn a_partition_moving_in_a_new_generation_is_fine() {
    let (mut e, mut c) = healthy();
    for (consumer, generation) in [("c1", 3), ("c2", 4)] {
        inject_assignment(&mut e, consumer, generation);
    }
    c.check(&e).unwrap();
}

#[test]
fn a_commit_above_the_hw_is_reported() {
    let (mut e, mut c) = healthy();
    let commit = |offset| crate::event::Event::OffsetsCommitted {
        group: "g".into(),
        member: "c1-1".into(),
        offsets: vec![(tp(), Offset(offset))],
    };
    inject(&mut e, commit(40));
    c.check(&e).unwrap();
    inject(&mut e, commit(41));
    assert_eq!(broken(&mut c, &e), Invariant::CommitAtMostHw);
}

/// Consumer `c1` of group `g` reading `t` with read_committed, and the leader's log holding
/// a transaction of producer 99 at offset 40 ended by `end` at 41, replicated and committed.
fn read_committed_with_transaction(end: crate::record::Txn) -> (Engine, Checker) {
    use crate::record::{ProducerIds, RecordBatch, Txn};
    let (mut e, mut c) = healthy();
    let mut spec = crate::command::JoinGroupSpec::new("g", "c1", &["t"]);
    spec.isolation_level = crate::consumer::IsolationLevel::ReadCommitted;
    e.apply(Command::JoinGroup(Box::new(spec))).unwrap();
    let leader = replica_mut(&mut e, 1);
    let mut batch = (*leader.log.read(Offset(39), u64::MAX)[0].batch).clone();
    let ids = ProducerIds {
        producer_id: 99,
        producer_epoch: 0,
        base_sequence: 0,
    };
    batch.base_offset = Offset(40);
    batch.producer = Some(ids);
    batch.txn = Some(Txn::Data);
    let epoch = batch.leader_epoch;
    let roll = crate::log::Roll::default();
    leader.log.append_batch(Arc::new(batch), &roll);
    let marker = RecordBatch::marker(Offset(41), epoch, ids, end);
    leader.log.append_batch(Arc::new(marker), &roll);
    let until = e.now() + 2_000;
    run_checked(&mut e, &mut c, until).unwrap();
    assert_eq!(e.partition_view(&tp()).unwrap().high_watermark, Offset(42));
    (e, c)
}

/// `FetchCollector` must skip an aborted transaction's batch for a read_committed consumer.
#[test]
fn a_read_committed_consumer_receiving_an_aborted_record_is_reported() {
    let (mut e, mut c) = read_committed_with_transaction(crate::record::Txn::Abort);
    let chunks = replica_mut(&mut e, 1).log.read(Offset(40), u64::MAX);
    inject_delivery(&mut e, Offset(40), 1, chunks);
    assert_eq!(broken(&mut c, &e), Invariant::ReadCommittedNoAborted);
}

#[test]
fn a_read_committed_consumer_receiving_a_committed_transaction_is_fine() {
    let (mut e, mut c) = read_committed_with_transaction(crate::record::Txn::Commit);
    let chunks = replica_mut(&mut e, 1).log.read(Offset(40), u64::MAX);
    inject_delivery(&mut e, Offset(40), 1, chunks);
    c.check(&e).unwrap();
}
