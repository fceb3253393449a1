//! Assignment computation benchmark: 1,000 partitions (10 topics x 100) over 100 members,
//! every member subscribed to every topic, for each assignor; then the same group after one
//! member left, with the previous assignment as owned partitions / sticky user data (the
//! sticky assignors' real work). Prints milliseconds per assignment (target: <= 5 ms).
//! Run: `cargo bench -p kafka-sim --bench assignors`.

use kafka_sim::assignor::{assign, AssignorKind, StickyUserData, Subscription};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let topics: BTreeMap<Arc<str>, u32> = (0..10)
        .map(|t| (Arc::from(format!("topic-{t}").as_str()), 100))
        .collect();
    let names: Vec<Arc<str>> = topics.keys().cloned().collect();
    let members: Vec<(Arc<str>, Subscription)> = (0..100)
        .map(|i| {
            let id = format!("consumer-{i}-6b7f3f0e-1a2b-4c3d-8e9f-{i:012}");
            let sub = Subscription {
                topics: names.clone(),
                generation: -1,
                ..Subscription::default()
            };
            (Arc::from(id.as_str()), sub)
        })
        .collect();
    for kind in [
        AssignorKind::Range,
        AssignorKind::RoundRobin,
        AssignorKind::Sticky,
        AssignorKind::CooperativeSticky,
    ] {
        let (first_ms, first) = time(|| assign(kind, &topics, &members));
        let total: usize = first.values().map(Vec::len).sum();
        assert_eq!(total, 1000);
        // One member leaves; the others report what they own (generation 1).
        let rejoin: Vec<(Arc<str>, Subscription)> = members[1..]
            .iter()
            .map(|(id, s)| {
                let owned = first[id].clone();
                let mut s = s.clone();
                s.generation = 1;
                s.owned_partitions = owned.clone();
                s.user_data = Some(StickyUserData {
                    partitions: owned,
                    generation: 1,
                });
                (id.clone(), s)
            })
            .collect();
        let (second_ms, _) = time(|| assign(kind, &topics, &rejoin));
        println!(
            "assignor {:<18} 1000 partitions x 100 members: {first_ms:.3} ms; after one member left: {second_ms:.3} ms",
            kind.name()
        );
    }
    // Kafka's general sticky algorithm (subscriptions differ): odd members subscribe to half
    // of the topics.
    let mixed: Vec<(Arc<str>, Subscription)> = members
        .iter()
        .enumerate()
        .map(|(i, (id, s))| {
            let mut s = s.clone();
            if i % 2 == 1 {
                s.topics.truncate(5);
            }
            (id.clone(), s)
        })
        .collect();
    for kind in [AssignorKind::Sticky, AssignorKind::CooperativeSticky] {
        let (ms, a) = time(|| assign(kind, &topics, &mixed));
        assert_eq!(a.values().map(Vec::len).sum::<usize>(), 1000);
        println!(
            "assignor {:<18} 1000 partitions x 100 members, mixed subscriptions (general algorithm): {ms:.3} ms",
            kind.name()
        );
    }
}

/// Best of 20 runs, in ms.
fn time<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = f();
    for _ in 0..20 {
        let start = Instant::now();
        out = f();
        best = best.min(start.elapsed().as_secs_f64() * 1000.0);
    }
    (best, out)
}
