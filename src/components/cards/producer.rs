//! A producer's card: what it sends, how it fares, and its last error in Kafka's words.

use kafka_sim::view::ProducerView;
use yew::prelude::*;

use crate::components::panel_markup::{esc, raw, term};

#[derive(Properties, PartialEq)]
pub struct ProducerCardProps {
    pub producer: ProducerView,
    /// It is the preset's load producer (driven from the Produce form).
    pub is_load: bool,
}

#[function_component(ProducerCard)]
pub fn producer_card(props: &ProducerCardProps) -> Html {
    let p = &props.producer;
    html! {
        <section class="card" aria-label={format!("Producer {}", p.name)}>
            { raw(body(p, props.is_load)) }
        </section>
    }
}

fn body(p: &ProducerView, is_load: bool) -> String {
    let s = &p.stats;
    let sends = match (&p.topic, p.running) {
        (Some(t), true) => format!("{} records/s to {}", p.rate_per_s, esc(t)),
        (Some(t), false) => format!("stopped · {}", esc(t)),
        (None, _) => "sends what the Produce form sends".to_string(),
    };
    let mut out = format!(
        r#"<h2>Producer {}</h2><p class="facts-line">{sends} · {}</p><dl class="facts"><dt>sent</dt><dd>{}</dd><dt>acknowledged</dt><dd>{}</dd><dt>failed</dt><dd>{}</dd><dt>batches retried</dt><dd>{}</dd><dt>waiting</dt><dd>{}</dd></dl>"#,
        esc(&p.name),
        term(&format!("acks={}", p.acks.as_str()), "acks"),
        s.records_sent,
        s.records_acked,
        s.records_failed,
        s.batches_retried,
        p.pending_records
    );
    if let Some((at, e)) = &p.last_error {
        out.push_str(&format!(
            r#"<p class="error-block">Last error at {at} ms: {}: {}</p>"#,
            e.kind.name(),
            esc(&e.message)
        ));
    }
    if is_load {
        out.push_str(r#"<p class="muted">Its rate, start and stop are with the Produce form.</p>"#);
    }
    out
}
