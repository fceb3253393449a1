//! The brokers tab: every broker with its state (click one for its card and its actions), and
//! what acts on the whole cluster: heal the network, add a broker, elect preferred leaders.

use kafka_sim::view::BrokerView;
use yew::prelude::*;

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
fn chips(brokers: &[BrokerView]) -> String {
    let mut out = String::from(r#"<ul class="chips">"#);
    for b in brokers {
        let state = BrokerState::of(b);
        out.push_str("<li>");
        let label = format!(
            "Broker {} · {}{}",
            b.id.0,
            state.label(),
            if b.fenced && b.alive {
                " · fenced"
            } else {
                ""
            }
        );
        let act = Act::Select(Selection::Broker(b.id));
        let name = format!("Open broker {}", b.id.0);
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
            <h2 id="brokers-heading">{ "Brokers" }</h2>
            <p class="hint">{ "Pick a broker to kill, restart or isolate it." }</p>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            { raw(chips(&props.brokers)) }
            <div class="button-row">
                <button onclick={heal} disabled={!any_isolated}>{ "Heal network" }</button>
                <button onclick={add}>{ "Add broker" }</button>
                <button onclick={elect} title="kafka-leader-election --election-type preferred: move each partition's leadership back to its first replica">
                    { "Elect preferred leaders" }
                </button>
            </div>
        </section>
    }
}
