//! The narration line: what just happened, in plain language, and which Kafka setting made it
//! happen, from the engine's events. Events of one instant are told together ("the controller
//! fenced broker 1 ... orders-0 and orders-3 got new leaders"), and the busy events of normal
//! work (appends, replication, fetches, commits) are left to the event log.

use kafka_sim::connect::ConnectorClass;
use kafka_sim::sorted::SortedSet;

use kafka_sim::{BrokerId, ElectionKind, Event, IsolateFrom, SimTime, TimedEvent, TopicPartition};

use crate::i18n::{tr, trf, Lang};
use crate::scene::words;

/// A sentence about what happened at `at`; `announce` when a screen reader should say it at
/// once (leader changes, lost records, the Produce form's results are announced by the state).
#[derive(Clone, Debug, PartialEq)]
pub struct Told {
    pub at: SimTime,
    pub text: String,
    pub announce: bool,
}

/// The notable events of `events` (in time order), told in `lang` one sentence per instant
/// and subject. Kafka's names (configs, exceptions, the rebalance reasons Kafka writes) stay.
pub fn narrate(lang: Lang, events: &[TimedEvent]) -> Vec<Told> {
    let mut told = Vec::new();
    for instant in events.chunk_by(|a, b| a.at == b.at) {
        tell_instant(lang, instant, &mut told);
    }
    for t in &mut told {
        t.text = without_uuids(&t.text);
    }
    told
}

