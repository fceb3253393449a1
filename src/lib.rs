//! KafkaScope, the browser app: a live diagram of a `kafka-sim` cluster you can click.
//!
//! Code map:
//! - `main.rs`: mounts [`App`] on the page; `panic_report.rs`: a visible banner if it panics.
//! - `opening.rs`: the clusters the app opens on (`Classic`, and `Large` with `?scenario=large`).
//! - `state/`: the one reducer (owns the engine; clock, selection, forms, history in parts).
//! - `frames.rs`: the requestAnimationFrame loop that drives the clock, and the memory watch.
//! - `scene/`: pure geometry: a snapshot of the engine laid out as the topic view or the
//!   cluster view, for the stage's size; tested natively.
//! - `camera.rs`: pan and zoom arithmetic; `narration.rs`: events told in plain words;
//!   `glossary.rs`: one sentence per Kafka term; `inspect.rs`: data for the panel's cards.
//! - `components/`: one file per visual piece, fed plain data and callbacks.
//! - `share.rs`: links (`#run=`) and downloads; `saved_run.rs`: the run (and its branches)
//!   kept in localStorage, links opened at start or pasted later.
//!
//! Invariants: components never compute geometry and never touch the engine; timers and
//! listeners live in effects here (and in the stage), never in the reducer.

