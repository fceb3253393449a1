//! The toolbar: the product's name, time (Play/Pause, Step, speed, the simulated clock and the
//! speed achieved when the machine cannot keep up), and the choice of picture.

use yew::prelude::*;

use crate::scene::geometry::fixed;
use crate::state::clock::{Clock, SPEEDS};
use crate::state::{Action, ViewKind};

#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    pub now_ms: u64,
    pub clock: Clock,
    pub view: ViewKind,
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
    html! {
        <header class="toolbar">
            <h1 class="brand" title="See and feel how Apache Kafka works">{ "KafkaScope" }</h1>
            <div class="time-controls" role="group" aria-label="Time">
                <button class="primary play" onclick={toggle} title="Space">
                    { if clock.playing { "Pause" } else { "Play" } }
                </button>
                <button onclick={step} title="Right arrow: process the next engine event">{ "Step" }</button>
                <select onchange={on_speed} aria-label="Speed" title="Simulated seconds per real second">
                    { for SPEEDS.iter().map(|&(s, label)| html! {
                        <option value={label} selected={s == clock.speed}>{ format!("{label}x") }</option>
                    }) }
                </select>
                <output class="clock" aria-label="Simulation time">{ format_clock(props.now_ms) }</output>
                if clock.falling_behind() {
                    <span class="achieved" role="status"
                          title="This machine cannot simulate faster: the clock runs at the speed it reaches, and the page stays responsive.">
                        { format!("running at {}x", achieved(clock.achieved)) }
                    </span>
                }
            </div>
            <div class="view-switch" role="group" aria-label="Picture">
                <button aria-pressed={(props.view == ViewKind::Topic).to_string()} onclick={show(ViewKind::Topic)}
                        title="Producers, partitions as logs of offsets, consumer groups">{ "Topic view" }</button>
                <button aria-pressed={(props.view == ViewKind::Cluster).to_string()} onclick={show(ViewKind::Cluster)}
                        title="The controller and the brokers with their replicas">{ "Cluster view" }</button>
            </div>
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
