//! The app's one reducer: it owns the engine and turns user actions and animation frames into
//! engine commands. Components never touch the engine; they get plain snapshots.
//!
//! Its jobs live in parts, each with its own equality: `clock.rs` (playing, speed, the frame
//! budget), `selection.rs` (what is selected, by Kafka's ids), `forms.rs` (what forms check,
//! where errors show), `history.rs` (the event log, the narration, announcements).
//!
//! The engine lives in an `Rc<RefCell<_>>` shared by successive states (cloning a whole cluster
//! per frame would be wasteful); `version` changes on every mutation, so equality, and with it
//! Yew's re-rendering, follows the engine.

pub mod clock;
pub mod forms;
pub mod history;
pub mod lessons;
pub mod metrics;
pub mod run;
pub mod selection;
pub mod timeline;

use kafka_sim::sorted::SortedMap;
use std::cell::RefCell;
use std::rc::Rc;

use kafka_sim::assignor::AssignorKind;
use kafka_sim::command::ResetTarget;
use kafka_sim::consumer::OffsetReset;
use kafka_sim::guarantees::GuaranteeLedger;
use kafka_sim::{
    Command, Delivery, Engine, Event, KafkaError, Outcome, ProduceHandle, TimedEvent,
    TopicPartition,
};
use yew::Reducible;

use crate::i18n::{tr, trf, Lang};
use crate::opening::Preset;
use clock::{Clock, Wall};
use forms::{Feedback, GroupSpec, Panel};
use history::History;
use run::Run;
use selection::Selection;
use timeline::Timeline;

/// The panels beside the diagram (describe text, event log, cards) refresh at most this often,
/// in real ms: text changing 60 times a second cannot be read, and rebuilding it costs frames.
const PANELS_REFRESH_MS: f64 = 250.0;

/// Which picture of the cluster the stage shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewKind {
    /// Producers -> partitions as logs -> consumer groups.
    Topic,
    /// The controller and brokers with their replicas.
    Cluster,
}

/// The context panel's tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// The selected object's card: its details and its actions.
    Details,
    Brokers,
    Groups,
    Topics,
    Events,
    /// Charts over simulated time (lag, throughput, replication health).
    Charts,
    /// The guarantee ledger (acked, lost, delivered twice, out of key order) and the record
    /// finder.
    Guarantees,
    /// The lessons: their list, or the open lesson's steps (opened by the toolbar's button).
    Lessons,
}

/// Records listed at most for a key searched.
const FOUND_SHOWN: usize = 50;

#[derive(Clone)]
pub struct SimState {
    engine: Rc<RefCell<Engine>>,
    /// The cluster the app opened on (its topic and load producer).
    pub preset: Preset,
    /// The run is not one of the presets (a lesson's or an imported scenario): the preset's
    /// load producer is not part of it.
    pub foreign: bool,
    /// This page opened a run (a link, a file, the one kept by the last visit) rather than
    /// showing its preset's opening: it may replace the run kept in the browser.
    pub opened_a_run: bool,
    version: u64,
    pub clock: Clock,
    pub selection: Option<Selection>,
    pub view: ViewKind,
    pub tab: Tab,
    pub feedback: Feedback,
    /// How each group's consumers join (topics, assignor).
    groups: Rc<SortedMap<String, GroupSpec>>,
    /// The opening producer's rate, records/s (kept while it is stopped).
    pub producer_rate: u64,
    /// The run (the opening and every command given), its snapshots and branches: time
    /// travel (shared like the engine).
    timeline: Rc<RefCell<Timeline>>,
    /// Shared by successive states like the engine (appended in place); `history_version`
    /// changes when it does.
    history: Rc<RefCell<History>>,
    pub history_version: u64,
    /// Samples for the Charts tab, shared like the history (sampled in `collect_events`).
    metrics: Rc<RefCell<metrics::Metrics>>,
    /// The guarantee ledger of the moment shown: fed every event as it is taken from the
    /// engine, and set by the timeline when it shows another moment.
    ledger: Rc<RefCell<GuaranteeLedger>>,
    /// Bumped when the panels should refresh (see `PANELS_REFRESH_MS`).
    pub panels_version: u64,
    since_panels_ms: f64,
    /// Why the clock was stopped by the app itself (a limit reached), shown until played again.
    pub halted: Option<String>,
    /// The lessons: their catalog, the one open and its steps' progress.
    pub lessons: lessons::Lessons,
}

