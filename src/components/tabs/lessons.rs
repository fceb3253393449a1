//! The Lessons panel: the list of lessons (each a button named by its title, with how far the
//! learner got), or the lesson open: its steps in order, each a list item with a read-only
//! checkbox that is checked when the step's checkpoint is met, its explanation, what to do, and
//! "Show me", which does it.
//!
//! The names "Lessons" and "Show me" stay English in every language (outside tests find the
//! controls by them); what they show is translated.

use yew::prelude::*;

use crate::components::inline_error::InlineError;
use crate::glossary::{explain, TERMS};
use crate::i18n::{tr, trf, Lang};
use crate::state::lessons::{text, Catalog, LoadedLesson, Progress};
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct LessonsTabProps {
    pub catalog: Catalog,
    pub open: Option<Progress>,
    /// Steps done per lesson id, remembered across visits.
    pub remembered: Vec<(String, usize)>,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(LessonsTab)]
pub fn lessons_tab(props: &LessonsTabProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let lessons = match &props.catalog {
        Catalog::Loaded(l) => l.clone(),
        Catalog::Failed(why) => {
            return html! {
                <section class="card"><p class="error">{ trf(lang, "The lessons could not be loaded: {}", &[why]) }</p></section>
            }
        }
        _ => {
            return html! { <section class="card"><p class="hint">{ tr(lang, "Loading the lessons…") }</p></section> }
        }
    };
    let Some(progress) = props.open.as_ref().filter(|p| p.lesson < lessons.len()) else {
        return html! {
            <section class="card lessons" aria-labelledby="lessons-heading">
                <h2 id="lessons-heading">{ tr(lang, "Lessons") }</h2>
                <p class="hint">{ tr(lang, "Each lesson starts its own small cluster and walks you through one idea: read, do it (or press Show me), and watch the checkbox tick when Kafka gets there.") }</p>
                <ol class="lesson-list">
                    { for lessons.iter().enumerate().map(|(i, l)| {
                        let title = text(&l.lesson.title, lang).to_string();
                        let steps = l.lesson.steps.len();
                        let done = props.remembered.iter().find(|(id, _)| *id == l.lesson.id).map_or(0, |(_, n)| *n).min(steps);
                        let onclick = props.dispatch.reform(move |_: MouseEvent| Action::OpenLesson(i));
                        html! {
                            <li>
                                <button class="link-button strong" {onclick}>{ title }</button>
                                <span class={classes!("muted", (done == steps).then_some("lesson-done"))}>
                                    { if done == steps { tr(lang, "done").to_string() } else { trf(lang, "{} of {} steps", &[&done, &steps]) } }
                                </span>
                            </li>
                        }
                    }) }
                </ol>
                { glossary(lang, &lessons, &props.dispatch) }
            </section>
        };
    };
    let loaded = &lessons[progress.lesson];
    let lesson = &loaded.lesson;
    let current = progress.current();
    let back = props.dispatch.reform(|_: MouseEvent| Action::CloseLesson);
    let restart = {
        let i = progress.lesson;
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::OpenLesson(i))
    };
    html! {
        <section class="card lesson" aria-labelledby="lesson-heading">
            <div class="lesson-nav">
                <button class="link-button" onclick={back}>{ tr(lang, "← All lessons") }</button>
                <button class="link-button" onclick={restart}>{ tr(lang, "Restart lesson") }</button>
            </div>
            <h2 id="lesson-heading">{ text(&lesson.title, lang) }</h2>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            <ol class="lesson-steps">
                { for lesson.steps.iter().enumerate().map(|(i, step)| {
                    let met = progress.met[i].is_some();
                    let is_current = current == Some(i);
                    let action = text(&step.action, lang).to_string();
                    html! {
                        <li class={classes!(met.then_some("met"), is_current.then_some("current"))}>
                            <label class="step-check">
                                // Read-only: the engine ticks it, a click does not.
                                <input type="checkbox" checked={met} aria-readonly="true"
                                       onclick={Callback::from(|e: MouseEvent| e.prevent_default())} />
                                <span class="step-action">{ action }</span>
                            </label>
                            <p>{ text(&step.text, lang) }</p>
                            // Never disabled: on a later step it does each step up to it as it
                            // comes; on a step met it does nothing.
                            <button class={classes!(if is_current { "primary" } else if met { "quiet" } else { "" })}
                                    aria-label="Show me" onclick={props.dispatch.reform(move |_: MouseEvent| Action::ShowMe(i))}>
                                { tr(lang, "Show me") }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            if current.is_none() {
                <p class="lesson-complete" role="status">{ tr(lang, "Lesson complete. Try the next one, or keep playing with this cluster.") }</p>
            }
        </section>
    }
}

/// Every term the app shows, explained, with its configs and a button opening the lesson that
/// shows it.
fn glossary(lang: Lang, lessons: &[LoadedLesson], dispatch: &Callback<Action>) -> Html {
    html! {
        <details class="glossary">
            <summary><h3>{ tr(lang, "Glossary") }</h3></summary>
            <dl>
                { for TERMS.iter().map(|t| {
                    let lesson = lessons.iter().position(|l| l.lesson.id == t.lesson);
                    html! {
                        <div class="glossary-entry" id={format!("term-{}", t.term.replace(' ', "-"))}>
                            <dt>{ t.term }</dt>
                            <dd>
                                { explain(lang, t.term).unwrap_or_default() }
                                if !t.configs.is_empty() {
                                    <span class="configs">{ for t.configs.iter().map(|c| html! { <code>{ *c }</code> }) }</span>
                                }
                                if let Some(i) = lesson {
                                    <button class="link-button" onclick={dispatch.reform(move |_: MouseEvent| Action::OpenLesson(i))}>
                                        { trf(lang, "Lesson: {}", &[&text(&lessons[i].lesson.title, lang)]) }
                                    </button>
                                }
                            </dd>
                        </div>
                    }
                }) }
            </dl>
        </details>
    }
}
