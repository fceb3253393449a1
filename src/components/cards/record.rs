//! A record up close: the parts Kafka gives every record (headers, key, value, timestamp) with
//! its topic, partition, offset and leader epoch, and its journey: on which replicas it is, if
//! the HW passed it, which groups have it.

use yew::prelude::*;

use crate::components::cluster_diagram::role_class;
use crate::components::term::term;
use crate::inspect::RecordDetail;

#[derive(Properties, PartialEq)]
pub struct RecordCardProps {
    pub record: RecordDetail,
}

#[function_component(RecordCard)]
pub fn record_card(props: &RecordCardProps) -> Html {
    let r = &props.record;
    html! {
        <section class="card" aria-label={format!("Record {} offset {}", r.tp, r.offset)}>
            <h2>{ format!("Record {} offset {}", r.tp, r.offset) }</h2>
            <dl class="facts">
                <dt>{ "topic" }</dt><dd>{ &*r.tp.topic }</dd>
                <dt>{ term("partition", "partition") }</dt><dd>{ r.tp.partition.0 }</dd>
                <dt>{ term("offset", "offset") }</dt><dd>{ r.offset }</dd>
                <dt>{ term("leader epoch", "epoch") }</dt><dd>{ r.leader_epoch }</dd>
                <dt>{ "timestamp" }</dt><dd>{ format!("{} ms (CreateTime)", r.timestamp_ms) }</dd>
                <dt>{ term("key", "key") }</dt><dd class="mono">{ &r.key }</dd>
                <dt>{ "value" }</dt><dd class="mono">{ &r.value }</dd>
                <dt>{ "headers" }</dt>
                <dd class="mono">
                    if r.headers.is_empty() { { "none" } }
                    { for r.headers.iter().map(|(k, v)| html! { <div>{ format!("{k}: {v}") }</div> }) }
                </dd>
            </dl>
            <Journey record={r.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct JourneyProps {
    pub record: RecordDetail,
}

/// Where the record has got to, one step a line, each ticked when done.
#[function_component(Journey)]
pub fn journey(props: &JourneyProps) -> Html {
    let r = &props.record;
    let step = |done: bool, text: Html| {
        html! {
            <li class={if done { "done" } else { "waiting" }}>
                <span class="tick" aria-hidden="true">{ if done { "✓" } else { "…" } }</span>{ text }
            </li>
        }
    };
    html! {
        <ol class="journey" aria-label={format!("Journey of record {} offset {}", r.tp, r.offset)}>
            { for r.copies.iter().map(|(b, role, has)| step(*has, html! {
                <>
                    { format!("broker {} ", b.0) }
                    <span class={classes!("role", role_class(*role))}>{ role.as_str() }</span>
                    { if *has { ": has it" } else { ": does not have it (yet)" } }
                </>
            })) }
            { step(r.committed, html! { <>{ "the " }{ term("HW", "HW") }{ if r.committed { " passed it: committed" } else { " has not passed it: not committed yet" } }</> }) }
            { for r.groups.iter().map(|g| step(g.committed, html! {
                <>
                    { format!("group {}: ", g.group) }
                    { match &g.fetched_by {
                        Some(m) => format!("delivered to {m}"),
                        None => "not delivered yet".to_string(),
                    } }
                    { if g.committed { ", offset committed" } else { "" } }
                </>
            })) }
        </ol>
    }
}
