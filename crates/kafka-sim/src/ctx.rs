//! What a node's handler may do: send messages, set timers, report events, draw random
//! numbers. Handlers write into an [`Outbox`]; the engine then puts the messages on the
//! network and the timers in its queue. This keeps every node a plain state machine.

use crate::broker::BrokerTimer;
use crate::consumer::ConsumerTimer;
use crate::controller::ControllerTimer;
use crate::event::Event;
use crate::ids::{BrokerId, ClientId, SimTime};
use crate::message::Message;
use crate::network::NodeId;
use crate::producer::ProducerTimer;
use crate::rng::SplitMix64;
use serde::{Deserialize, Serialize};

/// A timer owned by one node. Broker timers carry the incarnation that set them, so a timer
/// set before a crash is ignored after the restart.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub enum Timer {
    Controller(ControllerTimer),
    Broker {
        broker: BrokerId,
        incarnation: u32,
        timer: BrokerTimer,
    },
    Producer {
        client: ClientId,
        timer: ProducerTimer,
    },
    Consumer {
        client: ClientId,
        timer: ConsumerTimer,
    },
}

/// Everything one handler call produced.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Outbox {
    pub sends: Vec<(NodeId, NodeId, Message)>,
    pub timers: Vec<(SimTime, Timer)>,
    pub events: Vec<Event>,
}

impl Outbox {
    pub fn is_empty(&self) -> bool {
        self.sends.is_empty() && self.timers.is_empty() && self.events.is_empty()
    }
}

/// The handler's window on the engine.
pub struct Ctx<'a> {
    pub now: SimTime,
    pub out: &'a mut Outbox,
    pub rng: &'a mut SplitMix64,
    pub next_id: &'a mut u64,
}

impl Ctx<'_> {
    pub fn send(&mut self, from: NodeId, to: NodeId, message: Message) {
        self.out.sends.push((from, to, message));
    }
    pub fn timer(&mut self, at: SimTime, timer: Timer) {
        self.out.timers.push((at, timer));
    }
    pub fn emit(&mut self, event: Event) {
        self.out.events.push(event);
    }
    /// A fresh request id, unique in the run.
    pub fn id(&mut self) -> u64 {
        *self.next_id += 1;
        *self.next_id
    }
}