impl PartialEq for SimState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
            && self.version == other.version
            && self.clock == other.clock
            && self.selection == other.selection
            && self.view == other.view
            && self.tab == other.tab
            && self.feedback == other.feedback
            && self.producer_rate == other.producer_rate
            && self.history_version == other.history_version
            && self.panels_version == other.panels_version
            && self.halted == other.halted
            && self.lessons == other.lessons
    }
}

pub enum Action {
    /// A command as it is (kill a broker, send a record, ...); a rejection shows in the panel.
    Command(Panel, Command),
    /// An animation frame: `real_ms` of wall time passed since the last (the engine's share
    /// of the frame is timed on `wall`).
    Frame {
        real_ms: f64,
        /// Display refreshes `real_ms` covers (2 when drawing at half rate).
        frames: u32,
        wall: Wall,
    },
    TogglePlay,
    /// Process the next scheduled engine event (or the run's next recorded command).
    Step,
    /// Show the run at this simulated time (within what it has reached).
    Seek(u64),
    /// Back to the time of the previous event.
    StepBack,
    /// Take back the last command (the run with it is kept as a branch).
    Undo,
    /// Return to another branch of the run.
    SwitchBranch(usize),
    /// Open a scenario file (or a shared run); on error the current run stays.
    Import(String),
    /// Open a run already read (the one saved by the last visit), shown at this time, with
    /// the branches kept beside it.
    Open(Box<Run>, u64, Vec<timeline::Branch>),
    /// Say why something of the timeline bar could not be done (a file unread, ...).
    Refuse(String),
    SetSpeed(f64),
    /// The app stops the clock by itself: the run uses this many MB of the browser's memory,
    /// close to its limit.
    HaltMemory(u64),
    Select(Option<Selection>),
    /// Find a record: `TOPIC-PARTITION@OFFSET` opens it, anything else is a key to look for.
    FindRecord(String),
    /// The narration is told in this language from now on.
    SetLanguage(crate::i18n::Lang),
    /// The Lessons panel needs its catalog: it is being fetched.
    LoadLessons,
    /// The catalog arrived (or could not), with the progress remembered from earlier visits.
    LessonsLoaded(
        Result<Rc<Vec<lessons::LoadedLesson>>, String>,
        Vec<(String, usize)>,
    ),
    /// Starts (or restarts) lesson `i` on its own cluster.
    OpenLesson(usize),
    /// Back to the list of lessons.
    CloseLesson,
    /// "Show me" on step `n` of the open lesson: does the current step, or, pressed on a
    /// later one, each step up to it as it comes.
    ShowMe(usize),
    ShowTab(Tab),
    SetView(ViewKind),
    /// A new consumer joins `group` (named `<group>-<n>`), as the group's consumers join.
    AddConsumer {
        group: String,
    },
    /// A stopped consumer starts again under its name and rejoins its group.
    RestartConsumer {
        group: String,
        consumer: String,
    },
    /// A new group with one consumer subscribed to `topics`; `None` is Kafka's default assignor.
    CreateGroup {
        name: String,
        topics: Vec<String>,
        assignor: Option<AssignorKind>,
        /// Where its consumers start without a committed offset (Kafka's default: latest).
        auto_offset_reset: OffsetReset,
    },
    /// `kafka-consumer-groups --reset-offsets --execute` on the group's topics.
    ResetOffsets {
        group: String,
        to: ResetTarget,
    },
    SetProducerRate(u64),
    ToggleProducer,
    /// `kafka-topics --create`; numbers arrive as typed, and are checked here.
    CreateTopic {
        name: String,
        partitions: String,
        replication_factor: String,
        min_insync_replicas: String,
    },
    /// `kafka-topics --alter --partitions N`.
    AddPartitions {
        topic: String,
        total: String,
    },
    /// `kafka-configs --alter --add-config KEY=VALUE`.
    SetTopicConfig {
        topic: String,
        key: String,
        value: String,
    },
    DismissError,
}

impl Default for SimState {
    fn default() -> Self {
        SimState::new(Preset::Classic)
    }
}

impl SimState {
    pub fn new(preset: Preset) -> Self {
        SimState::of_run(preset, Run::new(preset), 0)
    }

