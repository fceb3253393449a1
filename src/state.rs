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
use kafka_sim::{Acks, BrokerId, Command, Engine, KafkaError, Outcome};
use yew::Reducible;

use crate::opening;

/// Newest trace lines kept for the event log.
pub const EVENT_LOG_LINES: usize = 400;
/// The longest real-time gap one frame may advance (a hidden tab must not jump minutes).
const MAX_FRAME_REAL_MS: f64 = 100.0;
pub const SPEEDS: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 5.0, 20.0, 100.0];

#[derive(Clone)]
pub struct SimState {
    engine: Rc<RefCell<Engine>>,
    version: u64,
    pub playing: bool,
    /// Simulated ms per real ms.
    pub speed: f64,
    /// Simulated microseconds carried between frames (frames do not fall on whole ms).
    carry_us: f64,
    pub selected_broker: Option<BrokerId>,
    /// The opening producer's rate, records/s (kept while it is stopped).
    pub producer_rate: u64,
    /// The last rejected user action, in Kafka's words, shown next to the control.
    pub error: Option<String>,
    /// Newest last.
    pub event_log: Rc<VecDeque<String>>,
}

impl PartialEq for SimState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.engine, &other.engine)
            && self.version == other.version
            && self.playing == other.playing
            && self.speed == other.speed
            && self.selected_broker == other.selected_broker
            && self.producer_rate == other.producer_rate
            && self.error == other.error
    }
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
    DismissError,
}

impl Default for SimState {
    fn default() -> Self {
        SimState::new(opening::opening_engine())
    }
}

impl SimState {
    pub fn new(engine: Engine) -> Self {
        let mut state = SimState {
            engine: Rc::new(RefCell::new(engine)),
            version: 0,
            playing: true,
            speed: 1.0,
            carry_us: 0.0,
            selected_broker: None,
            producer_rate: opening::PRODUCER_RATE_PER_S,
            error: None,
            event_log: Rc::new(VecDeque::new()),
        };
        state.collect_events();
        state
    }

    /// Read access for building the view.
    pub fn engine(&self) -> std::cell::Ref<'_, Engine> {
        self.engine.borrow()
    }

    fn command(&mut self, command: Command) -> Option<Outcome> {
        let result = self.engine.borrow_mut().apply(command);
        self.version += 1;
        match result {
            Ok(outcome) => {
                self.error = None;
                Some(outcome)
            }
            Err(KafkaError { kind, message }) => {
                self.error = Some(format!("{}: {message}", kind.name()));
                None
            }
        }
    }

    /// Moves new engine events into the bounded event log.
    fn collect_events(&mut self) {
        let events = self.engine.borrow_mut().take_events();
        if events.is_empty() {
            return;
        }
        let log = Rc::make_mut(&mut self.event_log);
        for event in &events {
            log.push_back(format_line(event));
        }
        while log.len() > EVENT_LOG_LINES {
            log.pop_front();
        }
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
            .any(|p| p.name == opening::PRODUCER && p.running)
    }

    fn start_producer(&mut self) {
        self.command(opening::start_producer(self.producer_rate));
    }

    fn stop_producer(&mut self) {
        self.command(Command::StopProducer {
            id: opening::PRODUCER.to_string(),
        });
    }
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
            Action::Produce {
                topic,
                key,
                value,
                acks,
            } => {
                next.command(Command::Produce {
                    topic,
                    key: key.map(String::into_bytes),
                    value: Some(value.into_bytes()),
                    headers: Vec::new(),
                    partition: None,
                    acks,
                });
            }
            Action::Broker(op, broker) => {
                next.command(match op {
                    BrokerOp::Kill => Command::KillBroker { broker },
                    BrokerOp::Restart => Command::RestartBroker { broker },
                    BrokerOp::Isolate => Command::IsolateBroker { broker },
                });
            }
            Action::HealNetwork => {
                next.command(Command::HealNetwork);
            }
            Action::AddBroker => {
                if let Some(Outcome::BrokerAdded(id)) =
                    next.command(Command::AddBroker { broker: None })
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
            Action::DismissError => next.error = None,
        }
        next.collect_events();
        Rc::new(next)
    }
}
