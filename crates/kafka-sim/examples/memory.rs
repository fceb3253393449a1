//! Memory of a long run, measured: builds the app's presets (the same commands as
//! `Preset::engine()` in the app's `src/opening.rs`; the engine cannot depend on the app),
//! advances in one-second steps taking the events as the app does every frame, and after every
//! report interval prints the live heap bytes (a counting global allocator: exact) and where
//! they are (`Engine::footprint`, estimated).
//!
//! ```text
//! cargo run --release -p kafka-sim --example memory -- [large|classic] [--hours H]
//!     [--every-min M] [--config name=value]... [--offsets-config name=value]...
//! ```
//!
//! `--config` adds a topic config to the preset's topic (e.g. `retention.ms=3600000`);
//! `--offsets-config` sets one on `__consumer_offsets` once it exists.

use kafka_sim::command::JoinGroupSpec;
use kafka_sim::consumer::OffsetReset;
use kafka_sim::{Acks, Command, Engine, EngineConfig, NewTopic, Offset, TopicPartition};
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicU64 = AtomicU64::new(0);
static PEAK: AtomicU64 = AtomicU64::new(0);

fn grew(n: u64) {
    let live = LIVE.fetch_add(n, Ordering::Relaxed) + n;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size() as u64);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size() as u64);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as u64, Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size() as u64, Ordering::Relaxed);
            grew(new_size as u64);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One of the app's presets, as `src/opening.rs` builds it.
struct Preset {
    brokers: u32,
    topic: &'static str,
    partitions: i32,
    producer: &'static str,
    rate_per_s: u64,
    customers: u32,
    groups: Vec<(String, u32)>,
    process_rate_per_s: u64,
}

fn preset(name: &str) -> Preset {
    match name {
        "classic" => Preset {
            brokers: 3,
            topic: "orders",
            partitions: 6,
            producer: "order-service",
            rate_per_s: 2,
            customers: 8,
            groups: vec![("payments".into(), 2), ("inventory".into(), 1)],
            process_rate_per_s: 3,
        },
        _ => Preset {
            brokers: 12,
            topic: "events",
            partitions: 100,
            producer: "event-service",
            rate_per_s: 2_000,
            customers: 500,
            groups: (1..=6).map(|g| (format!("service-{g}"), 3)).collect(),
            process_rate_per_s: 2_000,
        },
    }
}

fn engine(p: &Preset, extra: &BTreeMap<String, String>) -> Engine {
    let mut engine = Engine::new(EngineConfig {
        seed: 42,
        brokers: p.brokers,
        latency_ms: 150,
        record_events: true,
        auto_create_topics_enable: true,
    });
    let mut configs = BTreeMap::from([("min.insync.replicas".to_string(), "2".to_string())]);
    configs.extend(extra.clone());
    let mut commands = vec![
        Command::CreateTopic(NewTopic {
            topic: p.topic.to_string(),
            partitions: Some(p.partitions),
            replication_factor: Some(3),
            replica_assignment: None,
            fixed_start_index: None,
            configs,
        }),
        Command::StartProducer {
            id: p.producer.to_string(),
            topic: p.topic.to_string(),
            rate_per_s: p.rate_per_s,
            keys: Some((1..=p.customers).map(|c| format!("customer-{c}")).collect()),
            acks: Acks::All,
            enable_idempotence: None,
            value_bytes: None,
            partitioner: Default::default(),
            max_records: None,
        },
    ];
    for (group, n) in &p.groups {
        for i in 1..=*n {
            let mut spec = JoinGroupSpec::new(group, &format!("{group}-{i}"), &[p.topic]);
            spec.process_rate_per_s = Some(p.process_rate_per_s);
            spec.auto_offset_reset = OffsetReset::Earliest;
            commands.push(Command::JoinGroup(Box::new(spec)));
        }
    }
    for c in commands {
        engine.apply(c).expect("the preset is valid Kafka");
    }
    engine
}

