//! The cluster view, broker-centric: the KRaft controller on top (which brokers it sees, whom it
//! is about to fence), the brokers in a grid (each card listing its replicas with role, log, HW
//! and LEO), producers left and consumer groups right (or stacked below on a narrow stage), and
//! every request in flight as a dot on its link.

use kafka_sim::view::{BrokerView, ReplicaRole};
use kafka_sim::{BrokerId, ClientId, NodeId, TopicPartition};

use super::brokers::{self, BrokerState};
use super::clients::{
    group_colours, group_nodes, place_group, producer_nodes, GroupNode, MemberStatus, ProducerNode,
    GROUP_W, PRODUCER_W,
};
use super::reasons::{self, Reason};
use super::routing::place_dots;
use super::snapshot::ClusterView;
use super::words;
use super::{Curve, Dot, Flow, Link, LinkKind, Point, Rect, Viewport};
use crate::i18n::{tr, trf, Lang};
use crate::state::selection::{Mark, Selection};

#[derive(Clone, Debug, PartialEq)]
pub struct ClusterScene {
    pub width: f64,
    pub height: f64,
    pub flow: Flow,
    pub controller: ControllerBox,
    pub brokers: Vec<BrokerCard>,
    pub producers: Vec<ProducerNode>,
    pub groups: Vec<GroupNode>,
    pub links: Vec<Link>,
    pub dots: Vec<Dot>,
    /// Replicas drawn as small tiles instead of rows (many brokers or partitions).
    pub compact: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ControllerBox {
    pub rect: Rect,
    /// "sees alive: 1, 2, 3"
    pub sees: String,
    /// "broker 3 fenced in 6.2 s", one per broker it stopped hearing from.
    pub pending: Vec<String>,
    /// The setting behind `pending` ("broker.session.timeout.ms=9000").
    pub pending_config: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct BrokerCard {
    pub id: BrokerId,
    pub rect: Rect,
    pub label: String,
    pub state: BrokerState,
    /// "● alive · leads 2 of 6" (or "· fenced")
    pub status_line: String,
    /// "alive, leads 2 of 6 replicas": the card's accessible description.
    pub summary: String,
    pub fenced: bool,
    /// The controller is about to fence it.
    pub reason: Option<Reason>,
    pub replicas: Vec<ReplicaRow>,
    pub mark: Mark,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaRow {
    pub tp: TopicPartition,
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
    pub mark: Mark,
}

const MARGIN: f64 = 16.0;
const COL_GAP: f64 = 64.0;
/// Brokers side by side that the clients' columns must leave room for (or all, if fewer);
/// otherwise the clients go below the brokers.
const ROW_OF_BROKERS: usize = 3;
const CONTROLLER_W: f64 = 270.0;
const CONTROLLER_H: f64 = 58.0;
const CONTROLLER_LINE_H: f64 = 16.0;
const CONTROLLER_GAP: f64 = 64.0;
const BROKER_W: f64 = 250.0;
const BROKER_HEADER_H: f64 = 58.0;
const BROKER_REASON_H: f64 = 16.0;
const BROKER_GAP: f64 = 28.0;
const ROW_H: f64 = 32.0;
const ROW_BAR_X: f64 = 112.0;
const ROW_BAR_W: f64 = 118.0;
/// Characters of a partition's name that fit before its log bar.
const ROW_LABEL_CHARS: usize = 11;
/// How far below the lowest card broker-to-broker arcs dip.
const ARC_DIP: f64 = 34.0;
pub const TILE: f64 = 24.0;
const TILES_PER_ROW: usize = 8;
/// More replicas than this on one broker switches to compact tiles.
const MAX_ROWS: usize = 12;
/// More brokers than this switches to compact tiles.
const MAX_BROKER_CARDS: usize = 8;
const COMPACT_BROKER_W: f64 = TILES_PER_ROW as f64 * TILE + 24.0;

/// Clients in columns beside the brokers when a row of brokers still fits between them;
/// otherwise everything stacked: controller, brokers, then the clients.
fn flow_for(viewport: Viewport, brokers: usize, card_w: f64) -> Flow {
    let between = viewport.width - 2.0 * MARGIN - PRODUCER_W - GROUP_W - 2.0 * COL_GAP;
    let wanted = brokers.clamp(1, ROW_OF_BROKERS) as f64;
    if between >= wanted * card_w + (wanted - 1.0) * BROKER_GAP {
        Flow::Across
    } else {
        Flow::Down
    }
}

/// Lays the cluster view out for a stage of `viewport`'s size, its words in `lang`.
pub fn layout(
    lang: Lang,
    view: &ClusterView,
    viewport: Viewport,
    selection: Option<&Selection>,
) -> ClusterScene {
    let rows = replica_rows(view, selection);
    let most_replicas = view
        .brokers
        .iter()
        .map(|b| kafka_sim::small_map::get(&rows, &b.id).map_or(0, Vec::len))
        .max()
        .unwrap_or(0);
    let compact = most_replicas > MAX_ROWS || view.brokers.len() > MAX_BROKER_CARDS;
    let card_w = if compact { COMPACT_BROKER_W } else { BROKER_W };
    let flow = flow_for(viewport, view.brokers.len(), card_w);

    let area = match flow {
        Flow::Across => Rect::new(
            MARGIN + PRODUCER_W + COL_GAP,
            MARGIN,
            viewport.width - 2.0 * MARGIN - PRODUCER_W - GROUP_W - 2.0 * COL_GAP,
            0.0,
        ),
        Flow::Down => Rect::new(MARGIN, MARGIN, viewport.width - 2.0 * MARGIN, 0.0),
    };
    let per_row = (((area.w + BROKER_GAP) / (card_w + BROKER_GAP)).floor() as usize).max(1);
    let columns = view.brokers.len().clamp(1, per_row);
    let brokers_w = columns as f64 * card_w + (columns as f64 - 1.0) * BROKER_GAP;
    let brokers_x = area.x + ((area.w - brokers_w) / 2.0).max(0.0);

    let fences: Vec<(BrokerId, Reason)> = view
        .brokers
        .iter()
        .filter_map(|b| Some((b.id, reasons::broker_fence(lang, view, b.id)?)))
        .collect();
    let controller = ControllerBox {
        rect: Rect::new(
            brokers_x + brokers_w / 2.0 - CONTROLLER_W.min(area.w) / 2.0,
            MARGIN,
            CONTROLLER_W.min(area.w),
            CONTROLLER_H + fences.len() as f64 * CONTROLLER_LINE_H,
        ),
        sees: trf(
            lang,
            "sees alive: {}",
            &[&words::join_ids(lang, &view.controller_sees)],
        ),
        pending_config: fences.first().map(|(_, r)| r.config.clone()),
        pending: fences
            .iter()
            .map(|(b, r)| format!("broker {} {}", b.0, r.text))
            .collect(),
    };
    let brokers_y = controller.rect.bottom() + CONTROLLER_GAP;

    let body_h = if compact {
        most_replicas.div_ceil(TILES_PER_ROW) as f64 * TILE + 10.0
    } else {
        most_replicas as f64 * ROW_H + 10.0
    };
    let header_h = BROKER_HEADER_H
        + if fences.is_empty() {
            0.0
        } else {
            BROKER_REASON_H
        };
    let card_h = header_h + body_h;
    let max_leo = rows
        .iter()
        .flat_map(|(_, rows)| rows)
        .map(|r| r.log_end_offset)
        .max()
        .unwrap_or(0)
        .max(10) as f64;
    let brokers: Vec<BrokerCard> = view
        .brokers
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let rect = Rect::new(
                brokers_x + (i % per_row) as f64 * (card_w + BROKER_GAP),
                brokers_y + (i / per_row) as f64 * (card_h + BROKER_GAP),
                card_w,
                card_h,
            );
            let replicas = kafka_sim::small_map::get(&rows, &b.id)
                .cloned()
                .unwrap_or_default();
            let reason = fences
                .iter()
                .find(|(id, _)| *id == b.id)
                .map(|(_, r)| r.clone());
            let placed = place_replicas(replicas, rect, header_h, compact, max_leo);
            broker_card(lang, b, rect, placed, reason, selection, view)
        })
        .collect();
    let broker_rows = view.brokers.len().div_ceil(per_row).max(1);
    let brokers_bottom =
        brokers_y + broker_rows as f64 * (card_h + BROKER_GAP) - BROKER_GAP + ARC_DIP;

    let colours = group_colours(view);
    let mut producers = producer_nodes(lang, view, selection);
    let mut groups = group_nodes(lang, view, selection, &colours);
    let bottom = match flow {
        Flow::Across => {
            let mut y = brokers_y;
            for p in &mut producers {
                p.rect = Rect::new(MARGIN, y, PRODUCER_W, p.rect.h);
                y += p.rect.h + 14.0;
            }
            let gx = area.right() + COL_GAP;
            let mut gy = MARGIN;
            for g in &mut groups {
                place_group(g, gx, gy);
                gy = g.rect.bottom() + 16.0;
            }
            brokers_bottom.max(y).max(gy)
        }
        Flow::Down => {
            // Producers then groups, side by side as the width allows.
            let mut clients: Vec<Client> = producers
                .iter_mut()
                .map(Client::Producer)
                .chain(groups.iter_mut().map(Client::Group))
                .collect();
            wrap(&mut clients, brokers_bottom + 24.0, viewport.width)
        }
    };
    let width = match flow {
        Flow::Across => area.right() + COL_GAP + GROUP_W + MARGIN,
        Flow::Down => viewport.width,
    };
    let mut scene = ClusterScene {
        width,
        height: bottom + MARGIN,
        flow,
        controller,
        brokers,
        producers,
        groups,
        links: Vec::new(),
        dots: Vec::new(),
        compact,
    };
    scene.links = links(&scene, view);
    scene.dots = place_dots(&view.in_flight, view.now, |e| route(&scene, e.from, e.to));
    scene
}

/// A client box to place below the brokers.
enum Client<'a> {
    Producer(&'a mut ProducerNode),
    Group(&'a mut GroupNode),
}

/// Places the clients in rows across `width`, starting at `y`; returns the bottom.
fn wrap(clients: &mut [Client], y: f64, width: f64) -> f64 {
    let (mut x, mut y, mut row_h) = (MARGIN, y, 0.0_f64);
    for client in clients.iter_mut() {
        let w = match client {
            Client::Producer(_) => PRODUCER_W,
            Client::Group(_) => GROUP_W,
        };
        if x + w > width - MARGIN && x > MARGIN {
            x = MARGIN;
            y += row_h + 12.0;
            row_h = 0.0;
        }
        let h = match client {
            Client::Producer(p) => {
                p.rect = Rect::new(x, y, PRODUCER_W, p.rect.h);
                p.rect.h
            }
            Client::Group(g) => {
                place_group(g, x, y);
                g.rect.h
            }
        };
        row_h = row_h.max(h);
        x += w + 12.0;
    }
    y + row_h
}

/// Each broker's replicas, partitions in topic then partition order, with their roles.
fn replica_rows(
    view: &ClusterView,
    selection: Option<&Selection>,
) -> Vec<(BrokerId, Vec<ReplicaRow>)> {
    let selected = selection.and_then(Selection::partition);
    let mut rows: Vec<(BrokerId, Vec<ReplicaRow>)> = Vec::new();
    for topic in &view.topics {
        for p in &topic.partitions {
            let under_replicated = p.isr.len() < p.replicas.len();
            for r in &p.replica_states {
                kafka_sim::small_map::entry(&mut rows, r.broker).push(ReplicaRow {
                    label: words::fit_label(&topic.name, p.tp.partition.0, ROW_LABEL_CHARS),
                    tp: p.tp.clone(),
                    role: r.role,
                    rect: Rect::default(),
                    bar: Rect::default(),
                    hw_width: 0.0,
                    leo_width: 0.0,
                    log_end_offset: r.log_end_offset.0,
                    high_watermark: r.high_watermark.0,
                    under_replicated,
                    partition_offline: p.leader.is_none(),
                    mark: Mark::of(selected == Some(&p.tp), false),
                });
            }
        }
    }
    rows
}

fn place_replicas(
    mut rows: Vec<ReplicaRow>,
    card: Rect,
    header_h: f64,
    compact: bool,
    max_leo: f64,
) -> Vec<ReplicaRow> {
    let top = card.y + header_h;
    for (i, row) in rows.iter_mut().enumerate() {
        if compact {
            row.rect = Rect::new(
                card.x + 12.0 + (i % TILES_PER_ROW) as f64 * TILE,
                top + (i / TILES_PER_ROW) as f64 * TILE,
                TILE - 3.0,
                TILE - 3.0,
            );
            // A tile draws the role only; offsets are in the partition's card. Leaving them out
            // of the scene lets a card whose roles did not change skip its re-render.
            row.bar = row.rect;
            row.log_end_offset = 0;
            row.high_watermark = 0;
        } else {
            row.rect = Rect::new(
                card.x + 10.0,
                top + i as f64 * ROW_H,
                card.w - 20.0,
                ROW_H - 4.0,
            );
            // The bar sits in the lower half of the row; its HW/LEO numbers above it.
            row.bar = Rect::new(card.x + ROW_BAR_X, row.rect.y + 16.0, ROW_BAR_W, 8.0);
        }
        row.leo_width = row.bar.w * row.log_end_offset as f64 / max_leo;
        row.hw_width = row.bar.w * row.high_watermark.min(row.log_end_offset) as f64 / max_leo;
    }
    rows
}

fn broker_card(
    lang: Lang,
    b: &BrokerView,
    rect: Rect,
    replicas: Vec<ReplicaRow>,
    reason: Option<Reason>,
    selection: Option<&Selection>,
    view: &ClusterView,
) -> BrokerCard {
    let state = BrokerState::of(b);
    let leads = replicas
        .iter()
        .filter(|r| r.role == ReplicaRole::Leader)
        .count();
    let fenced = b.fenced && b.alive;
    let summary = brokers::summary(lang, view, b, reason.as_ref());
    let status_line = format!(
        "{} {}{} · {}",
        state.symbol(),
        state.word(lang),
        if fenced { tr(lang, " · fenced") } else { "" },
        trf(lang, "leads {}", &[&leads])
    );
    let related = match selection {
        Some(Selection::Partition(tp)) | Some(Selection::Record { tp, .. }) => view
            .partition(tp)
            .is_some_and(|p| p.replicas.contains(&b.id)),
        Some(Selection::Consumer { group, client_id }) => view
            .groups
            .iter()
            .filter(|g| g.group == *group)
            .flat_map(|g| &g.partitions)
            .filter(|gp| gp.owner.as_deref() == Some(client_id.as_str()))
            .any(|gp| view.partition(&gp.tp).and_then(|p| p.leader) == Some(b.id)),
        _ => false,
    };
    BrokerCard {
        id: b.id,
        rect,
        label: format!("Broker {}", b.id.0),
        state,
        status_line,
        summary,
        fenced: b.fenced,
        reason,
        replicas,
        mark: Mark::of(selection == Some(&Selection::Broker(b.id)), related),
    }
}

/// The path a message takes between two nodes. Controller to broker: straight down. Client to
/// broker: over the top of the cards (across), or straight up from below (down). Broker to
/// broker: an arc under the cards, so that it never crosses a card between them.
fn route(scene: &ClusterScene, a: NodeId, b: NodeId) -> Option<Curve> {
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
                Point::new(c.center_x(), c.bottom()),
                Point::new(r.center_x(), r.y),
            ))
        }
        (NodeId::Client(id), NodeId::Broker(b)) => {
            let (c, r) = (client(id)?, broker(b)?);
            if scene.flow == Flow::Down {
                return Some(Curve::straight(
                    Point::new(c.center_x(), c.y),
                    Point::new(r.center_x(), r.bottom()),
                ));
            }
            // Producers sit left of the brokers, consumers right: leave from the facing side
            // and land on the near part of the card's top edge.
            let left_of = c.center_x() < r.center_x();
            let from = Point::new(if left_of { c.right() } else { c.x }, c.y + 20.0);
            let to = Point::new(r.x + r.w * if left_of { 0.3 } else { 0.7 }, r.y);
            // Rise above the row of cards early, so the curve never grazes a card on its way.
            let ctrl = Point::new(
                from.x + (to.x - from.x) * 0.55,
                r.y - CONTROLLER_GAP * 0.75 - (to.x - from.x).abs() * 0.04,
            );
            Some(Curve { from, ctrl, to })
        }
        (NodeId::Broker(x), NodeId::Broker(y)) => {
            let (rx, ry) = (broker(x)?, broker(y)?);
            // Followers fetch from the left part of a card's bottom, leaders answer on the right,
            // so the two directions of one pair do not overlap.
            let from = Point::new(rx.x + rx.w * 0.4, rx.bottom());
            let to = Point::new(ry.x + ry.w * 0.6, ry.bottom());
            let dip = ARC_DIP + (from.x - to.x).abs() * 0.08;
            let ctrl = Point::new((from.x + to.x) / 2.0, rx.bottom().max(ry.bottom()) + dip);
            Some(Curve { from, ctrl, to })
        }
        (NodeId::Broker(_), _) | (NodeId::Client(_), NodeId::Controller) => {
            route(scene, b, a).map(Curve::reversed)
        }
        _ => None,
    }
}

