//! Kafka's CLI output: `kafka-topics.sh --describe` and `kafka-console-consumer` with
//! `print.partition`, `print.offset` and `print.key`, byte for byte (tab-separated);
//! `kafka-consumer-groups.sh --describe` (space-aligned columns) and the records handed to
//! consumer applications.

use crate::consumer::IsolationLevel;
use crate::engine::Engine;
use crate::event::Event;
use crate::group::GroupState;
use crate::ids::{join_brokers, Offset, TopicPartition};
use std::fmt::Write;

/// `kafka-topics.sh --describe` for every topic, by name.
pub fn describe_topics(engine: &Engine) -> String {
    let mut s = String::new();
    for t in engine.controller.image.topics.values() {
        let rf = t.partitions.first().map_or(0, |p| p.replicas.len());
        let _ = writeln!(
            s,
            "Topic: {}\tTopicId: {}\tPartitionCount: {}\tReplicationFactor: {}\tConfigs: {}",
            t.name,
            t.topic_id,
            t.partitions.len(),
            rf,
            t.config.describe()
        );
        for (i, p) in t.partitions.iter().enumerate() {
            let leader = p.leader.map_or("none".to_string(), |l| l.0.to_string());
            let _ = writeln!(
                s,
                "\tTopic: {}\tPartition: {}\tLeader: {}\tReplicas: {}\tIsr: {}",
                t.name,
                i,
                leader,
                join_brokers(&p.replicas),
                join_brokers(&p.isr)
            );
        }
    }
    s
}

fn text(bytes: Option<&[u8]>) -> String {
    match bytes {
        None => "null".to_string(),
        Some(b) => String::from_utf8_lossy(b).into_owned(),
    }
}

/// Every committed record of `topic` (below the leader's HW), partitions ascending, as
/// `Partition:P<TAB>Offset:O<TAB>KEY<TAB>VALUE`, as `kafka-console-consumer --from-beginning`
/// with `--isolation-level`: read_committed prints only committed transactions' records (and
/// plain records) below the last stable offset. `None` if the topic does not exist.
pub fn dump_topic(engine: &Engine, topic: &str, isolation: IsolationLevel) -> Option<String> {
    let t = engine.controller.image.topics.get(topic)?;
    let mut s = String::new();
    for p in 0..t.partitions.len() as u32 {
        let tp = TopicPartition::new(t.name.clone(), p);
        let records = match isolation {
            IsolationLevel::ReadUncommitted => engine.committed_records(&tp, Offset(0), usize::MAX),
            IsolationLevel::ReadCommitted => engine.stable_records(&tp),
        };
        for r in records {
            let _ = writeln!(
                s,
                "Partition:{}\tOffset:{}\t{}\t{}",
                p,
                r.offset.0,
                text(r.key),
                text(r.value)
            );
        }
    }
    Some(s)
}

/// `kafka-get-offsets.sh --topic TOPIC --time earliest`: the log start offset of each
/// partition on its leader, as `TOPIC:PARTITION:OFFSET` (partitions without a leader are left
/// out, as the tool leaves them out). `None` if the topic does not exist.
pub fn earliest_offsets(engine: &Engine, topic: &str) -> Option<String> {
    let t = engine.controller.image.topics.get(topic)?;
    let mut s = String::new();
    for p in 0..t.partitions.len() as u32 {
        if let Some(o) = list_offset(engine, &TopicPartition::new(t.name.clone(), p), false) {
            let _ = writeln!(s, "{topic}:{p}:{o}");
        }
    }
    Some(s)
}

/// `kafka-get-offsets.sh --time -2|-1` (`GetOffsetShell`) without `--topic`: every
/// partition of every topic, internal ones included (the tool excludes them only with
/// `--exclude-internal-topics`), sorted as it sorts them, by the text `topic-partition`;
/// `latest` is the HW (ListOffsets for read_uncommitted), `earliest` the log start. A
/// partition without a leader is skipped (the tool says so on stderr).
pub fn get_offsets(engine: &Engine, latest: bool) -> String {
    let mut rows: Vec<(String, String)> = Vec::new();
    for t in engine.controller.image.topics.values() {
        for p in 0..t.partitions.len() as u32 {
            let tp = TopicPartition::new(t.name.clone(), p);
            if let Some(o) = list_offset(engine, &tp, latest) {
                rows.push((tp.to_string(), format!("{}:{p}:{o}", t.name)));
            }
        }
    }
    crate::sorting::sort_by(&mut rows, |a, b| a.0.cmp(&b.0));
    rows.into_iter().map(|(_, line)| line + "\n").collect()
}

/// ListOffsets on the partition's leader: the HW (`latest`) or the log start.
fn list_offset(engine: &Engine, tp: &TopicPartition, latest: bool) -> Option<u64> {
    let reg = engine.controller.image.partition(tp)?;
    let r = reg
        .leader
        .and_then(|l| engine.brokers.get(&l))
        .filter(|b| b.alive)
        .and_then(|b| b.replicas.get(tp))?;
    Some(if latest {
        r.high_watermark.0
    } else {
        r.log.log_start_offset().0
    })
}

