//! The narration line under the toolbar: what just happened and which Kafka setting made it
//! happen; the earlier sentences a click away. A polite live region announces leader changes
//! and the Produce form's results to screen readers.

use yew::prelude::*;

use crate::i18n::{tr, Lang};

use crate::narration::Told;
use crate::scene::words;

#[derive(Properties, PartialEq)]
pub struct NarrationBarProps {
    /// Newest first.
    pub told: Vec<Told>,
    /// `(count, words)`: a new count is a new announcement, even with the same words.
    pub announcement: Option<(u64, AttrValue)>,
    /// Why the app stopped the clock by itself, if it did.
    pub halted: Option<AttrValue>,
}

#[function_component(NarrationBar)]
pub fn narration_bar(props: &NarrationBarProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let newest = props.told.first();
    html! {
        <div class="narration">
            if let Some(why) = props.halted.clone() {
                <p class="halted" role="alert">{ why }</p>
            }
            <p class="narration-line" aria-label={tr(lang, "What just happened")} title={newest.map(|t| t.text.clone())}>
                { match newest {
                    Some(t) => html! { <>
                        <span class="narration-ago">{ stamp(lang, t.at) }</span>
                        { t.text.clone() }
                    </> },
                    None => html! { <span class="muted">{ tr(lang, "Events will be explained here as they happen.") }</span> },
                } }
            </p>
            if props.told.len() > 1 {
                <button class="link-button narration-more" onclick={toggle} aria-expanded={open.to_string()}
                        aria-label={tr(lang, "Earlier explanations")}>{ if *open { "▴" } else { "▾" } }</button>
            }
            if *open {
                <ol class="narration-earlier">
                    { for props.told.iter().skip(1).map(|t| html! {
                        <li><span class="narration-ago">{ stamp(lang, t.at) }</span>{ t.text.clone() }</li>
                    }) }
                </ol>
            }
            <div class="sr-only" aria-live="polite" aria-atomic="true" data-count={props.announcement.as_ref().map(|(n, _)| n.to_string())}>
                { props.announcement.as_ref().map(|(_, text)| text.clone()).unwrap_or_default() }
            </div>
        </div>
    }
}

/// "at 12.3 s": when it happened on the simulated clock (a stamp, not "2 s ago", which would
/// change on every frame).
fn stamp(lang: Lang, at: u64) -> String {
    crate::i18n::trf(lang, "at {}", &[&words::duration(at)])
}
