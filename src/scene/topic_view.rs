//! The topic view, the picture of every Kafka introduction: producers -> each topic's partitions,
//! every partition drawn as a log of numbered offset cells growing to the right (log start, HW
//! and LEO marked, the uncommitted tail hatched) -> consumer groups. On each partition a group
//! reads, a lane shows the group's committed offset, its consumer's fetch position and its lag.

use kafka_sim::view::{GroupView, PartitionView, TopicView};
use kafka_sim::{ClientId, NodeId, TopicPartition};

use super::brokers::{self, BrokerChip};
use super::clients::{
    colour_of, consumer, group_colours, group_nodes, place_group, producer_nodes, Colours,
    GroupNode, MemberStatus, ProducerNode, GROUP_W, PRODUCER_W,
};
use super::reasons;
use super::routing::place_dots;
use super::snapshot::{shown_replica, CellRecord, ClusterView};
use super::words;
use super::{Curve, Dot, Flow, Link, LinkKind, Point, Rect, Viewport};
use crate::i18n::{tr, trf, Lang};
use crate::state::selection::{Mark, Selection};

#[derive(Clone, Debug, PartialEq)]
pub struct TopicScene {
    pub width: f64,
    pub height: f64,
    pub flow: Flow,
    pub producers: Vec<ProducerNode>,
    /// The brokers, as a row of chips above the topics.
    pub brokers: Vec<BrokerChip>,
    pub topics: Vec<TopicBlock>,
    pub groups: Vec<GroupNode>,
    pub links: Vec<Link>,
    pub dots: Vec<Dot>,
    /// Said when some groups' lanes are left out (too many to draw on every partition).
    pub hint: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopicBlock {
    pub name: String,
    pub rect: Rect,
    /// "6 partitions · RF 3 · min.insync.replicas=2"
    pub detail: String,
    pub title_at: Point,
    pub partitions: Vec<PartitionRow>,
}

/// A partition's health, worst first; never by colour alone (each has its words on the row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    /// No leader at all (`Leader: none`).
    Offline,
    /// The registered leader's broker is down; nothing is served until the controller acts.
    LeaderDown,
    /// Fewer in-sync replicas than `min.insync.replicas`: acks=all produces are refused.
    BelowMinIsr,
    /// Some replica is out of the ISR.
    UnderReplicated,
    Healthy,
}

impl Health {
    pub fn class(self) -> &'static str {
        match self {
            Health::Offline => "offline",
            Health::LeaderDown => "leader-down",
            Health::BelowMinIsr => "below-min-isr",
            Health::UnderReplicated => "under-replicated",
            Health::Healthy => "healthy",
        }
    }
}

/// One record as a cell of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    pub offset: u64,
    pub rect: Rect,
    /// The cell's x in the row's log coordinates (`PartitionRow::log_origin` away from the
    /// diagram's): it stays the same while the window slides, so that a cell once drawn is
    /// never drawn again as new records arrive.
    pub log_x: f64,
    /// The key's colour; `None` for a null key.
    pub colour: Option<u8>,
    /// Below the HW: every in-sync replica has it, consumers may read it.
    pub committed: bool,
    /// The offset, when it fits in the cell.
    pub label: Option<String>,
    /// "offset 12 · key customer-3 · epoch 0", for the tooltip; left out on topics with many
    /// partitions, where the page would hold thousands (the record's card says it all).
    pub title: Option<String>,
    pub mark: Mark,
    /// The record last produced from the form.
    pub followed: bool,
}

/// One group's view of one partition: committed offset, fetch position and lag.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    pub group: String,
    pub colour: u8,
    /// Vertical centre of the lane.
    pub y: f64,
    /// The member that owns the partition ("payments-1"), or the group's name when none does.
    pub label: String,
    pub label_at: Point,
    /// Where the committed offset (next to read) points, if the group committed one.
    pub committed_x: Option<f64>,
    pub committed: Option<u64>,
    /// Where the owner's fetch position points (the next record it will hand to the app).
    pub position_x: Option<f64>,
    pub position: Option<u64>,
    /// The lag bar, from the committed offset to the HW.
    pub lag_from_x: f64,
    pub lag_to_x: f64,
    pub lag: Option<u64>,
    /// "lag 3"
    pub lag_text: String,
    pub lag_at: Point,
    pub mark: Mark,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionRow {
    pub tp: TopicPartition,
    /// The leader the controller registered.
    pub leader: Option<kafka_sim::BrokerId>,
    pub rect: Rect,
    /// "orders-0"
    pub name: String,
    pub name_at: Point,
    /// The head line (name, facts, HW and LEO, warnings): the partition's own button, apart
    /// from its record cells.
    pub head: Rect,
    /// "leader 1 · ISR 1,2,3 · epoch 0"
    pub facts: String,
    pub facts_at: Point,
    /// "HW 14 · LEO 15", right-aligned at `hw_leo_at`.
    pub hw_leo: String,
    pub hw_leo_at: Point,
    pub health: Health,
    /// What is wrong, in words, with the Kafka setting behind it; one line each.
    pub warnings: Vec<String>,
    pub warnings_at: Point,
    /// The log's track: older run, cells, then the next offset's slot.
    pub strip: Rect,
    /// Records before the drawn window, as one block: its box, "+1.2k", and the offsets it holds.
    pub older: Option<(Rect, String, String)>,
    pub cells: Vec<Cell>,
    /// The slot the next record will take (its number is the LEO).
    pub next_slot: Rect,
    /// Where the row's log coordinates start on the diagram (see `Cell::log_x`).
    pub log_origin: f64,
    /// The offset at log coordinate 0 (a click at log x `x` is on offset
    /// `log_anchor + x / PITCH`).
    pub log_anchor: u64,
    /// Cells drawn as a few shapes, one per colour, instead of one element each: on topics with
    /// many partitions the page would otherwise hold thousands of them. A click still finds its
    /// record (by position); the partition's card lists them for the keyboard.
    pub cells_as_shapes: bool,
    pub log_start: u64,
    pub high_watermark: u64,
    pub log_end_offset: u64,
    /// The HW's place on the strip.
    pub hw_x: f64,
    /// The log start's place on the strip, when the window shows it.
    pub start_x: Option<f64>,
    pub lanes: Vec<Lane>,
    /// Where producer links land and consumer links leave.
    pub anchor_in: Point,
    pub anchor_out: Point,
    pub mark: Mark,
    /// The row's accessible description.
    pub summary: String,
}