/// `kafka-consumer-groups.sh --describe` for one group, as `ConsumerGroupCommand` prints it:
/// a state message for empty or rebalancing groups (Kafka prints it on stderr), then the
/// columns sized to the widest value (at least 15), members with partitions first (most
/// partitions first), then committed partitions nobody owns.
pub fn describe_group(engine: &Engine, group: &str) -> String {
    let mut s = String::new();
    let Some(v) = engine.group_view(group) else {
        return s;
    };
    let Some(state) = v.state else {
        let _ = writeln!(
            s,
            "\nError: Executing consumer group command failed due to org.apache.kafka.common.errors.CoordinatorNotAvailableException: The coordinator is not available."
        );
        return s;
    };
    match state {
        GroupState::Dead => {
            let _ = writeln!(s, "\nError: Consumer group '{group}' does not exist.");
            return s;
        }
        GroupState::Empty => {
            let _ = writeln!(s, "\nConsumer group '{group}' has no active members.");
        }
        GroupState::PreparingRebalance | GroupState::CompletingRebalance => {
            let _ = writeln!(s, "\nWarning: Consumer group '{group}' is rebalancing.");
        }
        GroupState::Stable => {}
    }
    let dash = || "-".to_string();
    // (topic, partition, current, log end, lag, consumer id, host, client id)
    let mut rows: Vec<[String; 8]> = Vec::new();
    let part = |tp: &crate::ids::TopicPartition| v.partitions.iter().find(|p| &p.tp == tp);
    // Kafka prints no row for a member without partitions (idle, or between assignments).
    let mut members: Vec<&crate::view::MemberView> = v
        .members
        .iter()
        .filter(|m| !m.assignment.is_empty())
        .collect();
    crate::sorting::sort_by_key(&mut members, |m| std::cmp::Reverse(m.assignment.len()));
    let mut assigned = Vec::new();
    for m in members {
        for tp in &m.assignment {
            assigned.push(tp.clone());
            let p = part(tp);
            rows.push([
                tp.topic.to_string(),
                tp.partition.0.to_string(),
                p.and_then(|p| p.committed)
                    .map_or_else(dash, |o| o.0.to_string()),
                p.and_then(|p| p.high_watermark)
                    .map_or_else(dash, |o| o.0.to_string()),
                p.and_then(|p| p.lag).map_or_else(dash, |l| l.to_string()),
                m.member_id.clone(),
                m.host.clone(),
                m.client_id.clone(),
            ]);
        }
    }
    for p in &v.partitions {
        if p.committed.is_none() || assigned.contains(&p.tp) {
            continue;
        }
        rows.push([
            p.tp.topic.to_string(),
            p.tp.partition.0.to_string(),
            p.committed.map_or_else(dash, |o| o.0.to_string()),
            p.high_watermark.map_or_else(dash, |o| o.0.to_string()),
            p.lag.map_or_else(dash, |l| l.to_string()),
            dash(),
            dash(),
            dash(),
        ]);
    }
    if rows.is_empty() {
        return s;
    }
    let width = |i: usize, min: usize| rows.iter().map(|r| r[i].len()).max().unwrap_or(0).max(min);
    let (wg, wt, wc, wh) = (
        group.len().max(15),
        width(0, 15),
        width(5, 15),
        width(6, 15),
    );
    let line = |r: [&str; 9]| {
        format!(
            "\n{:<wg$} {:<wt$} {:<10} {:<15} {:<15} {:<15} {:<wc$} {:<wh$} {}",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]
        )
    };
    s.push_str(&line([
        "GROUP",
        "TOPIC",
        "PARTITION",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
    ]));
    for r in &rows {
        s.push_str(&line([
            group, &r[0], &r[1], &r[2], &r[3], &r[4], &r[5], &r[6], &r[7],
        ]));
    }
    s.push('\n');
    s
}

/// `--describe-groups`: [`describe_group`] for every group, by name.
pub fn describe_groups(engine: &Engine) -> String {
    engine
        .group_names()
        .iter()
        .map(|g| describe_group(engine, g))
        .collect()
}

/// `--deliveries`: every record handed to an application, in delivery order, as
/// `GROUP<TAB>CLIENT-ID<TAB>Partition:P<TAB>Offset:O<TAB>KEY<TAB>VALUE`.
pub fn deliveries(engine: &Engine) -> String {
    let mut s = String::new();
    for e in engine.events() {
        let Event::RecordsDelivered {
            group,
            consumer,
            tp,
            records,
            ..
        } = &e.event
        else {
            continue;
        };
        for c in records {
            for r in c.records() {
                let _ = writeln!(
                    s,
                    "{group}\t{consumer}\tPartition:{}\tOffset:{}\t{}\t{}",
                    tp.partition.0,
                    r.offset.0,
                    text(r.key),
                    text(r.value)
                );
            }
        }
    }
    s
}

/// `--connectors`: each connector's status as Kafka Connect's REST API answers
/// `GET /connectors/{name}/status`, one JSON object a line.
pub fn connector_statuses(engine: &Engine) -> String {
    engine
        .connectors_view()
        .iter()
        .map(|c| connector_status(c) + "\n")
        .collect()
}

/// One connector's `GET /connectors/{name}/status` (one worker, `connect:8083`); a task whose
/// client was killed or stopped by hand is `FAILED`.
pub fn connector_status(c: &crate::connect::ConnectorView) -> String {
    const WORKER: &str = "connect:8083";
    let tasks: Vec<String> = c
        .tasks
        .iter()
        .enumerate()
        .map(|(id, t)| {
            let state = if t.running { "RUNNING" } else { "FAILED" };
            format!(r#"{{"id":{id},"state":"{state}","worker_id":"{WORKER}"}}"#)
        })
        .collect();
    format!(
        r#"{{"name":{},"connector":{{"state":"RUNNING","worker_id":"{WORKER}"}},"tasks":[{}],"type":"{}"}}"#,
        serde_json::to_string(&c.name).expect("a string"),
        tasks.join(","),
        c.class.as_str()
    )
}
