//! The app's one reducer: it owns the engine and turns user actions and animation frames into
//! engine commands. Components never touch the engine; they get plain snapshots.
//!
//! The engine lives in an `Rc<RefCell<_>>` shared by successive states (cloning a whole cluster
//! per frame would be wasteful); `version` changes on every mutation, so equality, and with it
//! Yew's re-rendering, follows the engine.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use kafka_sim::trace::format_line;
use std::collections::BTreeMap;

use kafka_sim::assignor::AssignorKind;
use kafka_sim::command::ResetTarget;
use kafka_sim::{
    Acks, BrokerId, Command, Delivery, Engine, KafkaError, NewTopic, Outcome, ProduceHandle,
    TimedEvent,
};
use yew::Reducible;

use crate::opening::Preset;

/// Newest engine events kept for the event log.
pub const EVENT_LOG_LINES: usize = 400;
/// The panels below the diagram (describe text, event log, inspector) refresh at most this often,
/// in real ms: text changing 60 times a second cannot be read, and rebuilding it costs frames.
const PANELS_REFRESH_MS: f64 = 250.0;
/// The longest real-time gap one frame may advance (a hidden tab must not jump minutes).
const MAX_FRAME_REAL_MS: f64 = 100.0;
pub const SPEEDS: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 5.0, 20.0, 100.0];

#[derive(Clone)]
pub struct SimState {
    engine: Rc<RefCell<Engine>>,
    /// The cluster the app opened on (its topic and load producer).
    pub preset: Preset,
    version: u64,
    pub playing: bool,
    /// Simulated ms per real ms.
    pub speed: f64,
    /// Simulated microseconds carried between frames (frames do not fall on whole ms).
    carry_us: f64,
    pub selected_broker: Option<BrokerId>,
    /// The partition open in the inspector, e.g. "orders-3".
    pub selected_partition: Option<String>,
    /// The group whose `kafka-consumer-groups --describe` is open.
    pub selected_group: Option<String>,
    /// The assignor each group was created with here (new members use the same).
    assignors: Rc<BTreeMap<String, Option<AssignorKind>>>,
    /// The opening producer's rate, records/s (kept while it is stopped).
    pub producer_rate: u64,
    /// The last rejected user action, in Kafka's words, shown inline in the panel it came from.
    pub error: Option<(Panel, String)>,
    /// The record last sent from the Produce form, to show how it fared.
    pub last_produce: Option<ProduceHandle>,
    /// Newest last; shared by successive states like the engine (appended in place).
    event_log: Rc<RefCell<VecDeque<TimedEvent>>>,
    /// Bumped when the panels below the diagram should refresh (see `PANELS_REFRESH_MS`).
    pub panels_version: u64,
    since_panels_ms: f64,
}

impl PartialEq for SimState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
            && self.version == other.version
            && self.playing == other.playing
            && self.speed == other.speed
            && self.selected_broker == other.selected_broker
            && self.selected_partition == other.selected_partition
            && self.selected_group == other.selected_group
            && self.producer_rate == other.producer_rate
            && self.panels_version == other.panels_version
            && self.error == other.error
            && self.last_produce == other.last_produce
    }
}

/// Where a control lives, so that its error is shown next to it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Panel {
    Produce,
    Brokers,
    Topics,
    Groups,
}

pub enum BrokerOp {
    Kill,
    Restart,
    Isolate,
}

