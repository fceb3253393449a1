//! A topic deleted and created again under its name is a new topic, as in Kafka (issue 29):
//! a new topic id, empty, at offset 0, with no committed offsets. Nothing the engine, its
//! checkers or the guarantee ledger kept of the old topic may be asked of, counted for or
//! drawn on the new one. `scenarios/recreated-topic.json`: a compacted topic written by a
//! keyed acks=all producer and by transactions (one aborted), read by a read_committed group
//! that commits, a broker killed and restarted (leader epochs move on), then deleted; the
//! running producer auto-creates it again (1 partition, RF 1, not compacted) and a
//! transaction writes to the new one.

use kafka_sim::check::run_scenario_checked;
use kafka_sim::guarantees::{lineage, GuaranteeLedger, StepDetail, StepKind};
use kafka_sim::scenario::{parse_scenario, Scenario};
use kafka_sim::{Command, Engine, Event, NewTopic, Offset, TimedEvent, TopicPartition};
use std::sync::Arc;

const DELETED_AT: u64 = 40_000;

/// The scenario file, its topic created with `partitions` partitions: 2 (the new topic has
/// fewer, so the group rebalances) or 1 (the same count: no rebalance, the consumer must see
/// the new topic id in its metadata).
fn scenario(partitions: i32) -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/recreated-topic.json"
    );
    let mut s = parse_scenario(&std::fs::read_to_string(path).unwrap()).unwrap();
    let Command::CreateTopic(NewTopic { partitions: p, .. }) = &mut s.steps[0].command else {
        panic!("the scenario starts by creating its topic");
    };
    *p = Some(partitions);
    s
}

fn t(partition: u32) -> TopicPartition {
    TopicPartition::new(Arc::from("t"), partition)
}

fn after_deletion(e: &Engine) -> impl Iterator<Item = &TimedEvent> {
    e.events().iter().filter(|te| te.at > DELETED_AT)
}

fn duplicates(e: &Engine) -> u64 {
    e.group_view("g").map_or(0, |g| g.duplicates)
}

