//! Brokers as both views name them: their state (alive, isolated, dead), the sentence that
//! describes one to a screen reader, and the row of broker chips the topic view carries, so
//! that "Broker N" can be picked (and killed, restarted, isolated) whichever picture is shown.

use kafka_sim::view::{BrokerView, ReplicaRole};
use kafka_sim::BrokerId;

use super::reasons::{self, Reason};
use super::snapshot::ClusterView;
use super::Rect;
use crate::i18n::{tr, trf, Lang};
use crate::state::selection::{Mark, Selection};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokerState {
    Alive,
    /// Alive but every link is cut.
    Isolated,
    /// The process is dead (its log stays on disk).
    Dead,
}

impl BrokerState {
    pub fn of(b: &BrokerView) -> BrokerState {
        if !b.alive {
            BrokerState::Dead
        } else if b.isolated {
            BrokerState::Isolated
        } else {
            BrokerState::Alive
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BrokerState::Alive => "alive",
            BrokerState::Isolated => "isolated",
            BrokerState::Dead => "dead",
        }
    }

    /// The state's word in `lang` (`label` stays English: it is a CSS class too).
    pub fn word(self, lang: Lang) -> &'static str {
        match self {
            BrokerState::Alive => tr(lang, "alive"),
            BrokerState::Isolated => tr(lang, "isolated"),
            BrokerState::Dead => tr(lang, "dead"),
        }
    }

    /// A mark that tells the state without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            BrokerState::Alive => "●",
            BrokerState::Isolated => "◌",
            BrokerState::Dead => "✕",
        }
    }
}

/// A replica's role in words, in `lang` (`ReplicaRole::as_str` is the English).
pub fn role_word(lang: Lang, role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Leader => tr(lang, "leader"),
        ReplicaRole::InSync => tr(lang, "in-sync follower"),
        ReplicaRole::OutOfSync => tr(lang, "out-of-sync follower"),
        ReplicaRole::Offline => tr(lang, "offline"),
    }
}

/// The replicas `broker` holds of the drawn (not internal) topics, and how many it leads.
pub fn replica_counts(view: &ClusterView, broker: BrokerId) -> (usize, usize) {
    let roles = view
        .topics
        .iter()
        .flat_map(|t| &t.partitions)
        .flat_map(|p| &p.replica_states)
        .filter(|r| r.broker == broker);
    roles.fold((0, 0), |(leads, all), r| {
        (leads + usize::from(r.role == ReplicaRole::Leader), all + 1)
    })
}

/// "alive, leads 2 of 6 replicas, fenced by the controller, fenced in 6.2 s (...)": a broker's
/// accessible description (replicas of the drawn topics; `__consumer_offsets` is not drawn).
pub fn summary(lang: Lang, view: &ClusterView, b: &BrokerView, reason: Option<&Reason>) -> String {
    let (leads, replicas) = replica_counts(view, b.id);
    let mut text = trf(
        lang,
        "{}, leads {} of {} replicas",
        &[&BrokerState::of(b).word(lang), &leads, &replicas],
    );
    if b.fenced && b.alive {
        text.push_str(tr(lang, ", fenced by the controller"));
    }
    if let Some(r) = reason {
        text.push_str(&format!(", {}", r.full()));
    }
    text
}

/// A broker in the topic view's row of brokers.
#[derive(Clone, Debug, PartialEq)]
pub struct BrokerChip {
    pub id: BrokerId,
    pub rect: Rect,
    /// "Broker 1 ● alive", or "1 ●" when there are many.
    pub text: String,
    pub state: BrokerState,
    pub summary: String,
    pub mark: Mark,
}

const CHIP_H: f64 = 26.0;
const CHIP_W: f64 = 128.0;
const SMALL_CHIP_W: f64 = 48.0;
const CHIP_GAP: f64 = 8.0;
/// Up to this many brokers, each chip says its name and state in words.
const WORDY_CHIPS: usize = 8;

/// The brokers as chips in rows from `(x, y)` across `width`; returns them and their bottom.
pub fn chips(
    lang: Lang,
    view: &ClusterView,
    x: f64,
    y: f64,
    width: f64,
    selection: Option<&Selection>,
) -> (Vec<BrokerChip>, f64) {
    let wordy = view.brokers.len() <= WORDY_CHIPS;
    let w = if wordy { CHIP_W } else { SMALL_CHIP_W };
    let per_row = (((width + CHIP_GAP) / (w + CHIP_GAP)).floor() as usize).max(1);
    let selected_partition = selection.and_then(Selection::partition);
    let chips: Vec<BrokerChip> = view
        .brokers
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let state = BrokerState::of(b);
            let reason = reasons::broker_fence(lang, view, b.id);
            let leads_selected = selected_partition
                .and_then(|tp| view.partition(tp))
                .is_some_and(|p| p.leader == Some(b.id));
            BrokerChip {
                id: b.id,
                rect: Rect::new(
                    x + (i % per_row) as f64 * (w + CHIP_GAP),
                    y + (i / per_row) as f64 * (CHIP_H + CHIP_GAP),
                    w,
                    CHIP_H,
                ),
                text: if wordy {
                    format!("Broker {} {} {}", b.id.0, state.symbol(), state.word(lang))
                } else {
                    format!("{} {}", b.id.0, state.symbol())
                },
                state,
                summary: summary(lang, view, b, reason.as_ref()),
                mark: Mark::of(selection == Some(&Selection::Broker(b.id)), leads_selected),
            }
        })
        .collect();
    let rows = view.brokers.len().div_ceil(per_row);
    let bottom = y + rows as f64 * (CHIP_H + CHIP_GAP) - CHIP_GAP;
    (chips, if rows == 0 { y } else { bottom })
}
