//! The panel's read-only parts written as HTML text: facts, tables, lists of chips. As text
//! they cost the browser bundle a fraction of what the same elements built one by one cost
//! (each `html!` element is code). Their buttons carry a `data-act` naming what they do, read
//! by one delegated handler (`on_act`): native buttons, so the keyboard works as everywhere.
//!
//! Every text that can come from a user (names, keys, values) is escaped.

use std::fmt::Write;

use wasm_bindgen::JsCast;
use yew::prelude::*;

pub use super::markup::esc;
use crate::glossary;
use crate::state::selection::Selection;
use crate::state::Action;
use kafka_sim::{BrokerId, TopicPartition};

/// `html` as part of the page.
pub fn raw(html: String) -> Html {
    Html::from_html_unchecked(AttrValue::from(html))
}

/// A Kafka term shown as `label`, explained by its glossary entry in a tooltip.
pub fn term(label: &str, term: &str) -> String {
    format!(
        r#"<abbr class="term" title="{}">{}</abbr>"#,
        esc(&glossary::tooltip(term)),
        esc(label)
    )
}

/// What a `data-act` button does.
#[derive(Clone, Debug, PartialEq)]
pub enum Act {
    Select(Selection),
    AddConsumer(String),
    /// Show the moment `at_ms` of the run on the timeline.
    Seek(u64),
}

impl Act {
    /// As written in `data-act`: fields joined by `|`, each with `%` and `|` escaped.
    pub fn encode(&self) -> String {
        let fields: Vec<String> = match self {
            Act::Select(Selection::Broker(b)) => vec!["broker".into(), b.0.to_string()],
            Act::Select(Selection::Partition(tp)) => {
                vec![
                    "partition".into(),
                    tp.topic.to_string(),
                    tp.partition.0.to_string(),
                ]
            }
            Act::Select(Selection::Record { tp, offset }) => vec![
                "record".into(),
                tp.topic.to_string(),
                tp.partition.0.to_string(),
                offset.to_string(),
            ],
            Act::Select(Selection::Group(g)) => vec!["group".into(), g.clone()],
            Act::Select(Selection::Consumer { group, client_id }) => {
                vec!["consumer".into(), group.clone(), client_id.clone()]
            }
            Act::Select(Selection::Producer(p)) => vec!["producer".into(), p.clone()],
            Act::AddConsumer(g) => vec!["add-consumer".into(), g.clone()],
            Act::Seek(at_ms) => vec!["seek".into(), at_ms.to_string()],
        };
        fields
            .iter()
            .map(|f| f.replace('%', "%25").replace('|', "%7C"))
            .collect::<Vec<_>>()
            .join("|")
    }

    pub fn decode(text: &str) -> Option<Act> {
        let f: Vec<String> = text
            .split('|')
            .map(|f| f.replace("%7C", "|").replace("%25", "%"))
            .collect();
        let tp = |t: &str, p: &str| Some(TopicPartition::new(t, p.parse().ok()?));
        Some(
            match f.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
                ["broker", b] => Act::Select(Selection::Broker(BrokerId(b.parse().ok()?))),
                ["partition", t, p] => Act::Select(Selection::Partition(tp(t, p)?)),
                ["record", t, p, o] => Act::Select(Selection::Record {
                    tp: tp(t, p)?,
                    offset: o.parse().ok()?,
                }),
                ["group", g] => Act::Select(Selection::Group(g.to_string())),
                ["consumer", g, c] => Act::Select(Selection::Consumer {
                    group: g.to_string(),
                    client_id: c.to_string(),
                }),
                ["producer", p] => Act::Select(Selection::Producer(p.to_string())),
                ["add-consumer", g] => Act::AddConsumer(g.to_string()),
                ["seek", at_ms] => Act::Seek(at_ms.parse().ok()?),
                _ => return None,
            },
        )
    }

    fn action(self) -> Action {
        match self {
            Act::Select(s) => Action::Select(Some(s)),
            Act::AddConsumer(group) => Action::AddConsumer { group },
            Act::Seek(at_ms) => Action::Seek(at_ms),
        }
    }
}

/// A button doing `act`, showing `label`; `name` is its accessible name when it differs
/// from what it shows ("Open broker 2" for a chip reading "Broker 2 · alive").
pub fn button(out: &mut String, class: &str, act: &Act, label: &str, name: Option<&str>) {
    let _ = write!(
        out,
        r#"<button type="button" class="{class}" data-act="{}"{}>{}</button>"#,
        esc(&act.encode()),
        name.map_or(String::new(), |n| format!(r#" aria-label="{}""#, esc(n))),
        esc(label)
    );
}

/// The `data-act` of what a click or key landed on, as an action.
fn picked(event: &Event) -> Option<Action> {
    let target: web_sys::Element = event.target()?.dyn_into().ok()?;
    let holder = target.closest("[data-act]").ok()??;
    Act::decode(&holder.get_attribute("data-act")?).map(Act::action)
}

/// The one handler for every `data-act` inside an element: clicks, and Enter on rows that
/// act (buttons already turn Enter into a click).
pub fn on_act(dispatch: &Callback<Action>) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(action) = picked(&e) {
                dispatch.emit(action);
            }
        })
    };
    let key = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            let on_row = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|t| t.tag_name() == "TR");
            if e.key() == "Enter" && on_row {
                if let Some(action) = picked(&e) {
                    dispatch.emit(action);
                }
            }
        })
    };
    (click, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_read_back_whatever_the_names_hold() {
        let acts = [
            Act::Select(Selection::Broker(BrokerId(3))),
            Act::Select(Selection::Partition(TopicPartition::new("a|b%c", 7))),
            Act::Select(Selection::Record {
                tp: TopicPartition::new("orders", 3),
                offset: 12,
            }),
            Act::Select(Selection::Consumer {
                group: "g|1".into(),
                client_id: "c%2".into(),
            }),
            Act::AddConsumer("payments".into()),
            Act::Seek(12_345),
        ];
        for a in acts {
            assert_eq!(Act::decode(&a.encode()), Some(a.clone()), "{a:?}");
        }
        assert_eq!(Act::decode("nonsense|x"), None);
    }

    #[test]
    fn user_text_in_buttons_is_escaped() {
        let mut out = String::new();
        button(
            &mut out,
            "chip",
            &Act::AddConsumer("<g>".into()),
            "Add <g>",
            None,
        );
        assert!(out.contains("Add &lt;g&gt;"));
        assert!(!out.contains("<g>"));
    }
}