// ----- sizes (diagram units = CSS px at zoom 1) -------------------------------------------------

const MARGIN: f64 = 16.0;
/// Below this stage width the view runs top to bottom.
const ACROSS_MIN_WIDTH: f64 = 860.0;
const COL_GAP: f64 = 44.0;
const GROUP_GAP: f64 = 16.0;
const TOPIC_HEADER_H: f64 = 34.0;
const TOPIC_GAP: f64 = 24.0;
/// Between the row of brokers and the first topic.
const CHIPS_GAP: f64 = 14.0;
const FACTS_H: f64 = 18.0;
const WARNING_H: f64 = 16.0;
const STRIP_H: f64 = 24.0;
const LANE_H: f64 = 16.0;
/// On a narrow stage a lane has its own label line above its markers.
const LANE_H_DOWN: f64 = 30.0;
const ROW_PAD: f64 = 10.0;
/// The lanes' labels' column left of the strip (across only).
const LABEL_W: f64 = 96.0;
/// A character of a partition's name (13 px bold monospace).
const NAME_CHAR_W: f64 = 8.2;
/// Room right of the strip for "lag 12.3k".
const TAIL_W: f64 = 56.0;
/// One offset cell, with its gap.
pub const PITCH: f64 = 30.0;
/// The block standing for records older than the window.
const OLDER_W: f64 = 2.0 * PITCH;
/// Log coordinates restart every this many offsets (see `Cell::log_x`).
const LOG_ANCHOR: u64 = 1_024;
/// Characters of an offset a cell shows (11 px monospace in a 28-unit cell).
const CELL_DIGITS: usize = 4;
/// Up to this many partitions in a topic, each record cell is an element of its own, with its
/// tooltip; beyond, cells are drawn as shapes (see `PartitionRow::cells_as_shapes`).
const CELL_TITLES_MAX_PARTITIONS: usize = 24;
/// Up to this many partitions in a topic, a producer's link fans out to each of them.
const FAN_OUT_MAX: usize = 16;
/// Up to this many groups, every group gets a lane on every partition it reads.
const LANES_MAX_GROUPS: usize = 3;

/// The flow a stage of `width` gets.
pub fn flow_for(viewport: Viewport) -> Flow {
    if viewport.width >= ACROSS_MIN_WIDTH {
        Flow::Across
    } else {
        Flow::Down
    }
}

/// The partitions area's width in `flow`.
fn area_width(viewport: Viewport, flow: Flow) -> f64 {
    match flow {
        Flow::Across => viewport.width - 2.0 * MARGIN - PRODUCER_W - GROUP_W - 2.0 * COL_GAP,
        Flow::Down => viewport.width - 2.0 * MARGIN,
    }
    .max(PITCH * 6.0)
}

fn strip_width(viewport: Viewport, flow: Flow) -> f64 {
    let label = if flow == Flow::Across { LABEL_W } else { 0.0 };
    area_width(viewport, flow) - label - TAIL_W
}

/// How many record cells a partition's strip holds on this stage: how many of each log's
/// newest records the snapshot needs.
pub fn cells_that_fit(viewport: Viewport) -> usize {
    let strip = strip_width(viewport, flow_for(viewport));
    (((strip - OLDER_W - PITCH) / PITCH).floor() as usize).max(3)
}

/// The newest records of a partition's log, as many as `cells_that_fit` (see `snapshot::tail`).
pub type Tails<'a> = &'a dyn Fn(&PartitionView) -> Vec<CellRecord>;