pub enum Action {
    /// An animation frame: `real_ms` of wall time passed.
    Frame {
        real_ms: f64,
    },
    TogglePlay,
    /// Process the next scheduled engine event.
    Step,
    SetSpeed(f64),
    SelectBroker(Option<BrokerId>),
    SelectPartition(Option<String>),
    SelectGroup(Option<String>),
    /// A new consumer joins `group` (named `<group>-<n>`), with the group's assignor.
    AddConsumer {
        group: String,
    },
    /// The consumer closes cleanly: LeaveGroup, an immediate rebalance.
    RemoveConsumer {
        group: String,
        consumer: String,
    },
    /// The consumer process dies: the group notices after session.timeout.ms.
    KillConsumer {
        group: String,
        consumer: String,
    },
    /// A new group with one consumer; `None` is Kafka's default assignor list.
    CreateGroup {
        name: String,
        assignor: Option<AssignorKind>,
    },
    /// `kafka-consumer-groups --reset-offsets --execute` on the preset's topic.
    ResetOffsets {
        group: String,
        to: ResetTarget,
    },
    /// `kafka-leader-election --election-type preferred --all-topic-partitions`.
    ElectPreferredLeaders,
    Produce {
        topic: String,
        key: Option<String>,
        value: String,
        acks: Acks,
    },
    Broker(BrokerOp, BrokerId),
    HealNetwork,
    AddBroker,
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
        let mut state = SimState {
            engine: Rc::new(RefCell::new(preset.engine())),
            preset,
            version: 0,
            playing: true,
            speed: 1.0,
            carry_us: 0.0,
            selected_broker: None,
            selected_partition: None,
            selected_group: None,
            assignors: Rc::new(BTreeMap::new()),
            producer_rate: preset.producer_rate_per_s(),
            error: None,
            last_produce: None,
            event_log: Rc::new(RefCell::new(VecDeque::new())),
            panels_version: 0,
            since_panels_ms: 0.0,
        };
        state.collect_events();
        state
    }

    /// Read access for building the view.
    pub fn engine(&self) -> std::cell::Ref<'_, Engine> {
        self.engine.borrow()
    }

    /// Applies a user's command; a rejection is shown in `panel`, in Kafka's words.
    fn command(&mut self, panel: Panel, command: Command) -> Option<Outcome> {
        let result = self.engine.borrow_mut().apply(command);
        self.version += 1;
        match result {
            Ok(outcome) => {
                self.error = None;
                Some(outcome)
            }
            Err(KafkaError { kind, message }) => {
                self.error = Some((panel, format!("{}: {message}", kind.name())));
                None
            }
        }
    }

    fn create_topic(&mut self, name: String, partitions: &str, rf: &str, min_isr: &str) {
        let parsed = (
            parse_count("Partitions", partitions),
            parse_count("Replication factor", rf),
        );
        let (partitions, replication_factor) = match parsed {
            (Ok(p), Ok(r)) => (p, r),
            (Err(e), _) | (_, Err(e)) => {
                self.error = Some((Panel::Topics, e));
                return;
            }
        };
        let mut configs = BTreeMap::new();
        if !min_isr.trim().is_empty() {
            configs.insert(
                "min.insync.replicas".to_string(),
                min_isr.trim().to_string(),
            );
        }
        self.command(
            Panel::Topics,
            Command::CreateTopic(NewTopic {
                topic: name.trim().to_string(),
                partitions: Some(partitions),
                replication_factor: Some(replication_factor),
                replica_assignment: None,
                fixed_start_index: None,
                configs,
            }),
        );
    }

    /// `<group>-<n>` with n one more than the highest number a consumer of the group has had.
    fn next_consumer_name(&self, group: &str) -> String {
        let prefix = format!("{group}-");
        let highest = self
            .engine()
            .consumers_view()
            .iter()
            .filter(|c| c.group == group)
            .filter_map(|c| c.client_id.strip_prefix(&prefix)?.parse::<u32>().ok())
            .max()
            .unwrap_or(0);
        format!("{group}-{}", highest + 1)
    }

    fn create_group(&mut self, name: &str, assignor: Option<AssignorKind>) {
        if name.is_empty() {
            self.error = Some((
                Panel::Groups,
                "A group needs a name (group.id).".to_string(),
            ));
            return;
        }
        if self.engine().group_names().iter().any(|g| g == name) {
            self.error = Some((
                Panel::Groups,
                format!("Group '{name}' exists already: add a consumer to it instead."),
            ));
            return;
        }
        let consumer = format!("{name}-1");
        if self
            .command(
                Panel::Groups,
                self.preset.join_group(name, &consumer, assignor),
            )
            .is_some()
        {
            Rc::make_mut(&mut self.assignors).insert(name.to_string(), assignor);
            self.selected_group = Some(name.to_string());
        }
    }

    /// The error to show in `panel`, if the last rejected action came from it.
    pub fn error_in(&self, panel: Panel) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(p, _)| *p == panel)
            .map(|(_, text)| text.as_str())
    }

    /// How the record last sent from the form fared: "acked: orders-3 offset 12", ...
    pub fn last_produce_status(&self) -> Option<String> {
        let engine = self.engine();
        Some(match engine.delivery(self.last_produce?)? {
            Delivery::Pending => "pending: waiting for acks".to_string(),
            Delivery::Acked {
                tp,
                offset: Some(o),
            } => format!("acked: {tp} offset {}", o.0),
            Delivery::Acked { tp, offset: None } => format!("sent to {tp} (acks=0: no offset)"),
            Delivery::Failed(e) => format!("failed: {}: {}", e.kind.name(), e.message),
        })
    }

    /// Moves new engine events into the bounded event log (formatting waits until shown).
    fn collect_events(&mut self) {
        let events = self.engine.borrow_mut().take_events();
        let mut log = self.event_log.borrow_mut();
        log.extend(events);
        let excess = log.len().saturating_sub(EVENT_LOG_LINES);
        log.drain(..excess);
    }

    /// The newest `n` event-log lines, newest first.
    pub fn newest_log_lines(&self, n: usize) -> Vec<String> {
        self.event_log
            .borrow()
            .iter()
            .rev()
            .take(n)
            .map(format_line)
            .collect()
    }

    fn advance_real(&mut self, real_ms: f64) {
        let sim_us = real_ms.clamp(0.0, MAX_FRAME_REAL_MS) * self.speed * 1000.0 + self.carry_us;
        let whole_ms = (sim_us / 1000.0).floor();
        self.carry_us = sim_us - whole_ms * 1000.0;
        if whole_ms >= 1.0 {
            let mut engine = self.engine.borrow_mut();
            let target = engine.now() + whole_ms as u64;
            engine.advance_to(target);
            drop(engine);
            self.version += 1;
        }
    }

    /// Whether the opening producer is running.
    pub fn producer_running(&self) -> bool {
        self.engine()
            .producers_view()
            .iter()
            .any(|p| p.name == self.preset.producer() && p.running)
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
}

