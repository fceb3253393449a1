//! A partition up close: leader, epoch, ISR, what is wrong with it, and each replica's log
//! (offset, key, value, timestamp, epoch) with its log start, HW and LEO, so one can see which
//! records are committed and which are not yet. A record's row opens its card.

use std::fmt::Write;

use yew::prelude::*;

use crate::components::cluster_diagram::role_class;
use crate::components::panel_markup::{esc, on_act, raw, term, Act};
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
    let (onclick, onkeydown) = on_act(&props.dispatch);
    html! {
        <section class="card" aria-label={format!("Partition {}", d.tp)} {onclick} {onkeydown}>
            { raw(body(d, &props.warnings)) }
        </section>
    }
}

fn body(d: &PartitionDetail, warnings: &[String]) -> String {
    let mut out = String::new();
    let leader = d.leader.map_or("none".to_string(), |b| b.0.to_string());
    let _ = write!(
        out,
        r#"<h2>Partition {}</h2><p class="facts-line">{}: {leader} · {} {} · {}: {}</p>"#,
        d.tp,
        term("Leader", "leader"),
        term("epoch", "epoch"),
        d.leader_epoch,
        term("Isr", "ISR"),
        words::compact_ids(&d.isr)
    );
    for w in warnings {
        let _ = write!(out, r#"<p class="warning">⚠ {}</p>"#, esc(w));
    }
    out.push_str(r#"<div class="replica-logs">"#);
    for r in &d.replicas {
        replica_log(&mut out, d, r);
    }
    out.push_str("</div>");
    out
}

fn replica_log(out: &mut String, d: &PartitionDetail, r: &ReplicaLog) {
    let _ = write!(
        out,
        r#"<div class="replica-log {}"><h3>Broker {} · {}</h3><p class="muted">{} {} · {} {} · {} {}</p>"#,
        role_class(r.role),
        r.broker.0,
        r.role.as_str(),
        term("log start", "log start"),
        r.log_start_offset,
        term("HW", "HW"),
        r.high_watermark,
        term("LEO", "LEO"),
        r.log_end_offset
    );
    if r.records.is_empty() {
        out.push_str(r#"<p class="muted">empty log</p></div>"#);
        return;
    }
    out.push_str("<table><thead><tr><th>offset</th><th>key</th><th>value</th><th>time</th><th>epoch</th></tr></thead><tbody>");
    for rec in &r.records {
        let act = Act::Select(Selection::Record {
            tp: d.tp.clone(),
            offset: rec.offset,
        });
        let (class, title) = if rec.committed {
            ("committed", "committed: below the HW")
        } else {
            ("uncommitted", "not yet committed: at or above the HW")
        };
        let _ = write!(
            out,
            r#"<tr class="{class}" title="{title}" tabindex="0" data-act="{}" aria-label="Record {} offset {}"><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td></tr>"#,
            esc(&act.encode()),
            d.tp,
            rec.offset,
            rec.offset,
            esc(&rec.key),
            esc(&rec.value),
            rec.timestamp_ms,
            rec.leader_epoch
        );
    }
    out.push_str("</tbody></table></div>");
}
