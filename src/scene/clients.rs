//! The clients both views draw the same way: producers (what they send, how they fare, their
//! last error in Kafka's words) and consumer groups (state, generation, members and what each
//! member is doing), with the reasons pending on them.

use kafka_sim::consumer::MemberState;
use kafka_sim::group::GroupState;
use kafka_sim::view::{ConsumerView, GroupView, ProducerView};
use kafka_sim::{ClientId, SimTime};

use super::around::{self, Outside};
use super::reasons::{self, Reason};
use super::snapshot::ClusterView;
use super::words;
use super::{Flow, Point, Rect, GROUP_COLOURS};
use crate::i18n::{tr, trf, Lang};
use crate::state::selection::{Mark, Selection};

pub const PRODUCER_W: f64 = 176.0;
const PRODUCER_LINE_H: f64 = 17.0;
/// Characters of a 12 px detail line that fit a producer box.
const PRODUCER_LINE_CHARS: usize = 26;
pub const GROUP_W: f64 = 220.0;
const GROUP_HEADER_H: f64 = 46.0;
const GROUP_REASON_H: f64 = 32.0;
const MEMBER_H: f64 = 40.0;
const MEMBER_REASON_H: f64 = 15.0;
const MEMBER_GAP: f64 = 6.0;
/// A producer whose last failure is older than this is drawn normal again (it recovered).
const FAILING_FOR_MS: u64 = 30_000;

/// A producer client and how it fares.
#[derive(Clone, Debug, PartialEq)]
pub struct ProducerNode {
    pub client: ClientId,
    pub name: String,
    pub rect: Rect,
    /// "2 rec/s → orders · acks=all", "acked 120 · failed 0"
    pub lines: Vec<String>,
    /// Some of its records failed lately: drawn red, with Kafka's error.
    pub failing: bool,
    /// The last error, Kafka's exception name ("NotEnoughReplicasException").
    pub error: Option<String>,
    /// The last error's message, for the tooltip and the card.
    pub error_message: Option<String>,
    pub running: bool,
    /// A REST proxy or a Kafka Connect source task, with the system that feeds it.
    pub outside: Option<Outside>,
    pub mark: Mark,
}

impl ProducerNode {
    /// Its own box: the whole rectangle, less the outside system's box above it.
    pub fn body(&self) -> Rect {
        match &self.outside {
            Some(o) => around::split(&self.rect, o.upstream).1,
            None => self.rect,
        }
    }

    /// Where its links leave from.
    pub fn anchor(&self, flow: Flow) -> Point {
        let body = self.body();
        match flow {
            Flow::Across => Point::new(body.right(), body.center_y()),
            Flow::Down => Point::new(body.center_x(), body.bottom()),
        }
    }
}

/// What a member is doing, as a learner needs to tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberStatus {
    /// Owns partitions in a Stable group.
    Active,
    /// The group is Stable and gave it nothing (more members than partitions).
    Idle,
    /// The group is rebalancing: partitions are being handed out again.
    Rebalancing,
    /// The process was killed; the coordinator has not noticed yet (session timeout).
    Killed,
    /// Closing (`close()`): it commits, then sends LeaveGroup; its group rebalances at once.
    Leaving,
    /// Gone from the group (killed and expired, or left); can be restarted.
    Stopped,
}

