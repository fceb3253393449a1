//! The topic view drawn: producers, each partition as a log of offset cells with its HW, LEO
//! and the groups' lanes, the consumer groups, their links and the messages in flight. Only what
//! is on the stage is drawn (a thousand partitions stay smooth); when zoomed far out, rows are
//! drawn as bars without text (text that small could not be read anyway).

use std::rc::Rc;

use yew::prelude::*;

use super::clients;
use super::dots::{dots, link};
use super::svg::{activate, rect, text};
use crate::glossary;
use crate::scene::brokers::BrokerChip;
use crate::scene::geometry::fmt;
use crate::scene::topic_view::{Lane, PartitionRow, TopicScene};
use crate::scene::Rect;
use crate::state::selection::Selection;

/// Below this zoom a row's text would be under about 8 px: rows become plain bars.
const DETAIL_ZOOM: f64 = 0.7;

#[derive(Properties, PartialEq)]
pub struct TopicDiagramProps {
    pub scene: Rc<TopicScene>,
    /// The part of the diagram on the stage (diagram units).
    pub visible: Rect,
    pub zoom: f64,
    pub on_select: Callback<Selection>,
}

#[function_component(TopicDiagram)]
pub fn topic_diagram(props: &TopicDiagramProps) -> Html {
    let scene = &props.scene;
    let detailed = props.zoom >= DETAIL_ZOOM;
    let on_select = &props.on_select;
    html! {
        <g class={classes!("topic-view", (!detailed).then_some("overview"))}>
            <g class="links">{ for scene.links.iter().map(link) }</g>
            { for scene.producers.iter().map(|p| clients::producer(p, on_select)) }
            { for scene.brokers.iter().map(|b| broker_chip(b, on_select)) }
            { for scene.topics.iter().map(|t| html! {
                <g key={t.name.clone()} class="topic" data-topic={t.name.clone()}>
                    { text(t.title_at.x, t.title_at.y, "topic-title", t.name.clone()) }
                    { text(t.title_at.x + 10.0 + 10.0 * t.name.chars().count() as f64, t.title_at.y, "node-detail", t.detail.clone()) }
                    { for t.partitions.iter().filter(|r| r.rect.intersects(&props.visible)).map(|r| html! {
                        <PartitionRowView key={r.name.clone()} row={r.clone()} {detailed} on_select={on_select.clone()} />
                    }) }
                </g>
            }) }
            { for scene.groups.iter().map(|g| clients::group(g, on_select)) }
            if let Some(hint) = &scene.hint {
                { text(16.0, scene.height - 4.0, "hint-text", hint.clone()) }
            }
            <g class="dots" aria-hidden="true">{ dots(&scene.dots) }</g>
        </g>
    }
}

