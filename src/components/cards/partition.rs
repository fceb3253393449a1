//! A partition up close: leader, epoch, ISR, what is wrong with it, and each replica's log
//! (offset, key, value, timestamp, epoch) with its log start, HW and LEO, so one can see which
//! records are committed and which are not yet. Clicking a record opens its card.

use yew::prelude::*;

use crate::components::cluster_diagram::role_class;
use crate::components::term::term;
use crate::inspect::{PartitionDetail, ReplicaLog};
use crate::scene::words;
use crate::state::selection::Selection;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct PartitionCardProps {
    pub detail: PartitionDetail,
    /// What is wrong with it, as the diagram says it.
    pub warnings: Vec<String>,
    pub dispatch: Callback<Action>,
}

#[function_component(PartitionCard)]
pub fn partition_card(props: &PartitionCardProps) -> Html {
    let d = &props.detail;
    let leader = d.leader.map_or("none".to_string(), |b| b.0.to_string());
    html! {
        <section class="card" aria-label={format!("Partition {}", d.tp)}>
            <h2>{ format!("Partition {}", d.tp) }</h2>
            <p class="facts-line">
                { term("Leader", "leader") }{ format!(": {leader} · ") }
                { term("epoch", "epoch") }{ format!(" {} · ", d.leader_epoch) }
                { term("Isr", "ISR") }{ format!(": {}", words::compact_ids(&d.isr)) }
            </p>
            { for props.warnings.iter().map(|w| html! { <p class="warning">{ format!("⚠ {w}") }</p> }) }
            <div class="replica-logs">
                { for d.replicas.iter().map(|r| replica_log(&d.tp, r, &props.dispatch)) }
            </div>
        </section>
    }
}

fn replica_log(
    tp: &kafka_sim::TopicPartition,
    r: &ReplicaLog,
    dispatch: &Callback<Action>,
) -> Html {
    html! {
        <div class={classes!("replica-log", role_class(r.role))} key={r.broker.0}>
            <h3>{ format!("Broker {} · {}", r.broker.0, r.role.as_str()) }</h3>
            <p class="muted">
                { term("log start", "log start") }{ format!(" {} · ", r.log_start_offset) }
                { term("HW", "HW") }{ format!(" {} · ", r.high_watermark) }
                { term("LEO", "LEO") }{ format!(" {}", r.log_end_offset) }
            </p>
            <table>
                <thead><tr><th>{ "offset" }</th><th>{ "key" }</th><th>{ "value" }</th><th>{ "time" }</th><th>{ "epoch" }</th></tr></thead>
                <tbody>
                    { for r.records.iter().map(|rec| {
                        let select = Selection::Record { tp: tp.clone(), offset: rec.offset };
                        let onclick = dispatch.reform(move |_: MouseEvent| Action::Select(Some(select.clone())));
                        html! {
                            <tr class={if rec.committed { "committed" } else { "uncommitted" }} {onclick}
                                title={if rec.committed { "committed: below the HW" } else { "not yet committed: at or above the HW" }}>
                                <td>{ rec.offset }</td><td>{ &rec.key }</td><td>{ &rec.value }</td>
                                <td>{ format!("{} ms", rec.timestamp_ms) }</td><td>{ rec.leader_epoch }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if r.records.is_empty() { <p class="muted">{ "empty log" }</p> }
        </div>
    }
}