pub mod camera;
pub mod components;
mod frames;
pub mod glossary;
pub mod i18n;
pub mod inspect;
mod lesson_files;
pub mod narration;
pub mod opening;
pub mod panic_report;
mod saved_run;
pub mod scene;
pub mod share;
pub mod state;

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::storage::Storage;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use components::cards::broker::BrokerCard;
use components::cards::connector::{ConnectorCard, RestProxyCard};
use components::cards::consumer::{reading, ConsumerCard};
use components::cards::group::GroupCard;
use components::cards::lineage::LineageCard;
use components::cards::partition::PartitionCard;
use components::cards::producer::ProducerCard;
use components::cards::record::RecordCard;
use components::cluster_diagram::ClusterDiagram;
use components::dots::dots;
use components::legend::Legend;
use components::narration_bar::NarrationBar;
use components::panel::ContextPanel;
use components::produce_box::ProduceBox;
use components::stage::{Shot, Stage};
use components::tabs::brokers::BrokersTab;
use components::tabs::events::EventsTab;
use components::tabs::groups::{GroupSummary, GroupsTab};
use components::tabs::guarantees::GuaranteesTab;
use components::tabs::lessons::LessonsTab;
use components::tabs::topics::{TopicSummary, TopicsTab};
use components::timeline_bar::{open_file, TimelineBar};
use components::toolbar::Toolbar;
use components::topic_diagram::TopicDiagram;
use i18n::{tr, trf, Lang};
use opening::Preset;
use scene::snapshot::is_internal;
use scene::{cluster_view, reasons, topic_view, ClusterView, Rect, Viewport};
use state::forms::Panel;
use state::selection::Selection;
use state::{Action, SimState, Tab, ViewKind};

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| {
        let query = gloo::utils::window()
            .location()
            .search()
            .unwrap_or_default();
        SimState::new(Preset::from_query(&query))
    });
    let viewport = use_state(|| Viewport::new(0.0, 0.0));
    let sheet_open = use_state(|| false);
    let dragged = use_memo((), |_| Cell::new(false));
    let dispatch = {
        let dispatcher = state.dispatcher();
        Callback::from(move |action: Action| dispatcher.dispatch(action))
    };
    frames::use_clock(
        state.clock.playing,
        state.clock.speed >= frames::HALF_RATE_SPEED,
        dispatch.clone(),
    );
    use_keyboard(dispatch.clone());
    let (lang, set_lang) = use_language();
    saved_run::use_saved_run(&state, dispatch.clone(), lang);
    glossary::set_language(lang);
    {
        let dispatch = dispatch.clone();
        use_effect_with(lang, move |lang| dispatch.emit(Action::SetLanguage(*lang)));
    }
    use_lessons(&state, dispatch.clone());

    // The part of the diagram on the stage, as the stage last reported it.
    let visible = use_state(|| None::<Rect>);
    let view = Rc::new(ClusterView::from_engine(&state.engine()));
    // A click that ends a drag of the diagram is not a selection.
    let on_select = {
        let (dispatch, dragged) = (dispatch.clone(), dragged.clone());
        Callback::from(move |s: Selection| {
            if !dragged.get() {
                dispatch.emit(Action::Select(Some(s)));
            }
        })
    };
    let selection = state.selection.clone();
    let followed = state.followed_record();
    let (content, overlay, scene_w, scene_h) = match state.view {
        ViewKind::Topic => {
            let followed = followed.as_ref().map(|(tp, o)| (tp, *o));
            let engine = state.engine();
            let cells = topic_view::cells_that_fit(*viewport);
            let tails =
                |p: &kafka_sim::view::PartitionView| scene::snapshot::tail(&engine, p, cells);
            let scene = Rc::new(topic_view::layout(
                lang,
                &view,
                *viewport,
                selection.as_ref(),
                followed,
                &tails,
                *visible,
            ));
            let (w, h) = (scene.width, scene.height);
            let overlay = dots(&scene.dots);
            let draw = Callback::from(move |shot: Shot| {
                html! {
                    <TopicDiagram scene={scene.clone()} visible={shot.visible} zoom={shot.zoom} on_select={on_select.clone()} />
                }
            });
            (draw, overlay, w, h)
        }
        ViewKind::Cluster => {
            let scene = Rc::new(cluster_view::layout(
                lang,
                &view,
                *viewport,
                selection.as_ref(),
            ));
            let (w, h) = (scene.width, scene.height);
            let overlay = dots(&scene.dots);
            let draw = Callback::from(move |shot: Shot| {
                html! {
                    <ClusterDiagram scene={scene.clone()} zoom={shot.zoom} on_select={on_select.clone()} />
                }
            });
            (draw, overlay, w, h)
        }
    };
    let on_resize = {
        let viewport = viewport.clone();
        Callback::from(move |v: Viewport| {
            if v != *viewport {
                viewport.set(v);
            }
        })
    };
    let on_visible = {
        let visible = visible.clone();
        Callback::from(move |v: Rect| {
            if *visible != Some(v) {
                visible.set(Some(v));
            }
        })
    };
    let on_expand = {
        let sheet_open = sheet_open.clone();
        Callback::from(move |open: bool| sheet_open.set(open))
    };
    // The panel refreshes a few times a second (state.panels_version), not every frame.
    let panel = {
        // The Charts tab redraws every chart from scratch: once a second is enough to read
        // them, and keeps the large cluster at 100x within its frame budget.
        let refresh = if state.tab == Tab::Charts {
            state.panels_version / CHARTS_REFRESH_EVERY
        } else {
            state.panels_version
        };
        let deps = (
            refresh,
            state.tab,
            state.selection.clone(),
            state.feedback.clone(),
            lang,
        );
        let (state, view, dispatch) = (state.clone(), view.clone(), dispatch.clone());
        use_memo(deps, move |_| {
            (
                produce_box(&state, &view, &dispatch),
                panel_body(lang, &state, &view, &dispatch),
            )
        })
    };
    let history = state.history();
    let told: Vec<_> = history.told().take(12).cloned().collect();
    let announcement = history
        .announcement()
        .map(|(n, text)| (n, AttrValue::from(text.to_string())));
    drop(history);
    // The marks scan the whole history: at the panels' pace (four times a second), not per frame.
    let timeline = {
        let deps = (state.panels_version, lang);
        let state = state.clone();
        use_memo(deps, move |_| {
            let timeline = state.timeline();
            let marks = scene::marks::marks(lang, state.history().events(), timeline.end_ms);
            let branches: Vec<AttrValue> = timeline
                .branches
                .iter()
                .map(|b| AttrValue::from(b.label(lang)))
                .collect();
            (Rc::new(marks), branches, timeline.end_ms)
        })
    };
    let scenario = {
        let state = state.clone();
        Callback::from(move |_: ()| state.run().export(state.engine().now()))
    };
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let file = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0));
            if let Some(file) = file {
                open_file(lang, file, dispatch.clone());
            }
        })
    };
    let picture = match state.view {
        ViewKind::Topic => "topic",
        ViewKind::Cluster => "cluster",
    };

    html! {
        <ContextProvider<Lang> context={lang}>
        <div class="app" {ondragover} {ondrop}>
            <Toolbar now_ms={view.now} clock={state.clock.clone()} view={state.view} lessons_open={state.tab == Tab::Lessons} on_lang={set_lang} dispatch={dispatch.clone()} />
            <NarrationBar told={told} {announcement}
                          halted={state.halted.clone().map(AttrValue::from)} />
            <main class="workspace">
                <div class="stage-column">
                    <Stage viewport={*viewport} scene_width={scene_w} scene_height={scene_h} picture={picture}
                           {on_resize} {on_visible} dragged={dragged.clone()} {content} {overlay}>
                        <Legend view={state.view} />
                    </Stage>
                    <TimelineBar now_ms={view.now} end_ms={state.timeline().end_ms.max(view.now)}
                                 marks={timeline.0.clone()} marks_end_ms={timeline.2} can_undo={state.timeline().can_undo()}
                                 branches={timeline.1.clone()} error={state.error_in(Panel::Timeline).map(AttrValue::from)}
                                 {scenario} dispatch={dispatch.clone()} />
                </div>
                <ContextPanel tab={state.tab} selection_title={state.selection.as_ref().map(|s| AttrValue::from(s.title(lang)))}
                              expanded={*sheet_open} {on_expand} dispatch={dispatch.clone()}
                              pinned={panel.0.clone()}>
                    { panel.1.clone() }
                </ContextPanel>
            </main>
        </div>
        </ContextProvider<Lang>>
    }
}

