//! Producing, always at hand at the top of the panel: one record from a form (topic, key,
//! value, acks), how it fared (once acked, its card opens below with its journey: leader append,
//! each follower's copy, the HW passing it, each group's delivery); and the opening producer's
//! rate, start and stop.

use kafka_sim::{Acks, Command};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::components::inline_error::InlineError;
use crate::components::text_field::use_text_field;
use crate::i18n::{tr, trf, Lang};
use crate::state::forms::Panel;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct ProduceBoxProps {
    pub topics: Vec<String>,
    /// The load producer the rate slider drives.
    pub producer_name: AttrValue,
    pub producer_running: bool,
    pub producer_rate: u64,
    pub producer_rate_max: u64,
    /// The load producer is part of this cluster (not in a lesson's or an imported one).
    pub load_producer: bool,
    /// How the record last sent from this form fared.
    pub last_status: Option<AttrValue>,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(ProduceBox)]
pub fn produce_box(props: &ProduceBoxProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let topic = use_text_field(props.topics.first().cloned().unwrap_or_default());
    let key = use_text_field("");
    // Empty until the user types: the next order's value is the placeholder, sent as is when
    // the field is left empty (typing never appends to it, a send never overwrites what was
    // typed).
    let value = use_text_field("");
    let acks = use_state(|| Acks::All);
    let sent = use_state(|| 0u32);

    let onsubmit = {
        let (topic, key, value, acks, sent) = (
            topic.clone(),
            key.clone(),
            value.clone(),
            acks.clone(),
            sent.clone(),
        );
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let key_text = key.text();
            let typed = value.text();
            let value_text = if typed.is_empty() {
                suggested_value(*sent)
            } else {
                typed
            };
            let record = Command::Produce {
                topic: topic.text(),
                key: (!key_text.is_empty()).then(|| key_text.into_bytes()),
                value: Some(value_text.into_bytes()),
                headers: Vec::new(),
                partition: None,
                acks: *acks,
                enable_idempotence: None,
            };
            dispatch.emit(Action::Command(Panel::Produce, record));
            sent.set(*sent + 1);
        })
    };
    let on_acks = {
        let acks = acks.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
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
    html! {
        <section class="produce-box" aria-labelledby="produce-heading">
            <h2 id="produce-heading">{ tr(lang, "Produce a record") }</h2>
            <form class="form-grid produce-form" {onsubmit}>
                <label>{ tr(lang, "Topic") }
                    <input name="topic" value={topic.text()} oninput={topic.oninput.clone()} list="topic-names" />
                </label>
                <datalist id="topic-names">
                    { for props.topics.iter().map(|t| html! { <option value={t.clone()} /> }) }
                </datalist>
                <label>{ tr(lang, "Key") }
                    <input name="key" value={key.text()} oninput={key.oninput.clone()} placeholder={tr(lang, "empty = null key")} />
                </label>
                <label>{ tr(lang, "Value") }
                    <input name="value" value={value.text()} oninput={value.oninput.clone()}
                           placeholder={suggested_value(*sent)}
                           title={tr(lang, "Empty: the value shown is sent")} />
                </label>
                <label>{ "acks" }
                    <select onchange={on_acks} aria-label="acks">
                        <option value="all" selected={*acks == Acks::All}>{ "all" }</option>
                        <option value="1" selected={*acks == Acks::One}>{ "1" }</option>
                        <option value="0" selected={*acks == Acks::Zero}>{ "0" }</option>
                    </select>
                </label>
                <button type="submit" class="primary">{ tr(lang, "Produce") }</button>
            </form>
            <p class="last-record" aria-label={tr(lang, "Last record")}>
                { match props.last_status.clone() {
                    Some(status) => html! { <>{ tr(lang, "Last record: ") }{ status }</> },
                    None => html! { <span class="muted">{ tr(lang, "Its way through the cluster shows here and on the diagram.") }</span> },
                } }
            </p>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            if props.load_producer {
                <div class="producer-controls">
                    <label>{ trf(lang, "{}: {} records/s", &[&props.producer_name, &props.producer_rate]) }
                        <input type="range" min="1" max={props.producer_rate_max.to_string()} value={props.producer_rate.to_string()}
                               aria-label={tr(lang, "Producer rate (records per second)")} oninput={on_rate} />
                    </label>
                    <button onclick={toggle_producer}>
                        { if props.producer_running { tr(lang, "Stop producer") } else { tr(lang, "Start producer") } }
                    </button>
                </div>
            }
        </section>
    }
}

/// The value suggested for the next record, as someone sending a series of orders would type
/// it: `order-1`, `order-2`, ...
fn suggested_value(sent: u32) -> String {
    format!("order-{}", sent + 1)
}
