//! Newtype ids. Each prints the way a Kafka user reads it (`BrokerId(2)` debugs as `b2`,
//! a topic-partition as `orders-0`), so traces and test failures stay readable.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

/// Simulated time in milliseconds since the start of the run. The engine never reads a clock.
pub type SimTime = u64;

/// A broker's id, as `node.id` in Kafka.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BrokerId(pub u32);

/// A partition index within a topic.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PartitionId(pub u32);

/// A record's position in a partition's log. Dense, starting at 0, never renumbered.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Offset(pub u64);

/// A partition leader epoch; bumped on every leadership change.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Epoch(pub u32);

/// A network client of the cluster (a producer today, consumers later).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ClientId(pub u32);

/// One message on the simulated network.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EnvelopeId(pub u64);

/// The handle of one record sent with [`crate::Command::Produce`]; look its fate up with
/// [`crate::Engine::delivery`].
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ProduceHandle(pub u64);

/// A topic name and a partition index. The name is shared (`Arc<str>`) because it is copied
/// into every event and message: cloning must not allocate.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TopicPartition {
    pub topic: Arc<str>,
    pub partition: PartitionId,
}

impl TopicPartition {
    pub fn new(topic: impl Into<Arc<str>>, partition: u32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition: PartitionId(partition),
        }
    }
}

impl Offset {
    pub fn next(self) -> Offset {
        Offset(self.0 + 1)
    }
}

macro_rules! display_debug {
    ($ty:ty, $fmt:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, $fmt, self.0)
            }
        }
    };
}

display_debug!(BrokerId, "b{}");
display_debug!(PartitionId, "p{}");
display_debug!(Offset, "@{}");
display_debug!(Epoch, "e{}");
display_debug!(ClientId, "client{}");
display_debug!(EnvelopeId, "env{}");
display_debug!(ProduceHandle, "produce#{}");

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition.0)
    }
}

impl fmt::Debug for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Formats a broker list as Kafka's CLI does: `1,2,3`.
pub fn join_brokers(brokers: &[BrokerId]) -> String {
    let mut s = String::new();
    for (i, b) in brokers.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&b.0.to_string());
    }
    s
}

/// Serializes a map with non-string keys (e.g. [`TopicPartition`]) as a list of pairs, so
/// the engine's state round-trips through JSON.
pub mod map_as_pairs {
    use crate::sorted::SortedMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &SortedMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<SortedMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}