#[test]
fn a_recreated_topic_is_a_new_topic_to_the_checkers_the_ledgers_the_clients_and_the_group() {
    for partitions in [2, 1] {
        let s = scenario(partitions);
        let at_deletion = run_scenario_checked(&s, Some(DELETED_AT));
        assert!(
            at_deletion.violation.is_none(),
            "{:?}",
            at_deletion.violation
        );
        let checked = run_scenario_checked(&s, None);
        let why = format!("{partitions} partition(s)");
        // Every invariant held after every event, and at the end over every log: the
        // compaction checker verified keys of the old topic before it was deleted.
        assert!(
            checked.violation.is_none(),
            "{why}: {:?}",
            checked.violation
        );
        assert!(
            checked.checker.log_coverage().1 > 0,
            "{why}: compaction checked"
        );
        let e = &checked.run.engine;
        let deleted = e.events().iter().any(|te| {
            te.at == DELETED_AT
                && matches!(&te.event, Event::TopicDeleted { topic } if &**topic == "t")
        });
        assert!(deleted, "{why}");
        let recreated: Vec<&TimedEvent> = after_deletion(e)
            .filter(|te| matches!(&te.event, Event::TopicCreated { topic, .. } if &**topic == "t"))
            .collect();
        assert_eq!(recreated.len(), 1, "{why}: auto-created once");

        // The producer takes the new topic's leaders (its leader epochs start again at 0)
        // and writes from offset 0, without a failure; nothing acked is lost.
        let acks: Vec<(Offset, u64)> = after_deletion(e)
            .filter_map(|te| match &te.event {
                Event::ProduceAcked {
                    tp, base_offset, ..
                } if *tp == t(0) => Some((*base_offset, te.at)),
                _ => None,
            })
            .collect();
        assert!(
            acks.len() > 100,
            "{why}: {} acks on the new topic",
            acks.len()
        );
        assert_eq!(acks[0].0, Offset(0), "{why}");
        assert!(
            acks[0].1 < DELETED_AT + 1_000,
            "{why}: acked at {} ms",
            acks[0].1
        );
        let failures = after_deletion(e)
            .filter(|te| {
                matches!(
                    &te.event,
                    Event::ProduceFailed { .. } | Event::AckedRecordsLost { .. }
                )
            })
            .count();
        assert_eq!(failures, 0, "{why}");

        // The group reads the new topic from its start (its committed offsets went with the
        // old one; auto.offset.reset=earliest), and nothing it reads counts as delivered again.
        let reset = after_deletion(e).find_map(|te| match &te.event {
            Event::FetchPositionSet {
                tp, offset, source, ..
            } if *tp == t(0) => Some((*offset, source.to_string())),
            _ => None,
        });
        assert_eq!(reset, Some((Offset(0), "earliest".to_string())), "{why}");
        assert_eq!(
            duplicates(e),
            duplicates(&at_deletion.run.engine),
            "{why}: no duplicates counted on the new topic"
        );
        let g = e.group_view("g").unwrap();
        let parts: Vec<_> = g.partitions.iter().map(|p| p.tp.clone()).collect();
        assert_eq!(
            parts,
            vec![t(0)],
            "{why}: the old topic's other partition is forgotten"
        );
        let p = &g.partitions[0];
        assert!(
            p.committed.is_some() && p.committed <= p.high_watermark,
            "{why}: committed {:?}, HW {:?}",
            p.committed,
            p.high_watermark
        );

        // The guarantee ledger: nothing found on the new topic (no duplicate, loss, order
        // violation or aborted record), and the same counts of those as at the deletion.
        let ledger = |engine: &Engine| {
            let mut l = GuaranteeLedger::new();
            l.feed(engine, engine.events());
            l
        };
        let (before, after) = (ledger(&at_deletion.run.engine), ledger(e));
        let found = after.entries().iter().filter(|x| x.at_ms > DELETED_AT);
        assert_eq!(found.count(), 0, "{why}: {:?}", after.entries().last());
        let (b, a) = (before.counts(), after.counts());
        assert_eq!(
            (a.duplicates, a.lost, a.order_violations, a.aborted_seen),
            (b.duplicates, b.lost, b.order_violations, b.aborted_seen),
            "{why}"
        );
        assert!(a.delivered > b.delivered && a.acked > b.acked, "{why}");

        // A record's journey is the new topic's: sent from the deletion on (the producer's
        // send() came first, the topic's creation after), appended after the re-creation.
        let steps = lineage(e, &t(0), Offset(0));
        assert!(
            steps.iter().any(|s| s.kind == StepKind::Delivered),
            "{why}: {steps:?}"
        );
        assert!(
            steps.iter().all(|s| s.at_ms >= DELETED_AT),
            "{why}: {steps:?}"
        );
        let appended = steps.iter().find(|s| s.kind == StepKind::Appended);
        assert!(
            appended.is_some_and(|s| s.at_ms > recreated[0].at),
            "{why}: {steps:?}"
        );
        let produced_by = steps.iter().find_map(|s| match &s.detail {
            StepDetail::Produced { producer, .. } => producer.as_ref().map(|(p, _)| p.to_string()),
            _ => None,
        });
        assert_eq!(produced_by.as_deref(), Some("p"), "{why}");
    }
}

