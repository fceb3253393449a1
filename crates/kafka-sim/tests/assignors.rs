//! The four assignors against Kafka's documented examples, plus balance, stickiness and the
//! cooperative two-round revocation.

use kafka_sim::assignor::{assign, AssignorKind, StickyUserData, Subscription};
use kafka_sim::TopicPartition;
use std::collections::BTreeMap;
use std::sync::Arc;

fn topics(list: &[(&str, u32)]) -> BTreeMap<Arc<str>, u32> {
    list.iter().map(|(t, n)| (Arc::from(*t), *n)).collect()
}

fn sub(topics: &[&str]) -> Subscription {
    let mut t: Vec<Arc<str>> = topics.iter().map(|t| Arc::from(*t)).collect();
    t.sort();
    Subscription {
        topics: t,
        generation: -1,
        ..Subscription::default()
    }
}

fn members(list: &[(&str, Subscription)]) -> Vec<(Arc<str>, Subscription)> {
    list.iter()
        .map(|(m, s)| (Arc::from(*m), s.clone()))
        .collect()
}

/// `{member: "t0p0,t1p2"}` with each member's partitions sorted, for compact comparisons.
fn show(a: &BTreeMap<Arc<str>, Vec<TopicPartition>>) -> Vec<String> {
    a.iter()
        .map(|(m, l)| {
            let mut l = l.clone();
            l.sort();
            let parts: Vec<String> = l
                .iter()
                .map(|tp| format!("{}p{}", tp.topic, tp.partition.0))
                .collect();
            format!("{m}:[{}]", parts.join(","))
        })
        .collect()
}

fn tp(s: &str) -> TopicPartition {
    let (t, p) = s.split_once('p').unwrap();
    TopicPartition::new(t, p.parse().unwrap())
}

#[test]
fn range_javadoc_example() {
    let t = topics(&[("t0", 3), ("t1", 3)]);
    let m = members(&[("C0", sub(&["t0", "t1"])), ("C1", sub(&["t0", "t1"]))]);
    let a = assign(AssignorKind::Range, &t, &m);
    assert_eq!(show(&a), ["C0:[t0p0,t0p1,t1p0,t1p1]", "C1:[t0p2,t1p2]"]);
}

#[test]
fn roundrobin_javadoc_example() {
    let t = topics(&[("t0", 3), ("t1", 3)]);
    let m = members(&[("C0", sub(&["t0", "t1"])), ("C1", sub(&["t0", "t1"]))]);
    let a = assign(AssignorKind::RoundRobin, &t, &m);
    assert_eq!(show(&a), ["C0:[t0p0,t0p2,t1p1]", "C1:[t0p1,t1p0,t1p2]"]);
}

#[test]
fn roundrobin_skips_unsubscribed_members_without_resetting_the_turn() {
    // RoundRobinAssignor javadoc, second example: C0 subscribes to t0; C1 to t0, t1; C2 to
    // t0, t1, t2; t0 has 1 partition, t1 2, t2 3.
    let t = topics(&[("t0", 1), ("t1", 2), ("t2", 3)]);
    let m = members(&[
        ("C0", sub(&["t0"])),
        ("C1", sub(&["t0", "t1"])),
        ("C2", sub(&["t0", "t1", "t2"])),
    ]);
    let a = assign(AssignorKind::RoundRobin, &t, &m);
    assert_eq!(
        show(&a),
        ["C0:[t0p0]", "C1:[t1p0]", "C2:[t1p1,t2p0,t2p1,t2p2]"]
    );
}

#[test]
fn range_more_consumers_than_partitions_leaves_idle_members() {
    let t = topics(&[("orders", 2)]);
    let m = members(&[
        ("a", sub(&["orders"])),
        ("b", sub(&["orders"])),
        ("c", sub(&["orders"])),
    ]);
    let a = assign(AssignorKind::Range, &t, &m);
    assert_eq!(show(&a), ["a:[ordersp0]", "b:[ordersp1]", "c:[]"]);
    // Range per topic: with two topics the first members get both extras (Kafka's known
    // imbalance), unlike round robin.
    let t = topics(&[("x", 3), ("y", 3)]);
    let m = members(&[("a", sub(&["x", "y"])), ("b", sub(&["x", "y"]))]);
    assert_eq!(
        show(&assign(AssignorKind::Range, &t, &m)),
        ["a:[xp0,xp1,yp0,yp1]", "b:[xp2,yp2]"]
    );
}

