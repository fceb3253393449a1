//! The topic view drawn: producers, each partition as a log of offset cells with its HW, LEO
//! and the groups' lanes, the consumer groups, their links and the messages in flight. Only what
//! is on the stage is drawn (a thousand partitions stay smooth); when zoomed far out, rows are
//! drawn as bars without text (text that small could not be read anyway).

use std::rc::Rc;

use yew::prelude::*;

use super::clients;
use super::dots::link;
use super::markup;
use super::svg::{activate, rect, text};
use crate::glossary;
use crate::i18n::{trf, Lang};
use crate::scene::brokers::BrokerChip;
use crate::scene::geometry::fmt;
use crate::scene::topic_view::{Cell, PartitionRow, TopicScene};
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
    let lang = use_context::<Lang>().unwrap_or_default();
    let scene = &props.scene;
    let detailed = props.zoom >= DETAIL_ZOOM;
    let on_select = &props.on_select;
    html! {
        <g class={classes!("topic-view", (!detailed).then_some("overview"))}>
            <g class="links">{ for scene.links.iter().map(link) }</g>
            { for scene.producers.iter().map(|p| clients::producer(lang, p, on_select)) }
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
            { for scene.groups.iter().map(|g| clients::group(lang, g, on_select)) }
            if let Some(hint) = &scene.hint {
                { text(16.0, scene.height - 4.0, "hint-text", hint.clone()) }
            }
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
/// last frame are not drawn again. Its head line is its button ("Partition orders-3"); its log
/// is drawn as markup (see `markup.rs`), whose record cells are buttons of their own; a click
/// on a cell selects the record, anywhere else on the row the partition.
#[function_component(PartitionRowView)]
fn partition_row_view(props: &PartitionRowProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let r = &props.row;
    let tp = r.tp.clone();
    let (_, onkeydown) = activate(props.on_select.reform({
        let tp = tp.clone();
        move |_| Selection::Partition(tp.clone())
    }));
    let onclick = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let offset = markup::picked(&e, "data-offset")
                .and_then(|o| o.parse().ok())
                .or_else(|| offset_under(&e));
            on_select.emit(match offset {
                Some(offset) => Selection::Record {
                    tp: tp.clone(),
                    offset,
                },
                None => Selection::Partition(tp.clone()),
            });
        })
    };
    let class = classes!("partition", r.health.class(), r.mark.class());
    // A data attribute (read by tests): not words.
    let leader = r.leader.map_or("none".to_string(), |b| b.0.to_string());
    let strip = &r.strip;
    // The cells sit in log coordinates: as the window slides only the group moves, and only
    // the cells that arrive or leave change in the page.
    let cells = props.detailed.then(|| {
        let cells = if r.cells_as_shapes {
            html! { { for markup::cell_shapes(r).into_iter().map(|(class, d)| html! {
                <g key={class.clone()} {class}><path class="cell-box" {d} /></g>
            }) } }
        } else {
            html! { { for r.cells.iter().map(|c| cell(lang, r, c)) } }
        };
        html! {
            <g class="cells" transform={format!("translate({} 0)", fmt(r.log_origin))}
               data-anchor={r.log_anchor.to_string()}>
                { cells }
            </g>
        }
    });
    let marks = props.detailed.then(|| {
        html! {
            <>
                if let Some((older, label, title)) = &r.older {
                    <g class="older">
                        <title>{ title.clone() }</title>
                        { rect(older, "older-box", 3.0) }
                        <text class="older-text" x={fmt(older.center_x())} y={fmt(older.y + 16.0)} text-anchor="middle">{ label.clone() }</text>
                    </g>
                }
                <g class="next-slot">
                    <title>{ trf(lang, "LEO {}: the next record appended takes offset {}", &[&r.log_end_offset, &r.log_end_offset]) }</title>
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
                { Html::from_html_unchecked(AttrValue::from(markup::lanes(r))) }
            </>
        }
    });
    let filled = (!props.detailed).then(|| {
        html! {
            <rect class="strip-committed" x={fmt(strip.x)} y={fmt(strip.y)}
                  width={fmt((r.hw_x - strip.x).max(0.0))} height={fmt(strip.h)} />
        }
    });
    html! {
        <g {class} data-partition={r.name.clone()} data-leader={leader}
           data-leo={r.log_end_offset.to_string()} data-hw={r.high_watermark.to_string()}
           data-log-start={r.log_start.to_string()} {onclick}>
            <rect class="row-bg" x={fmt(r.rect.x - 6.0)} y={fmt(r.rect.y)} width={fmt(r.rect.w + 12.0)}
                  height={fmt(r.rect.h - 4.0)} rx="8" />
            <g class="partition-head" role="button" tabindex="0" aria-label={trf(lang, "Partition {}", &[&r.name])}
               aria-description={r.summary.clone()} {onkeydown}>
                <title>{ trf(lang, "Partition {}: {}", &[&r.name, &r.summary]) }</title>
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
            { rect(strip, "strip-track", 3.0) }
            { filled }
            { cells }
            { marks }
        </g>
    }
}

/// The record under the pointer in a row whose cells are drawn as shapes: the click's place in
/// the cells' own coordinates, in whole cells from the row's anchor offset.
fn offset_under(e: &MouseEvent) -> Option<u64> {
    use wasm_bindgen::JsCast;
    let target: web_sys::Element = e.target()?.dyn_into().ok()?;
    let cells = target.closest("g.cells").ok()??;
    let anchor: u64 = cells.get_attribute("data-anchor")?.parse().ok()?;
    let graphics: web_sys::SvgGraphicsElement = cells.dyn_into().ok()?;
    let m = graphics.get_screen_ctm()?.inverse().ok()?;
    let (cx, cy) = (f64::from(e.client_x()), f64::from(e.client_y()));
    let x = f64::from(m.a()) * cx + f64::from(m.c()) * cy + f64::from(m.e());
    (x >= 0.0).then(|| anchor + (x / crate::scene::topic_view::PITCH) as u64)
}

/// A record's cell: a button named "Record orders-3 offset 12" (its click is read by the row).
fn cell(lang: Lang, r: &PartitionRow, c: &Cell) -> Html {
    let colour = match c.colour {
        Some(k) => format!("key-{k}"),
        None => "key-null".to_string(),
    };
    let class = classes!(
        "cell",
        colour,
        if c.committed {
            "committed"
        } else {
            "uncommitted"
        },
        c.mark.class(),
        c.followed.then_some("followed")
    );
    html! {
        <g key={c.offset} {class} role="button" tabindex="-1"
           aria-label={trf(lang, "Record {} offset {}", &[&r.name, &c.offset])} data-offset={c.offset.to_string()}>
            if let Some(t) = &c.title { <title>{ t.clone() }</title> }
            <rect class="cell-box" x={fmt(c.log_x)} y={fmt(c.rect.y)} width={fmt(c.rect.w)} height={fmt(c.rect.h)} rx="3" />
            if let Some(label) = &c.label {
                <text class="cell-text" x={fmt(c.log_x + c.rect.w / 2.0)} y={fmt(c.rect.y + 16.0)} text-anchor="middle">{ label.clone() }</text>
            }
        </g>
    }
}
