//! The cluster view drawn: the KRaft controller, broker cards (focusable buttons named
//! "Broker N", state in aria-description) with their replicas, the clients, links and messages
//! in flight. Compact replica tiles show their partition's name once zoomed in enough to read it.

use std::rc::Rc;

use yew::prelude::*;

use super::clients;
use super::dots::link;
use super::markup;
use super::svg::{activate, rect, text};
use crate::glossary;
use crate::i18n::{trf, Lang};
use crate::scene::brokers::BrokerState;
use crate::scene::cluster_view::{BrokerCard, ClusterScene};
use crate::scene::geometry::fmt;
use crate::state::selection::{Mark, Selection};
use kafka_sim::view::ReplicaRole;
use kafka_sim::TopicPartition;

/// "orders-3" (as drawn in `data-partition`) back to the partition.
fn parse_partition(name: &str) -> Option<TopicPartition> {
    let (topic, partition) = name.rsplit_once('-')?;
    Some(TopicPartition::new(topic, partition.parse().ok()?))
}

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
    let lang = use_context::<Lang>().unwrap_or_default();
    let scene = &props.scene;
    let c = &scene.controller;
    let tile_names = scene.compact && props.zoom >= TILE_NAMES_ZOOM;
    html! {
        <g class={classes!("cluster-view", scene.compact.then_some("compact"))}>
            <g class="links">{ for scene.links.iter().map(link) }</g>
            <g class="controller" role="img"
               aria-label={trf(lang, "KRaft controller, {}{}", &[&c.sees, &c.pending.iter().map(|p| format!(", {p}")).collect::<String>()])}>
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
            { for scene.producers.iter().map(|p| clients::producer(lang, p, &props.on_select)) }
            { for scene.groups.iter().map(|g| clients::group(lang, g, &props.on_select)) }
            { for scene.brokers.iter().map(|b| html! {
                <BrokerNode key={b.id.0} card={b.clone()} compact={scene.compact} {tile_names}
                            on_select={props.on_select.clone()} />
            }) }
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
    let lang = use_context::<Lang>().unwrap_or_default();
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
    // A replica selects its partition; the card around it, the broker.
    let on_body = {
        let on_select = props.on_select.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            let tp = markup::picked(&e, "data-partition").and_then(|p| parse_partition(&p));
            on_select.emit(match tp {
                Some(tp) => Selection::Partition(tp),
                None => Selection::Broker(id),
            });
        })
    };
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
            <g class="broker-body" onclick={on_body}>
                { Html::from_html_unchecked(AttrValue::from(markup::replicas(lang, &b.replicas, props.compact, props.tile_names))) }
            </g>
        </g>
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