#[test]
fn what_is_said_of_a_deleted_topic_before_it_is_created_again_is_not_taken_for_the_new_one() {
    // Late events, as they come when a response was on the wire at the deletion: a delivery
    // of the old topic's records after its TopicDeleted, before the new topic exists. The
    // ledger must neither count the new topic's first delivery (offset 0) as a duplicate of
    // it nor of the old topic's deliveries.
    let s = scenario(1);
    let run = run_scenario_checked(&s, Some(DELETED_AT - 1));
    let engine = &run.run.engine;
    // The group's last delivery of the old t-0, handed out again at `at`.
    let delivered = |at: u64| {
        let records = engine
            .events()
            .iter()
            .rev()
            .find_map(|te| match &te.event {
                Event::RecordsDelivered { tp, records, .. } if *tp == t(0) => Some(records.clone()),
                _ => None,
            })
            .expect("the group read the old topic");
        TimedEvent {
            at,
            event: Event::RecordsDelivered {
                group: "g".into(),
                consumer: "c1".into(),
                tp: t(0),
                base_offset: records[0].base_offset(),
                count: records.iter().map(|c| c.len()).sum(),
                records,
                log_start_offset: Offset(0),
            },
        }
    };
    let events = vec![
        TimedEvent {
            at: DELETED_AT,
            event: Event::TopicDeleted { topic: "t".into() },
        },
        // The old topic's records again, after its deletion: not the business of anything.
        delivered(DELETED_AT + 2),
        TimedEvent {
            at: DELETED_AT + 10,
            event: Event::TopicCreated {
                topic: "t".into(),
                topic_id: "new".into(),
                partitions: 1,
                replication_factor: 1,
            },
        },
    ];
    let mut ledger = GuaranteeLedger::new();
    ledger.feed(engine, engine.events());
    let before = ledger.counts();
    ledger.feed(engine, &events);
    assert_eq!(ledger.counts(), before, "the late delivery is ignored");
    // Records of the new topic at the same offsets (below the old topic's delivery mark):
    // delivered for the first time.
    ledger.feed(engine, &[delivered(DELETED_AT + 20)]);
    let after = ledger.counts();
    assert_eq!(
        after.duplicates,
        before.duplicates,
        "{:?}",
        ledger.entries().last()
    );
    assert!(after.delivered > before.delivered);
}

#[test]
fn a_deleted_topics_offsets_are_not_committed_again_before_it_is_created_again() {
    // Without auto.create.topics.enable nothing creates the topic again at once; the group's
    // consumer, which has not rebalanced, goes on committing its positions on the deleted
    // topic every auto.commit.interval.ms. The coordinator refuses them
    // (UNKNOWN_TOPIC_OR_PARTITION, as KafkaApis does), so the topic created 10 s later by
    // hand starts with no committed offset.
    let mut s = scenario(1);
    s.auto_create_topics_enable = false;
    s.steps.retain(|step| step.at_ms <= DELETED_AT);
    s.steps.push(kafka_sim::scenario::Step {
        at_ms: DELETED_AT - 1_000,
        command: Command::StopProducer { id: "p".into() },
    });
    s.steps.push(kafka_sim::scenario::Step {
        at_ms: DELETED_AT + 10_000,
        command: Command::CreateTopic(NewTopic {
            topic: "t".into(),
            partitions: Some(1),
            replication_factor: Some(3),
            ..NewTopic::default()
        }),
    });
    s.steps.sort_by_key(|step| step.at_ms);
    s.until_ms = DELETED_AT + 20_000;
    let checked = run_scenario_checked(&s, None);
    assert!(checked.violation.is_none(), "{:?}", checked.violation);
    let e = &checked.run.engine;
    let refused = after_deletion(e).any(|te| {
        te.at < DELETED_AT + 10_000
            && matches!(&te.event, Event::OffsetsCommitted { offsets, .. } if offsets.iter().any(|(tp, _)| tp.topic.as_ref() == "t"))
    });
    assert!(!refused, "no commit of the deleted topic was stored");
    let g = e.group_view("g").unwrap();
    let p = g.partitions.iter().find(|p| p.tp == t(0)).expect("t-0");
    assert!(
        p.committed.is_none() || p.committed <= p.high_watermark,
        "committed {:?}, HW {:?}",
        p.committed,
        p.high_watermark
    );
}