/// A broker in the topic view's row of brokers: it selects the broker (its card has the
/// actions), and a selected partition's leader is marked.
fn broker_chip(b: &BrokerChip, on_select: &Callback<Selection>) -> Html {
    let id = b.id;
    let (onclick, onkeydown) = activate(on_select.reform(move |_| Selection::Broker(id)));
    html! {
        <g key={format!("broker-{}", id.0)} class={classes!("broker-chip", b.state.label(), b.mark.class())}
           role="button" tabindex="0" aria-label={format!("Broker {}", id.0)} aria-description={b.summary.clone()}
           data-broker={id.0.to_string()} {onclick} {onkeydown}>
            <title>{ b.summary.clone() }</title>
            { rect(&b.rect, "chip-box", 13.0) }
            { text(b.rect.x + 10.0, b.rect.y + 17.5, "chip-text", b.text.clone()) }
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct PartitionRowProps {
    row: PartitionRow,
    detailed: bool,
    on_select: Callback<Selection>,
}

/// One partition: a component of its own, so that rows whose data did not change since the
/// last frame are not drawn again. Its head line is its button ("Partition orders-3"); its record
/// cells are buttons of their own; a click anywhere else on the row selects the partition too.
#[function_component(PartitionRowView)]
fn partition_row_view(props: &PartitionRowProps) -> Html {
    let r = &props.row;
    let tp = r.tp.clone();
    let (onclick, onkeydown) = activate(
        props
            .on_select
            .reform(move |_| Selection::Partition(tp.clone())),
    );
    let class = classes!("partition", r.health.class(), r.mark.class());
    let leader = r.leader.map_or("none".to_string(), |b| b.0.to_string());
    let background = html! {
        <rect class="row-bg" x={fmt(r.rect.x - 6.0)} y={fmt(r.rect.y)} width={fmt(r.rect.w + 12.0)}
              height={fmt(r.rect.h - 4.0)} rx="8" />
    };
    let head = html! {
        <g class="partition-head" role="button" tabindex="0" aria-label={format!("Partition {}", r.name)}
           aria-description={r.summary.clone()} onkeydown={onkeydown}>
            <title>{ format!("Partition {}: {}", r.name, r.summary) }</title>
            { rect(&r.head, "head-hit", 4.0) }
            { text(r.name_at.x, r.name_at.y, "partition-name", r.name.clone()) }
            if props.detailed {
                <text class="partition-facts" x={fmt(r.facts_at.x)} y={fmt(r.facts_at.y)}>
                    <title>{ format!("{}\n{}\n{}", glossary::tooltip("leader"), glossary::tooltip("ISR"), glossary::tooltip("epoch")) }</title>
                    { &r.facts }
                </text>
                <text class="partition-facts" x={fmt(r.hw_leo_at.x)} y={fmt(r.hw_leo_at.y)} text-anchor="end">
                    <title>{ format!("{}\n{}", glossary::tooltip("HW"), glossary::tooltip("LEO")) }</title>
                    { &r.hw_leo }
                </text>
                { for r.warnings.iter().enumerate().map(|(i, w)| {
                    text(r.warnings_at.x, r.warnings_at.y + 16.0 * i as f64, "warning-text", format!("⚠ {w}"))
                }) }
            }
        </g>
    };
    let strip = &r.strip;
    html! {
        <g {class} data-partition={r.name.clone()} data-leader={leader}
           data-leo={r.log_end_offset.to_string()} data-hw={r.high_watermark.to_string()}
           data-log-start={r.log_start.to_string()} {onclick}>
            { background }
            { head }
            { rect(strip, "strip-track", 3.0) }
            if !props.detailed {
                <rect class="strip-committed" x={fmt(strip.x)} y={fmt(strip.y)}
                      width={fmt((r.hw_x - strip.x).max(0.0))} height={fmt(strip.h)} />
            } else {
                if let Some((older, label, title)) = &r.older {
                    <g class="older">
                        <title>{ title.clone() }</title>
                        { rect(older, "older-box", 3.0) }
                        <text class="older-text" x={fmt(older.center_x())} y={fmt(older.y + 16.0)} text-anchor="middle">{ label }</text>
                    </g>
                }
                { for r.cells.iter().map(|c| cell(r, c, &props.on_select)) }
                <g class="next-slot">
                    <title>{ format!("LEO {}: the next record appended takes offset {}", r.log_end_offset, r.log_end_offset) }</title>
                    { rect(&r.next_slot, "next-box", 3.0) }
                </g>
                if let Some(x) = r.start_x {
                    <line class="start-mark" x1={fmt(x)} y1={fmt(strip.y - 3.0)} x2={fmt(x)} y2={fmt(strip.bottom() + 3.0)}>
                        <title>{ glossary::tooltip("log start") }</title>
                    </line>
                }
                <line class="hw-mark" x1={fmt(r.hw_x)} y1={fmt(strip.y - 4.0)} x2={fmt(r.hw_x)} y2={fmt(strip.bottom() + 4.0)}>
                    <title>{ format!("HW {}. {}", r.high_watermark, glossary::tooltip("HW")) }</title>
                </line>
                { for r.lanes.iter().map(|l| lane(l, strip)) }
            }
        </g>
    }
}

fn cell(
    r: &PartitionRow,
    c: &crate::scene::topic_view::Cell,
    on_select: &Callback<Selection>,
) -> Html {
    let selection = Selection::Record {
        tp: r.tp.clone(),
        offset: c.offset,
    };
    let (onclick, onkeydown) = activate(on_select.reform(move |_| selection.clone()));
    let colour = match c.colour {
        Some(k) => format!("key-{k}"),
        None => "key-null".to_string(),
    };
    html! {
        <g key={c.offset} class={classes!("cell", colour, if c.committed { "committed" } else { "uncommitted" },
                                          c.mark.class(), c.followed.then_some("followed"))}
           role="button" tabindex="-1" aria-label={format!("Record {} offset {}", r.name, c.offset)}
           data-offset={c.offset.to_string()} {onclick} {onkeydown}>
            <title>{ c.title.clone() }</title>
            { rect(&c.rect, "cell-box", 3.0) }
            if let Some(label) = &c.label {
                <text class="cell-text" x={fmt(c.rect.center_x())} y={fmt(c.rect.y + 16.0)} text-anchor="middle">{ label }</text>
            }
        </g>
    }
}

fn lane(l: &Lane, strip: &Rect) -> Html {
    let y = l.y;
    let bar = (l.lag_to_x - l.lag_from_x).max(0.0);
    html! {
        <g key={l.group.clone()} class={classes!("lane", format!("group-c{}", l.colour), l.mark.class())}
           data-group={l.group.clone()} data-committed={l.committed.map(|c| c.to_string())}
           data-position={l.position.map(|p| p.to_string())} data-lag={l.lag.map(|g| g.to_string())}>
            <title>{ format!(
                "{}: committed offset {}, position {}, lag {}\n{}\n{}\n{}",
                l.group,
                l.committed.map_or("none".to_string(), |c| c.to_string()),
                l.position.map_or("none".to_string(), |p| p.to_string()),
                l.lag.map_or("-".to_string(), |g| g.to_string()),
                glossary::tooltip("committed offset"),
                glossary::tooltip("position"),
                glossary::tooltip("lag"),
            ) }</title>
            { text(l.label_at.x, l.label_at.y, "lane-label", l.label.clone()) }
            <line class="lane-track" x1={fmt(strip.x)} y1={fmt(y)} x2={fmt(strip.right())} y2={fmt(y)} />
            if bar > 0.0 {
                <rect class="lag-bar" x={fmt(l.lag_from_x)} y={fmt(y - 4.0)} width={fmt(bar)} height="8" rx="2" />
            }
            if let Some(x) = l.position_x {
                <path class="position-mark" d={format!("M{} {} l4 6 l-4 6 l-4 -6 z", fmt(x), fmt(y - 6.0))} />
            }
            if let Some(x) = l.committed_x {
                <path class="committed-mark" d={format!("M{} {} l6 8 l-12 0 z", fmt(x), fmt(y - 4.0))} />
            }
            <text class="lag-text" x={fmt(l.lag_at.x)} y={fmt(l.lag_at.y)}>{ &l.lag_text }</text>
        </g>
    }
}
