//! A producer's card: what it sends, how it fares, and its last error in Kafka's words.

use kafka_sim::view::ProducerView;
use yew::prelude::*;

use crate::components::panel_markup::{esc, raw, term};
use crate::i18n::{tr, trf, Lang};

#[derive(Properties, PartialEq)]
pub struct ProducerCardProps {
    pub producer: ProducerView,
    /// It is the preset's load producer (driven from the Produce form).
    pub is_load: bool,
}

#[function_component(ProducerCard)]
pub fn producer_card(props: &ProducerCardProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let p = &props.producer;
    html! {
        <section class="card" aria-label={trf(lang, "Producer {}", &[&p.name])}>
            { raw(body(lang, p, props.is_load)) }
        </section>
    }
}

fn body(lang: Lang, p: &ProducerView, is_load: bool) -> String {
    let s = &p.stats;
    let sends = match (&p.topic, p.running) {
        (Some(t), true) => trf(lang, "{} records/s to {}", &[&p.rate_per_s, &esc(t)]),
        (Some(t), false) => trf(lang, "stopped · {}", &[&esc(t)]),
        (None, _) => tr(lang, "sends what the Produce form sends").to_string(),
    };
    let mut out = format!(
        r#"<h2>{}</h2><p class="facts-line">{sends} · {}</p><dl class="facts"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>"#,
        esc(&trf(lang, "Producer {}", &[&p.name])),
        term(&format!("acks={}", p.acks.as_str()), "acks"),
        tr(lang, "sent"),
        s.records_sent,
        tr(lang, "acknowledged"),
        s.records_acked,
        tr(lang, "failed"),
        s.records_failed,
        tr(lang, "batches retried"),
        s.batches_retried,
        tr(lang, "waiting"),
        p.pending_records
    );
    if let Some((at, e)) = &p.last_error {
        // The exception's name and message are Kafka's words.
        out.push_str(&format!(
            r#"<p class="error-block">{}</p>"#,
            trf(
                lang,
                "Last error at {} ms: {}: {}",
                &[at, &e.kind.name(), &esc(&e.message)]
            )
        ));
    }
    if is_load {
        out.push_str(&format!(
            r#"<p class="muted">{}</p>"#,
            tr(lang, "Its rate, start and stop are with the Produce form.")
        ));
    }
    out
}
