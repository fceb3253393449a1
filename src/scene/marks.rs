//! The timeline's marks: the notable events of the run (brokers killed and back, leaders
//! elected, ISRs shrinking, rebalances, acked records lost), at most one per slot of the bar so
//! that a busy run stays readable.

use kafka_sim::{Event, TimedEvent};

use crate::i18n::{tr, trf, Lang};
use crate::scene::words::join_ids;
use crate::state::timeline::clock_text;

/// Slots across the bar; events in one slot share a mark (the first one's kind, a count).
const SLOTS: u64 = 240;

#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    pub at_ms: u64,
    /// The CSS class: `fault`, `recover`, `leader`, `isr`, `rebalance`, `loss`.
    pub kind: &'static str,
    /// "7.3 s: broker 2 killed (and 3 more)".
    pub label: String,
}

/// What an event is called on the timeline, if it is notable.
fn notable(lang: Lang, e: &Event) -> Option<(&'static str, String)> {
    Some(match e {
        Event::BrokerKilled { broker } => ("fault", trf(lang, "broker {} killed", &[&broker.0])),
        Event::BrokerIsolated { broker, .. } => {
            ("fault", trf(lang, "broker {} isolated", &[&broker.0]))
        }
        Event::BrokerStopped { broker } => ("fault", trf(lang, "broker {} stopped", &[&broker.0])),
        Event::TopicDeleted { topic } => ("fault", trf(lang, "topic {} deleted", &[topic])),
        Event::BrokerRestarted { broker } => {
            ("recover", trf(lang, "broker {} restarted", &[&broker.0]))
        }
        Event::NetworkHealed => ("recover", tr(lang, "network healed").to_string()),
        Event::LeaderElected { tp, leader, .. } => {
            ("leader", trf(lang, "{}: broker {} leads", &[tp, &leader.0]))
        }
        Event::PartitionOffline { tp, .. } => ("fault", trf(lang, "{}: no leader", &[tp])),
        Event::IsrShrunk { tp, isr, .. } => (
            "isr",
            trf(lang, "{}: ISR shrank to {}", &[tp, &join_ids(lang, isr)]),
        ),
        Event::RebalanceStarted { group, .. } => {
            ("rebalance", trf(lang, "group {} rebalancing", &[group]))
        }
        Event::AckedRecordsLost { tp, count, .. } => (
            "loss",
            trf(lang, "{} acked record(s) lost on {}", &[count, tp]),
        ),
        _ => return None,
    })
}

/// The marks of `events` on a bar spanning `0..=end_ms`, in time order.
pub fn marks<'a>(
    lang: Lang,
    events: impl Iterator<Item = &'a TimedEvent>,
    end_ms: u64,
) -> Vec<Mark> {
    let slot_ms = (end_ms / SLOTS).max(1);
    let mut out: Vec<(Mark, u32)> = Vec::new();
    for e in events {
        let Some((kind, what)) = notable(lang, &e.event) else {
            continue;
        };
        match out.last_mut() {
            Some((last, more)) if last.at_ms / slot_ms == e.at / slot_ms => *more += 1,
            _ => out.push((
                Mark {
                    at_ms: e.at,
                    kind,
                    label: format!("{}: {what}", clock_text(e.at)),
                },
                0,
            )),
        }
    }
    out.into_iter()
        .map(|(mut m, more)| {
            if more > 0 {
                m.label.push_str(&trf(lang, " (and {} more)", &[&more]));
            }
            m
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::Preset;
    use kafka_sim::{BrokerId, Command};

    #[test]
    fn a_kill_is_marked_with_the_elections_it_caused_grouped() {
        let mut engine = Preset::Classic.engine();
        engine.advance_to(5_000);
        engine.take_events();
        engine
            .apply(Command::KillBroker {
                broker: BrokerId(1),
            })
            .unwrap();
        engine.advance_to(30_000);
        let events = engine.take_events();
        let marks = marks(Lang::En, events.iter(), 30_000);
        let kill = &marks[0];
        assert_eq!((kill.at_ms, kill.kind), (5_000, "fault"));
        assert!(
            kill.label.starts_with("0:05.0: broker 1 killed"),
            "{}",
            kill.label
        );
        assert!(
            marks.iter().any(|m| m.kind == "leader" && m.at_ms > 9_000),
            "new leaders once the broker is fenced: {marks:?}"
        );
        assert!(marks.len() < 20, "grouped: {}", marks.len());
        let marcas = super::marks(Lang::PtBr, events.iter(), 30_000);
        assert!(
            marcas[0].label.starts_with("0:05.0: broker 1 derrubado"),
            "{}",
            marcas[0].label
        );
    }
}
