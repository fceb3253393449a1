//! A Kafka Connect connector's card, above its task's producer card (a source) or its group's
//! card (a sink): what it moves from where to where, `tasks.max` to change (a sink's tasks
//! are consumers of `connect-NAME`, so more tasks share its partitions), deleting it, and its
//! status as Connect's REST API gives it. A REST proxy's card says whom it posts for.

use kafka_sim::command::Command;
use kafka_sim::connect::{ConnectorClass, ConnectorSpec, ConnectorView, RestProxyView};
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};
use crate::state::forms::Panel;
use crate::state::Action;

/// The most tasks the card offers (a sink has no use for more tasks than partitions).
const MAX_TASKS: u32 = 12;

#[derive(Properties, PartialEq)]
pub struct ConnectorCardProps {
    pub connector: ConnectorView,
    /// `GET /connectors/{name}/status`, as Connect answers it.
    pub status: AttrValue,
    pub dispatch: Callback<Action>,
}

#[function_component(ConnectorCard)]
pub fn connector_card(props: &ConnectorCardProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let c = &props.connector;
    let put = |tasks_max: u32| {
        let spec = ConnectorSpec {
            tasks_max,
            ..c.spec.clone()
        };
        props.dispatch.reform(move |_: MouseEvent| {
            Action::Command(
                Panel::Details,
                Command::PutConnector(Box::new(spec.clone())),
            )
        })
    };
    let delete = {
        let name = c.name.clone();
        props.dispatch.reform(move |_: MouseEvent| {
            Action::Command(
                Panel::Details,
                Command::DeleteConnector { name: name.clone() },
            )
        })
    };
    let topics = c.topics.join(", ");
    let (kind, moves) = match c.class {
        ConnectorClass::Source => (
            tr(lang, "Kafka Connect source connector"),
            trf(
                lang,
                "Reads the changed rows of table {} ({}/s) and produces each to {}, keyed by its primary key · {} rows moved",
                &[&c.external, &c.spec.rate_per_s.unwrap_or(0), &topics, &c.moved],
            ),
        ),
        ConnectorClass::Sink => (
            tr(lang, "Kafka Connect sink connector"),
            trf(
                lang,
                "Reads {} as the group {} and puts every record into the store {} · {} records put",
                &[&topics, &c.group.clone().unwrap_or_default(), &c.external, &c.moved],
            ),
        ),
    };
    html! {
        <section class="card connector-card" aria-label={trf(lang, "Connector {}", &[&c.name])}>
            <h2>{ trf(lang, "Connector {}", &[&c.name]) }</h2>
            <p class="facts-line">{ kind }{ " · tasks.max=" }{ c.spec.tasks_max }{ " · " }{ trf(lang, "{} running", &[&c.tasks.iter().filter(|t| t.running).count()]) }</p>
            <p class="muted">{ moves }</p>
            if c.class == ConnectorClass::Source {
                <p class="muted">{ tr(lang, "A table is read by one task, whatever tasks.max says.") }</p>
            }
            <div class="button-row">
                if c.class == ConnectorClass::Sink {
                    <button onclick={put(c.spec.tasks_max.saturating_sub(1).max(1))} disabled={c.spec.tasks_max <= 1}
                            aria-label={trf(lang, "Fewer tasks for {}", &[&c.name])}
                            title={tr(lang, "PUT /connectors/{name}/config with tasks.max one lower: a task stops, its consumer leaves the group")}>
                        { tr(lang, "Fewer tasks") }
                    </button>
                    <button onclick={put((c.spec.tasks_max + 1).min(MAX_TASKS))} disabled={c.spec.tasks_max >= MAX_TASKS}
                            aria-label={trf(lang, "More tasks for {}", &[&c.name])}
                            title={tr(lang, "PUT /connectors/{name}/config with tasks.max one higher: one more consumer joins the group and takes a share of the partitions")}>
                        { tr(lang, "More tasks") }
                    </button>
                }
                <button onclick={delete} aria-label={trf(lang, "Delete connector {}", &[&c.name])}
                        title={tr(lang, "DELETE /connectors/{name}: its tasks stop")}>
                    { tr(lang, "Delete connector") }
                </button>
            </div>
            <pre class="describe" aria-label={tr(lang, "Connector status")}>{ props.status.clone() }</pre>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct RestProxyCardProps {
    pub proxy: RestProxyView,
}

/// A REST proxy: the HTTP client it produces for, and what that client posts.
#[function_component(RestProxyCard)]
pub fn rest_proxy_card(props: &RestProxyCardProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let p = &props.proxy;
    html! {
        <section class="card connector-card" aria-label={trf(lang, "REST proxy {}", &[&p.proxy])}>
            <h2>{ trf(lang, "REST proxy {}", &[&p.proxy]) }</h2>
            <p class="muted">{ trf(lang, "The HTTP client {} sends POST /topics/{} with JSON records; the proxy produces each one with its own producer (below) and answers with the partition and offset, or with the producer's error.", &[&p.http_client, &p.topic]) }</p>
        </section>
    }
}
