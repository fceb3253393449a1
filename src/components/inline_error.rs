//! A rejected action's message, in Kafka's words, shown next to the control that caused it.

use yew::prelude::*;

use crate::i18n::{tr, Lang};
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct InlineErrorProps {
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(InlineError)]
pub fn inline_error(props: &InlineErrorProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let Some(error) = props.error.clone() else {
        return html! {};
    };
    let dismiss = props.dispatch.reform(|_: MouseEvent| Action::DismissError);
    html! {
        <div class="error" role="alert">
            <span>{ error }</span>
            <button class="link-button" onclick={dismiss} aria-label={tr(lang, "Dismiss error")}>{ "×" }</button>
        </div>
    }
}
