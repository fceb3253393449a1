//! Time controls: Play/Pause, Step (to the next engine event), speed, and the simulated clock.

use yew::prelude::*;

use crate::state::{Action, SPEEDS};

#[derive(Properties, PartialEq)]
pub struct TimeBarProps {
    pub now_ms: u64,
    pub playing: bool,
    pub speed: f64,
    pub dispatch: Callback<Action>,
}

#[function_component(TimeBar)]
pub fn time_bar(props: &TimeBarProps) -> Html {
    let toggle = props.dispatch.reform(|_: MouseEvent| Action::TogglePlay);
    let step = props.dispatch.reform(|_: MouseEvent| Action::Step);
    let on_speed = props.dispatch.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Action::SetSpeed(select.value().parse().unwrap_or(1.0))
    });
    html! {
        <section class="panel time-bar" aria-label="Time">
            <button class="primary" onclick={toggle} title="Space">
                { if props.playing { "Pause" } else { "Play" } }
            </button>
            <button onclick={step} title="Right arrow: process the next engine event">{ "Step" }</button>
            <label class="speed">
                { "Speed " }
                <select onchange={on_speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|&s| html! {
                        <option value={s.to_string()} selected={s == props.speed}>{ format!("{s}x") }</option>
                    }) }
                </select>
            </label>
            <output class="clock" aria-label="Simulation time">{ format_clock(props.now_ms) }</output>
        </section>
    }
}

/// `t = 12.345 s`
pub fn format_clock(ms: u64) -> String {
    format!("t = {}.{:03} s", ms / 1000, ms % 1000)
}
