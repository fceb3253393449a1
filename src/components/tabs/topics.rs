//! The topics tab: create one (Kafka validates it; errors show inline and change nothing), delete
//! one, set the partition count, flip the two configs that decide durability (`min.insync.replicas`,
//! `unclean.leader.election.enable`), and the live `kafka-topics.sh --describe`, exactly as
//! Kafka prints it.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use crate::components::inline_error::InlineError;
use crate::components::text_field::use_text_field;
use crate::state::forms::Panel;
use crate::state::Action;
use kafka_sim::Command;

/// What the panel shows of one topic.
#[derive(Clone, PartialEq)]
pub struct TopicSummary {
    pub name: String,
    pub partitions: usize,
    pub replication_factor: usize,
    pub min_insync_replicas: u32,
    pub unclean_leader_election: bool,
}

#[derive(Properties, PartialEq)]
pub struct TopicsTabProps {
    pub topics: Vec<TopicSummary>,
    /// `kafka-topics.sh --describe --exclude-internal` text.
    pub describe: AttrValue,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(TopicsTab)]
pub fn topics_tab(props: &TopicsTabProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let name = use_text_field("");
    let partitions = use_text_field("3");
    let rf = use_text_field("3");
    let min_isr = use_text_field("2");
    let onsubmit = {
        let fields = (
            name.clone(),
            partitions.clone(),
            rf.clone(),
            min_isr.clone(),
        );
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            dispatch.emit(Action::CreateTopic {
                name: fields.0.text(),
                partitions: fields.1.text(),
                replication_factor: fields.2.text(),
                min_insync_replicas: fields.3.text(),
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="topics-heading">
            <h2 id="topics-heading">{ tr(lang, "Topics") }</h2>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            { for props.topics.iter().map(|t| html! {
                <TopicRow key={t.name.clone()} topic={t.clone()} dispatch={props.dispatch.clone()} />
            }) }
            <form class="form-grid" {onsubmit} aria-label={tr(lang, "Create topic")}>
                <label class="span-2">{ tr(lang, "New topic") }
                    <input name="topic-name" placeholder="payments" value={name.text()} oninput={name.oninput.clone()} />
                </label>
                <label>{ tr(lang, "Partitions") }
                    <input name="partitions" inputmode="numeric" value={partitions.text()} oninput={partitions.oninput.clone()} />
                </label>
                <label>{ tr(lang, "Replication factor") }
                    <input name="replication-factor" inputmode="numeric" value={rf.text()} oninput={rf.oninput.clone()} />
                </label>
                <label>{ "min.insync.replicas" }
                    <input name="min-insync-replicas" inputmode="numeric" value={min_isr.text()} oninput={min_isr.oninput.clone()} />
                </label>
                <button type="submit">{ tr(lang, "Create topic") }</button>
            </form>
            <h3>{ "kafka-topics.sh --describe --exclude-internal" }</h3>
            <pre class="describe" aria-label={tr(lang, "Topic description")}>{ props.describe.clone() }</pre>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TopicRowProps {
    topic: TopicSummary,
    dispatch: Callback<Action>,
}

#[function_component(TopicRow)]
fn topic_row(props: &TopicRowProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let t = &props.topic;
    let total = use_text_field((t.partitions + 1).to_string());
    let config = |key: &'static str, read: fn(&Event) -> String| {
        let topic = t.name.clone();
        props
            .dispatch
            .reform(move |e: Event| Action::SetTopicConfig {
                topic: topic.clone(),
                key: key.into(),
                value: read(&e),
            })
    };
    let on_min_isr = config("min.insync.replicas", |e| {
        e.target_unchecked_into::<HtmlSelectElement>().value()
    });
    let on_unclean = config("unclean.leader.election.enable", |e| {
        e.target_unchecked_into::<HtmlInputElement>()
            .checked()
            .to_string()
    });
    let on_set_partitions = {
        let (topic, total) = (t.name.clone(), total.clone());
        props.dispatch.reform(move |e: SubmitEvent| {
            e.prevent_default();
            Action::AddPartitions {
                topic: topic.clone(),
                total: total.text(),
            }
        })
    };
    let on_delete = {
        let topic = t.name.clone();
        props.dispatch.reform(move |_: MouseEvent| {
            Action::Command(
                Panel::Topics,
                Command::DeleteTopic {
                    topic: topic.clone(),
                },
            )
        })
    };
    let choices = (t.replication_factor.max(1) as u32).max(t.min_insync_replicas);
    html! {
        <div class="topic-row">
            <div class="topic-name">
                <strong>{ &t.name }</strong>
                <span class="muted">{ trf(lang, " {} partitions, RF {}", &[&t.partitions, &t.replication_factor]) }</span>
            </div>
            <label class="inline">{ "min.insync.replicas" }
                <select onchange={on_min_isr} aria-label={trf(lang, "min.insync.replicas of {}", &[&t.name])}>
                    { for (1..=choices).map(|n| html! {
                        <option value={n.to_string()} selected={n == t.min_insync_replicas}>{ n }</option>
                    }) }
                </select>
            </label>
            <label class="inline">
                <input type="checkbox" checked={t.unclean_leader_election} onchange={on_unclean}
                       aria-label={trf(lang, "unclean.leader.election.enable of {}", &[&t.name])} />
                { "unclean.leader.election.enable" }
            </label>
            <form class="inline" onsubmit={on_set_partitions}>
                <input class="narrow" inputmode="numeric" value={total.text()} oninput={total.oninput.clone()}
                       aria-label={trf(lang, "Partition count of {}", &[&t.name])} />
                <button type="submit">{ tr(lang, "Set partitions") }</button>
            </form>
            <button class="danger" onclick={on_delete}
                    title={tr(lang, "kafka-topics --delete: its partitions, logs and committed offsets go; a client still using it creates it again (auto.create.topics.enable)")}>
                { trf(lang, "Delete topic {}", &[&t.name]) }
            </button>
        </div>
    }
}
