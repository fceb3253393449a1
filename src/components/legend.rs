//! The legend, folded into a button on the stage: what each mark of the current picture means.

use yew::prelude::*;

use crate::i18n::{tr, Lang};

use crate::state::ViewKind;

#[derive(Properties, PartialEq)]
pub struct LegendProps {
    pub view: ViewKind,
}

#[function_component(Legend)]
pub fn legend(props: &LegendProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <div class="stage-overlay legend-box">
            <button onclick={toggle} aria-expanded={open.to_string()}>{ tr(lang, "Legend") }</button>
            if *open {
                <ul class="legend" aria-label={tr(lang, "Legend")}>
                    if props.view == ViewKind::Topic {
                        <li><span class="swatch cell-swatch key-0"></span><span class="swatch cell-swatch key-1"></span>
                            { tr(lang, "a record; same colour = same key") }</li>
                        <li><span class="swatch cell-swatch committed-swatch"></span>{ tr(lang, "committed: below the HW") }</li>
                        <li><span class="swatch cell-swatch uncommitted-swatch"></span>{ tr(lang, "not yet committed (HW to LEO)") }</li>
                        <li><span class="swatch hw-swatch"></span>{ tr(lang, "HW, the high watermark") }</li>
                        <li><span class="swatch next-swatch"></span>{ tr(lang, "the next offset (the LEO)") }</li>
                        <li><span class="glyph">{ "▲" }</span>{ tr(lang, "a group's committed offset") }</li>
                        <li><span class="glyph">{ "◆" }</span>{ tr(lang, "its consumer's position") }</li>
                        <li><span class="swatch lag-swatch"></span>{ tr(lang, "lag: committed offset to HW") }</li>
                    } else {
                        <li class="replica leader"><span class="badge">{ "L" }</span>{ tr(lang, "leader") }</li>
                        <li class="replica in-sync"><span class="badge">{ "F" }</span>{ tr(lang, "in-sync follower") }</li>
                        <li class="replica out-of-sync"><span class="badge">{ "!" }</span>{ tr(lang, "out-of-sync follower") }</li>
                        <li class="replica offline"><span class="badge">{ "×" }</span>{ tr(lang, "offline") }</li>
                        <li><span class="swatch committed"></span>{ tr(lang, "committed (below HW)") }</li>
                        <li><span class="swatch uncommitted"></span>{ tr(lang, "not yet committed (HW to LEO)") }</li>
                    }
                    <li><span class="dot-swatch produce"></span>{ tr(lang, "produce") }
                        <span class="dot-swatch consume"></span>{ tr(lang, "consume") }
                        <span class="dot-swatch fetch"></span>{ tr(lang, "replication") }</li>
                </ul>
            }
        </div>
    }
}
