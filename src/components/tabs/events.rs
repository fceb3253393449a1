//! The event log: every event of the run as the engine's trace prints it, newest first, in a
//! virtualised list (only the rows on screen exist in the page, so a hundred thousand lines
//! scroll as smoothly as ten), with a filter that searches all of them; and the narration so far.

use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use crate::components::panel_markup::{esc, raw};
use crate::narration::Told;
use crate::state::history::HistoryHandle;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct EventsTabProps {
    pub history: HistoryHandle,
    /// Newest first.
    pub told: Vec<Told>,
    pub dispatch: Callback<Action>,
}

/// One line's height, px (the CSS gives rows exactly this).
const ROW_PX: f64 = 18.0;
/// Rows drawn beyond the visible ones, above and below, so a fast scroll shows no gap.
const OVERSCAN: usize = 10;

/// The narration so far, newest first.
fn narration(told: &[Told]) -> String {
    let mut out = String::from(r#"<ol class="narration-list">"#);
    for t in told {
        out.push_str(&format!("<li>{} ms: {}</li>", t.at, esc(&t.text)));
    }
    out.push_str("</ol>");
    out
}

#[function_component(EventsTab)]
pub fn events_tab(props: &EventsTabProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let filter = use_state(String::new);
    let scroll_top = use_state(|| 0.0_f64);
    let height = use_state(|| 400.0_f64);
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
        })
    };
    let onscroll = {
        let (scroll_top, height) = (scroll_top.clone(), height.clone());
        Callback::from(move |e: Event| {
            let el: Element = e.target_unchecked_into();
            scroll_top.set(f64::from(el.scroll_top()));
            height.set(f64::from(el.client_height()));
        })
    };
    let matches = {
        let history = props.history.clone();
        use_memo(
            ((*filter).clone(), props.history.version),
            move |(needle, _)| {
                (!needle.is_empty()).then(|| history.history.borrow().matching(needle))
            },
        )
    };
    // One handler for every row: a click moves the timeline to the row's event.
    let on_row = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            let at = e
                .target_dyn_into::<Element>()
                .and_then(|el| el.closest(".event-row").ok().flatten())
                .and_then(|row| row.get_attribute("data-at"))
                .and_then(|at| at.parse().ok());
            if let Some(at) = at {
                dispatch.emit(Action::Seek(at));
            }
        })
    };
    let history = props.history.history.borrow();
    let total = matches.as_ref().as_ref().map_or(history.len(), Vec::len);
    let first = ((*scroll_top / ROW_PX) as usize).saturating_sub(OVERSCAN);
    let shown = (*height / ROW_PX) as usize + 2 * OVERSCAN;
    let rows = (first..(first + shown).min(total)).filter_map(|k| {
        // Newest first: row k is the k-th line from the end.
        let nth = total - 1 - k;
        let i = match matches.as_ref() {
            Some(m) => m[nth] as usize,
            None => nth,
        };
        let line = history.line(i)?;
        let at = history.at(i)?;
        Some(html! {
            <div class="event-row" key={i} data-at={at.to_string()} title="Click: show the cluster at this moment">{ line }</div>
        })
    });
    let summary = match matches.as_ref() {
        Some(m) => trf(lang, "{} of {} events match", &[&m.len(), &history.len()]),
        None => trf(lang, "{} events", &[&history.len()]),
    };
    html! {
        <section class="card events" aria-labelledby="events-heading">
            <h2 id="events-heading">{ tr(lang, "Event log") }</h2>
            <input class="filter" type="search" placeholder={tr(lang, "Filter, e.g. LeaderElected or orders-3")}
                   aria-label={tr(lang, "Filter events")} value={(*filter).clone()} oninput={on_filter} />
            <p class="muted">
                { summary }
                if history.dropped() > 0 {
                    { trf(lang, " · the {} oldest were let go to keep memory bounded", &[&history.dropped()]) }
                }
            </p>
            <div class="event-scroll" aria-label={tr(lang, "Event log")} role="log" {onscroll}>
                <div class="event-spacer" style={format!("height: {}px", total * ROW_PX as usize)}>
                    <div class="event-rows" onclick={on_row} style={format!("transform: translateY({}px)", first * ROW_PX as usize)}>
                        { for rows }
                    </div>
                </div>
            </div>
            <h3>{ tr(lang, "What happened, in words") }</h3>
            { raw(narration(&props.told)) }
        </section>
    }
}
