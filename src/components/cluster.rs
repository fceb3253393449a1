//! The cluster diagram: one `<svg viewBox>` drawn from a `Scene`. Brokers are focusable buttons
//! (role, name "Broker N", state in aria-description); clicking one selects it.

use std::collections::BTreeMap;

use yew::prelude::*;

use crate::layout::{
    BrokerCard, BrokerState, ClientBox, Dot, GroupBox, Link, LinkKind, MemberBox, Rect,
    ReplicaRole, ReplicaRow, Scene,
};
use kafka_sim::BrokerId;

#[derive(Properties, PartialEq)]
pub struct ClusterDiagramProps {
    pub scene: Scene,
    pub selected: Option<BrokerId>,
    pub on_select: Callback<BrokerId>,
    /// A replica row was clicked: open its partition ("orders-3") in the inspector.
    pub on_select_partition: Callback<String>,
}

#[function_component(ClusterDiagram)]
pub fn cluster_diagram(props: &ClusterDiagramProps) -> Html {
    let scene = &props.scene;
    let view_box = format!("0 0 {:.0} {:.0}", scene.width, scene.height);
    let controller = &scene.controller;
    html! {
        <svg class={classes!("cluster", scene.compact.then_some("compact"))} viewBox={view_box}
             role="group" aria-label="Kafka cluster diagram">
            <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7"
                        markerHeight="7" orient="auto-start-reverse">
                    <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
                </marker>
                <pattern id="uncommitted" width="6" height="6" patternUnits="userSpaceOnUse"
                         patternTransform="rotate(45)">
                    <rect width="6" height="6" class="uncommitted-bg" />
                    <line x1="0" y1="0" x2="0" y2="6" class="uncommitted-stripe" />
                </pattern>
            </defs>
            <g class="links">{ for scene.links.iter().map(link) }</g>
            <g class="controller" aria-label={format!("KRaft controller, {}", controller.sees)}>
                { rect(&controller.rect, "controller-box", 12.0) }
                <text class="node-title" x={fmt(controller.rect.center_x())}
                      y={fmt(controller.rect.y + 25.0)} text-anchor="middle">{ "KRaft controller" }</text>
                <text class="node-detail" x={fmt(controller.rect.center_x())}
                      y={fmt(controller.rect.y + 45.0)} text-anchor="middle">{ &controller.sees }</text>
            </g>
            { for scene.producers.iter().map(producer) }
            { for scene.groups.iter().map(group) }
            { for scene.brokers.iter().map(|b| html! {
                <BrokerNode key={b.id.0} card={b.clone()} compact={scene.compact}
                            selected={props.selected == Some(b.id)} on_select={props.on_select.clone()}
                            on_select_partition={props.on_select_partition.clone()} />
            }) }
            <g class="dots" aria-hidden="true">{ dots(&scene.dots) }</g>
        </svg>
    }
}

fn link(l: &Link) -> Html {
    let class = classes!(
        "link",
        match l.kind {
            LinkKind::Control => "control",
            LinkKind::Produce => "produce",
            LinkKind::Consume => "consume",
        },
        l.cut.then_some("cut")
    );
    let marker = (l.kind == LinkKind::Produce).then_some("url(#arrow)");
    html! {
        <path key={l.key.clone()} class={class} d={l.curve.path()} marker-end={marker} />
    }
}

fn producer(p: &ClientBox) -> Html {
    html! {
        <g key={format!("producer-{}", p.client.0)} class="producer"
           aria-label={format!("Producer {}: {}", p.name, p.detail)}>
            { rect(&p.rect, "producer-box", 10.0) }
            <text class="node-title" x={fmt(p.rect.x + 12.0)} y={fmt(p.rect.y + 24.0)}>
                { format!("⇢ {}", p.name) }
            </text>
            <text class="node-detail" x={fmt(p.rect.x + 12.0)} y={fmt(p.rect.y + 44.0)}>{ &p.detail }</text>
        </g>
    }
}

#[derive(Properties, PartialEq)]
struct BrokerNodeProps {
    card: BrokerCard,
    compact: bool,
    selected: bool,
    on_select: Callback<BrokerId>,
    on_select_partition: Callback<String>,
}

