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
        <section class="card" aria-label={format!("Group {}", g.group)} {onclick} {onkeydown}>
            { raw(facts(g, &props.topics)) }
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
            { raw(members(g)) }
            <pre class="describe" aria-label="Group description">{ props.describe.clone() }</pre>
        </section>
    }
}

fn facts(g: &GroupView, topics: &[String]) -> String {
    let state = g.state.map_or("no coordinator", |s| s.as_str());
    let coordinator = g
        .coordinator
        .map_or("none".to_string(), |b| format!("broker {}", b.0));
    format!(
        r#"<h2>Group {}</h2><p class="facts-line">{} · {} · {} · {}</p><p class="muted">Reads {} · delivered {} records, {} of them twice</p>"#,
        esc(&g.group),
        term(state, state),
        term(&format!("generation {}", g.generation), "generation"),
        esc(g.protocol.as_deref().unwrap_or("no assignor yet")),
        term(&format!("coordinator {coordinator}"), "coordinator"),
        esc(&topics.join(", ")),
        g.records_delivered,
        g.duplicates
    )
}

fn members(g: &GroupView) -> String {
    let mut out = String::from(r#"<h3>Members</h3><ul class="chips">"#);
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