/// The Produce form at the top of the panel.
fn produce_box(state: &SimState, view: &ClusterView, dispatch: &Callback<Action>) -> Html {
    html! {
        <ProduceBox topics={view.topics.iter().map(|t| t.name.clone()).collect::<Vec<_>>()}
                    producer_running={state.producer_running()}
                    producer_rate={state.producer_rate}
                    producer_name={state.preset.producer()}
                    producer_rate_max={(state.preset.producer_rate_per_s() * 4).max(50)}
                    load_producer={!state.foreign}
                    last_status={state.last_produce_status().map(AttrValue::from)}
                    error={state.error_in(Panel::Produce).map(AttrValue::from)} dispatch={dispatch.clone()} />
    }
}

/// The open tab of the context panel, from the engine as it is now.
fn panel_body(
    lang: Lang,
    state: &SimState,
    view: &ClusterView,
    dispatch: &Callback<Action>,
) -> Html {
    let error = |panel: Panel| state.error_in(panel).map(AttrValue::from);
    let topics: Vec<String> = view.topics.iter().map(|t| t.name.clone()).collect();
    match state.tab {
        Tab::Details => match &state.selection {
            Some(selection) => details(lang, state, view, selection, dispatch),
            None => html! {},
        },
        Tab::Brokers => html! {
            <BrokersTab brokers={view.brokers.clone()} error={error(Panel::Brokers)} dispatch={dispatch.clone()} />
        },
        Tab::Groups => html! {
            <GroupsTab groups={group_summaries(lang, view)} {topics} error={error(Panel::Groups)} dispatch={dispatch.clone()} />
        },
        Tab::Topics => html! {
            <TopicsTab topics={topic_summaries(view)} describe={describe_excluding_internal(&state.engine())}
                       error={error(Panel::Topics)} dispatch={dispatch.clone()} />
        },
        Tab::Events => {
            let told = state.history().told().cloned().collect::<Vec<_>>();
            html! { <EventsTab history={state.history_handle()} {told} dispatch={dispatch.clone()} /> }
        }
        Tab::Charts => components::panel_markup::raw(components::charts::markup(
            lang,
            state.metrics().points(),
        )),
        Tab::Lessons => html! {
            <LessonsTab catalog={state.lessons.catalog.clone()} open={state.lessons.open.clone()}
                        remembered={state.lessons.remembered.clone()} error={error(Panel::Lessons)}
                        dispatch={dispatch.clone()} />
        },
        Tab::Guarantees => {
            let ledger = state.ledger();
            let all = ledger.entries();
            let entries = all
                .iter()
                .rev()
                .take(components::tabs::guarantees::ENTRIES_SHOWN)
                .cloned()
                .collect::<Vec<_>>();
            html! {
                <GuaranteesTab counts={ledger.counts()} {entries} total_entries={all.len()}
                               found={state.feedback.found.clone()} error={error(Panel::Guarantees)}
                               dispatch={dispatch.clone()} />
            }
        }
    }
}