/// A whole number typed into a form; Kafka itself judges its range (e.g. 0 partitions).
fn parse_count(field: &str, text: &str) -> Result<i32, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("{field} must be a whole number, got {:?}.", text.trim()))
}

impl Reducible for SimState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        if let Action::Frame { .. } = action {
            if !self.playing {
                // Same Rc: Yew skips the render.
                return self;
            }
        }
        let mut next = (*self).clone();
        if let Action::Frame { real_ms } = action {
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
            Action::Frame { real_ms } => next.advance_real(real_ms),
            Action::TogglePlay => next.playing = !next.playing,
            Action::Step => {
                next.playing = false;
                next.engine.borrow_mut().step();
                next.version += 1;
            }
            Action::SetSpeed(speed) => {
                next.speed = speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1])
            }
            Action::SelectBroker(broker) => next.selected_broker = broker,
            Action::SelectPartition(partition) => next.selected_partition = partition,
            Action::SelectGroup(group) => next.selected_group = group,
            Action::AddConsumer { group } => {
                let consumer = next.next_consumer_name(&group);
                let assignor = next.assignors.get(&group).copied().flatten();
                next.command(
                    Panel::Groups,
                    next.preset.join_group(&group, &consumer, assignor),
                );
            }
            Action::RemoveConsumer { group, consumer } => {
                next.command(Panel::Groups, Command::LeaveGroup { group, consumer });
            }
            Action::KillConsumer { group, consumer } => {
                next.command(Panel::Groups, Command::KillConsumer { group, consumer });
            }
            Action::CreateGroup { name, assignor } => next.create_group(name.trim(), assignor),
            Action::ResetOffsets { group, to } => {
                let topic = next.preset.topic().to_string();
                next.command(Panel::Groups, Command::ResetOffsets { group, topic, to });
            }
            Action::ElectPreferredLeaders => {
                next.command(
                    Panel::Brokers,
                    Command::ElectPreferredLeaders { topic: None },
                );
            }
            Action::Produce {
                topic,
                key,
                value,
                acks,
            } => {
                let sent = next.command(
                    Panel::Produce,
                    Command::Produce {
                        topic,
                        key: key.map(String::into_bytes),
                        value: Some(value.into_bytes()),
                        headers: Vec::new(),
                        partition: None,
                        acks,
                    },
                );
                if let Some(Outcome::Produced(handle)) = sent {
                    next.last_produce = Some(handle);
                }
            }
            Action::Broker(op, broker) => {
                let command = match op {
                    BrokerOp::Kill => Command::KillBroker { broker },
                    BrokerOp::Restart => Command::RestartBroker { broker },
                    BrokerOp::Isolate => Command::IsolateBroker { broker },
                };
                next.command(Panel::Brokers, command);
            }
            Action::HealNetwork => {
                next.command(Panel::Brokers, Command::HealNetwork);
            }
            Action::AddBroker => {
                if let Some(Outcome::BrokerAdded(id)) =
                    next.command(Panel::Brokers, Command::AddBroker { broker: None })
                {
                    next.selected_broker = Some(id);
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
            } => next.create_topic(name, &partitions, &replication_factor, &min_insync_replicas),
            Action::AddPartitions { topic, total } => match parse_count("Partitions", &total) {
                Ok(partitions) => {
                    next.command(
                        Panel::Topics,
                        Command::AlterPartitions { topic, partitions },
                    );
                }
                Err(e) => next.error = Some((Panel::Topics, e)),
            },
            Action::SetTopicConfig { topic, key, value } => {
                let configs = BTreeMap::from([(key, Some(value))]);
                next.command(Panel::Topics, Command::SetTopicConfig { topic, configs });
            }
            Action::DismissError => next.error = None,
        }
        next.collect_events();
        Rc::new(next)
    }
}