fn sticky_sub(topics_: &[&str], owned: &[&str], generation: i32) -> Subscription {
    let mut s = sub(topics_);
    let parts: Vec<TopicPartition> = owned.iter().map(|p| tp(p)).collect();
    s.user_data = Some(StickyUserData {
        partitions: parts,
        generation,
    });
    s.generation = generation;
    s
}

fn all_four() -> Vec<&'static str> {
    vec!["t0", "t1", "t2", "t3"]
}

#[test]
fn sticky_javadoc_first_example() {
    // StickyAssignor javadoc: C0..C2 on t0..t3 with 2 partitions each.
    let t = topics(&[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)]);
    let m = members(&[
        ("C0", sub(&all_four())),
        ("C1", sub(&all_four())),
        ("C2", sub(&all_four())),
    ]);
    let a = assign(AssignorKind::Sticky, &t, &m);
    assert_eq!(
        show(&a),
        [
            "C0:[t0p0,t1p1,t3p0]",
            "C1:[t0p1,t2p0,t3p1]",
            "C2:[t1p0,t2p1]"
        ]
    );
    // C1 leaves: C0 and C2 keep everything they had and share C1's three partitions, 4 and 4.
    let m = members(&[
        ("C0", sticky_sub(&all_four(), &["t0p0", "t1p1", "t3p0"], 1)),
        ("C2", sticky_sub(&all_four(), &["t1p0", "t2p1"], 1)),
    ]);
    let a = assign(AssignorKind::Sticky, &t, &m);
    assert_eq!(
        show(&a),
        ["C0:[t0p0,t0p1,t1p1,t3p0]", "C2:[t1p0,t2p0,t2p1,t3p1]"]
    );
}

#[test]
fn sticky_javadoc_second_example_general_case() {
    // C0: t0; C1: t0, t1; C2: t0, t1, t2 with 1, 2 and 3 partitions.
    let t = topics(&[("t0", 1), ("t1", 2), ("t2", 3)]);
    let m = members(&[
        ("C0", sub(&["t0"])),
        ("C1", sub(&["t0", "t1"])),
        ("C2", sub(&["t0", "t1", "t2"])),
    ]);
    let a = assign(AssignorKind::Sticky, &t, &m);
    assert_eq!(
        show(&a),
        ["C0:[t0p0]", "C1:[t1p0,t1p1]", "C2:[t2p0,t2p1,t2p2]"]
    );
    // C0 leaves: the sticky assignment only moves t0p0 (round robin would reshuffle).
    let m = members(&[
        ("C1", sticky_sub(&["t0", "t1"], &["t1p0", "t1p1"], 1)),
        (
            "C2",
            sticky_sub(&["t0", "t1", "t2"], &["t2p0", "t2p1", "t2p2"], 1),
        ),
    ]);
    let a = assign(AssignorKind::Sticky, &t, &m);
    assert_eq!(show(&a), ["C1:[t0p0,t1p0,t1p1]", "C2:[t2p0,t2p1,t2p2]"]);
}

fn counts(a: &BTreeMap<Arc<str>, Vec<TopicPartition>>) -> (usize, usize, usize) {
    let sizes: Vec<usize> = a.values().map(Vec::len).collect();
    (
        *sizes.iter().min().unwrap(),
        *sizes.iter().max().unwrap(),
        sizes.iter().sum(),
    )
}