/// Lays the topic view out for a stage of `viewport`'s size, its words in `lang`. Record cells
/// are drawn only on the rows near `visible` (the part of the diagram on the stage; `None` is
/// everything), read from `tails`.
pub fn layout(
    lang: Lang,
    view: &ClusterView,
    viewport: Viewport,
    selection: Option<&Selection>,
    followed: Option<(&TopicPartition, u64)>,
    tails: Tails,
    visible: Option<Rect>,
) -> TopicScene {
    let flow = flow_for(viewport);
    let colours = group_colours(view);
    let lane_groups = lane_groups(view, selection);
    let hint = (view.groups.len() > LANES_MAX_GROUPS && lane_groups.is_empty()).then(|| {
        trf(
            lang,
            "{} groups: select one to see its offsets and lag on every partition",
            &[&view.groups.len()],
        )
    });

    // Producers: a column on the left, or a row on top.
    let mut producers = producer_nodes(lang, view, selection);
    let mut y = MARGIN;
    match flow {
        Flow::Across => {
            for p in &mut producers {
                p.rect = Rect::new(MARGIN, y, PRODUCER_W, p.rect.h);
                y += p.rect.h + 14.0;
            }
        }
        Flow::Down => {
            let mut x = MARGIN;
            let mut row_h: f64 = 0.0;
            for p in &mut producers {
                if x + PRODUCER_W > viewport.width - MARGIN && x > MARGIN {
                    x = MARGIN;
                    y += row_h + 12.0;
                    row_h = 0.0;
                }
                p.rect = Rect::new(x, y, PRODUCER_W, p.rect.h);
                x += PRODUCER_W + 12.0;
                row_h = row_h.max(p.rect.h);
            }
            if !producers.is_empty() {
                y += row_h + 36.0;
            }
        }
    }

    // Topics: the middle column, or the full width below the producers.
    let area = Rect::new(
        match flow {
            Flow::Across => MARGIN + PRODUCER_W + COL_GAP,
            Flow::Down => MARGIN,
        },
        match flow {
            Flow::Across => MARGIN,
            Flow::Down => y,
        },
        area_width(viewport, flow),
        0.0,
    );
    let ctx = RowContext {
        lang,
        view,
        flow,
        selection,
        followed,
        colours: &colours,
        lane_groups: &lane_groups,
        cells: cells_that_fit(viewport),
        tails,
        // Half a screen beyond each edge, so that a pan shows cells at once.
        near: visible.map(|v| Rect::new(v.x - v.w / 2.0, v.y - v.h / 2.0, v.w * 2.0, v.h * 2.0)),
    };
    let (broker_chips, chips_bottom) =
        brokers::chips(lang, view, area.x, area.y, area.w, selection);
    let mut topics = Vec::new();
    let mut ty = chips_bottom + CHIPS_GAP;
    for t in &view.topics {
        let block = topic_block(&ctx, t, Rect::new(area.x, ty, area.w, 0.0));
        ty = block.rect.bottom() + TOPIC_GAP;
        topics.push(block);
    }
    let topics_bottom = topics.last().map_or(area.y, |t| t.rect.bottom());

    // Groups: a column on the right, or a grid below.
    let mut groups = group_nodes(lang, view, selection, &colours);
    let groups_bottom = match flow {
        Flow::Across => {
            let x = area.right() + COL_GAP;
            let mut gy = MARGIN;
            for g in &mut groups {
                place_group(g, x, gy);
                gy = g.rect.bottom() + GROUP_GAP;
            }
            gy
        }
        Flow::Down => {
            let mut gx = MARGIN;
            let mut gy = topics_bottom + 36.0;
            let mut row_h: f64 = 0.0;
            for g in &mut groups {
                if gx + GROUP_W > viewport.width - MARGIN && gx > MARGIN {
                    gx = MARGIN;
                    gy += row_h + GROUP_GAP;
                    row_h = 0.0;
                }
                place_group(g, gx, gy);
                gx += GROUP_W + 12.0;
                row_h = row_h.max(g.rect.h);
            }
            gy + row_h
        }
    };
    let producers_bottom = producers.last().map_or(0.0, |p| p.rect.bottom());
    let height = topics_bottom.max(groups_bottom).max(producers_bottom) + MARGIN;
    let width = match flow {
        Flow::Across => area.right() + COL_GAP + GROUP_W + MARGIN,
        Flow::Down => viewport.width,
    };
    let mut scene = TopicScene {
        width,
        height,
        flow,
        producers,
        brokers: broker_chips,
        topics,
        groups,
        links: Vec::new(),
        dots: Vec::new(),
        hint,
    };
    scene.links = links(&scene, view, selection);
    scene.dots = dots(&scene, view);
    scene
}

/// The groups drawn as lanes on the partitions: all of them when they are few; otherwise only
/// the selected one (a hundred partitions times six lanes would bury the logs).
fn lane_groups(view: &ClusterView, selection: Option<&Selection>) -> Vec<String> {
    if view.groups.len() <= LANES_MAX_GROUPS {
        return view.groups.iter().map(|g| g.group.clone()).collect();
    }
    selection
        .and_then(Selection::group)
        .filter(|g| view.groups.iter().any(|v| v.group == *g))
        .map(|g| vec![g.to_string()])
        .unwrap_or_default()
}

/// What every row of the view needs to know.
struct RowContext<'a> {
    lang: Lang,
    view: &'a ClusterView,
    flow: Flow,
    selection: Option<&'a Selection>,
    followed: Option<(&'a TopicPartition, u64)>,
    colours: &'a Colours,
    lane_groups: &'a [String],
    cells: usize,
    tails: Tails<'a>,
    /// Rows outside this get no cells.
    near: Option<Rect>,
}

fn topic_block(ctx: &RowContext, t: &TopicView, area: Rect) -> TopicBlock {
    let rf = t.partitions.first().map_or(0, |p| p.replicas.len());
    let lang = ctx.lang;
    let count = match t.partitions.len() {
        1 => tr(lang, "1 partition").to_string(),
        n => trf(lang, "{} partitions", &[&n]),
    };
    let detail = format!(
        "{count} · RF {rf} · min.insync.replicas={}",
        t.min_insync_replicas
    );
    let mut y = area.y + TOPIC_HEADER_H;
    let partitions: Vec<PartitionRow> = t
        .partitions
        .iter()
        .map(|p| {
            let row = partition_row(ctx, t, p, Rect::new(area.x, y, area.w, 0.0));
            y = row.rect.bottom();
            row
        })
        .collect();
    TopicBlock {
        name: t.name.clone(),
        rect: Rect::new(area.x, area.y, area.w, y - area.y),
        detail,
        title_at: Point::new(area.x, area.y + 20.0),
        partitions,
    }
}