/// The journey of the record at `tp`@`offset`, from the events the app keeps, up to the
/// moment shown.
fn lineage_card(
    lang: Lang,
    state: &SimState,
    engine: &kafka_sim::Engine,
    tp: &kafka_sim::TopicPartition,
    offset: u64,
    dispatch: &Callback<Action>,
) -> Html {
    let history = state.history();
    let now = engine.now();
    let events = history.events().take_while(|e| e.at <= now);
    let steps = kafka_sim::guarantees::lineage_in(engine, events, tp, kafka_sim::Offset(offset));
    let kept_from = (history.dropped() > 0).then(|| history.at(0)).flatten();
    let markup = components::cards::lineage::markup(lang, &steps, kept_from);
    html! { <LineageCard markup={markup} dispatch={dispatch.clone()} /> }
}

/// The selected object's card.
fn details(
    lang: Lang,
    state: &SimState,
    view: &ClusterView,
    selection: &Selection,
    dispatch: &Callback<Action>,
) -> Html {
    let error = state.error_in(Panel::Details).map(AttrValue::from);
    let engine = state.engine();
    let missing =
        |what: String| html! { <p class="hint">{ trf(lang, "{} is gone.", &[&what]) }</p> };
    match selection {
        Selection::Broker(id) => match view.brokers.iter().find(|b| b.id == *id) {
            Some(b) => {
                let replicas: Vec<_> = view
                    .topics
                    .iter()
                    .flat_map(|t| &t.partitions)
                    .flat_map(|p| {
                        p.replica_states
                            .iter()
                            .filter(|r| r.broker == *id)
                            .map(|r| (p.tp.clone(), r.role))
                    })
                    .collect();
                html! {
                    <BrokerCard broker={b.clone()} reason={reasons::broker_fence(lang, view, *id)} {replicas}
                                {error} dispatch={dispatch.clone()} />
                }
            }
            None => missing(selection.title(lang)),
        },
        Selection::Partition(tp) => match inspect::partition_detail(&engine, tp) {
            Some(detail) => {
                let warnings = topic_view::warnings(lang, view, tp);
                html! { <PartitionCard {detail} {warnings} dispatch={dispatch.clone()} /> }
            }
            None => missing(selection.title(lang)),
        },
        // A record's card, then its partition's (where it sits among the others).
        // A record's card, its journey over time, then its partition's card (where it sits
        // among the others). A record no replica holds any more still has its journey.
        Selection::Record { tp, offset } => {
            let journey = lineage_card(lang, state, &engine, tp, *offset, dispatch);
            match inspect::record_detail(&engine, tp, *offset) {
                Some(record) => {
                    let partition = inspect::partition_detail(&engine, tp).map(|detail| {
                        let warnings = topic_view::warnings(lang, view, tp);
                        html! { <PartitionCard {detail} {warnings} dispatch={dispatch.clone()} /> }
                    });
                    html! { <><RecordCard {record} />{ journey }{ for partition }</> }
                }
                None => html! {
                    <>{ missing(trf(lang, "{} (deleted or truncated)", &[&selection.title(lang)])) }{ journey }</>
                },
            }
        }
        Selection::Group(g) => match view.groups.iter().find(|v| v.group == *g) {
            Some(group) => html! {
                <>
                { connector_card(view, |c| c.group.as_deref() == Some(g.as_str()), dispatch) }
                <GroupCard group={group.clone()} topics={state.group_spec(g).topics}
                           reason={reasons::join_phase(lang, view, g)}
                           describe={kafka_sim::describe::describe_group(&engine, g)}
                           {error} dispatch={dispatch.clone()} />
                </>
            },
            None => missing(selection.title(lang)),
        },
        Selection::Consumer { group, client_id } => {
            let colours = scene::clients::group_colours(view);
            let node = scene::clients::group_nodes(lang, view, Some(selection), &colours)
                .into_iter()
                .filter(|g| g.name == *group)
                .flat_map(|g| g.members)
                .find(|m| m.client_id == *client_id);
            let consumer = scene::clients::consumer(view, group, client_id);
            let positions: Vec<_> = consumer
                .map(|c| {
                    c.positions
                        .iter()
                        .map(|(tp, o)| (tp.clone(), o.0))
                        .collect()
                })
                .unwrap_or_default();
            let reading = view
                .groups
                .iter()
                .find(|g| g.group == *group)
                .map(|g| reading(g, client_id, &positions))
                .unwrap_or_default();
            html! {
                <ConsumerCard group={group.clone()} client_id={client_id.clone()}
                              status={node.as_ref().map(|m| m.status)}
                              detail={node.as_ref().map(|m| m.detail.clone()).unwrap_or_else(|| tr(lang, "not in the group").into())}
                              reason={reasons::session_expiry(lang, view, group, client_id)}
                              {reading} {error} dispatch={dispatch.clone()} />
            }
        }
        Selection::Producer(name) => match view.producers.iter().find(|p| p.name == *name) {
            Some(p) => html! {
                <>
                { connector_card(view, |c| c.class == kafka_sim::connect::ConnectorClass::Source
                    && c.tasks.iter().any(|t| t.client_id == *name), dispatch) }
                { for view.rest_proxies.iter().filter(|r| r.proxy == *name).map(|r| html! { <RestProxyCard proxy={r.clone()} /> }) }
                <ProducerCard producer={p.clone()} is_load={p.name == state.preset.producer()} />
                </>
            },
            None => missing(selection.title(lang)),
        },
    }
}

