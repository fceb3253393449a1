//! The live `kafka-topics.sh --describe` text, exactly as Kafka prints it.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TopicDescriptionProps {
    pub text: AttrValue,
}

#[function_component(TopicDescription)]
pub fn topic_description(props: &TopicDescriptionProps) -> Html {
    html! {
        <section class="panel wide" aria-labelledby="describe-heading">
            <h2 id="describe-heading">{ "kafka-topics.sh --describe --exclude-internal" }</h2>
            <pre class="describe" aria-label="Topic description">{ props.text.clone() }</pre>
        </section>
    }
}
