//! The Guarantees tab: the guarantee ledger as of the moment shown (what producers were told
//! is written, what of it was lost and by which election, what groups got twice or out of key
//! order, and why), each entry linking to its moment on the timeline and to its first record;
//! and a record finder (by `TOPIC-PARTITION@OFFSET` or by key) that opens a record's card with
//! its journey.

use std::fmt::Write;

use kafka_sim::guarantees::{EntryKind, LedgerCounts, LedgerEntry};
use yew::prelude::*;

use crate::components::guarantee_words::entry_reason;
use crate::components::inline_error::InlineError;
use crate::components::panel_markup::{button, esc, on_act, raw, term, Act};
use crate::components::text_field::use_text_field;
use crate::i18n::{tr, trf, Lang};
use crate::state::forms::Found;
use crate::state::selection::Selection;
use crate::state::timeline::clock_text;
use crate::state::Action;

/// Entries listed at most (the newest); the counts cover all of them.
pub const ENTRIES_SHOWN: usize = 60;

#[derive(Properties, PartialEq)]
pub struct GuaranteesTabProps {
    pub counts: LedgerCounts,
    /// The newest entries, newest first (at most `ENTRIES_SHOWN`).
    pub entries: Vec<LedgerEntry>,
    /// Entries in all.
    pub total_entries: usize,
    pub found: Option<Found>,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(GuaranteesTab)]
pub fn guarantees_tab(props: &GuaranteesTabProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let query = use_text_field("");
    let onsubmit = {
        let query = query.clone();
        props.dispatch.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::FindRecord(query.text())
        })
    };
    let (onclick, onkeydown) = on_act(&props.dispatch);
    html! {
        <section class="card" aria-labelledby="ledger-heading" {onclick} {onkeydown}>
            <h2 id="ledger-heading">{ tr(lang, "Guarantee ledger") }</h2>
            { raw(counts(lang, &props.counts)) }
            { raw(entries(lang, &props.entries, props.total_entries)) }
            <h3>{ tr(lang, "Find a record") }</h3>
            <form class="form-grid" {onsubmit} aria-label={tr(lang, "Find a record")}>
                <label class="span-2">{ tr(lang, "Key, or topic-partition@offset") }
                    <input name="record-query" placeholder={tr(lang, "customer-42 or orders-2@15")}
                           value={query.text()} oninput={query.oninput.clone()} />
                </label>
                <button type="submit">{ tr(lang, "Find") }</button>
            </form>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            if let Some(found) = &props.found {
                { raw(found_list(lang, found)) }
            }
        </section>
    }
}

/// The totals, each with what it means.
fn counts(lang: Lang, c: &LedgerCounts) -> String {
    let rows = [
        (
            c.acked,
            "acknowledged",
            tr(lang, "acknowledged"),
            tr(lang, "records producers were told are written"),
            "",
        ),
        (
            c.lost,
            "lost after the ack",
            tr(lang, "lost after the ack"),
            tr(lang, "acknowledged, then missing from the new leader's log"),
            "bad",
        ),
        (
            c.delivered,
            "delivered",
            tr(lang, "delivered"),
            tr(
                lang,
                "records handed to consumers' applications, all groups",
            ),
            "",
        ),
        (
            c.duplicates,
            "delivered twice",
            tr(lang, "delivered twice"),
            tr(
                lang,
                "a group got them again (a consumer died or left before committing)",
            ),
            "warn",
        ),
        (
            c.order_violations,
            "out of key order",
            tr(lang, "out of key order"),
            tr(
                lang,
                "a group got a key's record after a newer one of that key",
            ),
            "bad",
        ),
        (
            c.aborted_seen,
            "aborted, seen",
            tr(lang, "aborted, seen"),
            tr(
                lang,
                "records of aborted transactions read by read_uncommitted consumers",
            ),
            "warn",
        ),
    ];
    let mut out = String::from(r#"<dl class="ledger-counts">"#);
    // `data-ledger` names the count in English in every language (the tests read it).
    for (n, id, name, meaning, tone) in rows {
        let _ = write!(
            out,
            r#"<div class="{}" data-ledger="{}"><dt>{name}</dt><dd><b>{n}</b> <span class="muted">{meaning}</span></dd></div>"#,
            if n > 0 { tone } else { "" },
            id.replace(' ', "-"),
        );
    }
    out.push_str("</dl>");
    out
}

fn kind_words(lang: Lang, kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Lost => tr(lang, "lost"),
        EntryKind::Duplicate => tr(lang, "delivered twice"),
        EntryKind::OrderViolation => tr(lang, "out of key order"),
        EntryKind::AbortedSeen => tr(lang, "aborted, seen"),
    }
}