    /// The app on `run` replayed to `until_ms`, its controls set for `preset`.
    pub fn of_run(preset: Preset, run: Run, until_ms: u64) -> Self {
        let engine = run.replay(until_ms);
        let groups = preset
            .group_names()
            .into_iter()
            .map(|g| {
                let spec = GroupSpec {
                    topics: vec![preset.topic().to_string()],
                    assignor: None,
                    auto_offset_reset: OffsetReset::Earliest,
                };
                (g, spec)
            })
            .collect();
        let mut state = SimState {
            timeline: Rc::new(RefCell::new(Timeline::new(run, &engine))),
            engine: Rc::new(RefCell::new(engine)),
            preset,
            foreign: false,
            opened_a_run: false,
            version: 0,
            clock: Clock::default(),
            selection: None,
            view: ViewKind::Topic,
            tab: Tab::Brokers,
            feedback: Feedback::default(),
            groups: Rc::new(groups),
            producer_rate: preset.producer_rate_per_s(),
            history: Rc::new(RefCell::new(History::default())),
            history_version: 0,
            metrics: Rc::default(),
            ledger: Rc::default(),
            panels_version: 0,
            since_panels_ms: 0.0,
            halted: None,
            lessons: lessons::Lessons::default(),
        };
        state.collect_events();
        state
    }

