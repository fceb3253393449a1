//! The page header: the product's name and what it is for.

use yew::prelude::*;

#[function_component(Header)]
pub fn header() -> Html {
    html! {
        <header class="header">
            <h1 class="brand">{ "KafkaScope" }</h1>
            <p class="tagline">{ "See and feel how Apache Kafka works" }</p>
        </header>
    }
}