/// The newest entries, each with its moment and its first record.
fn entries(lang: Lang, list: &[LedgerEntry], total: usize) -> String {
    if list.is_empty() {
        return format!(
            r#"<p class="hint">{} ({})</p>"#,
            tr(lang, "Nothing lost, nothing delivered twice, no key out of order. Kill a leader while an acks=1 producer writes, or a consumer before it commits, and watch this list."),
            term("acks", "acks")
        );
    }
    let mut out = format!(
        r#"<ol class="ledger-entries" aria-label="{}">"#,
        esc(tr(lang, "Ledger entries"))
    );
    for e in list {
        let _ = write!(
            out,
            r#"<li class="{}" data-kind="{}"><b>{}</b> "#,
            match e.kind {
                EntryKind::Lost | EntryKind::OrderViolation => "bad",
                _ => "warn",
            },
            e.kind.as_str(),
            kind_words(lang, e.kind)
        );
        out.push_str(&trf(
            lang,
            "{} record(s) of {} at offsets {}..{}",
            &[&e.count, &e.tp, &e.start.0, &e.end.0],
        ));
        if let (Some(g), Some(c)) = (&e.group, &e.consumer) {
            out.push_str(&trf(lang, " · group {} consumer {}", &[&esc(g), &esc(c)]));
        }
        let _ = write!(
            out,
            r#"<div class="muted">{}</div><div>"#,
            esc(&entry_reason(lang, &e.reason))
        );
        button(
            &mut out,
            "link-button",
            &Act::Seek(e.at_ms),
            &trf(lang, "at {}", &[&clock_text(e.at_ms)]),
            Some(&trf(lang, "Show the moment {}", &[&clock_text(e.at_ms)])),
        );
        out.push_str(" · ");
        if e.topic_deleted {
            // Its records are gone; the topic of that name now has others at these offsets.
            let _ = write!(
                out,
                r#"<span class="muted">{}</span>"#,
                trf(
                    lang,
                    "record {}@{} (topic deleted since)",
                    &[&e.tp, &e.start.0]
                )
            );
        } else {
            button(
                &mut out,
                "link-button",
                &Act::Select(Selection::Record {
                    tp: e.tp.clone(),
                    offset: e.start.0,
                }),
                &trf(lang, "record {}@{}", &[&e.tp, &e.start.0]),
                Some(&trf(lang, "Open record {} offset {}", &[&e.tp, &e.start.0])),
            );
        }
        out.push_str("</div></li>");
    }
    out.push_str("</ol>");
    if total > list.len() {
        let _ = write!(
            out,
            r#"<p class="hint">{}</p>"#,
            trf(lang, "The newest {} of {} entries.", &[&list.len(), &total])
        );
    }
    out
}

/// The records a key search found, each opening its card.
fn found_list(lang: Lang, found: &Found) -> String {
    let mut out = format!(
        r#"<p>{}</p><ul class="chips" aria-label="{}">"#,
        trf(
            lang,
            "{} record(s) with key {}:",
            &[
                &found.records.len(),
                &format!("<code>{}</code>", esc(&found.key))
            ]
        ),
        tr(lang, "Records found")
    );
    for (tp, offset) in &found.records {
        out.push_str("<li>");
        button(
            &mut out,
            "chip",
            &Act::Select(Selection::Record {
                tp: tp.clone(),
                offset: *offset,
            }),
            &format!("{tp}@{offset}"),
            Some(&trf(lang, "Open record {} offset {}", &[tp, offset])),
        );
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_sim::guarantees::{ConsumerFate, EntryReason};
    use kafka_sim::{Offset, TopicPartition};

    #[test]
    fn entries_link_to_their_moment_and_record() {
        let entry = LedgerEntry {
            at_ms: 61_500,
            kind: EntryKind::Duplicate,
            tp: TopicPartition::new("orders", 2),
            start: Offset(10),
            end: Offset(14),
            count: 4,
            group: Some("payments".into()),
            consumer: Some("<payments-1>".into()),
            reason: EntryReason::ConsumerGone {
                consumer: "payments-1".into(),
                fate: ConsumerFate::Died,
                handed_up_to: Offset(14),
                committed: Some(Offset(10)),
            },
            topic_deleted: false,
        };
        let html = entries(Lang::En, std::slice::from_ref(&entry), 3);
        assert!(html.contains(r#"data-act="seek|61500""#));
        assert!(html.contains(r#"data-act="record|orders|2|10""#));
        assert!(html.contains("at 1:01.5"));
        assert!(html.contains("&lt;payments-1&gt;"), "names escaped");
        assert!(html.contains("newest 1 of 3"));
        let none = entries(Lang::En, &[], 0);
        assert!(none.contains("Nothing lost"));
        // Once its topic is deleted the entry opens no record: the topic created again under
        // that name has another record at that offset.
        let gone = entries(
            Lang::En,
            &[LedgerEntry {
                topic_deleted: true,
                ..entry
            }],
            1,
        );
        assert!(!gone.contains("data-act=\"record|"), "{gone}");
        assert!(
            gone.contains("record orders-2@10 (topic deleted since)"),
            "{gone}"
        );
        assert!(
            gone.contains(r#"data-act="seek|61500""#),
            "its moment is still there"
        );
    }

    #[test]
    fn counts_flag_only_what_happened() {
        let html = counts(
            Lang::En,
            &LedgerCounts {
                acked: 10,
                lost: 2,
                ..LedgerCounts::default()
            },
        );
        assert!(html.contains(r#"<div class="bad" data-ledger="lost-after-the-ack"><dt>"#));
        assert!(html.contains(r#"<div class="" data-ledger="delivered-twice">"#));
    }
}