/// `text` with every member id's `-<uuid>` tail removed ("payments-2-3474724a-...-8a0e45" reads
/// "payments-2"): the client id is what the learner knows the member by.
fn without_uuids(text: &str) -> String {
    const UUID: usize = 36;
    let bytes = text.as_bytes();
    let is_uuid = |at: usize| {
        bytes.len() >= at + UUID
            && bytes[at..at + UUID]
                .iter()
                .enumerate()
                .all(|(i, b)| match i {
                    8 | 13 | 18 | 23 => *b == b'-',
                    _ => b.is_ascii_hexdigit(),
                })
    };
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'-' && is_uuid(i + 1) {
            i += 1 + UUID;
        } else {
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

fn tell_instant(lang: Lang, instant: &[TimedEvent], told: &mut Vec<Told>) {
    let at = instant[0].at;
    let fenced: SortedSet<BrokerId> =
        SortedSet::from_iter(instant.iter().filter_map(|e| match e.event {
            Event::BrokerFenced { broker } => Some(broker),
            _ => None,
        }));
    let elected: Vec<(&TopicPartition, BrokerId, ElectionKind)> = instant
        .iter()
        .filter_map(|e| match &e.event {
            Event::LeaderElected {
                tp,
                leader,
                election,
                ..
            } => Some((tp, *leader, *election)),
            _ => None,
        })
        .collect();
    let mut say = |text: String, announce: bool| told.push(Told { at, text, announce });

    for b in &fenced {
        let moved = if elected.is_empty() {
            String::new()
        } else {
            trf(
                lang,
                " {} moved to the ISR: {}.",
                &[
                    &plural(
                        elected.len(),
                        tr(lang, "1 leadership"),
                        tr(lang, "{} leaderships"),
                    ),
                    &leaders_text(lang, &elected),
                ],
            )
        };
        say(
            trf(
                lang,
                "The controller fenced broker {}: no heartbeat for broker.session.timeout.ms=9000.{}",
                &[&b.0, &moved],
            ),
            true,
        );
    }
    if fenced.is_empty() && !elected.is_empty() {
        let kind = elected[0].2;
        let why = match kind {
            ElectionKind::Clean => tr(lang, "chosen from the ISR"),
            ElectionKind::Unclean => tr(lang, "chosen from OUTSIDE the ISR because unclean.leader.election.enable=true: records only the old ISR had are lost"),
            ElectionKind::Preferred => tr(lang, "back on the preferred (first) replica"),
        };
        let text = if elected.len() == 1 {
            trf(
                lang,
                "New leader: {} ({}).",
                &[&leaders_text(lang, &elected), &why],
            )
        } else {
            trf(
                lang,
                "New leaders: {} ({}).",
                &[&leaders_text(lang, &elected), &why],
            )
        };
        say(text, true);
    }

    for e in instant {
        match &e.event {
            Event::BrokerKilled { broker } => say(
                trf(
                    lang,
                    "Broker {} died. The controller only notices when its heartbeats stop for broker.session.timeout.ms=9000; until then its partitions have no working leader.",
                    &[&broker.0],
                ),
                true,
            ),
            Event::BrokerRestarted { broker } => say(
                trf(lang, "Broker {} restarted: it registers with the controller, catches up from the leaders and rejoins the ISRs.", &[&broker.0]),
                true,
            ),
            Event::BrokerIsolated { broker, from: IsolateFrom::All } => say(
                trf(lang, "Broker {} is cut off from the network: it runs, but nobody hears it; the controller fences it after broker.session.timeout.ms=9000.", &[&broker.0]),
                true,
            ),
            Event::BrokerIsolated { broker, from: IsolateFrom::Cluster } => say(
                trf(lang, "Broker {} is cut off from the controller and the other brokers, but clients still reach it: as leader it takes acks=1 writes no follower copies (lost when it rejoins), while acks=all writes wait; the controller fences it after broker.session.timeout.ms=9000.", &[&broker.0]),
                true,
            ),
            Event::BrokerStopped { broker } => say(
                trf(lang, "Broker {} shut down cleanly (controlled shutdown): the controller moved its leaderships and took it out of the ISRs first, so no partition waited for a timeout.", &[&broker.0]),
                true,
            ),
            Event::TopicDeleted { topic } => say(
                trf(lang, "Topic {} was deleted: its partitions, their logs and the groups' committed offsets for it are gone.", &[topic]),
                true,
            ),
            Event::NetworkHealed => say(tr(lang, "The network is healed: every link works again.").to_string(), false),
            Event::BrokerAdded { broker } => say(
                trf(lang, "Broker {} joined the cluster. It holds no partition until one is created or reassigned.", &[&broker.0]),
                false,
            ),
            Event::BrokerUnfenced { broker } => say(
                trf(lang, "The controller unfenced broker {}: it heartbeats again and may lead and follow.", &[&broker.0]),
                false,
            ),
            Event::PartitionOffline { tp, .. } => say(
                trf(lang, "{} is offline (Leader: none): no in-sync replica is alive, and with unclean.leader.election.enable=false Kafka waits rather than lose acknowledged records.", &[tp]),
                true,
            ),
            Event::IsrShrunk { tp, removed, .. } => {
                let removed: Vec<BrokerId> = removed.iter().copied().filter(|b| !fenced.contains(b)).collect();
                if !removed.is_empty() {
                    say(trf(
                        lang,
                        "{}: broker {} left the ISR: it had not caught up with the leader for replica.lag.time.max.ms=30000.",
                        &[tp, &words::join_ids(lang, &removed)],
                    ), false);
                }
            }
            Event::IsrExpanded { tp, added, .. } => say(
                trf(lang, "{}: broker {} caught up and rejoined the ISR.", &[tp, &words::join_ids(lang, added)]),
                false,
            ),
            Event::LogTruncated { broker, tp, from_leo, to_offset } => say(
                trf(
                    lang,
                    "Broker {} cut {} back from LEO {} to {}: those records were never committed and the new leader does not have them (leader epochs decide).",
                    &[&broker.0, tp, &from_leo.0, &to_offset.0],
                ),
                false,
            ),
            Event::AckedRecordsLost { tp, count, ranges, .. } => say(
                trf(
                    lang,
                    "{} of {} LOST (offsets {}): the new leader never had them.",
                    &[
                        &plural(*count as usize, tr(lang, "1 acknowledged record"), tr(lang, "{} acknowledged records")),
                        tp,
                        &ranges.iter().map(|(a, b)| format!("{}-{}", a.0, b.0.saturating_sub(1))).collect::<Vec<_>>().join(", "),
                    ],
                ),
                true,
            ),
            Event::ProduceFailed { producer, count, error, tp } => say(
                trf(
                    lang,
                    "{}: {} failed{}: {}{}.",
                    &[
                        producer,
                        &plural(*count as usize, tr(lang, "1 record"), tr(lang, "{} records")),
                        &tp.as_ref().map_or(String::new(), |tp| trf(lang, " on {}", &[tp])),
                        &error.name(),
                        &failure_hint(lang, error.name()),
                    ],
                ),
                false,
            ),
            Event::RebalanceStarted { group, reason, .. } => say(
                trf(lang, "Group {} is rebalancing ({}): every member must rejoin before partitions are handed out again.", &[group, reason]),
                false,
            ),
            Event::RebalanceCompleted { group, generation, members, protocol, .. } => say(
                trf(
                    lang,
                    "Group {} is Stable: generation {}, {} share the partitions ({}).",
                    &[group, generation, &plural(*members as usize, tr(lang, "1 member"), tr(lang, "{} members")), protocol],
                ),
                false,
            ),
            Event::MemberRemoved { group, reason, member } if reason.as_ref() == "session timeout" => say(
                trf(lang, "Group {} removed {}: no heartbeat for session.timeout.ms=45000.", &[group, &client_of(member)]),
                false,
            ),
            Event::ConsumerKilled { group, consumer } => say(
                trf(lang, "{} died without leaving {}: the coordinator notices after session.timeout.ms=45000; its partitions wait until then.", &[consumer, group]),
                false,
            ),
            Event::ConsumerLeft { group, consumer } => say(
                trf(lang, "{} closed and left {}: the group rebalances at once.", &[consumer, group]),
                false,
            ),
            Event::OffsetsReset { group, offsets } => say(
                trf(
                    lang,
                    "Group {}'s committed offsets were reset on {}.",
                    &[group, &plural(offsets.len(), tr(lang, "1 partition"), tr(lang, "{} partitions"))],
                ),
                false,
            ),
            Event::TopicCreated { topic, partitions, replication_factor, .. } => say(
                trf(
                    lang,
                    "Topic {} created: {}, each on {} brokers.",
                    &[topic, &plural(*partitions as usize, tr(lang, "1 partition"), tr(lang, "{} partitions")), replication_factor],
                ),
                false,
            ),
            Event::ConnectorConfigured { connector, class: ConnectorClass::Sink, tasks } => say(
                trf(
                    lang,
                    "Kafka Connect runs the sink connector {} with {}: each is a consumer of the group connect-{}, writing what it reads to the store.",
                    &[connector, &plural(*tasks as usize, tr(lang, "1 task"), tr(lang, "{} tasks")), connector],
                ),
                false,
            ),
            Event::ConnectorConfigured { connector, class: ConnectorClass::Source, .. } => say(
                trf(
                    lang,
                    "Kafka Connect runs the source connector {}: its task reads the table's changed rows and produces each as a record keyed by its primary key.",
                    &[connector],
                ),
                false,
            ),
            Event::ConnectorDeleted { connector } => say(
                trf(lang, "Connector {} was deleted: its tasks stop.", &[connector]),
                false,
            ),
            Event::CommandRejected { error, .. } => say(
                trf(lang, "Refused: {}: {}", &[&error.kind.name(), &error.message]),
                false,
            ),
            _ => {}
        }
    }
}

/// "orders-0 → broker 2, orders-3 → broker 3" (the first few, then a count).
fn leaders_text(lang: Lang, elected: &[(&TopicPartition, BrokerId, ElectionKind)]) -> String {
    const SHOWN: usize = 4;
    let mut text: Vec<String> = elected
        .iter()
        .take(SHOWN)
        .map(|(tp, b, _)| trf(lang, "{} → broker {}", &[tp, &b.0]))
        .collect();
    if elected.len() > SHOWN {
        text.push(trf(lang, "and {} more", &[&(elected.len() - SHOWN)]));
    }
    text.join(", ")
}

/// Why a produce commonly fails with `error`, in a few words.
fn failure_hint(lang: Lang, error: &str) -> &'static str {
    match error {
        "NotEnoughReplicasException" => tr(
            lang,
            " (the ISR is smaller than min.insync.replicas, so acks=all is refused)",
        ),
        "TimeoutException" => tr(lang, " (no answer within delivery.timeout.ms=120000)"),
        "NotLeaderOrFollowerException" => tr(
            lang,
            " (the leader moved; the producer refreshes its metadata and retries)",
        ),
        _ => "",
    }
}

/// The client id in a member id `<client.id>-<uuid>` (a UUID is 36 characters).
fn client_of(member: &str) -> &str {
    const UUID: usize = 36;
    match member.len().checked_sub(UUID + 1) {
        Some(end) if member.is_char_boundary(end) && member[end..].starts_with('-') => {
            &member[..end]
        }
        _ => member,
    }
}

/// `one` ("1 record") or `many` ("{} records") with `n` in it, both already in the language.
fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        one.to_string()
    } else {
        many.replacen("{}", &n.to_string(), 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::opening_engine;
    use kafka_sim::Command;

    fn told_after(engine: &mut kafka_sim::Engine, ms: u64) -> Vec<Told> {
        engine.take_events();
        engine.advance_to(engine.now() + ms);
        narrate(Lang::En, &engine.take_events())
    }

    #[test]
    fn a_killed_broker_is_told_then_its_fencing_with_the_setting_and_the_new_leaders() {
        let mut engine = opening_engine();
        engine.advance_to(10_000);
        engine.take_events();
        engine
            .apply(Command::KillBroker {
                broker: BrokerId(1),
            })
            .unwrap();
        let killed = narrate(Lang::En, &engine.take_events());
        assert!(killed[0].text.starts_with("Broker 1 died."), "{killed:?}");
        assert!(killed[0].text.contains("broker.session.timeout.ms=9000"));
        let later = told_after(&mut engine, 12_000);
        let fence = later
            .iter()
            .find(|t| t.text.starts_with("The controller fenced broker 1"))
            .expect("the fencing is told");
        assert!(fence.text.contains("moved to the ISR"), "{fence:?}");
        assert!(fence.announce);
        assert!(later.iter().all(|t| !t.text.contains("RecordsAppended")));
    }

    #[test]
    fn the_narration_speaks_portuguese_with_kafkas_names_kept() {
        let mut engine = opening_engine();
        engine.advance_to(10_000);
        engine.take_events();
        engine
            .apply(Command::KillBroker {
                broker: BrokerId(1),
            })
            .unwrap();
        let events = engine.take_events();
        let killed = narrate(Lang::PtBr, &events);
        assert!(
            killed[0].text.starts_with("O broker 1 morreu."),
            "{killed:?}"
        );
        assert!(killed[0].text.contains("broker.session.timeout.ms=9000"));
        let mut history = crate::state::history::History::default();
        history.record_new(&events, &engine);
        assert!(history.told().any(|t| t.text.starts_with("Broker 1 died.")));
        history.set_language(Lang::PtBr);
        assert!(history
            .told()
            .any(|t| t.text.starts_with("O broker 1 morreu.")));
        assert!(history
            .told()
            .all(|t| !t.text.starts_with("Broker 1 died.")));
    }

    #[test]
    fn a_controlled_shutdown_is_told_apart_from_a_crash_and_its_leaders_move_at_once() {
        let mut engine = opening_engine();
        engine.advance_to(10_000);
        engine.take_events();
        engine
            .apply(Command::StopBroker {
                broker: BrokerId(1),
            })
            .unwrap();
        let stopped = narrate(Lang::En, &engine.take_events());
        let told = stopped
            .iter()
            .find(|t| t.text.starts_with("Broker 1 shut down cleanly"))
            .expect("the controlled shutdown is told");
        assert!(told.text.contains("moved its leaderships"), "{told:?}");
        // No fencing countdown follows: its leaderships moved before it stopped.
        let later = told_after(&mut engine, 12_000);
        assert!(
            later.iter().all(|t| !t.text.contains("no heartbeat")),
            "{later:?}"
        );
    }

    #[test]
    fn a_broker_cut_from_the_cluster_is_told_as_reachable_by_clients() {
        let mut engine = opening_engine();
        engine.advance_to(10_000);
        engine.take_events();
        engine
            .apply(Command::IsolateBroker {
                broker: BrokerId(2),
                from: kafka_sim::IsolateFrom::Cluster,
            })
            .unwrap();
        let told = narrate(Lang::En, &engine.take_events());
        assert!(
            told.iter()
                .any(|t| t.text.contains("clients still reach it")),
            "{told:?}"
        );
    }

    #[test]
    fn groups_forming_are_told_as_rebalances() {
        let mut engine = opening_engine();
        let told = told_after(&mut engine, 10_000);
        assert!(told
            .iter()
            .any(|t| t.text.starts_with("Group payments is rebalancing")));
        assert!(told
            .iter()
            .any(|t| t.text.starts_with("Group payments is Stable: generation")));
    }

    #[test]
    fn member_ids_in_reasons_are_told_by_their_client_id() {
        assert_eq!(
            without_uuids(
                "Removing member payments-2-3474724a-775b-49bf-be34-8a0e451650be on LeaveGroup"
            ),
            "Removing member payments-2 on LeaveGroup"
        );
        assert_eq!(without_uuids("orders-3 → broker 2"), "orders-3 → broker 2");
    }

    #[test]
    fn member_ids_name_their_client() {
        assert_eq!(
            client_of("payments-1-5f0c7a2e-1b9d-4c1e-9a63-0d8b6c1f2e3a"),
            "payments-1"
        );
        assert_eq!(client_of("short"), "short");
    }
}
