//! KafkaScope, the browser app: a live diagram of a `kafka-sim` cluster you can click.
//!
//! Code map:
//! - `main.rs`: mounts [`App`] on the page.
//! - `panic_report.rs`: a visible banner (and the console message) if the app ever panics.
//! - `opening.rs`: the clusters the app opens on (`Classic`: 3 brokers, `orders`, a producer;
//!   `Large`, with `?scenario=large`: 12 brokers, 100 partitions, 2,000 records/s).
//! - `state.rs`: the one reducer; it owns the engine and turns actions into engine commands.
//! - `frames.rs`: the requestAnimationFrame loop that drives the clock while playing.
//! - `inspect.rs`: plain data for the inspector panels (a partition's replica logs).
//! - `layout.rs`: pure geometry, `layout(&ClusterView) -> Scene`; plain data, tested natively.
//! - `components/`: one file per visual piece, fed plain data and callbacks.
//!
//! Invariants: components never compute geometry and never touch the engine; timers and
//! listeners live in effects here, never in the reducer.

pub mod components;
mod frames;
pub mod inspect;
pub mod layout;
pub mod opening;
pub mod panic_report;
pub mod state;

use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use components::broker_actions::BrokerActions;
use components::cluster::ClusterDiagram;
use components::event_log::EventLog;
use components::group_description::GroupDescription;
use components::groups_panel::{GroupSummary, GroupsPanel};
use components::header::Header;
use components::partition_inspector::PartitionInspector;
use components::produce_form::ProduceForm;
use components::time_bar::TimeBar;
use components::topic_description::TopicDescription;
use components::topics_panel::{TopicSummary, TopicsPanel};
use layout::{ClusterView, ReplicaRole};
use opening::Preset;
use state::{Action, Panel, SimState};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let query = gloo::utils::window()
            .location()
            .search()
            .unwrap_or_default();
        SimState::new(Preset::from_query(&query))
    });
    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    use_clock(state.playing, dispatch.clone());
    use_keyboard(dispatch.clone());

    let view = ClusterView::from_engine(&state.engine());
    // The text panels refresh a few times a second (state.panels_version), not every frame.
    let panels = {
        let state = state.clone();
        let deps = (
            state.panels_version,
            state.selected_partition.clone(),
            state.selected_group.clone(),
        );
        use_memo(deps, move |_| {
            let engine = state.engine();
            TextPanels {
                describe: describe_excluding_internal(&engine).into(),
                log: Rc::new(state.newest_log_lines(EVENT_LOG_SHOWN)),
                partition: state
                    .selected_partition
                    .as_deref()
                    .and_then(|p| inspect::partition_detail(&engine, p)),
                group: state.selected_group.as_ref().map(|g| {
                    let text = kafka_sim::describe::describe_group(&engine, g);
                    (AttrValue::from(g.clone()), AttrValue::from(text))
                }),
            }
        })
    };
    let scene = layout::layout(&view);
    let selected = state.selected_broker.and_then(|id| {
        scene
            .brokers
            .iter()
            .find(|b| b.id == id)
            .map(|b| (id, b.state))
    });
    let any_isolated = view.brokers.iter().any(|b| b.isolated);
    let topics: Vec<String> = view.topics.iter().map(|t| t.name.clone()).collect();
    let producer_running = state.producer_running();
    let producer_rate = state.producer_rate;
    let offline = scene
        .brokers
        .iter()
        .flat_map(|b| &b.replicas)
        .any(|r| r.partition_offline);
    let on_select = dispatch.reform(|id| Action::SelectBroker(Some(id)));
    let on_select_partition = dispatch.reform(|p| Action::SelectPartition(Some(p)));
    let error = |panel: Panel| state.error_in(panel).map(AttrValue::from);
    let topic_summaries = topic_summaries(&view);
    let group_summaries = group_summaries(&view);

    html! {
        <div class="app">
            <Header />
            <TimeBar now_ms={view.now} playing={state.playing} speed={state.speed} dispatch={dispatch.clone()} />
            <main class="workspace">
                <div class="stage">
                    if offline {
                        <p class="warning" role="status">{ "Some partitions are offline: no in-sync replica is alive (Leader: none)." }</p>
                    }
                    <ClusterDiagram scene={scene} selected={state.selected_broker} {on_select} {on_select_partition} />
                    <Legend />
                </div>
                <aside class="sidebar">
                    <ProduceForm {topics} {producer_running} {producer_rate}
                                 producer_name={state.preset.producer()}
                                 producer_rate_max={(state.preset.producer_rate_per_s() * 4).max(50)}
                                 last_status={state.last_produce_status().map(AttrValue::from)}
                                 error={error(Panel::Produce)} dispatch={dispatch.clone()} />
                    <BrokerActions {selected} {any_isolated} error={error(Panel::Brokers)} dispatch={dispatch.clone()} />
                    <GroupsPanel groups={group_summaries} error={error(Panel::Groups)} dispatch={dispatch.clone()} />
                    <TopicsPanel topics={topic_summaries} error={error(Panel::Topics)} dispatch={dispatch.clone()} />
                </aside>
            </main>
            <div class="bottom">
                if let Some((group, text)) = panels.group.clone() {
                    <GroupDescription {group} {text} dispatch={dispatch.clone()} />
                }
                if let Some(detail) = panels.partition.clone() {
                    <PartitionInspector {detail} dispatch={dispatch.clone()} />
                }
                <TopicDescription text={panels.describe.clone()} />
                <EventLog lines={panels.log.clone()} />
            </div>
        </div>
    }
}