/// One broker card: a component of its own so that Yew skips the cards whose data did not change
/// since the last frame (most of them, most of the time).
#[function_component(BrokerNode)]
fn broker_node(props: &BrokerNodeProps) -> Html {
    let (b, compact, selected) = (&props.card, props.compact, props.selected);
    let on_select = &props.on_select;
    let id = b.id;
    let onclick = on_select.reform(move |_: MouseEvent| id);
    let onkeydown = {
        let on_select = on_select.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                on_select.emit(id);
            }
        })
    };
    let state_class = match b.state {
        BrokerState::Alive => "alive",
        BrokerState::Isolated => "isolated",
        BrokerState::Dead => "dead",
    };
    let r = &b.rect;
    html! {
        <g class={classes!("broker", state_class, selected.then_some("selected"))}
           role="button" tabindex="0" aria-label={b.label.clone()} aria-description={b.summary.clone()}
           aria-pressed={selected.to_string()} data-broker={id.0.to_string()} {onclick} {onkeydown}>
            { rect(r, "broker-box", 12.0) }
            <text class="broker-label" x={fmt(r.x + 14.0)} y={fmt(r.y + 26.0)}>{ &b.label }</text>
            <text class="broker-state" x={fmt(r.x + 14.0)} y={fmt(r.y + 46.0)}>
                { state_text(b) }
            </text>
            { for b.replicas.iter().map(|row| if compact {
                html! {
                    <ReplicaTile key={row.partition.clone()} partition={row.partition.clone()} role={row.role}
                                 rect={row.rect} on_select_partition={props.on_select_partition.clone()} />
                }
            } else {
                replica_row(row, open_partition(&row.partition, &props.on_select_partition))
            }) }
        </g>
    }
}

fn group(g: &GroupBox) -> Html {
    let r = &g.rect;
    html! {
        <g key={format!("group-{}", g.name)} class="group" data-group={g.name.clone()}
           aria-label={format!("Consumer group {}: {}", g.name, g.detail)}>
            { rect(r, "group-box", 10.0) }
            <text class="node-title" x={fmt(r.x + 12.0)} y={fmt(r.y + 20.0)}>{ format!("⇠ {}", g.name) }</text>
            <text class="node-detail" x={fmt(r.x + 12.0)} y={fmt(r.y + 37.0)}>{ &g.detail }</text>
            { for g.members.iter().map(member) }
        </g>
    }
}

fn member(m: &MemberBox) -> Html {
    let r = &m.rect;
    let status = if m.dead {
        "killed"
    } else if m.idle {
        "idle"
    } else {
        "active"
    };
    html! {
        <g key={m.client_id.clone()} class={classes!("member", status)} data-member={m.client_id.clone()}
           aria-label={format!("Consumer {}: {status}, {}", m.client_id, m.detail)}>
            { rect(r, "member-box", 6.0) }
            <text class="member-name" x={fmt(r.x + 8.0)} y={fmt(r.y + 14.0)}>
                { format!("{} · {status}", m.client_id) }
            </text>
            <text class="node-detail" x={fmt(r.x + 8.0)} y={fmt(r.y + 28.0)}>{ &m.detail }</text>
        </g>
    }
}

fn state_text(b: &BrokerCard) -> String {
    let marker = match b.state {
        BrokerState::Alive => "●",
        BrokerState::Isolated => "◌",
        BrokerState::Dead => "✕",
    };
    let fenced = if b.fenced && b.state != BrokerState::Dead {
        " · fenced"
    } else {
        ""
    };
    format!("{marker} {}{fenced}", b.state.label())
}

/// Clicking a replica opens its partition; the click goes on to select the broker around it.
fn open_partition(partition: &str, on_select_partition: &Callback<String>) -> Callback<MouseEvent> {
    let partition = partition.to_string();
    on_select_partition.reform(move |_: MouseEvent| partition.clone())
}

