//! A partition up close: each replica's log (offset, key, value, timestamp, epoch) with its log
//! start, HW and LEO, so one can see which records are committed and which are not yet.

use yew::prelude::*;

use crate::inspect::{PartitionDetail, ReplicaLog};
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct PartitionInspectorProps {
    pub detail: PartitionDetail,
    pub dispatch: Callback<Action>,
}

#[function_component(PartitionInspector)]
pub fn partition_inspector(props: &PartitionInspectorProps) -> Html {
    let d = &props.detail;
    let close = props
        .dispatch
        .reform(|_: MouseEvent| Action::SelectPartition(None));
    let leader = d.leader.map_or("none".to_string(), |b| b.0.to_string());
    let isr: Vec<String> = d.isr.iter().map(|b| b.0.to_string()).collect();
    html! {
        <section class="panel wide inspector" aria-label={format!("Partition {}", d.name)}>
            <div class="panel-title">
                <h2>{ format!("Partition {}", d.name) }</h2>
                <span class="muted">{ format!("Leader: {leader} · epoch {} · Isr: {}", d.leader_epoch, isr.join(",")) }</span>
                <button class="link-button" onclick={close} aria-label="Close partition">{ "×" }</button>
            </div>
            <div class="replica-logs">
                { for d.replicas.iter().map(replica_log) }
            </div>
        </section>
    }
}

fn replica_log(r: &ReplicaLog) -> Html {
    html! {
        <div class="replica-log" key={r.broker.0}>
            <h3>{ format!("Broker {} · {}", r.broker.0, r.role) }</h3>
            <p class="muted">{ format!("log start {} · HW {} · LEO {}", r.log_start_offset, r.high_watermark, r.log_end_offset) }</p>
            <table>
                <thead><tr><th>{ "offset" }</th><th>{ "key" }</th><th>{ "value" }</th><th>{ "timestamp" }</th><th>{ "epoch" }</th></tr></thead>
                <tbody>
                    { for r.records.iter().map(|rec| html! {
                        <tr class={if rec.committed { "committed" } else { "uncommitted" }}
                            title={if rec.committed { "committed: below the HW" } else { "not yet committed: at or above the HW" }}>
                            <td>{ rec.offset }</td><td>{ &rec.key }</td><td>{ &rec.value }</td>
                            <td>{ format!("{} ms", rec.timestamp_ms) }</td><td>{ rec.leader_epoch }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if r.records.is_empty() { <p class="muted">{ "empty log" }</p> }
        </div>
    }
}
