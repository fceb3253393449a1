//! A consumer group's card: its state, generation, assignor and coordinator (each term
//! explained), its members, what can be done (add a consumer, reset its offsets), and its
//! `kafka-consumer-groups.sh --describe`, exactly as Kafka prints it, with lag.

use kafka_sim::command::ResetTarget;
use kafka_sim::view::GroupView;
use yew::prelude::*;

use crate::components::inline_error::InlineError;
use crate::components::term::term;
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
    let g = &props.group;
    let name = g.group.clone();
    let act = |make: fn(String) -> Action| {
        let name = name.clone();
        props
            .dispatch
            .reform(move |_: MouseEvent| make(name.clone()))
    };
    let state = g.state.map_or("no coordinator", |s| s.as_str());
    html! {
        <section class="card" aria-label={format!("Group {}", g.group)}>
            <h2>{ format!("Group {}", g.group) }</h2>
            <p class="facts-line">
                { term(state, state) }{ " · " }
                { term(format!("generation {}", g.generation), "generation") }{ " · " }
                { g.protocol.clone().unwrap_or_else(|| "no assignor yet".into()) }{ " · " }
                { term(format!("coordinator {}", g.coordinator.map_or("none".to_string(), |b| format!("broker {}", b.0))), "coordinator") }
            </p>
            <p class="muted">{ format!("Reads {} · delivered {} records, {} of them twice", props.topics.join(", "), g.records_delivered, g.duplicates) }</p>
            <div class="button-row">
                <button onclick={act(|group| Action::AddConsumer { group })}>{ format!("Add consumer to {}", g.group) }</button>
                <button onclick={act(|group| Action::ResetOffsets { group, to: ResetTarget::Earliest })}
                        title="kafka-consumer-groups --reset-offsets --to-earliest --execute (only while the group has no active member)">
                    { format!("Reset {} to earliest", g.group) }
                </button>
            </div>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            if let Some(r) = &props.reason {
                <p class="reason">{ r.full() }</p>
            }
            <h3>{ "Members" }</h3>
            <ul class="chips">
                { for g.members.iter().map(|m| {
                    let select = Selection::Consumer { group: g.group.clone(), client_id: m.client_id.clone() };
                    let onclick = props.dispatch.reform(move |_: MouseEvent| Action::Select(Some(select.clone())));
                    html! { <li><button class="chip" {onclick}>{ &m.client_id }</button></li> }
                }) }
            </ul>
            <h3>{ format!("kafka-consumer-groups.sh --describe --group {}", g.group) }</h3>
            <pre class="describe" aria-label="Group description">{ props.describe.clone() }</pre>
        </section>
    }
}