fn replica_row(row: &ReplicaRow, onclick: Callback<MouseEvent>) -> Html {
    let r = &row.rect;
    let bar = &row.bar;
    let title = format!(
        "{} on this broker: {}; LEO {}, HW {}{}",
        row.partition,
        row.role.label(),
        row.log_end_offset,
        row.high_watermark,
        if row.partition_offline {
            "; partition offline"
        } else if row.under_replicated {
            "; under-replicated"
        } else {
            ""
        }
    );
    let row_class = classes!(
        "replica",
        row.role.class(),
        row.under_replicated.then_some("under-replicated"),
        row.partition_offline.then_some("partition-offline")
    );
    html! {
        <g key={row.partition.clone()} class={row_class} data-partition={row.partition.clone()}
           data-role={row.role.class()} data-leo={row.log_end_offset.to_string()}
           data-hw={row.high_watermark.to_string()} {onclick}>
            <title>{ title }</title>
            { rect(r, "replica-bg", 5.0) }
            <rect class="badge" x={fmt(r.x + 4.0)} y={fmt(r.y + 4.0)} width="18" height="18" rx="3" />
            <text class="badge-text" x={fmt(r.x + 13.0)} y={fmt(r.y + 17.5)} text-anchor="middle">
                { row.role.badge() }
            </text>
            <text class="replica-label" x={fmt(r.x + 28.0)} y={fmt(r.y + 18.0)}>{ &row.label }</text>
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
    partition: String,
    role: ReplicaRole,
    rect: Rect,
    on_select_partition: Callback<String>,
}

/// A replica in the compact drawing: its role only (LEO and HW are in the inspector), so a tile
/// re-renders only when its role changes, however fast records arrive.
#[function_component(ReplicaTile)]
fn replica_tile(props: &ReplicaTileProps) -> Html {
    let r = &props.rect;
    let onclick = open_partition(&props.partition, &props.on_select_partition);
    html! {
        <g class={classes!("replica", "tile", props.role.class())} data-partition={props.partition.clone()}
           data-role={props.role.class()} {onclick}>
            <title>{ format!("{}: {}", props.partition, props.role.label()) }</title>
            { rect(r, "badge", 3.0) }
            <text class="badge-text" x={fmt(r.center_x())} y={fmt(r.y + 13.5)} text-anchor="middle">
                { props.role.badge() }
            </text>
        </g>
    }
}

/// Messages in flight, one `<path>` of circles per message family: hundreds of moving dots cost
/// the browser a handful of attribute changes per frame instead of two per dot.
fn dots(dots: &[Dot]) -> Html {
    let mut paths: BTreeMap<(&'static str, bool), String> = BTreeMap::new();
    for d in dots {
        let path = paths.entry((d.class, d.doomed)).or_default();
        // A circle of radius 4.5 as two arcs, starting at its left edge.
        path.push_str(&format!(
            "M{} {}a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0",
            fmt(d.at.x - 4.5),
            fmt(d.at.y)
        ));
    }
    html! {
        { for paths.into_iter().map(|((class, doomed), d)| html! {
            <path key={format!("{class}-{doomed}")} class={classes!("dot", class, doomed.then_some("doomed"))} {d} />
        }) }
    }
}

fn rect(r: &Rect, class: &'static str, radius: f64) -> Html {
    html! {
        <rect class={class} x={fmt(r.x)} y={fmt(r.y)} width={fmt(r.w)} height={fmt(r.h)} rx={fmt(radius)} />
    }
}

/// SVG coordinates with one decimal: enough for the eye, short in the DOM. Formatted as an
/// integer count of tenths, which is several times cheaper than float formatting (this runs
/// thousands of times a frame).
fn fmt(v: f64) -> String {
    let tenths = (v * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let tenths = tenths.unsigned_abs();
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    #[test]
    fn coordinates_have_one_decimal_like_float_formatting() {
        for v in [0.0, 0.04, 0.05, 1.25, 12.34, 99.96, 1234.5, -0.3, -12.36] {
            let expected = format!("{:.1}", (v * 10.0_f64).round() / 10.0);
            assert_eq!(super::fmt(v), expected, "{v}");
        }
    }
}
