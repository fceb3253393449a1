//! A Kafka term in the panels, with its one-sentence explanation as a tooltip.

use yew::prelude::*;

use crate::glossary;

/// `label` shown, explained by the glossary entry `term`.
pub fn term(label: impl Into<String>, term: &str) -> Html {
    html! { <abbr class="term" title={glossary::tooltip(term)}>{ label.into() }</abbr> }
}
