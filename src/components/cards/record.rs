//! A record up close: the parts Kafka gives every record (headers, key, value, timestamp) with
//! its topic, partition, offset and leader epoch, and its journey: on which replicas it is, if
//! the HW passed it, which groups have it.

use std::fmt::Write;

use yew::prelude::*;

use crate::components::cluster_diagram::role_class;
use crate::components::panel_markup::{esc, raw, term};
use crate::i18n::{tr, trf, Lang};
use crate::inspect::RecordDetail;
use crate::scene::brokers::role_word;

#[derive(Properties, PartialEq)]
pub struct RecordCardProps {
    pub record: RecordDetail,
}

#[function_component(RecordCard)]
pub fn record_card(props: &RecordCardProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let r = &props.record;
    html! {
        <section class="card" aria-label={trf(lang, "Record {} offset {}", &[&r.tp, &r.offset])}>
            { raw(body(lang, r)) }
        </section>
    }
}

fn body(lang: Lang, r: &RecordDetail) -> String {
    let mut out = String::new();
    let headers = if r.headers.is_empty() {
        tr(lang, "none").to_string()
    } else {
        r.headers
            .iter()
            .map(|(k, v)| format!("<div>{}: {}</div>", esc(k), esc(v)))
            .collect()
    };
    let _ = write!(
        out,
        r#"<h2>{title}</h2><dl class="facts"><dt>{topic}</dt><dd>{t}</dd><dt>{}</dt><dd>{p}</dd><dt>{}</dt><dd>{o}</dd><dt>{}</dt><dd>{e}</dd><dt>timestamp</dt><dd>{ts} ms (CreateTime)</dd><dt>{}</dt><dd class="mono">{k}</dd><dt>{value}</dt><dd class="mono">{v}</dd><dt>headers</dt><dd class="mono">{headers}</dd></dl>"#,
        term(tr(lang, "partition"), "partition"),
        term("offset", "offset"),
        term(tr(lang, "leader epoch"), "epoch"),
        term(tr(lang, "key"), "key"),
        title = esc(&trf(lang, "Record {} offset {}", &[&r.tp, &r.offset])),
        topic = tr(lang, "topic"),
        value = tr(lang, "value"),
        t = esc(&r.tp.topic),
        p = r.tp.partition.0,
        o = r.offset,
        e = r.leader_epoch,
        ts = r.timestamp_ms,
        k = esc(&r.key),
        v = esc(&r.value),
    );
    journey(lang, &mut out, r);
    out
}

/// Where the record has got to, one step a line, each ticked when done.
fn journey(lang: Lang, out: &mut String, r: &RecordDetail) {
    let _ = write!(
        out,
        r#"<ol class="journey" aria-label="{}">"#,
        esc(&trf(
            lang,
            "Journey of record {} offset {}",
            &[&r.tp, &r.offset]
        ))
    );
    let mut step = |done: bool, text: String| {
        let _ = write!(
            out,
            r#"<li class="{}"><span class="tick" aria-hidden="true">{}</span>{text}</li>"#,
            if done { "done" } else { "waiting" },
            if done { "✓" } else { "…" }
        );
    };
    for (b, role, has) in &r.copies {
        step(
            *has,
            format!(
                r#"broker {} <span class="role {}">{}</span>{}"#,
                b.0,
                role_class(*role),
                role_word(lang, *role),
                if *has {
                    tr(lang, ": has it")
                } else {
                    tr(lang, ": does not have it (yet)")
                }
            ),
        );
    }
    step(
        r.committed,
        if r.committed {
            trf(lang, "the {} passed it: committed", &[&term("HW", "HW")])
        } else {
            trf(
                lang,
                "the {} has not passed it: not committed yet",
                &[&term("HW", "HW")],
            )
        },
    );
    for g in &r.groups {
        step(
            g.committed,
            trf(
                lang,
                "group {}: {}{}",
                &[
                    &esc(&g.group),
                    &match &g.fetched_by {
                        Some(m) => trf(lang, "delivered to {}", &[&esc(m)]),
                        None => tr(lang, "not delivered yet").to_string(),
                    },
                    &if g.committed {
                        tr(lang, ", offset committed")
                    } else {
                        ""
                    },
                ],
            ),
        );
    }
    out.push_str("</ol>");
}