fn links(scene: &ClusterScene, view: &ClusterView) -> Vec<Link> {
    let mut links = Vec::new();
    for card in &scene.brokers {
        if let Some(curve) = route(scene, NodeId::Controller, NodeId::Broker(card.id)) {
            links.push(Link {
                key: format!("control-{}", card.id.0),
                curve,
                kind: LinkKind::Control,
                colour: None,
                cut: card.state != BrokerState::Alive,
                mark: Mark::None,
            });
        }
    }
    // Client links cross the whole diagram: only across a wide stage with few brokers (the
    // moving dots still show who talks to whom).
    if scene.compact || scene.flow == Flow::Down {
        return links;
    }
    // A producer writes to the leaders of its topic's partitions.
    for (p, node) in view.producers.iter().zip(&scene.producers) {
        let Some(topic) = p
            .topic
            .as_ref()
            .and_then(|t| view.topics.iter().find(|v| &v.name == t))
        else {
            continue;
        };
        let mut leaders: Vec<BrokerId> = topic.partitions.iter().filter_map(|p| p.leader).collect();
        kafka_sim::sorting::sort(&mut leaders);
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
                    colour: None,
                    cut: card.state != BrokerState::Alive,
                    mark: node.mark,
                });
            }
        }
    }
    // A consumer fetches from the leaders of the partitions it owns.
    for g in &scene.groups {
        let Some(gv) = view.groups.iter().find(|v| v.group == g.name) else {
            continue;
        };
        for m in &g.members {
            let Some(client) = m.client else { continue };
            let mut leaders: Vec<BrokerId> = gv
                .partitions
                .iter()
                .filter(|gp| gp.owner.as_deref() == Some(m.client_id.as_str()))
                .filter_map(|gp| view.partition(&gp.tp)?.leader)
                .collect();
            kafka_sim::sorting::sort(&mut leaders);
            leaders.dedup();
            for leader in leaders {
                let Some(card) = scene.brokers.iter().find(|c| c.id == leader) else {
                    continue;
                };
                if let Some(curve) = route(scene, NodeId::Broker(leader), NodeId::Client(client)) {
                    links.push(Link {
                        key: format!("consume-{}-{}", client.0, leader.0),
                        curve,
                        kind: LinkKind::Consume,
                        colour: Some(g.colour),
                        cut: m.status == MemberStatus::Killed || card.state != BrokerState::Alive,
                        mark: m.mark,
                    });
                }
            }
        }
    }
    links
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::opening::{opening_engine, Preset};
    use kafka_sim::Command;

    use crate::scene::test_stages::{LAPTOP, PHONE};

    fn scene_of(engine: &kafka_sim::Engine, viewport: Viewport) -> ClusterScene {
        let view = ClusterView::from_engine(engine);
        layout(Lang::En, &view, viewport, None)
    }

    /// Every piece inside the view, and no two cards, boxes or rows on top of each other.
    fn assert_legible(scene: &ClusterScene) {
        let bounds = Rect::new(0.0, 0.0, scene.width, scene.height);
        let mut boxes: Vec<Rect> = scene.brokers.iter().map(|b| b.rect).collect();
        boxes.push(scene.controller.rect);
        boxes.extend(scene.producers.iter().map(|p| p.rect));
        boxes.extend(scene.groups.iter().map(|g| g.rect));
        for (i, a) in boxes.iter().enumerate() {
            assert!(bounds.contains(a), "{a:?} leaves the view");
            for b in &boxes[i + 1..] {
                assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
            }
        }
        for card in &scene.brokers {
            for (i, row) in card.replicas.iter().enumerate() {
                assert!(card.rect.contains(&row.rect), "{} leaves its card", row.tp);
                assert!(row.hw_width <= row.leo_width + 1e-9, "HW drawn past LEO");
                for other in &card.replicas[i + 1..] {
                    assert!(!row.rect.intersects(&other.rect));
                }
            }
        }
    }

    #[test]
    fn opening_cluster_has_a_card_per_broker_and_a_row_per_replica() {
        let mut engine = opening_engine();
        engine.advance_to(3_000);
        for viewport in [LAPTOP, PHONE] {
            let scene = scene_of(&engine, viewport);
            let labels: Vec<&str> = scene.brokers.iter().map(|b| b.label.as_str()).collect();
            assert_eq!(labels, ["Broker 1", "Broker 2", "Broker 3"]);
            assert!(scene.brokers.iter().all(|b| b.replicas.len() == 6));
            let leaders = scene
                .brokers
                .iter()
                .flat_map(|b| &b.replicas)
                .filter(|r| r.role == ReplicaRole::Leader)
                .count();
            assert_eq!(leaders, 6, "each partition has exactly one leader drawn");
            assert!(!scene.compact);
            assert!(scene.width <= viewport.width + 1e-9);
            assert_legible(&scene);
        }
        // A laptop's stage shows the three brokers side by side, and the whole cluster at zoom 1.
        let laptop = scene_of(&engine, LAPTOP);
        assert!(laptop
            .brokers
            .iter()
            .all(|b| b.rect.y == laptop.brokers[0].rect.y));
        assert!(laptop.height <= LAPTOP.height, "{}", laptop.height);
    }

    #[test]
    fn a_killed_leader_is_drawn_dead_with_the_fencing_countdown_and_its_partitions_move() {
        let mut engine = opening_engine();
        engine.advance_to(3_000);
        let before = scene_of(&engine, LAPTOP);
        let victim = before.brokers[0].id;
        let led: Vec<TopicPartition> = before.brokers[0]
            .replicas
            .iter()
            .filter(|r| r.role == ReplicaRole::Leader)
            .map(|r| r.tp.clone())
            .collect();
        assert!(!led.is_empty());
        engine
            .apply(Command::KillBroker { broker: victim })
            .unwrap();
        engine.advance_to(4_000);
        let waiting = scene_of(&engine, LAPTOP);
        assert_eq!(waiting.brokers[0].state, BrokerState::Dead);
        let reason = waiting.brokers[0]
            .reason
            .as_ref()
            .expect("a fencing countdown");
        assert!(reason.text.starts_with("fenced in "), "{reason:?}");
        assert_eq!(reason.config, "broker.session.timeout.ms=9000");
        let em_portugues = layout(Lang::PtBr, &ClusterView::from_engine(&engine), LAPTOP, None);
        let motivo = em_portugues.brokers[0].reason.as_ref().unwrap();
        assert!(
            motivo.text.starts_with("isolado (fenced) em "),
            "{motivo:?}"
        );
        assert_eq!(
            motivo.config, "broker.session.timeout.ms=9000",
            "Kafka's name"
        );
        assert!(
            em_portugues.brokers[0].status_line.contains("morto"),
            "{}",
            em_portugues.brokers[0].status_line
        );
        assert_eq!(waiting.controller.pending.len(), 1);
        assert_legible(&waiting);
        engine.advance_to(3_000 + 12_000); // past broker.session.timeout.ms (9 s)
        let after = scene_of(&engine, LAPTOP);
        let card = &after.brokers[0];
        assert!(card.reason.is_none());
        assert!(card.replicas.iter().all(|r| r.role == ReplicaRole::Offline));
        for tp in &led {
            let new_leader = after.brokers[1..].iter().any(|b| {
                b.replicas
                    .iter()
                    .any(|r| &r.tp == tp && r.role == ReplicaRole::Leader)
            });
            assert!(new_leader, "{tp} has a new leader on a live broker");
        }
        assert!(after
            .links
            .iter()
            .any(|l| l.kind == LinkKind::Control && l.cut));
    }

    #[test]
    fn messages_in_flight_are_drawn_between_their_nodes() {
        let mut engine = opening_engine();
        engine.advance_to(3_075);
        let scene = scene_of(&engine, LAPTOP);
        assert!(!engine.in_flight().is_empty());
        assert!(!scene.dots.is_empty());
        for d in &scene.dots {
            assert!(
                d.at.x >= 0.0 && d.at.x <= scene.width && d.at.y >= 0.0 && d.at.y <= scene.height
            );
        }
    }

    #[test]
    fn selecting_a_partition_marks_its_replica_on_every_broker() {
        let mut engine = opening_engine();
        engine.advance_to(3_000);
        let view = ClusterView::from_engine(&engine);
        let tp = TopicPartition::new("orders", 2);
        let scene = layout(
            Lang::En,
            &view,
            LAPTOP,
            Some(&Selection::Partition(tp.clone())),
        );
        let marked: Vec<BrokerId> = scene
            .brokers
            .iter()
            .filter(|b| {
                b.replicas
                    .iter()
                    .any(|r| r.tp == tp && r.mark == Mark::Selected)
            })
            .map(|b| b.id)
            .collect();
        assert_eq!(marked.len(), 3, "RF 3");
        assert!(scene.brokers.iter().all(|b| b.mark == Mark::Related));
    }

    /// 50 brokers and 1,000 partitions (RF 3): both views lay out, legibly, every replica drawn.
    pub(crate) fn huge_cluster() -> kafka_sim::Engine {
        let mut engine = kafka_sim::Engine::new(kafka_sim::EngineConfig {
            brokers: 50,
            ..Default::default()
        });
        engine.advance_to(1_000);
        engine
            .apply(Command::CreateTopic(kafka_sim::NewTopic {
                topic: "events".into(),
                partitions: Some(1_000),
                replication_factor: Some(3),
                replica_assignment: None,
                fixed_start_index: None,
                configs: Default::default(),
            }))
            .unwrap();
        engine.advance_to(3_000);
        engine
    }

    #[test]
    fn fifty_brokers_and_a_thousand_partitions_stay_legible() {
        let engine = huge_cluster();
        let scene = scene_of(&engine, LAPTOP);
        assert!(scene.compact);
        assert_eq!(scene.brokers.len(), 50);
        assert_eq!(
            scene
                .brokers
                .iter()
                .map(|b| b.replicas.len())
                .sum::<usize>(),
            3_000
        );
        assert_legible(&scene);
        let camera = crate::camera::Camera::fit(scene.width, scene.height, LAPTOP);
        assert!(camera
            .visible(LAPTOP)
            .contains(&Rect::new(0.0, 0.0, scene.width, scene.height)));
    }

    #[test]
    fn the_large_preset_switches_to_compact_tiles_and_stays_legible() {
        let mut engine = Preset::Large.engine();
        engine.advance_to(5_000);
        let scene = scene_of(&engine, LAPTOP);
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
