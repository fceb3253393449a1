//! Random command sequences (valid and nonsense) never panic, and every invariant of
//! `kafka_sim::check` holds after every step and command; the deadlines the engine announces
//! lie ahead and the certain ones happen when announced. A failing seed prints how to rerun it.

mod common;
use common::*;
use kafka_sim::check::{self, Checker};
use kafka_sim::rng::SplitMix64;
use kafka_sim::view::{DeadlineKind, DeadlineView};
use kafka_sim::{Acks, BrokerId, Command, Event, NewTopic};
use std::sync::atomic::{AtomicU64, Ordering};

fn random_command(r: &mut SplitMix64) -> Command {
    let topic = ["a", "b", "c.d", "c_d", "", "bad name"][r.below(6) as usize].to_string();
    let broker = BrokerId(r.below(6));
    let acks = [Acks::Zero, Acks::One, Acks::All][r.below(3) as usize];
    match r.below(14) {
        0 | 1 => Command::CreateTopic(NewTopic {
            topic,
            partitions: Some(r.below(6) as i32 - 1),
            replication_factor: Some(r.below(5) as i32 - 1),
            configs: if r.below(2) == 0 {
                [("min.insync.replicas".to_string(), r.below(4).to_string())].into()
            } else {
                [(
                    "unclean.leader.election.enable".to_string(),
                    "true".to_string(),
                )]
                .into()
            },
            ..Default::default()
        }),
        2 => Command::AlterPartitions {
            topic,
            partitions: r.below(8) as i32,
        },
        3..=5 => Command::Produce {
            topic,
            key: (r.below(2) == 0).then(|| vec![b'k'; r.below(5) as usize]),
            value: Some(b"v".to_vec()),
            headers: Vec::new(),
            partition: (r.below(3) == 0).then(|| r.below(6) as i32 - 1),
            acks,
            enable_idempotence: None,
        },
        6 => Command::StartProducer {
            id: format!("p{}", r.below(3)),
            topic,
            rate_per_s: u64::from(r.below(300)),
            keys: (r.below(2) == 0).then(|| vec!["x".into(), "y".into()]),
            acks,
            enable_idempotence: None,
            value_bytes: None,
            partitioner: if r.below(2) == 0 {
                Default::default()
            } else {
                kafka_sim::partitioner::PartitionerKind::RoundRobin
            },
            max_records: None,
        },
        7 if r.below(4) == 0 => Command::DeleteTopic { topic },
        7 => Command::StopProducer {
            id: format!("p{}", r.below(3)),
        },
        8 if r.below(3) == 0 => Command::StopBroker { broker },
        8 => Command::KillBroker { broker },
        9 => Command::RestartBroker { broker },
        10 => Command::IsolateBroker {
            broker,
            from: [kafka_sim::IsolateFrom::All, kafka_sim::IsolateFrom::Cluster]
                [r.below(2) as usize],
        },
        11 => Command::HealNetwork {},
        12 => Command::AddBroker {
            broker: (r.below(2) == 0).then_some(broker),
        },
        _ => Command::SetTopicConfig {
            topic,
            configs: [(
                "unclean.leader.election.enable".to_string(),
                Some(["true", "false", "maybe"][r.below(3) as usize].to_string()),
            )]
            .into(),
        },
    }
}

/// Every deadline is a timer still to fire: never in the past, and listed in time order.
fn deadlines_lie_ahead(e: &kafka_sim::Engine) -> Vec<DeadlineView> {
    let d = e.deadlines_view();
    for x in &d {
        assert!(x.at >= e.now(), "at {}: {x:?} is in the past", e.now());
    }
    assert!(d
        .windows(2)
        .all(|w| (w[0].at, &w[0].kind) <= (w[1].at, &w[1].kind)));
    d
}

/// With no command in between, the deadlines that are certain (fences and the ISR removals
/// they cause) happen exactly when announced, up to `t`.
fn deadlines_kept(e: &kafka_sim::Engine, due: &[DeadlineView], t: u64) {
    let at = |when: u64, pick: &dyn Fn(&Event) -> bool| {
        e.events().iter().any(|x| x.at == when && pick(&x.event))
    };
    for d in due.iter().filter(|d| d.at <= t) {
        let kept = match &d.kind {
            DeadlineKind::BrokerFence { broker } => at(
                d.at,
                &|ev| matches!(ev, Event::BrokerFenced { broker: b } if b == broker),
            ),
            DeadlineKind::IsrShrink { tp, follower, .. }
                if d.config == "broker.session.timeout.ms" =>
            {
                at(
                    d.at,
                    &|ev| matches!(ev, Event::IsrShrunk { tp: x, removed, .. } if x == tp && removed.contains(follower)),
                )
            }
            _ => continue,
        };
        assert!(kept, "{d:?} did not happen:\n{}", trace_tail(e, 40));
        KEPT.fetch_add(1, Ordering::Relaxed);
    }
}

/// Certain deadlines seen to happen, over all seeds.
static KEPT: AtomicU64 = AtomicU64::new(0);

#[test]
fn random_commands_never_panic_and_keep_invariants() {
    let seeds: u64 = std::env::var("KAFKA_SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(25);
    let start: u64 = std::env::var("KAFKA_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for seed in start..start + seeds {
        let result = std::panic::catch_unwind(|| {
            let mut r = SplitMix64::new(seed);
            let mut e = engine(3, seed);
            let mut checker = Checker::new();
            let mut t = 0;
            for _ in 0..40 {
                let _ = e.apply(random_command(&mut r));
                checker.check(&e)?;
                let due = deadlines_lie_ahead(&e);
                t += u64::from(r.below(4000));
                check::run_checked(&mut e, &mut checker, t)?;
                deadlines_kept(&e, &due, t);
                deadlines_lie_ahead(&e);
            }
            check::run_checked(&mut e, &mut checker, t + 60_000)?;
            checker
                .finish(&e)
                .map_err(|v| (v, trace_tail(&e, 30)))
                .map_err(|(v, tail)| {
                    eprintln!("{tail}");
                    v
                })
        });
        match result {
            Ok(Ok(())) => {}
            Ok(Err(v)) => panic!("seed {seed}: {v}\nrerun with KAFKA_SIM_SEED={seed} KAFKA_SIM_SEEDS=1 cargo test -p kafka-sim --test robustness"),
            Err(_) => panic!("seed {seed} panicked; rerun with KAFKA_SIM_SEED={seed} KAFKA_SIM_SEEDS=1 cargo test -p kafka-sim --test robustness"),
        }
    }
    assert!(
        seeds < 10 || KEPT.load(Ordering::Relaxed) > 0,
        "the random faults fenced brokers: {}",
        KEPT.load(Ordering::Relaxed)
    );
}
