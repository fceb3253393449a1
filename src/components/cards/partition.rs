//! A partition up close: leader, epoch, ISR, what is wrong with it, and each replica's log
//! (offset, key, value, timestamp, epoch) with its log start, HW and LEO, so one can see which
//! records are committed and which are not yet. A record's row opens its card.

use std::fmt::Write;

use yew::prelude::*;

use crate::components::cluster_diagram::role_class;
use crate::components::panel_markup::{esc, on_act, raw, term, Act};
use crate::i18n::{tr, trf, Lang};
use crate::inspect::{PartitionDetail, ReplicaLog};
use crate::scene::brokers::role_word;
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
    let lang = use_context::<Lang>().unwrap_or_default();
    let d = &props.detail;
    let (onclick, onkeydown) = on_act(&props.dispatch);
    html! {
        <section class="card" aria-label={trf(lang, "Partition {}", &[&d.tp])} {onclick} {onkeydown}>
            { raw(body(lang, d, &props.warnings)) }
        </section>
    }
}

fn body(lang: Lang, d: &PartitionDetail, warnings: &[String]) -> String {
    let mut out = String::new();
    let leader = d
        .leader
        .map_or(tr(lang, "none").to_string(), |b| b.0.to_string());
    // "Leader:" and "Isr:" as Kafka's describe prints them.
    let _ = write!(
        out,
        r#"<h2>{}</h2><p class="facts-line">{}: {leader} · {} {} · {}: {}</p>"#,
        esc(&trf(lang, "Partition {}", &[&d.tp])),
        term("Leader", "leader"),
        term(tr(lang, "epoch"), "epoch"),
        d.leader_epoch,
        term("Isr", "ISR"),
        words::compact_ids(lang, &d.isr)
    );
    for w in warnings {
        let _ = write!(out, r#"<p class="warning">⚠ {}</p>"#, esc(w));
    }
    out.push_str(r#"<div class="replica-logs">"#);
    for r in &d.replicas {
        replica_log(lang, &mut out, d, r);
    }
    out.push_str("</div>");
    out
}

fn replica_log(lang: Lang, out: &mut String, d: &PartitionDetail, r: &ReplicaLog) {
    let _ = write!(
        out,
        r#"<div class="replica-log {}"><h3>Broker {} · {}</h3><p class="muted">{} {} · {} {} · {} {}</p>"#,
        role_class(r.role),
        r.broker.0,
        role_word(lang, r.role),
        term(tr(lang, "log start"), "log start"),
        r.log_start_offset,
        term("HW", "HW"),
        r.high_watermark,
        term("LEO", "LEO"),
        r.log_end_offset
    );
    if r.records.is_empty() {
        let _ = write!(
            out,
            r#"<p class="muted">{}</p></div>"#,
            tr(lang, "empty log")
        );
        return;
    }
    let _ = write!(
        out,
        "<table><thead><tr><th>offset</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        tr(lang, "key"),
        tr(lang, "value"),
        tr(lang, "time"),
        tr(lang, "epoch")
    );
    for rec in &r.records {
        let act = Act::Select(Selection::Record {
            tp: d.tp.clone(),
            offset: rec.offset,
        });
        let (class, title) = if rec.committed {
            ("committed", tr(lang, "committed: below the HW"))
        } else {
            (
                "uncommitted",
                tr(lang, "not yet committed: at or above the HW"),
            )
        };
        let _ = write!(
            out,
            r#"<tr class="{class}" title="{title}" tabindex="0" data-act="{}" aria-label="{}"><td>{}</td><td>{}</td><td>{}</td><td>{} ms</td><td>{}</td></tr>"#,
            esc(&act.encode()),
            esc(&trf(lang, "Record {} offset {}", &[&d.tp, &rec.offset])),
            rec.offset,
            esc(&rec.key),
            esc(&rec.value),
            rec.timestamp_ms,
            rec.leader_epoch
        );
    }
    out.push_str("</tbody></table></div>");
}
