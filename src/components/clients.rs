//! Producers and consumer groups on the diagram, drawn alike in both views. Each is a button
//! (focusable, named "Producer order-service", "Consumer payments-1", "Group payments") that
//! selects it; state is never told by colour alone (words and dash patterns say it too).

use yew::prelude::*;

use super::svg::{activate, rect, text, text_end};
use crate::glossary;
use crate::i18n::{trf, Lang};
use crate::scene::around::{self, Outside, KIND_LINE_H};
use crate::scene::clients::{GroupNode, MemberNode, MemberStatus, ProducerNode};
use crate::scene::geometry::fmt;
use crate::scene::Rect;
use crate::state::selection::Selection;

pub fn producer(lang: Lang, p: &ProducerNode, on_select: &Callback<Selection>) -> Html {
    let name = p.name.clone();
    let (onclick, onkeydown) =
        activate(on_select.reform(move |_| Selection::Producer(name.clone())));
    let r = &p.rect;
    let body = p.body();
    let title = p
        .outside
        .as_ref()
        .and_then(|o| o.title.clone())
        .unwrap_or_else(|| p.name.clone());
    let lines_y = body.y + 40.0 + p.outside.as_ref().map_or(0.0, |_| KIND_LINE_H);
    let mut description = p.lines.join(", ");
    if let Some(o) = &p.outside {
        description = format!("{}, {} ({}), {description}", o.kind, o.system, o.via);
    }
    if let (Some(e), Some(m)) = (&p.error, &p.error_message) {
        // The exception's name and message are Kafka's words.
        description.push_str(&trf(lang, ", failing: {}: {}", &[e, m]));
    }
    html! {
        <g key={format!("producer-{}", p.client.0)}
           class={classes!("producer", p.failing.then_some("failing"), p.mark.class())}
           role="button" tabindex="0" aria-label={trf(lang, "Producer {}", &[&p.name])}
           aria-description={description.clone()} data-producer={p.name.clone()} {onclick} {onkeydown}>
            <title>{ description }</title>
            if let Some(o) = &p.outside {
                { outside(o, r) }
            }
            { rect(&body, "producer-box", 10.0) }
            { text(body.x + 12.0, body.y + 22.0, "node-title", format!("⇢ {title}")) }
            if let Some(o) = &p.outside {
                { kind_line(o, body.x + 12.0, body.y + 40.0) }
            }
            { for p.lines.iter().enumerate().map(|(i, l)| text(body.x + 12.0, lines_y + 17.0 * i as f64, "node-detail", l.clone())) }
            if let Some(e) = &p.error {
                { text(body.x + 12.0, lines_y + 17.0 * p.lines.len() as f64, "error-text", e.clone()) }
            }
        </g>
    }
}

pub fn group(lang: Lang, g: &GroupNode, on_select: &Callback<Selection>) -> Html {
    let name = g.name.clone();
    let (onclick, onkeydown) = activate(on_select.reform(move |_| Selection::Group(name.clone())));
    let state_term = g.state.map(|s| s.as_str()).unwrap_or("");
    let body = g.body();
    let r = &body;
    // A sink connector's kind line pushes the state and reason down.
    let kind_h = g.outside.as_ref().map_or(0.0, |_| KIND_LINE_H);
    let description = match &g.outside {
        Some(o) => format!("{}, {}, {} ({})", o.kind, g.state_line, o.system, o.via),
        None => g.state_line.clone(),
    };
    html! {
        <g key={format!("group-{}", g.name)}
           class={classes!("group", format!("group-c{}", g.colour), g.mark.class())} data-group={g.name.clone()}>
            if let Some(o) = &g.outside {
                { outside(o, &g.rect) }
            }
            { rect(r, "group-box", 10.0) }
            <g class="group-head" role="button" tabindex="0" aria-label={trf(lang, "Group {}", &[&g.name])}
               aria-description={description} {onclick} {onkeydown}>
                <rect class="head-hit" x={fmt(r.x)} y={fmt(r.y)} width={fmt(r.w)}
                      height={fmt(g.members.first().map_or(r.h, |m| m.rect.y - r.y))} rx="10" />
                { text(r.x + 12.0, r.y + 20.0, "node-title", format!("⇠ {}", g.name)) }
                if let Some(o) = &g.outside {
                    { kind_line(o, r.x + 12.0, r.y + 37.0) }
                }
                <text class="node-detail group-state" x={fmt(r.x + 12.0)} y={fmt(r.y + 37.0 + kind_h)}>
                    <title>{ format!("{}\n{}", glossary::tooltip(state_term), glossary::tooltip("generation")) }</title>
                    { &g.state_line }
                </text>
                if let Some(reason) = &g.reason {
                    <g class="reason">
                        <title>{ reason.full() }</title>
                        { text(r.x + 12.0, r.y + 54.0 + kind_h, "reason-text", reason.text.clone()) }
                        { text(r.x + 12.0, r.y + 69.0 + kind_h, "config-text", reason.config.clone()) }
                    </g>
                }
            </g>
            { for g.members.iter().map(|m| member(lang, m, on_select)) }
        </g>
    }
}

