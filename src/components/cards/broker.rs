//! A broker's card: its state as the simulator and the controller see it, the countdown to its
//! fencing, its replicas, and what can be done to it (kill, stop, restart, isolate, cut from the
//! cluster).

use kafka_sim::view::{BrokerView, ReplicaRole};
use kafka_sim::TopicPartition;
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use crate::components::cluster_diagram::role_class;
use crate::components::inline_error::InlineError;
use crate::components::panel_markup::{button, on_act, raw, term, Act};
use crate::scene::brokers::{role_word, BrokerState};
use crate::scene::reasons::Reason;
use crate::state::forms::Panel;
use crate::state::selection::Selection;
use crate::state::Action;
use kafka_sim::{BrokerId, Command, IsolateFrom};

#[derive(Properties, PartialEq)]
pub struct BrokerCardProps {
    pub broker: BrokerView,
    pub reason: Option<Reason>,
    /// Its replicas: partition and role.
    pub replicas: Vec<(TopicPartition, ReplicaRole)>,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

/// Its replicas as chips that open their partition.
fn replica_chips(lang: Lang, replicas: &[(TopicPartition, ReplicaRole)]) -> String {
    let mut out = format!(r#"<h3>{}</h3><ul class="chips">"#, tr(lang, "Replicas"));
    for (tp, role) in replicas {
        out.push_str("<li>");
        let act = Act::Select(Selection::Partition(tp.clone()));
        let label = format!("{tp} · {}", role_word(lang, *role));
        button(
            &mut out,
            &format!("chip {}", role_class(*role)),
            &act,
            &label,
            None,
        );
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

#[function_component(BrokerCard)]
pub fn broker_card(props: &BrokerCardProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let b = &props.broker;
    let id = b.id;
    let state = BrokerState::of(b);
    let op = |make: fn(BrokerId) -> Command| {
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::Command(Panel::Details, make(id)))
    };
    let heal = props
        .dispatch
        .reform(|_: MouseEvent| Action::Command(Panel::Details, Command::HealNetwork {}));
    let (onclick, onkeydown) = on_act(&props.dispatch);
    html! {
        <section class="card" aria-label={trf(lang, "Broker {}", &[&id.0])} {onclick} {onkeydown}>
            <h2>{ format!("Broker {}", id.0) }</h2>
            <p class="facts-line">
                { trf(lang, "{} · leads {} of {} replicas", &[&state.word(lang),
                          &props.replicas.iter().filter(|(_, r)| *r == ReplicaRole::Leader).count(),
                          &props.replicas.len()]) }
                if b.fenced { { " · " }{ raw(term(tr(lang, "fenced"), "fenced")) } }
            </p>
            <div class="button-row">
                <button class="danger" onclick={op(|broker| Command::KillBroker { broker })} disabled={state == BrokerState::Dead}
                        title={tr(lang, "The process dies; its log stays on disk")}>
                    { trf(lang, "Kill broker {}", &[&id.0]) }
                </button>
                <button onclick={op(|broker| Command::StopBroker { broker })} disabled={state == BrokerState::Dead}
                        title={tr(lang, "Controlled shutdown: the controller moves its leaderships and takes it out of the ISRs before it stops")}>
                    { trf(lang, "Stop broker {}", &[&id.0]) }
                </button>
                <button onclick={op(|broker| Command::RestartBroker { broker })} disabled={state != BrokerState::Dead}>
                    { trf(lang, "Restart broker {}", &[&id.0]) }
                </button>
                <button onclick={op(|broker| Command::IsolateBroker { broker, from: Default::default() })} disabled={state != BrokerState::Alive}
                        title={tr(lang, "Cut every network link of this broker; it keeps running")}>
                    { trf(lang, "Isolate broker {}", &[&id.0]) }
                </button>
                <button onclick={op(|broker| Command::IsolateBroker { broker, from: IsolateFrom::Cluster })} disabled={state != BrokerState::Alive}
                        title={tr(lang, "Split brain: cut it from the controller and the other brokers while clients still reach it")}>
                    { trf(lang, "Cut broker {} from the cluster", &[&id.0]) }
                </button>
                <button onclick={heal} disabled={state != BrokerState::Isolated}>{ tr(lang, "Heal network") }</button>
            </div>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            if let Some(r) = &props.reason {
                <p class="reason">{ trf(lang, "The controller has not heard from it: {}", &[&r.full()]) }</p>
            }
            { raw(replica_chips(lang, &props.replicas)) }
        </section>
    }
}
