//! The timeline under the diagram: a scrubber over the whole run with marks for its notable
//! events, Step back, Undo, the branches left by acting in the past, and saving: Share (a
//! link), Export scenario (the CLI's file) and Import scenario (a file, also dropped on the page).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use crate::components::inline_error::InlineError;
use crate::scene::geometry::fixed;
use crate::scene::marks::Mark;
use crate::share;
use crate::state::timeline::clock_text;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct TimelineBarProps {
    pub now_ms: u64,
    pub end_ms: u64,
    pub marks: Rc<Vec<Mark>>,
    /// The run's end when the marks were chosen (they are placed against it, and redrawn a few
    /// times a second rather than every frame).
    pub marks_end_ms: u64,
    pub can_undo: bool,
    /// The other branches, described.
    pub branches: Vec<AttrValue>,
    pub error: Option<AttrValue>,
    /// The run as a scenario file, up to the moment shown.
    pub scenario: Callback<(), String>,
    pub dispatch: Callback<Action>,
}

/// Reads a chosen or dropped file and opens it.
pub fn open_file(lang: Lang, file: web_sys::File, dispatch: Callback<Action>) {
    yew::platform::spawn_local(async move {
        let action = match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(text) => Action::Import(text.as_string().unwrap_or_default()),
            Err(_) => {
                Action::Refuse(tr(lang, "Cannot open it: the file could not be read.").into())
            }
        };
        dispatch.emit(action);
    });
}

#[function_component(TimelineBar)]
pub fn timeline_bar(props: &TimelineBarProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let link = use_state(|| None::<String>);
    let dispatch = &props.dispatch;
    let on_scrub = dispatch.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        Action::Seek(input.value().parse().unwrap_or(0))
    });
    let step_back = dispatch.reform(|_: MouseEvent| Action::StepBack);
    let undo = dispatch.reform(|_: MouseEvent| Action::Undo);
    let on_branch = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = select.value().parse::<usize>() {
                dispatch.emit(Action::SwitchBranch(i));
            }
        })
    };
    let export = {
        let scenario = props.scenario.clone();
        Callback::from(move |_: MouseEvent| {
            share::download("kafkascope-run.json", &scenario.emit(()));
        })
    };
    let on_share = {
        let (scenario, link, dispatch) = (props.scenario.clone(), link.clone(), dispatch.clone());
        Callback::from(move |_: MouseEvent| {
            let text = scenario.emit(());
            let (link, dispatch) = (link.clone(), dispatch.clone());
            yew::platform::spawn_local(async move {
                match share::link(&text).await {
                    Ok(url) => {
                        share::show_in_address_bar(&url);
                        share::copy(&url);
                        link.set(Some(url));
                    }
                    Err(e) => {
                        dispatch.emit(Action::Refuse(trf(lang, "Cannot share it: {}", &[&e])))
                    }
                }
            });
        })
    };
    let on_file = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                open_file(lang, file, dispatch.clone());
            }
            input.set_value("");
        })
    };
    let close_link = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| link.set(None))
    };

    let behind = props.end_ms.saturating_sub(props.now_ms);
    html! {
        <section class="timeline" aria-label={tr(lang, "Timeline controls")}>
            <div class="timeline-row">
                <button onclick={step_back} disabled={props.now_ms == 0} title={tr(lang, "Back to the previous event")}>{ tr(lang, "Step back") }</button>
                <div class="scrubber">
                    <Marks marks={props.marks.clone()} end_ms={props.marks_end_ms} dispatch={dispatch.clone()} />
                    <input type="range" aria-label={tr(lang, "Timeline")} min="0" max={props.end_ms.to_string()} step="1"
                           value={props.now_ms.to_string()} oninput={on_scrub}
                           aria-valuetext={trf(lang, "{} of {}", &[&clock_text(props.now_ms), &clock_text(props.end_ms)])} />
                </div>
                <span class="timeline-where">
                    if behind > 0 { { trf(lang, "{} back", &[&clock_text(behind)]) } } else { { tr(lang, "now") } }
                </span>
                <button onclick={undo} disabled={!props.can_undo} title={tr(lang, "Take back the last command (it stays in a branch)")}>{ tr(lang, "Undo") }</button>
                if !props.branches.is_empty() {
                    <select aria-label={tr(lang, "Branches")} onchange={on_branch} title={tr(lang, "The futures you left by acting in the past")}>
                        <option value="" selected=true>{ trf(lang, "Branches ({})", &[&props.branches.len()]) }</option>
                        { for props.branches.iter().enumerate().map(|(i, b)| html! {
                            <option value={i.to_string()}>{ b.clone() }</option>
                        }) }
                    </select>
                }
                <span class="save-controls">
                    <button onclick={on_share} aria-label={tr(lang, "Share")} title={tr(lang, "A link to this run at this moment")}>{ tr(lang, "Share") }</button>
                    <button onclick={export} aria-label={tr(lang, "Export scenario")} title={tr(lang, "Download the run as a scenario file for kafka-sim run")}>{ tr(lang, "Export") }</button>
                    <label class="button-like" title={tr(lang, "Open a scenario file (or drop one on the page)")}>
                        { tr(lang, "Import") }
                        <input type="file" accept=".json,application/json" class="sr-only" aria-label={tr(lang, "Import scenario")} onchange={on_file} />
                    </label>
                </span>
            </div>
            if let Some(url) = &*link {
                <div class="share-link">
                    <label>
                        { trf(lang, "Link to this run ({} characters, copied): ", &[&url.len()]) }
                        <input readonly=true value={url.clone()} aria-label={tr(lang, "Shared link")} />
                    </label>
                    <button onclick={close_link} aria-label={tr(lang, "Close the link")}>{ "×" }</button>
                </div>
            }
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MarksProps {
    marks: Rc<Vec<Mark>>,
    end_ms: u64,
    dispatch: Callback<Action>,
}

/// The marks along the scrubber; a click on one goes there.
#[function_component(Marks)]
fn marks(props: &MarksProps) -> Html {
    let end = props.end_ms.max(1);
    let left = |at: u64| format!("left: {}%", fixed(at as f64 * 100.0 / end as f64, 2));
    let marks = props.marks.iter().map(|m| {
        let at = m.at_ms;
        let onclick = props.dispatch.reform(move |_: MouseEvent| Action::Seek(at));
        html! { <span class={classes!("mark", m.kind)} style={left(at)} title={m.label.clone()} {onclick}></span> }
    });
    html! { <div class="marks" aria-hidden="true">{ for marks }</div> }
}