impl MemberStatus {
    /// The status as a CSS class and `data-status` (English, never shown as such).
    pub fn word(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Idle => "idle",
            MemberStatus::Rebalancing => "rebalancing",
            MemberStatus::Killed => "killed",
            MemberStatus::Leaving => "leaving",
            MemberStatus::Stopped => "stopped",
        }
    }

    /// The status in words, in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MemberStatus::Active => tr(lang, "active"),
            MemberStatus::Idle => tr(lang, "idle"),
            MemberStatus::Rebalancing => tr(lang, "rebalancing"),
            MemberStatus::Killed => tr(lang, "killed"),
            MemberStatus::Leaving => tr(lang, "leaving"),
            MemberStatus::Stopped => tr(lang, "stopped"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberNode {
    pub client: Option<ClientId>,
    pub client_id: String,
    /// What the node shows as its name: the client id, or a sink connector's "task 0".
    pub title: String,
    pub group: String,
    pub rect: Rect,
    pub status: MemberStatus,
    /// "reads orders 0, 1, 2"
    pub detail: String,
    pub reason: Option<Reason>,
    pub mark: Mark,
}

impl MemberNode {
    /// Where consume links land.
    pub fn anchor(&self) -> Point {
        Point::new(self.rect.x, self.rect.center_y())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GroupNode {
    pub name: String,
    pub colour: u8,
    pub rect: Rect,
    pub state: Option<GroupState>,
    /// "Stable · generation 3"
    pub state_line: String,
    pub reason: Option<Reason>,
    pub members: Vec<MemberNode>,
    /// A Kafka Connect sink connector, with the store it writes to.
    pub outside: Option<Outside>,
    pub mark: Mark,
}

impl GroupNode {
    /// Its own box: the whole rectangle, less the store's box below it.
    pub fn body(&self) -> Rect {
        match &self.outside {
            Some(o) => around::split(&self.rect, o.upstream).1,
            None => self.rect,
        }
    }
}

/// Every producer, sized (placing them is the view's job).
pub fn producer_nodes(
    lang: Lang,
    view: &ClusterView,
    selection: Option<&Selection>,
) -> Vec<ProducerNode> {
    view.producers
        .iter()
        .map(|p| {
            let (lines, error, error_message) = producer_lines(lang, p, view.now);
            let failing = error.is_some();
            let outside = around::of_producer(lang, view, &p.name);
            let h = 12.0
                + (lines.len() + 1 + usize::from(failing)) as f64 * PRODUCER_LINE_H
                + outside
                    .as_ref()
                    .map_or(0.0, |_| around::OUTSIDE_H + around::KIND_LINE_H);
            ProducerNode {
                client: p.client,
                name: p.name.clone(),
                rect: Rect::new(0.0, 0.0, PRODUCER_W, h),
                lines,
                failing,
                error,
                error_message,
                running: p.running,
                outside,
                mark: Mark::of(
                    selection == Some(&Selection::Producer(p.name.clone())),
                    false,
                ),
            }
        })
        .collect()
}

/// A producer's lines: what it sends, and how it fares; and its last error if it failed lately
/// (so a producer that recovered turns normal again; its failure count stays).
fn producer_lines(
    lang: Lang,
    p: &ProducerView,
    now: SimTime,
) -> (Vec<String>, Option<String>, Option<String>) {
    let acks = p.acks.as_str();
    let sends = match (&p.topic, p.running) {
        (Some(topic), true) => trf(lang, "{} rec/s → {}", &[&p.rate_per_s, topic]),
        (Some(topic), false) => trf(lang, "stopped · {}", &[topic]),
        (None, _) => tr(lang, "the Produce form").to_string(),
    };
    let s = &p.stats;
    let counts = trf(
        lang,
        "acked {} · failed {}",
        &[
            &words::count(s.records_acked),
            &words::count(s.records_failed),
        ],
    );
    // `acks=all` is Kafka's setting: never translated. It shares the first line when that
    // still fits the box, else it takes a line of its own (a long topic name).
    let one_line = format!("{sends} · acks={acks}");
    let lines = if one_line.chars().count() <= PRODUCER_LINE_CHARS {
        vec![one_line, counts]
    } else {
        vec![
            words::ellipsis(&sends, PRODUCER_LINE_CHARS),
            format!("acks={acks}"),
            counts,
        ]
    };
    let recent = p
        .last_error
        .as_ref()
        .filter(|(at, _)| now.saturating_sub(*at) <= FAILING_FOR_MS);
    let (error, message) = match recent {
        Some((_, e)) => (Some(e.kind.name().to_string()), Some(e.message.clone())),
        _ => (None, None),
    };
    (lines, error, message)
}

pub fn consumer<'a>(
    view: &'a ClusterView,
    group: &str,
    client_id: &str,
) -> Option<&'a ConsumerView> {
    // The latest consumer started under this name (a restarted one replaces the killed one).
    view.consumers
        .iter()
        .rev()
        .find(|c| c.group == group && c.client_id == client_id)
}

/// Each group's colour: by its place in the (sorted) list of groups.
pub fn group_colours(view: &ClusterView) -> Colours {
    view.groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.group.clone(), (i % GROUP_COLOURS as usize) as u8))
        .collect()
}

/// Each group's colour (see `group_colours`).
pub type Colours = Vec<(String, u8)>;

/// `group`'s colour.
pub fn colour_of(colours: &Colours, group: &str) -> u8 {
    colours
        .iter()
        .find(|(g, _)| g == group)
        .map_or(0, |(_, c)| *c)
}