fn mb(b: u64) -> String {
    format!("{:.1}", b as f64 / 1e6)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut name = "large".to_string();
    let mut hours = 2.0_f64;
    let mut every_min = 60u64;
    let mut configs = BTreeMap::new();
    let mut offsets_configs = BTreeMap::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--hours" => hours = args.next().and_then(|v| v.parse().ok()).expect("--hours H"),
            "--every-min" => {
                every_min = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--every-min M")
            }
            "--config" | "--offsets-config" => {
                let kv = args.next().expect("name=value");
                let (k, v) = kv.split_once('=').expect("name=value");
                let map = if a == "--config" {
                    &mut configs
                } else {
                    &mut offsets_configs
                };
                map.insert(k.to_string(), Some(v.to_string()));
            }
            other => name = other.to_string(),
        }
    }
    let p = preset(&name);
    let before = LIVE.load(Ordering::Relaxed);
    let topic_configs = configs
        .iter()
        .map(|(k, v): (&String, &Option<String>)| (k.clone(), v.clone().unwrap_or_default()))
        .collect();
    let mut e = engine(&p, &topic_configs);
    println!(
        "preset {name}: {} brokers, {} x{} partitions, {} records/s, topic configs {:?}, offsets configs {:?}",
        p.brokers, p.topic, p.partitions, p.rate_per_s, configs, offsets_configs
    );
    let end_ms = (hours * 3_600_000.0) as u64;
    let every_ms = every_min * 60_000;
    let wall = Instant::now();
    let mut offsets_set = offsets_configs.is_empty();
    let mut t = 0;
    let mut previous = 0u64;
    while t < end_ms {
        t += 1_000;
        e.advance_to(t);
        drop(e.take_events());
        if !offsets_set
            && e.topics_view()
                .iter()
                .any(|t| t.name == "__consumer_offsets")
        {
            e.apply(Command::SetTopicConfig {
                topic: "__consumer_offsets".into(),
                configs: offsets_configs.clone(),
            })
            .expect("valid offsets topic config");
            offsets_set = true;
        }
        if t % every_ms == 0 || t >= end_ms {
            let live = LIVE.load(Ordering::Relaxed) - before;
            let fp = e.footprint();
            // How much history the learner sees: the age of partition 0's oldest record.
            let oldest = e
                .committed_records(&TopicPartition::new(p.topic, 0), Offset(0), 1)
                .first()
                .map(|r| (t - r.timestamp_ms) as f64 / 60_000.0);
            let estimated: u64 = fp.values().sum();
            println!(
                "t={:>6.2} h  live {:>8} MB  (+{} MB)  peak {:>8} MB  estimated {:>8} MB  oldest record {:>6.1} min  wall {:>6.1} s",
                t as f64 / 3_600_000.0,
                mb(live),
                mb(live.saturating_sub(previous)),
                mb(PEAK.load(Ordering::Relaxed) - before),
                mb(estimated),
                oldest.unwrap_or(0.0),
                wall.elapsed().as_secs_f64()
            );
            // Bytes per retained record and batch of the preset's topic: what a long run's
            // memory should grow with (not with what was ever produced).
            let (records, batches) = e.retained(p.topic);
            let log_bytes = fp
                .get(&format!("log records: {}", p.topic))
                .copied()
                .unwrap_or(0);
            println!(
                "      retained by {}: {records} records in {batches} batches, {:.1} bytes/record, {:.0} bytes/batch (log records)",
                p.topic,
                log_bytes as f64 / records.max(1) as f64,
                log_bytes as f64 / batches.max(1) as f64
            );
            for (k, v) in &fp {
                if *v >= 100_000 {
                    println!("      {k:<44} {:>9} MB", mb(*v));
                }
            }
            previous = live;
        }
    }
    let offsets: u64 = e
        .topics_view()
        .iter()
        .filter(|t| t.name == p.topic)
        .flat_map(|t| t.partitions.iter())
        .map(|p| p.high_watermark.0)
        .sum();
    println!("records committed to {}: {offsets}", p.topic);
    for pv in e.producers_view() {
        println!(
            "producer {}: {:?}, pending {}",
            pv.name, pv.stats, pv.pending_records
        );
    }
    for g in e.groups_view() {
        println!(
            "group {}: {} delivered, {} duplicates, lag {}",
            g.group,
            g.records_delivered,
            g.duplicates,
            g.partitions.iter().map(|p| p.lag.unwrap_or(0)).sum::<u64>()
        );
    }
}