/// The line naming what a client is ("REST proxy"), explained by its glossary entry.
fn kind_line(o: &Outside, x: f64, y: f64) -> Html {
    html! {
        <text class="node-kind" x={fmt(x)} y={fmt(y)}>
            { o.kind.clone() }
            <title>{ glossary::tooltip(o.term) }</title>
        </text>
    }
}

/// The system beyond a REST proxy or a connector (`node` is the client's whole rectangle), and
/// the arrow between them, saying what crosses it.
fn outside(o: &Outside, node: &Rect) -> Html {
    let (system, body) = around::split(node, o.upstream);
    let x = node.x + 24.0;
    let (from, to) = if o.upstream {
        (system.bottom(), body.y)
    } else {
        (body.bottom(), system.y)
    };
    html! {
        <g class="outside">
            { rect(&system, "outside-box", 4.0) }
            { text(system.x + 10.0, system.y + 17.0, "outside-name", o.system.clone()) }
            <line class="outside-arrow" x1={fmt(x)} y1={fmt(from)} x2={fmt(x)} y2={fmt(to - 1.0)} marker-end="url(#arrow)" />
            { text(x + 10.0, (from + to) / 2.0 + 4.0, "outside-via", o.via.clone()) }
        </g>
    }
}

fn member(lang: Lang, m: &MemberNode, on_select: &Callback<Selection>) -> Html {
    let r = &m.rect;
    let selection = Selection::Consumer {
        group: m.group.clone(),
        client_id: m.client_id.clone(),
    };
    let (onclick, onkeydown) = activate(on_select.reform(move |_| selection.clone()));
    // The class and data-status stay English; the words shown are in `lang`.
    let status = m.status.word();
    let shown = m.status.label(lang);
    let mut description = format!("{shown}, {}", m.detail);
    if let Some(reason) = &m.reason {
        description.push_str(&format!(", {}", reason.full()));
    }
    let term = match m.status {
        MemberStatus::Idle => glossary::tooltip("idle"),
        MemberStatus::Rebalancing => glossary::tooltip("rebalancing"),
        MemberStatus::Killed => glossary::tooltip("session.timeout.ms"),
        MemberStatus::Leaving => glossary::tooltip("LeaveGroup"),
        _ => description.clone(),
    };
    html! {
        <g key={m.client_id.clone()} class={classes!("member", status, m.mark.class())}
           data-member={m.client_id.clone()} data-status={status}
           role="button" tabindex="0" aria-label={trf(lang, "Consumer {}", &[&m.client_id])}
           aria-description={description} {onclick} {onkeydown}>
            <title>{ term }</title>
            { rect(r, "member-box", 6.0) }
            { text(r.x + 8.0, r.y + 15.0, "member-name", m.title.clone()) }
            { text_end(r.right() - 8.0, r.y + 15.0, "member-status", shown) }
            { text(r.x + 8.0, r.y + 31.0, "node-detail", m.detail.clone()) }
            if let Some(reason) = &m.reason {
                { text(r.x + 8.0, r.y + 46.0, "reason-text", reason.text.clone()) }
            }
        </g>
    }
}