/// What the topics panel shows of each topic.
fn topic_summaries(view: &ClusterView) -> Vec<TopicSummary> {
    view.topics
        .iter()
        .map(|t| TopicSummary {
            name: t.name.clone(),
            partitions: t.partitions.len(),
            replication_factor: t.partitions.first().map_or(0, |p| p.replicas.len()),
            min_insync_replicas: t.min_insync_replicas,
            unclean_leader_election: t.unclean_leader_election_enable,
        })
        .collect()
}

/// What the groups panel shows of each group: its state and its consumers.
fn group_summaries(view: &ClusterView) -> Vec<GroupSummary> {
    view.groups
        .iter()
        .map(|g| GroupSummary {
            name: g.group.clone(),
            state: g
                .state
                .map_or("(no coordinator)".to_string(), |s| format!("{s:?}")),
            consumers: view
                .consumers
                .iter()
                .filter(|c| c.group == g.group)
                .map(|c| (c.client_id.clone(), c.running))
                .collect(),
        })
        .collect()
}

/// `kafka-topics.sh --describe --exclude-internal`: Kafka's text without `__consumer_offsets`.
fn describe_excluding_internal(engine: &kafka_sim::Engine) -> String {
    kafka_sim::describe::describe_topics(engine)
        .lines()
        .filter(|line| {
            let topic = line.trim_start().strip_prefix("Topic: ").unwrap_or("");
            !layout::is_internal(topic)
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Event-log lines kept formatted for the panel (and its filter).
const EVENT_LOG_SHOWN: usize = 300;

/// What the panels below the diagram show, rebuilt a few times a second.
struct TextPanels {
    describe: AttrValue,
    log: Rc<Vec<String>>,
    partition: Option<inspect::PartitionDetail>,
    /// The selected group's name and `kafka-consumer-groups --describe` text.
    group: Option<(AttrValue, AttrValue)>,
}

#[function_component(Legend)]
fn legend() -> Html {
    let item = |role: ReplicaRole| {
        html! {
            <li class={classes!("replica", role.class())}>
                <span class="badge">{ role.badge() }</span>{ role.label() }
            </li>
        }
    };
    html! {
        <ul class="legend" aria-label="Legend">
            { item(ReplicaRole::Leader) }{ item(ReplicaRole::InSync) }
            { item(ReplicaRole::OutOfSync) }{ item(ReplicaRole::Offline) }
            <li><span class="swatch committed"></span>{ "committed (below HW)" }</li>
            <li><span class="swatch uncommitted"></span>{ "not yet committed (HW to LEO)" }</li>
        </ul>
    }
}

/// While playing, advances the simulation once per animation frame by the real time elapsed
/// times the speed, so the diagram moves exactly as often as the screen repaints.
#[hook]
fn use_clock(playing: bool, dispatch: Callback<Action>) {
    use_effect_with(playing, move |&playing| {
        let frames = playing.then(|| {
            frames::AnimationFrames::start(move |real_ms| dispatch.emit(Action::Frame { real_ms }))
        });
        move || drop(frames)
    });
}

/// Space plays or pauses, the right arrow steps; not while typing in a form field.
#[hook]
fn use_keyboard(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let listener = EventListener::new(&gloo::utils::document(), "keydown", move |event| {
            let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            let typing = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .is_some_and(|el| {
                    matches!(
                        el.tag_name().as_str(),
                        "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
                    )
                });
            if typing {
                return;
            }
            match event.key().as_str() {
                " " => {
                    event.prevent_default();
                    dispatch.emit(Action::TogglePlay);
                }
                "ArrowRight" => {
                    event.prevent_default();
                    dispatch.emit(Action::Step);
                }
                _ => {}
            }
        });
        move || drop(listener)
    });
}
