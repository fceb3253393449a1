//! The engine's trace, newest first, with a filter.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Lines shown at once.
const SHOWN: usize = 120;

#[derive(Properties, PartialEq)]
pub struct EventLogProps {
    /// Newest first; the filter searches all of them.
    pub lines: Rc<Vec<String>>,
}

#[function_component(EventLog)]
pub fn event_log(props: &EventLogProps) -> Html {
    let filter = use_state(String::new);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
        })
    };
    let needle = filter.to_lowercase();
    let lines = props
        .lines
        .iter()
        .filter(|l| needle.is_empty() || l.to_lowercase().contains(&needle))
        .take(SHOWN);
    html! {
        <section class="panel wide" aria-labelledby="events-heading">
            <h2 id="events-heading">{ "Event log" }</h2>
            <input class="filter" type="search" placeholder="Filter, e.g. LeaderElected or orders-3"
                   aria-label="Filter events" value={(*filter).clone()} oninput={on_filter} />
            <pre class="event-log" aria-label="Event log">
                { for lines.map(|l| html! { <>{ l }{ "\n" }</> }) }
            </pre>
        </section>
    }
}