    /// Read access for building views.
    pub fn engine(&self) -> std::cell::Ref<'_, Engine> {
        self.engine.borrow()
    }

    /// The event log, narration and announcements.
    pub fn history(&self) -> std::cell::Ref<'_, History> {
        self.history.borrow()
    }

    /// The history for the event log, versioned by the panels' refresh (the log need not
    /// change faster than it can be read).
    pub fn history_handle(&self) -> history::HistoryHandle {
        history::HistoryHandle {
            history: self.history.clone(),
            version: self.panels_version,
        }
    }

    /// The Charts tab's samples.
    pub fn metrics(&self) -> std::cell::Ref<'_, metrics::Metrics> {
        self.metrics.borrow()
    }

    /// The guarantee ledger as of the moment shown.
    pub fn ledger(&self) -> std::cell::Ref<'_, GuaranteeLedger> {
        self.ledger.borrow()
    }

    /// The error to show in `panel`, if the last rejected action came from it.
    pub fn error_in(&self, panel: Panel) -> Option<&str> {
        self.feedback.error_in(panel)
    }

    /// Where the record last sent from the form is, once the engine has told its producer.
    pub fn followed_record(&self) -> Option<(TopicPartition, u64)> {
        match self.engine().delivery(self.feedback.last_produce?)? {
            Delivery::Acked {
                tp,
                offset: Some(o),
            } => Some((tp.clone(), o.0)),
            _ => None,
        }
    }

    /// How the record last sent from the form fared: "acked: orders-3 offset 12", ... (in the
    /// language chosen).
    pub fn last_produce_status(&self) -> Option<String> {
        self.feedback
            .last_produce
            .and_then(|h| delivery_text(self.lang(), &self.engine(), h))
    }

    /// The record last sent from the form still waits for its acks.
    fn last_produce_pending(&self) -> bool {
        self.feedback
            .last_produce
            .is_some_and(|h| matches!(self.engine().delivery(h), Some(Delivery::Pending)))
    }

    /// The language the app speaks (kept by the history, set by `Action::SetLanguage`).
    pub fn lang(&self) -> crate::i18n::Lang {
        self.history.borrow().lang()
    }

    /// Whether the opening producer is running.
    pub fn producer_running(&self) -> bool {
        self.engine()
            .producers_view()
            .iter()
            .any(|p| p.name == self.preset.producer() && p.running)
    }

    /// How the app starts a consumer of `group`: as the group was created in the app, else
    /// subscribed as its latest consumer is (a scenario's or a lesson's group), else to the
    /// preset's topic.
    pub fn group_spec(&self, group: &str) -> GroupSpec {
        if let Some(spec) = self.groups.get(group) {
            return spec.clone();
        }
        // A scenario's or lesson's group: as its newest consumer joined.
        let newest = self
            .engine()
            .consumers_view()
            .into_iter()
            .rev()
            .find(|c| c.group == group);
        GroupSpec {
            auto_offset_reset: newest
                .as_ref()
                .map_or(OffsetReset::Earliest, |c| c.auto_offset_reset),
            topics: newest.map_or_else(|| vec![self.preset.topic().to_string()], |c| c.topics),
            assignor: None,
        }
    }

    /// The run so far (the opening and the commands given).
    pub fn run(&self) -> std::cell::Ref<'_, Run> {
        std::cell::Ref::map(self.timeline.borrow(), |t| &t.run)
    }

    /// The timeline: where the run has reached, its branches.
    pub fn timeline(&self) -> std::cell::Ref<'_, Timeline> {
        self.timeline.borrow()
    }

    /// Whether the screen shows an earlier moment than the run has reached.
    pub fn in_past(&self) -> bool {
        self.timeline.borrow().in_past(self.engine().now())
    }

    /// Shows the engine `engine` (an earlier or later moment of the run); the clock stops.
    fn show(&mut self, engine: Engine) {
        // The charts show the run as of the moment shown (a later future is dropped).
        self.metrics.borrow_mut().rewind(engine.now());
        if let Some(progress) = self.lessons.open.as_mut() {
            progress.rewind(engine.now());
        }
        *self.engine.borrow_mut() = engine;
        self.clock.playing = false;
        self.version += 1;
        self.feedback.error = None;
    }

    /// The app on `run` at `until_ms`, paused, in the picture chosen here.
    fn opened(&self, run: Run, until_ms: u64) -> SimState {
        let known = Preset::of(&run.scenario(until_ms));
        let mut opened = SimState::of_run(known.unwrap_or(Preset::Classic), run, until_ms);
        opened.foreign = known.is_none();
        opened.opened_a_run = true;
        opened.view = self.view;
        opened.clock.playing = false;
        opened.clock.set_speed(self.clock.speed);
        // The catalog and what the learner did stay; a lesson open is about the cluster left.
        opened.lessons = lessons::Lessons {
            open: None,
            ..self.lessons.clone()
        };
        let said = trf(
            self.lang(),
            "Opened a scenario at {}.",
            &[&timeline::clock_text(until_ms)],
        );
        opened.history.borrow_mut().set_language(self.lang());
        opened.history.borrow_mut().announce(said);
        opened
    }

    /// Applies a user's command and remembers it in the run; a rejection is shown in
    /// `panel`, in Kafka's words.
    fn command(&mut self, panel: Panel, command: Command) -> Option<Outcome> {
        let result = {
            let mut engine = self.engine.borrow_mut();
            let mut history = self.history.borrow_mut();
            // A replay applies a command after everything scheduled at its time (as
            // `kafka-sim run` does); a frame may have stopped part way through that instant.
            let now = engine.now();
            engine.advance_to(now);
            let before = engine.take_events();
            history.record_new(&before, &engine);
            self.observe(&before, &engine);
            // Given in the past, the command forks the run (the old future is kept).
            self.timeline
                .borrow_mut()
                .record(now, command.clone(), &mut history);
            let result = engine.apply(command);
            let events = engine.take_events();
            history.record_command(&events, now);
            self.observe(&events, &engine);
            drop((engine, history));
            self.forget_records_of_deleted_topics(&events);
            result
        };
        self.history_version += 1;
        self.version += 1;
        match result {
            Ok(outcome) => {
                self.feedback.error = None;
                Some(outcome)
            }
            Err(KafkaError { kind, message }) => {
                self.feedback.error = Some((panel, format!("{}: {message}", kind.name())));
                None
            }
        }
    }

    fn refuse(&mut self, panel: Panel, text: String) {
        self.feedback.error = Some((panel, text));
    }

    fn join(&mut self, panel: Panel, group: &str, consumer: &str) -> bool {
        let spec = self.group_spec(group);
        let topics: Vec<&str> = spec.topics.iter().map(String::as_str).collect();
        let command = self.preset.join_group(
            group,
            consumer,
            &topics,
            spec.assignor,
            spec.auto_offset_reset,
        );
        self.command(panel, command).is_some()
    }

    fn create_group(
        &mut self,
        name: &str,
        topics: Vec<String>,
        assignor: Option<AssignorKind>,
        auto_offset_reset: OffsetReset,
    ) {
        let checked = forms::check_new_group(self.lang(), &self.engine(), name, &topics);
        if let Err(e) = checked {
            self.refuse(Panel::Groups, e);
            return;
        }
        let spec = GroupSpec {
            topics,
            assignor,
            auto_offset_reset,
        };
        Rc::make_mut(&mut self.groups).insert(name.to_string(), spec);
        if self.join(Panel::Groups, name, &format!("{name}-1")) {
            self.select(Some(Selection::Group(name.to_string())));
        } else {
            Rc::make_mut(&mut self.groups).remove(name);
        }
    }

    /// Moves new engine events into the history; announces how the form's record fared and,
    /// once it has an offset, opens its card (where it went, and how far it got).
    fn collect_events(&mut self) {
        let events = self.engine.borrow_mut().take_events();
        self.observe(&events, &self.engine());
        self.forget_records_of_deleted_topics(&events);
        self.timeline
            .borrow_mut()
            .after_advance(&self.engine(), &self.ledger());
        let produced = (!self.last_produce_pending())
            .then(|| self.last_produce_status())
            .flatten();
        let shown_until = self.in_past().then(|| self.engine().now());
        let mut history = self.history.borrow_mut();
        if !events.is_empty() || history.shown_until != shown_until {
            history.record_new(&events, &self.engine());
            history.shown_until = shown_until;
            self.history_version += 1;
        }
        drop(history);
        if let Some(status) = produced {
            if self.feedback.announced_produce.as_deref() != Some(status.as_str()) {
                self.feedback.announced_produce = Some(status.clone());
                self.history.borrow_mut().announce(status);
                self.history_version += 1;
                if let Some((tp, offset)) = self.followed_record() {
                    self.select(Some(Selection::Record { tp, offset }));
                }
            }
        }
    }

    /// Ticks the open lesson's steps met, and does a step that became current if a "Show me"
    /// waits for it.
    fn follow_lesson(&mut self) {
        if self.lessons.open.is_none() {
            return;
        }
        loop {
            let engine = self.engine.clone();
            self.lessons.observe(&engine.borrow());
            let due = self.lessons.due();
            if due.is_empty() {
                break;
            }
            self.lesson_commands(due);
            self.collect_events();
        }
    }

    /// Applies a lesson step's commands, stopping at the first refused (shown in the panel).
    fn lesson_commands(&mut self, commands: Vec<Command>) {
        for command in commands {
            if self.command(Panel::Lessons, command).is_none() {
                break;
            }
        }
    }

    /// Lesson `i` from its start: its scenario opened at its end, playing, its steps unticked.
    fn open_lesson(&self, i: usize) -> SimState {
        let lessons::Catalog::Loaded(all) = &self.lessons.catalog else {
            return self.clone();
        };
        let Some(loaded) = all.get(i) else {
            return self.clone();
        };
        match Run::import(self.lang(), &loaded.scenario) {
            // The lesson starts where its scenario runs to.
            Ok((run, until)) => {
                let mut next = self.opened(run, until);
                next.lessons.open = Some(lessons::Progress::new(i, loaded.lesson.steps.len()));
                next.tab = Tab::Lessons;
                next.clock.playing = true;
                next
            }
            Err(e) => {
                let mut next = self.clone();
                next.refuse(
                    Panel::Lessons,
                    trf(self.lang(), "Cannot open the lesson: {}", &[&e]),
                );
                next
            }
        }
    }

    /// Opens the record `query` names (`orders-2@15`), or lists the records whose key it is.
    fn find_record(&mut self, query: &str) {
        self.feedback.found = None;
        if query.is_empty() {
            return self.refuse(
                Panel::Guarantees,
                tr(self.lang(), "Type a key, or a record as orders-2@15.").into(),
            );
        }
        if let Ok((tp, offset)) = kafka_sim::guarantees::lineage::parse_record_ref(query) {
            if self.engine().partition_view(&tp).is_none() {
                let said = trf(self.lang(), "There is no partition {}.", &[&tp]);
                return self.refuse(Panel::Guarantees, said);
            }
            self.feedback.error = None;
            return self.select(Some(Selection::Record {
                tp,
                offset: offset.0,
            }));
        }
        let records = crate::inspect::find_key(&self.engine(), query, FOUND_SHOWN);
        if records.is_empty() {
            return self.refuse(
                Panel::Guarantees,
                trf(
                    self.lang(),
                    "No record in the logs has the key {}.",
                    &[&query],
                ),
            );
        }
        self.feedback.error = None;
        self.feedback.found = Some(forms::Found {
            key: query.to_string(),
            records,
        });
    }

    /// Feeds events just taken from the engine to the charts' sampler and the ledger.
    fn observe(&self, events: &[TimedEvent], engine: &Engine) {
        self.metrics.borrow_mut().observe(events, engine);
        self.ledger.borrow_mut().feed(engine, events);
    }

    fn start_producer(&mut self) {
        self.command(
            Panel::Produce,
            self.preset.start_producer(self.producer_rate),
        );
    }

    fn stop_producer(&mut self) {
        self.command(
            Panel::Produce,
            Command::StopProducer {
                id: self.preset.producer().to_string(),
            },
        );
    }

    /// A deleted topic's records are gone for good, and a topic created again under its name
    /// has others at the same offsets: a record of it that is selected or was found by key is
    /// let go rather than shown as the new topic's.
    fn forget_records_of_deleted_topics(&mut self, events: &[TimedEvent]) {
        for e in events {
            let Event::TopicDeleted { topic } = &e.event else {
                continue;
            };
            let of_topic = |tp: &TopicPartition| tp.topic == *topic;
            if self
                .selection
                .as_ref()
                .and_then(Selection::record)
                .is_some_and(|(tp, _)| of_topic(tp))
            {
                self.select(None);
            }
            if let Some(found) = &mut self.feedback.found {
                found.records.retain(|(tp, _)| !of_topic(tp));
            }
        }
    }

    fn select(&mut self, selection: Option<Selection>) {
        if selection.is_some() {
            self.tab = Tab::Details;
        } else if self.tab == Tab::Details {
            self.tab = Tab::Brokers;
        }
        self.selection = selection;
    }
}

