//! A group's `kafka-consumer-groups.sh --describe`, exactly as Kafka prints it, with lag.

use yew::prelude::*;

use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct GroupDescriptionProps {
    pub group: AttrValue,
    pub text: AttrValue,
    pub dispatch: Callback<Action>,
}

#[function_component(GroupDescription)]
pub fn group_description(props: &GroupDescriptionProps) -> Html {
    let close = props
        .dispatch
        .reform(|_: MouseEvent| Action::SelectGroup(None));
    html! {
        <section class="panel wide" aria-label={format!("Group {}", props.group)}>
            <div class="panel-title">
                <h2>{ format!("kafka-consumer-groups.sh --describe --group {}", props.group) }</h2>
                <button class="link-button" onclick={close} aria-label="Close group">{ "×" }</button>
            </div>
            <pre class="describe" aria-label="Group description">{ props.text.clone() }</pre>
        </section>
    }
}
