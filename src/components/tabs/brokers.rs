//! The brokers tab: every broker with its state (click one for its card and its actions), and
//! what acts on the whole cluster: heal the network, add a broker, elect preferred leaders.

use kafka_sim::view::BrokerView;
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use crate::components::inline_error::InlineError;
use crate::components::panel_markup::{button, on_act, raw, Act};
use crate::scene::brokers::BrokerState;
use crate::state::forms::Panel;
use crate::state::selection::Selection;
use crate::state::Action;
use kafka_sim::Command;

#[derive(Properties, PartialEq)]
pub struct BrokersTabProps {
    pub brokers: Vec<BrokerView>,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

/// Every broker as a chip that opens its card.
fn chips(lang: Lang, brokers: &[BrokerView]) -> String {
    let mut out = String::from(r#"<ul class="chips">"#);
    for b in brokers {
        let state = BrokerState::of(b);
        out.push_str("<li>");
        let label = trf(
            lang,
            "Broker {} · {}{}",
            &[
                &b.id.0,
                &state.word(lang),
                &if b.fenced && b.alive {
                    tr(lang, " · fenced")
                } else {
                    ""
                },
            ],
        );
        let act = Act::Select(Selection::Broker(b.id));
        let name = trf(lang, "Open broker {}", &[&b.id.0]);
        button(
            &mut out,
            &format!("chip {}", state.label()),
            &act,
            &label,
            Some(&name),
        );
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

#[function_component(BrokersTab)]
pub fn brokers_tab(props: &BrokersTabProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let command = |make: fn() -> Command| {
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::Command(Panel::Brokers, make()))
    };
    let heal = command(|| Command::HealNetwork {});
    let add = command(|| Command::AddBroker { broker: None });
    // kafka-leader-election --all-topic-partitions.
    let elect = command(|| Command::ElectPreferredLeaders { topic: None });
    let any_isolated = props.brokers.iter().any(|b| b.isolated);
    let (onclick, onkeydown) = on_act(&props.dispatch);
    html! {
        <section class="card" aria-labelledby="brokers-heading" {onclick} {onkeydown}>
            <h2 id="brokers-heading">{ tr(lang, "Brokers") }</h2>
            <p class="hint">{ tr(lang, "Pick a broker to kill, restart or isolate it.") }</p>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            { raw(chips(lang, &props.brokers)) }
            <div class="button-row">
                <button onclick={heal} disabled={!any_isolated}>{ tr(lang, "Heal network") }</button>
                <button onclick={add}>{ tr(lang, "Add broker") }</button>
                <button onclick={elect} title={tr(lang, "kafka-leader-election --election-type preferred: move each partition's leadership back to its first replica")}>
                    { tr(lang, "Elect preferred leaders") }
                </button>
            </div>
        </section>
    }
}
