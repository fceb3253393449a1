//! A consumer group's card: its state, generation, assignor and coordinator (each term
//! explained), what can be done (add a consumer, reset its offsets), its members, and its
//! `kafka-consumer-groups.sh --describe`, exactly as Kafka prints it, with lag.

use std::fmt::Write;

use kafka_sim::command::ResetTarget;
use kafka_sim::view::GroupView;
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use crate::components::inline_error::InlineError;
use crate::components::panel_markup::{button, esc, on_act, raw, term, Act};
use crate::scene::reasons::Reason;
use crate::state::selection::Selection;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct GroupCardProps {
    pub group: GroupView,
    pub topics: Vec<String>,
    pub reason: Option<Reason>,
    /// `kafka-consumer-groups --describe` text.
    pub describe: AttrValue,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(GroupCard)]
pub fn group_card(props: &GroupCardProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let g = &props.group;
    let name = g.group.clone();
    let act = |make: fn(String) -> Action| {
        let name = name.clone();
        props
            .dispatch
            .reform(move |_: MouseEvent| make(name.clone()))
    };
    let (onclick, onkeydown) = on_act(&props.dispatch);
    html! {
        <section class="card" aria-label={trf(lang, "Group {}", &[&g.group])} {onclick} {onkeydown}>
            { raw(facts(lang, g, &props.topics)) }
            <div class="button-row">
                <button onclick={act(|group| Action::AddConsumer { group })}>{ trf(lang, "Add consumer to {}", &[&g.group]) }</button>
                <button onclick={act(|group| Action::ResetOffsets { group, to: ResetTarget::Earliest })}
                        title={tr(lang, "kafka-consumer-groups --reset-offsets --to-earliest --execute (only while the group has no active member)")}>
                    { trf(lang, "Reset {} to earliest", &[&g.group]) }
                </button>
            </div>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            if let Some(r) = &props.reason {
                <p class="reason">{ r.full() }</p>
            }
            { raw(members(lang, g)) }
            <pre class="describe" aria-label={tr(lang, "Group description")}>{ props.describe.clone() }</pre>
        </section>
    }
}

fn facts(lang: Lang, g: &GroupView, topics: &[String]) -> String {
    // The state is Kafka's name (Stable, PreparingRebalance...), the glossary's key too.
    let (state, state_key) = match g.state {
        Some(s) => (s.as_str(), s.as_str()),
        None => (tr(lang, "no coordinator"), "no coordinator"),
    };
    let coordinator = g.coordinator.map_or(tr(lang, "none").to_string(), |b| {
        trf(lang, "broker {}", &[&b.0])
    });
    format!(
        r#"<h2>{}</h2><p class="facts-line">{} · {} · {} · {}</p><p class="muted">{}</p>"#,
        esc(&trf(lang, "Group {}", &[&g.group])),
        term(state, state_key),
        term(&trf(lang, "generation {}", &[&g.generation]), "generation"),
        esc(g.protocol.as_deref().unwrap_or(tr(lang, "no assignor yet"))),
        term(&trf(lang, "coordinator {}", &[&coordinator]), "coordinator"),
        trf(
            lang,
            "Reads {} · delivered {} records, {} of them twice",
            &[
                &esc(&topics.join(", ")),
                &g.records_delivered,
                &g.duplicates
            ]
        )
    )
}

fn members(lang: Lang, g: &GroupView) -> String {
    let mut out = format!(r#"<h3>{}</h3><ul class="chips">"#, tr(lang, "Members"));
    for m in &g.members {
        out.push_str("<li>");
        let select = Act::Select(Selection::Consumer {
            group: g.group.clone(),
            client_id: m.client_id.clone(),
        });
        button(&mut out, "chip", &select, &m.client_id, None);
        out.push_str("</li>");
    }
    let _ = write!(
        out,
        "</ul><h3>kafka-consumer-groups.sh --describe --group {}</h3>",
        esc(&g.group)
    );
    out
}
