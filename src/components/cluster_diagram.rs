//! The cluster view drawn: the KRaft controller, broker cards (focusable buttons named
//! "Broker N", state in aria-description) with their replicas, the clients, links and messages
//! in flight. Compact replica tiles show their partition's name once zoomed in enough to read it.

use std::rc::Rc;

use yew::prelude::*;

use super::clients;
use super::dots::{dots, link};
use super::svg::{activate, rect, text};
use crate::glossary;
use crate::scene::brokers::BrokerState;
use crate::scene::cluster_view::{BrokerCard, ClusterScene, ReplicaRow, TILE};
use crate::scene::geometry::fmt;
use crate::state::selection::{Mark, Selection};
use kafka_sim::view::ReplicaRole;

/// Zoom from which a compact tile's partition name (11 px at this zoom) can be read.
const TILE_NAMES_ZOOM: f64 = 1.6;

#[derive(Properties, PartialEq)]
pub struct ClusterDiagramProps {
    pub scene: Rc<ClusterScene>,
    pub zoom: f64,
    pub on_select: Callback<Selection>,
}

#[function_component(ClusterDiagram)]
pub fn cluster_diagram(props: &ClusterDiagramProps) -> Html {
    let scene = &props.scene;
    let c = &scene.controller;
    let tile_names = scene.compact && props.zoom >= TILE_NAMES_ZOOM;
    html! {
        <g class={classes!("cluster-view", scene.compact.then_some("compact"))}>
            <g class="links">{ for scene.links.iter().map(link) }</g>
            <g class="controller" role="img"
               aria-label={format!("KRaft controller, {}{}", c.sees, c.pending.iter().map(|p| format!(", {p}")).collect::<String>())}>
                <title>{ glossary::tooltip("controller") }</title>
                { rect(&c.rect, "controller-box", 12.0) }
                <text class="node-title" x={fmt(c.rect.center_x())} y={fmt(c.rect.y + 24.0)} text-anchor="middle">{ "KRaft controller" }</text>
                <text class="node-detail" x={fmt(c.rect.center_x())} y={fmt(c.rect.y + 44.0)} text-anchor="middle">{ &c.sees }</text>
                { for c.pending.iter().enumerate().map(|(i, p)| html! {
                    <text class="reason-text" x={fmt(c.rect.center_x())} y={fmt(c.rect.y + 60.0 + 16.0 * i as f64)} text-anchor="middle">
                        <title>{ c.pending_config.clone().unwrap_or_default() }</title>
                        { p }
                    </text>
                }) }
            </g>
            { for scene.producers.iter().map(|p| clients::producer(p, &props.on_select)) }
            { for scene.groups.iter().map(|g| clients::group(g, &props.on_select)) }
            { for scene.brokers.iter().map(|b| html! {
                <BrokerNode key={b.id.0} card={b.clone()} compact={scene.compact} {tile_names}
                            on_select={props.on_select.clone()} />
            }) }
            <g class="dots" aria-hidden="true">{ dots(&scene.dots) }</g>
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct BrokerNodeProps {
    card: BrokerCard,
    compact: bool,
    tile_names: bool,
    on_select: Callback<Selection>,
}

/// One broker card: a component of its own so that Yew skips the cards whose data did not change
/// since the last frame (most of them, most of the time).
#[function_component(BrokerNode)]
fn broker_node(props: &BrokerNodeProps) -> Html {
    let b = &props.card;
    let id = b.id;
    let (onclick, onkeydown) = activate(props.on_select.reform(move |_| Selection::Broker(id)));
    let state_class = match b.state {
        BrokerState::Alive => "alive",
        BrokerState::Isolated => "isolated",
        BrokerState::Dead => "dead",
    };
    let r = &b.rect;
    // The card's head is the broker's button; a click on the card outside its replicas selects
    // the broker too (a replica's own click selects its partition).
    let head_h = b.replicas.first().map_or(r.h, |row| row.rect.y - r.y);
    html! {
        <g class={classes!("broker", state_class, b.mark.class())} data-broker={id.0.to_string()}
           onclick={onclick.clone()}>
            { rect(r, "broker-box", 12.0) }
            <g class="broker-head" role="button" tabindex="0" aria-label={b.label.clone()} aria-description={b.summary.clone()}
               aria-pressed={(b.mark == Mark::Selected).to_string()} {onclick} {onkeydown}>
                <rect class="head-hit" x={fmt(r.x)} y={fmt(r.y)} width={fmt(r.w)} height={fmt(head_h)} rx="12" />
                { text(r.x + 14.0, r.y + 26.0, "broker-label", b.label.clone()) }
                <text class="broker-state" x={fmt(r.x + 14.0)} y={fmt(r.y + 46.0)}>
                    if b.fenced { <title>{ glossary::tooltip("fenced") }</title> }
                    { &b.status_line }
                </text>
                if let Some(reason) = &b.reason {
                    <text class="reason-text" x={fmt(r.x + 14.0)} y={fmt(r.y + 62.0)}>
                        <title>{ reason.full() }</title>
                        { &reason.text }
                    </text>
                }
            </g>
            { for b.replicas.iter().map(|row| if props.compact {
                html! {
                    <ReplicaTile key={row.tp.to_string()} row={row.clone()} named={props.tile_names}
                                 on_select={props.on_select.clone()} />
                }
            } else {
                replica_row(row, &props.on_select)
            }) }
        </g>
    }
}

fn replica_title(row: &ReplicaRow) -> String {
    format!(
        "{} on this broker: {}; LEO {}, HW {}{}\n{}",
        row.tp,
        row.role.as_str(),
        row.log_end_offset,
        row.high_watermark,
        if row.partition_offline {
            "; partition offline"
        } else if row.under_replicated {
            "; under-replicated"
        } else {
            ""
        },
        glossary::tooltip(match row.role {
            ReplicaRole::Leader => "leader",
            _ => "follower",
        })
    )
}

fn badge(role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Leader => "L",
        ReplicaRole::InSync => "F",
        ReplicaRole::OutOfSync => "!",
        ReplicaRole::Offline => "×",
    }
}

pub fn role_class(role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Leader => "leader",
        ReplicaRole::InSync => "in-sync",
        ReplicaRole::OutOfSync => "out-of-sync",
        ReplicaRole::Offline => "offline",
    }
}

