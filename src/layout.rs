//! The layout step: what the engine shows in, geometry out. Pure and deterministic (no DOM, no
//! clock), so it is tested natively; floating point lives here, never in the engine.
//!
//! `ClusterView::from_engine` takes a plain snapshot of the engine; `layout` places it: the KRaft
//! controller on top, producers in a column on the left, brokers in a row (or a grid when there
//! are many), each broker card listing the replicas it hosts with their log, LEO and HW.

use std::collections::BTreeMap;

use kafka_sim::message::MessageKind;
use kafka_sim::view::{BrokerView, ConsumerView, EnvelopeView, GroupView, ProducerView, TopicView};
use kafka_sim::{BrokerId, ClientId, Engine, NodeId, SimTime};

/// A plain snapshot of what the diagram draws.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterView {
    pub now: SimTime,
    pub brokers: Vec<BrokerView>,
    /// Brokers the controller counts as alive (registered and unfenced).
    pub controller_sees: Vec<BrokerId>,
    pub topics: Vec<TopicView>,
    pub producers: Vec<ProducerView>,
    pub groups: Vec<GroupView>,
    pub consumers: Vec<ConsumerView>,
    pub in_flight: Vec<EnvelopeView>,
}

impl ClusterView {
    pub fn from_engine(engine: &Engine) -> Self {
        ClusterView {
            now: engine.now(),
            brokers: engine.brokers_view(),
            controller_sees: engine
                .controller_view()
                .registrations
                .iter()
                .filter(|(_, _, fenced, _)| !fenced)
                .map(|(b, ..)| *b)
                .collect(),
            // Internal topics (`__consumer_offsets`) are left out, as `--exclude-internal` does;
            // the coordinator they decide is shown on each group instead.
            topics: engine.topics_view_where(|name| !is_internal(name)),
            producers: engine.producers_view(),
            groups: engine.groups_view(),
            consumers: engine.consumers_view(),
            in_flight: engine.in_flight(),
        }
    }
}

