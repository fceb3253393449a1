//! The context panel beside the diagram (a bottom sheet on a phone): the Produce form always
//! on top, then tabs for the brokers, the groups, the topics and the event log, and the selected
//! object's card with its actions. Results appear here, next to the control that made them; nothing moves under the
//! pointer (the panel scrolls on its own, the diagram keeps its place).

use yew::prelude::*;

use crate::i18n::{tr, Lang};
use crate::state::{Action, Tab};

#[derive(Properties, PartialEq)]
pub struct ContextPanelProps {
    pub tab: Tab,
    /// The selected object's name ("Broker 2"), which names the Details tab.
    pub selection_title: Option<AttrValue>,
    /// On a phone: the sheet is pulled up.
    pub expanded: bool,
    pub on_expand: Callback<bool>,
    pub dispatch: Callback<Action>,
    /// Always shown above the tabs (the Produce form).
    pub pinned: Html,
    pub children: Html,
}

/// The tabs after the selection's own, in order.
const TABS: [Tab; 6] = [
    Tab::Brokers,
    Tab::Groups,
    Tab::Topics,
    Tab::Events,
    Tab::Charts,
    Tab::Guarantees,
];

/// A tab's name in `lang` (each written out, so the translation test sees it).
fn tab_name(lang: Lang, tab: Tab) -> &'static str {
    match tab {
        Tab::Brokers => tr(lang, "Brokers"),
        Tab::Groups => tr(lang, "Groups"),
        Tab::Topics => tr(lang, "Topics"),
        Tab::Events => tr(lang, "Events"),
        Tab::Charts => tr(lang, "Charts"),
        Tab::Guarantees => tr(lang, "Guarantees"),
        Tab::Lessons => tr(lang, "Lessons"),
        Tab::Details => tr(lang, "Details"),
    }
}

#[function_component(ContextPanel)]
pub fn context_panel(props: &ContextPanelProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let tab_button = |tab: Tab, label: AttrValue| {
        let dispatch = props.dispatch.clone();
        let on_expand = props.on_expand.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.emit(Action::ShowTab(tab));
            on_expand.emit(true);
        });
        let selected = props.tab == tab;
        html! {
            <button role="tab" aria-selected={selected.to_string()} tabindex={if selected { "0" } else { "-1" }}
                    class={classes!("tab", selected.then_some("current"))} {onclick}>{ label }</button>
        }
    };
    let toggle = {
        let (on_expand, expanded) = (props.on_expand.clone(), props.expanded);
        Callback::from(move |_: MouseEvent| on_expand.emit(!expanded))
    };
    html! {
        <aside class={classes!("context-panel", props.expanded.then_some("expanded"))} aria-label={tr(lang, "Controls")}>
            <div class="sheet-handle">
                <button class="link-button" onclick={toggle} aria-expanded={props.expanded.to_string()}
                        aria-label={if props.expanded { tr(lang, "Hide controls") } else { tr(lang, "Show controls") }}>
                    { if props.expanded { "▾" } else { "▴" } }
                </button>
            </div>
            { props.pinned.clone() }
            <div class="tabs" role="tablist" aria-label={tr(lang, "Panels")}>
                if let Some(title) = props.selection_title.clone() {
                    { tab_button(Tab::Details, title) }
                }
                { for TABS.iter().map(|tab| tab_button(*tab, AttrValue::from(tab_name(lang, *tab)))) }
            </div>
            <div class="tab-body" role="tabpanel">
                { props.children.clone() }
            </div>
        </aside>
    }
}
