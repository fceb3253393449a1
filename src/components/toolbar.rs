//! The toolbar: the product's name, time (Play/Pause, Step, speed, the simulated clock and the
//! speed achieved when the machine cannot keep up), and the choice of picture.

use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};
use crate::scene::geometry::fixed;
use crate::state::clock::{Clock, SPEEDS};
use crate::state::{Action, Tab, ViewKind};

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub now_ms: u64,
    pub clock: Clock,
    pub view: ViewKind,
    /// The Lessons panel is open.
    pub lessons_open: bool,
    /// The Language control chose a language.
    pub on_lang: Callback<Lang>,
    pub dispatch: Callback<Action>,
}

#[function_component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let toggle = props.dispatch.reform(|_: MouseEvent| Action::TogglePlay);
    let step = props.dispatch.reform(|_: MouseEvent| Action::Step);
    let on_speed = props.dispatch.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        let i = select.selected_index().max(0) as usize;
        Action::SetSpeed(SPEEDS[i.min(SPEEDS.len() - 1)].0)
    });
    let show = |view: ViewKind| {
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::SetView(view))
    };
    let clock = &props.clock;
    let lang = use_context::<Lang>().unwrap_or_default();
    let on_lang = props.on_lang.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Lang::from_code(&select.value())
    });
    html! {
        <header class="toolbar">
            <h1 class="brand" title={tr(lang, "See and feel how Apache Kafka works")}>{ "KafkaScope" }</h1>
            <div class="time-controls" role="group" aria-label={tr(lang, "Time")}>
                <button class="primary play" onclick={toggle} title={tr(lang, "Space")}>
                    { if clock.playing { tr(lang, "Pause") } else { tr(lang, "Play") } }
                </button>
                <button onclick={step} title={tr(lang, "Right arrow: process the next engine event")}>{ tr(lang, "Step") }</button>
                <select onchange={on_speed} aria-label={tr(lang, "Speed")} title={tr(lang, "Simulated seconds per real second")}>
                    { for SPEEDS.iter().map(|&(s, label)| html! {
                        <option value={label} selected={s == clock.speed}>{ format!("{label}x") }</option>
                    }) }
                </select>
                <output class="clock" aria-label={tr(lang, "Simulation time")}>{ format_clock(props.now_ms) }</output>
                if clock.falling_behind() {
                    <span class="achieved" role="status"
                          title={tr(lang, "This machine cannot simulate faster: the clock runs at the speed it reaches, and the page stays responsive.")}>
                        { trf(lang, "running at {}x", &[&achieved(clock.achieved)]) }
                    </span>
                }
            </div>
            <div class="view-switch" role="group" aria-label={tr(lang, "Picture")}>
                <button aria-pressed={(props.view == ViewKind::Topic).to_string()} onclick={show(ViewKind::Topic)}
                        title={tr(lang, "Producers, partitions as logs of offsets, consumer groups")}>{ tr(lang, "Topic view") }</button>
                <button aria-pressed={(props.view == ViewKind::Cluster).to_string()} onclick={show(ViewKind::Cluster)}
                        title={tr(lang, "The controller and the brokers with their replicas")}>{ tr(lang, "Cluster view") }</button>
            </div>
            // "Lessons" and "Language" keep their names in every language: it is how one finds them.
            <button class="lessons-button" aria-label="Lessons" aria-pressed={props.lessons_open.to_string()}
                    onclick={props.dispatch.reform(|_: MouseEvent| Action::ShowTab(Tab::Lessons))}>
                { tr(lang, "Lessons") }
            </button>
            <select class="language" aria-label="Language" title={tr(lang, "Language")} onchange={on_lang}>
                { for Lang::ALL.iter().map(|l| html! {
                    <option value={l.code()} selected={*l == lang}>{ l.name() }</option>
                }) }
            </select>
        </header>
    }
}

/// `t = 12.345 s`
pub fn format_clock(ms: u64) -> String {
    format!("t = {}.{:03} s", ms / 1000, ms % 1000)
}

/// The achieved speed, as few digits as it deserves: "37", "4.2", "0.8".
fn achieved(x: f64) -> String {
    fixed(x, if x >= 10.0 { 0 } else { 1 })
}
