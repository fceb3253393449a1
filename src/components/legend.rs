//! The legend, folded into a button on the stage: what each mark of the current picture means.

use yew::prelude::*;

use crate::state::ViewKind;

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub view: ViewKind,
}

#[function_component(Legend)]
pub fn legend(props: &LegendProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="stage-overlay legend-box">
            <button onclick={toggle} aria-expanded={open.to_string()}>{ "Legend" }</button>
            if *open {
                <ul class="legend" aria-label="Legend">
                    if props.view == ViewKind::Topic {
                        <li><span class="swatch cell-swatch key-0"></span><span class="swatch cell-swatch key-1"></span>
                            { "a record; same colour = same key" }</li>
                        <li><span class="swatch cell-swatch committed-swatch"></span>{ "committed: below the HW" }</li>
                        <li><span class="swatch cell-swatch uncommitted-swatch"></span>{ "not yet committed (HW to LEO)" }</li>
                        <li><span class="swatch hw-swatch"></span>{ "HW, the high watermark" }</li>
                        <li><span class="swatch next-swatch"></span>{ "the next offset (the LEO)" }</li>
                        <li><span class="mark">{ "▲" }</span>{ "a group's committed offset" }</li>
                        <li><span class="mark">{ "◆" }</span>{ "its consumer's position" }</li>
                        <li><span class="swatch lag-swatch"></span>{ "lag: committed offset to HW" }</li>
                    } else {
                        <li class="replica leader"><span class="badge">{ "L" }</span>{ "leader" }</li>
                        <li class="replica in-sync"><span class="badge">{ "F" }</span>{ "in-sync follower" }</li>
                        <li class="replica out-of-sync"><span class="badge">{ "!" }</span>{ "out-of-sync follower" }</li>
                        <li class="replica offline"><span class="badge">{ "×" }</span>{ "offline" }</li>
                        <li><span class="swatch committed"></span>{ "committed (below HW)" }</li>
                        <li><span class="swatch uncommitted"></span>{ "not yet committed (HW to LEO)" }</li>
                    }
                    <li><span class="dot-swatch produce"></span>{ "produce" }
                        <span class="dot-swatch consume"></span>{ "consume" }
                        <span class="dot-swatch fetch"></span>{ "replication" }</li>
                </ul>
            }
        </div>
    }
}
