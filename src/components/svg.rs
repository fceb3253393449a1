//! Small helpers every SVG piece uses: coordinates as text, rectangles, and objects that act as
//! buttons (focusable, named, activated by a click, Enter or Space).

use yew::prelude::*;

use crate::scene::geometry::fmt;
use crate::scene::Rect;

pub fn rect(r: &Rect, class: &'static str, radius: f64) -> Html {
    html! {
        <rect class={class} x={fmt(r.x)} y={fmt(r.y)} width={fmt(r.w)} height={fmt(r.h)} rx={fmt(radius)} />
    }
}

/// The click and keyboard handlers of a diagram object acting as a button: `emit` on a click,
/// Enter or Space. The click stops there, so an object inside another selects itself only.
pub fn activate(emit: Callback<()>) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let onclick = {
        let emit = emit.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            emit.emit(());
        })
    };
    let onkeydown = Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            e.stop_propagation();
            emit.emit(());
        }
    });
    (onclick, onkeydown)
}

/// A `<text>` at `(x, y)`.
pub fn text(x: f64, y: f64, class: &'static str, content: impl Into<Html>) -> Html {
    html! { <text class={class} x={fmt(x)} y={fmt(y)}>{ content.into() }</text> }
}

/// A `<text>` ending at `x` (right-aligned).
pub fn text_end(x: f64, y: f64, class: &'static str, content: impl Into<Html>) -> Html {
    html! { <text class={class} x={fmt(x)} y={fmt(y)} text-anchor="end">{ content.into() }</text> }
}
