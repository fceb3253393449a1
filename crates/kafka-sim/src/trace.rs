//! The text trace: one fixed-column line per event, e.g.
//! `     1200 ms  LeaderElected       orders-0 leader=2 epoch=1 isr=[2,3]`.
//! Lines are formatted only when asked for, never on the engine's hot path.

use crate::command::IsolateFrom;
use crate::error::ErrorKind;
use crate::event::{ElectionKind, Event, TimedEvent};
use crate::ids::{BrokerId, Offset, TopicPartition};
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

fn partitions(list: &[TopicPartition]) -> String {
    let parts: Vec<String> = list.iter().map(|tp| tp.to_string()).collect();
    format!("[{}]", parts.join(","))
}

fn offsets(list: &[(TopicPartition, Offset)]) -> String {
    let parts: Vec<String> = list.iter().map(|(tp, o)| format!("{tp}@{}", o.0)).collect();
    format!("[{}]", parts.join(","))
}

/// What `kafka-leader-election` (`LeaderElectionCommand`) prints for its answer: the
/// partitions elected, those that already had the desired leader, then one line per failure
/// with the exception as Java prints it.
pub fn leader_election_lines(
    election: ElectionKind,
    succeeded: &[TopicPartition],
    not_needed: &[TopicPartition],
    failed: &[(TopicPartition, ErrorKind)],
) -> Vec<String> {
    let kind = match election {
        ElectionKind::Unclean => "UNCLEAN",
        _ => "PREFERRED",
    };
    let list = |l: &[TopicPartition]| {
        l.iter()
            .map(|tp| tp.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    if !succeeded.is_empty() {
        out.push(format!(
            "Successfully completed leader election ({kind}) for partitions {}",
            list(succeeded)
        ));
    }
    if !not_needed.is_empty() {
        out.push(format!(
            "Valid replica already elected for partitions {}",
            list(not_needed)
        ));
    }
    for (tp, e) in failed {
        out.push(format!(
            "Error completing leader election ({kind}) for partition: {tp}: org.apache.kafka.common.errors.{}: {}",
            e.name(),
            e.default_message()
        ));
    }
    out
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
        Event::TopicDeleted { topic } => topic.to_string(),
        Event::TopicConfigChanged { topic, configs } => format!("{topic} configs={configs}"),
        Event::BrokerKilled { broker }
        | Event::BrokerRestarted { broker }
        | Event::BrokerAdded { broker }
        | Event::BrokerStopped { broker }
        | Event::BrokerFenced { broker }
        | Event::BrokerUnfenced { broker } => format!("broker={}", broker.0),
        Event::BrokerIsolated { broker, from } => match from {
            IsolateFrom::All => format!("broker={}", broker.0),
            IsolateFrom::Cluster => format!("broker={} from=cluster", broker.0),
        },
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
        Event::LeaderElectionResult {
            election,
            succeeded,
            not_needed,
            failed,
        } => leader_election_lines(*election, succeeded, not_needed, failed).join("; "),
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
            ..
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
        Event::SegmentRolled {
            broker,
            tp,
            base_offset,
        } => format!("{tp} broker={} base_offset={}", broker.0, base_offset.0),
        Event::SegmentsDeleted {
            broker,
            tp,
            segments,
            log_start_offset,
            reason,
        } => format!(
            "{tp} broker={} segments={segments} log_start={} reason={reason}",
            broker.0, log_start_offset.0
        ),
        Event::LogCleaned {
            broker,
            tp,
            records_removed,
            clean_offset,
            segments,
        } => format!(
            "{tp} broker={} removed={records_removed} clean_to={} segments={segments}",
            broker.0, clean_offset.0
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
        Event::ProduceRetried {
            producer,
            tp,
            count,
            error,
            attempt,
        } => format!(
            "{tp} producer={producer} records={count} error={} attempt={attempt}",
            error.name()
        ),
        Event::ProducerStarted {
            producer,
            topic,
            rate_per_s,
        } => format!("producer={producer} topic={topic} rate_per_s={rate_per_s}"),
        Event::ProducerStopped { producer } => format!("producer={producer}"),
        Event::ConnectorConfigured {
            connector,
            class,
            tasks,
        } => format!("connector={connector} class={} tasks={tasks}", class.as_str()),
        Event::ConnectorDeleted { connector } => format!("connector={connector}"),
        Event::ConsumerStarted {
            group,
            consumer,
            topics,
        } => {
            let t: Vec<&str> = topics.iter().map(|t| &**t).collect();
            format!("group={group} consumer={consumer} topics=[{}]", t.join(","))
        }
        Event::CoordinatorFound {
            group,
            consumer,
            broker,
        } => format!("group={group} consumer={consumer} coordinator={}", broker.0),
        Event::TransactionCompleted {
            broker,
            transactional_id,
            producer_id,
            epoch,
            committed,
        } => format!(
            "transactional.id={transactional_id} producer_id={producer_id} epoch={epoch} {} coordinator={}",
            if *committed { "committed" } else { "aborted" },
            broker.0
        ),
        Event::TransactionTimedOut {
            broker,
            transactional_id,
            producer_id,
        } => format!(
            "transactional.id={transactional_id} producer_id={producer_id} coordinator={}",
            broker.0
        ),
        Event::TransactionEnded {
            producer,
            committed,
            error,
        } => match error {
            Some(e) => format!("producer={producer} error={}", e.name()),
            None => format!(
                "producer={producer} {}",
                if *committed { "committed" } else { "aborted" }
            ),
        },
        Event::CoordinatorLoaded {
            broker,
            partition,
            groups,
        } => format!(
            "__consumer_offsets-{partition} broker={} groups={groups}",
            broker.0
        ),
        Event::MemberJoined {
            group,
            member,
            broker,
        } => format!("group={group} member={member} coordinator={}", broker.0),
        Event::MemberRemoved {
            group,
            member,
            reason,
        } => format!("group={group} member={member} reason={reason}"),
        Event::RebalanceStarted {
            group,
            generation,
            reason,
        } => format!("group={group} generation={generation} reason={reason}"),
        Event::RebalanceCompleted {
            group,
            generation,
            protocol,
            leader,
            members,
        } => format!(
            "group={group} generation={generation} protocol={protocol} leader={leader} members={members}"
        ),
        Event::GroupEmptied { group, generation } => {
            format!("group={group} generation={generation}")
        }
        Event::PartitionsAssigned {
            group,
            consumer,
            generation,
            assigned,
            added,
            revoked,
        } => format!(
            "group={group} consumer={consumer} generation={generation} assigned={} added={} revoked={}",
            partitions(assigned),
            partitions(added),
            partitions(revoked)
        ),
        Event::PartitionsRevoked {
            group,
            consumer,
            partitions: p,
        } => format!("group={group} consumer={consumer} revoked={}", partitions(p)),
        Event::FetchPositionSet {
            group,
            consumer,
            tp,
            offset,
            source,
        } => format!(
            "{tp} group={group} consumer={consumer} offset={} from={source}",
            offset.0
        ),
        Event::RecordsDelivered {
            group,
            consumer,
            tp,
            base_offset,
            count,
            records,
            ..
        } => {
            let end = records
                .last()
                .map_or(base_offset.0 + u64::from(*count), |c| c.end_offset().0);
            let mut s = format!(
                "{tp} group={group} consumer={consumer} offsets={}..{end}",
                base_offset.0
            );
            if end - base_offset.0 != u64::from(*count) {
                // A compacted range: fewer records than offsets.
                let _ = write!(s, " records={count}");
            }
            s
        }
        Event::OffsetsCommitted {
            group,
            member,
            offsets: o,
        } => format!("group={group} member={member} offsets={}", offsets(o)),
        Event::OffsetsReset { group, offsets: o } => {
            format!("group={group} offsets={}", offsets(o))
        }
        Event::ConsumerKilled { group, consumer } | Event::ConsumerLeft { group, consumer } => {
            format!("group={group} consumer={consumer}")
        }
        Event::ConsumerError {
            group,
            consumer,
            error,
        } => format!("group={group} consumer={consumer} error={error}"),
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
