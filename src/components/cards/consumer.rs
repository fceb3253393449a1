//! A consumer's card: what it is doing, the partitions it reads with its position, committed
//! offset and lag on each, the countdown if it stopped heartbeating, and its actions: leave the
//! group cleanly, be killed (the group notices after session.timeout.ms), restart.

use kafka_sim::view::GroupView;
use kafka_sim::TopicPartition;
use yew::prelude::*;

use crate::i18n::{tr, trf, Lang};

use std::fmt::Write;

use crate::components::inline_error::InlineError;
use crate::components::panel_markup::{raw, term};
use crate::scene::clients::MemberStatus;
use crate::scene::reasons::Reason;
use crate::state::forms::Panel;
use crate::state::selection::Selection;
use crate::state::Action;
use kafka_sim::Command;

/// One partition the consumer reads: `(partition, position, committed, lag)`.
pub type Reading = (TopicPartition, Option<u64>, Option<u64>, Option<u64>);

#[derive(Properties, PartialEq)]
pub struct ConsumerCardProps {
    pub group: String,
    pub client_id: String,
    pub status: Option<MemberStatus>,
    pub detail: String,
    pub reason: Option<Reason>,
    pub reading: Vec<Reading>,
    pub error: Option<AttrValue>,
    pub dispatch: Callback<Action>,
}

#[function_component(ConsumerCard)]
pub fn consumer_card(props: &ConsumerCardProps) -> Html {
    let lang = use_context::<Lang>().unwrap_or_default();
    let (group, consumer) = (props.group.clone(), props.client_id.clone());
    let act = |make: fn(String, String) -> Action| {
        let (group, consumer) = (group.clone(), consumer.clone());
        props
            .dispatch
            .reform(move |_: MouseEvent| make(group.clone(), consumer.clone()))
    };
    let open_group = {
        let group = group.clone();
        props
            .dispatch
            .reform(move |_: MouseEvent| Action::Select(Some(Selection::Group(group.clone()))))
    };
    let running = !matches!(
        props.status,
        Some(MemberStatus::Killed | MemberStatus::Leaving | MemberStatus::Stopped) | None
    );
    // The glossary's key is the English word; the word shown is in `lang`.
    let status = props.status.unwrap_or(MemberStatus::Stopped);
    html! {
        <section class="card" aria-label={trf(lang, "Consumer {}", &[&props.client_id])}>
            <h2>{ trf(lang, "Consumer {}", &[&props.client_id]) }</h2>
            <p class="facts-line">
                { raw(term(status.label(lang), status.word())) }{ trf(lang, " · {} · group ", &[&props.detail]) }
                <button class="link-button inline" onclick={open_group}>{ &props.group }</button>
            </p>
            <div class="button-row">
                if running {
                    <button onclick={act(|group, consumer| Action::Command(Panel::Details, Command::LeaveGroup { group, consumer }))}
                            title={tr(lang, "close(): commits, leaves the group; the group rebalances at once")}>
                        { trf(lang, "Remove consumer {}", &[&props.client_id]) }
                    </button>
                    <button class="danger" onclick={act(|group, consumer| Action::Command(Panel::Details, Command::KillConsumer { group, consumer }))}
                            title={tr(lang, "The process dies without leaving: the group notices after session.timeout.ms")}>
                        { trf(lang, "Kill consumer {}", &[&props.client_id]) }
                    </button>
                } else {
                    <button class="primary" onclick={act(|group, consumer| Action::RestartConsumer { group, consumer })}>
                        { trf(lang, "Restart consumer {}", &[&props.client_id]) }
                    </button>
                }
            </div>
            <InlineError error={props.error.clone()} dispatch={props.dispatch.clone()} />
            if let Some(r) = &props.reason {
                <p class="reason">{ trf(lang, "Its heartbeats stopped: {}", &[&r.full()]) }</p>
            }
            { raw(reading_table(lang, &props.reading)) }
        </section>
    }
}

/// Each partition the consumer reads: position, committed offset, lag.
fn reading_table(lang: Lang, reading: &[Reading]) -> String {
    if reading.is_empty() {
        return String::new();
    }
    let mut out = format!(
        r#"<table class="reading"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>"#,
        tr(lang, "partition"),
        term(tr(lang, "position"), "position"),
        term(tr(lang, "committed"), "committed offset"),
        term("lag", "lag")
    );
    let or_dash = |v: &Option<u64>| v.map_or("-".to_string(), |v| v.to_string());
    for (tp, pos, committed, lag) in reading {
        let _ = write!(
            out,
            "<tr><td>{tp}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            or_dash(pos),
            or_dash(committed),
            or_dash(lag)
        );
    }
    out.push_str("</tbody></table>");
    out
}

/// The partitions `client_id` owns in `group`, with its position on each.
pub fn reading(
    group: &GroupView,
    client_id: &str,
    positions: &[(TopicPartition, u64)],
) -> Vec<Reading> {
    group
        .partitions
        .iter()
        .filter(|gp| gp.owner.as_deref() == Some(client_id))
        .map(|gp| {
            let pos = positions.iter().find(|(t, _)| *t == gp.tp).map(|(_, p)| *p);
            (gp.tp.clone(), pos, gp.committed.map(|c| c.0), gp.lag)
        })
        .collect()
}
