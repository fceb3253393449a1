//! Consumer groups end to end: pull consumers, rebalances, failover, lag, offsets reset,
//! ordering, coordinator failover.

mod common;

use common::*;
use kafka_sim::command::JoinGroupSpec;
use kafka_sim::consumer::OffsetReset;
use kafka_sim::group::GroupState;
use kafka_sim::{Command, Engine, Event, Offset};

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
                for o in c.base_offset().0..c.end_offset().0 {
                    let r = c.record(Offset(o));
                    out.push((
                        group.to_string(),
                        consumer.to_string(),
                        tp.partition.0,
                        o,
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