fn partition_row(ctx: &RowContext, t: &TopicView, p: &PartitionView, at: Rect) -> PartitionRow {
    let (view, lang) = (ctx.view, ctx.lang);
    let (health, mut warnings) = health(lang, view, t, p);
    // A follower about to leave the ISR is said on the facts line across a wide stage (the row
    // keeps its height); on a narrow one it takes a line of its own.
    let notes = reasons::isr_shrinks(lang, view, &p.tp);
    if ctx.flow == Flow::Down {
        warnings.extend(notes.iter().map(|(_, r)| r.full()));
    }
    let readers: Vec<&GroupView> = ctx
        .lane_groups
        .iter()
        .filter_map(|g| view.groups.iter().find(|v| v.group == *g))
        .filter(|g| g.partitions.iter().any(|gp| gp.tp == p.tp))
        .collect();
    let lane_h = match ctx.flow {
        Flow::Across => LANE_H,
        Flow::Down => LANE_H_DOWN,
    };
    let label_w = match ctx.flow {
        Flow::Across => LABEL_W,
        Flow::Down => 0.0,
    };
    let warnings_h = warnings.len() as f64 * WARNING_H;
    let strip_y = at.y + 6.0 + FACTS_H + warnings_h;
    let strip = Rect::new(at.x + label_w, strip_y, at.w - label_w - TAIL_W, STRIP_H);
    let lanes_top = strip.bottom() + 3.0;
    let height = strip.bottom() - at.y + readers.len() as f64 * lane_h + ROW_PAD;
    let rect = Rect::new(at.x, at.y, at.w, height);

    let (log_start, hw, leo) = match shown_replica(p) {
        Some(i) => {
            let r = &p.replica_states[i];
            (
                r.log_start_offset.0,
                r.high_watermark.0.min(r.log_end_offset.0),
                r.log_end_offset.0,
            )
        }
        None => (0, 0, 0),
    };
    let window_start = leo.saturating_sub(ctx.cells as u64).max(log_start);
    let cells_x = strip.x + OLDER_W;
    // Log coordinates count from a round offset below the window, so that they stay small
    // (SVG draws with 32-bit floats) and change only when the window passes the next one.
    let anchor = window_start - window_start % LOG_ANCHOR;
    let log_origin = cells_x - (window_start - anchor) as f64 * PITCH;
    // Where offset `o` sits: the left edge of its cell (a marker at `o` points at the record
    // it names); offsets before the window fall in the older block.
    let x_of = |o: u64| -> f64 {
        if o < window_start {
            strip.x + OLDER_W / 2.0
        } else {
            cells_x + (o.min(leo) - window_start) as f64 * PITCH
        }
    };
    let selected_record = ctx.selection.and_then(Selection::record);
    let near = ctx.near.is_none_or(|n| n.intersects(&rect));
    let cells = near
        .then(|| (ctx.tails)(p))
        .map(|tail| {
            tail.iter()
                .filter(|c| c.offset >= window_start && c.offset < leo)
                .map(|c| {
                    let text = c.offset.to_string();
                    Cell {
                        offset: c.offset,
                        rect: Rect::new(x_of(c.offset) + 1.0, strip.y, PITCH - 2.0, STRIP_H),
                        log_x: (c.offset - anchor) as f64 * PITCH + 1.0,
                        colour: c.colour,
                        committed: c.offset < hw,
                        label: (text.len() <= CELL_DIGITS).then_some(text),
                        title: (t.partitions.len() <= CELL_TITLES_MAX_PARTITIONS).then(|| {
                            trf(
                                lang,
                                "offset {} · key {} · leader epoch {}{}",
                                &[
                                    &c.offset,
                                    &c.key,
                                    &c.leader_epoch,
                                    &if c.offset < hw {
                                        tr(lang, " · committed (below the HW)")
                                    } else {
                                        tr(lang, " · not yet committed (at or above the HW)")
                                    },
                                ],
                            )
                        }),
                        mark: Mark::of(selected_record == Some((&p.tp, c.offset)), false),
                        followed: ctx.followed == Some((&p.tp, c.offset)),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let older = (window_start > log_start).then(|| {
        (
            Rect::new(strip.x + 1.0, strip.y, OLDER_W - 2.0, STRIP_H),
            format!("+{}", words::count(window_start - log_start)),
            trf(
                lang,
                "offsets {} to {}: {} older records, not drawn one by one",
                &[&log_start, &(window_start - 1), &(window_start - log_start)],
            ),
        )
    });
    let next_slot = Rect::new(x_of(leo) + 1.0, strip.y, PITCH - 2.0, STRIP_H);

    let lanes = readers
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let y = lanes_top + i as f64 * lane_h;
            lane(ctx, g, &p.tp, hw, y, lane_h, &strip, &x_of)
        })
        .collect();

    let leader = p
        .leader
        .map_or(tr(lang, "none").to_string(), |b| b.0.to_string());
    let leader_isr = trf(
        lang,
        "leader {} · ISR {}",
        &[&leader, &words::compact_ids(lang, &p.isr)],
    );
    let facts = match ctx.flow {
        Flow::Across => {
            let mut facts = leader_isr;
            for (follower, r) in &notes {
                facts.push_str(&trf(
                    lang,
                    " (broker {} leaves {})",
                    &[&follower.0, &r.when],
                ));
            }
            facts.push_str(&trf(lang, " · epoch {}", &[&p.leader_epoch.0]));
            facts
        }
        // A phone's row holds the name, the leader and the ISR; the epoch is in the card.
        Flow::Down => leader_isr,
    };
    let name = p.tp.to_string();
    let mut said = warnings.clone();
    if ctx.flow == Flow::Across {
        said.extend(notes.iter().map(|(_, r)| r.full()));
    }
    let summary = trf(
        lang,
        "{}; log start {}, HW {}, LEO {}{}",
        &[
            &facts,
            &log_start,
            &hw,
            &leo,
            &if said.is_empty() {
                String::new()
            } else {
                format!("; {}", said.join("; "))
            },
        ],
    );
    let selection = ctx.selection;
    let related = match selection {
        Some(Selection::Broker(b)) => p.leader == Some(*b),
        Some(Selection::Consumer { group, client_id }) => view
            .groups
            .iter()
            .filter(|g| g.group == *group)
            .flat_map(|g| &g.partitions)
            .any(|gp| gp.tp == p.tp && gp.owner.as_deref() == Some(client_id.as_str())),
        Some(Selection::Producer(name)) => view
            .producers
            .iter()
            .any(|pr| pr.name == *name && pr.topic.as_deref() == Some(&*p.tp.topic)),
        _ => false,
    };
    // The name leads the row's head line, then the facts; HW and LEO end it.
    let baseline = at.y + 6.0 + 13.0;
    let name_at = Point::new(at.x, baseline);
    let facts_at = Point::new(
        at.x + NAME_CHAR_W * name.chars().count() as f64 + 12.0,
        baseline,
    );
    let hw_leo_at = Point::new(
        match ctx.flow {
            Flow::Across => strip.right(),
            Flow::Down => at.right(),
        },
        baseline,
    );
    PartitionRow {
        name,
        name_at,
        facts,
        facts_at,
        hw_leo: format!("HW {hw} · LEO {leo}"),
        head: Rect::new(at.x, at.y + 4.0, hw_leo_at.x - at.x, FACTS_H + warnings_h),
        hw_leo_at,
        health,
        warnings,
        warnings_at: Point::new(at.x, at.y + 6.0 + FACTS_H + 12.0),
        hw_x: x_of(hw),
        start_x: (window_start == log_start).then(|| x_of(log_start)),
        strip,
        older,
        cells,
        next_slot,
        log_origin,
        log_anchor: anchor,
        cells_as_shapes: t.partitions.len() > CELL_TITLES_MAX_PARTITIONS,
        log_start,
        high_watermark: hw,
        log_end_offset: leo,
        lanes,
        anchor_in: Point::new(at.x, strip.center_y()),
        anchor_out: Point::new(strip.right() + TAIL_W - 4.0, strip.center_y()),
        mark: Mark::of(
            selection.and_then(Selection::partition) == Some(&p.tp),
            related,
        ),
        summary,
        rect,
        leader: p.leader,
        tp: p.tp.clone(),
    }
}

/// What is wrong with partition `tp`, in words in `lang` (as its row on the diagram says it).
pub fn warnings(lang: Lang, view: &ClusterView, tp: &TopicPartition) -> Vec<String> {
    let Some(t) = view.topics.iter().find(|t| *t.name == *tp.topic) else {
        return Vec::new();
    };
    match t.partitions.get(tp.partition.0 as usize) {
        Some(p) => {
            let mut all = health(lang, view, t, p).1;
            all.extend(
                reasons::isr_shrinks(lang, view, tp)
                    .iter()
                    .map(|(_, r)| r.full()),
            );
            all
        }
        None => Vec::new(),
    }
}

/// The partition's health and what is wrong with it, in words, with the Kafka setting involved.
fn health(
    lang: Lang,
    view: &ClusterView,
    t: &TopicView,
    p: &PartitionView,
) -> (Health, Vec<String>) {
    let mut warnings = Vec::new();
    let min_isr = t.min_insync_replicas as usize;
    let health = if p.leader.is_none() {
        // `Leader: none` is how Kafka's describe says it: kept as is.
        warnings.push(
            tr(
                lang,
                "no leader (Leader: none): no in-sync replica is alive",
            )
            .to_string(),
        );
        Health::Offline
    } else if p.leader_down {
        let leader = p.leader.map_or(0, |b| b.0);
        let fence = p
            .leader
            .and_then(|b| reasons::broker_fence(lang, view, b))
            .map_or(String::new(), |r| format!(", {}", r.full()));
        warnings.push(trf(
            lang,
            "no working leader: broker {} is down{}",
            &[&leader, &fence],
        ));
        Health::LeaderDown
    } else if p.isr.len() < min_isr {
        Health::BelowMinIsr
    } else if p.isr.len() < p.replicas.len() {
        Health::UnderReplicated
    } else {
        Health::Healthy
    };
    if p.isr.len() < min_isr && p.leader.is_some() {
        warnings.push(trf(
            lang,
            "ISR {} < min.insync.replicas {}: acks=all is refused",
            &[&p.isr.len(), &min_isr],
        ));
    }
    (health, warnings)
}

#[allow(clippy::too_many_arguments)]
fn lane(
    ctx: &RowContext,
    g: &GroupView,
    tp: &TopicPartition,
    hw: u64,
    y: f64,
    lane_h: f64,
    strip: &Rect,
    x_of: &dyn Fn(u64) -> f64,
) -> Lane {
    let gp = g.partitions.iter().find(|gp| gp.tp == *tp);
    let owner = gp.and_then(|gp| gp.owner.clone());
    let position = owner.as_ref().and_then(|o| {
        consumer(ctx.view, &g.group, o)?
            .positions
            .iter()
            .find(|(t, _)| t == tp)
            .map(|(_, off)| off.0)
    });
    let committed = gp.and_then(|gp| gp.committed).map(|o| o.0);
    let lag = gp.and_then(|gp| gp.lag);
    // On a narrow stage the label takes the lane's first line, the markers its second.
    let (label_at, mark_y) = match ctx.flow {
        Flow::Across => (
            Point::new(strip.x - LABEL_W + 6.0, y + 12.0),
            y + lane_h / 2.0,
        ),
        Flow::Down => (Point::new(strip.x, y + 12.0), y + 21.0),
    };
    let lag_to_x = x_of(hw);
    // The bar is LAG = HW - committed offset: with nothing committed yet there is no lag to
    // draw (Kafka's `kafka-consumer-groups` prints "-").
    let lag_from_x = committed.map_or(lag_to_x, x_of);
    // Nobody owns it (the group is rebalancing, or has no member): the lane says the group.
    // A sink connector's task is named as its node is ("task 0").
    let label = match &owner {
        Some(o) => {
            super::around::sink_task(ctx.lang, ctx.view, &g.group, o).unwrap_or_else(|| o.clone())
        }
        None => g.group.clone(),
    };
    let lag_text = match lag {
        Some(l) => format!("lag {}", words::count(l)),
        None => "lag -".to_string(),
    };
    let selected = match ctx.selection {
        Some(Selection::Group(sel)) => *sel == g.group,
        Some(Selection::Consumer { group, client_id }) => {
            *group == g.group && owner.as_deref() == Some(client_id.as_str())
        }
        _ => false,
    };
    Lane {
        group: g.group.clone(),
        colour: colour_of(ctx.colours, &g.group),
        y: mark_y,
        lag_text,
        lag_at: Point::new(
            match ctx.flow {
                Flow::Across => lag_to_x.max(lag_from_x) + 6.0,
                Flow::Down => strip.right() + 4.0,
            },
            mark_y + 4.0,
        ),
        label: match ctx.flow {
            Flow::Across => words::ellipsis(&label, 13),
            Flow::Down => label,
        },
        label_at,
        committed_x: committed.map(x_of),
        committed,
        position_x: position.map(x_of),
        position,
        lag_from_x,
        lag_to_x,
        lag,
        mark: Mark::of(selected, false),
    }
}

fn links(scene: &TopicScene, view: &ClusterView, selection: Option<&Selection>) -> Vec<Link> {
    let mut links = Vec::new();
    // A producer writes to its topic: to each partition when they are few, else to the topic.
    for p in &scene.producers {
        let Some(topic) = view
            .producers
            .iter()
            .find(|v| v.client == p.client)
            .and_then(|v| v.topic.as_deref())
        else {
            continue;
        };
        let Some(block) = scene.topics.iter().find(|t| t.name == topic) else {
            continue;
        };
        let from = p.anchor(scene.flow);
        let targets: Vec<(String, Point, Mark)> = match scene.flow {
            Flow::Across if block.partitions.len() <= FAN_OUT_MAX => block
                .partitions
                .iter()
                .map(|r| (r.name.clone(), r.anchor_in, r.mark))
                .collect(),
            Flow::Across => vec![(
                block.name.clone(),
                Point::new(block.rect.x, block.title_at.y - 5.0),
                Mark::None,
            )],
            Flow::Down => vec![(
                block.name.clone(),
                Point::new(from.x, block.rect.y),
                Mark::None,
            )],
        };
        for (target, to, mark) in targets {
            let curve = match scene.flow {
                Flow::Across => Curve::horizontal(from, to),
                Flow::Down => Curve::straight(from, to),
            };
            links.push(Link {
                key: format!("produce-{}-{target}", p.client.0),
                curve,
                kind: LinkKind::Produce,
                colour: None,
                // A stopped producer (it has a topic: it is linked to it).
                cut: !p.running,
                mark: if p.mark != Mark::None { p.mark } else { mark },
            });
        }
    }
    // Each partition to the member that owns it (across only: on a phone the lane says who).
    if scene.flow == Flow::Across {
        for g in &scene.groups {
            let Some(gv) = view.groups.iter().find(|v| v.group == g.name) else {
                continue;
            };
            let few = view.groups.len() <= LANES_MAX_GROUPS;
            let focused = selection.and_then(Selection::group) == Some(g.name.as_str());
            if !few && !focused {
                continue;
            }
            for gp in &gv.partitions {
                let Some(owner) = &gp.owner else { continue };
                let Some(row) = scene
                    .topics
                    .iter()
                    .flat_map(|t| &t.partitions)
                    .find(|r| r.tp == gp.tp)
                else {
                    continue;
                };
                let Some(m) = g.members.iter().find(|m| &m.client_id == owner) else {
                    continue;
                };
                links.push(Link {
                    key: format!("owns-{}-{}", g.name, row.name),
                    curve: Curve::horizontal(row.anchor_out, m.anchor()),
                    kind: LinkKind::Consume,
                    colour: Some(g.colour),
                    cut: m.status == MemberStatus::Killed,
                    mark: if row.mark == Mark::Selected || m.mark == Mark::Selected {
                        Mark::Selected
                    } else {
                        Mark::None
                    },
                });
            }
        }
    }
    links
}

/// Produce requests travel from a producer to its topic; consumer fetches between a member and
/// the first partition it owns. (Replication and the controller's traffic are the cluster
/// view's.)
fn dots(scene: &TopicScene, view: &ClusterView) -> Vec<Dot> {
    let producer_curve = |client: ClientId| -> Option<Curve> {
        let p = scene.producers.iter().find(|p| p.client == client)?;
        let link = scene.links.iter().find(|l| {
            l.kind == LinkKind::Produce && l.key.starts_with(&format!("produce-{}-", client.0))
        })?;
        let _ = p;
        Some(link.curve)
    };
    let member_curve = |client: ClientId| -> Option<Curve> {
        let (g, m) = scene.groups.iter().find_map(|g| {
            g.members
                .iter()
                .find(|m| m.client == Some(client))
                .map(|m| (g, m))
        })?;
        let gv = view.groups.iter().find(|v| v.group == g.name)?;
        let first = gv
            .partitions
            .iter()
            .find(|gp| gp.owner.as_deref() == Some(m.client_id.as_str()))?;
        let row = scene
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .find(|r| r.tp == first.tp)?;
        Some(match scene.flow {
            Flow::Across => Curve::horizontal(row.anchor_out, m.anchor()),
            Flow::Down => Curve::straight(
                Point::new(row.strip.center_x(), row.rect.bottom()),
                Point::new(m.rect.center_x(), m.rect.y),
            ),
        })
    };
    place_dots(&view.in_flight, view.now, |e| {
        use kafka_sim::message::MessageKind as K;
        match (e.from, e.to, e.kind) {
            (NodeId::Client(c), NodeId::Broker(_), K::Produce) => producer_curve(c),
            (NodeId::Broker(_), NodeId::Client(c), K::ProduceResponse) => {
                producer_curve(c).map(Curve::reversed)
            }
            (NodeId::Client(c), NodeId::Broker(_), K::Fetch) => {
                member_curve(c).map(Curve::reversed)
            }
            (NodeId::Broker(_), NodeId::Client(c), K::FetchResponse) => member_curve(c),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::opening::Preset;
    use kafka_sim::group::GroupState;
    use kafka_sim::{Command, Engine};

    use crate::scene::test_stages::{LAPTOP, PHONE};

    fn snapshot(engine: &Engine, _viewport: Viewport) -> ClusterView {
        ClusterView::from_engine(engine)
    }

    /// The topic view of `engine` for `viewport`, every row with its cells.
    fn lay(
        engine: &Engine,
        view: &ClusterView,
        viewport: Viewport,
        selection: Option<&Selection>,
        followed: Option<(&TopicPartition, u64)>,
    ) -> TopicScene {
        let tails =
            |p: &PartitionView| crate::scene::snapshot::tail(engine, p, cells_that_fit(viewport));
        layout(Lang::En, view, viewport, selection, followed, &tails, None)
    }

    fn classic_at(ms: u64) -> Engine {
        let mut engine = Preset::Classic.engine();
        engine.advance_to(ms);
        engine
    }

    fn rows(scene: &TopicScene) -> Vec<&PartitionRow> {
        scene.topics.iter().flat_map(|t| &t.partitions).collect()
    }

    /// Nothing outside the scene, no two boxes on each other, cells inside their strips.
    fn assert_legible(scene: &TopicScene) {
        let bounds = Rect::new(0.0, 0.0, scene.width, scene.height);
        let mut boxes: Vec<Rect> = scene.producers.iter().map(|p| p.rect).collect();
        boxes.extend(scene.groups.iter().map(|g| g.rect));
        boxes.extend(rows(scene).iter().map(|r| r.rect));
        boxes.extend(scene.brokers.iter().map(|b| b.rect));
        for (i, a) in boxes.iter().enumerate() {
            assert!(bounds.contains(a), "{a:?} leaves the scene {bounds:?}");
            for b in &boxes[i + 1..] {
                assert!(!a.intersects(b), "{a:?} overlaps {b:?}");
            }
        }
        for r in rows(scene) {
            for c in &r.cells {
                assert!(
                    r.strip.contains(&c.rect),
                    "{} cell {} leaves its strip",
                    r.name,
                    c.offset
                );
                assert!(
                    (r.log_origin + c.log_x - c.rect.x).abs() < 1e-9,
                    "log coordinates agree"
                );
            }
            assert!(r.strip.contains(&r.next_slot));
            for l in &r.lanes {
                assert!(
                    l.y > r.strip.bottom() && l.y < r.rect.bottom(),
                    "lane inside its row"
                );
            }
        }
        for g in &scene.groups {
            for m in &g.members {
                assert!(g.rect.contains(&m.rect));
            }
        }
    }

    #[test]
    fn a_laptop_stage_runs_across_and_a_phone_down_and_both_are_legible() {
        let engine = classic_at(30_000);
        let wide = lay(&engine, &snapshot(&engine, LAPTOP), LAPTOP, None, None);
        assert_eq!(wide.flow, Flow::Across);
        assert!(
            wide.width <= LAPTOP.width + 1e-9,
            "fits the width: {}",
            wide.width
        );
        assert!(
            wide.height <= LAPTOP.height,
            "the default cluster fits a 1366x768 laptop's stage at zoom 1: {}",
            wide.height
        );
        assert_legible(&wide);
        let phone = lay(&engine, &snapshot(&engine, PHONE), PHONE, None, None);
        assert_eq!(phone.flow, Flow::Down);
        assert!(phone.width <= PHONE.width + 1e-9);
        assert_legible(&phone);
    }

    #[test]
    fn every_partition_is_a_log_of_numbered_cells_with_hw_and_leo() {
        let engine = classic_at(30_000);
        let scene = lay(&engine, &snapshot(&engine, LAPTOP), LAPTOP, None, None);
        let rows = rows(&scene);
        assert_eq!(rows.len(), 6);
        for r in &rows {
            assert!(r.log_start <= r.high_watermark && r.high_watermark <= r.log_end_offset);
            let shown: Vec<u64> = r.cells.iter().map(|c| c.offset).collect();
            let expected: Vec<u64> =
                (r.log_end_offset.saturating_sub(r.cells.len() as u64)..r.log_end_offset).collect();
            assert_eq!(shown, expected, "{}: the newest offsets, in order", r.name);
            assert!(
                r.cells.windows(2).all(|w| w[0].rect.x < w[1].rect.x),
                "grows right"
            );
            for c in &r.cells {
                assert_eq!(c.committed, c.offset < r.high_watermark);
                assert!(c.colour.is_some(), "the order producer keys every record");
                assert_eq!(c.label.as_deref(), Some(c.offset.to_string().as_str()));
            }
            assert!(r.next_slot.x >= r.cells.last().map_or(0.0, |c| c.rect.right()));
        }
        assert!(
            rows.iter().any(|r| !r.cells.is_empty()),
            "records were produced"
        );
    }

    #[test]
    fn a_long_log_shows_its_newest_cells_and_the_rest_as_one_block() {
        let engine = classic_at(400_000);
        let view = snapshot(&engine, PHONE);
        let scene = lay(&engine, &view, PHONE, None, None);
        let long = rows(&scene)
            .into_iter()
            .max_by_key(|r| r.log_end_offset)
            .unwrap();
        assert!(long.log_end_offset as usize > cells_that_fit(PHONE));
        assert_eq!(long.cells.len(), cells_that_fit(PHONE));
        let (_, text, title) = long.older.as_ref().expect("an older block");
        let older = long.log_end_offset - long.cells.len() as u64 - long.log_start;
        assert_eq!(*text, format!("+{}", words::count(older)));
        assert!(title.contains(&format!("{older} older records")));
    }

    #[test]
    fn each_group_has_a_lane_with_its_committed_offset_position_and_lag_on_every_partition() {
        let engine = classic_at(40_000);
        let view = snapshot(&engine, LAPTOP);
        let scene = lay(&engine, &view, LAPTOP, None, None);
        for r in rows(&scene) {
            let groups: Vec<&str> = r.lanes.iter().map(|l| l.group.as_str()).collect();
            assert_eq!(groups, ["inventory", "payments"], "{}", r.name);
            for l in &r.lanes {
                let g = view.groups.iter().find(|g| g.group == l.group).unwrap();
                let gp = g.partitions.iter().find(|gp| gp.tp == r.tp).unwrap();
                assert_eq!(l.committed, gp.committed.map(|o| o.0));
                assert_eq!(l.lag, gp.lag);
                assert_eq!(l.label, gp.owner.clone().unwrap());
                assert!(
                    l.committed_x.is_some(),
                    "{} committed on {}",
                    l.group,
                    r.name
                );
                assert!(l.lag_from_x <= l.lag_to_x + 1e-9);
                assert!(l.lag_text.starts_with("lag "));
            }
        }
        let links = scene
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Consume)
            .count();
        assert_eq!(
            links, 12,
            "each of 6 partitions to its owner in each of 2 groups"
        );
    }

    #[test]
    fn members_are_rebalancing_while_the_group_forms_and_idle_only_when_stable_with_nothing() {
        let early = lay(
            &classic_at(1_000),
            &snapshot(&classic_at(1_000), LAPTOP),
            LAPTOP,
            None,
            None,
        );
        for g in &early.groups {
            for m in &g.members {
                assert_ne!(
                    m.status,
                    MemberStatus::Idle,
                    "{} is forming, not idle",
                    m.client_id
                );
            }
        }
        let mut engine = classic_at(20_000);
        for i in 3..=7 {
            engine
                .apply(Preset::Classic.join_group(
                    "payments",
                    &format!("payments-{i}"),
                    &["orders"],
                    None,
                    kafka_sim::consumer::OffsetReset::Earliest,
                ))
                .unwrap();
        }
        engine.advance_to(60_000);
        let scene = lay(&engine, &snapshot(&engine, LAPTOP), LAPTOP, None, None);
        let payments = scene.groups.iter().find(|g| g.name == "payments").unwrap();
        assert_eq!(payments.state, Some(GroupState::Stable));
        let idle = payments
            .members
            .iter()
            .filter(|m| m.status == MemberStatus::Idle)
            .count();
        assert_eq!(idle, 1, "7 members, 6 partitions: one idle");
    }

    #[test]
    fn a_dead_leader_is_flagged_at_once_with_the_fencing_countdown() {
        let mut engine = classic_at(20_000);
        let view = snapshot(&engine, LAPTOP);
        let leader = view.topics[0].partitions[0].leader.unwrap();
        engine
            .apply(Command::KillBroker { broker: leader })
            .unwrap();
        let scene = lay(&engine, &snapshot(&engine, LAPTOP), LAPTOP, None, None);
        let row = rows(&scene)
            .into_iter()
            .find(|r| r.tp.partition.0 == 0)
            .unwrap();
        assert_eq!(row.health, Health::LeaderDown);
        let warning = &row.warnings[0];
        assert!(
            warning.contains(&format!("broker {} is down", leader.0)),
            "{warning}"
        );
        assert!(warning.contains("fenced in"), "{warning}");
        assert!(
            warning.contains("broker.session.timeout.ms=9000"),
            "{warning}"
        );
        assert_legible(&scene);
    }

    #[test]
    fn a_producer_refused_by_min_insync_replicas_is_failing_with_kafkas_error() {
        let mut engine = classic_at(20_000);
        engine
            .apply(Command::KillBroker {
                broker: kafka_sim::BrokerId(2),
            })
            .unwrap();
        engine
            .apply(Command::KillBroker {
                broker: kafka_sim::BrokerId(3),
            })
            .unwrap();
        engine.advance_to(80_000);
        let scene = lay(&engine, &snapshot(&engine, LAPTOP), LAPTOP, None, None);
        let p = scene
            .producers
            .iter()
            .find(|p| p.name == Preset::Classic.producer())
            .unwrap();
        assert!(p.failing);
        assert_eq!(p.error.as_deref(), Some("NotEnoughReplicasException"));
        let rows = rows(&scene);
        assert!(rows.iter().all(|r| r.health <= Health::BelowMinIsr));
        assert!(rows.iter().any(|r| r
            .warnings
            .iter()
            .any(|w| w.contains("< min.insync.replicas 2"))));
    }

    #[test]
    fn selecting_a_record_marks_its_cell_and_a_consumer_its_partitions() {
        let engine = classic_at(30_000);
        let view = snapshot(&engine, LAPTOP);
        let row = view.topics[0]
            .partitions
            .iter()
            .find(|p| p.high_watermark.0 > 0)
            .unwrap();
        let sel = Selection::Record {
            tp: row.tp.clone(),
            offset: 0,
        };
        let scene = lay(&engine, &view, LAPTOP, Some(&sel), Some((&row.tp, 0)));
        let r = rows(&scene).into_iter().find(|r| r.tp == row.tp).unwrap();
        let cell = r.cells.iter().find(|c| c.offset == 0);
        if let Some(cell) = cell {
            assert_eq!(cell.mark, Mark::Selected);
            assert!(cell.followed);
        }
        assert_eq!(r.mark, Mark::Selected);
        let consumer = Selection::Consumer {
            group: "inventory".into(),
            client_id: "inventory-1".into(),
        };
        let scene = lay(&engine, &view, LAPTOP, Some(&consumer), None);
        assert!(
            rows(&scene).iter().all(|r| r.mark == Mark::Related),
            "inventory-1 reads all"
        );
    }

    #[test]
    fn a_thousand_partitions_are_rows_and_fit_shows_them_whole() {
        let engine = crate::scene::cluster_view::tests::huge_cluster();
        let view = snapshot(&engine, LAPTOP);
        let scene = lay(&engine, &view, LAPTOP, None, None);
        assert_eq!(rows(&scene).len(), 1_000);
        assert_eq!(scene.brokers.len(), 50, "every broker has its chip");
        assert_legible(&scene);
        let camera = crate::camera::Camera::fit(scene.width, scene.height, LAPTOP);
        let whole = Rect::new(0.0, 0.0, scene.width, scene.height);
        assert!(
            camera.visible(LAPTOP).contains(&whole),
            "Fit shows all of it"
        );
    }

    #[test]
    fn only_rows_near_the_stage_read_their_records() {
        let mut engine = Preset::Large.engine();
        engine.advance_to(15_000);
        let view = snapshot(&engine, LAPTOP);
        let read = std::cell::Cell::new(0);
        let tails = |p: &PartitionView| {
            read.set(read.get() + 1);
            crate::scene::snapshot::tail(&engine, p, 8)
        };
        let top = Rect::new(0.0, 0.0, LAPTOP.width, LAPTOP.height);
        let scene = layout(Lang::En, &view, LAPTOP, None, None, &tails, Some(top));
        let rows = rows(&scene);
        assert!(read.get() < 40, "{} of 100 partitions read", read.get());
        assert!(
            !rows.first().unwrap().cells.is_empty(),
            "the first rows show their records"
        );
        assert!(
            rows.last().unwrap().cells.is_empty(),
            "the last, far below, do not"
        );
    }

    #[test]
    fn many_groups_draw_lanes_only_for_the_selected_one() {
        let mut engine = Preset::Large.engine();
        engine.advance_to(15_000);
        let view = snapshot(&engine, LAPTOP);
        let scene = lay(&engine, &view, LAPTOP, None, None);
        assert!(rows(&scene).iter().all(|r| r.lanes.is_empty()));
        assert!(scene.hint.is_some());
        let sel = Selection::Group("service-2".into());
        let scene = lay(&engine, &view, LAPTOP, Some(&sel), None);
        assert!(rows(&scene).iter().all(|r| r.lanes.len() <= 1));
        assert!(rows(&scene).iter().any(|r| r.lanes.len() == 1));
        assert_legible(&scene);
    }
}
