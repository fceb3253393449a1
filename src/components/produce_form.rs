//! Producing: one record from a form (topic, key, value, acks), and the opening producer's rate.

use kafka_sim::Acks;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ProduceFormProps {
    pub topics: Vec<String>,
    pub producer_running: bool,
    pub producer_rate: u64,
    pub dispatch: Callback<Action>,
}

#[function_component(ProduceForm)]
pub fn produce_form(props: &ProduceFormProps) -> Html {
    let topic = use_node_ref();
    let key = use_node_ref();
    let value = use_node_ref();
    let acks = use_state(|| Acks::All);
    let count = use_state(|| 0u32);

    let onsubmit = {
        let (topic, key, value, acks, count) = (
            topic.clone(),
            key.clone(),
            value.clone(),
            acks.clone(),
            count.clone(),
        );
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let read = |r: &NodeRef| {
                r.cast::<HtmlInputElement>()
                    .map(|i| i.value())
                    .unwrap_or_default()
            };
            let key_text = read(&key);
            count.set(*count + 1);
            dispatch.emit(Action::Produce {
                topic: read(&topic),
                key: (!key_text.is_empty()).then_some(key_text),
                value: read(&value),
                acks: *acks,
            });
        })
    };
    let on_acks = {
        let acks = acks.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            acks.set(match select.value().as_str() {
                "0" => Acks::Zero,
                "1" => Acks::One,
                _ => Acks::All,
            });
        })
    };
    let toggle_producer = props
        .dispatch
        .reform(|_: MouseEvent| Action::ToggleProducer);
    let on_rate = props.dispatch.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Action::SetProducerRate(input.value().parse().unwrap_or(1))
    });
    let first_topic = props.topics.first().cloned().unwrap_or_default();
    html! {
        <section class="panel" aria-labelledby="produce-heading">
            <h2 id="produce-heading">{ "Produce" }</h2>
            <form class="produce-form" {onsubmit}>
                <label>{ "Topic" }<input ref={topic} name="topic" value={first_topic} list="topic-names" /></label>
                <datalist id="topic-names">
                    { for props.topics.iter().map(|t| html! { <option value={t.clone()} /> }) }
                </datalist>
                <label>{ "Key" }<input ref={key} name="key" placeholder="empty = null key" /></label>
                <label>{ "Value" }<input ref={value} name="value" value={format!("order-{}", *count + 1)} /></label>
                <label>{ "acks" }
                    <select onchange={on_acks} aria-label="acks">
                        <option value="all" selected=true>{ "all" }</option>
                        <option value="1">{ "1" }</option>
                        <option value="0">{ "0" }</option>
                    </select>
                </label>
                <button type="submit" class="primary">{ "Produce" }</button>
            </form>
            <div class="producer-controls">
                <label>{ format!("order-service rate: {} rec/s", props.producer_rate) }
                    <input type="range" min="1" max="50" value={props.producer_rate.to_string()}
                           aria-label="Producer rate (records per second)" oninput={on_rate} />
                </label>
                <button onclick={toggle_producer}>
                    { if props.producer_running { "Stop producer" } else { "Start producer" } }
                </button>
            </div>
        </section>
    }
}
