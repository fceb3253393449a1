//! A producer's card: what it sends, how it fares, and its last error in Kafka's words.

use kafka_sim::view::ProducerView;
use yew::prelude::*;

use crate::components::term::term;

#[derive(Properties, PartialEq)]
pub struct ProducerCardProps {
    pub producer: ProducerView,
    /// It is the preset's load producer (driven from the Produce tab).
    pub is_load: bool,
}

#[function_component(ProducerCard)]
pub fn producer_card(props: &ProducerCardProps) -> Html {
    let p = &props.producer;
    let s = &p.stats;
    html! {
        <section class="card" aria-label={format!("Producer {}", p.name)}>
            <h2>{ format!("Producer {}", p.name) }</h2>
            <p class="facts-line">
                { match (&p.topic, p.running) {
                    (Some(t), true) => format!("{} records/s to {t} · ", p.rate_per_s),
                    (Some(t), false) => format!("stopped · {t} · "),
                    (None, _) => "sends what the Produce form sends · ".to_string(),
                } }
                { term(format!("acks={}", p.acks.as_str()), "acks") }
            </p>
            <dl class="facts">
                <dt>{ "sent" }</dt><dd>{ s.records_sent }</dd>
                <dt>{ "acknowledged" }</dt><dd>{ s.records_acked }</dd>
                <dt>{ "failed" }</dt><dd>{ s.records_failed }</dd>
                <dt>{ "batches retried" }</dt><dd>{ s.batches_retried }</dd>
                <dt>{ "waiting" }</dt><dd>{ p.pending_records }</dd>
            </dl>
            if let Some((at, e)) = &p.last_error {
                <p class="error-block">{ format!("Last error at {} ms: {}: {}", at, e.kind.name(), e.message) }</p>
            }
            if props.is_load {
                <p class="muted">{ "Its rate, start and stop are in the Produce tab." }</p>
            }
        </section>
    }
}
