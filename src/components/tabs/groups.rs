//! The groups tab: every consumer group with its state and consumers (click one for its card),
//! and a new group: its name, the topics it subscribes to, its assignor and where its consumers
//! start (`auto.offset.reset`).

use kafka_sim::assignor::AssignorKind;
use kafka_sim::consumer::OffsetReset;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use std::fmt::Write;

use crate::components::inline_error::InlineError;
use crate::components::panel_markup::{button, esc, on_act, raw, Act};
use crate::components::text_field::use_text_field;
use crate::state::selection::Selection;
use crate::state::Action;

/// What the tab shows of one group.
#[derive(Clone, PartialEq)]
pub struct GroupSummary {
    pub name: String,
    pub state: String,
    /// `(client id, running)`
    pub consumers: Vec<(String, bool)>,
}

#[derive(Properties, PartialEq)]
pub struct GroupsTabProps {
    pub groups: Vec<GroupSummary>,
    pub topics: Vec<String>,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

const ASSIGNORS: [(&str, Option<AssignorKind>); 5] = [
    ("default (range, cooperative-sticky)", None),
    ("range", Some(AssignorKind::Range)),
    ("roundrobin", Some(AssignorKind::RoundRobin)),
    ("sticky", Some(AssignorKind::Sticky)),
    ("cooperative-sticky", Some(AssignorKind::CooperativeSticky)),
];

/// `auto.offset.reset` for a new group's consumers: Kafka's default first.
const RESETS: [OffsetReset; 2] = [OffsetReset::Latest, OffsetReset::Earliest];

/// What each choice of [`RESETS`] means, in `lang` (the value is Kafka's word).
fn reset_label(lang: Lang, reset: OffsetReset) -> &'static str {
    match reset {
        OffsetReset::Earliest => tr(lang, "earliest (from the first record)"),
        _ => tr(lang, "latest (Kafka's default: new records only)"),
    }
}

#[function_component(GroupsTab)]
pub fn groups_tab(props: &GroupsTabProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let name = use_text_field("");
    let assignor = use_state(|| 0usize);
    let reset = use_state(|| 0usize);
    // Topics ticked for the new group; the first topic by default.
    let chosen = use_state(|| {
        props
            .topics
            .first()
            .cloned()
            .into_iter()
            .collect::<Vec<String>>()
    });
    let on_assignor = {
        let assignor = assignor.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            assignor.set(select.selected_index().max(0) as usize);
        })
    };
    let on_reset = {
        let reset = reset.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            reset.set(select.selected_index().max(0) as usize);
        })
    };
    let onsubmit = {
        let (name, assignor, chosen, reset) = (
            name.clone(),
            assignor.clone(),
            chosen.clone(),
            reset.clone(),
        );
        props.dispatch.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::CreateGroup {
                name: name.text(),
                topics: (*chosen).clone(),
                assignor: ASSIGNORS[*assignor].1,
                auto_offset_reset: RESETS[*reset],
            }
        })
    };
    let (onclick, onkeydown) = on_act(&props.dispatch);
    let toggle_topic = |topic: &str| {
        let (chosen, topic) = (chosen.clone(), topic.to_string());
        Callback::from(move |e: Event| {
            let on = e.target_unchecked_into::<HtmlInputElement>().checked();
            let mut next: Vec<String> =
                (*chosen).iter().filter(|t| **t != topic).cloned().collect();
            if on {
                next.push(topic.clone());
                kafka_sim::sorting::sort(&mut next);
            }
            chosen.set(next);
        })
    };
    html! {
        <section class="card" aria-labelledby="groups-heading" {onclick} {onkeydown}>
            <h2 id="groups-heading">{ tr(lang, "Consumer groups") }</h2>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            { raw(group_list(lang, &props.groups)) }
            <form class="form-grid" {onsubmit} aria-label={tr(lang, "Create group")}>
                <label class="span-2">{ tr(lang, "New group") }
                    <input name="group-name" placeholder="analytics" value={name.text()} oninput={name.oninput.clone()} />
                </label>
                <fieldset class="span-2 topic-choice">
                    <legend>{ tr(lang, "Subscribes to") }</legend>
                    { for props.topics.iter().map(|t| html! {
                        <label class="inline">
                            <input type="checkbox" checked={chosen.contains(t)} onchange={toggle_topic(t)} />
                            { t }
                        </label>
                    }) }
                </fieldset>
                <label>{ tr(lang, "Assignor") }
                    <select onchange={on_assignor} aria-label={tr(lang, "Assignor")}>
                        { for ASSIGNORS.iter().enumerate().map(|(i, (label, _))| html! {
                            <option selected={i == *assignor}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <label class="span-2">{ "auto.offset.reset" }
                    <select onchange={on_reset} aria-label="auto.offset.reset"
                            title={tr(lang, "Where a consumer starts a partition its group has no committed offset for")}>
                        { for RESETS.iter().enumerate().map(|(i, r)| html! {
                            <option selected={i == *reset}>{ reset_label(lang, *r) }</option>
                        }) }
                    </select>
                </label>
                <button type="submit">{ tr(lang, "Create group") }</button>
            </form>
        </section>
    }
}

/// The groups, each with its state, its consumers (chips that open their card) and a button
/// adding one.
fn group_list(lang: Lang, groups: &[GroupSummary]) -> String {
    let mut out = String::from(r#"<ul class="group-list">"#);
    for g in groups {
        out.push_str(r#"<li class="group-row"><div>"#);
        button(
            &mut out,
            "link-button inline strong",
            &Act::Select(Selection::Group(g.name.clone())),
            &g.name,
            Some(&trf(lang, "Open group {}", &[&g.name])),
        );
        let running = g.consumers.iter().filter(|c| c.1).count();
        let _ = write!(
            out,
            r#"<span class="muted"> {} · {}</span></div><ul class="chips">"#,
            esc(&g.state),
            trf(lang, "{} running", &[&running])
        );
        for (c, is_running) in &g.consumers {
            out.push_str("<li>");
            let act = Act::Select(Selection::Consumer {
                group: g.name.clone(),
                client_id: c.clone(),
            });
            let (class, label) = if *is_running {
                ("chip", c.clone())
            } else {
                ("chip stopped", trf(lang, "{} (stopped)", &[c]))
            };
            button(&mut out, class, &act, &label, None);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
        button(
            &mut out,
            "",
            &Act::AddConsumer(g.name.clone()),
            &trf(lang, "Add consumer to {}", &[&g.name]),
            None,
        );
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}
