//! The text trace: one fixed-column line per event, e.g.
//! `     1200 ms  LeaderElected       orders-0 leader=2 epoch=1 isr=[2,3]`.
//! Lines are formatted only when asked for, never on the engine's hot path.

use crate::event::{Event, TimedEvent};
use crate::ids::{BrokerId, Offset};
use std::fmt::Write;

/// Width of the event-name column.
const NAME_WIDTH: usize = 20;

fn brokers(list: &[BrokerId]) -> String {
    let mut s = String::from("[");
    for (i, b) in list.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{}", b.0);
    }
    s.push(']');
    s
}

fn ranges(list: &[(Offset, Offset)]) -> String {
    let mut s = String::from("[");
    for (i, (a, b)) in list.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        let _ = write!(s, "{}..{}", a.0, b.0);
    }
    s.push(']');
    s
}

/// The details column of an event.
pub fn details(event: &Event) -> String {
    match event {
        Event::CommandRejected { op, error } => format!("{op}: {error}"),
        Event::TopicCreated {
            topic,
            topic_id,
            partitions,
            replication_factor,
        } => format!(
            "{topic} id={topic_id} partitions={partitions} replication_factor={replication_factor}"
        ),
        Event::PartitionCreated {
            tp,
            replicas,
            leader,
            epoch,
            isr,
        } => format!(
            "{tp} replicas={} leader={} epoch={} isr={}",
            brokers(replicas),
            leader.map_or("none".to_string(), |l| l.0.to_string()),
            epoch.0,
            brokers(isr)
        ),
        Event::TopicConfigChanged { topic, configs } => format!("{topic} configs={configs}"),
        Event::BrokerKilled { broker }
        | Event::BrokerRestarted { broker }
        | Event::BrokerAdded { broker }
        | Event::BrokerIsolated { broker }
        | Event::BrokerFenced { broker }
        | Event::BrokerUnfenced { broker } => format!("broker={}", broker.0),
        Event::NetworkHealed => String::new(),
        Event::BrokerRegistered {
            broker,
            broker_epoch,
        } => format!("broker={} broker_epoch={broker_epoch}", broker.0),
        Event::BrokerRegistrationRejected { broker, error } => {
            format!("broker={} error={}", broker.0, error.name())
        }
        Event::LeaderElected {
            tp,
            leader,
            epoch,
            isr,
            election,
        } => format!(
            "{tp} leader={} epoch={} isr={} election={}",
            leader.0,
            epoch.0,
            brokers(isr),
            election.as_str()
        ),
        Event::PartitionOffline { tp, epoch, isr } => {
            format!("{tp} leader=none epoch={} isr={}", epoch.0, brokers(isr))
        }
        Event::IsrShrunk { tp, isr, removed } => {
            format!("{tp} isr={} removed={}", brokers(isr), brokers(removed))
        }
        Event::IsrExpanded { tp, isr, added } => {
            format!("{tp} isr={} added={}", brokers(isr), brokers(added))
        }
        Event::RecordsAppended {
            broker,
            tp,
            base_offset,
            count,
            epoch,
        } => format!(
            "{tp} broker={} offsets={}..{} epoch={}",
            broker.0,
            base_offset.0,
            base_offset.0 + u64::from(*count),
            epoch.0
        ),
        Event::RecordsReplicated {
            broker,
            tp,
            base_offset,
            count,
        } => format!(
            "{tp} broker={} offsets={}..{}",
            broker.0,
            base_offset.0,
            base_offset.0 + count
        ),
        Event::HighWatermarkAdvanced {
            broker,
            tp,
            high_watermark,
        } => format!("{tp} broker={} hw={}", broker.0, high_watermark.0),
        Event::LogTruncated {
            broker,
            tp,
            from_leo,
            to_offset,
        } => format!(
            "{tp} broker={} leo={} truncated_to={}",
            broker.0, from_leo.0, to_offset.0
        ),
        Event::AckedRecordsLost {
            tp,
            leader,
            epoch,
            ranges: r,
            count,
        } => format!(
            "{tp} new_leader={} epoch={} lost={count} offsets={}",
            leader.0,
            epoch.0,
            ranges(r)
        ),
        Event::ProduceAcked {
            producer,
            tp,
            base_offset,
            count,
            epoch,
        } => format!(
            "{tp} producer={producer} offsets={}..{} epoch={}",
            base_offset.0,
            base_offset.0 + u64::from(*count),
            epoch.0
        ),
        Event::ProduceFailed {
            producer,
            tp,
            count,
            error,
        } => format!(
            "{} producer={producer} records={count} error={}",
            tp.as_ref().map_or("-".to_string(), |t| t.to_string()),
            error.name()
        ),
        Event::ProducerStarted {
            producer,
            topic,
            rate_per_s,
        } => format!("producer={producer} topic={topic} rate_per_s={rate_per_s}"),
        Event::ProducerStopped { producer } => format!("producer={producer}"),
    }
}

/// One trace line (no trailing newline).
pub fn format_line(e: &TimedEvent) -> String {
    let d = details(&e.event);
    let line = format!(
        "{:>9} ms  {:<width$} {}",
        e.at,
        e.event.name(),
        d,
        width = NAME_WIDTH
    );
    line.trim_end().to_string()
}

/// The whole trace, one line per event, each ending in a newline.
pub fn format_trace(events: &[TimedEvent]) -> String {
    let mut s = String::new();
    for e in events {
        s.push_str(&format_line(e));
        s.push('\n');
    }
    s
}
