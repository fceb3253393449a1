//! Consumer groups: add, remove (a clean leave) or kill (the session times out) consumers, create
//! a group with an assignor, reset a group's offsets (Kafka refuses while it has active members),
//! and open a group's `kafka-consumer-groups --describe`.

use kafka_sim::assignor::AssignorKind;
use kafka_sim::command::ResetTarget;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::inline_error::InlineError;
use super::text_field::use_text_field;
use crate::state::Action;

/// What the panel shows of one group.
#[derive(Clone, PartialEq)]
pub struct GroupSummary {
    pub name: String,
    pub state: String,
    /// `(client id, running)`
    pub consumers: Vec<(String, bool)>,
}

#[derive(Properties, PartialEq)]
pub struct GroupsPanelProps {
    pub groups: Vec<GroupSummary>,
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

#[function_component(GroupsPanel)]
pub fn groups_panel(props: &GroupsPanelProps) -> Html {
    let name = use_text_field("");
    let assignor = use_state(|| 0usize);
    let on_assignor = {
        let assignor = assignor.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            assignor.set(select.selected_index().max(0) as usize);
        })
    };
    let onsubmit = {
        let (name, assignor) = (name.clone(), assignor.clone());
        props.dispatch.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::CreateGroup {
                name: name.text(),
                assignor: ASSIGNORS[*assignor].1,
            }
        })
    };
    html! {
        <section class="panel" aria-labelledby="groups-heading">
            <h2 id="groups-heading">{ "Consumer groups" }</h2>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            // Open by default while few enough to read at once.
            { for props.groups.iter().map(|g| group_row(g, props.groups.len() <= 3, &props.dispatch)) }
            <form class="create-group" {onsubmit} aria-label="Create group">
                <label>{ "New group" }
                    <input name="group-name" placeholder="analytics" value={name.text()} oninput={name.oninput.clone()} />
                </label>
                <label>{ "Assignor" }
                    <select onchange={on_assignor} aria-label="Assignor">
                        { for ASSIGNORS.iter().enumerate().map(|(i, (label, _))| html! {
                            <option selected={i == *assignor}>{ *label }</option>
                        }) }
                    </select>
                </label>
                <button type="submit">{ "Create group" }</button>
            </form>
        </section>
    }
}

fn group_row(g: &GroupSummary, open: bool, dispatch: &Callback<Action>) -> Html {
    let group = g.name.clone();
    let act = |make: fn(String) -> Action| {
        let group = group.clone();
        dispatch.reform(move |_: MouseEvent| make(group.clone()))
    };
    let member_act = |consumer: &str, make: fn(String, String) -> Action| {
        let (group, consumer) = (group.clone(), consumer.to_string());
        dispatch.reform(move |_: MouseEvent| make(group.clone(), consumer.clone()))
    };
    html! {
        <details class="group-row" key={g.name.clone()} {open}>
            <summary class="topic-name">
                <strong>{ &g.name }</strong>
                <span class="muted">{ format!(" {} · {} running", g.state, g.consumers.iter().filter(|c| c.1).count()) }</span>
            </summary>
            { for g.consumers.iter().filter(|(_, running)| *running).map(|(c, _)| html! {
                <div class="member-row" key={c.clone()}>
                    <span class="member-label">{ c }</span>
                    <button onclick={member_act(c, |group, consumer| Action::RemoveConsumer { group, consumer })}>
                        { format!("Remove consumer {c}") }
                    </button>
                    <button class="danger" onclick={member_act(c, |group, consumer| Action::KillConsumer { group, consumer })}>
                        { format!("Kill consumer {c}") }
                    </button>
                </div>
            }) }
            <div class="button-row">
                <button onclick={act(|group| Action::AddConsumer { group })}>{ format!("Add consumer to {}", g.name) }</button>
                <button onclick={act(|group| Action::SelectGroup(Some(group)))}>{ format!("Describe {}", g.name) }</button>
                <button onclick={act(|group| Action::ResetOffsets { group, to: ResetTarget::Earliest })}
                        title="kafka-consumer-groups --reset-offsets --to-earliest --execute">
                    { format!("Reset {} to earliest", g.name) }
                </button>
            </div>
        </details>
    }
}
