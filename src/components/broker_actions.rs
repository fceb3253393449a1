//! Actions on the selected broker (Kill, Restart, Isolate) and on the cluster (Heal, Add).

use kafka_sim::BrokerId;
use yew::prelude::*;

use super::inline_error::InlineError;
use crate::layout::BrokerState;
use crate::state::{Action, BrokerOp};

#[derive(Properties, PartialEq)]
pub struct BrokerActionsProps {
    /// The selected broker and its state.
    pub selected: Option<(BrokerId, BrokerState)>,
    pub any_isolated: bool,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(BrokerActions)]
pub fn broker_actions(props: &BrokerActionsProps) -> Html {
    let heal = props.dispatch.reform(|_: MouseEvent| Action::HealNetwork);
    let add = props.dispatch.reform(|_: MouseEvent| Action::AddBroker);
    let elect = props
        .dispatch
        .reform(|_: MouseEvent| Action::ElectPreferredLeaders);
    let selected = match props.selected {
        None => {
            html! { <p class="hint">{ "Select a broker in the diagram to kill, restart or isolate it." }</p> }
        }
        Some((id, state)) => {
            let op = |op: fn() -> BrokerOp| {
                props
                    .dispatch
                    .reform(move |_: MouseEvent| Action::Broker(op(), id))
            };
            html! {
                <div class="button-row">
                    <button class="danger" onclick={op(|| BrokerOp::Kill)} disabled={state == BrokerState::Dead}>
                        { format!("Kill broker {}", id.0) }
                    </button>
                    <button onclick={op(|| BrokerOp::Restart)} disabled={state != BrokerState::Dead}>
                        { format!("Restart broker {}", id.0) }
                    </button>
                    <button onclick={op(|| BrokerOp::Isolate)} disabled={state != BrokerState::Alive}>
                        { format!("Isolate broker {}", id.0) }
                    </button>
                </div>
            }
        }
    };
    html! {
        <section class="panel" aria-labelledby="brokers-heading">
            <h2 id="brokers-heading">{ "Brokers" }</h2>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            { selected }
            <div class="button-row">
                <button onclick={heal} disabled={!props.any_isolated}>{ "Heal network" }</button>
                <button onclick={add}>{ "Add broker" }</button>
                <button onclick={elect} title="Move each partition's leadership back to its first replica">
                    { "Elect preferred leaders" }
                </button>
            </div>
        </section>
    }
}
