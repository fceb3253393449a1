//! The reasons on the picture: countdowns to what the cluster is about to do, each with the
//! Kafka setting that decides it. The engine reports the deadlines (`Engine::deadlines_view`);
//! this only words them (in the language asked), it never recomputes one.

use kafka_sim::view::{DeadlineKind, DeadlineView};
use kafka_sim::{BrokerId, TopicPartition};

use super::snapshot::ClusterView;
use super::words;
use crate::i18n::{tr, trf, Lang};

/// A countdown and the setting behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reason {
    /// "fenced in 6.2 s"
    pub text: String,
    /// "in 6.2 s": the countdown alone, for lines that say the rest their own way.
    pub when: String,
    /// "broker.session.timeout.ms=9000" (Kafka's name: never translated)
    pub config: String,
}

impl Reason {
    fn new(lang: Lang, view: &ClusterView, what: &str, d: &DeadlineView) -> Reason {
        let when = words::countdown(lang, view.now, d.at);
        Reason {
            text: format!("{what} {when}"),
            when,
            config: words::config(d.config, d.config_ms),
        }
    }

    /// "fenced in 6.2 s (broker.session.timeout.ms=9000)"
    pub fn full(&self) -> String {
        format!("{} ({})", self.text, self.config)
    }
}

/// When the controller fences `broker` (it stopped hearing from it).
pub fn broker_fence(lang: Lang, view: &ClusterView, broker: BrokerId) -> Option<Reason> {
    view.deadlines.iter().find_map(|d| match &d.kind {
        DeadlineKind::BrokerFence { broker: b } if *b == broker => {
            Some(Reason::new(lang, view, tr(lang, "fenced"), d))
        }
        _ => None,
    })
}

/// Followers of `tp` about to leave its ISR: `(follower, reason)`.
pub fn isr_shrinks(lang: Lang, view: &ClusterView, tp: &TopicPartition) -> Vec<(BrokerId, Reason)> {
    view.deadlines
        .iter()
        .filter_map(|d| match &d.kind {
            DeadlineKind::IsrShrink {
                tp: t, follower, ..
            } if t == tp => Some((
                *follower,
                Reason::new(
                    lang,
                    view,
                    &trf(lang, "broker {} leaves the ISR", &[&follower.0]),
                    d,
                ),
            )),
            _ => None,
        })
        .collect()
}

/// When the coordinator gives up on a member that stopped heartbeating.
pub fn session_expiry(
    lang: Lang,
    view: &ClusterView,
    group: &str,
    client_id: &str,
) -> Option<Reason> {
    view.deadlines.iter().find_map(|d| match &d.kind {
        DeadlineKind::SessionExpiry {
            group: g,
            client_id: c,
            ..
        } if g == group && c == client_id => Some(Reason::new(lang, view, tr(lang, "removed"), d)),
        _ => None,
    })
}

/// When the join phase of `group`'s rebalance ends.
pub fn join_phase(lang: Lang, view: &ClusterView, group: &str) -> Option<Reason> {
    view.deadlines.iter().find_map(|d| match &d.kind {
        DeadlineKind::JoinPhaseEnds { group: g, initial } if g == group => Some(Reason::new(
            lang,
            view,
            if *initial {
                tr(lang, "first rebalance")
            } else {
                tr(lang, "join phase ends")
            },
            d,
        )),
        _ => None,
    })
}