/// Every group with its members (and its stopped consumers, so they can be restarted), sized.
pub fn group_nodes(
    lang: Lang,
    view: &ClusterView,
    selection: Option<&Selection>,
    colours: &Colours,
) -> Vec<GroupNode> {
    view.groups
        .iter()
        .map(|g| {
            let mut members: Vec<MemberNode> = g
                .members
                .iter()
                .map(|m| {
                    let c = consumer(view, &g.group, &m.client_id);
                    // Still a member: a killed process until its session expires, a closed
                    // one until its LeaveGroup arrives.
                    let status = if c.is_some_and(|c| c.state == MemberState::Dead) {
                        MemberStatus::Killed
                    } else if c.is_some_and(|c| !c.running) {
                        MemberStatus::Leaving
                    } else if m.rebalancing {
                        MemberStatus::Rebalancing
                    } else if m.idle {
                        MemberStatus::Idle
                    } else {
                        MemberStatus::Active
                    };
                    let detail = match status {
                        MemberStatus::Active => trf(
                            lang,
                            "reads {}",
                            &[&words::short_partitions(&m.assignment, 24)],
                        ),
                        MemberStatus::Idle => tr(lang, "no partition left for it").to_string(),
                        // The group's state is Kafka's name (PreparingRebalance...).
                        MemberStatus::Rebalancing => trf(
                            lang,
                            "waiting: {}",
                            &[&g.state
                                .map_or(tr(lang, "no coordinator"), GroupState::as_str)],
                        ),
                        MemberStatus::Killed => {
                            tr(lang, "the coordinator has not noticed").to_string()
                        }
                        MemberStatus::Leaving => tr(lang, "commits, then LeaveGroup").to_string(),
                        MemberStatus::Stopped => String::new(),
                    };
                    member_node(
                        lang,
                        view,
                        selection,
                        g,
                        &m.client_id,
                        m.consumer,
                        status,
                        detail,
                    )
                })
                .collect();
            let sink = around::of_group(lang, view, &g.group);
            // Consumers of this group that are gone from it (killed and expired, or closed):
            // drawn so that they can be restarted.
            for c in view
                .consumers
                .iter()
                .filter(|c| c.group == g.group && !c.running)
            {
                let listed = members.iter().any(|m| m.client_id == c.client_id);
                // A sink connector's task stopped by a lower tasks.max is gone, not restartable.
                if sink.is_some() && around::sink_task(lang, view, &g.group, &c.client_id).is_none()
                {
                    continue;
                }
                let newer =
                    consumer(view, &g.group, &c.client_id).map(|n| n.client) != Some(c.client);
                if !listed && !newer {
                    members.push(member_node(
                        lang,
                        view,
                        selection,
                        g,
                        &c.client_id,
                        Some(c.client),
                        MemberStatus::Stopped,
                        tr(lang, "left the group · can restart").to_string(),
                    ));
                }
            }
            let state = g.state;
            let state_line = match state {
                // The state is Kafka's name (Stable, PreparingRebalance...): kept as is.
                Some(s) => trf(lang, "{} · generation {}", &[&s.as_str(), &g.generation]),
                None => tr(lang, "no coordinator available").to_string(),
            };
            GroupNode {
                name: g.group.clone(),
                colour: colour_of(colours, &g.group),
                rect: Rect::default(),
                state,
                state_line,
                reason: reasons::join_phase(lang, view, &g.group),
                members,
                outside: sink,
                mark: Mark::of(
                    selection == Some(&Selection::Group(g.group.clone())),
                    selection.and_then(Selection::group) == Some(g.group.as_str()),
                ),
            }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn member_node(
    lang: Lang,
    view: &ClusterView,
    selection: Option<&Selection>,
    g: &GroupView,
    client_id: &str,
    client: Option<ClientId>,
    status: MemberStatus,
    detail: String,
) -> MemberNode {
    let selected = selection
        == Some(&Selection::Consumer {
            group: g.group.clone(),
            client_id: client_id.to_string(),
        });
    let owns_selected = selection.and_then(Selection::partition).is_some_and(|tp| {
        g.partitions
            .iter()
            .any(|gp| gp.tp == *tp && gp.owner.as_deref() == Some(client_id))
    });
    MemberNode {
        client,
        client_id: client_id.to_string(),
        title: around::sink_task(lang, view, &g.group, client_id)
            .unwrap_or_else(|| client_id.to_string()),
        group: g.group.clone(),
        rect: Rect::default(),
        status,
        detail,
        // A member that leaves is not waited for: no session timeout to count down.
        reason: (status != MemberStatus::Leaving)
            .then(|| reasons::session_expiry(lang, view, &g.group, client_id))
            .flatten(),
        mark: Mark::of(
            selected,
            owns_selected || selection == Some(&Selection::Group(g.group.clone())),
        ),
    }
}

/// Places a group box and its members with its top-left corner at `(x, y)`.
pub fn place_group(g: &mut GroupNode, x: f64, y: f64) {
    let kind_h = if g.outside.is_some() {
        around::KIND_LINE_H
    } else {
        0.0
    };
    let mut my = y
        + GROUP_HEADER_H
        + kind_h
        + if g.reason.is_some() {
            GROUP_REASON_H
        } else {
            0.0
        };
    for m in &mut g.members {
        let h = MEMBER_H
            + if m.reason.is_some() {
                MEMBER_REASON_H
            } else {
                0.0
            };
        m.rect = Rect::new(x + 8.0, my, GROUP_W - 16.0, h);
        my += h + MEMBER_GAP;
    }
    let outside_h = if g.outside.is_some() {
        around::OUTSIDE_H
    } else {
        0.0
    };
    g.rect = Rect::new(x, y, GROUP_W, my - y + 4.0 + outside_h);
}