/// The card of the connector `which` picks, if one does (a sink's group, a source's task).
fn connector_card(
    view: &ClusterView,
    which: impl Fn(&kafka_sim::connect::ConnectorView) -> bool,
    dispatch: &Callback<Action>,
) -> Html {
    let Some(c) = view.connectors.iter().find(|c| which(c)) else {
        return Html::default();
    };
    let status = kafka_sim::describe::connector_status(c);
    html! { <ConnectorCard connector={c.clone()} status={status} dispatch={dispatch.clone()} /> }
}

/// What the topics tab shows of each topic.
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

/// What the groups tab shows of each group: its state and its consumers.
fn group_summaries(lang: Lang, view: &ClusterView) -> Vec<GroupSummary> {
    view.groups
        .iter()
        .map(|g| {
            let mut consumers: Vec<(String, bool)> = Vec::new();
            for c in view.consumers.iter().filter(|c| c.group == g.group) {
                // The latest consumer under a name speaks for it (a restarted one replaces it).
                consumers.retain(|(name, _)| *name != c.client_id);
                consumers.push((c.client_id.clone(), c.running));
            }
            GroupSummary {
                name: g.group.clone(),
                state: g
                    .state
                    .map_or(tr(lang, "(no coordinator)").to_string(), |s| {
                        s.as_str().to_string()
                    }),
                consumers,
            }
        })
        .collect()
}