/// Kafka's internal topics start with two underscores (`__consumer_offsets`).
pub fn is_internal(topic: &str) -> bool {
    topic.starts_with("__")
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn center_y(&self) -> f64 {
        self.y + self.h / 2.0
    }
    pub fn right(&self) -> f64 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A quadratic Bézier curve: links are drawn along it and messages in flight travel on it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Curve {
    pub from: Point,
    pub ctrl: Point,
    pub to: Point,
}

impl Curve {
    fn straight(from: Point, to: Point) -> Curve {
        let ctrl = Point {
            x: (from.x + to.x) / 2.0,
            y: (from.y + to.y) / 2.0,
        };
        Curve { from, ctrl, to }
    }

    /// The point at `t` in `[0, 1]` from `from` to `to`.
    pub fn at(&self, t: f64) -> Point {
        let u = 1.0 - t;
        Point {
            x: u * u * self.from.x + 2.0 * u * t * self.ctrl.x + t * t * self.to.x,
            y: u * u * self.from.y + 2.0 * u * t * self.ctrl.y + t * t * self.to.y,
        }
    }

    fn reversed(self) -> Curve {
        Curve {
            from: self.to,
            ctrl: self.ctrl,
            to: self.from,
        }
    }

    /// SVG path data.
    pub fn path(&self) -> String {
        format!(
            "M{:.1} {:.1} Q{:.1} {:.1} {:.1} {:.1}",
            self.from.x, self.from.y, self.ctrl.x, self.ctrl.y, self.to.x, self.to.y
        )
    }
}

/// Everything the SVG needs: a viewBox and positioned, labelled pieces.
#[derive(Clone, Debug, PartialEq)]
pub struct Scene {
    pub width: f64,
    pub height: f64,
    pub controller: ControllerBox,
    pub brokers: Vec<BrokerCard>,
    pub producers: Vec<ClientBox>,
    pub groups: Vec<GroupBox>,
    pub links: Vec<Link>,
    pub dots: Vec<Dot>,
    /// Draw replicas as small tiles instead of rows (many brokers or partitions).
    pub compact: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ControllerBox {
    pub rect: Rect,
    /// "sees alive: 1, 2, 3"
    pub sees: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrokerState {
    Alive,
    /// Alive but every link is cut.
    Isolated,
    /// The process is dead (its log stays on disk).
    Dead,
}

impl BrokerState {
    pub fn label(self) -> &'static str {
        match self {
            BrokerState::Alive => "alive",
            BrokerState::Isolated => "isolated",
            BrokerState::Dead => "dead",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerCard {
    pub id: BrokerId,
    pub rect: Rect,
    pub label: String,
    pub state: BrokerState,
    /// "alive, leads 2 of 6 replicas", also the card's accessible description.
    pub summary: String,
    pub fenced: bool,
    pub replicas: Vec<ReplicaRow>,
}

/// How a replica is drawn; never by colour alone (the badge letter and text differ too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplicaRole {
    Leader,
    InSync,
    OutOfSync,
    /// Its broker is down or the partition has no leader.
    Offline,
}

impl ReplicaRole {
    pub fn badge(self) -> &'static str {
        match self {
            ReplicaRole::Leader => "L",
            ReplicaRole::InSync => "F",
            ReplicaRole::OutOfSync => "!",
            ReplicaRole::Offline => "×",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ReplicaRole::Leader => "leader",
            ReplicaRole::InSync => "in-sync follower",
            ReplicaRole::OutOfSync => "out-of-sync follower",
            ReplicaRole::Offline => "offline",
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            ReplicaRole::Leader => "leader",
            ReplicaRole::InSync => "in-sync",
            ReplicaRole::OutOfSync => "out-of-sync",
            ReplicaRole::Offline => "offline",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaRow {
    /// "orders-0"
    pub partition: String,
    /// The name as it fits in the row: "very-lo…-12".
    pub label: String,
    pub role: ReplicaRole,
    /// The whole row (or tile, in compact mode).
    pub rect: Rect,
    /// The log bar: filled to the HW, hatched from HW to LEO.
    pub bar: Rect,
    pub hw_width: f64,
    pub leo_width: f64,
    pub log_end_offset: u64,
    pub high_watermark: u64,
    /// The partition's ISR is smaller than its replica set.
    pub under_replicated: bool,
    /// The partition has no leader.
    pub partition_offline: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ClientBox {
    pub client: ClientId,
    pub rect: Rect,
    pub name: String,
    pub detail: String,
}

/// A consumer group: its members, each with the partitions it owns.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupBox {
    pub name: String,
    pub rect: Rect,
    /// "Stable · generation 3 · range"
    pub detail: String,
    pub members: Vec<MemberBox>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MemberBox {
    /// The consumer client, when the engine runs it (messages in flight start and end here).
    pub client: Option<ClientId>,
    pub client_id: String,
    pub rect: Rect,
    /// "orders-0, orders-3" or "idle: no partition"
    pub detail: String,
    pub idle: bool,
    /// The process was killed; the group has not noticed yet (session timeout).
    pub dead: bool,
    /// Leaders of its partitions: where it fetches from.
    pub fetches_from: Vec<BrokerId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Controller to broker (heartbeats, metadata).
    Control,
    /// Producer to the leader it writes to.
    Produce,
    /// Consumer to the leader it fetches from.
    Consume,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    pub key: String,
    pub curve: Curve,
    pub kind: LinkKind,
    /// The link is cut (an isolated or dead broker).
    pub cut: bool,
}

/// A request or response in flight, drawn where it is on its way.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    pub at: Point,
    /// CSS class by message family: produce, fetch, heartbeat, metadata.
    pub class: &'static str,
    /// Will be lost (its link is cut).
    pub doomed: bool,
}

const MARGIN: f64 = 24.0;
const CONTROLLER_W: f64 = 260.0;
const CONTROLLER_H: f64 = 58.0;
const CONTROLLER_GAP: f64 = 70.0;
const CLIENT_W: f64 = 180.0;
const CLIENT_H: f64 = 58.0;
const CLIENT_GAP: f64 = 90.0;
const GROUP_W: f64 = 210.0;
const GROUP_HEADER_H: f64 = 46.0;
const MEMBER_H: f64 = 40.0;
const GROUP_GAP: f64 = 18.0;
const BROKER_W: f64 = 250.0;
const BROKER_HEADER_H: f64 = 58.0;
const BROKER_GAP: f64 = 28.0;
const ROW_H: f64 = 30.0;
const ROW_BAR_X: f64 = 118.0;
const ROW_BAR_W: f64 = 112.0;
/// Characters of a partition's name that fit before its log bar.
const ROW_LABEL_CHARS: usize = 11;
/// How far below the lowest card broker-to-broker arcs dip.
const ARC_DIP: f64 = 34.0;
const TILE: f64 = 22.0;
const TILES_PER_ROW: usize = 8;
/// More replicas than this on one broker switches to compact tiles.
const MAX_ROWS: usize = 12;
const MAX_BROKERS_PER_ROW: usize = 4;
const COMPACT_BROKERS_PER_ROW: usize = 6;
const COMPACT_BROKER_W: f64 = TILES_PER_ROW as f64 * TILE + 24.0;

pub fn layout(view: &ClusterView) -> Scene {
    let rows = replica_rows(view);
    let most_replicas = view
        .brokers
        .iter()
        .map(|b| rows.get(&b.id).map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    let compact = most_replicas > MAX_ROWS || view.brokers.len() > MAX_BROKERS_PER_ROW;

    let (card_w, per_row) = if compact {
        (COMPACT_BROKER_W, COMPACT_BROKERS_PER_ROW)
    } else {
        (BROKER_W, MAX_BROKERS_PER_ROW)
    };
    let body_h = if compact {
        most_replicas.div_ceil(TILES_PER_ROW) as f64 * TILE + 10.0
    } else {
        most_replicas as f64 * ROW_H + 12.0
    };
    let card_h = BROKER_HEADER_H + body_h;
    let columns = view.brokers.len().clamp(1, per_row);
    let broker_rows = view.brokers.len().div_ceil(per_row).max(1);
    let brokers_w = columns as f64 * card_w + (columns as f64 - 1.0) * BROKER_GAP;
    let brokers_x = MARGIN + CLIENT_W + CLIENT_GAP;
    let groups_x = brokers_x + brokers_w + CLIENT_GAP;
    let width = if view.groups.is_empty() {
        brokers_x + brokers_w + MARGIN
    } else {
        groups_x + GROUP_W + MARGIN
    };

    let controller = ControllerBox {
        rect: Rect {
            x: brokers_x + brokers_w / 2.0 - CONTROLLER_W / 2.0,
            y: MARGIN,
            w: CONTROLLER_W,
            h: CONTROLLER_H,
        },
        sees: format!("sees alive: {}", join_ids(&view.controller_sees)),
    };
    let brokers_y = controller.rect.bottom() + CONTROLLER_GAP;

    let max_leo = rows
        .values()
        .flatten()
        .map(|r| r.log_end_offset)
        .max()
        .unwrap_or(0)
        .max(10) as f64;

    let brokers: Vec<BrokerCard> = view
        .brokers
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let rect = Rect {
                x: brokers_x + (i % per_row) as f64 * (card_w + BROKER_GAP),
                y: brokers_y + (i / per_row) as f64 * (card_h + BROKER_GAP),
                w: card_w,
                h: card_h,
            };
            let replicas = rows.get(&b.id).cloned().unwrap_or_default();
            broker_card(b, rect, place_replicas(replicas, rect, compact, max_leo))
        })
        .collect();
    let height =
        brokers_y + broker_rows as f64 * (card_h + BROKER_GAP) - BROKER_GAP + ARC_DIP + 40.0;

    let producers: Vec<ClientBox> = view
        .producers
        .iter()
        .enumerate()
        .map(|(i, p)| ClientBox {
            client: p.client,
            rect: Rect {
                x: MARGIN,
                y: brokers_y + i as f64 * (CLIENT_H + 20.0),
                w: CLIENT_W,
                h: CLIENT_H,
            },
            name: p.name.clone(),
            detail: producer_detail(p),
        })
        .collect();

    let groups = group_boxes(view, groups_x, controller.rect.y);
    let groups_bottom = groups.last().map_or(0.0, |g| g.rect.bottom() + MARGIN);
    let mut scene = Scene {
        width,
        height: height
            .max(brokers_y + producers.len() as f64 * (CLIENT_H + 20.0) + MARGIN)
            .max(groups_bottom),
        controller,
        brokers,
        producers,
        groups,
        links: Vec::new(),
        dots: Vec::new(),
        compact,
    };
    scene.links = links(&scene, view);
    scene.dots = dots(&scene, view);
    scene
}

/// Consumer groups stacked in a column right of the brokers, each listing its members.
fn group_boxes(view: &ClusterView, x: f64, top: f64) -> Vec<GroupBox> {
    let leaders: BTreeMap<String, BrokerId> = view
        .topics
        .iter()
        .flat_map(|t| &t.partitions)
        .filter_map(|p| Some((p.tp.to_string(), p.leader?)))
        .collect();
    let mut y = top;
    view.groups
        .iter()
        .map(|g| {
            let members: Vec<MemberBox> = g
                .members
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    let consumer = view.consumers.iter().find(|c| Some(c.client) == m.consumer);
                    let owned: Vec<String> = m.assignment.iter().map(|tp| tp.to_string()).collect();
                    let mut fetches_from: Vec<BrokerId> = owned
                        .iter()
                        .filter_map(|tp| leaders.get(tp).copied())
                        .collect();
                    fetches_from.sort();
                    fetches_from.dedup();
                    MemberBox {
                        client: m.consumer,
                        client_id: m.client_id.clone(),
                        rect: Rect {
                            x: x + 8.0,
                            y: y + GROUP_HEADER_H + i as f64 * MEMBER_H,
                            w: GROUP_W - 16.0,
                            h: MEMBER_H - 6.0,
                        },
                        detail: if m.idle {
                            "idle: no partition".to_string()
                        } else if m.rebalancing && m.assignment.is_empty() {
                            "rebalancing: no partition yet".to_string()
                        } else {
                            short_partitions(&m.assignment)
                        },
                        idle: m.idle,
                        dead: consumer.is_some_and(|c| !c.running),
                        fetches_from,
                    }
                })
                .collect();
            let state = g
                .state
                .map_or("no coordinator".to_string(), |s| format!("{s:?}"));
            let protocol = g.protocol.as_deref().unwrap_or("-");
            let h = GROUP_HEADER_H + members.len().max(1) as f64 * MEMBER_H + 4.0;
            let rect = Rect {
                x,
                y,
                w: GROUP_W,
                h,
            };
            y += h + GROUP_GAP;
            GroupBox {
                name: g.group.clone(),
                rect,
                detail: match g.coordinator {
                    Some(b) => format!(
                        "{state} · gen {} · {protocol} · coord. {}",
                        g.generation, b.0
                    ),
                    None => format!("{state} · gen {} · {protocol}", g.generation),
                },
                members,
            }
        })
        .collect()
}

/// "orders: 0, 3" for one topic, runs shortened ("events: 0-16"); "orders: 0 · pay: 1" across
/// topics; cut with an ellipsis past what a member box holds.
fn short_partitions(tps: &[kafka_sim::TopicPartition]) -> String {
    const MAX_CHARS: usize = 30;
    let mut by_topic: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for tp in tps {
        by_topic.entry(&tp.topic).or_default().push(tp.partition.0);
    }
    let text = by_topic
        .iter_mut()
        .map(|(topic, ps)| {
            ps.sort_unstable();
            format!("{topic}: {}", join_runs(ps.iter().copied()))
        })
        .collect::<Vec<_>>()
        .join(" · ");
    if text.chars().count() <= MAX_CHARS {
        text
    } else {
        text.chars().take(MAX_CHARS - 1).chain(['…']).collect()
    }
}

/// Each broker's replicas, partitions in topic then partition order, with their roles.
fn replica_rows(view: &ClusterView) -> BTreeMap<BrokerId, Vec<ReplicaRow>> {
    let mut rows: BTreeMap<BrokerId, Vec<ReplicaRow>> = BTreeMap::new();
    let zero = Rect {
        x: 0.0,
        y: 0.0,
        w: 0.0,
        h: 0.0,
    };
    for topic in &view.topics {
        for p in &topic.partitions {
            let under_replicated = p.isr.len() < p.replicas.len();
            for r in &p.replica_states {
                // The engine's one rule (`ReplicaView::role`), drawn with the app's badges.
                let role = match r.role {
                    kafka_sim::view::ReplicaRole::Leader => ReplicaRole::Leader,
                    kafka_sim::view::ReplicaRole::InSync => ReplicaRole::InSync,
                    kafka_sim::view::ReplicaRole::OutOfSync => ReplicaRole::OutOfSync,
                    kafka_sim::view::ReplicaRole::Offline => ReplicaRole::Offline,
                };
                let partition = p.tp.to_string();
                rows.entry(r.broker).or_default().push(ReplicaRow {
                    label: fit_label(&topic.name, p.tp.partition.0, ROW_LABEL_CHARS),
                    partition,
                    role,
                    rect: zero,
                    bar: zero,
                    hw_width: 0.0,
                    leo_width: 0.0,
                    log_end_offset: r.log_end_offset.0,
                    high_watermark: r.high_watermark.0,
                    under_replicated,
                    partition_offline: p.leader.is_none(),
                });
            }
        }
    }
    rows
}

fn place_replicas(
    mut rows: Vec<ReplicaRow>,
    card: Rect,
    compact: bool,
    max_leo: f64,
) -> Vec<ReplicaRow> {
    let top = card.y + BROKER_HEADER_H;
    for (i, row) in rows.iter_mut().enumerate() {
        if compact {
            row.rect = Rect {
                x: card.x + 12.0 + (i % TILES_PER_ROW) as f64 * TILE,
                y: top + (i / TILES_PER_ROW) as f64 * TILE,
                w: TILE - 3.0,
                h: TILE - 3.0,
            };
            // A tile draws the role only; offsets are in the inspector. Leaving them out of the
            // scene lets a card whose roles did not change skip its re-render while records flow.
            row.bar = row.rect;
            row.log_end_offset = 0;
            row.high_watermark = 0;
        } else {
            row.rect = Rect {
                x: card.x + 10.0,
                y: top + i as f64 * ROW_H,
                w: card.w - 20.0,
                h: ROW_H - 4.0,
            };
            // The bar sits in the lower half of the row; its HW/LEO numbers above it.
            row.bar = Rect {
                x: card.x + ROW_BAR_X,
                y: row.rect.y + 15.0,
                w: ROW_BAR_W,
                h: 8.0,
            };
        }
        row.leo_width = row.bar.w * row.log_end_offset as f64 / max_leo;
        row.hw_width = row.bar.w * row.high_watermark.min(row.log_end_offset) as f64 / max_leo;
    }
    rows
}

fn broker_card(b: &BrokerView, rect: Rect, replicas: Vec<ReplicaRow>) -> BrokerCard {
    let state = if !b.alive {
        BrokerState::Dead
    } else if b.isolated {
        BrokerState::Isolated
    } else {
        BrokerState::Alive
    };
    let leads = replicas
        .iter()
        .filter(|r| r.role == ReplicaRole::Leader)
        .count();
    let mut summary = format!(
        "{}, leads {leads} of {} replicas",
        state.label(),
        replicas.len()
    );
    if b.fenced && b.alive {
        summary.push_str(", fenced by the controller");
    }
    BrokerCard {
        id: b.id,
        rect,
        label: format!("Broker {}", b.id.0),
        state,
        summary,
        fenced: b.fenced,
        replicas,
    }
}

fn producer_detail(p: &ProducerView) -> String {
    let acks = p.acks.as_str();
    match (&p.topic, p.running) {
        (Some(topic), true) => format!("{} rec/s → {topic}, acks={acks}", p.rate_per_s),
        (Some(topic), false) => format!("stopped → {topic}"),
        (None, _) => format!("acks={acks}, {} acked", p.stats.records_acked),
    }
}

/// The path a message takes between two nodes. Controller to broker: straight down. Client to
/// broker: over the top of the cards, landing on the broker's top edge. Broker to broker: an arc
/// under the cards, so that it never crosses a card between them.
fn route(scene: &Scene, a: NodeId, b: NodeId) -> Option<Curve> {
    let broker = |id: BrokerId| scene.brokers.iter().find(|c| c.id == id).map(|c| c.rect);
    let client = |id: ClientId| {
        let producer = scene
            .producers
            .iter()
            .find(|p| p.client == id)
            .map(|p| p.rect);
        producer.or_else(|| {
            scene
                .groups
                .iter()
                .flat_map(|g| &g.members)
                .find(|m| m.client == Some(id))
                .map(|m| m.rect)
        })
    };
    match (a, b) {
        (NodeId::Controller, NodeId::Broker(id)) => {
            let (c, r) = (scene.controller.rect, broker(id)?);
            Some(Curve::straight(
                Point {
                    x: c.center_x(),
                    y: c.bottom(),
                },
                Point {
                    x: r.center_x(),
                    y: r.y,
                },
            ))
        }
        (NodeId::Client(id), NodeId::Broker(b)) => {
            let (c, r) = (client(id)?, broker(b)?);
            // Producers sit left of the brokers, consumers right: leave from the facing side
            // and land on the near part of the card's top edge.
            let left_of = c.center_x() < r.center_x();
            let from = Point {
                x: if left_of { c.right() } else { c.x },
                y: c.y + 20.0,
            };
            let to = Point {
                x: r.x + r.w * if left_of { 0.3 } else { 0.7 },
                y: r.y,
            };
            // Rise above the row of cards early, so the curve never grazes a card on its way.
            let ctrl = Point {
                x: from.x + (to.x - from.x) * 0.55,
                y: r.y - CONTROLLER_GAP * 0.75 - (to.x - from.x) * 0.04,
            };
            Some(Curve { from, ctrl, to })
        }
        (NodeId::Broker(x), NodeId::Broker(y)) => {
            let (rx, ry) = (broker(x)?, broker(y)?);
            // Followers fetch from the left part of a card's bottom, leaders answer on the right,
            // so the two directions of one pair do not overlap.
            let from = Point {
                x: rx.x + rx.w * 0.4,
                y: rx.bottom(),
            };
            let to = Point {
                x: ry.x + ry.w * 0.6,
                y: ry.bottom(),
            };
            let dip = ARC_DIP + (from.x - to.x).abs() * 0.08;
            let ctrl = Point {
                x: (from.x + to.x) / 2.0,
                y: rx.bottom().max(ry.bottom()) + dip,
            };
            Some(Curve { from, ctrl, to })
        }
        (NodeId::Broker(_), _) | (NodeId::Client(_), NodeId::Controller) => {
            route(scene, b, a).map(Curve::reversed)
        }
        _ => None,
    }
}

fn links(scene: &Scene, view: &ClusterView) -> Vec<Link> {
    let mut links = Vec::new();
    for card in &scene.brokers {
        if let Some(curve) = route(scene, NodeId::Controller, NodeId::Broker(card.id)) {
            links.push(Link {
                key: format!("control-{}", card.id.0),
                curve,
                kind: LinkKind::Control,
                cut: card.state != BrokerState::Alive,
            });
        }
    }
    // In the compact drawing (many brokers) client links would cross the whole diagram dozens of
    // times; the moving dots still show who talks to whom.
    if scene.compact {
        return links;
    }
    // A producer writes to the leaders of its topic's partitions.
    for p in &view.producers {
        let Some(topic) = p
            .topic
            .as_ref()
            .and_then(|t| view.topics.iter().find(|v| &v.name == t))
        else {
            continue;
        };
        let mut leaders: Vec<BrokerId> = topic.partitions.iter().filter_map(|p| p.leader).collect();
        leaders.sort();
        leaders.dedup();
        for leader in leaders {
            let Some(card) = scene.brokers.iter().find(|c| c.id == leader) else {
                continue;
            };
            if let Some(curve) = route(scene, NodeId::Client(p.client), NodeId::Broker(leader)) {
                links.push(Link {
                    key: format!("produce-{}-{}", p.client.0, leader.0),
                    curve,
                    kind: LinkKind::Produce,
                    cut: card.state != BrokerState::Alive,
                });
            }
        }
    }
    // A consumer fetches from the leaders of the partitions it owns.
    for g in &scene.groups {
        for m in &g.members {
            let Some(client) = m.client else { continue };
            for &leader in &m.fetches_from {
                let Some(card) = scene.brokers.iter().find(|c| c.id == leader) else {
                    continue;
                };
                if let Some(curve) = route(scene, NodeId::Broker(leader), NodeId::Client(client)) {
                    links.push(Link {
                        key: format!("consume-{}-{}", client.0, leader.0),
                        curve,
                        kind: LinkKind::Consume,
                        cut: m.dead || card.state != BrokerState::Alive,
                    });
                }
            }
        }
    }
    links
}

/// A message's family, which colours its dot: produce, replication (broker fetch), consume
/// (client fetch), heartbeat (broker to controller), group (coordinator protocol), metadata.
fn dot_class(e: &EnvelopeView) -> &'static str {
    let client = matches!(e.from, NodeId::Client(_)) || matches!(e.to, NodeId::Client(_));
    match e.kind {
        MessageKind::Produce | MessageKind::ProduceResponse => "produce",
        MessageKind::Fetch | MessageKind::FetchResponse if client => "consume",
        MessageKind::Fetch | MessageKind::FetchResponse => "fetch",
        MessageKind::BrokerHeartbeat | MessageKind::BrokerHeartbeatResponse => "heartbeat",
        MessageKind::FindCoordinator
        | MessageKind::FindCoordinatorResponse
        | MessageKind::JoinGroup
        | MessageKind::JoinGroupResponse
        | MessageKind::SyncGroup
        | MessageKind::SyncGroupResponse
        | MessageKind::Heartbeat
        | MessageKind::HeartbeatResponse
        | MessageKind::LeaveGroup
        | MessageKind::LeaveGroupResponse
        | MessageKind::OffsetCommit
        | MessageKind::OffsetCommitResponse
        | MessageKind::OffsetFetch
        | MessageKind::OffsetFetchResponse => "group",
        _ => "metadata",
    }
}

fn dots(scene: &Scene, view: &ClusterView) -> Vec<Dot> {
    view.in_flight
        .iter()
        .filter_map(|e| {
            let curve = route(scene, e.from, e.to)?;
            let span = e.deliver_at.saturating_sub(e.sent_at).max(1) as f64;
            let t = (view.now.saturating_sub(e.sent_at) as f64 / span).clamp(0.0, 1.0);
            Some(Dot {
                at: curve.at(t),
                class: dot_class(e),
                doomed: e.doomed,
            })
        })
        .collect()
}

/// `topic-partition`, the topic shortened with an ellipsis so the whole fits in `max` chars; the
/// partition number is never cut (it is what tells rows apart).
fn fit_label(topic: &str, partition: u32, max: usize) -> String {
    let suffix = format!("-{partition}");
    let room = max.saturating_sub(suffix.chars().count());
    if topic.chars().count() <= room {
        return format!("{topic}{suffix}");
    }
    let kept: String = topic.chars().take(room.saturating_sub(1)).collect();
    format!("{kept}…{suffix}")
}

/// Broker ids, runs of four or more shortened: "1, 2, 3" or "1-4, 7, 9-12".
fn join_ids(ids: &[BrokerId]) -> String {
    if ids.is_empty() {
        return "none".to_string();
    }
    join_runs(ids.iter().map(|b| b.0))
}

/// Ascending numbers with runs of four or more shortened: "0, 1, 2" or "0-16, 40".
fn join_runs(numbers: impl IntoIterator<Item = u32>) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for n in numbers {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == n => *end = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if b - a >= 3 {
                format!("{a}-{b}")
            } else {
                (a..=b)
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::opening_engine;
    use kafka_sim::Command;

    fn overlaps(a: &Rect, b: &Rect) -> bool {
        a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
    }

    fn opening_scene_at(ms: u64) -> (ClusterView, Scene) {
        let mut engine = opening_engine();
        engine.advance_to(ms);
        let view = ClusterView::from_engine(&engine);
        let scene = layout(&view);
        (view, scene)
    }

    /// Every piece inside the view, and no two cards, boxes or rows on top of each other.
    fn assert_legible(scene: &Scene) {
        let mut boxes: Vec<Rect> = scene.brokers.iter().map(|b| b.rect).collect();
        boxes.push(scene.controller.rect);
        boxes.extend(scene.producers.iter().map(|p| p.rect));
        for (i, a) in boxes.iter().enumerate() {
            assert!(a.x >= 0.0 && a.y >= 0.0, "{a:?} starts outside the view");
            assert!(
                a.right() <= scene.width && a.bottom() <= scene.height,
                "{a:?} overflows"
            );
            for b in &boxes[i + 1..] {
                assert!(!overlaps(a, b), "{a:?} overlaps {b:?}");
            }
        }
        for card in &scene.brokers {
            for (i, row) in card.replicas.iter().enumerate() {
                assert!(row.rect.x >= card.rect.x && row.rect.right() <= card.rect.right());
                assert!(
                    row.rect.y >= card.rect.y && row.rect.bottom() <= card.rect.bottom(),
                    "{} leaves its card",
                    row.partition
                );
                assert!(row.hw_width <= row.leo_width + 1e-9, "HW drawn past LEO");
                for other in &card.replicas[i + 1..] {
                    assert!(!overlaps(&row.rect, &other.rect));
                }
            }
        }
    }

    #[test]
    fn broker_lists_shorten_runs() {
        let ids = |v: &[u32]| v.iter().map(|&i| BrokerId(i)).collect::<Vec<_>>();
        assert_eq!(join_ids(&ids(&[1, 2, 3])), "1, 2, 3");
        assert_eq!(join_ids(&ids(&[1, 2])), "1, 2");
        assert_eq!(
            join_ids(&ids(&[1, 2, 3, 4, 7, 9, 10, 11, 12])),
            "1-4, 7, 9-12"
        );
        assert_eq!(join_ids(&[]), "none");
    }

    #[test]
    fn member_partitions_shorten_runs_and_fit_the_box() {
        let tps = |t: &str, ps: &[u32]| {
            ps.iter()
                .map(|&p| kafka_sim::TopicPartition::new(t, p))
                .collect::<Vec<_>>()
        };
        assert_eq!(short_partitions(&tps("orders", &[3, 0])), "orders: 0, 3");
        assert_eq!(
            short_partitions(&tps("events", &(0..17).collect::<Vec<_>>())),
            "events: 0-16"
        );
        let many = short_partitions(&tps("events", &(0..100).step_by(2).collect::<Vec<_>>()));
        assert_eq!(many.chars().count(), 30);
        assert!(many.ends_with('…'));
    }

    #[test]
    fn long_topic_names_are_shortened_but_keep_their_partition_number() {
        assert_eq!(fit_label("orders", 3, 11), "orders-3");
        assert_eq!(fit_label("payments", 0, 11), "payments-0");
        assert_eq!(fit_label("customer-events", 12, 11), "custome…-12");
        assert_eq!(fit_label("customer-events", 12, 11).chars().count(), 11);
    }

    #[test]
    fn opening_cluster_has_a_card_per_broker_and_a_row_per_replica() {
        let (_, scene) = opening_scene_at(3_000);
        let labels: Vec<&str> = scene.brokers.iter().map(|b| b.label.as_str()).collect();
        assert_eq!(labels, ["Broker 1", "Broker 2", "Broker 3"]);
        // orders: 6 partitions x RF 3 on 3 brokers = 6 replicas per broker.
        assert!(scene.brokers.iter().all(|b| b.replicas.len() == 6));
        let leaders = scene
            .brokers
            .iter()
            .flat_map(|b| &b.replicas)
            .filter(|r| r.role == ReplicaRole::Leader)
            .count();
        assert_eq!(leaders, 6, "each partition has exactly one leader drawn");
        assert!(!scene.compact);
        assert_legible(&scene);
    }

    #[test]
    fn a_killed_leader_is_drawn_dead_and_its_partitions_move() {
        let mut engine = opening_engine();
        engine.advance_to(3_000);
        let before = layout(&ClusterView::from_engine(&engine));
        let victim = before.brokers[0].id;
        let led: Vec<String> = before.brokers[0]
            .replicas
            .iter()
            .filter(|r| r.role == ReplicaRole::Leader)
            .map(|r| r.partition.clone())
            .collect();
        assert!(!led.is_empty());
        engine
            .apply(Command::KillBroker { broker: victim })
            .unwrap();
        engine.advance_to(3_000 + 12_000); // past broker.session.timeout.ms (9 s)
        let after = layout(&ClusterView::from_engine(&engine));
        let card = &after.brokers[0];
        assert_eq!(card.state, BrokerState::Dead);
        assert!(card.replicas.iter().all(|r| r.role == ReplicaRole::Offline));
        for p in &led {
            let new_leader = after.brokers[1..].iter().any(|b| {
                b.replicas
                    .iter()
                    .any(|r| &r.partition == p && r.role == ReplicaRole::Leader)
            });
            assert!(new_leader, "{p} has a new leader on a live broker");
        }
        assert!(after
            .links
            .iter()
            .any(|l| l.kind == LinkKind::Control && l.cut));
    }

    #[test]
    fn messages_in_flight_are_drawn_between_their_nodes() {
        let (view, scene) = opening_scene_at(3_075);
        assert!(
            !view.in_flight.is_empty(),
            "replication and heartbeats are always in flight"
        );
        assert_eq!(scene.dots.len(), view.in_flight.len());
        for d in &scene.dots {
            assert!(
                d.at.x >= 0.0 && d.at.x <= scene.width && d.at.y >= 0.0 && d.at.y <= scene.height
            );
        }
    }

    #[test]
    fn many_brokers_and_partitions_switch_to_compact_tiles_and_stay_legible() {
        let mut engine = kafka_sim::Engine::new(kafka_sim::EngineConfig {
            brokers: 12,
            ..Default::default()
        });
        engine.advance_to(1_000);
        engine
            .apply(Command::CreateTopic(kafka_sim::NewTopic {
                topic: "big".into(),
                partitions: Some(100),
                replication_factor: Some(3),
                replica_assignment: None,
                fixed_start_index: None,
                configs: Default::default(),
            }))
            .unwrap();
        engine.advance_to(5_000);
        let scene = layout(&ClusterView::from_engine(&engine));
        assert!(scene.compact);
        assert_eq!(
            scene
                .brokers
                .iter()
                .map(|b| b.replicas.len())
                .sum::<usize>(),
            300
        );
        assert_legible(&scene);
    }
}
