//! A text input's state. Yew keeps an input's DOM value equal to its `value` prop on every
//! render, and this app re-renders every frame, so an input with a fixed `value` would undo the
//! user's typing: every input with an initial value is backed by state through this hook.

use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct TextField {
    pub value: UseStateHandle<String>,
    pub oninput: Callback<InputEvent>,
}

impl TextField {
    /// The current text, for the `value` prop and for reading on submit.
    pub fn text(&self) -> String {
        (*self.value).clone()
    }

    pub fn set(&self, text: impl Into<String>) {
        self.value.set(text.into());
    }
}

#[hook]
pub fn use_text_field(initial: impl Into<String>) -> TextField {
    let initial = initial.into();
    let value = use_state(move || initial);
    let oninput = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            value.set(input.value());
        })
    };
    TextField { value, oninput }
}