#[test]
fn sticky_is_balanced_and_keeps_partitions_across_rebalances() {
    let t = topics(&[("orders", 12), ("payments", 7)]);
    let both = ["orders", "payments"];
    let names: Vec<String> = (0..5).map(|i| format!("consumer-{i}-x")).collect();
    let m: Vec<(Arc<str>, Subscription)> = names
        .iter()
        .map(|n| (Arc::from(n.as_str()), sub(&both)))
        .collect();
    let first = assign(AssignorKind::Sticky, &t, &m);
    let (min, max, total) = counts(&first);
    assert!(max - min <= 1 && total == 19, "{first:?}");
    // A sixth member joins: everybody keeps all but at most one partition.
    let mut m2: Vec<(Arc<str>, Subscription)> = first
        .iter()
        .map(|(id, parts)| {
            let mut s = sub(&both);
            s.user_data = Some(StickyUserData {
                partitions: parts.clone(),
                generation: 1,
            });
            s.generation = 1;
            (id.clone(), s)
        })
        .collect();
    m2.push((Arc::from("consumer-5-x"), sub(&both)));
    let second = assign(AssignorKind::Sticky, &t, &m2);
    let (min, max, total) = counts(&second);
    assert!(max - min <= 1 && total == 19, "{second:?}");
    for (id, before) in &first {
        let after = &second[id];
        let kept = before.iter().filter(|p| after.contains(p)).count();
        assert!(
            kept + 1 >= before.len(),
            "{id} kept {kept} of {}",
            before.len()
        );
        assert!(
            after.iter().all(|p| before.contains(p)),
            "{id} gained partitions"
        );
    }
    // Range, by contrast, moves far more partitions for the same change.
    let r1 = assign(AssignorKind::Range, &t, &m);
    let r2 = assign(AssignorKind::Range, &t, &m2);
    let moved = |a: &BTreeMap<Arc<str>, Vec<TopicPartition>>,
                 b: &BTreeMap<Arc<str>, Vec<TopicPartition>>| {
        a.iter()
            .map(|(id, l)| l.iter().filter(|p| !b[id].contains(p)).count())
            .sum::<usize>()
    };
    assert!(moved(&r1, &r2) > moved(&first, &second));
}

#[test]
fn cooperative_sticky_withholds_moving_partitions_for_a_second_round() {
    let t = topics(&[("orders", 6)]);
    let owned = |parts: &[&str], g: i32| {
        let mut s = sub(&["orders"]);
        s.owned_partitions = parts.iter().map(|p| tp(p)).collect();
        s.generation = g;
        s
    };
    // Round 1: a owns everything, b joins. Nothing moves to b yet: the three partitions that
    // will move are withheld until a revokes them.
    let m = members(&[
        (
            "a",
            owned(
                &[
                    "ordersp0", "ordersp1", "ordersp2", "ordersp3", "ordersp4", "ordersp5",
                ],
                1,
            ),
        ),
        ("b", owned(&[], -1)),
    ]);
    let r1 = assign(AssignorKind::CooperativeSticky, &t, &m);
    assert_eq!(show(&r1), ["a:[ordersp0,ordersp1,ordersp2]", "b:[]"]);
    // Round 2: a now owns only its three; b gets the revoked ones.
    let m = members(&[
        ("a", owned(&["ordersp0", "ordersp1", "ordersp2"], 2)),
        ("b", owned(&[], 2)),
    ]);
    let r2 = assign(AssignorKind::CooperativeSticky, &t, &m);
    assert_eq!(
        show(&r2),
        [
            "a:[ordersp0,ordersp1,ordersp2]",
            "b:[ordersp3,ordersp4,ordersp5]"
        ]
    );
}

#[test]
fn every_assignor_assigns_each_partition_exactly_once() {
    let t = topics(&[("a", 10), ("b", 3), ("c", 1)]);
    for kind in [
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
        AssignorKind::CooperativeSticky,
    ] {
        for n in 1..8 {
            let m: Vec<(Arc<str>, Subscription)> = (0..n)
                .map(|i| {
                    let s = if i % 3 == 2 {
                        sub(&["a", "b"])
                    } else {
                        sub(&["a", "b", "c"])
                    };
                    (Arc::from(format!("m{i}").as_str()), s)
                })
                .collect();
            let a = assign(kind, &t, &m);
            let mut all: Vec<TopicPartition> = a.values().flatten().cloned().collect();
            all.sort();
            let before = all.len();
            all.dedup();
            assert_eq!(before, all.len(), "{kind:?} n={n}: duplicate");
            assert_eq!(all.len(), 14, "{kind:?} n={n}: missing partitions");
        }
    }
}