/// How a produced record fared, in words in `lang` (a failure's exception and message are
/// Kafka's words: kept as they are).
pub fn delivery_text(lang: Lang, engine: &Engine, handle: ProduceHandle) -> Option<String> {
    Some(match engine.delivery(handle)? {
        Delivery::Pending => tr(lang, "pending: waiting for acks").to_string(),
        Delivery::Acked {
            tp,
            offset: Some(o),
        } => trf(lang, "acked: {} offset {}", &[tp, &o.0]),
        Delivery::Acked { tp, offset: None } => trf(lang, "sent to {} (acks=0: no offset)", &[tp]),
        Delivery::Failed(e) => trf(lang, "failed: {}: {}", &[&e.kind.name(), &e.message]),
    })
}

impl Reducible for SimState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::Frame { .. } = action {
            if !self.clock.playing {
                // Same Rc: Yew skips the render.
                return self;
            }
        }
        let mut next = (*self).clone();
        if let Action::Frame { real_ms, .. } = action {
            next.since_panels_ms += real_ms;
        } else {
            // A user's action shows its effect in the panels at once.
            next.since_panels_ms = PANELS_REFRESH_MS;
        }
        if next.since_panels_ms >= PANELS_REFRESH_MS {
            next.since_panels_ms = 0.0;
            next.panels_version += 1;
        }
        match action {
            Action::Frame {
                real_ms,
                frames,
                wall,
            } => {
                let mut engine = next.engine.borrow_mut();
                let mut timeline = next.timeline.borrow_mut();
                let due = timeline.next_due_ms();
                let moved = next.clock.advance(&mut engine, real_ms, frames, wall, due);
                timeline.apply_due(&mut engine);
                drop((engine, timeline));
                if moved {
                    next.version += 1;
                }
            }
            Action::TogglePlay => {
                next.clock.playing = !next.clock.playing;
                if next.clock.playing {
                    next.halted = None;
                }
            }
            Action::Step => {
                next.clock.playing = false;
                let mut engine = next.engine.borrow_mut();
                let mut timeline = next.timeline.borrow_mut();
                match (timeline.next_due_ms(), engine.next_time()) {
                    // A recorded command comes before the next event: it is the next step.
                    (Some(due), next_event) if next_event.is_none_or(|t| due <= t) => {
                        engine.advance_to(due);
                        timeline.apply_due(&mut engine);
                    }
                    _ => {
                        engine.step();
                    }
                }
                drop((engine, timeline));
                next.version += 1;
            }
            Action::Seek(at_ms) => {
                let engine = {
                    let mut history = next.history.borrow_mut();
                    next.timeline.borrow_mut().seek(
                        at_ms,
                        &mut history,
                        &mut next.ledger.borrow_mut(),
                    )
                };
                next.show(engine);
            }
            Action::StepBack => {
                let now = next.engine().now();
                let previous = next.history().previous_at(now);
                if let Some(at_ms) = previous {
                    let engine = {
                        let mut history = next.history.borrow_mut();
                        next.timeline.borrow_mut().seek(
                            at_ms,
                            &mut history,
                            &mut next.ledger.borrow_mut(),
                        )
                    };
                    next.show(engine);
                }
            }
            Action::Undo => {
                let engine = {
                    let mut history = next.history.borrow_mut();
                    next.timeline
                        .borrow_mut()
                        .undo(&mut history, &mut next.ledger.borrow_mut())
                };
                if let Some(engine) = engine {
                    next.show(engine);
                }
            }
            Action::SwitchBranch(i) => {
                let engine = {
                    let mut history = next.history.borrow_mut();
                    next.timeline.borrow_mut().switch(
                        i,
                        &mut history,
                        &mut next.ledger.borrow_mut(),
                    )
                };
                if let Some(engine) = engine {
                    next.show(engine);
                }
            }
            Action::Import(text) => match Run::import(next.lang(), &text) {
                Ok((run, until)) => next = next.opened(run, until),
                Err(e) => {
                    let said = trf(next.lang(), "Cannot open it: {}", &[&e]);
                    next.refuse(Panel::Timeline, said)
                }
            },
            Action::Open(run, until, branches) => {
                next = next.opened(*run, until);
                next.timeline.borrow_mut().branches = branches;
            }
            Action::Refuse(why) => next.refuse(Panel::Timeline, why),
            Action::SetSpeed(speed) => next.clock.set_speed(speed),
            Action::HaltMemory(mb) => {
                next.clock.playing = false;
                next.halted = Some(trf(
                    next.lang(),
                    "Paused: this run uses {} MB of the browser's memory, close to its limit. Pressing Play goes on; reloading the page starts over.",
                    &[&mb],
                ));
            }
            Action::Select(selection) => next.select(selection),
            Action::FindRecord(query) => next.find_record(query.trim()),
            Action::SetLanguage(lang) => {
                next.history.borrow_mut().set_language(lang);
                next.history_version += 1;
            }
            Action::LoadLessons => {
                if next.lessons.catalog == lessons::Catalog::NotLoaded {
                    next.lessons.catalog = lessons::Catalog::Loading;
                }
            }
            Action::LessonsLoaded(result, remembered) => {
                next.lessons.catalog = match result {
                    Ok(all) => lessons::Catalog::Loaded(all),
                    Err(why) => lessons::Catalog::Failed(why),
                };
                next.lessons.remembered = remembered;
            }
            Action::OpenLesson(i) => next = next.open_lesson(i),
            Action::CloseLesson => next.lessons.open = None,
            Action::ShowMe(step) => {
                let commands = next.lessons.show_me(step);
                next.lesson_commands(commands);
                next.clock.playing = true;
            }
            Action::ShowTab(tab) => next.tab = tab,
            Action::SetView(view) => next.view = view,
            Action::AddConsumer { group } => {
                let consumer = forms::next_consumer_name(&next.engine(), &group);
                next.join(Panel::Groups, &group, &consumer);
            }
            Action::Command(panel, command) => match next.command(panel, command) {
                Some(Outcome::Produced(handle)) => next.feedback.last_produce = Some(handle),
                Some(Outcome::BrokerAdded(id)) => next.select(Some(Selection::Broker(id))),
                _ => {}
            },
            Action::RestartConsumer { group, consumer } => {
                next.join(Panel::Details, &group, &consumer);
            }
            Action::CreateGroup {
                name,
                topics,
                assignor,
                auto_offset_reset,
            } => next.create_group(name.trim(), topics, assignor, auto_offset_reset),
            Action::ResetOffsets { group, to } => {
                for topic in next.group_spec(&group).topics {
                    let reset = Command::ResetOffsets {
                        group: group.clone(),
                        topic,
                        to,
                    };
                    if next.command(Panel::Details, reset).is_none() {
                        break;
                    }
                }
            }
            Action::SetProducerRate(rate) => {
                next.producer_rate = rate.max(1);
                // A running producer's rate is set by restarting it (as one would redeploy it).
                if next.producer_running() {
                    next.stop_producer();
                    next.start_producer();
                }
            }
            Action::ToggleProducer => {
                if next.producer_running() {
                    next.stop_producer();
                } else {
                    next.start_producer();
                }
            }
            Action::CreateTopic {
                name,
                partitions,
                replication_factor,
                min_insync_replicas,
            } => match forms::create_topic(
                next.lang(),
                &name,
                &partitions,
                &replication_factor,
                &min_insync_replicas,
            ) {
                Ok(command) => {
                    next.command(Panel::Topics, command);
                }
                Err(e) => next.refuse(Panel::Topics, e),
            },
            Action::AddPartitions { topic, total } => {
                let lang = next.lang();
                match forms::parse_count(lang, tr(lang, "Partitions"), &total) {
                    Ok(partitions) => {
                        next.command(
                            Panel::Topics,
                            Command::AlterPartitions { topic, partitions },
                        );
                    }
                    Err(e) => next.refuse(Panel::Topics, e),
                }
            }
            Action::SetTopicConfig { topic, key, value } => {
                let mut configs = std::collections::BTreeMap::new();
                configs.insert(key, Some(value));
                next.command(Panel::Topics, Command::SetTopicConfig { topic, configs });
            }
            Action::DismissError => next.feedback.error = None,
        }
        next.collect_events();
        next.follow_lesson();
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(state: Rc<SimState>, action: Action) -> Rc<SimState> {
        state.reduce(action)
    }

    #[test]
    fn a_record_of_a_deleted_topic_is_let_go_not_shown_as_the_new_topics() {
        // The producer creates `orders` again at once: its offset 0 is another record.
        let mut state = Rc::new(SimState::default());
        state.engine.borrow_mut().advance_to(5_000);
        let record = Selection::Record {
            tp: TopicPartition::new("orders", 0),
            offset: 0,
        };
        state = act(state, Action::Select(Some(record.clone())));
        assert_eq!(state.selection, Some(record));
        let partition = Selection::Partition(TopicPartition::new("orders", 1));
        let delete = || {
            Action::Command(
                Panel::Topics,
                Command::DeleteTopic {
                    topic: "orders".into(),
                },
            )
        };
        state = act(state, delete());
        assert_eq!(state.feedback.error, None);
        assert_eq!(state.selection, None, "the record is gone");
        // A partition is the topic's that has the name (as `kafka-topics --describe` says).
        state.engine.borrow_mut().advance_to(10_000);
        state = act(state, Action::Select(Some(partition.clone())));
        state = act(state, delete());
        assert_eq!(state.selection, Some(partition));
    }

    #[test]
    fn a_consumer_can_be_killed_and_restarted_under_its_name() {
        let mut state = Rc::new(SimState::default());
        let kill = Action::Command(
            Panel::Details,
            Command::KillConsumer {
                group: "payments".into(),
                consumer: "payments-1".into(),
            },
        );
        state = act(state, kill);
        assert_eq!(state.feedback.error, None);
        state.engine.borrow_mut().advance_to(60_000);
        let restart = Action::RestartConsumer {
            group: "payments".into(),
            consumer: "payments-1".into(),
        };
        state = act(state, restart);
        assert_eq!(state.feedback.error, None, "restarting is allowed");
        state.engine.borrow_mut().advance_to(120_000);
        let running = state
            .engine()
            .consumers_view()
            .into_iter()
            .filter(|c| c.client_id == "payments-1" && c.running)
            .count();
        assert_eq!(running, 1);
    }

    #[test]
    fn a_group_is_created_on_the_topics_chosen_and_refused_without_one() {
        let mut state = Rc::new(SimState::default());
        state = act(
            state,
            Action::CreateGroup {
                name: "audit".into(),
                topics: vec![],
                assignor: None,
                auto_offset_reset: OffsetReset::Latest,
            },
        );
        assert!(state.error_in(Panel::Groups).is_some());
        state = act(
            state,
            Action::CreateTopic {
                name: "payments-log".into(),
                partitions: "2".into(),
                replication_factor: "3".into(),
                min_insync_replicas: "2".into(),
            },
        );
        state = act(
            state,
            Action::CreateGroup {
                name: "audit".into(),
                topics: vec!["payments-log".into()],
                assignor: Some(AssignorKind::RoundRobin),
                auto_offset_reset: OffsetReset::Latest,
            },
        );
        assert_eq!(state.feedback.error, None);
        assert_eq!(state.selection, Some(Selection::Group("audit".into())));
        assert_eq!(state.tab, Tab::Details);
        assert_eq!(state.group_spec("audit").topics, ["payments-log"]);
        state.engine.borrow_mut().advance_to(30_000);
        let consumers = state.engine().consumers_view();
        let audit = consumers.iter().find(|c| c.group == "audit").unwrap();
        assert!(audit
            .assignment
            .iter()
            .all(|tp| &*tp.topic == "payments-log"));
    }

    #[test]
    fn the_form_record_is_followed_and_its_result_announced() {
        let mut state = Rc::new(SimState::default());
        state.engine.borrow_mut().advance_to(10_000);
        state = act(
            state,
            Action::Command(
                Panel::Produce,
                Command::Produce {
                    topic: "orders".into(),
                    key: Some(b"customer-42".to_vec()),
                    value: Some(b"a book".to_vec()),
                    headers: Vec::new(),
                    partition: None,
                    acks: kafka_sim::Acks::All,
                    enable_idempotence: None,
                },
            ),
        );
        assert!(state.followed_record().is_none(), "not acked yet");
        state.engine.borrow_mut().advance_to(12_000);
        state = act(state, Action::DismissError);
        let (tp, offset) = state.followed_record().expect("acked");
        assert_eq!(&*tp.topic, "orders");
        let said = state.history().announcement().map(|(_, t)| t.to_string());
        assert_eq!(said, Some(format!("acked: {tp} offset {offset}")));
    }
}
