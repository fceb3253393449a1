//! The simulated network: every request and response is an [`Envelope`] with a send time and
//! a delivery time. Links have a latency (default [`DEFAULT_LATENCY_MS`]); isolating a broker
//! cuts all its links, or only those to the controller and the other brokers, so messages on
//! a cut link are lost (senders notice by timeouts).

use crate::ids::{BrokerId, ClientId, EnvelopeId, SimTime};
use crate::message::Message;
use crate::sorted::{SortedMap, SortedSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One-way latency of a link unless configured otherwise, ms.
pub const DEFAULT_LATENCY_MS: u64 = 2;

/// A node on the network.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum NodeId {
    /// The KRaft controller quorum, modelled as one logical node.
    Controller,
    Broker(BrokerId),
    /// A client (producer; consumers later).
    Client(ClientId),
}

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeId::Controller => write!(f, "controller"),
            NodeId::Broker(b) => write!(f, "broker{}", b.0),
            NodeId::Client(c) => write!(f, "client{}", c.0),
        }
    }
}

impl NodeId {
    pub fn broker(self) -> Option<BrokerId> {
        match self {
            NodeId::Broker(b) => Some(b),
            _ => None,
        }
    }
}

/// A message in flight.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub id: EnvelopeId,
    pub from: NodeId,
    pub to: NodeId,
    pub sent_at: SimTime,
    pub deliver_at: SimTime,
    pub message: Message,
}

/// Links, latencies, cuts and the envelopes in flight.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Network {
    pub latency_ms: u64,
    /// Per-link one-way latency overrides (`from`, `to`).
    #[serde(with = "crate::ids::map_as_pairs")]
    pub link_latency_ms: SortedMap<(NodeId, NodeId), u64>,
    /// Brokers cut off from every other node.
    pub isolated: SortedSet<BrokerId>,
    /// Brokers cut off from the controller and the other brokers while clients still reach
    /// them (`isolate_broker` with `from: "cluster"`: the split-brain case).
    #[serde(default)]
    pub cut_from_cluster: SortedSet<BrokerId>,
    // A queue (appended in id order, removed as delivered): a B-tree, not a sorted vector.
    pub in_flight: BTreeMap<EnvelopeId, Envelope>,
    next_id: u64,
}

impl Network {
    pub fn new(latency_ms: u64) -> Self {
        Network {
            latency_ms,
            ..Default::default()
        }
    }

    pub fn latency(&self, from: NodeId, to: NodeId) -> u64 {
        self.link_latency_ms
            .get(&(from, to))
            .copied()
            .unwrap_or(self.latency_ms)
    }

    /// Whether messages can pass between two nodes right now.
    pub fn connected(&self, a: NodeId, b: NodeId) -> bool {
        let cut = |n: NodeId| n.broker().is_some_and(|b| self.isolated.contains(&b));
        // A broker cut from the cluster keeps only its links to clients.
        let off_cluster = |n: NodeId, other: NodeId| {
            !matches!(other, NodeId::Client(_))
                && n.broker()
                    .is_some_and(|b| self.cut_from_cluster.contains(&b))
        };
        !(cut(a) || cut(b) || off_cluster(a, b) || off_cluster(b, a))
    }

    /// Whether `broker` has any link cut (isolated from all, or from the cluster).
    pub fn is_cut(&self, broker: BrokerId) -> bool {
        self.isolated.contains(&broker) || self.cut_from_cluster.contains(&broker)
    }

    /// Restores every cut link.
    pub fn heal(&mut self) {
        self.isolated.clear();
        self.cut_from_cluster.clear();
    }

    /// Puts a message on the wire; returns its id and delivery time.
    pub fn send(
        &mut self,
        now: SimTime,
        from: NodeId,
        to: NodeId,
        message: Message,
    ) -> (EnvelopeId, SimTime) {
        let id = EnvelopeId(self.next_id);
        self.next_id += 1;
        let deliver_at = now + self.latency(from, to);
        self.in_flight.insert(
            id,
            Envelope {
                id,
                from,
                to,
                sent_at: now,
                deliver_at,
                message,
            },
        );
        (id, deliver_at)
    }
}