fn replica_row(row: &ReplicaRow, on_select: &Callback<Selection>) -> Html {
    let r = &row.rect;
    let bar = &row.bar;
    let tp = row.tp.clone();
    let (onclick, onkeydown) =
        activate(on_select.reform(move |_| Selection::Partition(tp.clone())));
    let row_class = classes!(
        "replica",
        role_class(row.role),
        row.under_replicated.then_some("under-replicated"),
        row.partition_offline.then_some("partition-offline"),
        row.mark.class()
    );
    html! {
        <g key={row.tp.to_string()} class={row_class} data-partition={row.tp.to_string()}
           data-role={role_class(row.role)} data-leo={row.log_end_offset.to_string()}
           data-hw={row.high_watermark.to_string()} {onclick} {onkeydown}>
            <title>{ replica_title(row) }</title>
            { rect(r, "replica-bg", 5.0) }
            <rect class="badge" x={fmt(r.x + 4.0)} y={fmt(r.y + 4.0)} width="19" height="19" rx="3" />
            <text class="badge-text" x={fmt(r.x + 13.5)} y={fmt(r.y + 18.0)} text-anchor="middle">
                { badge(row.role) }
            </text>
            { text(r.x + 30.0, r.y + 18.0, "replica-label", row.label.clone()) }
            <rect class="log-track" x={fmt(bar.x)} y={fmt(bar.y)} width={fmt(bar.w)} height={fmt(bar.h)} rx="2" />
            <rect class="log-uncommitted" x={fmt(bar.x)} y={fmt(bar.y)} width={fmt(row.leo_width)} height={fmt(bar.h)} />
            <rect class="log-committed" x={fmt(bar.x)} y={fmt(bar.y)} width={fmt(row.hw_width)} height={fmt(bar.h)} />
            <line class="hw-mark" x1={fmt(bar.x + row.hw_width)} y1={fmt(bar.y - 3.0)}
                  x2={fmt(bar.x + row.hw_width)} y2={fmt(bar.y + bar.h + 3.0)} />
            <text class="offsets" x={fmt(bar.right())} y={fmt(bar.y - 3.0)} text-anchor="end">
                { format!("HW {} · LEO {}", row.high_watermark, row.log_end_offset) }
            </text>
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct ReplicaTileProps {
    row: ReplicaRow,
    /// Zoomed in enough to print the partition's number on the tile.
    named: bool,
    on_select: Callback<Selection>,
}

/// A replica in the compact drawing: its role (and its partition's number when zoomed in), so a
/// tile re-renders only when its role changes, however fast records arrive.
#[function_component(ReplicaTile)]
fn replica_tile(props: &ReplicaTileProps) -> Html {
    let row = &props.row;
    let r = &row.rect;
    let tp = row.tp.clone();
    let (onclick, onkeydown) = activate(
        props
            .on_select
            .reform(move |_| Selection::Partition(tp.clone())),
    );
    let label = if props.named {
        row.tp.partition.0.to_string()
    } else {
        badge(row.role).to_string()
    };
    html! {
        <g class={classes!("replica", "tile", role_class(row.role), row.mark.class())} data-partition={row.tp.to_string()}
           data-role={role_class(row.role)} {onclick} {onkeydown}>
            <title>{ format!("{}: {}", row.tp, row.role.as_str()) }</title>
            { rect(r, "badge", 3.0) }
            <text class={classes!("badge-text", props.named.then_some("tile-name"))} x={fmt(r.center_x())}
                  y={fmt(r.y + TILE / 2.0 + 3.5)} text-anchor="middle">
                { label }
            </text>
        </g>
    }
}