/// `kafka-topics.sh --describe --exclude-internal`: Kafka's text without `__consumer_offsets`.
fn describe_excluding_internal(engine: &kafka_sim::Engine) -> String {
    kafka_sim::describe::describe_topics(engine)
        .lines()
        .filter(|line| {
            let topic = line.trim_start().strip_prefix("Topic: ").unwrap_or("");
            !is_internal(topic)
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

/// Whether a key press is someone typing into a form (or pressing a focused button), which
/// the app's shortcuts must leave alone.
pub fn typing_in_a_field(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(
                el.tag_name().as_str(),
                "INPUT" | "SELECT" | "TEXTAREA" | "BUTTON"
            )
        })
}

/// The Charts tab refreshes every this many panel refreshes (the panels refresh four times a
/// second).
const CHARTS_REFRESH_EVERY: u64 = 4;

/// Where the lessons' progress is remembered.
const LESSONS_KEY: &str = "kafkascope.lessons";

/// The lessons' catalog is fetched the first time their panel opens; the progress made is
/// saved as it grows.
#[hook]
fn use_lessons(state: &UseReducerHandle<SimState>, dispatch: Callback<Action>) {
    let wanted =
        state.tab == Tab::Lessons && state.lessons.catalog == state::lessons::Catalog::NotLoaded;
    use_effect_with(wanted, move |wanted| {
        if *wanted {
            dispatch.emit(Action::LoadLessons);
            yew::platform::spawn_local(async move {
                let loaded = lesson_files::load().await.map(Rc::new);
                let remembered = gloo::storage::LocalStorage::raw()
                    .get_item(LESSONS_KEY)
                    .ok()
                    .flatten()
                    .map(|t| state::lessons::Lessons::parse_remembered(&t))
                    .unwrap_or_default();
                dispatch.emit(Action::LessonsLoaded(loaded, remembered));
            });
        }
    });
    let text = state.lessons.remembered_text();
    use_effect_with(text, |text| {
        if !text.is_empty() {
            let _ = gloo::storage::LocalStorage::raw().set_item(LESSONS_KEY, text);
        }
    });
}

/// The language the app speaks and a callback choosing another: the one chosen last time
/// (localStorage), or else the browser's. The page's `lang` follows it.
#[hook]
fn use_language() -> (Lang, Callback<Lang>) {
    let lang = use_state(|| {
        let stored = gloo::storage::LocalStorage::raw()
            .get_item(i18n::STORAGE_KEY)
            .ok()
            .flatten();
        let code = stored.or_else(|| gloo::utils::window().navigator().language());
        Lang::from_code(&code.unwrap_or_default())
    });
    use_effect_with(*lang, |lang| {
        if let Some(root) = gloo::utils::document().document_element() {
            let _ = root.set_attribute("lang", lang.code());
        }
    });
    let choose = {
        let lang = lang.clone();
        Callback::from(move |chosen: Lang| {
            let _ = gloo::storage::LocalStorage::raw().set_item(i18n::STORAGE_KEY, chosen.code());
            lang.set(chosen);
        })
    };
    (*lang, choose)
}

/// Space plays or pauses, the right arrow steps and the left one steps back, Escape clears the
/// selection; not while typing in a form field.
#[hook]
fn use_keyboard(dispatch: Callback<Action>) {
    use_effect_with((), move |_| {
        let listener = EventListener::new(&gloo::utils::document(), "keydown", move |event| {
            let Some(event) = event.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if typing_in_a_field(event) {
                return;
            }
            let action = match event.key().as_str() {
                " " => Action::TogglePlay,
                "ArrowRight" => Action::Step,
                "ArrowLeft" => Action::StepBack,
                "Escape" => Action::Select(None),
                _ => return,
            };
            event.prevent_default();
            dispatch.emit(action);
        });
        move || drop(listener)
    });
}
